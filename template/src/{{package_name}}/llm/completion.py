"""A completion, the messages it answers, and what it costs."""

from dataclasses import dataclass

from openai.types.chat import ChatCompletionMessageParam

Messages = list[ChatCompletionMessageParam]


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str = "stop"


@dataclass(frozen=True, slots=True)
class Pricing:
    input_per_mtok: float
    output_per_mtok: float

    def cost_usd(self, completion: Completion) -> float:
        cost = completion.prompt_tokens * self.input_per_mtok + completion.completion_tokens * self.output_per_mtok
        return round(cost / 1_000_000, 8)
