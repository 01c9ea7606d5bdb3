"""Calling the app as a server would, with a client that goes away part-way; or a real server."""

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import uvicorn
from fastapi import FastAPI


async def post_and_leave(
    app: FastAPI,
    path: str,
    body: Any,
    headers: dict[str, str],
    *,
    leave: asyncio.Event,
    on_send: Callable[[Any], None] = lambda message: None,
) -> list[Any]:
    """POST to the app, and disconnect once `leave` is set (`on_send` sees each ASGI message sent).

    Returns the ASGI messages the app sent. Fails if the app does not finish soon after.
    """
    content = json.dumps(body).encode()
    sent: list[Any] = []
    body_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": content, "more_body": False}
        await leave.wait()
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)
        on_send(message)

    raw_headers = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},  # as uvicorn serves HTTP/1.1
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(content)).encode()),
            *raw_headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    async with asyncio.timeout(5):  # the upstream would hold it for 30 s
        await app(scope, receive, send)
    return sent


@contextlib.asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """Serve the (already started) app with uvicorn on a free local port; yields its base URL.

    On exit the server stops once the requests in flight have finished (their access log written).
    """
    listening = socket.create_server(("127.0.0.1", 0))  # connections queue here until uvicorn accepts
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        async with asyncio.timeout(10):
            await task
        listening.close()
