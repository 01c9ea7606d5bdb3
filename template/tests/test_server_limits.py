"""The server's own limits (SPEC §14), against a real uvicorn with the service's protocol."""

import socket
from collections.abc import Iterator

import pytest

from .support.credentials import AUTH
from .support.server import UVICORN, free_port, running_server

# Short limits keep the test fast; a client that is not cut off fails the socket's own deadline.
HEADER_TIMEOUT_SECONDS = 1
BODY_TIMEOUT_SECONDS = 1
DEADLINE_SECONDS = 10


@pytest.fixture(scope="module")
def server_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    env = {"HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT_SECONDS), "BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT_SECONDS)}
    with running_server([*UVICORN, "--port", str(port)], port, cwd=tmp_path_factory.mktemp("server"), env=env):
        yield port


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_SECONDS)


def read_all(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or the deadline fails the test)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_headers_over_16_kib_get_431_and_the_connection_closed(server_port: int) -> None:
    """The client may still be sending when the 431 is written: what it sends is read and dropped, so its
    writes do not fail and the answer reaches it, then the end of the stream (never a reset)."""
    with connect(server_port) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 8 * 1024 * 1024 + b"\r\n\r\n")
        answer = read_all(connection)

    assert answer.startswith(b"HTTP/1.1 431 ")
    assert answer.endswith(b'"error_code":"HEADERS_TOO_LARGE","details":null}')


@pytest.mark.parametrize("size", [17_000, 20_000, 100_000])
def test_headers_over_16_kib_sent_in_one_write_get_431(server_port: int, size: int) -> None:
    """All the headers in one read: the parser has them whole before the service sees them (a 20 KB JWT, say)."""
    with connect(server_port) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + b"a" * size + b"\r\n\r\n")
        answer = read_all(connection)

    assert answer.startswith(b"HTTP/1.1 431 ")
    assert answer.endswith(b'"error_code":"HEADERS_TOO_LARGE","details":null}')


def test_a_body_sent_with_its_headers_is_not_counted_as_headers(server_port: int) -> None:
    body = b"a" * 40_000
    with connect(server_port) as connection:
        connection.sendall(
            b"POST /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        answer = read_all(connection)

    assert answer.startswith(b"HTTP/1.1 405 ")


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connects and says nothing
        b"GET /health HTTP/1.1\r\nHost: t\r\n",  # headers never finished
        # from an admitted caller: /chat reads its body once the caller is admitted (else it answers at once)
        b"POST /chat HTTP/1.1\r\nHost: t\r\n%sContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        % b"".join(b"%s: %s\r\n" % (name.encode(), value.encode()) for name, value in AUTH.items()),
    ],
    ids=["idle", "slow-headers", "slow-body"],
)
def test_slow_clients_are_cut_off(server_port: int, sent: bytes) -> None:
    with connect(server_port) as connection:
        connection.sendall(sent)
        assert read_all(connection) == b""  # closed, well before the deadline


def test_requests_within_the_limits_are_served_on_one_connection(server_port: int) -> None:
    with connect(server_port) as connection:
        for _ in range(2):
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Fill: " + b"a" * 15000 + b"\r\n\r\n")
            answer = b""
            while not answer.endswith(b"}"):
                answer += connection.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200 OK")
            assert answer.endswith(b'{"status":"ok"}')
