"""The real upstream: any chat-completions API the openai SDK speaks, plain completions.

Any other kind of call this service makes is a mixin on ChatCompletions in its own module;
provider.py puts them together.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx2
import openai

from .completion import Completion, Messages
from .errors import LLMTimeoutError
from .models import Target
from .reply import read_completion
from .upstream_errors import is_transient, to_llm_error

RETRY_BACKOFF_SECONDS = 0.2

T = TypeVar("T")


class ChatCompletions:
    def __init__(self, client: openai.AsyncOpenAI, *, timeout: float, max_retries: int) -> None:
        # The SDK's own retries are off (see client.py): it would retry 429s and hold the caller.
        self._client = client
        self._timeout = timeout
        self._max_retries = max_retries

    async def complete(self, target: Target, messages: Messages, *, temperature: float, max_tokens: int) -> Completion:
        body = {
            "model": target.upstream_model,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": max_tokens,
        }

        # The SDK's `chat.completions.create` would walk this body for its typed dicts and build
        # objects from the reply without checking them: a third of a request's CPU, for a body
        # made here of checked values and a reply that read_completion checks anyway.
        async def post() -> httpx2.Response:
            return await self._client.post("/chat/completions", cast_to=httpx2.Response, body=body)

        response = await self._call(target, post)
        return read_completion(response.content, target.name, max_tokens=max_tokens)

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
                    await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
        except TimeoutError:
            raise LLMTimeoutError from None
        raise AssertionError("unreachable")  # the loop always returns or raises
