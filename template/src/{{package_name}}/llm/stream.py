"""A reply arriving in chunks, whatever the provider and whoever reads it (a route, a pipeline).

The chunks are OpenAI's `chat.completion.chunk` objects (an adapter for another API translates its
events into them), or the Responses API's events, each naming the model by its configured name. The
stream's tally adds them up as they pass: the text, the finish reason and, at the end, the real usage.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from .completion import Completion, Message
from .errors import LLMMalformedReplyError
from .estimate import estimate_tokens, prompt_tokens
from .usage import Pricing, Usage

Chunk = dict[str, Any]
"""One `chat.completion.chunk` (or one event of a Responses stream), as a JSON object."""

ReadUsage = Callable[[object], Usage]
"""The adapter's strict reading of a chunk's `usage` (raises LLMMalformedReplyError)."""


class Tally(Protocol):
    """What a stream's chunks add up to, in one API's shapes."""

    delivered: list[str]
    """Every text sent so far (what an abandoned stream is charged for)."""

    def add(self, chunk: Chunk) -> str:
        """Count `chunk` in; returns the answer's text it adds ("" for none)."""
        ...

    def completion(self, model: str, max_tokens: int | None) -> Completion:
        """The whole completion, once the stream has ended; one without usage is a malformed reply."""
        ...


class LLMStream:
    """Iterate it for the chunks (or `texts()` for the text alone). It ends once: completed (with
    `completion`), failed part-way (`failure`), or abandoned by its reader (closed before its end);
    `on_end` callbacks are told then. Iteration raises an LLMError if the upstream fails part-way."""

    def __init__(
        self,
        chunks: AsyncIterator[Chunk],
        close: Callable[[], Awaitable[None]],
        *,
        model: str,
        messages: Iterable[Message],
        tally: Tally,
        max_tokens: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._chunks = chunks
        self._close = close
        self.model = model
        """The configured name of the model that answers."""
        self.headers: Mapping[str, str] = headers or {}
        """The upstream's response headers (the HTTP edge chooses which to pass on)."""
        self._messages = messages
        self._tally = tally
        self._max_tokens = max_tokens
        self._pricing: Pricing | None = None
        self.completion: Completion | None = None
        self.failure: Exception | None = None
        self._on_end: list[Callable[[LLMStream], None]] = []
        self._ended = False
        self._interruption: Exception | None = None

    def price_by(self, pricing: Pricing) -> None:
        """Price what the stream uses (`completion.usage`, `used()`) at `pricing`."""
        self._pricing = pricing

    def on_end(self, callback: "Callable[[LLMStream], None]") -> None:
        self._on_end.append(callback)

    def interrupt(self, reason: Exception) -> None:
        """Fail the stream with `reason` when its next chunk comes in (instead of passing the chunk on)."""
        self._interruption = reason

    async def __aiter__(self) -> AsyncIterator[Chunk]:
        async for chunk, _ in self._read():
            yield chunk

    async def texts(self) -> AsyncIterator[str]:
        """The first choice's text, delta by delta."""
        async for _, text in self._read():
            if text:
                yield text

    @property
    def abandoned(self) -> bool:
        return self._ended and self.completion is None and self.failure is None

    def used(self) -> Usage:
        """The real usage once the stream completed; before that (failed or abandoned part-way), what
        was delivered, estimated from the text sent and the text of the messages it answered."""
        if self.completion is not None:
            return self.completion.usage
        delivered = estimate_tokens("".join(self._tally.delivered))
        return self._priced(Usage(prompt_tokens(self._messages), delivered))

    def _priced(self, usage: Usage) -> Usage:
        return self._pricing.priced(usage) if self._pricing is not None else usage

    async def aclose(self) -> None:
        """Release the upstream connection (cancelling its request if it still runs); a stream not
        yet at its end is abandoned."""
        try:
            await self._close()
        finally:
            self._end()

    async def _read(self) -> AsyncIterator[tuple[Chunk, str]]:
        try:
            async for chunk in self._chunks:
                if self._interruption is not None:
                    raise self._interruption
                yield chunk, self._tally.add(chunk)
            completion = self._tally.completion(self.model, self._max_tokens)
            self.completion = replace(completion, usage=self._priced(completion.usage))
        except Exception as exc:
            self.failure = exc
            raise
        finally:
            if self.completion is not None or self.failure is not None:
                self._end()

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        for callback in self._on_end:
            callback(self)


@dataclass(slots=True)
class ChatTally:
    """What `chat.completion.chunk`s add up to."""

    read_usage: ReadUsage
    text: list[str] = field(default_factory=list)
    """The first choice's content."""
    delivered: list[str] = field(default_factory=list)
    """Every text sent: each choice's content, refusal, tool call names and arguments."""
    finish_reason: str | None = None
    usage: Usage | None = None

    def add(self, chunk: Chunk) -> str:
        """Count `chunk` in; returns the first choice's text it adds ("" for none)."""
        added = ""
        choices = chunk.get("choices")
        for index, choice in enumerate(choices if isinstance(choices, list) else ()):
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if not isinstance(delta, dict):
                continue
            content = delta.get("content")
            if index == 0 and isinstance(content, str):
                added = content
                self.text.append(content)
            self.delivered.extend(_delta_texts(delta))
            if index == 0 and isinstance(reason := choice.get("finish_reason"), str):
                self.finish_reason = reason
        if chunk.get("usage") is not None:
            self.usage = self.read_usage(chunk["usage"])
        return added

    def completion(self, model: str, max_tokens: int | None) -> Completion:
        return Completion("".join(self.text), model, ended_usage(self.usage, max_tokens), self.finish_reason or "stop")


def ended_usage(usage: Usage | None, max_tokens: int | None) -> Usage:
    """The usage a stream ended with: missing, or over the request's limit, it is a malformed reply."""
    if usage is None:
        raise LLMMalformedReplyError("the stream ended without usage")
    if max_tokens is not None and usage.completion_tokens > max_tokens:
        raise LLMMalformedReplyError(f"the usage's output tokens are over the limit of {max_tokens}")
    return usage


def _delta_texts(delta: dict[str, Any]) -> list[str]:
    texts = [delta.get("content"), delta.get("refusal")]
    calls = delta.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict):
            texts += [function.get("name"), function.get("arguments")]
    return [text for text in texts if isinstance(text, str) and text]
