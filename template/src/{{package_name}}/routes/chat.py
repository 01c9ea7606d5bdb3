"""POST /chat: one message in, one completion out, with its tokens and cost (a pipeline of one call)."""

from fastapi import APIRouter, Request, Response

from ..auth import SECURED_OPENAPI
from ..deps import admit_chat
from ..errors import error_responses
from ..schemas import CHAT_REQUEST_OPENAPI, ChatResponse, read_chat_request
from ..services import services_of

router = APIRouter(tags=["chat"])

CHAT_ERRORS = error_responses(400, 401, 403, 404, 413, 422, 429, 502, 503, 504)
CHAT_OPENAPI = {**SECURED_OPENAPI, **CHAT_REQUEST_OPENAPI}


# The route admits its caller and reads its body in its own code, rather than as a dependency and a body
# parameter for FastAPI to solve on every request (some 45 us of CPU a request, in bench/run.py's
# figures); CHAT_OPENAPI documents both as FastAPI would. The body is read once the caller is admitted
# (a bad request counts against its limits). The answer is built and checked once, here, and sent as its
# JSON: FastAPI would check it again against `response_model` (and encode it through a dict) if the route
# returned the model.
@router.post("/chat", response_model=ChatResponse, responses=CHAT_ERRORS, openapi_extra=CHAT_OPENAPI)
async def chat(request: Request) -> Response:
    await admit_chat(request)
    body = await read_chat_request(request)
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
