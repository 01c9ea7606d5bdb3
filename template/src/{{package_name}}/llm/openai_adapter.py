"""The adapter for any API the openai SDK speaks (client.py makes the configured provider's client).

Bodies go out as they are, through the SDK's own `client.post` (its auth headers, the provider's
URLs, status errors and timeouts), without its typed transform of the request or its objects built
from the reply: openai_wire.py reads the reply once, strictly. The SDK's retries are off (client.py):
it would retry a 429 and hold the caller; calls.py retries transient failures only.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import httpx2
import openai

from .calls import UpstreamCalls
from .errors import LLMMalformedReplyError
from .estimate import response_messages
from .models import Target
from .openai_errors import OPENAI_ERRORS
from .openai_wire import next_chunk, read_embeddings, read_reply, read_usage
from .port import (
    ChatBody,
    Embeddings,
    EmbeddingsBody,
    Reply,
    ResponsesBody,
    max_completion_tokens,
    max_output_tokens,
)
from .responses_wire import ResponsesTally, name_event, next_event, opening_events, read_response
from .stream import ChatTally, Chunk, LLMStream

Events = AsyncIterator[str]
"""A stream's lines."""


class OpenAIAdapter:
    def __init__(self, client: openai.AsyncOpenAI, *, timeout: float, max_retries: int) -> None:
        self._client = client
        self._calls = UpstreamCalls(OPENAI_ERRORS, timeout=timeout, max_retries=max_retries)

    async def chat(self, target: Target, body: ChatBody) -> Reply:
        body = {**body, "model": target.upstream_model}
        response = await self._post(target, "/chat/completions", body)
        completion, raw_model = read_reply(response.content, target.name, max_tokens=max_completion_tokens(body))
        return Reply(completion, response.content, raw_model, response.headers)

    async def chat_stream(self, target: Target, body: ChatBody) -> LLMStream:
        options = body.get("stream_options") or {}
        # The last chunk carries the real usage: always asked for (the HTTP edge drops it again for a
        # client that did not ask).
        body = {
            **body,
            "model": target.upstream_model,
            "stream": True,
            "stream_options": {**options, "include_usage": True},
        }
        response, lines, first = await self._start_stream(target, "/chat/completions", body, _first_chunk)
        return LLMStream(
            self._relayed(first, lines, next_chunk, _named_chunk(target.name)),
            response.aclose,
            model=target.name,
            messages=body.get("messages") or [],
            tally=ChatTally(read_usage),
            max_tokens=max_completion_tokens(body),
            headers=response.headers,
        )

    async def respond(self, target: Target, body: ResponsesBody) -> Reply:
        body = {**body, "model": target.upstream_model}
        response = await self._post(target, "/responses", body)
        completion, raw_model = read_response(response.content, target.name, max_tokens=max_output_tokens(body))
        return Reply(completion, response.content, raw_model, response.headers)

    async def respond_stream(self, target: Target, body: ResponsesBody) -> LLMStream:
        body = {**body, "model": target.upstream_model, "stream": True}
        response, lines, opening = await self._start_stream(target, "/responses", body, opening_events)
        return LLMStream(
            self._relayed(opening, lines, next_event, lambda event: name_event(event, target.name)),
            response.aclose,
            model=target.name,
            messages=response_messages(body),
            tally=ResponsesTally(),
            max_tokens=max_output_tokens(body),
            headers=response.headers,
        )

    async def embed(self, target: Target, body: EmbeddingsBody) -> Embeddings:
        body = {**body, "model": target.upstream_model}
        response = await self._post(target, "/embeddings", body)
        embeddings = read_embeddings(response.content, target.name)
        return replace(embeddings, headers=response.headers)

    async def aclose(self) -> None:
        await self._client.close()

    async def _post(self, target: Target, path: str, body: ChatBody) -> httpx2.Response:
        """A whole call: `body` posted to `path`, its reply read at once."""

        async def post() -> httpx2.Response:
            return await self._client.post(path, cast_to=httpx2.Response, body=body)

        return await self._calls.call(target, post)

    async def _start_stream(
        self, target: Target, path: str, body: ChatBody, opening: Callable[[Events], Awaitable[list[Chunk]]]
    ) -> tuple[httpx2.Response, Events, list[Chunk]]:
        """Until its `opening` chunks are in, a stream fails (and is retried) like a plain call."""

        async def start() -> tuple[httpx2.Response, Events, list[Chunk]]:
            return await _post_stream(self._client, path, body, opening)

        return await self._calls.call(target, start)

    async def _relayed(
        self,
        first: list[Chunk],
        lines: Events,
        next_item: Callable[[Events], Awaitable[Chunk | None]],
        name: Callable[[Chunk], None],
    ) -> AsyncIterator[Chunk]:
        """Every chunk, the first ones included, `name`d; each gap between two gets the whole timeout."""
        for chunk in first:
            name(chunk)
            yield chunk
        while (following := await self._calls.next_in_time(next_item(lines))) is not None:
            name(following)
            yield following


def _named_chunk(model: str) -> Callable[[Chunk], None]:
    def name(chunk: Chunk) -> None:
        chunk["model"] = model

    return name


async def _first_chunk(lines: Events) -> list[Chunk]:
    if (first := await next_chunk(lines)) is None:
        raise LLMMalformedReplyError("empty stream")
    return [first]


async def _post_stream(
    client: openai.AsyncOpenAI, path: str, body: ChatBody, opening: Callable[[Events], Awaitable[list[Chunk]]]
) -> tuple[httpx2.Response, Events, list[Chunk]]:
    """POST a streamed request; returns once its `opening` chunks are in. A connection that breaks before
    then raises the SDK's own connection error, so the call is retried like a whole one."""
    response: httpx2.Response = await client.post(
        path, cast_to=httpx2.Response, body=body, stream=True, stream_cls=None
    )
    lines = response.aiter_lines()
    try:
        return response, lines, await opening(lines)
    except BaseException as exc:
        await response.aclose()
        if isinstance(exc, httpx2.TimeoutException):
            raise openai.APITimeoutError(request=response.request) from exc
        if isinstance(exc, httpx2.TransportError):
            raise openai.APIConnectionError(request=response.request) from exc
        raise
