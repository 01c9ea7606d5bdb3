"""Every upstream call observed and metered, around any provider adapter.

Each call gets its metrics, its trace span, and one WARNING line when it fails; whatever it used is
priced at the answering model's prices and added to the usage of the request being served, whoever
made the call (a route, a pipeline, a library inside one). So the request's access line, its token
window and its budgets see every call. The span goes through OpenTelemetry's API, which does nothing
until tracing is configured (see the README's Observability section).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from opentelemetry import trace

from .context import CURRENT_CONTEXT
from .errors import LLM_ERRORS
from .llm.errors import LLMError
from .llm.models import Models, Target
from .llm.port import ChatBody, Embeddings, EmbeddingsBody, Provider, Reply, ResponsesBody
from .llm.stream import LLMStream
from .llm.usage import Usage
from .metrics import Metrics

logger = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)

A = TypeVar("A")


class ObservedProvider:
    """A Provider: `provider`'s calls, observed and metered."""

    def __init__(self, provider: Provider, models: Models, metrics: Metrics | None) -> None:
        self._provider = provider
        self._models = models
        self._metrics = metrics

    async def chat(self, target: Target, body: ChatBody) -> Reply:
        return await self._reply(target, "chat", self._provider.chat(target, body))

    async def chat_stream(self, target: Target, body: ChatBody) -> LLMStream:
        return await self._stream(target, "chat", self._provider.chat_stream(target, body))

    async def embed(self, target: Target, body: EmbeddingsBody) -> Embeddings:
        embeddings, usage = await self._whole(
            target, "embeddings", self._provider.embed(target, body), lambda embeddings: embeddings.usage
        )
        return replace(embeddings, usage=usage)

    async def respond(self, target: Target, body: ResponsesBody) -> Reply:
        return await self._reply(target, "responses", self._provider.respond(target, body))

    async def respond_stream(self, target: Target, body: ResponsesBody) -> LLMStream:
        return await self._stream(target, "responses", self._provider.respond_stream(target, body))

    async def _stream(self, target: Target, operation: str, opened: Awaitable[LLMStream]) -> LLMStream:
        """A stream, observed from its opening to its end however it ends, priced at its model's prices."""
        call = _UpstreamCall(target, self._metrics, operation)
        try:
            stream = await opened
        except BaseException as exc:
            call.failed(exc)
            raise
        call.answered_by_model()
        stream.price_by(self._models.pricing(target.name))
        stream.on_end(call.stream_ended)
        return stream

    async def _reply(self, target: Target, operation: str, answer: Awaitable[Reply]) -> Reply:
        reply, usage = await self._whole(target, operation, answer, lambda reply: reply.completion.usage)
        return replace(reply, completion=replace(reply.completion, usage=usage))

    async def _whole(
        self, target: Target, operation: str, answer: Awaitable[A], used: Callable[[A], Usage]
    ) -> tuple[A, Usage]:
        """A call answered as a whole, observed; and what it used, priced at its model's prices."""
        call = _UpstreamCall(target, self._metrics, operation)
        try:
            answered = await answer
        except BaseException as exc:
            call.failed(exc)
            raise
        usage = self._models.pricing(target.name).priced(used(answered))
        call.answered_by_model()
        call.answered(usage)
        return answered, usage

    async def aclose(self) -> None:
        await self._provider.aclose()


class _UpstreamCall:
    """One upstream call: started when created, ended once."""

    def __init__(self, target: Target, metrics: Metrics | None, operation: str = "chat") -> None:
        self._model = target.name
        self._metrics = metrics
        self._started = time.perf_counter()
        # The request in flight (None outside one): its Server-Timing tells the time in upstream calls apart.
        if (request := CURRENT_CONTEXT.get()) is not None:
            request.start_upstream_call(self._started)
        self._request = request
        self._span = _tracer.start_span(
            f"{operation} {target.upstream_model}",
            kind=trace.SpanKind.CLIENT,
            attributes={
                "gen_ai.operation.name": operation,
                "gen_ai.request.model": target.upstream_model,
                "llm.model": target.name,  # the configured name
            },
        )

    def answered_by_model(self) -> None:
        if (context := CURRENT_CONTEXT.get()) is not None:
            context.answered_by(self._model)

    def answered(self, usage: Usage) -> None:
        self._meter(usage)
        if self._span.is_recording():
            self._span.set_attributes(
                {
                    "gen_ai.usage.input_tokens": usage.prompt_tokens,
                    "gen_ai.usage.output_tokens": usage.completion_tokens,
                }
            )
        self._end("ok")

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, LLMError):
            code = LLM_ERRORS[type(exc)][1]
            logger.warning(
                "upstream call failed: %s",
                exc,
                extra={"error_code": code, "upstream_status": exc.upstream_status, "model": self._model},
            )
            outcome = code.lower()
        elif isinstance(exc, asyncio.CancelledError | GeneratorExit):
            outcome = "cancelled"  # the client went away: not the upstream's failure
        else:
            outcome = "error"
        self._span.record_exception(exc)
        self._span.set_status(trace.StatusCode.ERROR, outcome)
        self._end(outcome)

    def stream_ended(self, stream: LLMStream) -> None:
        """A stream is charged what it delivered however it ended: in full once complete, else the
        text sent so far (the provider bills what it wrote)."""
        if stream.completion is not None:
            self.answered(stream.completion.usage)
            return
        self._meter(stream.used())
        self.failed(stream.failure or asyncio.CancelledError())

    def _meter(self, usage: Usage) -> None:
        context = CURRENT_CONTEXT.get()
        if context is not None:
            context.add_usage(usage)
        if self._metrics is not None:
            self._metrics.observe_usage(self._model, usage, context)

    def _end(self, outcome: str) -> None:
        ended = time.perf_counter()
        if self._request is not None:
            self._request.end_upstream_call(ended)
        if self._metrics is not None:
            self._metrics.observe_upstream(self._model, outcome, ended - self._started)
        self._span.end()
