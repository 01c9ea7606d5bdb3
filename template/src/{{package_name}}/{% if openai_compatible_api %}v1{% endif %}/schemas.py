"""Request and response bodies of /v1/chat/completions, /v1/responses, /v1/embeddings and /v1/models, in OpenAI's
wire format.

A request is forwarded as the client sent it (SPEC §10): the service checks only what it needs itself,
and whatever else is wrong is the upstream's to say.
"""

import json
import math
import re
import sys
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NoReturn

from openai.types import Model
from pydantic import BaseModel, ConfigDict, Field

from ..errors import ApiError, ErrorCode
from ..llm.port import ChatBody, EmbeddingsBody, ResponsesBody

MAX_NESTING = 128
"""Arrays and objects in one another, at most: far more than any real request (a tool's JSON schema
included), and few enough that forwarding the request never runs out of stack."""

# A `\uD800`-`\uDFFF` escape: JSON allows one, but a lone surrogate is no text (no UTF-8 encodes it).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class EmbeddingsRequest(BaseModel):
    """The request as the OpenAPI document shows it: the fields the service checks; any other is forwarded."""

    model_config = ConfigDict(extra="allow")

    model: str
    input: str | list[str] | list[int] | list[list[int]]


class ChatCompletionRequest(BaseModel):
    """The request as the OpenAPI document shows it: the fields the service checks; any other is forwarded."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: Annotated[list[dict[str, Any]], Field(min_length=1)]
    stream: bool | None = False
    stream_options: dict[str, Any] | None = None


class ResponsesRequest(BaseModel):
    """The request as the OpenAPI document shows it: the fields the service checks; any other is forwarded."""

    model_config = ConfigDict(extra="allow")

    model: str
    input: str | list[dict[str, Any]] | None = None
    instructions: str | None = None
    stream: bool | None = False


@dataclass(frozen=True, slots=True)
class ChatCompletionCall:
    """A request the service can forward, and what it reads of it."""

    request: ChatBody
    model: str
    stream: bool
    include_usage: bool
    """The client asked for the usage chunk at the end of a stream."""


@dataclass(frozen=True, slots=True)
class ResponsesCall:
    request: ResponsesBody
    model: str
    stream: bool


@dataclass(frozen=True, slots=True)
class EmbeddingsCall:
    request: EmbeddingsBody
    model: str


def read_embeddings_request(raw: bytes) -> EmbeddingsCall:
    """The body, checked: a JSON object of valid Unicode text, `model`, and an `input` (a string, strings,
    tokens, or lists of tokens: the upstream checks which)."""
    request, _ = _json_object(raw)
    model, texts = request.get("model"), request.get("input")
    if not isinstance(model, str):
        _invalid("model", "Input should be a valid string")
    if not isinstance(texts, str | list) or not texts:
        _invalid("input", "Input should be a non-empty string or list")
    return EmbeddingsCall(request, model)


def read_responses_request(raw: bytes) -> ResponsesCall:
    """The body, checked: a JSON object of valid Unicode text, `model`, `input` (text or items), `stream`;
    and no `background` response, which the upstream would answer later, out of reach of metering."""
    request, text = _json_object(raw)
    model, items, stream = request.get("model"), request.get("input"), request.get("stream")
    if not isinstance(model, str):
        _invalid("model", "Input should be a valid string")
    if items is not None and not isinstance(items, str | list):
        _invalid("input", "Input should be a valid string or list")
    if stream is not None and not isinstance(stream, bool):
        _invalid("stream", "Input should be a valid boolean")
    if request.get("background") is True:
        _invalid("background", "Background responses are not served: their usage could not be metered")
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(request)
    return ResponsesCall(request, model, bool(stream))


def read_chat_request(raw: bytes) -> ChatCompletionCall:
    """The body, checked: a JSON object of valid Unicode text, `model`, a non-empty `messages` list, `stream`."""
    request, text = _json_object(raw)
    model, messages = request.get("model"), request.get("messages")
    stream, options = request.get("stream"), request.get("stream_options")
    if not isinstance(model, str):
        _invalid("model", "Input should be a valid string")
    if not isinstance(messages, list) or not messages:
        _invalid("messages", "Input should be a non-empty list")
    if stream is not None and not isinstance(stream, bool):
        _invalid("stream", "Input should be a valid boolean")
    if options is not None and not isinstance(options, dict):
        _invalid("stream_options", "Input should be a valid object")
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(request)
    include_usage = options is not None and options.get("include_usage") is True
    return ChatCompletionCall(request, model, bool(stream), include_usage)


def _json_object(raw: bytes) -> tuple[dict[str, Any], str]:
    """The body as a JSON object of finite numbers and bounded nesting, and its text."""
    try:
        text = raw.decode()
        request = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        _invalid(None, "The body is not valid UTF-8")
    except json.JSONDecodeError as exc:
        _invalid(None, f"The body is not valid JSON: {exc.msg}")
    except RecursionError:
        _too_deep()
    except ValueError:  # Python's own limit on the digits of an integer
        _invalid(None, f"The body holds an integer of more than {sys.get_int_max_str_digits()} digits")
    if raw.count(b"[") + raw.count(b"{") > MAX_NESTING and _nesting(request) > MAX_NESTING:
        _too_deep()
    if not isinstance(request, dict):
        _invalid(None, "The body must be a JSON object")
    return request, text


def _refuse_constant(name: str) -> NoReturn:
    """NaN, Infinity and -Infinity: Python reads them, but they are not JSON, and cannot be sent on."""
    _invalid(None, f"The body holds {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    """A number too large for a float (1e999) would be read as infinity, which cannot be sent on either."""
    if not math.isfinite(number := float(text)):
        _invalid(None, f"The body holds {text}, a number out of range")
    return number


def _nesting(value: object) -> int:
    """How deep arrays and objects lie in one another in `value` (without recursion), up to just past MAX_NESTING."""
    deepest, pending = 0, [(value, 1)]
    while pending and deepest <= MAX_NESTING:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep() -> NoReturn:
    _invalid(None, f"The body nests arrays and objects more than {MAX_NESTING} deep")


def _refuse_lone_surrogates(request: dict[str, Any]) -> None:
    """A pair of escapes is one character; a lone one cannot be sent on (the SDK fails to encode it)."""
    try:
        json.dumps(request, ensure_ascii=False).encode()
    except UnicodeEncodeError as exc:
        character = f"\\u{ord(exc.object[exc.start]):04x}"
        _invalid(None, f"The body holds a lone UTF-16 surrogate ({character}), which is not valid Unicode text")


def _invalid(param: str | None, message: str) -> NoReturn:
    """A 400 in OpenAI's shape, naming the parameter (openai_shape.py reads `loc`)."""
    details = [{"loc": ["body", param] if param else ["body"], "msg": message, "type": "value_error"}]
    raise ApiError(400, ErrorCode.VALIDATION_ERROR, "Request validation failed", details=details)


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]
