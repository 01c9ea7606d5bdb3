"""The openai SDK's failures (the OpenAI adapter's), as the LLM layer's own errors."""

import openai

from .calls import SDKErrors
from .errors import (
    LLMError,
    LLMMalformedReplyError,
    LLMRateLimitedError,
    LLMRejectedError,
    LLMTimeoutError,
    LLMUnavailableError,
)

# Worth another try: the upstream may answer the same request next time.
TRANSIENT_STATUS = frozenset({502, 503})


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, openai.APITimeoutError):
        return False  # the overall deadline is the caller's budget; do not spend it twice
    if isinstance(exc, openai.APIConnectionError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code in TRANSIENT_STATUS


def _to_llm_error(exc: Exception) -> LLMError:
    error = _llm_error(exc)
    if isinstance(exc, openai.APIStatusError):
        error.upstream_status = exc.status_code
    return error


def _llm_error(exc: Exception) -> LLMError:
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeoutError()
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailableError("Could not reach the LLM provider")
    if isinstance(exc, openai.APIResponseValidationError):
        return LLMMalformedReplyError("unexpected response body")
    if isinstance(exc, openai.RateLimitError):
        return LLMRateLimitedError(exc.response.headers.get("retry-after"))
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return LLMRejectedError(exc.message)
    if isinstance(exc, openai.APIStatusError):
        # 401/403/404 are this service's configuration problems, 5xx the provider's: neither is the caller's.
        return LLMUnavailableError(f"The LLM provider failed (HTTP {exc.status_code})")
    if isinstance(exc, openai.APIError):
        # An error the provider reported inside a stream that had started well.
        return LLMUnavailableError("The LLM provider failed mid-answer")
    return LLMMalformedReplyError(type(exc).__name__)


OPENAI_ERRORS = SDKErrors(openai.OpenAIError, _is_transient, _to_llm_error)
