"""Liveness and readiness probes (no auth)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import AppSettings, Limiter
from ..errors import ErrorResponse

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", responses={503: {"model": ErrorResponse}}, response_model=None)
async def ready(settings: AppSettings, limiter: Limiter) -> dict[str, str] | JSONResponse:
    problems = {}
    if not await limiter.healthy():
        problems["limiter"] = "rate-limit backend unreachable"
    if not (settings.fake_llm or settings.openai_api_key):
        problems["llm"] = "no provider credentials"
    if problems:
        body = ErrorResponse(error="Service not ready", error_code="NOT_READY", details=problems)
        return JSONResponse(body.model_dump(), status_code=503)
    return {"status": "ready"}
