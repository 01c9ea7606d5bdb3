"""OpenAI's wire format at the HTTP edge: its error shape `{"error": {"message", "type", "param", "code"}}`,
its streams' Server-Sent Events, and the upstream's headers a client may see.

The openai SDK turns an error body into its own exception for the status (AuthenticationError,
RateLimitError, ...).
"""

import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from pydantic import BaseModel

from .llm.stream import LLMStream

OPENAI_API_PREFIX = "/v1"

IN_PROCESS_HOST = "llm.in-process"
"""The host of `llm.openai_client()`'s requests, which never leave the process (inprocess_openai.py)."""

DONE = b"data: [DONE]\n\n"
"""The last event of a stream that ended well."""

# The upstream's response headers that reach the client (lower case), each under the name given. The
# upstream's request id is the one to quote to the provider; the service's own `x-request-id` names the
# request here. Nothing else is passed: the upstream's rate limit headers describe the service's
# provider account, which every caller shares (a caller's own limits, where the service sets any, go
# out under the same names), `openai-organization` and `openai-project` name that account, and
# cookies, `server`, `alt-svc` and the like belong to the provider's connection, not this one.
UPSTREAM_HEADERS = {"x-request-id": "x-upstream-request-id", "openai-processing-ms": "openai-processing-ms"}


class OpenAIErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIErrorResponse(BaseModel):
    error: OpenAIErrorBody


def is_openai_path(path: str) -> bool:
    return path == OPENAI_API_PREFIX or path.startswith(f"{OPENAI_API_PREFIX}/")


# Codes OpenAI names otherwise: its type and code for each (by default, `code` is ours in lower case).
OPENAI_NAMES = {"BUDGET_EXCEEDED": "insufficient_quota"}
OUR_NAMES = {name: ours for ours, name in OPENAI_NAMES.items()}


def _error_type(status: int) -> str:
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    if status == 429:
        return "requests"  # what OpenAI itself calls a 429
    return "invalid_request_error" if status < 500 else "server_error"


def openai_error_content(
    status: int, error_code: str, message: str, details: Any, param: str | None = None
) -> dict[str, Any]:
    if error_code == "VALIDATION_ERROR" and details:
        # OpenAI names the first offending parameter, e.g. "messages.0.content".
        first = details[0]
        param = ".".join(str(part) for part in first["loc"][1:]) or None
        message = f"{first['msg']} ({param})" if param else first["msg"]
    elif isinstance(details, str):
        message = f"{message}: {details}"
    if name := OPENAI_NAMES.get(error_code):
        body = OpenAIErrorBody(message=message, type=name, code=name)
    else:
        body = OpenAIErrorBody(message=message, type=_error_type(status), param=param, code=error_code.lower())
    return OpenAIErrorResponse(error=body).model_dump(mode="json")


def passed_headers(upstream: Mapping[str, str]) -> dict[str, str]:
    """The headers of the upstream's reply that reach the client, under their names here."""
    return {name: upstream[header] for header, name in UPSTREAM_HEADERS.items() if header in upstream}


def sse_data(data: Any) -> bytes:
    return b"data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"


def sse_event(kind: str, data: Any) -> bytes:
    """An event of the Responses API's streams: its type as the SSE `event`, and as the data's `type`."""
    return f"event: {kind}\n".encode() + sse_data(data)


async def chat_completion_events(
    stream: LLMStream, *, include_usage: bool, error_event: Callable[[Exception], bytes]
) -> AsyncIterator[bytes]:
    """The stream's `chat.completion.chunk` events, then `[DONE]`; the usage chunk only for a client
    that asked for it (`stream_options.include_usage`); a failure part-way ends it with `error_event`."""
    try:
        async for chunk in stream:
            if include_usage or chunk.get("choices"):
                if not include_usage:
                    chunk.pop("usage", None)
                yield sse_data(chunk)
    except Exception as exc:
        yield error_event(exc)
        return
    yield DONE


async def response_events(stream: LLMStream, *, error_event: Callable[[Exception, int], bytes]) -> AsyncIterator[bytes]:
    """The stream's Responses API events; a failure part-way ends it with `error_event`, numbered next."""
    number = -1
    try:
        async for event in stream:
            if isinstance(sequence := event.get("sequence_number"), int):
                number = sequence
            yield sse_event(str(event.get("type")), event)
    except Exception as exc:
        yield error_event(exc, number + 1)
