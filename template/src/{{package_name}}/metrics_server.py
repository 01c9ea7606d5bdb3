"""/metrics on a port of its own (METRICS_PORT), away from the port the API is served on.

A port of its own can be kept from the API's clients: a Kubernetes Service that publishes only the
API's port, a NetworkPolicy that lets only Prometheus reach this one. The server is the standard
library's, in a thread of each worker process: a scrape may read every worker's files. Every
worker of `uvicorn --workers N` binds the port (SO_REUSEPORT): the kernel hands each scrape to one
of them, and any one answers for all.
"""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIEnvironment

from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import Metrics


class _MetricsHttpServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_port = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """A scrape is not worth a log line."""


@asynccontextmanager
async def metrics_served_on(port: int, metrics: Metrics) -> AsyncIterator[None]:
    """GET /metrics on `port`, every interface, until the context ends."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["PATH_INFO"] != "/metrics" or environ["REQUEST_METHOD"] not in {"GET", "HEAD"}:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
            return [b"Not Found"]
        body = metrics.exposition()
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
        return [body]

    server = make_server("0.0.0.0", port, app, server_class=_MetricsHttpServer, handler_class=_QuietHandler)  # noqa: S104
    thread = threading.Thread(target=server.serve_forever, name="metrics-server", daemon=True)
    thread.start()
    try:
        yield
    finally:
        await asyncio.to_thread(server.shutdown)  # returns once serve_forever has stopped
        server.server_close()
