"""Per-caller, per-tier rate limits over an exact moving window (the `limits` library)."""

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from .caller import Caller
from .config import Settings, Tier


@dataclass(frozen=True, slots=True)
class Decision:
    admitted: bool
    limit: int
    remaining: int
    reset_seconds: int
    """Seconds until the oldest request in the window leaves it, i.e. until one is allowed again."""

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset_seconds).encode()),
        ]


class RateLimiter:
    def __init__(self, tiers: Mapping[str, Tier], storage: Storage, *, window_seconds: int = 60) -> None:
        """Limits are "per minute"; a shorter window only serves tests that watch one free up."""
        self.storage = storage
        self._window = MovingWindowRateLimiter(storage)
        self._requests: dict[str, RateLimitItem] = {
            name: RateLimitItemPerSecond(tier.requests_per_minute, window_seconds, namespace=f"requests:{name}")
            for name, tier in tiers.items()
        }

    async def acquire(self, caller: Caller) -> Decision:
        """Count one request against the caller's tier."""
        item = self._requests[caller.tier]
        admitted = await self._window.hit(item, caller.id)
        stats = await self._window.get_window_stats(item, caller.id)
        return Decision(
            admitted=admitted,
            limit=item.amount,
            remaining=max(0, stats.remaining),
            reset_seconds=max(1, math.ceil(stats.reset_time - time.time())),
        )

    async def healthy(self) -> bool:
        return await self.storage.check()

    async def aclose(self) -> None:
        """Nothing to release for in-process counters."""


def create_limiter(settings: Settings) -> RateLimiter:
    return RateLimiter(settings.rate_limit_tiers, MemoryStorage())
