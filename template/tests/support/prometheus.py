"""A real Prometheus (the `prometheus` binary on PATH) scraping a server of the tests, and its HTTP API."""

import asyncio
import json
import math
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

from .server import free_port

# Fast, so that a test waits little for the scrape after its traffic (Prometheus itself takes about
# 5 s to start scraping a new target).
SCRAPE_INTERVAL = "500ms"
WAIT_SECONDS = 30


class Prometheus:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def query(self, expr: str) -> list[Any]:
        """The instant vector `expr` evaluates to now (its samples, labels and value)."""
        response = await self._client.get("/api/v1/query", params={"query": expr})
        assert response.status_code == 200, f"{expr}: {response.text}"
        result: list[Any] = response.json()["data"]["result"]
        return result

    async def values(self, expr: str) -> list[float]:
        """The finite values `expr` evaluates to now (a ratio of nothing, NaN, left out)."""
        return [value for sample in await self.query(expr) if math.isfinite(value := float(sample["value"][1]))]

    async def wait_for(self, expr: str, value: float) -> None:
        """Wait until `expr` evaluates to `value` alone: say, until a scrape has seen the traffic sent so far."""
        for _ in range(WAIT_SECONDS * 5):
            if await self.values(expr) == [value]:
                return
            await asyncio.sleep(0.2)
        pytest.fail(f"{expr} is not {value} after {WAIT_SECONDS} s: {await self.query(expr)}")

    async def rules(self) -> list[Any]:
        """The rules Prometheus loaded, as it reads them (name, query, duration, annotations, health)."""
        response = await self._client.get("/api/v1/rules")
        return [rule for group in response.json()["data"]["groups"] for rule in group["rules"]]


@asynccontextmanager
async def running_prometheus(
    directory: Path, job: str, target: str, rule_files: list[Path]
) -> AsyncIterator[Prometheus]:
    """Prometheus scraping `target` (host:port) as job `job` every second, with `rule_files` loaded."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is not on PATH: the dashboard and alerts are checked against a real Prometheus")
    config = {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": [{"job_name": job, "static_configs": [{"targets": [target]}]}],
    }
    (directory / "prometheus.yml").write_text(json.dumps(config))  # JSON is YAML too
    port = free_port()
    command = [
        binary,
        f"--config.file={directory / 'prometheus.yml'}",
        f"--storage.tsdb.path={directory / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--log.level=warn",
    ]
    log = directory / "prometheus.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(*command, cwd=directory, stdout=output, stderr=output)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            await _ready(client, process, log)
            yield Prometheus(client)
    finally:
        process.terminate()
        await process.wait()


async def _ready(client: httpx.AsyncClient, process: asyncio.subprocess.Process, log: Path) -> None:
    for _ in range(WAIT_SECONDS * 10):
        if process.returncode is not None:
            _fail("prometheus exited early", log)
        try:
            if (await client.get("/-/ready")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    _fail(f"prometheus was not ready in {WAIT_SECONDS} s", log)


def _fail(reason: str, log: Path) -> NoReturn:
    pytest.fail(f"{reason}:\n{log.read_text()}")
