"""`copier update` from an older version of this template to the working tree (`nox -s update`).

Each test renders a project from the older version, commits it, changes it as its owner would,
runs `copier update --vcs-ref HEAD` as the generated README tells them to, and asserts that:
- no conflict marker and no .rej file is left;
- the owner's edits are kept;
- the template's changes arrived: the result equals a fresh render of the working tree with the
  same answers and the same edits (so every new file, changed line and removed file is checked);
- the updated project's own ruff, mypy and pytest pass.
The conflict tests instead edit the lines the template changed, and assert that the update names
every file left to resolve and re-locks uv.lock only when pyproject.toml parses.
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# The commit tagged v0.1.0, the first release. Used only when the clone has no older release tag
# (a checkout without tags); it must then at least have the history.
FIRST_RELEASE_COMMIT = "e3cb0b371a3ca60230b93d81fe9d01d12a513a9b"
PACKAGE = "my_llm_service"

pytestmark = pytest.mark.update

Edit = Callable[[Path], None]


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits need an identity; CI machines may have none configured."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Service Owner")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "owner@example.com")


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    # Without nox's environment variables, which would make uv sync the project into nox's venv.
    env = {key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed in {cwd}:\n{result.stdout}\n{result.stderr}"
    return result


def git(cwd: Path, *args: str) -> str:
    return run(cwd, "git", *args).stdout


def copier(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(cwd, sys.executable, "-m", "copier", *args)


def older_version() -> str:
    """The newest release tag that is not the checked-out commit, else the first release's commit."""
    head = git(ROOT, "rev-parse", "HEAD").strip()
    for tag in git(ROOT, "tag", "--list", "v[0-9]*.[0-9]*.[0-9]*", "--sort=-v:refname").split():
        if git(ROOT, "rev-list", "-n", "1", tag).strip() != head:
            return tag
    has_commit = subprocess.run(["git", "cat-file", "-e", f"{FIRST_RELEASE_COMMIT}^{{commit}}"], cwd=ROOT, check=False)
    assert has_commit.returncode == 0, "no release tag and no history: fetch tags (git fetch --tags)"
    return FIRST_RELEASE_COMMIT


def project_files(project: Path) -> set[str]:
    """What the project's git would track: its .gitignore keeps out .venv and caches."""
    listed = git(project, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    return {name for name in listed if name and (project / name).exists()}


def answers_of(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def generate(project: Path, version: str, template: Path = ROOT, **answers: str) -> None:
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    copier(ROOT, "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", version, *data, str(template), str(project))
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", f"Generated from the template at {version}")


def update(project: Path, conflict: str = "inline") -> str:
    """What the generated README tells the owner to run, with HEAD (the working tree) as the version.

    Returns what Copier and the migrations printed (stderr, then stdout)."""
    result = copier(project, "update", "--trust", "--defaults", "--conflict", conflict, "--vcs-ref", "HEAD")
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr + result.stdout


def assert_migrations_print_no_source(output: str) -> None:
    """Copier echoes each migration's command: a script's path and arguments, not its source."""
    commands = [line for line in output.splitlines() if " > Running task " in line]
    assert commands, output
    for command in commands:
        assert "migrations/" in command, command
        assert "import " not in command, command


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new))


# The owner's edits: a route module of their own (with its test, wired into main.py), a changed
# default in a setting, and an added dependency.
GREETING_ROUTE = '''"""The owner's own route, added after the project was generated."""

from fastapi import APIRouter

router = APIRouter(tags=["greeting"])


@router.get("/greeting/{name}")
async def greeting(name: str) -> dict[str, str]:
    return {"greeting": f"Hello, {name}!"}
'''

GREETING_TEST = f'''"""The owner's test of their own route."""

import httpx
from fastapi import FastAPI

from {PACKAGE}.routes import greeting


async def test_greeting() -> None:
    app = FastAPI()
    app.include_router(greeting.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/greeting/Ada")
    assert response.status_code == 200
    assert response.json() == {{"greeting": "Hello, Ada!"}}
'''

WIRING = "app = create_app(settings)\napp.include_router(greeting.router)\n"
# An owner's note beside a setting (not a new default: the project's own test holds .env.example to the defaults).
BODY_LIMIT_NOTE = "    # Our uploader sends up to 128 KiB: MAX_REQUEST_BYTES=131072 in the deployment.\n"
BODY_LIMIT_LINE = "    max_request_bytes: Annotated[int, Field(gt=0)] = 65536\n"
ADDED_DEPENDENCY = '"humanize>=4.9",'


def add_greeting_route(project: Path) -> None:
    (project / f"src/{PACKAGE}/routes/greeting.py").write_text(GREETING_ROUTE)
    (project / "tests/test_greeting.py").write_text(GREETING_TEST)
    main = project / f"src/{PACKAGE}/main.py"
    replace_once(
        main,
        "from .logs import configure_logging\n",
        "from .logs import configure_logging\nfrom .routes import greeting\n",
    )
    replace_once(main, "app = create_app(settings)\n", WIRING)


def note_body_limit(project: Path) -> None:
    replace_once(project / f"src/{PACKAGE}/config.py", BODY_LIMIT_LINE, BODY_LIMIT_NOTE + BODY_LIMIT_LINE)


def add_dependency(project: Path) -> None:
    """At the top of the list: the template changes the list's end (this release drops `limits`, which
    was last), and an owner's line appended there would meet that change in a conflict (the update
    names it, see the conflict tests below)."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    start = text.index("dependencies = [\n") + len("dependencies = [\n")
    pyproject.write_text(f"{text[:start]}    {ADDED_DEPENDENCY}\n{text[start:]}")


OWNER_EDITS: list[Edit] = [add_greeting_route, note_body_limit, add_dependency]


def assert_no_conflicts(project: Path) -> None:
    leftovers = sorted(
        name
        for name in project_files(project) | set(git(project, "ls-files", "--others", "-z").split("\0"))
        if name.endswith((".rej", ".orig"))
    )
    assert not leftovers, f"conflict files left: {leftovers}"
    for name in project_files(project):
        for number, line in enumerate((project / name).read_text(errors="replace").splitlines(), 1):
            assert not line.startswith(("<<<<<<< ", ">>>>>>> ", "<<<<<<<\t")), f"conflict marker at {name}:{number}"


# The example pipeline and its test: rendered by `copier copy` alone (copier.yml's _exclude on
# update), so an update never brings them to a project that does not have them.
EXAMPLE = f"src/{PACKAGE}/pipelines/triage.py"
EXAMPLE_TEST = "tests/pipelines/test_triage.py"


def assert_equals_fresh_render(project: Path, tmp_path: Path, edits: list[Edit], rendered_before: set[str]) -> None:
    """The updated project is what the working tree renders today with the same answers, plus the
    edits, but for the example pipeline when the older version (`rendered_before`) had none."""
    answers = {key: value for key, value in answers_of(project).items() if not key.startswith("_")}
    fresh = tmp_path / "fresh"
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    copier(
        ROOT,
        "copy",
        "--trust",
        "--defaults",
        "--quiet",
        "--skip-tasks",
        "--vcs-ref",
        "HEAD",
        *data,
        str(ROOT),
        str(fresh),
    )
    for edit in edits:
        edit(fresh)
    git(fresh, "init", "--quiet")

    # uv.lock is made by the `uv lock` task, which the fresh render skips.
    updated_files = project_files(project) - {"uv.lock"}
    assert updated_files == project_files(fresh) - ({EXAMPLE, EXAMPLE_TEST} - rendered_before)
    for name in sorted(updated_files - {".copier-answers.yml"}):
        assert (project / name).read_text() == (fresh / name).read_text(), f"{name} differs from a fresh render"
    assert answers_of(project) | {"_commit": "", "_src_path": ""} == answers_of(fresh) | {
        "_commit": "",
        "_src_path": "",
    }


@pytest.fixture(scope="session")
def mypy_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mypy's cache of the first updated project to pass, copied into each later one before its mypy
    runs, as noxfile.py seeds the variants: most of it is third-party packages, and mypy rechecks
    whatever differs by its content hash."""
    return tmp_path_factory.mktemp("mypy-seed")


def assert_project_checks_pass(project: Path, mypy_seed: Path) -> None:
    """The updated project's own checks, as its README runs them."""
    run(project, "uv", "sync", "--locked")
    run(project, "uv", "run", "--locked", "ruff", "check", ".")
    run(project, "uv", "run", "--locked", "ruff", "format", "--check", ".")
    seeded = any(mypy_seed.iterdir())
    if seeded:
        shutil.copytree(mypy_seed, project / ".mypy_cache", dirs_exist_ok=True)
    run(project, "uv", "run", "--locked", "mypy")
    if not seeded:
        shutil.copytree(project / ".mypy_cache", mypy_seed, dirs_exist_ok=True)
    run(project, "uv", "run", "--locked", "pytest", "-q")


def test_update_keeps_owner_edits_and_brings_template_changes(tmp_path: Path, mypy_seed: Path) -> None:
    project = tmp_path / "service"
    old = older_version()
    generate(project, old)
    old_render = {name: (project / name).read_text() for name in project_files(project) - {".copier-answers.yml"}}

    for edit in OWNER_EDITS:
        edit(project)
    run(project, "uv", "lock", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Owner's edits")

    output = update(project)

    assert_migrations_print_no_source(output)
    assert "uv.lock re-locked against the merged pyproject.toml" in output
    assert_no_conflicts(project)
    # The owner's edits are kept.
    assert (project / f"src/{PACKAGE}/routes/greeting.py").read_text() == GREETING_ROUTE
    assert (project / "tests/test_greeting.py").read_text() == GREETING_TEST
    assert WIRING in (project / f"src/{PACKAGE}/main.py").read_text()
    assert BODY_LIMIT_NOTE in (project / f"src/{PACKAGE}/config.py").read_text()
    assert ADDED_DEPENDENCY in (project / "pyproject.toml").read_text()
    assert 'name = "humanize"' in (project / "uv.lock").read_text()
    # The template's changes arrived: the answers file names the new version, and the project
    # differs from the old render wherever a fresh render of the new version does.
    assert answers_of(project)["_commit"] != old
    assert_equals_fresh_render(project, tmp_path, OWNER_EDITS, set(old_render))
    fresh_files = {name for name in project_files(project) if name not in old_render}
    changed = {
        name for name, text in old_render.items() if (project / name).exists() and (project / name).read_text() != text
    }
    assert fresh_files or changed, f"nothing changed between {old} and the working tree"
    assert_project_checks_pass(project, mypy_seed)


def rename_in_jinja(text: str, old: str, new: str) -> str:
    """Rename the variable `old` inside every {{ ... }} and {% ... %} of a template text."""
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", lambda tag: re.sub(rf"\b{old}\b", new, tag.group(0)), text, flags=re.DOTALL)


def template_with_legacy_version(workdir: Path) -> tuple[Path, str]:
    """A clone of this template with two commits: a legacy version, in which the question `model`
    was still called `llm_model`, and on top of it (HEAD) the working tree under test.

    The legacy version is the older version with the question renamed back, so that Copier
    re-renders it with the answers file's old name, as it would for a real rename.
    """
    repo = workdir / "template"
    git(workdir, "clone", "--quiet", str(ROOT), str(repo))
    git(repo, "checkout", "--quiet", "--detach", older_version())
    renamed = [repo / "copier.yml", *(path for path in (repo / "template").rglob("*") if path.is_file())]
    for path in renamed:
        text = path.read_text()
        legacy_text = rename_in_jinja(text, "model", "llm_model")
        if path.name == "copier.yml":
            legacy_text = re.sub(r"(?m)^model:", "llm_model:", legacy_text)
        path.write_text(legacy_text)
    git(repo, "commit", "--quiet", "--all", "--message", "Legacy: the model question is called llm_model")
    legacy = git(repo, "rev-parse", "HEAD").strip()

    commit_working_tree(repo)
    return repo, legacy


def copy_working_tree(repo: Path) -> None:
    """Make a clone's files exactly the working tree under test, uncommitted changes included."""
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for name in project_files(ROOT):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)


def commit_working_tree(repo: Path, message: str = "The working tree under test") -> str:
    copy_working_tree(repo)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "--message", message)
    return git(repo, "rev-parse", "HEAD").strip()


def test_update_migrates_a_renamed_answer(tmp_path: Path, mypy_seed: Path) -> None:
    """copier.yml's _migrations renames `llm_model` to `model` in the answers file before the update renders."""
    template, legacy = template_with_legacy_version(tmp_path)
    project = tmp_path / "service"
    generate(project, legacy, template, llm_model="gpt-4.1")
    rendered_before = project_files(project)
    assert answers_of(project)["llm_model"] == "gpt-4.1"
    assert (
        'llm_model: Annotated[str, Field(min_length=1)] = "gpt-4.1"'
        in (project / f"src/{PACKAGE}/config.py").read_text()
    )

    output = update(project)

    assert_migrations_print_no_source(output)
    assert ".copier-answers.yml: answer 'llm_model' renamed to 'model'" in output
    assert_no_conflicts(project)
    answers = answers_of(project)
    assert answers["model"] == "gpt-4.1"
    assert "llm_model" not in answers
    # The LLM's settings have a module of their own since the settings were split by feature.
    config = (project / f"src/{PACKAGE}/llm/settings.py").read_text()
    assert 'DEFAULT_MODEL = "gpt-4.1"' in config
    assert "    input_price_per_mtok=2.0,\n" in config
    assert_equals_fresh_render(project, tmp_path, [], rendered_before)
    assert_project_checks_pass(project, mypy_seed)


# The conflict tests' template change: two lines as an earlier version had them and as the working
# tree has them. Owners edit the same lines, so the update cannot merge them, whatever else changed.
VERSION_LINE = {"earlier": 'version = "0.0.1"', "now": 'version = "0.1.0"'}  # template/pyproject.toml.jinja
DESCRIPTION_LINE = {"earlier": "{{ description }}.", "now": "{{ description }}"}  # template/README.md.jinja
OWNER_VERSION = 'version = "0.2.0"'
OWNER_DESCRIPTION = "Answers Acme's support questions, in English and German."


def template_with_changed_lines(workdir: Path) -> tuple[Path, str]:
    """A clone of this template with two commits: an earlier version, the working tree with the
    project version line and the README's description line as they were, and on top of it (HEAD)
    the working tree under test. Returns the clone and the earlier commit."""
    repo = workdir / "template"
    git(workdir, "clone", "--quiet", str(ROOT), str(repo))
    copy_working_tree(repo)
    for name, line in (("pyproject.toml.jinja", VERSION_LINE), ("README.md.jinja", DESCRIPTION_LINE)):
        replace_once(repo / "template" / name, f"\n{line['now']}\n", f"\n{line['earlier']}\n")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "Earlier: the version and description lines as they were")
    earlier = git(repo, "rev-parse", "HEAD").strip()
    commit_working_tree(repo)
    return repo, earlier


def bump_version(project: Path) -> None:
    replace_once(project / "pyproject.toml", 'version = "0.0.1"', OWNER_VERSION)


def describe_service(project: Path) -> None:
    readme = project / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    assert lines[2].endswith(".\n"), lines[2]  # the description line, as the earlier version rendered it
    lines[2] = f"{OWNER_DESCRIPTION}\n"
    readme.write_text("".join(lines))


def generate_and_edit(tmp_path: Path, edits: list[Edit]) -> tuple[Path, Path]:
    """A project from the earlier version of template_with_changed_lines, edited, locked and committed.
    Returns the project and the template."""
    template, earlier = template_with_changed_lines(tmp_path)
    project = tmp_path / "service"
    generate(project, earlier, template)
    for edit in edits:
        edit(project)
    run(project, "uv", "lock", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Owner's edits")
    return project, template


def locked_project_version(project: Path) -> str:
    lock = tomllib.loads((project / "uv.lock").read_text())
    (own,) = (package for package in lock["package"] if package.get("source") == {"editable": "."})
    return str(own["version"])


def test_update_names_conflicts_and_does_not_lock_an_unparsable_pyproject(tmp_path: Path) -> None:
    """Conflicts in pyproject.toml and README.md: the update names both, says what to do, and leaves
    uv.lock as committed (`uv lock` cannot read pyproject.toml) instead of crashing."""
    project, template = generate_and_edit(tmp_path, [bump_version, describe_service])
    committed_lock = (project / "uv.lock").read_text()

    output = update(project)

    assert "copier update left 2 file(s) to resolve by hand:" in output
    assert "  README.md  (conflict markers)" in output
    assert "  pyproject.toml  (conflict markers)" in output
    assert "run `uv lock`: uv.lock is still the committed one, as pyproject.toml does not parse" in output
    # Where to look when the template moved the code an edit was made to.
    assert f'its CHANGELOG.md ({template}) names where to, under "Moved" in' in " ".join(output.split())
    assert "### Moved" in (template / "CHANGELOG.md").read_text()
    assert "git add -A && git commit" in output
    assert (project / "uv.lock").read_text() == committed_lock
    # The answers file records the new version already: updating again would do nothing.
    assert answers_of(project)["_commit"] == git(template, "describe", "--tags", "--always").strip()

    # What the message says to do next works: resolve (here: keep the owner's lines), then lock.
    for name in ("pyproject.toml", "README.md"):
        path = project / name
        path.write_text(re.sub(r"(?ms)^<<<<<<< [^\n]*\n(.*?)^=======\n.*?^>>>>>>> [^\n]*\n", r"\1", path.read_text()))
    assert_no_conflicts(project)
    assert OWNER_VERSION in (project / "pyproject.toml").read_text()
    assert OWNER_DESCRIPTION in (project / "README.md").read_text()
    run(project, "uv", "lock", "--quiet")
    assert locked_project_version(project) == "0.2.0"


def test_update_names_rejected_changes_and_relocks_a_merged_pyproject(tmp_path: Path) -> None:
    """A conflict outside pyproject.toml (as a .rej file, with --conflict rej): the update names it
    and still re-locks uv.lock against the merged pyproject.toml."""
    project, _ = generate_and_edit(tmp_path, [describe_service])
    assert locked_project_version(project) == "0.0.1"

    output = update(project, conflict="rej")

    assert "copier update left 1 file(s) to resolve by hand:" in output
    assert "  README.md.rej  (changes that did not apply)" in output
    assert "make the change each .rej file shows by hand" in output
    assert "uv lock`" not in output
    assert not (project / "uv.lock.rej").exists()
    assert locked_project_version(project) == "0.1.0"  # the template's new version line, merged and locked


# The owner's pipelines (copier.yml's _skip_if_exists and _exclude): the example pipeline as the
# owner edited it, and a pipeline of their own, while the template's next version changes the
# example's same line.
EXAMPLE_LINE = 'TRIAGE_INSTRUCTIONS = "You triage customer support messages into tickets."'
TEMPLATE_EXAMPLE_LINE = 'TRIAGE_INSTRUCTIONS = "You triage customer support messages: one ticket for each."'
OWNER_EXAMPLE_LINE = 'TRIAGE_INSTRUCTIONS = "You triage the messages sent to the billing desk of Acme."'
EXAMPLE_TEST_LINE = '"""The triage pipeline, offline: the real SDK talks to the fake upstream of tests/support.'
TEMPLATE_EXAMPLE_TEST_LINE = '"""The triage pipeline, tested offline against the fake upstream of tests/support.'
TEMPLATE_README_LINE = "A line the template's next version adds to the README."

OWNER_PIPELINE = f"src/{PACKAGE}/pipelines/summary.py"
OWNER_PIPELINE_TEST = "tests/pipelines/test_summary.py"
OWNER_PIPELINE_CODE = GREETING_ROUTE.replace("greeting", "summary")
OWNER_PIPELINE_TEST_CODE = GREETING_TEST.replace(".routes import greeting", ".pipelines import summary").replace(
    "greeting", "summary"
)


def template_with_changed_example(workdir: Path) -> tuple[Path, str]:
    """A clone of this template with two commits: the working tree, and on top of it (HEAD) the
    working tree with the example pipeline, its test and the README changed. Returns the clone and
    the earlier commit."""
    repo = workdir / "template"
    git(workdir, "clone", "--quiet", str(ROOT), str(repo))
    earlier = commit_working_tree(repo, "The working tree under test")
    template = repo / "template"
    replace_once(template / "src/{{package_name}}/pipelines/triage.py", EXAMPLE_LINE, TEMPLATE_EXAMPLE_LINE)
    replace_once(template / "tests/pipelines/test_triage.py.jinja", EXAMPLE_TEST_LINE, TEMPLATE_EXAMPLE_TEST_LINE)
    readme = template / "README.md.jinja"
    readme.write_text(f"{readme.read_text()}\n{TEMPLATE_README_LINE}\n")
    git(repo, "commit", "--quiet", "--all", "--message", "The template changes its example pipeline")
    return repo, earlier


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", message)


def test_update_never_touches_the_owners_pipelines(tmp_path: Path) -> None:
    template, earlier = template_with_changed_example(tmp_path)
    project = tmp_path / "service"
    generate(project, earlier, template)
    example_test = (project / EXAMPLE_TEST).read_text()
    replace_once(project / EXAMPLE, EXAMPLE_LINE, OWNER_EXAMPLE_LINE)
    example = (project / EXAMPLE).read_text()
    (project / OWNER_PIPELINE).write_text(OWNER_PIPELINE_CODE)
    (project / OWNER_PIPELINE_TEST).write_text(OWNER_PIPELINE_TEST_CODE)
    commit_all(project, "Owner's pipelines")

    update(project)

    assert_no_conflicts(project)
    assert (project / EXAMPLE).read_text() == example
    assert (project / EXAMPLE_TEST).read_text() == example_test  # the template's change stays out
    assert (project / OWNER_PIPELINE).read_text() == OWNER_PIPELINE_CODE
    assert (project / OWNER_PIPELINE_TEST).read_text() == OWNER_PIPELINE_TEST_CODE
    # The rest of the project did update.
    assert TEMPLATE_README_LINE in (project / "README.md").read_text()
    assert answers_of(project)["_commit"] == git(template, "describe", "--tags", "--always").strip()


def test_update_leaves_a_deleted_example_deleted(tmp_path: Path) -> None:
    """An owner who deleted the example (or renamed it to a pipeline of their own) does not get
    it back, nor its endpoints, although the template changed it."""
    template, earlier = template_with_changed_example(tmp_path)
    project = tmp_path / "service"
    generate(project, earlier, template)
    (project / EXAMPLE).rename(project / OWNER_PIPELINE)
    (project / EXAMPLE_TEST).unlink()
    commit_all(project, "Owner renames the example and deletes its test")

    update(project)

    assert_no_conflicts(project)
    assert not (project / EXAMPLE).exists()
    assert not (project / EXAMPLE_TEST).exists()
    assert EXAMPLE_LINE in (project / OWNER_PIPELINE).read_text()
    assert TEMPLATE_README_LINE in (project / "README.md").read_text()
