"""An OpenAI-compatible upstream for the benchmark: POST /v1/chat/completions answers after a fixed delay
(and POST /v1/messages, Anthropic's, with the same answer).

Plain asyncio (uvloop when installed) and HTTP/1.1 keep-alive, no framework: it must cost far less per
request than anything it is compared against, so that it is never the bottleneck. `run.py` measures it
alone and prints its ceiling. It reads nothing from the request but the headers, the body length and
whether the body asks for a stream, and always sends the same completion (streamed: the same text in
chunks, then the usage chunk). `PUT /delay/<ms>` sets the delay of every later answer (run.py switches
between a 50 ms upstream and a 1 ms one, where the service's CPU is the limit).

    python stub_upstream.py --port 8600 [--delay-ms 50]
"""

import argparse
import asyncio
import json

# A realistic size (about 1,000 tokens a call), so that a per-token cost in a token limit would show.
USAGE = {"prompt_tokens": 950, "completion_tokens": 50, "total_tokens": 1000}

COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello from the benchmark stub."},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": USAGE,
    }
).encode()


def _chunk(choices: list[object], usage: object = None) -> bytes:
    chunk = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "gpt-4o-mini",
        "choices": choices,
        "usage": usage,
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


STREAM = (
    _chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    + b"".join(
        _chunk([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
        for piece in ("Hello from", " the benchmark", " stub.")
    )
    + _chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}])
    + _chunk([], USAGE)
    + b"data: [DONE]\n\n"
)

# The same answer from Anthropic's Messages API (POST /v1/messages), for the Claude targets.
MESSAGE = json.dumps(
    {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": "Hello from the benchmark stub."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": USAGE["prompt_tokens"], "output_tokens": USAGE["completion_tokens"]},
    }
).encode()


def asks_for_messages(path: str) -> bool:
    return path.endswith("/v1/messages")


def _response(content_type: bytes, body: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: " + content_type + b"\r\ncontent-length: " + str(len(body)).encode()
    return head + b"\r\n\r\n" + body


RESPONSE = _response(b"application/json", COMPLETION)
STREAM_RESPONSE = _response(b"text/event-stream", STREAM)
MESSAGE_RESPONSE = _response(b"application/json", MESSAGE)


def asks_for_stream(body: bytes) -> bool:
    return b'"stream":true' in body or b'"stream": true' in body


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


class StubProtocol(asyncio.Protocol):
    """Parses requests one after another on a connection; each answer goes out `delay` seconds later."""

    delay = 0.05  # seconds, for every connection; `PUT /delay/<ms>` changes it

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # uvloop's transports are not asyncio.Transport instances

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end]
            body_length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    body_length = int(value)
            request_end = head_end + 4 + body_length
            if len(self.buffer) < request_end:
                return
            body, self.buffer = self.buffer[head_end + 4 : request_end], self.buffer[request_end:]
            request_line = head.split(b"\r\n", 1)[0]
            if request_line.startswith(b"PUT /delay/"):
                StubProtocol.delay = float(request_line.split()[1].rsplit(b"/", 1)[1]) / 1000
                self._answer(NO_CONTENT)
                continue
            ok = request_line.startswith(b"POST ") and b"/chat/completions " in request_line
            response = (STREAM_RESPONSE if asks_for_stream(body) else RESPONSE) if ok else NOT_FOUND
            if request_line.startswith(b"POST ") and b"/v1/messages " in request_line:
                response = MESSAGE_RESPONSE
            asyncio.get_running_loop().call_later(self.delay, self._answer, response)

    def _answer(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)  # type: ignore[attr-defined]


async def serve(host: str, port: int, delay: float) -> None:
    StubProtocol.delay = delay
    loop = asyncio.get_running_loop()
    server = await loop.create_server(StubProtocol, host, port, backlog=1024)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=50.0)
    args = parser.parse_args()
    try:
        import uvloop  # optional: the rendered projects install it with uvicorn[standard]
    except ImportError:
        asyncio.run(serve(args.host, args.port, args.delay_ms / 1000))
    else:
        uvloop.run(serve(args.host, args.port, args.delay_ms / 1000))


if __name__ == "__main__":
    main()
