"""Metering: what a completion cost, recorded on the request for the access log and the token charge."""

from .context import RequestContext, Usage
from .llm.completion import Completion, Pricing


class Meter:
    def __init__(self, context: RequestContext, pricing: Pricing) -> None:
        self._context = context
        self._pricing = pricing

    def record(self, completion: Completion) -> Usage:
        cost = self._pricing.cost_usd(completion)
        usage = Usage(completion.prompt_tokens, completion.completion_tokens, cost, completion.cached_tokens)
        self._context.usage = usage
        return usage

    def record_stream_error(self, error_code: str) -> None:
        self._context.log_fields["stream_error"] = error_code
