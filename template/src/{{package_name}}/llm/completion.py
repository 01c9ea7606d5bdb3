"""A completion, the messages it answers, and what it costs."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from openai.types.chat import ChatCompletionMessageParam

Messages = list[ChatCompletionMessageParam]

Ended = Callable[["Completion | BaseException"], None]
"""Told once how an upstream call ended: with what it used, or with what stopped it."""


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str = "stop"
    cached_tokens: int = 0
    """Of the prompt tokens, those the provider read from its prompt cache."""

    def watched(self, ended: Ended) -> Self:
        """A whole completion has ended already."""
        ended(self)
        return self


@dataclass(frozen=True, slots=True)
class Pricing:
    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None = None
    """The price of cached input tokens, for models that have one; others pay the input price for them."""

    def cost_usd(self, completion: Completion) -> float:
        cached = completion.cached_tokens if self.cached_input_per_mtok is not None else 0
        cost = (
            (completion.prompt_tokens - cached) * self.input_per_mtok
            + cached * (self.cached_input_per_mtok or 0.0)
            + completion.completion_tokens * self.output_per_mtok
        )
        return round(cost / 1_000_000, 8)
