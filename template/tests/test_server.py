"""`fastapi dev` for development: the app found through pyproject.toml, served, and stopped."""

import os
import shutil
import signal
import sys
from pathlib import Path

import httpx

from .support.server import free_port, running_server

PROJECT = Path(__file__).resolve().parents[1]


def test_fastapi_dev_serves_the_app(tmp_path: Path) -> None:
    """`fastapi dev` (`make dev`) finds the app through [tool.fastapi] in pyproject.toml, and stops on SIGTERM."""
    # The project's pyproject.toml without its .env (or anything else to reload on).
    shutil.copy(PROJECT / "pyproject.toml", tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "fastapi", "dev", "--port", str(port)]
    with running_server(command, port, cwd=tmp_path) as process:
        assert httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=15) == 0
