"""What a completion cost, computed from its real token usage and logged with the request."""

from fastapi import Request

from .llm.base import Completion, Pricing
from .middleware import access_log_fields


def record_usage(request: Request, completion: Completion) -> float:
    """The completion's cost in USD, also added to the request's access log line."""
    pricing: Pricing = request.app.state.pricing
    cost = pricing.cost_usd(completion)
    access_log_fields(request.scope).update(
        prompt_tokens=completion.prompt_tokens, completion_tokens=completion.completion_tokens, cost_usd=cost
    )
    return cost
