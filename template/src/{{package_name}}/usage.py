"""Metering: what a completion cost, recorded on the request for the access log and the token charge."""

from .context import RequestContext, Usage
from .llm.completion import Completion
from .llm.models import Models

MODEL_HEADER = b"x-llm-model"
"""Names the model that answered, by its configured name: the one asked for, or a fallback."""


class Meter:
    def __init__(self, context: RequestContext, models: Models) -> None:
        self._context = context
        self._models = models

    def answered_by(self, model: str) -> None:
        """Name the answering model in the response's X-LLM-Model header; call it before the response starts."""
        self._context.response_headers.append((MODEL_HEADER, model.encode()))

    def record(self, completion: Completion) -> Usage:
        """What `completion` used, priced at the prices of the model that answered it."""
        cost = self._models.pricing(completion.model).cost_usd(completion)
        usage = Usage(
            completion.prompt_tokens, completion.completion_tokens, cost, completion.cached_tokens, completion.model
        )
        self._context.usage = usage
        return usage

    def record_stream_error(self, error_code: str) -> None:
        self._context.log_fields["stream_error"] = error_code
