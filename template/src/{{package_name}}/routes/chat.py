"""POST /chat: one message in, one completion out, with its tokens and cost."""

from fastapi import APIRouter, Request

from ..deps import LLM, AdmittedCaller
from ..errors import ErrorResponse
from ..schemas import ChatRequest, ChatResponse
from ..usage import record_usage

router = APIRouter(tags=["chat"])

ERRORS = {status: {"model": ErrorResponse} for status in (400, 401, 403, 413, 422, 429, 502, 503, 504)}


@router.post("/chat", responses=ERRORS)  # type: ignore[arg-type]
async def chat(body: ChatRequest, caller: AdmittedCaller, llm: LLM, request: Request) -> ChatResponse:
    completion = await llm.complete(body.to_messages(), temperature=body.temperature, max_tokens=body.max_tokens)
    return ChatResponse(
        response=completion.text,
        model=completion.model,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        cost_usd=record_usage(request, completion),
    )
