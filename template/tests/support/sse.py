"""Reading Server-Sent Events, and a client that leaves part-way through a stream."""

import asyncio
from typing import Any

from fastapi import FastAPI

from .asgi import post_and_leave


def parse_sse(text: str) -> list[tuple[str | None, str]]:
    """(event, data) of each Server-Sent Event in a response body; keep-alive comments are skipped."""
    events = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith(":")]
        if not lines:
            continue
        event = next((line.removeprefix("event: ") for line in lines if line.startswith("event: ")), None)
        data = "\n".join(line.removeprefix("data: ") for line in lines if line.startswith("data: "))
        events.append((event, data))
    return events


async def leave_after_first_event(app: FastAPI, path: str, body: Any, headers: dict[str, str]) -> list[Any]:
    """POST to the app, and disconnect once the first event with text ("Hel") has been sent."""
    first_text = asyncio.Event()

    def watch(message: Any) -> None:
        if b"Hel" in message.get("body", b""):
            first_text.set()

    return await post_and_leave(app, path, body, headers, leave=first_text, on_send=watch)
