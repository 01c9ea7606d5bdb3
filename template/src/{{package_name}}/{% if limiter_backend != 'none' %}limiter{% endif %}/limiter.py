"""The rate limiter: a requests-per-minute window per caller and, for tiers that set
`tokens_per_minute`, a tokens-per-minute window, counted in a window store.

A request is admitted when its caller's tier has a request left and its token budget is
not already spent; the call's real usage (prompt + completion tokens) is charged to the
token window once the call has finished.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond

from ..caller import Caller
from .store import StoreUnavailableError, Window, WindowStore
from .tiers import Tier


@dataclass(frozen=True, slots=True)
class Decision:
    admitted: bool
    requests: Window | None
    """None when the store could not count and the request was let through (fail open)."""
    tokens: Window | None = None
    """The token budget, for tiers that set `tokens_per_minute`."""

    @property
    def tokens_spent(self) -> bool:
        return self.tokens is not None and self.tokens.remaining == 0

    @property
    def retry_after(self) -> int:
        """Seconds until a request would be admitted again: until every exhausted window has room."""
        waits = [self.requests.reset_seconds] if self.requests is not None and self.requests.remaining == 0 else []
        if self.tokens is not None and self.tokens_spent:
            waits.append(self.tokens.reset_seconds)
        return max(waits, default=1)

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = []
        if self.requests is not None:
            headers += _window_headers(self.requests, "")
        if self.tokens is not None:
            headers += _window_headers(self.tokens, "-tokens")
        return headers


def _window_headers(window: Window, suffix: str) -> list[tuple[bytes, bytes]]:
    return [
        (f"x-ratelimit-limit{suffix}".encode(), str(window.limit).encode()),
        (f"x-ratelimit-remaining{suffix}".encode(), str(window.remaining).encode()),
        (f"x-ratelimit-reset{suffix}".encode(), str(window.reset_seconds).encode()),
    ]


class RateLimiter:
    def __init__(self, tiers: Mapping[str, Tier], store: WindowStore, *, window_seconds: int = 60) -> None:
        """Limits are "per minute"; a shorter window only serves tests that watch one free up."""
        self.store = store
        self._requests: dict[str, RateLimitItem] = {
            name: RateLimitItemPerSecond(tier.requests_per_minute, window_seconds, namespace=f"requests:{name}")
            for name, tier in tiers.items()
        }
        self._tokens: dict[str, RateLimitItem] = {
            name: RateLimitItemPerSecond(tier.tokens_per_minute, window_seconds, namespace=f"tokens:{name}")
            for name, tier in tiers.items()
            if tier.tokens_per_minute is not None
        }

    async def acquire(self, caller: Caller) -> Decision:
        """Count one request against the caller's tier, unless its token budget is already spent.

        Raises StoreUnavailableError when the store cannot count and must not admit (fail closed).
        """
        try:
            tokens = None
            if token_item := self._tokens.get(caller.tier):
                tokens = await self.store.peek(token_item, caller.id)
            item = self._requests[caller.tier]
            # A caller with no tokens left is refused without using up one of its requests.
            if tokens is not None and tokens.remaining == 0:
                return Decision(admitted=False, requests=await self.store.peek(item, caller.id), tokens=tokens)
            admitted, requests = await self.store.hit(item, caller.id)
        except StoreUnavailableError as exc:
            if exc.admit:
                return Decision(admitted=True, requests=None)
            raise
        return Decision(admitted=admitted, requests=requests, tokens=tokens)

    async def charge_tokens(self, caller: Caller, tokens: int) -> None:
        """Charge a finished call's real usage to the caller's token budget (if its tier has one).

        A call that takes the caller past its budget fills the window: the caller is refused
        until enough of it has aged out.
        """
        item = self._tokens.get(caller.tier)
        if item is not None and tokens > 0:
            await self.store.charge(item, caller.id, tokens)

    async def healthy(self) -> bool:
        return await self.store.healthy()

    async def aclose(self) -> None:
        await self.store.aclose()
