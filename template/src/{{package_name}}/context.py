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


def attach_context(scope: Scope, request_id: str) -> RequestContext:
    context = RequestContext(request_id)
    scope[_SCOPE_KEY] = context
    return context


def context_of(scope: Scope) -> RequestContext:
    context: RequestContext = scope[_SCOPE_KEY]
    return context
