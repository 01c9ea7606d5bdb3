"""A request body over MAX_REQUEST_BYTES gets the 413 in the error shape, declared or not.

FastAPI's own `max_body_size` answers a declared Content-Length over it with a plain-text 413 from
outside the app (no error shape, no X-Request-ID); this check, in front, answers every oversized
body alike.
"""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ApiError, ErrorCode, send_error


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._too_large = f"Request body exceeds {max_body_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _framing(scope)
        if declared is not None and declared > self.max_body_bytes:
            await send_error(send, scope, ApiError(413, ErrorCode.REQUEST_TOO_LARGE, self._too_large))
        elif chunked:
            await self.app(scope, self._counted(receive), send)
        else:
            # No body, or a declared length within the limit: the server delivers no more than it declared.
            await self.app(scope, receive, send)

    def _counted(self, receive: Receive) -> Receive:
        """Count the bytes of a body sent in chunks, without a length."""
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # FastAPI re-raises HTTPException from body parsing; errors.py renders it.
                    raise HTTPException(413, self._too_large)
            return message

        return counted_receive


def _framing(scope: Scope) -> tuple[int | None, bool]:
    """The body's declared Content-Length, and whether it comes in chunks (Transfer-Encoding)."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            return int(value), False
        if name == b"transfer-encoding":
            return None, True
    return None, False
