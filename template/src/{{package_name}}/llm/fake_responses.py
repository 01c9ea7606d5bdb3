"""The offline fake's answers in the Responses API's shapes: a `response` object, and a stream's events."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from .completion import Completion
from .stream import Chunk


def response_object(completion: Completion, status: str) -> dict[str, Any]:
    """A Responses API `response` saying `completion` (nothing of it yet while in progress)."""
    done = status == "completed"
    usage = completion.usage
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "model": completion.model,
        "status": status,
        "output": [_message(completion.text, status)] if done else [],
        "usage": {
            "input_tokens": usage.prompt_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": usage.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": usage.total_tokens,
        }
        if done
        else None,
    }


def _message(text: str | None, status: str) -> dict[str, Any]:
    content = [] if text is None else [_text_part(text)]
    return {"type": "message", "id": "msg_fake", "role": "assistant", "status": status, "content": content}


def _text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": []}


async def response_events(completion: Completion, delay: float) -> AsyncIterator[Chunk]:
    """The events of a Responses stream writing `completion`, word by word, `delay` seconds apart."""
    item = {"item_id": "msg_fake", "output_index": 0}
    part = {**item, "content_index": 0}
    text = completion.text
    events: list[Chunk] = [
        {"type": "response.created", "response": response_object(completion, "in_progress")},
        {"type": "response.output_item.added", "output_index": 0, "item": _message(None, "in_progress")},
        {"type": "response.content_part.added", **part, "part": _text_part("")},
    ]
    deltas = [word if index == 0 else f" {word}" for index, word in enumerate(text.split(" "))]
    events += [{"type": "response.output_text.delta", **part, "delta": delta} for delta in deltas]
    events += [
        {"type": "response.output_text.done", **part, "text": text},
        {"type": "response.content_part.done", **part, "part": _text_part(text)},
        {"type": "response.output_item.done", "output_index": 0, "item": _message(text, "completed")},
        {"type": "response.completed", "response": response_object(completion, "completed")},
    ]
    for number, event in enumerate(events):
        if event["type"] == "response.output_text.delta":
            await asyncio.sleep(delay)
        yield {**event, "sequence_number": number}
