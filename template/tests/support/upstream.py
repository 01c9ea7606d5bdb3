"""The fake upstream the tests use: replies.py's Upstream, with streamed.py's StreamedReplies."""

from dataclasses import dataclass

from .replies import MODEL, Upstream, completion_body, openai_error
from .streamed import StreamedReplies

__all__ = ["MODEL", "FakeUpstream", "completion_body", "openai_error"]


@dataclass
class FakeUpstream(StreamedReplies, Upstream):
    """Bind the app to it with `http_client()`."""
