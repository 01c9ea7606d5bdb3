"""The adapter for any API the openai SDK speaks (client.py makes the configured provider's client).

Bodies go out as they are, through the SDK's own `client.post` (its auth headers, the provider's
URLs, status errors and timeouts), without its typed transform of the request or its objects built
from the reply: openai_wire.py reads the reply once, strictly. The SDK's retries are off (client.py):
it would retry a 429 and hold the caller; calls.py retries transient failures only.
"""

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx2
import openai

from .calls import UpstreamCalls
from .errors import LLMMalformedReplyError
from .models import Target
from .openai_errors import OPENAI_ERRORS
from .openai_wire import next_chunk, read_embeddings, read_reply, read_usage
from .port import ChatBody, Embeddings, EmbeddingsBody, Reply, max_completion_tokens
from .stream import Chunk, LLMStream


class OpenAIAdapter:
    def __init__(self, client: openai.AsyncOpenAI, *, timeout: float, max_retries: int) -> None:
        self._client = client
        self._calls = UpstreamCalls(OPENAI_ERRORS, timeout=timeout, max_retries=max_retries)

    async def chat(self, target: Target, body: ChatBody) -> Reply:
        body = {**body, "model": target.upstream_model}

        async def post() -> httpx2.Response:
            return await self._client.post("/chat/completions", cast_to=httpx2.Response, body=body)

        response = await self._calls.call(target, post)
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

        async def start() -> tuple[httpx2.Response, AsyncIterator[str], Chunk]:
            return await _start_stream(self._client, body)

        # Until the first chunk is in, a stream fails (and is retried) like a plain call.
        response, lines, first = await self._calls.call(target, start)
        return LLMStream(
            self._chunks(first, lines, target.name),
            response.aclose,
            model=target.name,
            messages=body.get("messages") or [],
            read_usage=read_usage,
            max_tokens=max_completion_tokens(body),
            headers=response.headers,
        )

    async def embed(self, target: Target, body: EmbeddingsBody) -> Embeddings:
        body = {**body, "model": target.upstream_model}

        async def post() -> httpx2.Response:
            return await self._client.post("/embeddings", cast_to=httpx2.Response, body=body)

        response = await self._calls.call(target, post)
        embeddings = read_embeddings(response.content, target.name)
        return replace(embeddings, headers=response.headers)

    async def aclose(self) -> None:
        await self._client.close()

    async def _chunks(self, first: Chunk, lines: AsyncIterator[str], model: str) -> AsyncIterator[Chunk]:
        """Every chunk, the first included, naming `model`; each gap between two gets the whole timeout."""
        chunk: Chunk | None = first
        while chunk is not None:
            chunk["model"] = model
            yield chunk
            chunk = await self._calls.next_in_time(next_chunk(lines))


async def _start_stream(
    client: openai.AsyncOpenAI, body: ChatBody
) -> tuple[httpx2.Response, AsyncIterator[str], Chunk]:
    """POST a streamed request; returns once its first chunk is in. A connection that breaks before
    then raises the SDK's own connection error, so the call is retried like a whole one."""
    response: httpx2.Response = await client.post(
        "/chat/completions", cast_to=httpx2.Response, body=body, stream=True, stream_cls=None
    )
    lines = response.aiter_lines()
    try:
        first = await next_chunk(lines)
    except BaseException as exc:
        await response.aclose()
        if isinstance(exc, httpx2.TimeoutException):
            raise openai.APITimeoutError(request=response.request) from exc
        if isinstance(exc, httpx2.TransportError):
            raise openai.APIConnectionError(request=response.request) from exc
        raise
    if first is None:
        await response.aclose()
        raise LLMMalformedReplyError("empty stream")
    return response, lines, first
