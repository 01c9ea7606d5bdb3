"""The CHANGELOG's newest section names every setting and module of a generated project that moved
to another file since the last release (or was retired), so that an owner whose edit an update
leaves facing an emptied block knows where it belongs."""

import ast
import re
import subprocess
from pathlib import Path
from typing import Any

import copier
import pytest

from .conftest import ROOT, Render

# v0.2.0, by its commit: the release a clone without tags (which still has the history) compares with.
V0_2_0_COMMIT = "60252f89ef3ea92cc98bd997e793402d3a3be5f7"

VARIANTS = {
    "default": {},
    "jwt-redis": {"auth_scheme": "jwt", "limiter_backend": "redis"},
    "none-none": {"auth_scheme": "none", "limiter_backend": "none"},
    "bearer-azure": {"auth_scheme": "bearer", "llm_provider": "azure_openai"},
}


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def last_release() -> str:
    """The newest release tag that is not the checked-out commit; in a clone without tags, v0.2.0's commit."""
    head = git("rev-parse", "HEAD").strip()
    for tag in git("tag", "--list", "v[0-9]*.[0-9]*.[0-9]*", "--sort=-v:refname").split():
        if git("rev-list", "-n", "1", tag).strip() != head:
            return tag
    return V0_2_0_COMMIT


def package_of(project: Path) -> Path:
    (package,) = (project / "src").iterdir()
    return package


def modules_of(project: Path) -> set[str]:
    package = package_of(project)
    return {str(path.relative_to(package)) for path in package.rglob("*.py")}


def settings_of(project: Path) -> dict[str, str]:
    """Each setting's environment variable -> the module whose settings class (a class named *Settings) has it."""
    package = package_of(project)
    found = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Settings"):
                for statement in node.body:
                    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                        if statement.target.id != "model_config":
                            found[statement.target.id.upper()] = str(path.relative_to(package))
    return found


def moved_entries() -> list[str]:
    """The bullets of the "Moved" section of the CHANGELOG's newest release section, each on one line."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    newest = re.split(r"^## ", changelog, flags=re.MULTILINE)[1]
    moved = re.search(r"^### Moved\n(.*?)(?=^### |\Z)", newest, flags=re.MULTILINE | re.DOTALL)
    assert moved is not None, "no Moved section in the newest release"
    return [" ".join(bullet.split()) for bullet in re.split(r"^- ", moved[1], flags=re.MULTILINE)[1:]]


@pytest.mark.parametrize("answers", VARIANTS.values(), ids=VARIANTS.keys())
def test_moved_names_every_setting_and_module_that_moved_since_the_last_release(
    render: Render, tmp_path: Path, answers: dict[str, Any]
) -> None:
    released = tmp_path / "released"
    copier.run_copy(
        str(ROOT), released, data=answers, defaults=True, unsafe=True, skip_tasks=True, quiet=True,
        vcs_ref=last_release(),
    )  # fmt: skip
    now = render(**answers)
    entries = moved_entries()
    before, after = settings_of(released), settings_of(now)
    assert "MAX_REQUEST_BYTES" in before  # the settings were found

    for name, module in before.items():
        if name not in after:  # retired: the entry says what took its place
            assert any(f"`{name}`" in entry for entry in entries), f"{name} ({module}) is retired, and not in Moved"
        elif after[name] != module:
            where = f"{name}: {module} -> {after[name]}"
            assert any(f"`{name}`" in entry and f"`{after[name]}`" in entry for entry in entries), where
    for module in modules_of(released) - modules_of(now):
        assert any(f"`{module}`" in entry for entry in entries), f"{module} is gone, and not in Moved"
