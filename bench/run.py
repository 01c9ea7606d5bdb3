"""Load-test the floor and the rendered services against one stub upstream, and print them side by side.

Started by `nox -s bench`, which renders the projects first; by hand:

    python bench/run.py --floor-project /tmp/p --service "api_key + memory=/tmp/p" \
        [--redis-service "api_key + redis=/tmp/q"] [--budget-redis-service "redis + budget=/tmp/q"] \
        [--metrics-off-service "metrics off=/tmp/p"] [--claude-service "claude=/tmp/c"] \
        [--duration 10] [--warmup 3] [--rounds 3] [--pairs 5] [--inprocess-requests 1000] \
        [--no-load] [--route LABEL ...] [--keep-logs DIR]

Every server runs from a rendered project's own virtualenv (so the floor and the services share every
library version), one process each, on a free loopback port: the stub upstream (bench/stub_upstream.py,
answers after 50 ms), the floor (bench/floor.py) and each service as its README starts it
(`uvicorn <package>.main:app --http <package>.server:GuardedHttpProtocol`, one worker; a redis service
gets its own redis-server; a budget service is a redis service whose callers have a token limit and USD
budgets, each charged with the stub's 1,000 tokens a call; a metrics-off service runs with METRICS_ENABLED=false).
Each service is measured on /chat and, when it has them, on /chat/stream, /v1/chat/completions streamed
and not, /v1/embeddings (with text-embedding-3-small added to its LLM_MODELS; against the floor's
/embeddings, the SDK's embeddings.create), /v1/responses streamed and not (against the floor's /responses,
the SDK's responses.create; skipped with a note when the service answers 404), and a pipeline of three
LLM calls (bench/three_calls.py, copied into its pipelines/; measured against the floor's /three-calls),
a process per route; all but /chat and /v1/chat/completions in process only. `--route` keeps only the
services' routes of those labels (e.g. `--route /v1/embeddings --route "/v1/responses stream"`), with
`--no-load` only the in-process table.

Two tables. The headline: each target's CPU time per request in process (bench/inprocess.py: the app
called as ASGI, the upstream answering at once), next to the floor's in interleaved pairs (floor, then
target, `--pairs` times); the median ratio and its spread. Process CPU time, not wall time: the machine
is shared. Then throughput: wrk (its own process, one thread) at 32 connections with the stub answering
in 1 ms, where the service's CPU is the limit, and at 1 and 32 connections with a 50 ms upstream, where
the upstream caps every target at 640 req/s; interleaved rounds, the best of each figure kept.
Only the standard library is used here, so any Python 3.11+ runs this file.
"""

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
LUA_SCRIPT = BENCH_DIR / "report.lua"
BENCH_KEY = "sk-bench-0000000000000000000000000000000000000000"
UPSTREAM_DELAY_MS = 50.0
FAST_UPSTREAM_DELAY_MS = 1.0  # the CPU-bound setting: 32 connections could do 32,000 req/s
LOW, HIGH = 1, 32  # connections
STUB_CEILING_CONNECTIONS = 256


@dataclass(frozen=True)
class Route:
    """What a target is asked: the same request on every connection, and a piece its answer must hold."""

    label: str
    path: str
    body: str
    answer: str
    floor_path: str = "/chat"
    """The floor's route this one is measured against (in process)."""
    floor_body: str | None = None
    """The body POSTed to the floor's route; None: the floor's own (a /chat body)."""
    load: bool = True
    """Also measured under load (wrk); else in process only."""
    floor_in_target: bool = False
    """The floor runs from the target project's virtualenv (its route needs a library only that one has)."""
    env: dict[str, str] = field(default_factory=dict)
    """Added to the service's environment for this route."""
    optional: bool = False
    """Skipped, with a note, when the service answers 404 (a release without the route)."""


# max_tokens leaves room for the stub's 50 completion tokens (more would be a malformed reply).
CHAT_BODY = {"message": "Hello!", "temperature": 0.7, "max_tokens": 64}
V1_BODY = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Hello!"}],
    "temperature": 0.7,
    "max_tokens": 64,
}
CHAT = Route("/chat", "/chat", json.dumps(CHAT_BODY), "benchmark stub.")
V1 = Route("/v1", "/v1/chat/completions", json.dumps(V1_BODY), "benchmark stub.")
V1_STREAM = Route("/v1 stream", "/v1/chat/completions", json.dumps({**V1_BODY, "stream": True}), "data: [DONE]")
CHAT_STREAM = Route("/chat/stream", "/chat/stream", json.dumps(CHAT_BODY), "event: done", load=False)
# /chat answered by Claude (a model of provider anthropic), against the floor's AsyncAnthropic call.
CLAUDE_BODY = {"message": "Hello!", "max_tokens": 64}  # Claude takes no temperature (Anthropic's API 2026-10-21)
CLAUDE_CHAT = Route(
    "/chat on Claude", "/chat", json.dumps(CLAUDE_BODY), "benchmark stub.", "/claude", load=False, floor_in_target=True
)
# OpenAI's Embeddings API, the same body to the floor's embeddings.create call; base64, as the openai SDK asks by
# default. The default render offers no embedding model: the target's LLM_MODELS adds OpenAI's smallest.
EMBEDDINGS_BODY = json.dumps({"model": "text-embedding-3-small", "input": ["Hello!"], "encoding_format": "base64"})
EMBEDDING_MODELS = {
    "gpt-4o-mini": {"input_price_per_mtok": 0.15, "output_price_per_mtok": 0.60, "cached_input_price_per_mtok": 0.075},
    "text-embedding-3-small": {"kind": "embedding", "input_price_per_mtok": 0.02},
}
EMBEDDINGS = Route(
    "/v1/embeddings",
    "/v1/embeddings",
    EMBEDDINGS_BODY,
    '"embedding"',
    floor_path="/embeddings",
    floor_body=EMBEDDINGS_BODY,
    load=False,
    env={"LLM_MODELS": json.dumps(EMBEDDING_MODELS), "LLM_MODEL": "gpt-4o-mini"},
)
# OpenAI's Responses API, streamed and not, against the floor's responses.create; max_output_tokens leaves room
# for the stub's 50 output tokens. Optional: skipped while the service has no /v1/responses.
RESPONSES_BODY = json.dumps({"model": "gpt-4o-mini", "input": "Hello!", "temperature": 0.7, "max_output_tokens": 64})
RESPONSES = Route(
    "/v1/responses",
    "/v1/responses",
    RESPONSES_BODY,
    "benchmark stub.",
    floor_path="/responses",
    floor_body=RESPONSES_BODY,
    load=False,
    optional=True,
)
RESPONSES_STREAM_BODY = json.dumps({**json.loads(RESPONSES_BODY), "stream": True})
RESPONSES_STREAM = Route(
    "/v1/responses stream",
    "/v1/responses",
    RESPONSES_STREAM_BODY,
    "event: response.completed",
    floor_path="/responses",
    floor_body=RESPONSES_STREAM_BODY,
    load=False,
    optional=True,
)
# bench/three_calls.py, copied into the project's pipelines/: three LLM calls a request.
PIPELINE = Route(
    "3-call pipeline", "/bench/three-calls", json.dumps(CHAT_BODY), "benchmark stub.", "/three-calls", load=False
)


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    non2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    cpu_seconds: float  # CPU time the measured server process used during the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu_seconds / self.requests * 1e6 if self.requests else float("nan")


@dataclass(frozen=True)
class Result:
    name: str
    low: Load  # 1 connection, 50 ms upstream
    high: Load  # 32 connections, 50 ms upstream
    fast: Load  # 32 connections, 1 ms upstream


@dataclass(frozen=True)
class Target:
    """One app on one route, as a process serves it and as bench/inprocess.py calls it."""

    name: str
    python: str
    app: str
    cwd: Path
    env: dict[str, str]
    route: Route


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Servers:
    """Every process started here, stopped (by its own pid) on exit."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, argv: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            argv, cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(
                f"bench: {log.stem} exited with {process.returncode} before listening; see {log}:\n{log.read_text()}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    sys.exit(f"bench: {log.stem} did not listen on port {port} within {timeout:.0f} s; see {log}")


def check_answer(port: int, route: Route, name: str) -> None:
    """One request as a caller would send it; the answer must come from the stub."""
    headers = {"Content-Type": "application/json", "X-API-Key": BENCH_KEY}
    url = f"http://127.0.0.1:{port}{route.path}"
    request = urllib.request.Request(url, route.body.encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = response.read().decode()
    except urllib.error.HTTPError as exc:
        sys.exit(f"bench: POST {route.path} on port {port} answered {exc.code}: {exc.read().decode(errors='replace')}")
    if route.answer not in answer:
        sys.exit(f"bench: {name} did not answer from the stub: {answer}")


def run_wrk(port: int, connections: int, seconds: float, pid: int, *, name: str, route: Route = CHAT) -> Load:
    argv = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
        "-s", str(LUA_SCRIPT), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_API_KEY": BENCH_KEY, "BENCH_PATH": route.path, "BENCH_BODY": route.body}
    cpu_before = cpu_seconds(pid)
    output = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    cpu_used = cpu_seconds(pid) - cpu_before
    match = re.search(r"^BENCH_RESULT (.*)$", output, re.MULTILINE)
    if match is None:
        sys.exit(f"bench: no result line in wrk's output:\n{output}")
    values = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    if values["non2xx"] or values["socket_errors"] or not values["requests"]:
        sys.exit(
            f"bench: {name}: {values['non2xx']} non-2xx answers, {values['socket_errors']} socket errors "
            f"in {values['requests']} requests at {connections} connections; see the servers' logs"
        )
    return Load(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        non2xx=values["non2xx"],
        socket_errors=values["socket_errors"],
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        cpu_seconds=cpu_used,
    )


def set_upstream_delay(stub_port: int, delay_ms: float) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{stub_port}/delay/{delay_ms:g}", method="PUT")
    with urllib.request.urlopen(request, timeout=10):
        pass


def best(results: list[Result]) -> Result:
    """Best of the rounds, figure by figure: other load on the machine only ever makes a figure worse."""

    def best_load(loads: list[Load]) -> Load:
        top = max(loads, key=lambda load: load.rps)
        return Load(
            requests=top.requests,
            seconds=top.seconds,
            non2xx=0,
            socket_errors=0,
            p50_ms=min(load.p50_ms for load in loads),
            p99_ms=min(load.p99_ms for load in loads),
            cpu_seconds=min(load.cpu_seconds / load.requests for load in loads) * top.requests,
        )

    return Result(
        results[0].name,
        best_load([r.low for r in results]),
        best_load([r.high for r in results]),
        best_load([r.fast for r in results]),
    )


def status_in_process(target: Target) -> int:
    """The status of one request to the target's route, in process (404: the app has no such route)."""
    route = target.route
    argv = [target.python, str(BENCH_DIR / "inprocess.py"), target.app, "--path", route.path, "--body", route.body]
    env = {**os.environ, **target.env, "BENCH_API_KEY": BENCH_KEY}
    output = subprocess.run([*argv, "--status"], cwd=target.cwd, env=env, capture_output=True, text=True, check=False)
    match = re.search(r"^INPROCESS status=(\d+)$", output.stderr, re.MULTILINE)
    if output.returncode or match is None:
        sys.exit(f"bench: in-process request to {target.app} failed:\n{output.stderr}")
    return int(match.group(1))


def cpu_in_process(target: Target, requests: int) -> float:
    """bench/inprocess.py's figure: the app's own CPU cost per request, without sockets or other processes."""
    route = target.route
    argv = [target.python, str(BENCH_DIR / "inprocess.py"), target.app, "--path", route.path, "--body", route.body]
    argv += ["--requests", str(requests)]
    env = {**os.environ, **target.env, "BENCH_API_KEY": BENCH_KEY}
    output = subprocess.run(argv, cwd=target.cwd, env=env, capture_output=True, text=True, check=False)
    match = re.search(r"^INPROCESS us_per_request=([\d.]+)$", output.stderr, re.MULTILINE)
    if output.returncode or match is None:
        sys.exit(f"bench: in-process measurement of {target.app} failed:\n{output.stderr}")
    return float(match.group(1))


def cpu_pairs(floor: Target, targets: list[Target], pairs: int, requests: int) -> dict[str, list[tuple[float, float]]]:
    """(floor, target) CPU us per request, measured one right after the other, `pairs` times per target."""
    measured: dict[str, list[tuple[float, float]]] = {target.name: [] for target in targets}
    for pair in range(1, pairs + 1):
        for target in targets:  # interleaved, so a noisy minute hits a floor run as much as a target run
            print(f"bench: in-process pair {pair}/{pairs}: {target.name} ...", flush=True)
            floor_route = replace(
                floor.route, path=target.route.floor_path, body=target.route.floor_body or floor.route.body
            )
            python = target.python if target.route.floor_in_target else floor.python
            floor_cpu = cpu_in_process(replace(floor, route=floor_route, python=python), requests)
            measured[target.name].append((floor_cpu, cpu_in_process(target, requests)))
    return measured


def package_of(project: Path) -> str:
    match = re.search(r"^package_name:\s*(\S+)\s*$", (project / ".copier-answers.yml").read_text(), re.MULTILINE)
    if match is None:
        sys.exit(f"bench: no package_name in {project / '.copier-answers.yml'}")
    return match.group(1).strip("'\"")


def python_of(project: Path) -> str:
    python = project / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit(f"bench: {project} has no .venv; run `uv sync --locked` in it first")
    return str(python)


def start_redis(servers: Servers, workdir: Path) -> int:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        sys.exit("bench: redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    argv = [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = servers.start("redis", argv, cwd=workdir, env={})
    wait_for_port(port, process, servers.logs / "redis.log")
    return port


# High enough that no request of the run is rejected.
BENCH_TIER = {"requests_per_minute": 1_000_000_000}
# The default `pro` tier's shape (a token limit) and USD budgets, none of which a run reaches: every
# request is checked against all of them and charged to all of them.
BUDGET_TIER = {**BENCH_TIER, "tokens_per_minute": 10**15, "usd_per_day": 1e9, "usd_per_month": 1e9}
BUDGET_ENV = {"RATE_LIMIT_TIERS": json.dumps({"bench": BUDGET_TIER})}
METRICS_OFF_ENV = {"METRICS_ENABLED": "false"}
CLAUDE_MODEL = {"provider": "anthropic", "input_price_per_mtok": 1.0, "output_price_per_mtok": 5.0}
CLAUDE_ENV = {"LLM_MODELS": json.dumps({"claude-haiku-4-5": CLAUDE_MODEL}), "LLM_MODEL": "claude-haiku-4-5"}


def service_env(stub_port: int, redis_port: int | None, overrides: dict[str, str]) -> dict[str, str]:
    digest = hashlib.sha256(BENCH_KEY.encode()).hexdigest()
    env = {
        "FAKE_LLM": "false",
        "OPENAI_API_KEY": "bench",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{stub_port}/v1",
        "ANTHROPIC_API_KEY": "bench",
        "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{stub_port}",
        "API_KEYS": json.dumps({digest: {"user": "bench", "tier": "bench"}}),
        "RATE_LIMIT_TIERS": json.dumps({"bench": BENCH_TIER}),
        "DEFAULT_TIER": "bench",
        "LOG_LEVEL": "INFO",
    }
    if redis_port is not None:
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    return {**env, **overrides}


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x" if floor else "-"


def print_rows(rows: list[list[str]]) -> None:
    """A markdown table: the first two rows are the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("| " + " | ".join(cells) + " |")
        if index == 1:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def print_cpu_table(floor_name: str, pairs: dict[str, list[tuple[float, float]]]) -> None:
    rows = [
        ["", "CPU/req us", "x floor", "spread of", "floor CPU/req"],
        ["", "(median)", "(median)", "the pairs", "us (median)"],
    ]
    floor_runs = [floor for measured in pairs.values() for floor, _ in measured]
    rows.append([floor_name, f"{statistics.median(floor_runs):.0f}", "1.00x", "", ""])
    for name, measured in pairs.items():
        ratios = [target / floor for floor, target in measured]
        rows.append([
            name,
            f"{statistics.median(target for _, target in measured):.0f}",
            f"{statistics.median(ratios):.2f}x",
            f"{min(ratios):.2f}-{max(ratios):.2f}x",
            f"{statistics.median(floor for floor, _ in measured):.0f}",
        ])  # fmt: skip
    print_rows(rows)
    count = min(len(measured) for measured in pairs.values())
    print(
        f"\nCPU time per request in process (bench/inprocess.py: the app called as ASGI, the upstream answering at "
        f"once), {count} interleaved pairs of (floor, target) runs per target; x floor: the median of the pairs' "
        "ratios."
    )


def print_load_table(results: list[Result], stub: tuple[Load, Load], rounds: int) -> None:
    floor = results[0]
    rows = [
        ["", "req/s @32", "CPU/req", "req/s @32", "p50 @1", "+p50 @1", "p99 @1", "p50 @32", "p99 @32", "CPU/req"],
        ["", f"{FAST_UPSTREAM_DELAY_MS:g} ms (x floor)", "us", f"{UPSTREAM_DELAY_MS:g} ms (x)", "ms (x)", "ms",
         "ms (x)", "ms (x)", "ms (x)", "us"],
    ]  # fmt: skip
    for result in results:
        fast, low, high = result.fast, result.low, result.high
        rows.append([
            result.name,
            f"{fast.rps:.0f} ({ratio(fast.rps, floor.fast.rps)})",
            f"{fast.cpu_us_per_request:.0f}",
            f"{high.rps:.0f} ({ratio(high.rps, floor.high.rps)})",
            f"{low.p50_ms:.2f} ({ratio(low.p50_ms, floor.low.p50_ms)})",
            f"{low.p50_ms - floor.low.p50_ms:+.2f}",
            f"{low.p99_ms:.2f} ({ratio(low.p99_ms, floor.low.p99_ms)})",
            f"{high.p50_ms:.2f} ({ratio(high.p50_ms, floor.high.p50_ms)})",
            f"{high.p99_ms:.2f} ({ratio(high.p99_ms, floor.high.p99_ms)})",
            f"{high.cpu_us_per_request:.0f}",
        ])  # fmt: skip
    print_rows(rows)
    alone, ceiling = stub
    print(
        f"\nstub upstream alone ({UPSTREAM_DELAY_MS:g} ms): {alone.rps:.0f} req/s at {HIGH} connections "
        f"(ideal {HIGH * 1000 / UPSTREAM_DELAY_MS:.0f}), p50 {alone.p50_ms:.2f} ms; "
        f"ceiling {ceiling.rps:.0f} req/s at {STUB_CEILING_CONNECTIONS} connections, "
        f"{alone.cpu_us_per_request:.0f} us CPU per request"
    )
    print(
        f"Best of {rounds} interleaved round(s), figure by figure. req/s @32 {FAST_UPSTREAM_DELAY_MS:g} ms: the "
        "upstream answering in 1 ms, so the server's CPU is the limit. CPU/req: CPU time of the server process "
        "during that run (and the 32-connection 50 ms run), per request. +p50 @1: added to the floor's p50 at one "
        "connection."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the rendered services against a bare FastAPI floor.")
    parser.add_argument(
        "--floor-project", type=Path, required=True, help="a rendered project whose .venv runs the floor and the stub"
    )
    parser.add_argument("--service", action="append", default=[], metavar="NAME=DIR", help="a project to measure")
    parser.add_argument(
        "--redis-service", action="append", default=[], metavar="NAME=DIR", help="the same, with its own redis-server"
    )
    parser.add_argument(
        "--budget-redis-service",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="a redis project measured with a token limit and USD budgets",
    )
    parser.add_argument(
        "--claude-service",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="a project with Claude (extra_llm_providers=anthropic), measured on /chat answered by Claude",
    )
    parser.add_argument(
        "--metrics-off-service",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="a project measured with METRICS_ENABLED=false (/chat only)",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up before each target (default 3)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="measure every target this many times, keep the best (default 3)"
    )
    parser.add_argument(
        "--pairs", type=int, default=5, help="in-process (floor, target) pairs per target, 0 for none (default 5)"
    )
    parser.add_argument(
        "--inprocess-requests", type=int, default=1000, help="requests per in-process batch, best of 3 (default 1000)"
    )
    parser.add_argument("--no-load", action="store_true", help="only the in-process table (no wrk, no servers)")
    parser.add_argument(
        "--route",
        action="append",
        default=[],
        metavar="LABEL",
        help="measure the services only on these routes, by label: /chat, /v1, /v1 stream, /v1/embeddings, ...",
    )
    parser.add_argument("--keep-logs", type=Path, help="write the servers' logs here instead of a temporary directory")
    args = parser.parse_args()
    if shutil.which("wrk") is None and not args.no_load:
        sys.exit("bench: wrk is not installed (Debian: apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    logs = args.keep_logs or workdir
    logs.mkdir(parents=True, exist_ok=True)
    servers = Servers(logs)
    floor_python = python_of(args.floor_project)
    try:
        stub_port = free_port()
        stub_script = str(BENCH_DIR / "stub_upstream.py")
        argv = [floor_python, stub_script, "--port", str(stub_port), "--delay-ms", str(UPSTREAM_DELAY_MS)]
        stub = servers.start("stub", argv, cwd=BENCH_DIR, env={})
        wait_for_port(stub_port, stub, logs / "stub.log")

        all_targets = []
        for name, project, redis, route, overrides in targets(args):
            if project is not None and args.route and route.label not in args.route:
                continue
            if project is None:
                env = {
                    "OPENAI_BASE_URL": f"http://127.0.0.1:{stub_port}/v1",
                    "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{stub_port}",
                }
                all_targets.append(Target(name, floor_python, "floor:app", BENCH_DIR, env, route))
            else:
                redis_port = start_redis(servers, workdir) if redis else None
                env = service_env(stub_port, redis_port, {**route.env, **overrides})
                target = Target(name, python_of(project), f"{package_of(project)}.main:app", project, env, route)
                if route.optional and status_in_process(target) == 404:
                    print(f"bench: skipping {name}: POST {route.path} answered 404 (not in this release)", flush=True)
                    continue
                all_targets.append(target)
        floor, *measured = all_targets
        if not measured:
            sys.exit("bench: no service to measure (see --route)")
        pairs = cpu_pairs(floor, measured, args.pairs, args.inprocess_requests)
        if not args.no_load:
            loaded = [target for target in all_targets if target.route.load]
            results, stub_loads = load_test(loaded, servers, stub_port, stub.pid, args)
            print_load_table(results, stub_loads, args.rounds)
        if args.pairs:
            print_cpu_table(floor.name, pairs)
    finally:
        servers.stop_all()
        if args.keep_logs is None:
            shutil.rmtree(workdir, ignore_errors=True)


def load_test(
    all_targets: list[Target], servers: Servers, stub_port: int, stub_pid: int, args: argparse.Namespace
) -> tuple[list[Result], tuple[Load, Load]]:
    """Every target as a server process under wrk, in interleaved rounds; the best of each figure."""
    print(f"bench: stub upstream on port {stub_port}; measuring it alone ...", flush=True)
    run_wrk(stub_port, HIGH, args.warmup, stub_pid, name="stub", route=V1)
    stub_alone = run_wrk(stub_port, HIGH, args.duration, stub_pid, name="stub", route=V1)
    stub_ceiling = run_wrk(stub_port, STUB_CEILING_CONNECTIONS, args.duration, stub_pid, name="stub", route=V1)

    running = []  # every target runs from the start; an idle server costs nothing
    for target in all_targets:
        port = free_port()
        # One worker, uvicorn's own access log off: the service's JSON access log stays on (to a file).
        argv = [target.python, "-m", "uvicorn", target.app, "--host", "127.0.0.1", "--port", str(port)]
        argv.append("--no-access-log")
        if target.cwd != BENCH_DIR:  # a service, as its README starts it: with its own HTTP protocol
            argv += ["--http", target.app.replace(".main:app", ".server:GuardedHttpProtocol")]
        log = servers.logs / (re.sub(r"[^a-z0-9]+", "-", target.name.lower()).strip("-") + ".log")
        process = servers.start(log.stem, argv, cwd=target.cwd, env=target.env)
        wait_for_port(port, process, log)
        check_answer(port, target.route, target.name)
        running.append((target, port, process, log))

    rounds: dict[str, list[Result]] = {target.name: [] for target in all_targets}
    for round_number in range(1, args.rounds + 1):
        loads: dict[str, list[Load]] = {target.name: [] for target in all_targets}
        for delay_ms, connections in ((UPSTREAM_DELAY_MS, (LOW, HIGH)), (FAST_UPSTREAM_DELAY_MS, (HIGH,))):
            set_upstream_delay(stub_port, delay_ms)
            for target, port, process, _ in running:  # interleaved, so a noisy minute hits every target
                print(f"bench: round {round_number}/{args.rounds}, {delay_ms:g} ms: {target.name} ...", flush=True)
                run_wrk(port, HIGH, args.warmup, process.pid, name=target.name, route=target.route)  # warm-up
                for count in connections:
                    load = run_wrk(port, count, args.duration, process.pid, name=target.name, route=target.route)
                    loads[target.name].append(load)
        for name, (low, high, fast) in loads.items():
            rounds[name].append(Result(name, low, high, fast))
    set_upstream_delay(stub_port, UPSTREAM_DELAY_MS)
    for target, _, process, log in running:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        if target.cwd != BENCH_DIR:
            lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
            access = sum(1 for line in lines if line.get("logger") == "access")
            print(
                f"bench: {target.name} wrote {access} JSON access log lines for {len(lines)} lines in all", flush=True
            )
    return [best(measured) for measured in rounds.values()], (stub_alone, stub_ceiling)


def targets(args: argparse.Namespace) -> Iterator[tuple[str, Path | None, bool, Route, dict[str, str]]]:
    """The floor, then each service's /chat and, where it has them (and counts in memory), its /v1 routes
    (a process each), with the environment the service runs with beside the bench's own."""
    yield "floor (FastAPI + AsyncOpenAI)", None, False, CHAT, {}
    specs: list[tuple[str, bool, dict[str, str]]] = [
        *((spec, False, {}) for spec in args.service),
        *((spec, True, {}) for spec in args.redis_service),
        *((spec, True, BUDGET_ENV) for spec in args.budget_redis_service),
        *((spec, False, METRICS_OFF_ENV) for spec in args.metrics_off_service),
    ]
    for spec in args.claude_service:
        name, _, directory = spec.partition("=")
        yield name, Path(directory), False, CLAUDE_CHAT, CLAUDE_ENV
    for spec, redis, overrides in specs:
        name, _, directory = spec.partition("=")
        yield name, Path(directory), redis, CHAT, overrides
        if redis or overrides:
            continue
        project = Path(directory)
        routes = [*(() if answer(project, "streaming") == "false" else (CHAT_STREAM,))]
        if answer(project, "openai_compatible_api") != "false":
            routes += [V1, V1_STREAM, EMBEDDINGS, RESPONSES, RESPONSES_STREAM]
        if add_pipeline(project):
            routes.append(PIPELINE)
        for route in routes:
            yield f"{name} {route.label}", project, redis, route, overrides


def answer(project: Path, question: str) -> str | None:
    """The project's recorded answer to `question` (as written in its answers file), if any."""
    answers = (project / ".copier-answers.yml").read_text()
    found = re.search(rf"^{question}:\s*(\S+)\s*$", answers, re.MULTILINE)
    return found.group(1) if found else None


def add_pipeline(project: Path) -> bool:
    """Copy bench/three_calls.py into the project's pipelines/ (a release without pipelines has none)."""
    pipelines = project / "src" / package_of(project) / "pipelines"
    if not pipelines.is_dir():
        return False
    shutil.copyfile(BENCH_DIR / "three_calls.py", pipelines / "bench_three_calls.py")
    return True


if __name__ == "__main__":
    main()
