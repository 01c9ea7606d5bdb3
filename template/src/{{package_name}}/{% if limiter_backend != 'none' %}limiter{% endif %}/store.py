"""Where the windows are counted: the protocol every backend meets, and moving windows over `limits`."""

import math
import time
from dataclasses import dataclass
from typing import Protocol

from limits import RateLimitItem
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter


@dataclass(frozen=True, slots=True)
class Window:
    """One moving window as a request leaves it."""

    limit: int
    remaining: int
    reset_seconds: int
    """Seconds until the oldest entry leaves the window, i.e. until there is room again."""


class StoreUnavailableError(Exception):
    """The store cannot count right now; `admit` says whether to let requests through uncounted (fail open)."""

    def __init__(self, *, admit: bool) -> None:
        super().__init__("rate-limit store unavailable")
        self.admit = admit


class WindowStore(Protocol):
    async def hit(self, item: RateLimitItem, identifier: str) -> tuple[bool, Window]:
        """Count one request if the window has room; whether it had, and the window as this left it."""
        ...

    async def peek(self, item: RateLimitItem, identifier: str) -> Window: ...

    async def charge(self, item: RateLimitItem, identifier: str, cost: int) -> None:
        """Add `cost` to the window, filling it at most (the excess is not carried over)."""
        ...

    async def healthy(self) -> bool: ...

    async def aclose(self) -> None: ...


class MovingWindows:
    """Exact moving windows in any `limits` storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._strategy = MovingWindowRateLimiter(storage)

    async def hit(self, item: RateLimitItem, identifier: str) -> tuple[bool, Window]:
        admitted = await self._strategy.hit(item, identifier)
        return admitted, await self.peek(item, identifier)

    async def peek(self, item: RateLimitItem, identifier: str) -> Window:
        stats = await self._strategy.get_window_stats(item, identifier)
        return Window(
            limit=item.amount,
            remaining=max(0, stats.remaining),
            reset_seconds=max(1, math.ceil(stats.reset_time - time.time())),
        )

    async def charge(self, item: RateLimitItem, identifier: str, cost: int) -> None:
        if not await self._strategy.hit(item, identifier, cost=min(cost, item.amount)):
            left = (await self.peek(item, identifier)).remaining
            if left > 0:
                await self._strategy.hit(item, identifier, cost=left)

    async def healthy(self) -> bool:
        return await self.storage.check()

    async def aclose(self) -> None:
        """The storage holds no connection of its own to release."""
