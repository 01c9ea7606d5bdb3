"""What the rate limiter costs per request, in process: admission + charge, memory and Redis.

Run it with a rendered project's Python, from the project's directory (the limiter is imported from
its package); `limits` only for the candidates it lists beside the project's own limiter:

    uv run --with 'limits[async-redis]' python <template>/bench/limiter_cost.py --redis redis://127.0.0.1:6390/0

Each caller is the default `pro` tier (100 requests and 100,000 tokens a minute) with, where the
project has budgets, 1,000 USD a day and 10,000 a month; each call uses 1,000 tokens and costs
0.001 USD. A caller makes 100 calls (its whole minute of tokens), then the next caller starts.
"""

import argparse
import asyncio
import importlib
import importlib.util
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

CALLS_PER_CALLER = 100
TOKENS_PER_CALL = 1000
COST_PER_CALL = 0.001


def package() -> str:
    return next(path.name for path in Path("src").iterdir() if (path / "__init__.py").exists())


async def timed(label: str, step: Callable[[int, int], Awaitable[None]], callers: int) -> None:
    """Microseconds per request (the median of `callers` runs of CALLS_PER_CALLER calls)."""
    runs = []
    for caller in range(callers):
        start = time.perf_counter()
        for call in range(CALLS_PER_CALLER):
            await step(caller, call)
        runs.append((time.perf_counter() - start) / CALLS_PER_CALLER * 1e6)
    print(f"{label:<64} {statistics.median(runs):8.1f} us/request")


async def project_limiter(store: Any, name: str, callers: int) -> None:
    """The project's own RateLimiter: acquire before the call, charge after it."""
    pkg = package()
    limiter_module = importlib.import_module(f"{pkg}.limiter.limiter")
    tiers_module = importlib.import_module(f"{pkg}.limiter.tiers")
    caller_module = importlib.import_module(f"{pkg}.caller")
    tier_fields = tiers_module.Tier.model_fields
    budgets = {"usd_per_day": 1000.0, "usd_per_month": 10_000.0} if "usd_per_day" in tier_fields else {}
    tiers = {"pro": tiers_module.Tier(requests_per_minute=100, tokens_per_minute=100_000, **budgets)}
    limiter = limiter_module.RateLimiter(tiers, store)
    run = time.time_ns()

    async def step(caller_number: int, _: int) -> None:
        caller = caller_module.Caller(id=f"{run}-{caller_number}", tier="pro")
        decision = await limiter.acquire(caller)
        assert decision.admitted
        if hasattr(limiter, "charge_tokens"):  # before budgets: tokens only
            await limiter.charge_tokens(caller, TOKENS_PER_CALL)
        else:
            await limiter.charge(caller, tokens=TOKENS_PER_CALL, cost_usd=COST_PER_CALL)

    what = "requests + tokens + day + month" if budgets else "requests + tokens"
    await timed(f"project limiter, {name}: {what}", step, callers)
    await limiter.aclose()


async def limits_candidates(storage_uri: str, name: str, callers: int) -> None:
    """`limits`' own strategies for the token window, beside an exact moving window of requests."""
    from limits import RateLimitItemPerMinute, storage
    from limits.aio import strategies

    requests = RateLimitItemPerMinute(100, namespace="requests")
    tokens = RateLimitItemPerMinute(100_000, namespace="tokens")
    options = {"implementation": "redispy"} if "redis" in storage_uri else {}
    store = storage.storage_from_string(storage_uri, **options)
    moving = strategies.MovingWindowRateLimiter(store)
    for strategy_name in ("moving-window", "sliding-window-counter"):
        token_strategy = (
            moving if strategy_name == "moving-window" else strategies.SlidingWindowCounterRateLimiter(store)
        )
        prefix = f"{strategy_name}-{time.time_ns()}"

        async def step(caller_number: int, _: int, token_strategy: Any = token_strategy, prefix: str = prefix) -> None:
            caller = f"{prefix}-{caller_number}"
            stats = await token_strategy.get_window_stats(tokens, caller)
            assert stats.remaining > 0
            assert await moving.hit(requests, caller)
            await token_strategy.hit(tokens, caller, cost=TOKENS_PER_CALL)

        await timed(f"limits {strategy_name} tokens, {name}: requests + tokens", step, callers)


async def memory_request_window(sizes: list[int]) -> None:
    """The in-memory request window's cost with `size` requests already in it."""
    from limits import RateLimitItemPerHour
    from limits.aio import storage, strategies

    pkg = package()
    store_module = importlib.import_module(f"{pkg}.limiter.memory_store")
    for size in sizes:
        item = RateLimitItemPerHour(size * 2)
        moving = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        for _ in range(size):
            await moving.hit(item, "caller")
        start = time.perf_counter()
        for _ in range(200):
            await moving.hit(item, "caller")
        limits_us = (time.perf_counter() - start) / 200 * 1e6
        line = f"memory request window with {size:>6} entries: limits moving window {limits_us:8.1f} us"
        if hasattr(store_module, "MemoryStore"):
            plan = importlib.import_module(f"{pkg}.limiter.store").Plan(requests=size * 2, window_seconds=3600)
            own = store_module.MemoryStore()
            for _ in range(size):
                await own.acquire("caller", plan, time.time())
            start = time.perf_counter()
            for _ in range(200):
                await own.acquire("caller", plan, time.time())
            line += f", project store {(time.perf_counter() - start) / 200 * 1e6:8.1f} us"
        print(line)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis", help="a Redis URL: measure the redis store (and limits' over Redis) too")
    parser.add_argument("--callers", type=int, default=20)
    parser.add_argument("--candidates", action="store_true", help="also limits' strategies")
    args = parser.parse_args()
    pkg = package()
    has_memory_store = importlib.util.find_spec(f"{pkg}.limiter.memory_store") is not None
    if has_memory_store:
        memory_store = importlib.import_module(f"{pkg}.limiter.memory_store")
        await project_limiter(memory_store.create_store(), "memory", args.callers)
    if args.redis:
        from redis.asyncio import Redis

        async with Redis.from_url(args.redis) as connection:
            await connection.ping()

            async def ping(_: int, __: int) -> None:
                await connection.ping()

            await timed("for scale: one Redis PING round trip", ping, args.callers)
        redis_store = importlib.import_module(f"{pkg}.limiter.redis_store")
        await project_limiter(redis_store.RedisStore(args.redis, fail_open=False), "redis", args.callers)
    if args.candidates:
        await limits_candidates("async+memory://", "memory", args.callers)
        if args.redis:
            await limits_candidates(f"async+{args.redis}", "redis", args.callers)
        if has_memory_store:
            await memory_request_window([100, 1000, 5000, 20000])


if __name__ == "__main__":
    asyncio.run(main())
