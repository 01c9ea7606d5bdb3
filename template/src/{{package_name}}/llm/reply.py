"""The upstream's reply, read strictly: the SDK checks nothing of what it parses, so a proxy's odd
answer would arrive as a half-empty object. Anything but a first choice with text and sane token
counts is a malformed reply, and nothing is charged for it.
"""

from typing import Annotated, Self

from pydantic import BaseModel, Field, ValidationError, model_validator

from .completion import Completion
from .errors import LLMMalformedReplyError

MAX_TOKENS = 10_000_000
"""More tokens than any model reads or writes in one call: a count above it is a malformed reply."""

# `strict`: 12.5, "12" and true are no token counts.
TokenCount = Annotated[int, Field(strict=True, ge=0, le=MAX_TOKENS)]


class PromptTokensDetails(BaseModel):
    cached_tokens: TokenCount | None = None


class Usage(BaseModel):
    prompt_tokens: TokenCount
    completion_tokens: TokenCount
    prompt_tokens_details: PromptTokensDetails | None = None

    @property
    def cached_tokens(self) -> int:
        """Of the prompt tokens, those the provider read from its prompt cache."""
        details = self.prompt_tokens_details
        return (details.cached_tokens or 0) if details is not None else 0

    @model_validator(mode="after")
    def _cached_within_prompt(self) -> Self:
        if self.cached_tokens > self.prompt_tokens:
            raise ValueError("more cached tokens than prompt tokens")
        return self

    def completion(self, text: str, model: str, finish_reason: str | None) -> Completion:
        return Completion(
            text=text,
            model=model,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            cached_tokens=self.cached_tokens,
            finish_reason=finish_reason or "stop",
        )


class _Message(BaseModel):
    content: str


class _Choice(BaseModel):
    message: _Message
    finish_reason: str | None = None


class _Reply(BaseModel):
    choices: Annotated[list[_Choice], Field(min_length=1)]
    usage: Usage


def read_completion(body: bytes, model: str, *, max_tokens: int) -> Completion:
    """A whole Chat Completions reply, answered by the configured `model`, which asked for at most `max_tokens`."""
    try:
        reply = _Reply.model_validate_json(body)
    except ValidationError as exc:
        raise LLMMalformedReplyError(_first_error(exc)) from None
    choice = reply.choices[0]
    return within(max_tokens, reply.usage).completion(choice.message.content, model, choice.finish_reason)


def read_usage(usage: object) -> Usage:
    """A reply's `usage`, already parsed (a dict, or an SDK object)."""
    try:
        return Usage.model_validate(usage, from_attributes=True)
    except ValidationError as exc:
        raise LLMMalformedReplyError(f"usage: {_first_error(exc)}") from None


def within(max_tokens: int, usage: Usage) -> Usage:
    """`usage`, unless it claims more completion tokens than the request allowed (no real answer does)."""
    if usage.completion_tokens > max_tokens:
        raise LLMMalformedReplyError(f"usage.completion_tokens over the max_tokens of {max_tokens}")
    return usage


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]
