"""Streams that would outlast the server's graceful shutdown end first, as a stream failing part-way does.

On SIGTERM (or Ctrl-C) uvicorn stops accepting connections and gives open requests its
`--timeout-graceful-shutdown` seconds; then it cancels them, and a stream cut that way would stop
mid-body with no last event, no access line and nothing charged. So on the same signal the service
sets its own deadline, a moment before uvicorn's, and ends the streams still open then: each gets its
`error` event (`SHUTTING_DOWN`; in OpenAI's format, the error chunk), its access line, and the charge
of what it delivered. A stream ends at its next chunk: one whose upstream has gone silent is still
cut by uvicorn.

The grace period is uvicorn's own setting, read from the server whose signal handler this one wraps;
under another server (or none, in tests) nothing is scheduled.
"""

import asyncio
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .llm.errors import ServerStoppingError
from .service_llm import ServiceLLM

# Left of uvicorn's grace period for a stream's last event, its charge and its access line.
MARGIN_SECONDS = 1.0
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def streams_end_before_the_grace_period(llm: ServiceLLM) -> Iterator[None]:
    """While open: the stop signals, still handled by the server, also end `llm`'s open streams
    MARGIN_SECONDS before the server's grace period does."""
    previous = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    grace = _grace_seconds(previous[signal.SIGTERM])
    if grace is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    scheduled = False

    def end_streams_later() -> None:
        loop.call_later(max(0.0, grace - MARGIN_SECONDS), llm.interrupt_streams, ServerStoppingError())

    def on_signal(sig: int, frame: FrameType | None) -> None:
        nonlocal scheduled
        handler = previous[signal.Signals(sig)]
        if callable(handler):
            handler(sig, frame)
        if not scheduled:
            scheduled = True
            loop.call_soon_threadsafe(end_streams_later)  # safe from a signal handler, which may run mid-loop

    for sig in _SIGNALS:
        signal.signal(sig, on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _grace_seconds(handler: object) -> float | None:
    """uvicorn's --timeout-graceful-shutdown, when `handler` is a uvicorn server's (None: it waits for ever)."""
    config = getattr(getattr(handler, "__self__", None), "config", None)
    grace = getattr(config, "timeout_graceful_shutdown", None)
    return float(grace) if isinstance(grace, int | float) else None
