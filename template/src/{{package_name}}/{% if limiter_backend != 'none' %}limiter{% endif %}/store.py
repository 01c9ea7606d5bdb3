"""Where the limits are counted: what a backend keeps per caller, and the protocol every backend meets.

Per caller, each in O(1) work and storage whatever the number of tokens or dollars charged:
- requests: an exact moving window, the times of the last `requests` admitted requests;
- tokens: a leaky bucket (the GCRA's meter), two numbers: its level when last charged, and when.
  Charges fill it, it drains at `tokens` per window, and it refuses while less than a token of
  room is left. A charge past the brim is kept (the caller waits for it to drain);
- dollars: one running total per UTC calendar day and per month, under the period's label; and the
  holds of the calls in flight (each the most its call can cost), which count against both budgets
  until their call settles, or until they expire (a process that died mid-call never settles).
"""

import math
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Period:
    """One budget window: a UTC calendar day or month."""

    label: str
    """The period's own name ("2026-11-27", "2026-11"): a new period counts from zero."""
    limit_usd: float
    ends_at: float
    """When the next period starts (Unix time)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What one caller is held to."""

    requests: int
    window_seconds: int
    tokens: int | None = None
    day: Period | None = None
    month: Period | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    """A caller's counters, as an admission (or a look) left them."""

    admitted: bool
    requests: int
    """Requests in the window."""
    oldest_request: float
    """When the oldest of them was made (`now` when there is none)."""
    tokens_used: float
    """The token bucket's level now."""
    day_spent_usd: float
    month_spent_usd: float
    held: bool | None = None
    """The first call's hold, when the admission took one: taken (True) or did not fit (False)."""
    held_usd: float = 0.0
    """With a hold asked for: the holds of the caller's other calls in flight."""


@dataclass(frozen=True, slots=True)
class HoldRequest:
    """A hold for a call: its id, the most the call can cost, and how long it outlives a dead process."""

    id: str
    usd: float
    ttl: float


@dataclass(frozen=True, slots=True)
class Spent:
    """A reservation's outcome, and the budgets as it found them."""

    held: bool
    day_spent_usd: float
    month_spent_usd: float
    held_usd: float
    """The holds of the caller's other calls in flight."""


@dataclass(frozen=True, slots=True)
class Window:
    """A window of requests or tokens as a request leaves it."""

    limit: int
    remaining: int
    reset_seconds: int
    """Requests: seconds until the oldest one leaves the window. Tokens: until there is room again
    when there is none, else until the bucket is empty again."""


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether the store lets the service serve as configured, and what is wrong with it, if anything."""

    serving: bool
    problem: str | None = None
    """Unreachable but serving (fail open) is degraded: serving, with a problem."""


READY = Readiness(serving=True)


class StoreUnavailableError(Exception):
    """The store cannot count right now; `admit` says whether to let requests through uncounted (fail open)."""

    def __init__(self, *, admit: bool) -> None:
        super().__init__("rate-limit store unavailable")
        self.admit = admit


class WindowStore(Protocol):
    async def acquire(
        self, key: str, plan: Plan, now: float, *, count: bool = True, hold: HoldRequest | None = None
    ) -> Counts:
        """Admit and count one request when the requests window has room and no token or dollar
        limit is spent (all or nothing, atomically); with `count=False`, only look. With `hold`, the
        request's first call is held in the same step (`reserve`'s rule), and a hold that does not fit
        refuses the request."""
        ...

    async def reserve(self, key: str, plan: Plan, now: float, *, hold: str, usd: float, ttl: float) -> Spent:
        """Hold `usd` for a call (until `now + ttl` at the latest) if it fits in the day's and the month's
        budgets beside what is spent and held already (all or nothing, atomically)."""
        ...

    async def settle(self, key: str, plan: Plan, now: float, *, hold: str | None, tokens: int, cost_usd: float) -> None:
        """Release a finished call's hold (if it still holds), add its tokens to the bucket and its cost
        to the day and month (of `plan`)."""
        ...

    async def readiness(self) -> Readiness: ...

    async def aclose(self) -> None: ...


# The rules the stores share (a store that runs them elsewhere, say in a Lua script, spells the same arithmetic).


def tokens_remaining(limit: int, used: float) -> int:
    return max(0, math.floor(limit - used))


def drained(plan: Plan, level: float, charged_at: float, now: float) -> float:
    """The token bucket's level at `now`, from its level when last charged."""
    assert plan.tokens is not None
    return max(0.0, level - max(0.0, now - charged_at) * plan.tokens / plan.window_seconds)


def spent(plan: Plan, tokens_used: float, day_usd: float, month_usd: float) -> bool:
    """Whether a token or dollar limit refuses the next request."""
    return (
        (plan.tokens is not None and tokens_remaining(plan.tokens, tokens_used) < 1)
        or (plan.day is not None and day_usd >= plan.day.limit_usd)
        or (plan.month is not None and month_usd >= plan.month.limit_usd)
    )


def fits(plan: Plan, day_usd: float, month_usd: float, usd: float) -> bool:
    """Whether `usd` more stays within both budgets, beside `day_usd` and `month_usd` spent and held."""
    return all(
        period is None or spent_usd + usd <= period.limit_usd
        for period, spent_usd in ((plan.day, day_usd), (plan.month, month_usd))
    )


def requests_window(plan: Plan, counts: Counts, now: float) -> Window:
    return Window(
        limit=plan.requests,
        remaining=max(0, plan.requests - counts.requests),
        reset_seconds=max(1, math.ceil(counts.oldest_request + plan.window_seconds - now)),
    )
