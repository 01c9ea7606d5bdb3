"""POST /chat: one message in, one completion out, with its tokens and cost (a pipeline of one call)."""

from fastapi import APIRouter, Request, Response

from ..deps import AdmittedChatCaller
from ..errors import error_responses
from ..schemas import ChatRequest, ChatResponse
from ..services import services_of

router = APIRouter(tags=["chat"])

CHAT_ERRORS = error_responses(400, 401, 403, 404, 413, 422, 429, 502, 503, 504)


# The answer is built and checked once, here, and sent as its JSON: FastAPI would check it again against
# `response_model` (and encode it through a dict) if the route returned the model. The LLM is taken
# from the request rather than as the `LLM` dependency: one dependency fewer to solve a request.
@router.post("/chat", response_model=ChatResponse, responses=CHAT_ERRORS)
async def chat(body: ChatRequest, caller: AdmittedChatCaller, request: Request) -> Response:
    llm = services_of(request).llm
    completion = await llm.complete(body.to_messages(), body.model, **body.params())
    answer = ChatResponse(
        response=completion.text,
        model=completion.model,
        prompt_tokens=completion.usage.prompt_tokens,
        completion_tokens=completion.usage.completion_tokens,
        cost_usd=completion.usage.cost_usd,
    )
    return Response(answer.model_dump_json(), media_type="application/json")
