"""A model served in several places (LLM_MODELS' `deployments`: keys, regions, servers): its calls spread
over them by weight, and one that answered 429 or failed sits out a cooldown while the others serve.

The spread is smooth weighted round-robin (nginx's): over any run of calls each deployment gets its
share, in an even mix. A call whose deployment fails in a way another could mend (a 429, a 5xx, an
unreachable server) is tried on the next deployment at once, each once; the model's fallbacks come after.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from .errors import LLMError, LLMRateLimitedError, LLMTimeoutError, falls_back
from .models import Deployment, Target
from .port import ChatBody, Embeddings, EmbeddingsBody, Provider, Reply, ResponsesBody
from .stream import LLMStream

COOLDOWN_SECONDS = 30.0
"""How long a failing deployment sits out when it did not say (a 429's Retry-After does)."""

A = TypeVar("A")


def now() -> float:
    return time.monotonic()


class Deployments:
    """A Provider: `provider`'s calls, each to one of its model's deployments (models without any: as they are)."""

    def __init__(self, provider: Provider) -> None:
        self._provider = provider
        self._current: dict[str, list[int]] = {}
        """Each model's smooth round-robin weights, by deployment."""
        self._cooling: dict[tuple[str, int], float] = {}
        """(model, deployment index) -> when its cooldown ends."""

    async def chat(self, target: Target, body: ChatBody) -> Reply:
        return await self._spread(target, lambda deployed: self._provider.chat(deployed, body))

    async def chat_stream(self, target: Target, body: ChatBody) -> LLMStream:
        return await self._spread(target, lambda deployed: self._provider.chat_stream(deployed, body))

    async def embed(self, target: Target, body: EmbeddingsBody) -> Embeddings:
        return await self._spread(target, lambda deployed: self._provider.embed(deployed, body))

    async def respond(self, target: Target, body: ResponsesBody) -> Reply:
        return await self._spread(target, lambda deployed: self._provider.respond(deployed, body))

    async def respond_stream(self, target: Target, body: ResponsesBody) -> LLMStream:
        return await self._spread(target, lambda deployed: self._provider.respond_stream(deployed, body))

    async def aclose(self) -> None:
        await self._provider.aclose()

    async def _spread(self, target: Target, call: Callable[[Target], Awaitable[A]]) -> A:
        if not target.deployments:
            return await call(target)
        order = self._order(target)
        for tried, index in enumerate(order, start=1):
            try:
                return await call(_deployed(target, target.deployments[index]))
            except LLMError as exc:
                if isinstance(exc, LLMTimeoutError) or not falls_back(exc):
                    raise  # the request's own fault, or its deadline is spent
                self._cooling[target.name, index] = now() + _cooldown(exc)
                if tried == len(order):
                    raise
        raise AssertionError("unreachable")  # a model's deployments are never empty here

    def _order(self, target: Target) -> list[int]:
        """The deployment chosen by weight among those not cooling down, then the others that are not;
        when all are cooling down, the one whose cooldown ends first."""
        moment = now()
        ready = [
            index for index in range(len(target.deployments)) if self._cooling.get((target.name, index), 0) <= moment
        ]
        if not ready:
            return [min(range(len(target.deployments)), key=lambda index: self._cooling[target.name, index])]
        current = self._current.setdefault(target.name, [0] * len(target.deployments))
        for index in ready:
            current[index] += target.deployments[index].weight
        chosen = max(ready, key=lambda index: current[index])
        current[chosen] -= sum(target.deployments[index].weight for index in ready)
        return [chosen, *(index for index in ready if index != chosen)]


def _deployed(target: Target, deployment: Deployment) -> Target:
    return replace(
        target,
        provider=deployment.provider or target.provider,
        upstream_model=deployment.upstream_model or target.upstream_model,
        base_url=deployment.base_url,
        api_key_env=deployment.api_key_env,
    )


def _cooldown(exc: LLMError) -> float:
    """The deployment's own Retry-After (in seconds), else COOLDOWN_SECONDS."""
    if isinstance(exc, LLMRateLimitedError) and exc.retry_after and exc.retry_after.isdigit():
        return float(exc.retry_after)
    return COOLDOWN_SECONDS
