"""`llm.openai_client()`: the openai SDK, its requests answered in the process by the service's LLM.

Code written for the SDK (or for pydantic-ai, instructor, LangChain, which drive it) runs inside a
pipeline with the same fallbacks, retries, limits, metering, metrics and traces as `llm.complete`:
its HTTP client's transport hands each Chat Completions, Responses or Embeddings request to the LLM, and
answers as /v1 does.
"""

import json
from collections.abc import AsyncIterator
from typing import Any, Protocol

import httpx2
import openai

from .errors import ApiError, ErrorCode, api_error_for, openai_error_event, responses_error_event
from .llm.port import ChatBody, Embeddings, EmbeddingsBody, Reply, ResponsesBody
from .llm.stream import LLMStream
from .openai_shape import (
    IN_PROCESS_HOST,
    OPENAI_API_PREFIX,
    chat_completion_events,
    openai_error_content,
    response_events,
)

_CHAT_COMPLETIONS = f"{OPENAI_API_PREFIX}/chat/completions"
_EMBEDDINGS = f"{OPENAI_API_PREFIX}/embeddings"
_RESPONSES = f"{OPENAI_API_PREFIX}/responses"


class ChatCalls(Protocol):
    async def reply(self, body: ChatBody, model: str | None = None) -> Reply: ...

    async def open_stream(self, body: ChatBody, model: str | None = None) -> LLMStream: ...

    async def embeddings(self, body: EmbeddingsBody, model: str | None = None) -> Embeddings: ...

    async def response(self, body: ResponsesBody, model: str | None = None) -> Reply: ...

    async def open_response_stream(self, body: ResponsesBody, model: str | None = None) -> LLMStream: ...


def in_process_client(llm: ChatCalls) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        api_key="in-process",  # never sent anywhere
        base_url=f"http://{IN_PROCESS_HOST}{OPENAI_API_PREFIX}",
        max_retries=0,  # the LLM retries, and falls back
        http_client=httpx2.AsyncClient(transport=_Transport(llm)),
    )


class _Transport(httpx2.AsyncBaseTransport):
    def __init__(self, llm: ChatCalls) -> None:
        self._llm = llm

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            if request.method != "POST" or request.url.path not in (_CHAT_COMPLETIONS, _RESPONSES, _EMBEDDINGS):
                raise ApiError(404, ErrorCode.NOT_FOUND, f"{request.url.path} is not served in the process")
            body = json.loads(await request.aread())
            model = body.get("model")
            if request.url.path == _EMBEDDINGS:
                return _json(await self._llm.embeddings(body, model))
            if request.url.path == _RESPONSES:
                if body.get("stream"):
                    stream = await self._llm.open_response_stream(body, model)
                    return _streamed(response_events(stream, error_event=responses_error_event), stream)
                return _json(await self._llm.response(body, model))
            if body.get("stream"):
                return await self._stream(body, model)
            return _json(await self._llm.reply(body, model))
        except Exception as exc:
            error = api_error_for(exc)
            content = openai_error_content(
                error.status_code, error.error_code, error.message, error.details, error.param
            )
            return httpx2.Response(error.status_code, json=content, headers=error.headers)

    async def _stream(self, body: dict[str, Any], model: str | None) -> httpx2.Response:
        stream = await self._llm.open_stream(body, model)
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        return _streamed(
            chat_completion_events(stream, include_usage=include_usage, error_event=openai_error_event), stream
        )


def _json(reply: Reply | Embeddings) -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "application/json"}, content=reply.body())


def _streamed(events: AsyncIterator[bytes], stream: LLMStream) -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=_Events(events, stream))


class _Events(httpx2.AsyncByteStream):
    def __init__(self, events: AsyncIterator[bytes], stream: LLMStream) -> None:
        self._events = events
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for event in self._events:
            yield event

    async def aclose(self) -> None:
        await self._stream.aclose()
