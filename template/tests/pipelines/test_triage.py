"""The triage pipeline, offline: the real openai SDK talks to the fake upstream of tests/support.

Each test sets what the upstream answers (`upstream.replies`, used in order), calls the route as a
client would, and checks the answer, what was sent upstream, and what the request was charged (the
access log line). Copy them with the pipeline.
"""

import json
import logging
from typing import Any

import httpx
import httpx2
import pytest

from ..support.credentials import AUTH
from ..support.service import ClientFactory
from ..support.upstream import MODEL, FakeUpstream, completion_body, openai_error

# Prices for the tests (USD per 1M tokens), whatever the configured model's own, so the cost shows.
INPUT_PRICE, OUTPUT_PRICE = 2.0, 8.0
MESSAGE = "I was charged twice for my May invoice. Please refund one!"
TICKET = {"summary": "Refund the second charge for the May invoice.", "category": "billing", "urgent": True}
REPLY = "Sorry about the double charge! We are refunding it now."


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    prices = {"input_price_per_mtok": INPUT_PRICE, "output_price_per_mtok": OUTPUT_PRICE}
    return await make_client(llm_models={MODEL: prices})


@pytest.fixture(autouse=True)
def access_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="access")


def answer(content: str, prompt_tokens: int, completion_tokens: int) -> httpx2.Response:
    """A chat completion as the provider sends it, with its usage."""
    return httpx2.Response(200, json=completion_body(content, prompt_tokens, completion_tokens))


def cost(prompt_tokens: int, completion_tokens: int) -> float:
    return (prompt_tokens * INPUT_PRICE + completion_tokens * OUTPUT_PRICE) / 1e6


def access_line(caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    """The one line the service logs for the request, with what it was charged."""
    (line,) = [record.__dict__ for record in caplog.records if record.name == "access"]
    return line


async def test_triage_answers_the_ticket_the_model_filled_in(
    client: httpx.AsyncClient, upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    upstream.replies = [answer(json.dumps(TICKET), prompt_tokens=90, completion_tokens=25)]

    response = await client.post("/triage", json={"message": MESSAGE}, headers=AUTH)

    assert response.status_code == 200
    assert response.json() == TICKET
    (sent,) = upstream.requests
    assert sent["model"] == MODEL
    assert sent["messages"][-1] == {"role": "user", "content": MESSAGE}
    output_format = sent["response_format"]["json_schema"]
    assert output_format["name"] == "Ticket"
    assert output_format["schema"]["properties"]["category"]["enum"] == ["billing", "bug", "feature_request", "other"]
    line = access_line(caplog)
    assert (line["llm_calls"], line["prompt_tokens"], line["completion_tokens"]) == (1, 90, 25)
    assert line["cost_usd"] == pytest.approx(cost(90, 25))


async def test_reply_chains_two_calls_and_the_request_is_charged_both(
    client: httpx.AsyncClient, upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    upstream.replies = [answer(json.dumps(TICKET), 90, 25), answer(REPLY, 120, 14)]

    response = await client.post("/triage/reply", json={"message": MESSAGE}, headers=AUTH)

    assert response.status_code == 200
    assert response.json() == {"ticket": TICKET, "reply": REPLY}
    _, reply_request = upstream.requests
    assert TICKET["summary"] in reply_request["messages"][0]["content"]  # the second step builds on the first
    assert reply_request["max_tokens"] == 300
    line = access_line(caplog)
    assert (line["llm_calls"], line["prompt_tokens"], line["completion_tokens"]) == (2, 210, 39)
    assert line["cost_usd"] == pytest.approx(cost(90, 25) + cost(120, 14))


async def test_a_reply_that_is_no_ticket_is_an_upstream_error_and_still_charged(
    client: httpx.AsyncClient, upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    upstream.replies = [answer(json.dumps({**TICKET, "category": "complaint"}), 90, 25)]

    response = await client.post("/triage", json={"message": MESSAGE}, headers=AUTH)

    assert response.status_code == 502
    assert response.json()["error_code"] == "UPSTREAM_ERROR"
    line = access_line(caplog)
    assert (line["llm_calls"], line["cost_usd"]) == (1, pytest.approx(cost(90, 25)))  # the model did answer


async def test_a_failed_second_step_answers_502_and_the_first_is_still_charged(
    client: httpx.AsyncClient, upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    upstream.replies = [answer(json.dumps(TICKET), 90, 25), openai_error(500, "The server had an error")]

    response = await client.post("/triage/reply", json={"message": MESSAGE}, headers=AUTH)

    assert response.status_code == 502
    assert response.json()["error_code"] == "UPSTREAM_ERROR"
    assert len(upstream.requests) == 2
    line = access_line(caplog)
    # The calls that answered: the money spent upstream.
    assert (line["llm_calls"], line["prompt_tokens"], line["completion_tokens"]) == (1, 90, 25)
    assert line["cost_usd"] == pytest.approx(cost(90, 25))


@pytest.mark.parametrize("body", [{}, {"message": ""}, {"message": 42}, {"message": "Hi", "urgent": True}])
async def test_a_malformed_request_is_refused_before_any_call(
    client: httpx.AsyncClient, upstream: FakeUpstream, body: dict[str, Any]
) -> None:
    response = await client.post("/triage", json=body, headers=AUTH)

    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"
    assert upstream.requests == []
