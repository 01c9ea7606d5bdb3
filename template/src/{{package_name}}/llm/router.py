"""Each call to the adapter of the endpoint that serves it: its model's provider (LLM_MODELS' `provider`),
at the base URL and with the key of its deployment, if it has one. Adapters are made at start-up."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .models import ModelSpec, Target
from .port import ChatBody, Embeddings, EmbeddingsBody, Provider, Reply, ResponsesBody
from .stream import LLMStream


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a call goes: a provider, at a base URL (None: its setting's), with the key in an environment
    variable (None: its setting's)."""

    provider: str
    base_url: str | None = None
    api_key_env: str | None = None


def endpoints(models: Iterable[ModelSpec], default_provider: str) -> set[Endpoint]:
    """Every endpoint the models (and their deployments) are served by."""
    found = set()
    for spec in models:
        provider = spec.provider or default_provider
        if not spec.deployments:
            found.add(Endpoint(provider))
        for deployment in spec.deployments:
            found.add(Endpoint(deployment.provider or provider, deployment.base_url, deployment.api_key_env))
    return found


class Router:
    def __init__(self, adapters: Mapping[Endpoint, Provider], default_provider: str) -> None:
        self._adapters = dict(adapters)
        self._default_provider = default_provider

    def _adapter(self, target: Target) -> Provider:
        provider = target.provider or self._default_provider
        return self._adapters[Endpoint(provider, target.base_url, target.api_key_env)]

    async def chat(self, target: Target, body: ChatBody) -> Reply:
        return await self._adapter(target).chat(target, body)

    async def chat_stream(self, target: Target, body: ChatBody) -> LLMStream:
        return await self._adapter(target).chat_stream(target, body)

    async def embed(self, target: Target, body: EmbeddingsBody) -> Embeddings:
        return await self._adapter(target).embed(target, body)

    async def respond(self, target: Target, body: ResponsesBody) -> Reply:
        return await self._adapter(target).respond(target, body)

    async def respond_stream(self, target: Target, body: ResponsesBody) -> LLMStream:
        return await self._adapter(target).respond_stream(target, body)

    async def aclose(self) -> None:
        for adapter in self._adapters.values():
            await adapter.aclose()
