"""POST /chat: one message in, one completion out, with its tokens and cost."""

from fastapi import APIRouter, Response

from ..deps import LLM, AdmittedCaller, Metering
from ..errors import error_responses
from ..schemas import ChatRequest, ChatResponse

router = APIRouter(tags=["chat"])

CHAT_ERRORS = error_responses(400, 401, 403, 413, 422, 429, 502, 503, 504)


# The answer is built and checked once, here, and sent as its JSON: FastAPI would check it again against
# `response_model` (and encode it through a dict) if the route returned the model.
@router.post("/chat", response_model=ChatResponse, responses=CHAT_ERRORS)
async def chat(body: ChatRequest, caller: AdmittedCaller, llm: LLM, meter: Metering) -> Response:
    completion = await llm.complete(body.to_messages(), temperature=body.temperature, max_tokens=body.max_tokens)
    usage = meter.record(completion)
    answer = ChatResponse(
        response=completion.text,
        model=completion.model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost_usd=usage.cost_usd,
    )
    return Response(answer.model_dump_json(), media_type="application/json")
