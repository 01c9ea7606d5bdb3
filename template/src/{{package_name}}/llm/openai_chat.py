"""The real upstream: any chat-completions API the openai SDK speaks."""

import asyncio

import openai
from openai.types.chat import ChatCompletion

from .base import Completion, Messages
from .upstream_errors import is_transient, malformed_reply, to_api_error, upstream_timeout

RETRY_BACKOFF_SECONDS = 0.2


class OpenAIChat:
    def __init__(self, client: openai.AsyncOpenAI, *, model: str, timeout: float, max_retries: int) -> None:
        # The SDK's own retries are off (see create_client): it would retry 429s and hold the caller.
        self._client = client
        self.model = model
        self._timeout = timeout
        self._max_retries = max_retries

    async def complete(self, messages: Messages, *, temperature: float, max_tokens: int) -> Completion:
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._create_with_retries(messages, temperature, max_tokens)
        except TimeoutError:
            raise upstream_timeout() from None
        return _to_completion(response)

    async def _create_with_retries(self, messages: Messages, temperature: float, max_tokens: int) -> ChatCompletion:
        for attempt in range(self._max_retries + 1):
            try:
                return await self._client.chat.completions.create(
                    model=self.model, messages=messages, temperature=temperature, max_tokens=max_tokens
                )
            except openai.OpenAIError as exc:
                if attempt == self._max_retries or not is_transient(exc):
                    raise to_api_error(exc) from exc
            await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
        raise AssertionError("unreachable")  # the loop always returns or raises

    async def aclose(self) -> None:
        await self._client.close()


def _to_completion(response: ChatCompletion) -> Completion:
    # The SDK does not validate replies, so a proxy's odd answer arrives as a half-empty object.
    if not isinstance(response, ChatCompletion) or not getattr(response, "choices", None):
        raise malformed_reply("no choices")
    content = response.choices[0].message.content
    usage = response.usage
    if content is None or usage is None:
        raise malformed_reply("missing content or usage")
    return Completion(
        text=content,
        model=response.model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
    )
