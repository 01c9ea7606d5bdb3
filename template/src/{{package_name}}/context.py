"""What the service knows about the request in flight: one typed record per request.

The middleware creates it; authentication, admission and the routes fill it in; whatever runs once
the response is done (the access log, the charge of what the call used) reads it.
"""

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.types import Scope

from .caller import Caller
from .llm.usage import Usage

_SCOPE_KEY = "request_context"

MODEL_HEADER = b"x-llm-model"
"""Names the model that answered, by its configured name: the one asked for, or a fallback."""


class CallBudget(Protocol):
    """The admitted caller's budgets, for the LLM calls of its request: each call holds the most it can
    cost before it starts, and settles what it really cost once it has ended."""

    async def reserve(self, usd: float) -> object: ...

    async def settle(self, hold: object, usage: Usage) -> None: ...


@dataclass(slots=True)
class RequestContext:
    request_id: str
    caller: Caller | None = None
    usage: Usage = field(default_factory=Usage)
    """The sum over the request's LLM calls (each priced at its answering model's prices)."""
    llm_calls: int = 0
    """LLM calls that used tokens (that the provider will bill)."""
    model: str | None = None
    """The configured name of the model that answered the last of them."""
    budget: CallBudget | None = None
    """Set by admission for a caller held to budgets."""
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

    def answered_by(self, model: str) -> None:
        """An LLM call is being answered by `model` (its configured name): the response's X-LLM-Model
        names the last model that answered before the response started."""
        self.model = model
        headers = [header for header in self.response_headers if header[0] != MODEL_HEADER]
        self.response_headers = [*headers, (MODEL_HEADER, model.encode())]

    def add_usage(self, usage: Usage) -> None:
        """What one more LLM call used."""
        self.usage += usage
        self.llm_calls += 1

    def add_access_log_fields(self, fields: dict[str, Any]) -> None:
        """What the request's access log line says besides its request id, method, path, status and latency."""
        if self.log_fields:
            fields.update(self.log_fields)
        if self.caller is not None:
            fields["caller"] = self.caller.id
        if self.error_code is not None:
            fields["error_code"] = self.error_code
        if self.llm_calls:
            fields.update(
                llm_calls=self.llm_calls,
                prompt_tokens=self.usage.prompt_tokens,
                completion_tokens=self.usage.completion_tokens,
                cached_tokens=self.usage.cached_tokens,
                cost_usd=self.usage.cost_usd,
                model=self.model,
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
