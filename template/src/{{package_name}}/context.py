"""What the service knows about the request in flight: one typed record per request.

The middleware creates it; authentication, admission and the routes fill it in; whatever runs once
the response is done (the access log, the charge of what the call used) reads it.
"""

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Scope

from .caller import Caller

_SCOPE_KEY = "request_context"


@dataclass(frozen=True, slots=True)
class Usage:
    """What one completion used and cost."""

    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cached_tokens: int = 0
    """Of the prompt tokens, those the provider read from its cache."""
    model: str = ""
    """The configured name of the model that answered (and set the prices)."""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class RequestContext:
    request_id: str
    caller: Caller | None = None
    usage: Usage | None = None
    response_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    """Headers for whatever response the request ends with, error responses included."""
    log_fields: dict[str, Any] = field(default_factory=dict)
    """Anything else worth a field on the access log line (say, how a stream failed)."""
    error_code: str | None = None
    """The error code of the error response the request ended with, if it did."""
    after_response: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    """Work for once the response is done (for a stream, after its last event), run by the middleware."""
    started_at: float = 0.0
    """When the request came in (`time.perf_counter()`)."""
    status: int | None = None
    """The response's status, once it has started (499: the client left before it did)."""
    llm_calls: int = 0
    """LLM calls made for the request."""
    upstream_seconds: float = 0.0
    """Time spent in upstream calls that have ended; calls that overlapped counted once."""
    _upstream_open: int = 0
    _upstream_since: float = 0.0

    @property
    def status_or_500(self) -> int:
        """The status the request ended with: a request that ended without a response failed."""
        return 500 if self.status is None else self.status

    def start_upstream_call(self, now: float) -> None:
        """An upstream call for the request started at `now` (`time.perf_counter()`)."""
        if not self._upstream_open:
            self._upstream_since = now
        self._upstream_open += 1

    def end_upstream_call(self, now: float) -> None:
        """An upstream call begun with `start_upstream_call` ended at `now` (`time.perf_counter()`)."""
        self._upstream_open -= 1
        if not self._upstream_open:
            self.upstream_seconds += now - self._upstream_since

    def server_timing(self, now: float) -> bytes:
        """The Server-Timing header's value at `now`: the service's own time, and the time in upstream calls."""
        upstream = self.upstream_seconds + (now - self._upstream_since if self._upstream_open else 0.0)
        own = max(0.0, now - self.started_at - upstream)
        return b"app;dur=%.2f, upstream;dur=%.2f" % (own * 1000, upstream * 1000)

    def answer_headers(self, now: float) -> list[tuple[bytes, bytes]]:
        """The headers every response of the request carries, whoever answers it."""
        return [
            (b"x-request-id", self.request_id.encode()),
            (b"server-timing", self.server_timing(now)),
            *self.response_headers,
        ]

    def add_access_log_fields(self, fields: dict[str, Any]) -> None:
        """What the request's access log line says besides its request id, method, path, status and latency."""
        if self.log_fields:
            fields.update(self.log_fields)
        if self.caller is not None:
            fields["caller"] = self.caller.id
        if self.error_code is not None:
            fields["error_code"] = self.error_code
        if self.usage is not None:
            fields.update(
                prompt_tokens=self.usage.prompt_tokens,
                completion_tokens=self.usage.completion_tokens,
                cost_usd=self.usage.cost_usd,
                model=self.usage.model,
            )


# The request in flight in this task, for whatever cannot reach its scope (the log lines' request id).
CURRENT_CONTEXT: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def attach_context(scope: Scope, request_id: str, started_at: float) -> RequestContext:
    context = RequestContext(request_id, started_at=started_at)
    scope[_SCOPE_KEY] = context
    return context


def context_of(scope: Scope) -> RequestContext:
    context: RequestContext = scope[_SCOPE_KEY]
    return context
