"""Pure ASGI middleware: request id, body size limit, client disconnects, last-resort 500, and once the
response is done, the request's after-response work and its access log.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass straight through.
"""

import asyncio
import logging
import re
import time
from uuid import uuid4

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .context import CURRENT_CONTEXT, RequestContext, attach_context
from .errors import ApiError, ErrorCode, error_body
from .metrics import UNMATCHED_ROUTE

access_logger = logging.getLogger("access")
logger = logging.getLogger(__name__)

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# nginx's status for a request whose client closed the connection before the answer.
CLIENT_CLOSED_REQUEST = 499


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
                watch.response_started()
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header, *context.response_headers]
            await send(message)

        watch = _DisconnectWatch(receive)
        try:
            if content_length is not None and content_length > self.max_body_bytes:
                error = ApiError(413, ErrorCode.REQUEST_TOO_LARGE, self._too_large_message)
                await _send_error(send_with_id, scope["path"], error, context)
            else:
                await self.app(scope, self._limit_body(watch.receive), send_with_id)
        except asyncio.CancelledError:
            if not watch.took_back_cancel():
                raise
            status = CLIENT_CLOSED_REQUEST  # the client left before the answer: the work was dropped
        except Exception as exc:
            logger.exception("unhandled error", extra={"request_id": request_id})
            if response_started:
                raise  # nothing left to say to the client; the server closes the connection
            details = repr(exc) if self.debug else None
            error = ApiError(500, ErrorCode.INTERNAL_ERROR, "Internal server error", details=details)
            await _send_error(send_with_id, scope["path"], error, context)
        finally:
            watch.stop()
            for work in context.after_response:
                try:
                    await work()
                except Exception:
                    logger.exception("after-response work failed", extra={"request_id": request_id})
            elapsed = time.perf_counter() - started_at
            if access_logger.isEnabledFor(logging.INFO):
                fields = {
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "latency_ms": round(elapsed * 1000, 2),
                }
                context.add_access_log_fields(fields)
                # `handle` of a record made here: the same line as `info` writes, without its search of the stack
                # for the caller's file and line, which no log line shows.
                access_logger.handle(
                    access_logger.makeRecord(access_logger.name, logging.INFO, "", 0, "request", (), None, extra=fields)
                )
            if (metrics := scope["app"].state.services.metrics) is not None:
                route = scope.get("route")
                metrics.observe_request(scope["method"], route.path if route else UNMATCHED_ROUTE, status, elapsed)
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


class _DisconnectWatch:
    """Cancels the request's work when its client goes away before the response starts (SPEC §14).

    Once the app has read the whole body, a watcher task takes over `receive`, which then yields
    nothing but the disconnect. If that comes before the response has started, the request's own task
    is cancelled, and with it the upstream call; later, the app's own `receive` calls (a stream's
    disconnect listener) are answered with it, and the app ends the response itself.
    """

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._request_task = asyncio.current_task()
        self._watcher: asyncio.Task[None] | None = None
        self._disconnected = asyncio.Event()
        self._response_started = False
        self._cancelled_request = False

    async def receive(self) -> Message:
        if self._watcher is not None:
            await self._disconnected.wait()
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            self._watcher = asyncio.create_task(self._watch())
        return message

    def response_started(self) -> None:
        self._response_started = True

    async def _watch(self) -> None:
        while (await self._receive())["type"] != "http.disconnect":
            pass
        self._disconnected.set()
        if not self._response_started and self._request_task is not None:
            self._cancelled_request = True
            self._request_task.cancel()

    def took_back_cancel(self) -> bool:
        """Whether the request was cancelled here (the client left); if so, the task is no longer cancelling."""
        if self._cancelled_request and self._request_task is not None:
            self._request_task.uncancel()
        return self._cancelled_request

    def stop(self) -> None:
        """Cancel the watcher: it is waiting on `receive`, so it ends without running another line of `_watch`."""
        if self._watcher is not None:
            self._watcher.cancel()


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


async def _send_error(send: Send, path: str, error: ApiError, context: RequestContext) -> None:
    context.error_code = error.error_code
    body = error_body(path, error)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
