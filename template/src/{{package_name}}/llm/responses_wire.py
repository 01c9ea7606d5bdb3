"""OpenAI's Responses API on the wire, read strictly as openai_wire.py reads Chat Completions: a
`response` (or a stream's `response.completed`) without sane, whole token counts is a malformed reply,
and nothing is charged from it. Its usage names are `input_tokens`, `output_tokens` and
`input_tokens_details`; its stream is typed events, the text in `response.output_text.delta`s.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Self

from pydantic import BaseModel, ValidationError, model_validator

from .completion import Completion, FunctionCall, ToolCall
from .errors import LLMMalformedReplyError, LLMUnavailableError
from .openai_wire import next_chunk
from .stream import Chunk, ended_usage
from .usage import Usage
from .wire import TokenCount, first_error

# The events before the model writes anything: held back until it does, so that a failure up to then
# is still a failure of the whole call (retried, then fallbacks) and no byte has reached the client.
OPENING_EVENTS = frozenset({"response.created", "response.in_progress", "response.queued"})
ENDING_EVENTS = frozenset({"response.completed", "response.incomplete"})
FAILING_EVENTS = frozenset({"error", "response.failed"})
# Deltas of text the model writes (each one is output the provider bills).
DELTA_EVENTS = frozenset(
    {
        "response.output_text.delta",
        "response.refusal.delta",
        "response.function_call_arguments.delta",
        "response.reasoning_text.delta",
        "response.reasoning_summary_text.delta",
    }
)


class _InputTokensDetails(BaseModel):
    cached_tokens: TokenCount | None = None
    cache_write_tokens: TokenCount | None = None


class _Usage(BaseModel):
    input_tokens: TokenCount
    output_tokens: TokenCount
    input_tokens_details: _InputTokensDetails | None = None

    @model_validator(mode="after")
    def _cache_within_input(self) -> Self:
        usage = self.usage()
        if usage.cached_tokens + usage.cache_write_tokens > usage.prompt_tokens:
            raise ValueError("more cached tokens than input tokens")
        return self

    def usage(self) -> Usage:
        details = self.input_tokens_details or _InputTokensDetails()
        cached, written = details.cached_tokens or 0, details.cache_write_tokens or 0
        return Usage(self.input_tokens, self.output_tokens, cached, written)


class _Content(BaseModel):
    type: str
    text: str | None = None
    refusal: str | None = None


class _Item(BaseModel):
    type: str
    content: list[_Content] | None = None
    call_id: str | None = None
    name: str | None = None
    arguments: str | None = None


class _IncompleteDetails(BaseModel):
    reason: str | None = None


class _Response(BaseModel):
    model: str | None = None
    status: str | None = None
    output: list[_Item]
    usage: _Usage
    incomplete_details: _IncompleteDetails | None = None


def read_response(raw: bytes, model: str, *, max_tokens: int | None) -> tuple[Completion, str | None]:
    """A whole `response`, answered by the configured `model` for a request that allowed at most
    `max_tokens` output tokens; and the `model` the reply itself names."""
    try:
        response = _Response.model_validate_json(raw)
    except ValidationError as exc:
        raise LLMMalformedReplyError(first_error(exc)) from None
    usage = ended_usage(response.usage.usage(), max_tokens)
    parts = [part for item in response.output if item.type == "message" for part in item.content or ()]
    calls = [
        ToolCall(id=item.call_id, function=FunctionCall(name=item.name, arguments=item.arguments or ""))
        for item in response.output
        if item.type == "function_call" and item.call_id is not None and item.name is not None
    ]
    text = "".join(part.text or "" for part in parts if part.type == "output_text")
    refusal = "".join(part.refusal or "" for part in parts if part.type == "refusal") or None
    incomplete = response.incomplete_details.reason if response.incomplete_details is not None else None
    reason = finish_reason(response.status, incomplete, has_calls=bool(calls))
    return Completion(text, model, usage, reason, calls, refusal), response.model


def finish_reason(status: object, incomplete: object, *, has_calls: bool) -> str:
    """A response's end in Chat Completions' terms (a Completion's `finish_reason`)."""
    if status == "incomplete":
        return "content_filter" if incomplete == "content_filter" else "length"
    return "tool_calls" if has_calls else "stop"


def read_response_usage(usage: object) -> Usage:
    """The usage of a stream's last `response`, already parsed as JSON."""
    try:
        return _Usage.model_validate(usage).usage()
    except ValidationError as exc:
        raise LLMMalformedReplyError(f"usage: {first_error(exc)}") from None


def name_event(event: Chunk, model: str) -> None:
    """The event, naming `model` wherever it carries the response (its opening and ending events)."""
    if isinstance(response := event.get("response"), dict):
        response["model"] = model


async def next_event(lines: AsyncIterator[str]) -> Chunk | None:
    """The next event of a Responses stream, None at its end; an upstream's failure raises."""
    event = await next_chunk(lines)
    if event is not None and event.get("type") in FAILING_EVENTS:
        raise LLMUnavailableError("The LLM provider failed mid-answer")
    return event


async def opening_events(lines: AsyncIterator[str]) -> list[Chunk]:
    """The events up to the first the model wrote (or the stream's end), that one included."""
    events = []
    while (event := await next_event(lines)) is not None:
        events.append(event)
        if event.get("type") not in OPENING_EVENTS:
            return events
    if not events:
        raise LLMMalformedReplyError("empty stream")
    return events


@dataclass(slots=True)
class ResponsesTally:
    """What a Responses stream's events add up to."""

    text: list[str] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    usage: Usage | None = None
    finish_reason: str = "stop"

    def add(self, event: Chunk) -> str:
        kind = event.get("type")
        if kind in DELTA_EVENTS:
            delta = event.get("delta")
            if isinstance(delta, str):
                self.delivered.append(delta)
                if kind == "response.output_text.delta":
                    self.text.append(delta)
                    return delta
        elif kind == "response.output_item.added":
            item = event.get("item")
            if isinstance(item, dict) and isinstance(name := item.get("name"), str):
                self.delivered.append(name)
        elif kind in ENDING_EVENTS:
            self._ended(event.get("response"))
        return ""

    def _ended(self, response: Any) -> None:
        if not isinstance(response, dict):
            raise LLMMalformedReplyError("a stream's last event holds no response")
        self.usage = read_response_usage(response.get("usage"))
        output = response.get("output")
        has_calls = isinstance(output, list) and any(
            isinstance(item, dict) and item.get("type") == "function_call" for item in output
        )
        details = response.get("incomplete_details")
        incomplete = details.get("reason") if isinstance(details, dict) else None
        self.finish_reason = finish_reason(response.get("status"), incomplete, has_calls=has_calls)

    def completion(self, model: str, max_tokens: int | None) -> Completion:
        return Completion("".join(self.text), model, ended_usage(self.usage, max_tokens), self.finish_reason)
