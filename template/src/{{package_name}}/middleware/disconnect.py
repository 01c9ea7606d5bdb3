"""A client that goes away before the response starts cancels the request's work, the upstream call
with it, and the request is logged and counted with nginx's status for that, 499.

Once the app has read the whole body, a watcher task takes over `receive`, which then yields nothing
but the disconnect. If that comes before the response has started, the request's own task is
cancelled; later, the app's own `receive` calls (a stream's disconnect listener) are answered with
it, and the app ends the response itself.
"""

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..context import RequestContext, context_of

CLIENT_CLOSED_REQUEST = 499
_WITHOUT_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


class DisconnectMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _WITHOUT_BODY:
            # Nothing to watch: the app never reads such a request's body, so no watcher would start.
            await self.app(scope, receive, send)
            return
        watch = _DisconnectWatch(receive, context_of(scope))
        try:
            await self.app(scope, watch.receive, send)
        except asyncio.CancelledError:
            if not watch.took_back_cancel():
                raise
            watch.context.status = CLIENT_CLOSED_REQUEST  # the client left before the answer: the work was dropped
        finally:
            watch.stop()


class _DisconnectWatch:
    def __init__(self, receive: Receive, context: RequestContext) -> None:
        self._receive = receive
        self.context = context
        self._request_task = asyncio.current_task()
        self._watcher: asyncio.Task[None] | None = None
        self._disconnected: asyncio.Event | None = None
        self._cancelled_request = False

    async def receive(self) -> Message:
        if self._disconnected is not None:
            await self._disconnected.wait()
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            self._disconnected = asyncio.Event()
            self._watcher = asyncio.create_task(self._watch(self._disconnected))
        return message

    async def _watch(self, disconnected: asyncio.Event) -> None:
        while (await self._receive())["type"] != "http.disconnect":
            pass
        disconnected.set()
        if self.context.status is None and self._request_task is not None:  # the response has not started
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
