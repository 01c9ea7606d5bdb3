"""What every adapter does around its SDK's requests: the target's deadline, retries of transient
failures, the layer's own errors; and, within a stream, a timeout on each gap between two chunks."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx2

from .errors import LLMError, LLMTimeoutError, LLMUnavailableError
from .models import Target

RETRY_BACKOFF_SECONDS = 0.2

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SDKErrors:
    """How an SDK fails: its base exception, which failures are worth another try, and their mapping."""

    base: type[Exception]
    is_transient: Callable[[Exception], bool]
    to_llm_error: Callable[[Exception], LLMError]


class UpstreamCalls:
    """An adapter's calls through its SDK (whose own retries are off)."""

    def __init__(self, errors: SDKErrors, *, timeout: float, max_retries: int) -> None:
        self._errors = errors
        self._timeout = timeout
        self._max_retries = max_retries

    async def call(self, target: Target, request: Callable[[], Awaitable[T]]) -> T:
        """One upstream call: by the target's deadline, retrying transient failures (never a 429)."""
        try:
            async with asyncio.timeout_at(target.deadline):
                for attempt in range(self._max_retries + 1):
                    try:
                        return await request()
                    except self._errors.base as exc:
                        if attempt == self._max_retries or not self._errors.is_transient(exc):
                            raise self._errors.to_llm_error(exc) from exc
                    await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
        except TimeoutError:
            raise LLMTimeoutError from None
        raise AssertionError("unreachable")  # the loop always returns or raises

    async def next_in_time(self, item: Awaitable[T]) -> T:
        """The next item of a stream that has started: a long answer is fine, a stall is not."""
        try:
            async with asyncio.timeout(self._timeout):
                return await item
        except (TimeoutError, httpx2.TimeoutException):
            raise LLMTimeoutError from None
        except httpx2.TransportError as exc:
            raise LLMUnavailableError("The connection to the LLM provider broke mid-answer") from exc
