"""Build the configured LLM client once, at start-up."""

import openai

from ..config import Settings
from .base import LLMClient
from .fake import FakeLLM
from .openai_chat import OpenAIChat


def create_client(settings: Settings) -> openai.AsyncOpenAI:
    assert settings.openai_api_key is not None  # Settings requires it unless FAKE_LLM is on
    return openai.AsyncOpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_seconds,
        max_retries=0,
    )


def create_llm(settings: Settings) -> LLMClient:
    if settings.fake_llm:
        return FakeLLM(settings.llm_model)
    return OpenAIChat(
        create_client(settings),
        model=settings.llm_model,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )
