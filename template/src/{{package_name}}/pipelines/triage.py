"""Example pipeline: triage a customer's support message, then draft the reply.

    POST /triage        one structured-output call: the message in, a typed `Ticket` out
    POST /triage/reply  a two-step chain: triage the message, then write a reply that uses the triage

Copy this module to add an endpoint of your own. What the routes take from `..deps`:
- `AdmittedCaller`: the caller as the service identifies it, admitted by its rate limits and
  budgets where the service has them;
- `LLM`: the service's LLM. Every call made through it while a request is served is metered on
  that request (tokens, cost, the access log line, and the token window and budgets where there
  are some), retried, handed to the model's fallbacks, counted in the metrics and traced: the
  routes do nothing for it.
An upstream failure the route lets through becomes the service's error answer (a 502 `UPSTREAM_ERROR`,
a 504 on timeout, ...), and calls that succeeded before it are still charged.
"""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ..deps import LLM, AdmittedCaller

router = APIRouter(tags=["triage"])


class TriageRequest(BaseModel):
    """What the caller sends: one support message."""

    # Unknown fields refused, no type coerced (a number is not a message); the example shows in /docs.
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"message": "I was charged twice for my May invoice. Please refund one!"}]},
    )

    message: str = Field(min_length=1, max_length=8000)


# What the model must answer: `llm.parse` sends this class's JSON schema as the structured output format
# (its docstring and the field descriptions are part of the prompt) and validates the reply against it.
class Ticket(BaseModel):
    """A customer support ticket."""

    summary: str = Field(description="The customer's request in one sentence")
    category: Literal["billing", "bug", "feature_request", "other"]
    urgent: bool = Field(description="Whether the customer is blocked or losing money")


class TriagedReply(BaseModel):
    ticket: Ticket
    reply: str


TRIAGE_INSTRUCTIONS = "You triage customer support messages into tickets."


def reply_instructions(ticket: Ticket) -> str:
    urgency = " The customer is blocked: say first that it is being handled." if ticket.urgent else ""
    return (
        "You answer customer support messages in a few friendly sentences."
        f" This one was triaged as a {ticket.category} ticket: {ticket.summary}{urgency}"
    )


async def triage_message(llm: LLM, message: str) -> Ticket:
    """One `parse` call. `model=` (a name from LLM_MODELS) would pick another model than LLM_MODEL's."""
    return await llm.parse(
        [{"role": "system", "content": TRIAGE_INSTRUCTIONS}, {"role": "user", "content": message}],
        Ticket,
    )


@router.post("/triage")
async def triage(body: TriageRequest, caller: AdmittedCaller, llm: LLM) -> Ticket:
    """Triage a support message into a ticket."""
    return await triage_message(llm, body.message)


@router.post("/triage/reply")
async def triage_and_reply(body: TriageRequest, caller: AdmittedCaller, llm: LLM) -> TriagedReply:
    """Triage a support message, then draft the reply: two LLM calls, one request, charged their sum."""
    ticket = await triage_message(llm, body.message)
    draft = await llm.complete(
        [{"role": "system", "content": reply_instructions(ticket)}, {"role": "user", "content": body.message}],
        max_tokens=300,
    )
    return TriagedReply(ticket=ticket, reply=draft.text)
