"""OpenAI's wire format, read strictly: the SDK checks nothing of what it parses, so a proxy's odd
answer would arrive as a half-empty object. A reply without a first choice, or with token counts that
are not whole, sane numbers, is a malformed reply, and nothing is charged for it.
"""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Self

from pydantic import BaseModel, Field, ValidationError, model_validator

from .completion import Completion, ToolCall
from .errors import LLMMalformedReplyError, LLMUnavailableError
from .port import Embeddings
from .stream import Chunk
from .usage import Usage
from .wire import TokenCount, first_error


class _PromptTokensDetails(BaseModel):
    cached_tokens: TokenCount | None = None


class _Usage(BaseModel):
    prompt_tokens: TokenCount
    completion_tokens: TokenCount
    prompt_tokens_details: _PromptTokensDetails | None = None

    @model_validator(mode="after")
    def _cached_within_prompt(self) -> Self:
        if self.cached > self.prompt_tokens:
            raise ValueError("more cached tokens than prompt tokens")
        return self

    @property
    def cached(self) -> int:
        details = self.prompt_tokens_details
        return (details.cached_tokens or 0) if details is not None else 0

    def usage(self) -> Usage:
        return Usage(self.prompt_tokens, self.completion_tokens, self.cached)


class _Message(BaseModel):
    content: str | None = None
    tool_calls: list[ToolCall] | None = None
    refusal: str | None = None


class _Choice(BaseModel):
    message: _Message
    finish_reason: str | None = None


class _Reply(BaseModel):
    model: str | None = None
    choices: Annotated[list[_Choice], Field(min_length=1)]
    usage: _Usage


def read_reply(raw: bytes, model: str, *, max_tokens: int | None) -> tuple[Completion, str | None]:
    """A whole `chat.completion`, answered by the configured `model` for a request that allowed at most
    `max_tokens`; and the `model` the reply itself names."""
    try:
        reply = _Reply.model_validate_json(raw)
    except ValidationError as exc:
        raise LLMMalformedReplyError(first_error(exc)) from None
    choice = reply.choices[0]
    message = choice.message
    if message.content is None and not message.tool_calls and message.refusal is None:
        raise LLMMalformedReplyError("choices.0.message: neither content, tool calls nor a refusal")
    usage = _within(max_tokens, reply.usage.usage())
    completion = Completion(
        message.content or "", model, usage, choice.finish_reason or "stop", message.tool_calls or [], message.refusal
    )
    return completion, reply.model


class _EmbeddingsUsage(BaseModel):
    prompt_tokens: TokenCount


class _Embedding(BaseModel):
    embedding: list[float] | str


class _Embeddings(BaseModel):
    model: str | None = None
    data: list[_Embedding]
    usage: _EmbeddingsUsage


def read_embeddings(raw: bytes, model: str) -> Embeddings:
    """A whole embeddings reply, answered by the configured `model`."""
    try:
        reply = _Embeddings.model_validate_json(raw)
    except ValidationError as exc:
        raise LLMMalformedReplyError(first_error(exc)) from None
    vectors = [item.embedding for item in reply.data]
    return Embeddings(vectors, model, Usage(reply.usage.prompt_tokens), raw, reply.model)


def read_usage(usage: object) -> Usage:
    """A stream's `usage`, already parsed as JSON."""
    try:
        return _Usage.model_validate(usage).usage()
    except ValidationError as exc:
        raise LLMMalformedReplyError(f"usage: {first_error(exc)}") from None


def _within(max_tokens: int | None, usage: Usage) -> Usage:
    """`usage`, unless it claims more completion tokens than the request allowed (no real answer does)."""
    if max_tokens is not None and usage.completion_tokens > max_tokens:
        raise LLMMalformedReplyError(f"usage.completion_tokens over the max_tokens of {max_tokens}")
    return usage


async def next_chunk(lines: AsyncIterator[str]) -> Chunk | None:
    """The next `data:` chunk of a Server-Sent Events stream, None at its end (the connection's own
    errors pass through)."""
    async for line in lines:
        if not line.startswith("data:"):
            continue  # the blank line between events, a comment, an `event:` field
        data = line[5:].strip()
        if data == "[DONE]":
            return None
        try:
            chunk = json.loads(data)
        except ValueError:
            raise LLMMalformedReplyError("a stream chunk is not JSON") from None
        if not isinstance(chunk, dict):
            raise LLMMalformedReplyError("a stream chunk is not a JSON object")
        if "error" in chunk:
            raise LLMUnavailableError("The LLM provider failed mid-answer")
        return chunk
    return None
