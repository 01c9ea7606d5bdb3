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
from .llm.usage import Usage

_SCOPE_KEY = "request_context"

MODEL_HEADER = b"x-llm-model"
"""Names the model that answered, by its configured name: the one asked for, or a fallback."""


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
    response_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    """Headers for whatever response the request ends with, error responses included."""
    log_fields: dict[str, Any] = field(default_factory=dict)
    """Anything else worth a field on the access log line (say, how a stream failed)."""
    error_code: str | None = None
    """The error code of the error response the request ended with, if it did."""
    after_response: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    """Work for once the response is done (for a stream, after its last event), run by the middleware."""

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


def attach_context(scope: Scope, request_id: str) -> RequestContext:
    context = RequestContext(request_id)
    scope[_SCOPE_KEY] = context
    return context


def context_of(scope: Scope) -> RequestContext:
    context: RequestContext = scope[_SCOPE_KEY]
    return context
