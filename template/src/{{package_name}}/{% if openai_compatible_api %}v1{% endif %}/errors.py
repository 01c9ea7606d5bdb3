"""OpenAI's error shape, `{"error": {"message", "type", "param", "code"}}`, for everything under /v1.

The openai SDK turns it into its own exception for the status (AuthenticationError, RateLimitError, ...).
"""

from typing import Any

from pydantic import BaseModel

OPENAI_API_PREFIX = "/v1"


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


def _error_type(status: int) -> str:
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    if status == 429:
        return "requests"  # what OpenAI itself calls a 429
    return "invalid_request_error" if status < 500 else "server_error"


def openai_error_content(status: int, error_code: str, message: str, details: Any) -> dict[str, Any]:
    param = None
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
