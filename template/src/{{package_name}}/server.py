"""The HTTP server's own limits (SPEC §14), which uvicorn has no setting for.

uvicorn caps neither the size of a request's headers nor the time a client may take to send
them or its body: a client could hold a connection, and memory, for as long as it likes. This
protocol (uvicorn's httptools one, with those limits) closes such connections. Start uvicorn
with `--http {package}.server:GuardedHttpProtocol`; MAX_HEADER_BYTES, HEADER_TIMEOUT_SECONDS and
BODY_TIMEOUT_SECONDS set the limits. Everything here runs on the event loop without blocking it.

Which client a request comes from is uvicorn's to say, before this protocol's requests reach the app:
behind a proxy, FORWARDED_ALLOW_IPS (`--forwarded-allow-ips`) names the proxies whose X-Forwarded-For
it believes (README, "Behind a proxy"). The limits here are per connection, whoever the client is.
"""

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .errors import ApiError, ErrorCode, error_body
from .main import settings

# After a 431, how long what the client is still sending is read and dropped before the connection closes.
LINGER_SECONDS = 2.0


class GuardedHttpProtocol(HttpToolsProtocol):
    """Headers over MAX_HEADER_BYTES get 431; headers not in after HEADER_TIMEOUT_SECONDS (counted from
    the connection, then from each request's first byte) or a body not in BODY_TIMEOUT_SECONDS after
    its headers: the connection is closed (the app sees a disconnect and drops the request).

    Header bytes are counted twice over, because the parser keeps a header to itself until it ends:
    as they arrive (headers still unfinished when a read ends), and as the parser hands them over
    (headers that arrived whole in one read, which the request would otherwise reach the app with)."""

    _reading_headers = True
    _arrived_header_bytes = 0
    _parsed_header_bytes = 0
    _refused = False
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._set_deadline(settings.header_timeout_seconds)

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_deadline(None)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering after the 431 (_answer_431): read and dropped
        if self._reading_headers:
            self._arrived_header_bytes += len(data)
        super().data_received(data)
        if self._reading_headers and self._arrived_header_bytes > settings.max_header_bytes:
            self._refused = True
        if self._refused:
            self._answer_431()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:
            self._set_deadline(settings.header_timeout_seconds)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._count_parsed(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._count_parsed(len(name) + len(value) + len(b": \r\n"))

    def on_headers_complete(self) -> None:
        # Refused: the rest of what was read is parsed into nothing, and no request reaches the app.
        if self._refused:
            return
        self._reading_headers = False
        self._set_deadline(settings.body_timeout_seconds)
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._set_deadline(None)
        self._reading_headers = True
        self._arrived_header_bytes = self._parsed_header_bytes = 0
        super().on_message_complete()

    def _count_parsed(self, size: int) -> None:
        self._parsed_header_bytes += size
        if self._parsed_header_bytes > settings.max_header_bytes:
            self._refused = True  # answered once the parser is done with this read (data_received)

    def _set_deadline(self, seconds: float | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None if seconds is None else self.loop.call_later(seconds, self._cut_off)

    def _cut_off(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _answer_431(self) -> None:
        """Answer 431, then half-close and read (and drop) what the client is still sending for a moment:
        closing with unread bytes would reset the connection, and a client still writing its headers
        would lose the answer with it."""
        if self.transport.is_closing():
            return  # the parser met an error in the rest of the read and uvicorn answered 400
        message = f"Request headers exceed {settings.max_header_bytes} bytes"
        body = error_body("", ApiError(431, ErrorCode.HEADERS_TOO_LARGE, message))
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
        )
        self.transport.write_eof()
        self._set_deadline(LINGER_SECONDS)
