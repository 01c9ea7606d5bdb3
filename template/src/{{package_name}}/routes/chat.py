"""POST /chat: one message in, one completion out, with its tokens and cost."""

from fastapi import APIRouter, Response

from ..deps import LLM, AdmittedCaller, Metering
from ..errors import ApiError, ErrorCode, error_responses
from ..llm.models import Models
from ..schemas import ChatRequest, ChatResponse

router = APIRouter(tags=["chat"])

CHAT_ERRORS = error_responses(400, 401, 403, 404, 413, 422, 429, 502, 503, 504)


def chosen_model(models: Models, name: str | None) -> str:
    """The model a request names, or the default when it names none; a model not offered is a 404."""
    if name is None:
        return models.default
    if name not in models:
        offered = ", ".join(repr(model) for model in models.names)
        raise ApiError(404, ErrorCode.MODEL_NOT_FOUND, f"The model {name!r} does not exist here; it serves {offered}")
    return name


# The answer is built and checked once, here, and sent as its JSON: FastAPI would check it again against
# `response_model` (and encode it through a dict) if the route returned the model.
@router.post("/chat", response_model=ChatResponse, responses=CHAT_ERRORS)
async def chat(body: ChatRequest, caller: AdmittedCaller, llm: LLM, meter: Metering) -> Response:
    model = chosen_model(llm.models, body.model)
    completion = await llm.complete(model, body.to_messages(), temperature=body.temperature, max_tokens=body.max_tokens)
    meter.answered_by(completion.model)
    usage = meter.record(completion)
    answer = ChatResponse(
        response=completion.text,
        model=completion.model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost_usd=usage.cost_usd,
    )
    return Response(answer.model_dump_json(), media_type="application/json")
