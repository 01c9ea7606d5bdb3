"""The port every provider adapter meets: OpenAI's request shapes in (Chat Completions, Embeddings,
Responses), a reply or a stream out.

Requests are Chat Completions bodies (OpenAI's wire format is the lingua franca the routes, the
pipelines and /v1 speak); an adapter translates them into its provider's own API and its replies back.
The service adds behaviour around any adapter by wrapping it (observed.py), never inside it.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .completion import Completion
from .models import Target
from .stream import LLMStream
from .usage import Usage

ChatBody = dict[str, Any]
"""A Chat Completions request body: `messages` and any parameter; `model` is the adapter's to set."""
EmbeddingsBody = dict[str, Any]
"""An Embeddings request body: `input` and any parameter; `model` is the adapter's to set."""
ResponsesBody = dict[str, Any]
"""A Responses API request body: `input`, `instructions` and any parameter; `model` is the adapter's to set."""


def named(raw: bytes, raw_model: str | None, model: str) -> bytes:
    """A JSON reply `raw` (whose `model` is `raw_model`), naming `model` instead."""
    if raw_model == model:
        return raw
    reply = json.loads(raw)
    reply["model"] = model
    return json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class Reply:
    """A whole reply: what it says, and its body in OpenAI's shape (a `chat.completion`, or a `response`
    of the Responses API)."""

    completion: Completion
    raw: bytes | Callable[[], bytes]
    """The JSON as the upstream sent it; or, for a reply in another shape, what writes it in OpenAI's (only
    when asked: /chat and the pipelines read `completion` alone)."""
    raw_model: str | None = None
    """`model` in `raw`."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """The upstream's response headers (the HTTP edge chooses which to pass on)."""

    def body(self) -> bytes:
        """`raw`, naming the model by its configured name (never the upstream's)."""
        raw = self.raw if isinstance(self.raw, bytes) else self.raw()
        return named(raw, self.raw_model, self.completion.model)


@dataclass(frozen=True, slots=True)
class Embeddings:
    """An embeddings reply: one vector per input, and its body in OpenAI's shape."""

    vectors: list[list[float] | str]
    """Each input's vector, in order (base64 text when the request asked for `encoding_format: base64`)."""
    model: str
    """The configured name of the model that answered."""
    usage: Usage
    raw: bytes
    raw_model: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def body(self) -> bytes:
        return named(self.raw, self.raw_model, self.model)


class Provider(Protocol):
    async def chat(self, target: Target, body: ChatBody) -> Reply:
        """A whole reply to `body`, from `target`'s model; raises an LLMError (llm/errors.py)."""
        ...

    async def chat_stream(self, target: Target, body: ChatBody) -> LLMStream:
        """The reply to `body` as it is written: returns once the first chunk is in (until then, a
        failure raises as `chat`'s does); later failures raise from the stream."""
        ...

    async def embed(self, target: Target, body: EmbeddingsBody) -> Embeddings:
        """The embeddings of `body["input"]`, from `target`'s (embedding) model."""
        ...

    async def respond(self, target: Target, body: ResponsesBody) -> Reply:
        """A whole `response` of the Responses API (ProviderLacksAPIError from a provider without it)."""
        ...

    async def respond_stream(self, target: Target, body: ResponsesBody) -> LLMStream:
        """A `response` as it is written: its events (`response.created`, ..., `response.completed`), once
        the first is in."""
        ...

    async def aclose(self) -> None: ...


def max_completion_tokens(body: ChatBody) -> int | None:
    """The most completion tokens `body` allows, if it sets a limit."""
    return _limit(body.get("max_completion_tokens") or body.get("max_tokens"))


def max_output_tokens(body: ResponsesBody) -> int | None:
    """The most output tokens (reasoning included) a Responses body allows, if it sets a limit."""
    return _limit(body.get("max_output_tokens"))


def _limit(limit: object) -> int | None:
    return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None
