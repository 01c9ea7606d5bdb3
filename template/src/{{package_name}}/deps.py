"""Dependencies shared by the routes, as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from .auth import authenticate
from .caller import Caller
from .config import Settings
from .errors import ApiError
from .limiter import RateLimiter
from .llm.base import LLMClient
from .middleware import add_response_headers


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_llm(request: Request) -> LLMClient:
    llm: LLMClient = request.app.state.llm
    return llm


def get_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.limiter
    return limiter


AppSettings = Annotated[Settings, Depends(get_settings)]
LLM = Annotated[LLMClient, Depends(get_llm)]
Limiter = Annotated[RateLimiter, Depends(get_limiter)]
AuthenticatedCaller = Annotated[Caller, Depends(authenticate)]


async def rate_limit(request: Request, caller: AuthenticatedCaller, limiter: Limiter) -> Caller:
    decision = await limiter.acquire(caller)
    add_response_headers(request.scope, decision.headers())
    if not decision.admitted:
        raise ApiError(
            429,
            "RATE_LIMITED",
            f"Rate limit of {decision.limit} requests per minute reached for tier {caller.tier!r}",
            details={"retry_after_seconds": decision.reset_seconds},
            headers={"Retry-After": str(decision.reset_seconds)},
        )
    return caller


RateLimitedCaller = Annotated[Caller, Depends(rate_limit)]
