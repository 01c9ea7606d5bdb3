"""An offline stand-in for the provider (FAKE_LLM=true): deterministic answers, word-count tokens.

Other kinds of call are mixins on FakeCompletions in their own modules, as for the real upstream.
"""

from .completion import Completion, Messages
from .models import Target


class FakeCompletions:
    async def complete(self, target: Target, messages: Messages, *, temperature: float, max_tokens: int) -> Completion:
        prompt_words = sum(len(str(message.get("content", "")).split()) for message in messages)
        last = str(messages[-1].get("content", ""))
        answer = f"[fake LLM, offline demo] You said: {last}".split()
        words = answer[:max_tokens]
        return Completion(
            text=" ".join(words),
            model=target.name,
            prompt_tokens=prompt_words,
            completion_tokens=len(words),
            finish_reason="length" if len(answer) > max_tokens else "stop",
        )

    async def aclose(self) -> None:
        """Nothing to release."""
