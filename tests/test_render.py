"""The default render: its file set, no leftover Jinja, the answers file, computed defaults."""

import ast
from pathlib import Path

import yaml

from .conftest import Render

DEFAULT_FILES = {
    ".copier-answers.yml",
    ".env.example",
    ".gitignore",
    ".python-version",
    "README.md",
    "pyproject.toml",
    "src/my_llm_service/__init__.py",
    "src/my_llm_service/application.py",
    "src/my_llm_service/auth.py",
    "src/my_llm_service/caller.py",
    "src/my_llm_service/config.py",
    "src/my_llm_service/deps.py",
    "src/my_llm_service/errors.py",
    "src/my_llm_service/keys.py",
    "src/my_llm_service/limiter.py",
    "src/my_llm_service/llm/__init__.py",
    "src/my_llm_service/llm/base.py",
    "src/my_llm_service/llm/fake.py",
    "src/my_llm_service/llm/openai_chat.py",
    "src/my_llm_service/llm/provider.py",
    "src/my_llm_service/llm/upstream_errors.py",
    "src/my_llm_service/logs.py",
    "src/my_llm_service/main.py",
    "src/my_llm_service/middleware.py",
    "src/my_llm_service/routes/__init__.py",
    "src/my_llm_service/routes/chat.py",
    "src/my_llm_service/routes/health.py",
    "src/my_llm_service/schemas.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/test_auth.py",
    "tests/test_chat.py",
    "tests/test_http.py",
    "tests/test_rate_limits.py",
    "tests/test_service.py",
    "tests/test_upstream_errors.py",
}


def files_of(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


def test_default_render_has_exactly_the_expected_files(render: Render) -> None:
    assert files_of(render()) == DEFAULT_FILES


def test_no_jinja_left_in_any_file(render: Render) -> None:
    project = render()
    for name in files_of(project):
        text = (project / name).read_text()
        for marker in ("{{", "{%", "%}", "{#"):
            assert marker not in text, f"{marker!r} left in {name}"


def test_python_files_parse(render: Render) -> None:
    project = render(project_name='Quote "Me" Service', description='Says "hi" and \\ escapes')
    for name in files_of(project):
        if name.endswith(".py"):
            ast.parse((project / name).read_text(), filename=name)


def test_answers_file_records_answers_and_template_source(render: Render) -> None:
    project = render(project_name="Acme Chat", model="gpt-4o")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())

    assert answers["project_name"] == "Acme Chat"
    assert answers["project_slug"] == "acme-chat"
    assert answers["package_name"] == "acme_chat"
    assert answers["model"] == "gpt-4o"
    assert answers["_src_path"]
    assert "_commit" in answers
    assert "known_model_prices" not in answers  # computed, never stored


def test_names_derive_from_project_name(render: Render) -> None:
    project = render(project_name="  Acme: Support Bot 2 ")
    assert (project / "src/acme_support_bot_2/main.py").is_file()
    assert 'name = "acme-support-bot-2"' in (project / "pyproject.toml").read_text()


def test_known_model_prices_become_defaults(render: Render) -> None:
    config = (render(model="gpt-4o") / "src/my_llm_service/config.py").read_text()
    assert "input_price_per_mtok: Annotated[float, Field(ge=0)] = 2.5" in config
    assert "output_price_per_mtok: Annotated[float, Field(ge=0)] = 10.0" in config


def test_unknown_model_prices_default_to_zero_and_can_be_answered(render: Render) -> None:
    unknown = (render("a", model="my-local-llama") / "src/my_llm_service/config.py").read_text()
    assert 'llm_model: Annotated[str, Field(min_length=1)] = "my-local-llama"' in unknown
    assert "input_price_per_mtok: Annotated[float, Field(ge=0)] = 0.0" in unknown

    answered = (
        render("b", model="my-local-llama", input_price_per_mtok=0.5) / "src/my_llm_service/config.py"
    ).read_text()
    assert "input_price_per_mtok: Annotated[float, Field(ge=0)] = 0.5" in answered


def test_python_version_answer_reaches_the_project(render: Render) -> None:
    project = render(python_version="3.13")
    assert (project / ".python-version").read_text().strip() == "3.13"
    pyproject = (project / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.13"' in pyproject
    assert 'target-version = "py313"' in pyproject
