"""An offline stand-in for the provider (FAKE_LLM=true): deterministic answers, word-count tokens."""

from .base import Completion, Messages


class FakeLLM:
    def __init__(self, model: str) -> None:
        self.model = model

    async def complete(self, messages: Messages, *, temperature: float, max_tokens: int) -> Completion:
        prompt_words = sum(len(str(message.get("content", "")).split()) for message in messages)
        last = str(messages[-1].get("content", ""))
        words = f"[fake LLM, offline demo] You said: {last}".split()[:max_tokens]
        return Completion(
            text=" ".join(words),
            model=self.model,
            prompt_tokens=prompt_words,
            completion_tokens=len(words),
        )

    async def aclose(self) -> None:
        """Nothing to release."""
