"""Request and response bodies of /chat."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .llm.completion import Messages


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: Annotated[str, Field(min_length=1, max_length=4000)]
    system_prompt: Annotated[str | None, Field(max_length=2000)] = None
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.7
    max_tokens: Annotated[int, Field(ge=1, le=4000)] = 1000

    def to_messages(self) -> Messages:
        messages: Messages = []
        if self.system_prompt:
            messages.append({"role": "system", "content": self.system_prompt})
        messages.append({"role": "user", "content": self.message})
        return messages


class ChatResponse(BaseModel):
    response: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
