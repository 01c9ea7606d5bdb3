"""An OpenAI-compatible upstream for the benchmark: POST /v1/chat/completions answers after a fixed delay
(and POST /v1/messages, Anthropic's, and POST /v1/responses, OpenAI's Responses API, with the same
answer; POST /v1/embeddings with one embedding).

Plain asyncio (uvloop when installed) and HTTP/1.1 keep-alive, no framework: it must cost far less per
request than anything it is compared against, so that it is never the bottleneck. `run.py` measures it
alone and prints its ceiling. It reads nothing from the request but the path, the headers, the body
length and whether the body asks for a stream (or for base64 embeddings), and always sends the same
answer for a path: the same completion (streamed: the same text in chunks, then the usage chunk), the
same response (streamed: Responses API events, the text in the same pieces, ending with
response.completed and its usage; no [DONE]), the same embedding of 1,536 numbers (base64 when asked,
as the openai SDK does by default, else floats), whatever the input. `PUT /delay/<ms>` sets the delay
of every later answer (run.py switches between a 50 ms upstream and a 1 ms one, where the service's
CPU is the limit).

    python stub_upstream.py --port 8600 [--delay-ms 50]
"""

import argparse
import array
import asyncio
import base64
import json
from typing import Any

# A realistic size (about 1,000 tokens a call), so that a per-token cost in a token limit would show.
USAGE = {"prompt_tokens": 950, "completion_tokens": 50, "total_tokens": 1000}
TEXT = "Hello from the benchmark stub."
PIECES = ("Hello from", " the benchmark", " stub.")  # TEXT, as a stream sends it

COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": TEXT},
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
    + b"".join(_chunk([{"index": 0, "delta": {"content": piece}, "finish_reason": None}]) for piece in PIECES)
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
        "content": [{"type": "text", "text": TEXT}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": USAGE["prompt_tokens"], "output_tokens": USAGE["completion_tokens"]},
    }
).encode()


# The same answer from OpenAI's Responses API (POST /v1/responses): a `response` object, with the
# same usage under the Responses API's names.
RESPONSE_USAGE = {
    "input_tokens": USAGE["prompt_tokens"],
    "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
    "output_tokens": USAGE["completion_tokens"],
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": USAGE["total_tokens"],
}
OUTPUT_TEXT = {"type": "output_text", "annotations": [], "logprobs": [], "text": TEXT}
OUTPUT_MESSAGE = {
    "id": "msg_bench",
    "type": "message",
    "status": "completed",
    "role": "assistant",
    "content": [OUTPUT_TEXT],
}


def _response_object(status: str, output: list[object], usage: object) -> dict[str, Any]:
    return {
        "id": "resp_bench",
        "object": "response",
        "created_at": 1_700_000_000,
        "status": status,
        "background": False,
        "completed_at": 1_700_000_001 if status == "completed" else None,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": "gpt-4o-mini",
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "service_tier": "default",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": usage,
        "user": None,
        "metadata": {},
    }


RESPONSE_OBJECT = json.dumps(_response_object("completed", [OUTPUT_MESSAGE], RESPONSE_USAGE)).encode()


def _response_events() -> bytes:
    """A Responses API stream of the same answer: `event: <type>` and `data: <event>` for each event."""
    at = {"item_id": OUTPUT_MESSAGE["id"], "output_index": 0, "content_index": 0}
    in_progress = _response_object("in_progress", [], None)
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": in_progress},
        {"type": "response.in_progress", "response": in_progress},
        {"type": "response.output_item.added", "output_index": 0,
         "item": {**OUTPUT_MESSAGE, "status": "in_progress", "content": []}},
        {"type": "response.content_part.added", **at, "part": {**OUTPUT_TEXT, "text": ""}},
        *({"type": "response.output_text.delta", **at, "delta": piece, "logprobs": []} for piece in PIECES),
        {"type": "response.output_text.done", **at, "text": TEXT, "logprobs": []},
        {"type": "response.content_part.done", **at, "part": OUTPUT_TEXT},
        {"type": "response.output_item.done", "output_index": 0, "item": OUTPUT_MESSAGE},
        {"type": "response.completed", "response": _response_object("completed", [OUTPUT_MESSAGE], RESPONSE_USAGE)},
    ]  # fmt: skip
    numbered = ({"type": event["type"], "sequence_number": number, **event} for number, event in enumerate(events))
    return b"".join(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode() for event in numbered)


RESPONSE_STREAM = _response_events()

# An embeddings reply (POST /v1/embeddings): one vector of text-embedding-3-small's 1,536 dimensions,
# whatever the input, as base64 (little-endian float32, as OpenAI sends it) or as floats.
_VECTOR = array.array("f", [((index * 7919) % 2001 - 1000) / 40_000 for index in range(1536)])


def _embeddings(embedding: object) -> bytes:
    return json.dumps(
        {
            "object": "list",
            "data": [{"object": "embedding", "index": 0, "embedding": embedding}],
            "model": "text-embedding-3-small",
            "usage": {"prompt_tokens": USAGE["prompt_tokens"], "total_tokens": USAGE["prompt_tokens"]},
        }
    ).encode()


EMBEDDINGS_BASE64 = _embeddings(base64.b64encode(_VECTOR.tobytes()).decode())
EMBEDDINGS_FLOATS = _embeddings(_VECTOR.tolist())


def asks_for_messages(path: str) -> bool:
    return path.endswith("/v1/messages")


def asks_for_stream(body: bytes) -> bool:
    return b'"stream":true' in body or b'"stream": true' in body


def asks_for_base64(body: bytes) -> bool:
    return b'"encoding_format":"base64"' in body or b'"encoding_format": "base64"' in body


def answer(path: str, body: bytes) -> tuple[bytes, bytes] | None:
    """The content type and body of the stub's answer to a POST of `body` to `path`; None: not found."""
    if path.endswith("/chat/completions"):
        return (b"text/event-stream", STREAM) if asks_for_stream(body) else (b"application/json", COMPLETION)
    if asks_for_messages(path):
        return b"application/json", MESSAGE
    if path.endswith("/responses"):
        if asks_for_stream(body):
            return b"text/event-stream", RESPONSE_STREAM
        return b"application/json", RESPONSE_OBJECT
    if path.endswith("/embeddings"):
        return b"application/json", EMBEDDINGS_BASE64 if asks_for_base64(body) else EMBEDDINGS_FLOATS
    return None


def _response(content_type: bytes, body: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: " + content_type + b"\r\ncontent-length: " + str(len(body)).encode()
    return head + b"\r\n\r\n" + body


# Every answer as whole HTTP responses, made once: by the answer's body (the same object every time).
HTTP_RESPONSES = {
    body: _response(content_type, body)
    for content_type, body in [
        (b"application/json", COMPLETION),
        (b"text/event-stream", STREAM),
        (b"application/json", MESSAGE),
        (b"application/json", RESPONSE_OBJECT),
        (b"text/event-stream", RESPONSE_STREAM),
        (b"application/json", EMBEDDINGS_BASE64),
        (b"application/json", EMBEDDINGS_FLOATS),
    ]
}

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
            method, _, rest = request_line.partition(b" ")
            found = answer(rest.split(b" ", 1)[0].split(b"?", 1)[0].decode(), body) if method == b"POST" else None
            response = NOT_FOUND if found is None else HTTP_RESPONSES[found[1]]
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
