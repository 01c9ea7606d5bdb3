"""CPU time per request of one ASGI app, in process: no sockets, no load generator, no stub process.

The app is called directly as ASGI, and the HTTP client the SDKs use (httpx2) answers at once with the
stub's answer for the path (bench/stub_upstream.py: its completion, Anthropic message, Responses API
response or embeddings), so everything else, the SDK included, runs as in production. On a shared
machine this figure moves far less than wall-clock throughput, which makes it the one to compare
before and after a change. Run with the rendered project's Python, in the environment the service
would get (run.py does both):

    python inprocess.py my_llm_service.main:app [--path /chat] [--body JSON] [--requests 3000] [--profile out.prof]

`--status` sends one request and prints the app's status (`INPROCESS status=404` for a route it lacks).
"""

import argparse
import asyncio
import cProfile
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stub_upstream import answer

CHAT_BODY = '{"message": "Hello!", "temperature": 0.7, "max_tokens": 64}'


async def instant_send(self: httpx2.AsyncClient, request: httpx2.Request, **_: Any) -> httpx2.Response:
    found = answer(request.url.path, request.content)
    if found is None:
        return httpx2.Response(404, request=request)
    content_type, content = found
    return httpx2.Response(200, content=content, headers={"content-type": content_type.decode()}, request=request)


def scope(path: str, body: bytes) -> dict[str, Any]:
    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json"),
        (b"x-api-key", os.environ.get("BENCH_API_KEY", "").encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip


async def call(app: Any, path: str, body: bytes) -> int:
    """The app's status for one POST of `body` to `path`."""
    body_sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope(path, body), receive, send)
    return status


async def one_request(app: Any, path: str, body: bytes) -> None:
    if (status := await call(app, path, body)) != 200:
        sys.exit(f"inprocess: POST {path} answered {status}")


async def status_of(app: Any, path: str, body: bytes) -> int:
    async with app.router.lifespan_context(app):
        return await call(app, path, body)


async def measure(app: Any, path: str, body: bytes, requests: int, profile: Path | None) -> float:
    async with app.router.lifespan_context(app):
        for _ in range(500):
            await one_request(app, path, body)
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for _ in range(requests):
                await one_request(app, path, body)
            best = min(best, (time.process_time() - started) / requests)
        if profile is not None:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                await one_request(app, path, body)
            profiler.disable()
            profiler.dump_stats(profile)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", help="module:attribute of the ASGI app, e.g. my_llm_service.main:app or floor:app")
    parser.add_argument("--path", default="/chat", help="the route to POST to (default /chat)")
    parser.add_argument("--body", default=CHAT_BODY, help="the JSON body to POST (default: a /chat request)")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--profile", type=Path, help="also write a cProfile of one more batch here")
    parser.add_argument("--status", action="store_true", help="only send one request and print the app's status")
    args = parser.parse_args()
    httpx2.AsyncClient.send = instant_send  # type: ignore[method-assign]
    sys.stdout = open(os.devnull, "w")  # the service's log lines are still formatted and written
    module, _, attribute = args.app.partition(":")
    app = getattr(importlib.import_module(module), attribute)
    try:
        from uvloop import run
    except ImportError:
        from asyncio import run
    if args.status:
        print(f"INPROCESS status={run(status_of(app, args.path, args.body.encode()))}", file=sys.stderr)
        return
    seconds = run(measure(app, args.path, args.body.encode(), args.requests, args.profile))
    print(f"INPROCESS us_per_request={seconds * 1e6:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
