"""What each LLM and API option renders, and what it must leave out."""

from pathlib import Path

import pytest
import yaml

from .conftest import Render
from .test_render import DEFAULT_FILES, files_of

PKG = "src/my_llm_service"
STREAMING_FILES = {
    f"{PKG}/routes/chat_stream.py",
    "tests/test_chat_stream.py",
    "tests/test_shutdown.py",
}
OPENAI_API_FILES = {
    f"{PKG}/routes/openai_api.py",
    f"{PKG}/v1/__init__.py",
    f"{PKG}/v1/schemas.py",
    "tests/test_openai_api.py",
    "tests/test_openai_embeddings.py",
    "tests/test_openai_responses.py",
    "tests/test_v1_bodies.py",
    "tests/support/model.py",
    "tests/support/responses_model.py",
    "tests/support/served.py",
}


def no_bearer_but_the_operators(project: Path) -> None:
    """With X-API-Key and no /v1, only the operators' routes take `Authorization: Bearer`."""
    sources = [path for path in (project / "src").rglob("*.py") if path.name != "admin_auth.py"]
    assert not any("Bearer" in path.read_text() for path in sources)


def text_of(project: Path) -> str:
    return "\n".join(
        (project / name).read_text() for name in sorted(files_of(project)) if name != ".copier-answers.yml"
    )


def test_minimal_renders_no_streaming_and_no_v1(render: Render) -> None:
    project = render(streaming=False, openai_compatible_api=False)

    assert files_of(project) == DEFAULT_FILES - STREAMING_FILES - OPENAI_API_FILES
    source = text_of(project / "src")
    # Pipelines may stream, and llm.openai_client() speaks OpenAI's format, in every render.
    for trace in ("/chat/stream", "v1.schemas", "ChatCompletionCall", "EventSource", "authenticate_openai"):
        assert trace not in source, trace
    no_bearer_but_the_operators(project)
    readme = (project / "README.md").read_text()
    assert "/chat/stream" not in readme
    assert "/v1" not in readme


def test_streaming_only(render: Render) -> None:
    project = render(openai_compatible_api=False)

    assert files_of(project) == DEFAULT_FILES - OPENAI_API_FILES
    source = text_of(project / "src")
    assert "open_chat_stream" in source
    assert "v1.schemas" not in source
    no_bearer_but_the_operators(project)


def test_v1_only_relays_streams_without_the_chat_stream_code(render: Render) -> None:
    project = render(streaming=False)

    assert files_of(project) == DEFAULT_FILES - STREAMING_FILES
    source = text_of(project / "src")
    assert "chat_completion_events(stream" in source
    for trace in ("open_chat_stream", "Delta(", "ServerSentEvent"):
        assert trace not in source, trace
    assert "/chat/stream" not in (project / "README.md").read_text()


@pytest.mark.parametrize(
    ("provider", "present", "absent"),
    [
        ("openai", ["openai.AsyncOpenAI(", "OPENAI_API_KEY"], ["Azure", "AZURE_", "EMPTY"]),
        (
            "azure_openai",
            ["openai.AsyncAzureOpenAI(", "AZURE_OPENAI_ENDPOINT", "openai_api_version"],
            ["settings.openai_api_key", "openai_base_url", "EMPTY", "azure_deployment", "azure_openai_deployment"],
        ),
        (
            "openai_compatible",
            [
                "openai.AsyncOpenAI(",
                'openai_base_url: Annotated[str, Field(min_length=1)] = "http://localhost:11434/v1"',
            ],
            ["Azure", "AZURE_"],
        ),
    ],
)
def test_each_provider_renders_only_its_client(
    render: Render, provider: str, present: list[str], absent: list[str]
) -> None:
    project = render(llm_provider=provider)

    assert files_of(project) == DEFAULT_FILES
    source = text_of(project / "src")
    for text in present:
        assert text in source, text
    for text in absent:
        assert text not in source, text


def test_compatible_server_url_and_model(render: Render) -> None:
    project = render(llm_provider="openai_compatible", llm_base_url="http://gpu-box:8000/v1")

    config = text_of(project / "src")
    assert 'openai_base_url: Annotated[str, Field(min_length=1)] = "http://gpu-box:8000/v1"' in config
    assert 'DEFAULT_MODEL = "llama3.2"' in config  # the provider's default
    assert "    input_price_per_mtok=0.0,\n" in config
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["llm_base_url"] == "http://gpu-box:8000/v1"
    assert "http://gpu-box:8000/v1" in (project / "README.md").read_text()


def test_azure_deployment_defaults_to_the_model(render: Render) -> None:
    """Each model's deployment is its upstream_model, else its name: by default, the `model` answer."""
    config = text_of(render(llm_provider="azure_openai", model="gpt-4o") / "src")
    assert 'DEFAULT_MODEL = "gpt-4o"' in config
    assert "    input_price_per_mtok=2.5,\n" in config


def test_api_key_scheme_reads_bearer_only_for_v1(render: Render) -> None:
    with_v1 = (render("a") / f"{PKG}/auth.py").read_text()
    assert "HTTPBearer" in with_v1
    assert "authenticate_openai_client" in with_v1
    without_v1 = (render("b", openai_compatible_api=False) / f"{PKG}/auth.py").read_text()
    assert "HTTPBearer" not in without_v1
    assert "Bearer" not in (render("c", openai_compatible_api=False) / f"{PKG}/deps.py").read_text()
