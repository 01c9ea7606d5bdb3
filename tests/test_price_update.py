"""`copier update` and the price table: table prices follow the template, answered prices stay."""

import os
import shutil
import subprocess
from pathlib import Path

import copier
import pytest

from .conftest import ROOT

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A copy of this template as its own git repo, tagged v1."""
    repo = tmp_path / "template"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".git", ".nox", ".venv", "__pycache__", "*_cache"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "v1")
    git(repo, "tag", "v1")
    return repo


def generate(template: Path, project: Path, **answers: object) -> None:
    copier.run_copy(str(template), project, data=answers, defaults=True, unsafe=True, skip_tasks=True, quiet=True)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "generated")


def test_update_follows_the_table_for_known_models_and_keeps_answers(template: Path, tmp_path: Path) -> None:
    known, unknown = tmp_path / "known", tmp_path / "unknown"
    generate(template, known, model="gpt-4o-mini")
    generate(template, unknown, model="my-llama", input_price_per_mtok=0.5, output_price_per_mtok=1.5)

    # v2 of the template corrects the table's price of gpt-4o-mini and of nothing else.
    copier_yml = template / "copier.yml"
    table = copier_yml.read_text()
    copier_yml.write_text(table.replace("gpt-4o-mini: [0.15, 0.60, 0.075]", "gpt-4o-mini: [0.2, 0.8, 0.1]"))
    git(template, "commit", "-qam", "v2")
    git(template, "tag", "v2")

    for project in (known, unknown):
        copier.run_update(project, defaults=True, overwrite=True, unsafe=True, skip_tasks=True, quiet=True)

    known_config = (known / "src/my_llm_service/llm/settings.py").read_text()
    assert "    input_price_per_mtok=0.2,\n    output_price_per_mtok=0.8,\n" in known_config
    assert "    cached_input_price_per_mtok=0.1,\n" in known_config
    unknown_config = (unknown / "src/my_llm_service/llm/settings.py").read_text()
    assert "    input_price_per_mtok=0.5,\n    output_price_per_mtok=1.5,\n" in unknown_config
    assert "    cached_input_price_per_mtok=None,\n" in unknown_config
