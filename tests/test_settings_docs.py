"""Every setting a rendered service reads is listed in its .env.example and in its README's settings table."""

import ast
import itertools
import re
from pathlib import Path

import pytest

from .conftest import Render

VARIANTS = {
    "default": {},
    "jwt-redis": {"auth_scheme": "jwt", "limiter_backend": "redis"},
    "bearer-none-azure": {"auth_scheme": "bearer", "limiter_backend": "none", "llm_provider": "azure_openai"},
    "none-memory-compatible": {"auth_scheme": "none", "llm_provider": "openai_compatible"},
}


def settings_of(project: Path) -> set[str]:
    """The environment variable of every field of every settings class (a class named *Settings)."""
    names = set()
    for path in (project / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Settings"):
                for statement in node.body:
                    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                        if statement.target.id != "model_config":
                            names.add(statement.target.id.upper())
    return names


def readme_table_of(project: Path) -> set[str]:
    """The variables the README's settings table names in its first column."""
    readme = (project / "README.md").read_text()
    first_cells = re.findall(r"^\| ([^|]+)\|", readme, re.MULTILINE)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z_]+)`", cell)}


def env_example_of(project: Path) -> set[str]:
    text = (project / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


@pytest.mark.parametrize("answers", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_setting_is_documented(render: Render, answers: dict[str, str]) -> None:
    project = render(**answers)
    settings = settings_of(project)
    assert "MAX_REQUEST_BYTES" in settings  # the parser found the settings

    assert settings - readme_table_of(project) == set()
    assert settings - env_example_of(project) == set()


@pytest.mark.parametrize("answers", VARIANTS.values(), ids=VARIANTS.keys())
def test_env_example_comments_each_setting_on_the_line_above(render: Render, answers: dict[str, str]) -> None:
    """A comment on a setting's own line would be part of its value in a Secret (`kubectl create secret
    --from-env-file` takes the rest of the line), so each one stands on the line above."""
    lines = (render(**answers) / ".env.example").read_text().splitlines()
    setting = re.compile(r"^#? ?[A-Z][A-Z0-9_]+=")
    for above, line in itertools.pairwise(lines):
        if setting.match(line):
            assert "#" not in line.split("=", 1)[1], f"a comment on the line of a setting: {line}"
            assert above.startswith("# "), f"no comment above: {line}"
            assert not setting.match(above), f"no comment above: {line}"
