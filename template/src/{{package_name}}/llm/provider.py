"""Build the configured LLM client once, at start-up."""

import httpx2

from .base import LLMClient
from .client import create_client
from .fake import FakeLLM
from .openai_chat import OpenAIChat
from .settings import LLMSettings


def create_llm(settings: LLMSettings, http_client: httpx2.AsyncClient | None = None) -> LLMClient:
    """`http_client` replaces the SDK's own (tests pass one bound to a fake upstream)."""
    if settings.fake_llm:
        return FakeLLM(settings.llm_model)
    return OpenAIChat(
        create_client(settings, timeout=settings.llm_timeout_seconds, http_client=http_client),
        model=settings.llm_model,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )
