"""Render the template from this working tree (uncommitted changes included)."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest

ROOT = Path(__file__).resolve().parents[1]

Render = Callable[..., Path]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[dict[str, Any]], Path]:
    """A project rendered with the given answers, once per set of answers and test process (copier
    is most of these tests' time); tests read copies of it (`render`), never the render itself."""
    projects: dict[str, Path] = {}

    def _rendered(answers: dict[str, Any]) -> Path:
        key = json.dumps(answers, sort_keys=True, default=str)
        if key not in projects:
            project = tmp_path_factory.mktemp("rendered") / "project"
            copier.run_copy(
                str(ROOT),
                project,
                data=answers,
                defaults=True,
                unsafe=True,
                skip_tasks=True,
                quiet=True,
                vcs_ref="HEAD",
            )
            projects[key] = project
        return projects[key]

    return _rendered


@pytest.fixture
def render(tmp_path: Path, rendered: Callable[[dict[str, Any]], Path]) -> Render:
    """Render with the given answers (defaults for the rest) and return the project directory, the
    test's own copy.

    Tasks are skipped: `uv lock` needs the network and is covered by the nox variant sessions.
    """

    def _render(dest: str = "project", **answers: Any) -> Path:
        project = tmp_path / dest
        shutil.copytree(rendered(answers), project, symlinks=True)
        return project

    return _render
