"""What upstream calls used, and what they cost: one type for a call and for a request's sum of calls."""

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    """Of the prompt tokens, those the provider read from its prompt cache."""
    cache_write_tokens: int = 0
    """Of the prompt tokens, those the provider wrote to its prompt cache (some price them apart)."""
    cost_usd: float = 0.0
    """At the prices of the model that answered; 0 until priced."""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cached_tokens + other.cached_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            round(self.cost_usd + other.cost_usd, 10),
        )


@dataclass(frozen=True, slots=True)
class Pricing:
    """A model's prices, in USD per million tokens."""

    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None = None
    """The price of cached input tokens, for models that have one; others pay the input price for them."""
    cache_write_per_mtok: float | None = None
    """The price of input tokens written to the prompt cache, for models that have one; else the input price."""

    def priced(self, usage: Usage) -> Usage:
        """`usage` with its cost at these prices."""
        return replace(usage, cost_usd=self.cost_usd(usage))

    def cost_usd(self, usage: Usage) -> float:
        """What `usage` costs at these prices."""
        cached = usage.cached_tokens if self.cached_input_per_mtok is not None else 0
        written = usage.cache_write_tokens if self.cache_write_per_mtok is not None else 0
        cost = (
            (usage.prompt_tokens - cached - written) * self.input_per_mtok
            + cached * (self.cached_input_per_mtok or 0.0)
            + written * (self.cache_write_per_mtok or 0.0)
            + usage.completion_tokens * self.output_per_mtok
        )
        return round(cost / 1_000_000, 8)
