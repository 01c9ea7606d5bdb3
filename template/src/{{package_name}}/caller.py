"""Who is calling: the identity the limiter counts against, and its tier."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Caller:
    id: str
    tier: str
