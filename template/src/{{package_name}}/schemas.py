"""Request and response bodies of /chat."""

from typing import Annotated, Any, cast

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .llm.completion import Message


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


class ChatRequest(BaseModel):
    # Strict: a number is a JSON number, never a string ("1.5") or a boolean (true taken as 1).
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"message": "Summarise HTTP/2 in one sentence.", "system_prompt": "Be brief.", "max_tokens": 100},
            ]
        },
    )

    message: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_not_blank)]
    system_prompt: Annotated[str | None, Field(max_length=2000)] = None
    temperature: Annotated[float | None, Field(ge=0, le=2)] = None
    """Unset: the model's own default (some models take none at all)."""
    max_tokens: Annotated[int, Field(ge=1, le=4000)] = 1000
    model: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    """A configured model (see LLM_MODELS); unset: the default (LLM_MODEL)."""

    def params(self) -> dict[str, Any]:
        """The Chat Completions parameters it sets (besides messages and model)."""
        params: dict[str, Any] = {"max_tokens": self.max_tokens}
        if self.temperature is not None:
            params["temperature"] = self.temperature
        return params

    def to_messages(self) -> list[Message]:
        messages: list[Message] = []
        if self.system_prompt:
            messages.append({"role": "system", "content": self.system_prompt})
        messages.append({"role": "user", "content": self.message})
        return messages


_CHECKED_BODY = "chat_request"
"""Where the request's scope keeps its body once checked."""


async def read_chat_request(request: Request) -> ChatRequest:
    """The body of a /chat request (streamed or not), checked once per request (admission reads it first when it holds
    the call's cost against a budget): a 422 if it is no ChatRequest, as FastAPI would answer.

    The routes read it once their caller is admitted, where FastAPI reads a body parameter before any of
    a route's code runs (routes/chat.py)."""
    if (checked := request.scope.get(_CHECKED_BODY)) is not None:
        return cast(ChatRequest, checked)
    try:
        body = ChatRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]) from None
    request.scope[_CHECKED_BODY] = body
    return body


CHAT_REQUEST_OPENAPI: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": ChatRequest.model_json_schema()}}}
}
"""The body `read_chat_request` reads, documented as a body parameter would be."""


class ChatResponse(BaseModel):
    response: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
