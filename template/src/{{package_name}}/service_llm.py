"""The service's LLM, for the routes and for pipeline code (pipelines/): every call by a model's
configured name (LLM_MODELS), with its fallbacks, retries, the one deadline, metrics, a span, and
metering on the request being served (observed_llm.py).

A call goes to the chosen model, then to each of its fallbacks in order while the failure is
transient and the deadline of the whole answer has not passed.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from .inprocess_openai import in_process_client
from .llm.completion import Completion, Messages
from .llm.errors import LLMMalformedReplyError, falls_back
from .llm.models import Models, Target
from .llm.port import ChatBody, Embeddings, EmbeddingsBody, Provider, Reply, ResponsesBody
from .llm.stream import LLMStream
from .metrics import Metrics

logger = logging.getLogger(__name__)

A = TypeVar("A")
Output = TypeVar("Output", bound=BaseModel)


class ServiceLLM:
    def __init__(self, provider: Provider, models: Models, *, timeout: float, metrics: Metrics | None) -> None:
        self._provider = provider
        self.models = models
        self._timeout = timeout
        self._metrics = metrics
        self._openai_client: openai.AsyncOpenAI | None = None
        self._open_streams: set[LLMStream] = set()

    async def complete(self, messages: Messages, model: str | None = None, **params: Any) -> Completion:
        """One answer: its text, tool calls, finish reason, the model that answered and its usage.
        `params`: any Chat Completions parameter (temperature, max_tokens, tools, tool_choice, ...)."""
        reply = await self.reply({**params, "messages": messages}, model)
        return reply.completion

    async def parse(
        self, messages: Messages, output_type: type[Output], model: str | None = None, **params: Any
    ) -> Output:
        """An `output_type` instance, written by the model under its JSON schema (structured output).
        A refusal, or a reply that does not validate, raises LLMMalformedReplyError (a 502)."""
        response_format = {
            "type": "json_schema",
            "json_schema": {"name": output_type.__name__, "schema": output_type.model_json_schema()},
        }
        completion = await self.complete(messages, model, response_format=response_format, **params)
        if completion.refusal is not None:
            raise LLMMalformedReplyError(f"the model refused to write a {output_type.__name__}")
        try:
            return output_type.model_validate_json(completion.text)
        except ValidationError:
            raise LLMMalformedReplyError(f"the reply is not a valid {output_type.__name__}") from None

    async def stream(self, messages: Messages, model: str | None = None, **params: Any) -> AsyncIterator[str]:
        """The answer's text, delta by delta."""
        stream = await self.open_stream({**params, "messages": messages}, model)
        try:
            async for text in stream.texts():
                yield text
        finally:
            await stream.aclose()

    async def embed(self, texts: Sequence[str], model: str | None = None) -> list[list[float]]:
        """One vector per text, in order, from an embedding model (default: LLM_EMBEDDING_MODEL)."""
        embeddings = await self.embeddings({"input": list(texts), "encoding_format": "float"}, model)
        if not all(isinstance(vector, list) for vector in embeddings.vectors):
            raise LLMMalformedReplyError("the embeddings are not lists of numbers")
        return [vector for vector in embeddings.vectors if isinstance(vector, list)]

    async def embeddings(self, body: EmbeddingsBody, model: str | None = None) -> Embeddings:
        """The whole reply to an Embeddings body (its own `model` is ignored: `model` names it)."""
        return await self._answer(model, lambda target: self._provider.embed(target, body), kind="embedding")

    async def reply(self, body: ChatBody, model: str | None = None) -> Reply:
        """The whole reply to a Chat Completions body (its own `model` is ignored: `model` names it)."""
        return await self._answer(model, lambda target: self._provider.chat(target, body))

    async def open_stream(self, body: ChatBody, model: str | None = None) -> LLMStream:
        """The reply to `body` as it is written, once its first chunk is in; close it when done."""
        return self._kept(await self._answer(model, lambda target: self._provider.chat_stream(target, body)))

    async def response(self, body: ResponsesBody, model: str | None = None) -> Reply:
        """The whole `response` to a Responses API body (its own `model` is ignored: `model` names it)."""
        return await self._answer(model, lambda target: self._provider.respond(target, body))

    async def open_response_stream(self, body: ResponsesBody, model: str | None = None) -> LLMStream:
        """The Responses API events answering `body`, once the model has written its first; close it when done."""
        return self._kept(await self._answer(model, lambda target: self._provider.respond_stream(target, body)))

    def _kept(self, stream: LLMStream) -> LLMStream:
        """`stream`, among the open streams until it ends (interrupt_streams ends them at shutdown)."""
        self._open_streams.add(stream)
        stream.on_end(self._open_streams.discard)
        return stream

    def interrupt_streams(self, reason: Exception) -> None:
        """End every stream still open with `reason`, as a failure part-way (at its next chunk)."""
        for stream in self._open_streams:
            stream.interrupt(reason)

    def openai_client(self) -> openai.AsyncOpenAI:
        """An `openai.AsyncOpenAI` whose calls are this LLM's, in the process: for pydantic-ai, instructor,
        LangChain or plain SDK code inside a pipeline. Its `model` is a configured name."""
        if self._openai_client is None:
            self._openai_client = in_process_client(self)
        return self._openai_client

    async def aclose(self) -> None:
        """Close what the LLM opened itself (the provider is its owner's to close)."""
        if self._openai_client is not None:
            await self._openai_client.close()

    async def _answer(self, model: str | None, attempt: Callable[[Target], Awaitable[A]], *, kind: str = "chat") -> A:
        """`attempt` against the model, then its fallbacks; raises the last failure if none answers."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        chain = self.models.chain(self.models.chosen(model, kind))
        for name, fallback in zip(chain, [*chain[1:], None], strict=True):
            try:
                return await attempt(self.models.target(name, deadline))
            except Exception as exc:
                if fallback is None or not falls_back(exc) or loop.time() >= deadline:
                    raise
            logger.warning("falling back from %s to %s", name, fallback, extra={"model": name})
            if self._metrics is not None:
                self._metrics.count_fallback(name, fallback)
        raise AssertionError("unreachable")  # the last model's failure is raised
