"""Every upstream call observed, and fallbacks: what the routes call to get an answer from a model.

One code path runs each kind of call (llm/provider.py puts them together): an attempt against the
chosen model, then against each of its fallbacks in order while the failure is transient and the
one deadline of the whole answer has not passed. Each attempt gets its metrics, its trace span,
and one WARNING line when it fails. The span goes through OpenTelemetry's API, which does nothing
until tracing is configured (see the README's Observability section).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, Self, TypeVar

from opentelemetry import trace

from .context import CURRENT_CONTEXT
from .errors import LLM_ERRORS
from .llm.completion import Completion, Ended, Messages
from .llm.errors import LLMError, falls_back
from .llm.models import Models, Target
from .llm.provider import LLMClient
from .metrics import Metrics

logger = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)


class Answer(Protocol):
    """What a kind of call returns: a whole answer, or one still arriving."""

    @property
    def model(self) -> str:
        """The configured name of the model that answered."""
        ...

    def watched(self, ended: Ended) -> Self:
        """Itself, telling `ended` how its upstream call ends (at once, or once the answer is all in)."""
        ...


A = TypeVar("A", bound=Answer)
Attempt = Callable[[LLMClient, Target], Awaitable[A]]
"""One kind of call against one model."""


class ObservedLLM:
    def __init__(self, llm: LLMClient, models: Models, *, timeout: float, metrics: Metrics | None) -> None:
        self._llm = llm
        self.models = models
        self._timeout = timeout
        self._metrics = metrics

    async def answer(self, model: str, attempt: Attempt[A]) -> A:
        """`attempt` against `model`, then its fallbacks; raises the last failure (an LLMError) if none answers."""
        if (request := CURRENT_CONTEXT.get()) is not None:
            request.llm_calls += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        chain = self.models.chain(model)
        for name, fallback in zip(chain, [*chain[1:], None], strict=True):
            target = self.models.target(name, deadline)
            call = _UpstreamCall(target, self._metrics)
            try:
                answer = await attempt(self._llm, target)
            except BaseException as exc:
                call.ended(exc)
                if fallback is None or not falls_back(exc) or loop.time() >= deadline:
                    raise
                logger.warning("falling back from %s to %s", name, fallback, extra={"model": name})
                if self._metrics is not None:
                    self._metrics.count_fallback(name, fallback)
                continue
            return answer.watched(call.ended)
        raise AssertionError("unreachable")  # the last model's failure is raised

    async def complete(self, model: str, messages: Messages, *, temperature: float, max_tokens: int) -> Completion:
        async def attempt(llm: LLMClient, target: Target) -> Completion:
            return await llm.complete(target, messages, temperature=temperature, max_tokens=max_tokens)

        return await self.answer(model, attempt)

    async def aclose(self) -> None:
        await self._llm.aclose()


class _UpstreamCall:
    """One upstream call: started when created, ended (once) by `ended`."""

    def __init__(self, target: Target, metrics: Metrics | None) -> None:
        self._model = target.name
        self._metrics = metrics
        self._started = time.perf_counter()
        # The request in flight (None outside one): its Server-Timing tells the time in upstream calls apart.
        if (request := CURRENT_CONTEXT.get()) is not None:
            request.start_upstream_call(self._started)
        self._request = request
        self._done = False
        self._span = _tracer.start_span(
            f"chat {target.upstream_model}",
            kind=trace.SpanKind.CLIENT,
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": target.upstream_model,
                "llm.model": target.name,  # the configured name
            },
        )

    def ended(self, outcome: Completion | BaseException) -> None:
        if self._done:
            return
        self._done = True
        if isinstance(outcome, Completion):
            self._succeeded(outcome)
        else:
            self._failed(outcome)

    def _succeeded(self, completion: Completion) -> None:
        if self._span.is_recording():
            self._span.set_attributes(
                {
                    "gen_ai.usage.input_tokens": completion.prompt_tokens,
                    "gen_ai.usage.output_tokens": completion.completion_tokens,
                }
            )
        self._end("ok")

    def _failed(self, exc: BaseException) -> None:
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

    def _end(self, outcome: str) -> None:
        ended = time.perf_counter()
        if self._request is not None:
            self._request.end_upstream_call(ended)
        if self._metrics is not None:
            self._metrics.observe_upstream(self._model, outcome, ended - self._started)
        self._span.end()
