"""Pure ASGI middleware: request id, body size limit, access log, last-resort 500.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass straight through
and each request costs one extra function call, not an extra task.
"""

import logging
import re
import time
from uuid import uuid4

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .context import CURRENT_CONTEXT, attach_context
from .errors import ApiError, ErrorCode, error_body
from .metrics import UNMATCHED_ROUTE

access_logger = logging.getLogger("access")
logger = logging.getLogger(__name__)

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, debug: bool) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.debug = debug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started_at = time.perf_counter()
        request_id, content_length = _read_headers(scope)
        context = attach_context(scope, request_id)
        context_token = CURRENT_CONTEXT.set(context)  # every log line written for the request names it
        id_header = (b"x-request-id", request_id.encode())
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header, *context.response_headers]
            await send(message)

        try:
            if content_length is not None and content_length > self.max_body_bytes:
                error = ApiError(413, ErrorCode.REQUEST_TOO_LARGE, self._too_large_message)
                await _send_error(send_with_id, scope["path"], error)
            else:
                await self.app(scope, self._limit_body(receive), send_with_id)
        except Exception as exc:
            logger.exception("unhandled error", extra={"request_id": request_id})
            if response_started:
                raise  # nothing left to say to the client; the server closes the connection
            details = repr(exc) if self.debug else None
            error = ApiError(500, ErrorCode.INTERNAL_ERROR, "Internal server error", details=details)
            await _send_error(send_with_id, scope["path"], error)
        finally:
            elapsed = time.perf_counter() - started_at
            access_logger.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "latency_ms": round(elapsed * 1000, 2),
                    **context.access_log_fields(),
                },
            )
            if (metrics := scope["app"].state.services.metrics) is not None:
                route = scope.get("route")
                metrics.observe_request(
                    scope["method"], route.path if route else UNMATCHED_ROUTE, status, elapsed, context
                )
            CURRENT_CONTEXT.reset(context_token)

    @property
    def _too_large_message(self) -> str:
        return f"Request body exceeds {self.max_body_bytes} bytes"

    def _limit_body(self, receive: Receive) -> Receive:
        """Count the bytes of a body sent without (or with a false) Content-Length."""
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # FastAPI re-raises HTTPException from body parsing; errors.py renders it.
                    raise HTTPException(413, self._too_large_message)
            return message

        return limited_receive


def _read_headers(scope: Scope) -> tuple[str, int | None]:
    request_id: str | None = None
    content_length: int | None = None
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _VALID_REQUEST_ID.match(candidate):
                request_id = candidate
        elif name == b"content-length" and value.isdigit():
            content_length = int(value)
    return request_id or uuid4().hex, content_length


async def _send_error(send: Send, path: str, error: ApiError) -> None:
    body = error_body(path, error)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
