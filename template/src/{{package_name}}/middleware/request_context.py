"""What every request gets, whatever answers it: a request id, its RequestContext, the context's
headers and Server-Timing on its response, a 500 in the error shape for an unexpected failure; and,
once the response is done, the request's after-response work, its access log line and its metrics.
"""

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..context import CURRENT_CONTEXT, RequestContext, attach_context
from ..errors import ApiError, ErrorCode, send_error
from ..metrics import UNMATCHED_ROUTE

access_logger = logging.getLogger("access")
logger = logging.getLogger(__name__)

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, debug: bool) -> None:
        self.app = app
        self.debug = debug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        context = attach_context(scope, _request_id(scope), time.perf_counter())
        context_token = CURRENT_CONTEXT.set(context)  # every log line written for the request names it

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                context.status = message["status"]
                message["headers"] = [*message.get("headers", ()), *context.answer_headers(time.perf_counter())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            logger.exception("unhandled error", extra={"request_id": context.request_id})
            if context.status is not None:
                raise  # nothing left to say to the client; the server closes the connection
            details = repr(exc) if self.debug else None
            error = ApiError(500, ErrorCode.INTERNAL_ERROR, "Internal server error", details=details)
            await send_error(send_with_headers, scope, error)
        finally:
            await _run_after_response(context)
            seconds = time.perf_counter() - context.started_at
            _log_access(scope, context, seconds)
            if (metrics := scope["app"].state.services.metrics) is not None:
                route = scope.get("route")
                metrics.observe_request(scope["method"], route.path if route else UNMATCHED_ROUTE, seconds, context)
            CURRENT_CONTEXT.reset(context_token)


def _request_id(scope: Scope) -> str:
    """The client's X-Request-ID when it is a safe one, else a new id."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _VALID_REQUEST_ID.match(candidate):
                return candidate
    return os.urandom(16).hex()  # 32 hex digits, as uuid4().hex, at a fifth of its cost


async def _run_after_response(context: RequestContext) -> None:
    for work in context.after_response:
        try:
            await work()
        except Exception:
            logger.exception("after-response work failed", extra={"request_id": context.request_id})


def _log_access(scope: Scope, context: RequestContext, seconds: float) -> None:
    if not access_logger.isEnabledFor(logging.INFO):
        return
    fields = {
        "request_id": context.request_id,
        "method": scope["method"],
        "path": scope["path"],
        "status": context.status_or_500,
        "latency_ms": round(seconds * 1000, 2),
    }
    context.add_access_log_fields(fields)
    # `handle` of a record made here: the same line as `info` writes, without its search of the stack
    # for the caller's file and line, which no log line shows.
    access_logger.handle(
        access_logger.makeRecord(access_logger.name, logging.INFO, "", 0, "request", (), None, extra=fields)
    )
