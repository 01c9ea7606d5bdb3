"""Render the template from this working tree (uncommitted changes included)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest

ROOT = Path(__file__).resolve().parents[1]

Render = Callable[..., Path]


@pytest.fixture
def render(tmp_path: Path) -> Render:
    """Render with the given answers (defaults for the rest) and return the project directory.

    Tasks are skipped: `uv lock` needs the network and is covered by the nox variant sessions.
    """

    def _render(dest: str = "project", **answers: Any) -> Path:
        project = tmp_path / dest
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
        return project

    return _render
