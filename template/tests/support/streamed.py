"""The fake upstream's streamed replies, for whatever streams (/chat/stream, /v1 with `stream`, pipelines)."""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx2

from .replies import MODEL, Upstream


def chunk_body(
    content: str | None = None, finish_reason: str | None = None, usage: tuple[int, int] | None = None
) -> Any:
    """One chat.completion.chunk; with `usage` it is the last one, as `include_usage` asks."""
    choices = [] if usage else [{"index": 0, "delta": {"content": content}, "finish_reason": finish_reason}]
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": MODEL,
        "choices": choices,
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
        if usage
        else None,
    }


DEFAULT_CHUNKS = [
    chunk_body(""),
    chunk_body("Hello"),
    chunk_body(" there"),
    chunk_body("!", finish_reason="stop"),
    chunk_body(usage=(12, 3)),
]


@dataclass
class StreamedReplies(Upstream):
    """A request with `stream` gets DEFAULT_CHUNKS when no reply is queued."""

    abandoned_streams: int = 0
    """Streamed replies whose reader went away (cancelled or closed) before the end."""

    def default_reply(self) -> httpx2.Response:
        return self.streamed(*DEFAULT_CHUNKS) if self.requests[-1].get("stream") else super().default_reply()

    def streamed(self, *events: Any, done: bool = True) -> httpx2.Response:
        """A streamed reply. Each event is a chunk (sent as `data:`), raw bytes (sent as they are),
        a number (a pause of that many seconds) or an exception (the connection breaks there); then
        `data: [DONE]` unless not `done` (the Responses API sends none)."""

        async def body() -> AsyncIterator[bytes]:
            finished = False
            try:
                for event in events:
                    if isinstance(event, Exception):
                        raise event
                    if isinstance(event, int | float):
                        await asyncio.sleep(event)
                    else:
                        yield event if isinstance(event, bytes) else f"data: {json.dumps(event)}\n\n".encode()
                finished = True  # the reader may stop at [DONE] without asking for more
                if done:
                    yield b"data: [DONE]\n\n"
            finally:
                if not finished:
                    self.abandoned_streams += 1

        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body())
