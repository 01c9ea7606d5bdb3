"""The real upstream: any chat-completions API the openai SDK speaks, plain completions.

Any other kind of call this service makes is a mixin on ChatCompletions in its own module;
provider.py puts them together.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import openai
from openai.types.chat import ChatCompletion

from .completion import Completion, Messages
from .errors import LLMMalformedReplyError, LLMTimeoutError
from .models import Target
from .upstream_errors import is_transient, to_llm_error

RETRY_BACKOFF_SECONDS = 0.2
# No model reads or writes anywhere near this many tokens in one call: a count above it is a broken reply.
MAX_PLAUSIBLE_TOKENS = 10_000_000

T = TypeVar("T")


class ChatCompletions:
    def __init__(self, client: openai.AsyncOpenAI, *, timeout: float, max_retries: int) -> None:
        # The SDK's own retries are off (see client.py): it would retry 429s and hold the caller.
        self._client = client
        self._timeout = timeout
        self._max_retries = max_retries

    async def complete(self, target: Target, messages: Messages, *, temperature: float, max_tokens: int) -> Completion:
        async def create() -> ChatCompletion:
            return await self._client.chat.completions.create(
                model=target.upstream_model, messages=messages, temperature=temperature, max_tokens=max_tokens
            )

        return _to_completion(await self._call(target, create), target.name, max_tokens=max_tokens)

    async def aclose(self) -> None:
        await self._client.close()

    async def _call(self, target: Target, request: Callable[[], Awaitable[T]]) -> T:
        """One upstream call: by the target's deadline, retries of transient failures, SPEC §7 errors."""
        try:
            async with asyncio.timeout_at(target.deadline):
                for attempt in range(self._max_retries + 1):
                    try:
                        return await request()
                    except openai.OpenAIError as exc:
                        if attempt == self._max_retries or not is_transient(exc):
                            raise to_llm_error(exc) from exc
                    except json.JSONDecodeError:
                        raise LLMMalformedReplyError("the reply is not JSON") from None
                    await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
        except TimeoutError:
            raise LLMTimeoutError from None
        raise AssertionError("unreachable")  # the loop always returns or raises


def _to_completion(response: ChatCompletion, model: str, *, max_tokens: int) -> Completion:
    # The SDK does not validate replies, so a proxy's odd answer arrives as a half-empty object.
    if not isinstance(response, ChatCompletion) or not getattr(response, "choices", None):
        raise LLMMalformedReplyError("no choices")
    choice = response.choices[0]
    usage = response.usage
    if choice.message.content is None or usage is None:
        raise LLMMalformedReplyError("missing content or usage")
    return Completion(
        text=choice.message.content,
        model=model,
        prompt_tokens=token_count(usage.prompt_tokens, "prompt_tokens", MAX_PLAUSIBLE_TOKENS),
        completion_tokens=token_count(usage.completion_tokens, "completion_tokens", max_tokens),
        finish_reason=choice.finish_reason or "stop",
    )


def token_count(value: object, name: str, most: int) -> int:
    """A usage count as billed: a whole number from 0 to `most` (more than max_tokens allows is no real answer)."""
    if type(value) is not int or not 0 <= value <= most:
        raise LLMMalformedReplyError(f"implausible usage {name}")
    return value
