"""Map the openai SDK's failures to the service's errors (SPEC §7)."""

import openai

from ..errors import ApiError

# Worth another try: the upstream may answer the same request next time.
TRANSIENT_STATUS = frozenset({502, 503})


def is_transient(exc: Exception) -> bool:
    if isinstance(exc, openai.APITimeoutError):
        return False  # the overall deadline is the caller's budget; do not spend it twice
    if isinstance(exc, openai.APIConnectionError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code in TRANSIENT_STATUS


def upstream_timeout() -> ApiError:
    return ApiError(504, "UPSTREAM_TIMEOUT", "The LLM provider did not answer in time")


def malformed_reply(reason: str) -> ApiError:
    return ApiError(502, "UPSTREAM_ERROR", f"The LLM provider sent a malformed reply: {reason}")


def to_api_error(exc: openai.OpenAIError) -> ApiError:
    if isinstance(exc, openai.APITimeoutError):
        return upstream_timeout()
    if isinstance(exc, openai.APIConnectionError):
        return ApiError(502, "UPSTREAM_ERROR", "Could not reach the LLM provider")
    if isinstance(exc, openai.APIResponseValidationError):
        return malformed_reply("unexpected response body")
    if isinstance(exc, openai.RateLimitError):
        retry_after = exc.response.headers.get("retry-after")
        return ApiError(
            429,
            "UPSTREAM_RATE_LIMITED",
            "The LLM provider is rate limiting this service; try again later",
            headers={"Retry-After": retry_after} if retry_after else None,
        )
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        # Safe to relay: it describes the caller's own content (context length, content policy).
        return ApiError(400, "UPSTREAM_REJECTED", "The LLM provider rejected the request", details=exc.message)
    if isinstance(exc, openai.APIStatusError):
        # 401/403/404 are this service's configuration problems, 5xx the provider's: neither is the caller's.
        return ApiError(502, "UPSTREAM_ERROR", f"The LLM provider failed (HTTP {exc.status_code})")
    if isinstance(exc, openai.APIError):
        # An error the provider reported inside a stream that had started well.
        return ApiError(502, "UPSTREAM_ERROR", "The LLM provider failed mid-answer")
    return malformed_reply(type(exc).__name__)
