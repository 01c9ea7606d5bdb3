"""Rate-limit tiers, and the settings that define them."""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requests_per_minute: Annotated[int, Field(gt=0)]
    tokens_per_minute: Annotated[int | None, Field(gt=0)] = None
    usd_per_day: Annotated[float | None, Field(ge=0)] = None
    """Spend limit per UTC calendar day (an API_KEYS entry may set its own)."""
    usd_per_month: Annotated[float | None, Field(ge=0)] = None
    """Spend limit per UTC calendar month (an API_KEYS entry may set its own)."""


DEFAULT_TIERS = {
    "free": Tier(requests_per_minute=10),
    "pro": Tier(requests_per_minute=100, tokens_per_minute=100_000),
}


class TierSettings(BaseSettings):
    rate_limit_tiers: dict[str, Tier] = DEFAULT_TIERS
    default_tier: str = "free"

    @model_validator(mode="after")
    def _default_tier_exists(self) -> Self:
        if self.default_tier not in self.rate_limit_tiers:
            raise ValueError(
                f"DEFAULT_TIER {self.default_tier!r} is not one of RATE_LIMIT_TIERS "
                f"({', '.join(self.rate_limit_tiers)})"
            )
        return self
