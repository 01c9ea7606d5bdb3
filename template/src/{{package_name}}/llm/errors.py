"""How an upstream call can fail, in the LLM layer's own terms.

The HTTP edge (errors.py) maps each to a status and an error code. Messages are safe to show
the caller: they never quote the provider's key or its raw reply.
"""


class LLMError(Exception):
    """The upstream call failed."""

    upstream_status: int | None = None
    """The provider's HTTP status, when it answered with one (for the logs, never the caller)."""


class UnknownModelError(LLMError):
    """A call named a model that is not configured (LLM_MODELS), or named none where there is no default."""

    def __init__(self, name: str, offered: list[str], kind: str = "chat") -> None:
        if not name:
            super().__init__(f"No {kind} model named and none is the default (LLM_EMBEDDING_MODEL)")
        else:
            super().__init__(f"The model {name!r} does not exist here; it serves {', '.join(map(repr, offered))}")


class WrongModelKindError(LLMError):
    """A call named a model of another kind: a chat model asked for embeddings, or the reverse."""

    def __init__(self, name: str, kind: str, wanted: str) -> None:
        super().__init__(f"The model {name!r} is {_a(kind)} model; this call needs {_a(wanted)} model")


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


class ProviderLacksAPIError(LLMError):
    """The provider serving the model has no such API (embeddings asked of a provider without them)."""

    def __init__(self, provider: str, api: str) -> None:
        super().__init__(f"The model's provider ({provider}) has no {api} API")


class UnsupportedParameterError(LLMError):
    """A request parameter the model's provider has no equivalent of: refused, never dropped in silence."""

    def __init__(self, parameter: str, why: str) -> None:
        super().__init__("The model's provider cannot take a parameter of this request")
        self.parameter = parameter
        self.reason = f"{parameter}: {why}"


class ServerStoppingError(LLMError):
    """The server is stopping and its grace period is nearly over: a stream still open is ended (shutdown.py)."""

    def __init__(self) -> None:
        super().__init__("The service is shutting down; the answer was cut short")


class LLMTimeoutError(LLMError):
    def __init__(self) -> None:
        super().__init__("The LLM provider did not answer in time")


class LLMRejectedError(LLMError):
    """The provider refused the request's content (context length, content policy): the caller's to fix."""

    def __init__(self, reason: str) -> None:
        super().__init__("The LLM provider rejected the request")
        self.reason = reason


class LLMRateLimitedError(LLMError):
    def __init__(self, retry_after: str | None) -> None:
        super().__init__("The LLM provider is rate limiting this service; try again later")
        self.retry_after = retry_after


class LLMUnavailableError(LLMError):
    """Unreachable, failing (5xx), or refusing this service's own credentials or configuration."""


class LLMMalformedReplyError(LLMError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"The LLM provider sent a malformed reply: {reason}")


def falls_back(exc: BaseException) -> bool:
    """Whether another model may answer instead (SPEC §11): the provider failed, not the request.

    A rejection (400, 422) is the request's own fault, and a malformed reply or this service's own
    configuration failure (401, 403, 404) would not be mended by another model of the same provider.
    """
    if isinstance(exc, LLMRateLimitedError | LLMTimeoutError):
        return True
    return isinstance(exc, LLMUnavailableError) and (exc.upstream_status is None or exc.upstream_status >= 500)
