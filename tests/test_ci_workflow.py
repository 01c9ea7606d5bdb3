"""The template repo's CI workflow runs every variant that noxfile.py renders, and the other sessions."""

import functools
import importlib.util
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def load_noxfile() -> Any:
    """Import noxfile.py once (importing it registers its sessions with nox)."""
    spec = importlib.util.spec_from_file_location("template_noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_workflow() -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    return workflow


def job_commands(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_matrix_lists_exactly_the_variants_nox_renders() -> None:
    variants = list(load_noxfile().VARIANTS)
    matrix = load_workflow()["jobs"]["variant"]["strategy"]["matrix"]["variant"]

    expected = "".join(f"\n          - {variant}" for variant in variants)
    assert sorted(matrix) == sorted(variants), f"set jobs.variant.strategy.matrix.variant in ci.yml to:{expected}"
    assert len(matrix) == len(set(matrix))


def test_variant_job_runs_the_variant_session() -> None:
    job = load_workflow()["jobs"]["variant"]
    assert 'nox -s "variant-${{ matrix.variant }}"' in job_commands(job)


def test_template_tests_lint_and_update_have_jobs() -> None:
    jobs = load_workflow()["jobs"]
    commands = [command for job in jobs.values() for command in job_commands(job)]

    assert "nox -s template_tests lint" in commands
    assert "nox -s update" in commands
    # The update test starts from the newest older release tag: the checkout needs tags.
    checkout = next(step for step in jobs["update"]["steps"] if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0


def test_every_default_nox_session_is_run_by_some_job() -> None:
    """What `nox` runs by default (the CI entry point's command) runs on GitHub too."""
    noxfile = load_noxfile()
    sessions = {name for name, func in noxfile.nox.registry.get().items() if func.default}
    jobs = load_workflow()["jobs"]
    commands = " ".join(command for job in jobs.values() for command in job_commands(job))

    assert {f"variant-{variant}" for variant in noxfile.VARIANTS} <= sessions
    others = {session for session in sessions if not session.startswith("variant-")}
    assert {"template_tests", "lint", "update"} <= others
    for session in others:
        assert session in commands, f"no CI job runs nox -s {session}"
