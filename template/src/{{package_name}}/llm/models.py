"""The models the service offers (LLM_MODELS): their prices, the name sent upstream, their fallbacks."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .errors import UnknownModelError
from .usage import Pricing


class ModelSpec(BaseModel):
    """One entry of LLM_MODELS."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_price_per_mtok: Annotated[float, Field(ge=0)]
    """USD per 1M input tokens."""
    output_price_per_mtok: Annotated[float, Field(ge=0)]
    """USD per 1M output tokens."""
    cached_input_price_per_mtok: Annotated[float | None, Field(ge=0)] = None
    """USD per 1M cached input tokens (usage.prompt_tokens_details.cached_tokens); unset: the input price."""
    upstream_model: Annotated[str | None, Field(min_length=1)] = None
    """The name sent upstream; unset: the configured name."""
    fallbacks: tuple[str, ...] = ()
    """Models tried in this order, once each, when this one fails transiently."""

    @property
    def pricing(self) -> Pricing:
        return Pricing(self.input_price_per_mtok, self.output_price_per_mtok, self.cached_input_price_per_mtok)


@dataclass(frozen=True, slots=True)
class Target:
    """One model to call: its configured name, the name sent upstream, and when the whole answer is due."""

    name: str
    upstream_model: str
    deadline: float
    """On the event loop's clock: one deadline for a model and all its fallbacks."""


def check_models(models: Mapping[str, ModelSpec], default: str) -> None:
    """Raise ValueError naming the first problem: a default or a fallback that is not offered."""
    if default not in models:
        raise ValueError(f"LLM_MODEL {default!r} is not in LLM_MODELS ({', '.join(map(repr, models))}); add it there")
    for name, spec in models.items():
        for fallback in spec.fallbacks:
            if fallback not in models:
                raise ValueError(f"LLM_MODELS: {name!r} falls back to {fallback!r}, which is not in LLM_MODELS")
        if name in spec.fallbacks or len(set(spec.fallbacks)) != len(spec.fallbacks):
            raise ValueError(f"LLM_MODELS: {name!r} lists itself or a model twice in its fallbacks")


class Models:
    """The configured models, by their configured names (the names callers use)."""

    def __init__(self, models: Mapping[str, ModelSpec], default: str) -> None:
        check_models(models, default)
        self._models = dict(models)
        self.default = default

    @property
    def names(self) -> list[str]:
        return list(self._models)

    def __contains__(self, name: object) -> bool:
        return name in self._models

    def chosen(self, name: str | None) -> str:
        """The model a call names, or the default when it names none; one not offered raises UnknownModelError."""
        if name is None:
            return self.default
        if name not in self._models:
            raise UnknownModelError(name, self.names)
        return name

    def chain(self, name: str) -> list[str]:
        """`name`, then its fallbacks in order: each tried once."""
        return [name, *self._models[name].fallbacks]

    def pricing(self, name: str) -> Pricing:
        return self._models[name].pricing

    def target(self, name: str, deadline: float) -> Target:
        return Target(name, self._models[name].upstream_model or name, deadline)
