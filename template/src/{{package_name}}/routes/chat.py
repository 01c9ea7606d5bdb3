"""POST /chat: one message in, one completion out, with its tokens and cost."""

from fastapi import APIRouter

from ..deps import LLM, AdmittedCaller, Metering
from ..errors import error_responses
from ..schemas import ChatRequest, ChatResponse

router = APIRouter(tags=["chat"])

CHAT_ERRORS = error_responses(400, 401, 403, 413, 422, 429, 502, 503, 504)


@router.post("/chat", responses=CHAT_ERRORS)
async def chat(body: ChatRequest, caller: AdmittedCaller, llm: LLM, meter: Metering) -> ChatResponse:
    completion = await llm.complete(body.to_messages(), temperature=body.temperature, max_tokens=body.max_tokens)
    usage = meter.record(completion)
    return ChatResponse(
        response=completion.text,
        model=completion.model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost_usd=usage.cost_usd,
    )
