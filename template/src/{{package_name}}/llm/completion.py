"""A completion: the answer to a chat call, in OpenAI's terms whatever the provider."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from .usage import Usage

Message = dict[str, Any]
"""An OpenAI-style chat message: `{"role": ..., "content": ...}`, tool calls and tool results included."""
Messages = Sequence[Message]


class FunctionCall(BaseModel):
    name: str
    arguments: str
    """JSON text, as the model wrote it (it may not parse: check before use)."""


class ToolCall(BaseModel):
    """A tool call in OpenAI's shape: it goes back into `messages` as it is."""

    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    """The configured name of the model that answered (a fallback's, if one stood in)."""
    usage: Usage
    finish_reason: str = "stop"
    tool_calls: list[ToolCall] = field(default_factory=list)
    refusal: str | None = None

    def message(self) -> Message:
        """The assistant's message, to append to `messages` for the next turn."""
        message: Message = {"role": "assistant", "content": self.text or None}
        if self.tool_calls:
            message["tool_calls"] = [call.model_dump() for call in self.tool_calls]
        return message
