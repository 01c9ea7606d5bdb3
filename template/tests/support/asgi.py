"""Calling the app as a server would, with a client that goes away part-way."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

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
