"""An offline stand-in for the provider (FAKE_LLM=true): deterministic answers, word-count tokens,
streamed word by word at a visible pace, like a real model's tokens."""

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from .completion import Completion
from .estimate import response_messages
from .fake_responses import response_events, response_object
from .models import Target
from .port import ChatBody, Embeddings, EmbeddingsBody, Reply, ResponsesBody, max_completion_tokens
from .responses_wire import ResponsesTally
from .stream import ChatTally, Chunk, LLMStream
from .usage import Usage

FAKE_DELAY_SECONDS = 0.05
DEFAULT_MAX_TOKENS = 1000


class FakeAdapter:
    async def chat(self, target: Target, body: ChatBody) -> Reply:
        completion = _answer(target, body)
        message = {"role": "assistant", "content": completion.text}
        choice = {"index": 0, "message": message, "finish_reason": completion.finish_reason}
        reply = {**_envelope("chat.completion", target.name), "choices": [choice], "usage": _usage(completion.usage)}
        return Reply(completion, json.dumps(reply).encode(), target.name)

    async def chat_stream(self, target: Target, body: ChatBody) -> LLMStream:
        completion = _answer(target, body)
        return LLMStream(
            _chunks(completion),
            _nothing_to_release,
            model=target.name,
            messages=body.get("messages") or [],
            tally=ChatTally(lambda usage: completion.usage),
        )

    async def embed(self, target: Target, body: EmbeddingsBody) -> Embeddings:
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else [str(text) for text in texts or ()]
        vectors: list[list[float] | str] = [_vector(text) for text in texts]
        data = [{"object": "embedding", "index": index, "embedding": vector} for index, vector in enumerate(vectors)]
        usage = Usage(sum(len(text.split()) for text in texts))
        reply = {
            "object": "list",
            "data": data,
            "model": target.name,
            "usage": {"prompt_tokens": usage.prompt_tokens, "total_tokens": usage.prompt_tokens},
        }
        return Embeddings(vectors, target.name, usage, json.dumps(reply).encode(), target.name)

    async def respond(self, target: Target, body: ResponsesBody) -> Reply:
        completion = _answer(target, _as_chat(body))
        return Reply(completion, json.dumps(response_object(completion, "completed")).encode(), target.name)

    async def respond_stream(self, target: Target, body: ResponsesBody) -> LLMStream:
        completion = _answer(target, _as_chat(body))
        return LLMStream(
            response_events(completion, FAKE_DELAY_SECONDS),
            _nothing_to_release,
            model=target.name,
            messages=response_messages(body),
            tally=ResponsesTally(),
        )

    async def aclose(self) -> None:
        """Nothing to release."""


def _as_chat(body: ResponsesBody) -> ChatBody:
    """A Responses body as the Chat Completions body the fake answers."""
    chat: ChatBody = {"messages": response_messages(body)[1:], "max_tokens": body.get("max_output_tokens")}
    text_format = (body.get("text") or {}).get("format") if isinstance(body.get("text"), dict) else None
    if isinstance(text_format, dict) and text_format.get("type") == "json_schema":
        chat["response_format"] = {"type": "json_schema", "json_schema": text_format}
    return chat


def _answer(target: Target, body: ChatBody) -> Completion:
    messages = [message for message in body.get("messages") or () if isinstance(message, dict)]
    prompt_words = sum(len(str(message.get("content") or "").split()) for message in messages)
    last = str(messages[-1].get("content") or "") if messages else ""
    said = f"[fake LLM, offline demo] You said: {last}"
    if (schema := _json_schema(body)) is not None:  # structured output (`llm.parse`): an instance of the schema
        text = json.dumps(_instance(schema, schema, said))
        return Completion(text, target.name, Usage(prompt_words, len(text.split())))
    answer = said.split()
    limit = max_completion_tokens(body) or DEFAULT_MAX_TOKENS
    words = answer[:limit]
    finish_reason = "length" if len(answer) > limit else "stop"
    return Completion(" ".join(words), target.name, Usage(prompt_words, len(words)), finish_reason)


def _json_schema(body: ChatBody) -> dict[str, Any] | None:
    response_format = body.get("response_format")
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        return None
    schema = (response_format.get("json_schema") or {}).get("schema")
    return schema if isinstance(schema, dict) else None


def _instance(schema: dict[str, Any], root: dict[str, Any], text: str) -> Any:
    """A value that `schema` accepts: `text` for strings, the first of a choice, the least of the rest."""
    if isinstance(ref := schema.get("$ref"), str):
        return _instance(root.get("$defs", {}).get(ref.rsplit("/", 1)[-1], {}), root, text)
    if options := schema.get("enum") or schema.get("anyOf") or schema.get("oneOf"):
        first = options[0]
        return _instance(first, root, text) if isinstance(first, dict) else first
    properties = schema.get("properties") or {}
    defaults: dict[str, Any] = {"string": text, "integer": 0, "number": 0, "boolean": False, "array": [], "null": None}
    if schema.get("type") == "object" or properties:
        return {name: _instance(part, root, text) for name, part in properties.items()}
    return defaults.get(str(schema.get("type")), text)


def _vector(text: str, dimensions: int = 8) -> list[float]:
    """The same text, the same vector: bytes of its SHA-256 digest, scaled to [-1, 1]."""
    digest = hashlib.sha256(text.encode()).digest()
    return [round(byte / 127.5 - 1, 4) for byte in digest[:dimensions]]


async def _chunks(completion: Completion) -> AsyncIterator[Chunk]:
    envelope = _envelope("chat.completion.chunk", completion.model)

    def chunk(delta: dict[str, str], finish_reason: str | None = None) -> Chunk:
        return {**envelope, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

    yield chunk({"role": "assistant", "content": ""})
    for index, word in enumerate(completion.text.split(" ")):
        await asyncio.sleep(FAKE_DELAY_SECONDS)
        yield chunk({"content": word if index == 0 else f" {word}"})
    yield chunk({}, completion.finish_reason)
    yield {**envelope, "choices": [], "usage": _usage(completion.usage)}


def _envelope(kind: str, model: str) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": kind, "created": int(time.time()), "model": model}


def _usage(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


async def _nothing_to_release() -> None:
    """The fake holds no connection."""
