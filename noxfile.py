"""The template's checks: render variants and run each one's own lint, types and tests.

`nox` runs every default session; `nox -l` lists them; `nox -s variant-jwt-redis` runs one.
The variants are every auth_scheme x limiter_backend pair, read from copier.yml's choices,
so a new choice there is a new session here (and in CI's matrix, which calls them one by one).
"""

import itertools
import shutil
import tempfile
from pathlib import Path

import nox
import yaml

ROOT = Path(__file__).parent
nox.options.default_venv_backend = "uv"
nox.options.error_on_external_run = True
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.12"
COPIER = "copier>=9.19"

MATRIX = ("auth_scheme", "limiter_backend")


def choices(question: str) -> list[str]:
    """The answers copier.yml offers for a question (its choices map labels to values)."""
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())[question]
    offered = spec["choices"]
    return [str(value) for value in (offered.values() if isinstance(offered, dict) else offered)]


# Variant id -> answers. Every other answer takes its default.
VARIANTS: dict[str, dict[str, str]] = {
    "-".join(combination): dict(zip(MATRIX, combination, strict=True))
    for combination in itertools.product(*(choices(question) for question in MATRIX))
}


def render(session: nox.Session, answers: dict[str, str], dest: Path) -> None:
    """Render the working tree (uncommitted changes included) into dest."""
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    # vcs_ref HEAD: copier then renders the dirty working tree, not the newest tag.
    session.run("copier", "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", *data, str(ROOT), str(dest))


def check_rendered(session: nox.Session, project: Path) -> None:
    """The rendered project's own checks, as its README tells a developer to run them."""
    session.chdir(project)
    uv = ("uv", "run", "--locked")
    session.run("uv", "sync", "--locked", external=True)
    session.run(*uv, "ruff", "check", ".", external=True)
    session.run(*uv, "ruff", "format", "--check", ".", external=True)
    session.run(*uv, "mypy", external=True)
    session.run(*uv, "pytest", "-q", external=True)


def _variant_session(variant: str, answers: dict[str, str], *, default: bool = True) -> None:
    @nox.session(name=f"variant-{variant}", python=PYTHON, tags=["variants"] if default else [], default=default)
    def _(session: nox.Session) -> None:
        session.install(COPIER)
        workdir = Path(tempfile.mkdtemp(prefix=f"variant-{variant}-"))
        try:
            render(session, answers, workdir / "project")
            check_rendered(session, workdir / "project")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


# Short names for projects that are also matrix entries; not run twice by `nox`.
SHORT_NAMES: dict[str, dict[str, str]] = {
    "default": {},  # all defaults
    "bearer": {"auth_scheme": "bearer", "limiter_backend": "memory"},
    "jwt": {"auth_scheme": "jwt", "limiter_backend": "memory"},
    "none": {"auth_scheme": "none", "limiter_backend": "memory"},
}

for _variant, _answers in VARIANTS.items():
    _variant_session(_variant, _answers)
for _variant, _answers in SHORT_NAMES.items():
    _variant_session(_variant, _answers, default=False)


@nox.session(python=PYTHON)
def template_tests(session: nox.Session) -> None:
    """The template's own tests: rendering, validators, file sets, answers file."""
    session.install(COPIER, "pytest>=8.3", "pyyaml>=6")
    session.run("pytest", "-q", "tests", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff on the template's own Python (noxfile, tests)."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", "noxfile.py", "tests")
    session.run("ruff", "format", "--check", "noxfile.py", "tests")
