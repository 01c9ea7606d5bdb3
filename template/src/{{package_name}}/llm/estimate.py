"""Token counts estimated from text, where the provider's own count is not (yet) known: a stream cut
short before its usage arrived, and the most a call may cost, reserved against a budget before it."""

import math
from collections.abc import Iterable
from typing import Any

# OpenAI's rule of thumb for English text.
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def prompt_tokens(messages: Iterable[Any]) -> int:
    """The tokens of the messages' text: each one's content, or the text parts of a multipart content."""
    return estimate_tokens(" ".join(_message_text(message) for message in messages))


def response_messages(body: dict[str, Any]) -> list[Any]:
    """A Responses API body's `instructions` and `input` as messages, for `prompt_tokens`: its message
    items as they are, a function call's arguments and a function's output as the content they add."""
    items = body.get("input")
    messages: list[Any] = [{"content": body.get("instructions")}]
    for item in [{"content": items}] if isinstance(items, str) else items if isinstance(items, list) else ():
        if isinstance(item, dict) and "content" not in item:
            item = {"content": item.get("output", item.get("arguments"))}
        messages.append(item)
    return messages


def input_tokens(texts: Any) -> int:
    """The tokens of an Embeddings `input`: a string, strings, or token arrays (counted as they are)."""
    if isinstance(texts, str):
        return estimate_tokens(texts)
    items = texts if isinstance(texts, list) else []
    if all(isinstance(item, int) for item in items):
        return len(items)
    return sum(len(item) if isinstance(item, list) else estimate_tokens(str(item)) for item in items)


def _message_text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        return " ".join(
            part["text"] for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return content if isinstance(content, str) else ""
