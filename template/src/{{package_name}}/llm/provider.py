"""The configured provider's adapter, built once at start-up (or the offline fake)."""

import httpx2

from .client import create_client
from .fake import FakeAdapter
from .openai_adapter import OpenAIAdapter
from .port import Provider
from .settings import LLMSettings


def create_llm(settings: LLMSettings, http_client: httpx2.AsyncClient | None = None) -> Provider:
    """`http_client` replaces the SDK's own (tests pass one bound to a fake upstream)."""
    if settings.fake_llm:
        return FakeAdapter()
    return OpenAIAdapter(
        create_client(settings, timeout=settings.llm_timeout_seconds, http_client=http_client),
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )
