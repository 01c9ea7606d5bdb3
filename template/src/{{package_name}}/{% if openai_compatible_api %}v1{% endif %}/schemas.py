"""Request and response bodies of /v1/chat/completions and /v1/models, in OpenAI's wire format."""

from typing import Annotated, Literal, cast

from openai.types import Model
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, ConfigDict, Field

from ..llm.completion import Messages

DEFAULT_MAX_TOKENS = 1000


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart]
    name: str | None = None

    def text(self) -> str:
        return self.content if isinstance(self.content, str) else "".join(part.text for part in self.content)


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """The parameters the service supports; any other is refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")

    model: str
    messages: Annotated[list[Message], Field(min_length=1, max_length=100)]
    temperature: Annotated[float, Field(ge=0, le=2)] = 1.0
    max_tokens: Annotated[int | None, Field(ge=1, le=4000)] = None
    max_completion_tokens: Annotated[int | None, Field(ge=1, le=4000)] = None
    stream: bool = False
    stream_options: StreamOptions | None = None

    def to_messages(self) -> Messages:
        return [
            cast(ChatCompletionMessageParam, {"role": message.role, "content": message.text()})
            for message in self.messages
        ]

    def token_limit(self) -> int:
        return self.max_completion_tokens or self.max_tokens or DEFAULT_MAX_TOKENS

    @property
    def include_usage(self) -> bool:
        return self.stream_options is not None and self.stream_options.include_usage


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]
