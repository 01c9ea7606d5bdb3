"""OpenAI's chat.completion objects, whole and as streamed chunks (Server-Sent Events)."""

import json
import time
from typing import Any
from uuid import uuid4

from fastapi.sse import format_sse_event
from openai.types.chat import ChatCompletion

from ..llm.completion import Completion


def chat_completion(completion: Completion) -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": f"chatcmpl-{uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": completion.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": completion.text},
                    "finish_reason": completion.finish_reason,
                }
            ],
            "usage": usage_of(completion),
        }
    )


def usage_of(completion: Completion) -> dict[str, int]:
    return {
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens,
        "total_tokens": completion.prompt_tokens + completion.completion_tokens,
    }


class ChunkEncoder:
    """The `data:` events of one streamed chat completion."""

    def __init__(self, model: str) -> None:
        self._id, self._created, self._model = f"chatcmpl-{uuid4().hex}", int(time.time()), model

    def chunk(self, choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> bytes:
        data = {
            "id": self._id,
            "object": "chat.completion.chunk",
            "created": self._created,
            "model": self._model,
            "choices": choices,
            "usage": usage,
        }
        return format_sse_event(data_str=json.dumps(data))

    def delta(self, delta: dict[str, str], finish_reason: str | None = None) -> bytes:
        return self.chunk([{"index": 0, "delta": delta, "finish_reason": finish_reason}])


DONE = format_sse_event(data_str="[DONE]")
