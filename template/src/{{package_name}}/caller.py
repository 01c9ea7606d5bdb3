"""Who is calling: the identity authentication established, and its tier."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Caller:
    id: str
    tier: str
