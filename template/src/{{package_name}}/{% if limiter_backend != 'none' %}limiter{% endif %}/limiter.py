"""The rate limiter: per caller, a requests-per-minute window and, where the tier (or the caller's
key) sets them, a tokens-per-minute bucket and USD budgets per UTC day and month.

A request is admitted when its caller has a request left and no token or dollar limit is already
spent, in one store round trip. The call's real usage (tokens, cost) is charged once it has
finished, in one more: a call admitted under a limit may end over it, and the next is refused.
"""

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..caller import Caller
from .store import Counts, Period, Plan, StoreUnavailableError, Window, WindowStore, requests_window, tokens_remaining
from .tiers import Tier

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True, slots=True)
class Spend:
    """Dollars spent in one budget period."""

    limit_usd: float
    spent_usd: float
    ends_at: float
    reset_seconds: int

    @property
    def resets_at(self) -> datetime:
        return datetime.fromtimestamp(self.ends_at, UTC)

    @property
    def exhausted(self) -> bool:
        return self.spent_usd >= self.limit_usd


@dataclass(frozen=True, slots=True)
class Decision:
    admitted: bool
    requests: Window | None
    """None when the store could not count and the request was let through (fail open)."""
    tokens: Window | None = None
    """The token bucket, for tiers that set `tokens_per_minute`."""
    day: Spend | None = None
    month: Spend | None = None

    @property
    def tokens_spent(self) -> bool:
        return self.tokens is not None and self.tokens.remaining == 0

    @property
    def spent_budgets(self) -> list[Spend]:
        return [spend for spend in (self.day, self.month) if spend is not None and spend.exhausted]

    @property
    def refused_by(self) -> str:
        """The limit that refuses the request: `budget`, `tokens` or `requests`."""
        if self.spent_budgets:
            return "budget"
        return "tokens" if self.tokens_spent else "requests"

    @property
    def retry_after(self) -> int:
        """Seconds until a request would be admitted again: until every exhausted limit has room."""
        waits = [spend.reset_seconds for spend in self.spent_budgets]
        if self.requests is not None and self.requests.remaining == 0:
            waits.append(self.requests.reset_seconds)
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
    def __init__(
        self,
        tiers: Mapping[str, Tier],
        store: WindowStore,
        *,
        window_seconds: int = 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Limits are "per minute"; a shorter window only serves tests that watch one free up.
        `clock` (Unix time) is there for tests that cross a day or a month without waiting."""
        self.store = store
        self._tiers = dict(tiers)
        self._window_seconds = window_seconds
        self._clock = clock
        self._plans: dict[tuple[str, float | None, float | None], Plan] = {}
        self._plans_day = -1

    async def acquire(self, caller: Caller) -> Decision:
        """Count one request against the caller's limits, unless a token or dollar limit is spent.

        Raises StoreUnavailableError when the store cannot count and must not admit (fail closed).
        """
        try:
            return await self._decide(caller, count=True)
        except StoreUnavailableError as exc:
            if exc.admit:
                return Decision(admitted=True, requests=None)
            raise

    async def standing(self, caller: Caller) -> Decision:
        """The caller's limits as they stand, counting nothing (raises StoreUnavailableError)."""
        return await self._decide(caller, count=False)

    async def charge(self, caller: Caller, *, tokens: int, cost_usd: float) -> None:
        """Charge a finished call's real usage to the caller's token bucket and budgets, if it has any.

        A call that takes the caller past a limit is charged in full: it is refused until the
        tokens have drained, or until the budget's period ends.
        """
        now = self._clock()
        plan = self._plan(caller, now)
        if (plan.tokens is not None and tokens > 0) or ((plan.day or plan.month) and cost_usd > 0):
            await self.store.charge(_key(caller), plan, now, tokens=tokens, cost_usd=cost_usd)

    async def healthy(self) -> bool:
        return await self.store.healthy()

    async def aclose(self) -> None:
        await self.store.aclose()

    async def _decide(self, caller: Caller, *, count: bool) -> Decision:
        now = self._clock()
        plan = self._plan(caller, now)
        counts = await self.store.acquire(_key(caller), plan, now, count=count)
        return Decision(
            admitted=counts.admitted,
            requests=requests_window(plan, counts, now),
            tokens=_tokens_window(plan, counts, now),
            day=_spend(plan.day, counts.day_spent_usd, now),
            month=_spend(plan.month, counts.month_spent_usd, now),
        )

    def _plan(self, caller: Caller, now: float) -> Plan:
        """What `caller` is held to at `now` (the same for a whole UTC day: kept until the next)."""
        day_number = int(now // SECONDS_PER_DAY)  # Unix time has no leap seconds
        if day_number != self._plans_day:
            self._plans, self._plans_day = {}, day_number
        key = (caller.tier, caller.usd_per_day, caller.usd_per_month)
        if (plan := self._plans.get(key)) is None:
            plan = self._plans[key] = self._new_plan(*key, day_number)
        return plan

    def _new_plan(self, tier_name: str, per_day: float | None, per_month: float | None, day_number: int) -> Plan:
        tier = self._tiers[tier_name]
        per_day = per_day if per_day is not None else tier.usd_per_day
        per_month = per_month if per_month is not None else tier.usd_per_month
        today = datetime.fromtimestamp(day_number * SECONDS_PER_DAY, UTC)
        day = month = None
        if per_day is not None:
            day = Period(f"{today:%Y-%m-%d}", per_day, today.timestamp() + SECONDS_PER_DAY)
        if per_month is not None:
            first = today.replace(day=1)
            month = Period(f"{first:%Y-%m}", per_month, (first + timedelta(days=32)).replace(day=1).timestamp())
        return Plan(tier.requests_per_minute, self._window_seconds, tier.tokens_per_minute, day, month)


def _key(caller: Caller) -> str:
    return f"caller:{caller.id}"


def _tokens_window(plan: Plan, counts: Counts, now: float) -> Window | None:
    if plan.tokens is None:
        return None
    remaining = tokens_remaining(plan.tokens, counts.tokens_used)
    # Spent: until a token of room has drained. Else: until the bucket is empty.
    to_drain = counts.tokens_used - (plan.tokens - 1 if remaining == 0 else 0)
    reset_seconds = max(1, math.ceil(to_drain * plan.window_seconds / plan.tokens))
    return Window(limit=plan.tokens, remaining=remaining, reset_seconds=reset_seconds)


def _spend(period: Period | None, spent_usd: float, now: float) -> Spend | None:
    if period is None:
        return None
    return Spend(
        limit_usd=period.limit_usd,
        spent_usd=spent_usd,
        ends_at=period.ends_at,
        reset_seconds=max(1, math.ceil(period.ends_at - now)),
    )
