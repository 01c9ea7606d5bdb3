"""The benchmark harness's own pieces that can be checked without wrk or a rendered project."""

import array
import base64
import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/ is a directory of scripts, not a package)


@pytest.fixture
def stub_port() -> Iterator[int]:
    port = run.free_port()
    stub = subprocess.Popen(
        [sys.executable, str(BENCH / "stub_upstream.py"), "--port", str(port), "--delay-ms", "50"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the stub did not listen"
                time.sleep(0.05)
        yield port
    finally:
        stub.terminate()
        stub.wait(timeout=10)


def test_stub_answers_chat_completions_on_one_keep_alive_connection(stub_port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stub_port, timeout=5)
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]})
    for _ in range(2):  # the second request reuses the connection, as the SDK's pool does
        connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        completion = json.loads(response.read())
        assert response.status == 200
        assert completion["choices"][0]["message"]["content"] == "Hello from the benchmark stub."
        assert completion["usage"] == {"prompt_tokens": 950, "completion_tokens": 50, "total_tokens": 1000}
    connection.request("POST", "/v1/files", "{}")
    assert connection.getresponse().status == 404
    connection.close()


def test_stub_answers_embeddings_in_the_encoding_asked(stub_port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stub_port, timeout=5)
    replies = {}
    for encoding in ("base64", "float"):
        body = json.dumps({"model": "text-embedding-3-small", "input": ["Hi"], "encoding_format": encoding})
        connection.request("POST", "/v1/embeddings", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200
        replies[encoding] = json.loads(response.read())
    connection.close()
    vector = array.array("f", base64.b64decode(replies["base64"]["data"][0]["embedding"]))
    assert len(vector) == 1536
    assert replies["float"]["data"][0]["embedding"] == vector.tolist()
    assert replies["float"]["usage"] == {"prompt_tokens": 950, "total_tokens": 950}


def test_stub_answers_the_responses_api_whole_and_streamed(stub_port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stub_port, timeout=5)
    body = {"model": "gpt-4o-mini", "input": "Hi", "max_output_tokens": 64}
    connection.request("POST", "/v1/responses", json.dumps(body), {"Content-Type": "application/json"})
    response = json.loads(connection.getresponse().read())
    assert (response["object"], response["status"]) == ("response", "completed")
    assert response["output"][0]["content"][0]["text"] == "Hello from the benchmark stub."
    assert (response["usage"]["input_tokens"], response["usage"]["output_tokens"]) == (950, 50)

    connection.request(
        "POST", "/v1/responses", json.dumps({**body, "stream": True}), {"Content-Type": "application/json"}
    )
    answer = connection.getresponse()
    assert answer.getheader("content-type") == "text/event-stream"
    events = [block.split("\n") for block in answer.read().decode().split("\n\n") if block]
    connection.close()
    data = [json.loads(line.removeprefix("data: ")) for _, line in events]
    assert [kind.removeprefix("event: ") for kind, _ in events] == [event["type"] for event in data]
    assert [event["sequence_number"] for event in data] == list(range(len(data)))
    assert data[0]["type"] == "response.created"
    assert data[-1]["type"] == "response.completed"
    assert data[-1]["response"]["usage"] == response["usage"]
    deltas = "".join(event["delta"] for event in data if event["type"] == "response.output_text.delta")
    assert deltas == "Hello from the benchmark stub."


def test_best_of_rounds_keeps_each_figure_at_its_best() -> None:
    def load(requests: int, p50: float, p99: float, cpu: float) -> run.Load:
        return run.Load(requests, 10.0, 0, 0, p50, p99, cpu)

    rounds = [
        run.Result("svc", load(190, 53.0, 60.0, 0.5), load(5000, 60.0, 150.0, 10.0), load(3000, 90.0, 99.0, 6.0)),
        run.Result("svc", load(180, 52.0, 70.0, 0.6), load(6000, 62.0, 140.0, 9.0), load(4000, 80.0, 98.0, 9.0)),
    ]

    best = run.best(rounds)

    assert (best.high.rps, best.high.p50_ms, best.high.p99_ms) == (600.0, 60.0, 140.0)
    assert best.high.cpu_us_per_request == pytest.approx(1500.0)  # 9 s / 6000 requests
    assert (best.low.p50_ms, best.low.p99_ms) == (52.0, 60.0)
    assert best.fast.rps == 400.0
    assert best.fast.cpu_us_per_request == pytest.approx(2000.0)  # the best of 6 s / 3000 and 9 s / 4000


def test_stub_takes_a_new_delay_and_keeps_answering(stub_port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stub_port, timeout=5)
    connection.request("PUT", "/delay/1")
    answer = connection.getresponse()
    assert (answer.status, answer.read()) == (204, b"")
    run.set_upstream_delay(stub_port, 0)  # as run.py does it, on a connection of its own
    connection.request("POST", "/v1/chat/completions", "{}", {"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["choices"][0]["message"]["content"] == "Hello from the benchmark stub."
    connection.close()


def test_cpu_table_gives_the_median_ratio_of_the_pairs_and_their_spread(capsys: pytest.CaptureFixture[str]) -> None:
    run.print_cpu_table("floor", {"svc": [(100.0, 120.0), (200.0, 220.0), (100.0, 150.0)]})

    rows = {line.split("|")[1].strip(): line for line in capsys.readouterr().out.splitlines() if line.startswith("|")}
    cells = [cell.strip() for cell in rows["svc"].split("|")[2:-1]]
    assert cells == ["150", "1.20x", "1.10-1.50x", "100"]
    assert [cell.strip() for cell in rows["floor"].split("|")[2:4]] == ["100", "1.00x"]
