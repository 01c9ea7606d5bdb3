"""The models the service offers (LLM_MODELS): chat and embedding models, their prices, the name sent
upstream, their fallbacks."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import UnknownModelError, WrongModelKindError
from .usage import Pricing


class Deployment(BaseModel):
    """One place that serves a model (an entry's `deployments`): its calls spread over them by weight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: Annotated[str | None, Field(min_length=1)] = None
    """Unset: the model's."""
    upstream_model: Annotated[str | None, Field(min_length=1)] = None
    """Unset: the model's (the name sent upstream)."""
    base_url: Annotated[str | None, Field(min_length=1)] = None
    """Unset: the provider's own base URL setting."""
    api_key_env: Annotated[str | None, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = None
    """The environment variable holding its key; unset: the provider's key."""
    weight: Annotated[int, Field(ge=1)] = 1


class ModelSpec(BaseModel):
    """One entry of LLM_MODELS."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["chat", "embedding"] = "chat"
    input_price_per_mtok: Annotated[float, Field(ge=0)]
    """USD per 1M input tokens."""
    output_price_per_mtok: Annotated[float, Field(ge=0)] = 0.0
    """USD per 1M output tokens (required for a chat model; an embedding model writes none)."""
    cached_input_price_per_mtok: Annotated[float | None, Field(ge=0)] = None
    """USD per 1M cached input tokens (usage.prompt_tokens_details.cached_tokens); unset: the input price."""
    cache_write_price_per_mtok: Annotated[float | None, Field(ge=0)] = None
    """USD per 1M input tokens written to the prompt cache, for providers that price them apart; unset:
    the input price."""
    max_output_tokens: Annotated[int, Field(gt=0)] = 4096
    """The most a call writes when it asks for no `max_tokens`: what a budget reserves for its answer."""
    upstream_model: Annotated[str | None, Field(min_length=1)] = None
    """The name sent upstream; unset: the configured name."""
    fallbacks: tuple[str, ...] = ()
    """Models tried in this order, once each, when this one fails transiently."""
    provider: Annotated[str | None, Field(min_length=1)] = None
    """Which of the service's providers serves the model (llm/provider.py); unset: the default provider."""
    deployments: tuple[Deployment, ...] = ()
    """Where it is served, when that is several places (llm/deployments.py); none: the provider's one."""

    @model_validator(mode="after")
    def _chat_has_output_price(self) -> Self:
        if self.kind == "chat" and "output_price_per_mtok" not in self.model_fields_set:
            raise ValueError("output_price_per_mtok is required for a chat model")
        return self

    @cached_property
    def pricing(self) -> Pricing:
        return Pricing(
            self.input_price_per_mtok,
            self.output_price_per_mtok,
            self.cached_input_price_per_mtok,
            self.cache_write_price_per_mtok,
        )


@dataclass(frozen=True, slots=True)
class Target:
    """One model to call: its configured name, the name sent upstream, and when the whole answer is due."""

    name: str
    upstream_model: str
    deadline: float
    """On the event loop's clock: one deadline for a model and all its fallbacks."""
    provider: str | None = None
    """The provider that serves it; None: the default provider."""
    max_output_tokens: int = 4096
    """The model's max_output_tokens in LLM_MODELS (what a provider that requires a limit is sent)."""
    deployments: tuple[Deployment, ...] = ()
    base_url: str | None = None
    """The provider's base URL for this call; None: its setting's."""
    api_key_env: str | None = None
    """The environment variable holding the key for this call; None: the provider's key."""


def check_models(models: Mapping[str, ModelSpec], default: str, default_embedding: str | None = None) -> None:
    """Raise ValueError naming the first problem: a default or a fallback that is not offered, or not of its kind."""
    for setting, name, kind in (
        ("LLM_MODEL", default, "chat"),
        ("LLM_EMBEDDING_MODEL", default_embedding, "embedding"),
    ):
        if name is not None and name not in models:
            raise ValueError(f"{setting} {name!r} is not in LLM_MODELS ({', '.join(map(repr, models))}); add it there")
        if name is not None and models[name].kind != kind:
            raise ValueError(f"{setting} {name!r} is not a {kind} model in LLM_MODELS")
    for name, spec in models.items():
        for fallback in spec.fallbacks:
            if fallback not in models:
                raise ValueError(f"LLM_MODELS: {name!r} falls back to {fallback!r}, which is not in LLM_MODELS")
        if name in spec.fallbacks or len(set(spec.fallbacks)) != len(spec.fallbacks):
            raise ValueError(f"LLM_MODELS: {name!r} lists itself or a model twice in its fallbacks")
        if any(models[fallback].kind != spec.kind for fallback in spec.fallbacks if fallback in models):
            raise ValueError(f"LLM_MODELS: {name!r} falls back to a model of another kind")


def default_embedding_model(models: Mapping[str, ModelSpec], chosen: str | None) -> str | None:
    """LLM_EMBEDDING_MODEL, else the only embedding model in LLM_MODELS, if there is one."""
    if chosen is not None:
        return chosen
    embedding = [name for name, spec in models.items() if spec.kind == "embedding"]
    return embedding[0] if len(embedding) == 1 else None


class Models:
    """The configured models, by their configured names (the names callers use)."""

    def __init__(self, models: Mapping[str, ModelSpec], default: str, default_embedding: str | None = None) -> None:
        check_models(models, default, default_embedding)
        self._models = dict(models)
        self.default = default
        self.default_embedding = default_embedding_model(models, default_embedding)

    @property
    def names(self) -> list[str]:
        return list(self._models)

    def __contains__(self, name: object) -> bool:
        return name in self._models

    def chosen(self, name: str | None, kind: str = "chat") -> str:
        """The model a call names, or the default of its kind when it names none. One not offered raises
        UnknownModelError; one of another kind (a chat model asked to embed), WrongModelKindError."""
        if name is None:
            name = self.default if kind == "chat" else self.default_embedding
            if name is None:
                raise UnknownModelError("", [], kind)
        if name not in self._models:
            raise UnknownModelError(name, self.names, kind)
        if self._models[name].kind != kind:
            raise WrongModelKindError(name, self._models[name].kind, kind)
        return name

    def chain(self, name: str) -> list[str]:
        """`name`, then its fallbacks in order: each tried once."""
        return [name, *self._models[name].fallbacks]

    def pricing(self, name: str) -> Pricing:
        return self._models[name].pricing

    def spec(self, name: str) -> ModelSpec:
        return self._models[name]

    def target(self, name: str, deadline: float) -> Target:
        spec = self._models[name]
        upstream_model = spec.upstream_model or name
        return Target(name, upstream_model, deadline, spec.provider, spec.max_output_tokens, spec.deployments)
