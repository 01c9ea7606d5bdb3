"""Models (SPEC §11): LLM_MODELS and LLM_MODEL, the model a request names, fallbacks, and their prices."""

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from .support.credentials import AUTH
from .support.metrics import metric_value
from .support.service import REQUIRED_ENV, start_up_error
from .support.upstream import MODEL, FakeUpstream, openai_error

# MODEL falls back to "backup" (sent upstream as "backup-2025"), then to "last"; each has its own prices.
MODELS: dict[str, Any] = {
    MODEL: {"input_price_per_mtok": 0.5, "output_price_per_mtok": 1.0, "fallbacks": ["backup", "last"]},
    "backup": {"input_price_per_mtok": 2.0, "output_price_per_mtok": 8.0, "upstream_model": "backup-2025"},
    "last": {"input_price_per_mtok": 1.0, "output_price_per_mtok": 4.0},
}


def sent_models(upstream: FakeUpstream) -> list[str]:
    return [request["model"] for request in upstream.requests]


async def test_the_model_a_request_names_answers_at_its_prices(make_client: Any, upstream: FakeUpstream) -> None:
    client = await make_client(llm_models=MODELS)

    response = await client.post("/chat", json={"message": "Hi", "model": "backup"}, headers=AUTH)

    assert response.status_code == 200
    assert response.json()["model"] == "backup"  # the configured name, never the upstream's
    assert response.headers["x-llm-model"] == "backup"
    assert response.json()["cost_usd"] == round((12 * 2.0 + 3 * 8.0) / 1e6, 8)
    assert sent_models(upstream) == ["backup-2025"]


async def test_no_model_named_is_the_default(make_client: Any, upstream: FakeUpstream) -> None:
    client = await make_client(llm_models={**MODELS, "other": MODELS["last"]}, llm_model="other")

    response = await client.post("/chat", json={"message": "Hi"}, headers=AUTH)

    assert (response.status_code, response.json()["model"], response.headers["x-llm-model"]) == (200, "other", "other")
    assert sent_models(upstream) == ["other"]


async def test_an_unknown_model_is_404(make_client: Any, upstream: FakeUpstream) -> None:
    client = await make_client(llm_models=MODELS)

    response = await client.post("/chat", json={"message": "Hi", "model": "gpt-9"}, headers=AUTH)

    assert response.status_code == 404
    body = response.json()
    assert body["error_code"] == "MODEL_NOT_FOUND"
    assert set(body) == {"error", "error_code", "details"}
    assert "'gpt-9'" in body["error"]
    assert upstream.requests == []


@pytest.mark.parametrize("failure", [503, 500, 429, "connection"])
async def test_transient_failures_fall_back_in_order(
    make_client: Any, upstream: FakeUpstream, failure: int | str
) -> None:
    """Each model in turn, after its own retries; the answer is the fallback's, at its prices."""
    client = await make_client(llm_models=MODELS, llm_max_retries=1)

    def failed() -> Any:
        return openai_error(failure, "down") if isinstance(failure, int) else httpx2.ConnectError("reset")

    # 502, 503 and connection errors are retried, once (LLM_MAX_RETRIES=1), before the next model; 429s never.
    tries = 2 if failure in (503, "connection") else 1
    upstream.replies = [failed() for _ in range(2 * tries)]

    response = await client.post("/chat", json={"message": "Hi"}, headers=AUTH)

    assert response.status_code == 200
    assert sent_models(upstream) == [MODEL] * tries + ["backup-2025"] * tries + ["last"]
    assert response.json()["model"] == "last"
    assert response.headers["x-llm-model"] == "last"
    assert response.json()["cost_usd"] == round((12 * 1.0 + 3 * 4.0) / 1e6, 8)
    text = (await client.get("/metrics")).text
    assert metric_value(text, "llm_fallbacks_total", **{"from": MODEL, "to": "backup"}) == 1
    assert metric_value(text, "llm_fallbacks_total", **{"from": "backup", "to": "last"}) == 1
    assert metric_value(text, "llm_fallbacks_total") == 2
    assert metric_value(text, "llm_requests_total", model="last", outcome="ok") == 1
    assert metric_value(text, "llm_requests_total", model="backup", outcome="ok") == 0
    assert metric_value(text, "llm_tokens_total", model="last", kind="prompt") == 12
    assert metric_value(text, "llm_tokens_total", model=MODEL) == 0
    assert metric_value(text, "llm_cost_usd_total", model="last") == pytest.approx(24 / 1e6)


async def test_the_last_failure_answers_when_every_model_fails(make_client: Any, upstream: FakeUpstream) -> None:
    client = await make_client(llm_models=MODELS, llm_max_retries=0)
    upstream.replies = [
        openai_error(503, "down"),
        openai_error(503, "down"),
        openai_error(429, "slow down", {"Retry-After": "7"}),
    ]

    response = await client.post("/chat", json={"message": "Hi"}, headers=AUTH)

    assert (response.status_code, response.json()["error_code"]) == (429, "UPSTREAM_RATE_LIMITED")
    assert response.headers["retry-after"] == "7"
    assert "x-llm-model" not in response.headers
    assert sent_models(upstream) == [MODEL, "backup-2025", "last"]


@pytest.mark.parametrize("status", [400, 422, 401, 404])
async def test_a_rejection_is_never_tried_on_another_model(
    make_client: Any, upstream: FakeUpstream, status: int
) -> None:
    """The request's own fault (400, 422), or this service's configuration (401, 404): another model won't mend it."""
    client = await make_client(llm_models=MODELS)
    upstream.replies = [openai_error(status, "no")]

    response = await client.post("/chat", json={"message": "Hi"}, headers=AUTH)

    assert response.status_code == (400 if status in (400, 422) else 502)
    assert sent_models(upstream) == [MODEL]
    text = (await client.get("/metrics")).text
    assert metric_value(text, "llm_fallbacks_total") == 0


async def test_one_deadline_for_the_whole_chain(make_client: Any, upstream: FakeUpstream) -> None:
    """A model that uses up LLM_TIMEOUT_SECONDS leaves nothing for its fallbacks: 504 at once."""
    client = await make_client(llm_models=MODELS, llm_timeout_seconds=0.3)
    upstream.delay = 5.0

    response = await client.post("/chat", json={"message": "Hi"}, headers=AUTH)

    assert (response.status_code, response.json()["error_code"]) == (504, "UPSTREAM_TIMEOUT")
    assert sent_models(upstream) == [MODEL]


@pytest.mark.parametrize(
    ("models", "default", "named"),
    [
        (MODELS, "gpt-9", "LLM_MODEL 'gpt-9' is not in LLM_MODELS"),
        ({"a": {**MODELS["last"], "fallbacks": ["b"]}}, "a", "'a' falls back to 'b', which is not in LLM_MODELS"),
        ({"a": {**MODELS["last"], "fallbacks": ["a"]}}, "a", "'a' lists itself or a model twice"),
        ({"a": {"input_price_per_mtok": 1.0}}, "a", "LLM_MODELS"),
        ({}, "a", "LLM_MODELS"),
    ],
)
def test_bad_models_stop_start_up(models: Any, default: str, named: str, tmp_path: Path) -> None:
    env = {**REQUIRED_ENV, "LLM_MODELS": json.dumps(models), "LLM_MODEL": default}
    assert named in start_up_error(env, tmp_path)
