"""Both READMEs, followed literally: their names, figures and commands match what the template renders."""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic_core
import pytest
import yaml

from .conftest import Render

ROOT = Path(__file__).resolve().parents[1]


def answers_of(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def section(readme: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level (outside code)."""
    level = len(heading.split(" ", 1)[0])
    lines = readme.splitlines(keepends=True)
    start = lines.index(f"{heading}\n")
    in_code = False
    for end in range(start + 1, len(lines)):
        in_code ^= lines[end].startswith("```")
        if not in_code and re.match(rf"#{{1,{level}}} ", lines[end]):
            return "".join(lines[start:end])
    return "".join(lines[start:])


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


# The template's README.md


def test_template_readme_starts_the_package_the_defaults_render(render: Render) -> None:
    package = answers_of(render())["package_name"]
    readme = (ROOT / "README.md").read_text()

    assert re.findall(r"uvicorn (\w+)\.main:app", readme) == [package]
    assert f"uvicorn {package}.main:app --http {package}.server:GuardedHttpProtocol" in readme


def test_every_command_that_starts_the_service_uses_its_protocol(render: Render) -> None:
    for name, options in [("memory", {}), ("redis", {"limiter_backend": "redis"})]:
        readme = (render(name, **options) / "README.md").read_text()
        starts = re.findall(r"uvicorn \w+\.main:app[^`\n]*", readme)
        assert starts
        for start in starts:
            assert "--http my_llm_service.server:GuardedHttpProtocol" in start, start


def test_template_readme_has_no_placeholder_in_its_commands() -> None:
    generate = section((ROOT / "README.md").read_text(), "## Generate a service")
    assert "OWNER" not in generate
    for block in code_blocks(generate, "sh"):
        assert "<" not in block, block


def test_template_readme_says_how_check_update_exits_and_that_pins_cannot_go_back() -> None:
    update = section((ROOT / "README.md").read_text(), "## Update a generated service")

    assert "uvx copier check-update -q" in update
    assert "exits 2" in update
    assert "exits 0 both ways" in update
    assert "Downgrades are\nnot supported" in update
    assert "--vcs-ref v0.1.0" not in update


def copier_in(cwd: Path, command: str) -> subprocess.CompletedProcess[str]:
    """A shell line as the README gives it, with this Python's copier for `copier` and `uvx copier`."""
    command = re.sub(r"(uvx )?copier ", f"{sys.executable} -m copier ", command)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Owner", "GIT_AUTHOR_EMAIL": "owner@example.com"}
    env |= {"GIT_COMMITTER_NAME": "Owner", "GIT_COMMITTER_EMAIL": "owner@example.com"}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def cloned_beside(tmp_path: Path) -> Path:
    """A clone of this repository named as the README names it, in `tmp_path`."""
    clone = tmp_path / "fastapi-llm-template"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    return clone


def committed_project(tmp_path: Path, copy: str) -> Path:
    """`copy` (a `copier copy` line) run beside the clone, answered by defaults, then committed."""
    result = copier_in(tmp_path, f"{copy} --defaults --skip-tasks --quiet")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my-service"
    assert copier_in(project, 'git init -q && git add -A && git commit -qm "Generated"').returncode == 0
    return project


def test_template_readme_copy_records_a_source_the_project_can_update_from(tmp_path: Path) -> None:
    generate = section((ROOT / "README.md").read_text(), "## Generate a service")
    (line,) = [line for block in code_blocks(generate, "sh") for line in block.splitlines() if "copier copy" in line]
    cloned_beside(tmp_path)
    project = committed_project(tmp_path, line.split(" && ")[-1])

    checked = copier_in(project, "copier check-update")

    assert checked.returncode == 0, checked.stderr
    assert "Project is up-to-date!" in checked.stdout + checked.stderr
    assert Path(answers_of(project)["_src_path"]).is_absolute()


# The generated README.md


@pytest.mark.parametrize(
    ("answers", "chat_cost", "stream_cost"),
    [
        ({}, "8.55e-6", "3.15e-6"),  # gpt-4o-mini: 0.15 and 0.60 USD per 1M tokens
        ({"model": "gpt-4o"}, "0.0001425", "0.0000525"),  # 2.50 and 10.00
        ({"llm_provider": "openai_compatible"}, "0.0", "0.0"),  # an unknown model: no prices
        ({"model": "my-llama", "input_price_per_mtok": 1, "output_price_per_mtok": 2}, "0.000033", "0.000015"),
        ({"model": "my-llama", "input_price_per_mtok": 0.01, "output_price_per_mtok": 0.01}, "2.1e-7", "1.2e-7"),
    ],
)
def test_example_costs_follow_their_tokens_and_the_prices(
    render: Render, answers: dict[str, object], chat_cost: str, stream_cost: str
) -> None:
    """9 prompt and 12 (/chat) or 3 (stream) completion tokens, priced as the service prices them,
    written as its JSON writes them (pydantic: 8.55e-6, 0.0000525)."""
    project = render(**answers)
    answered = answers_of(project)
    known = yaml.safe_load((ROOT / "copier.yml").read_text())["known_model_prices"]["default"]
    prices = known.get(answered["model"], [answered.get("input_price_per_mtok"), answered.get("output_price_per_mtok")])
    for completion_tokens, figure in ((12, chat_cost), (3, stream_cost)):
        cost = round((9 * prices[0] + completion_tokens * prices[1]) / 1_000_000, 8)
        assert pydantic_core.to_json(cost).decode() == figure  # the service's formula, and its JSON
    readme = (project / "README.md").read_text()

    assert f'"prompt_tokens": 9, "completion_tokens": 12, "cost_usd": {chat_cost}}}' in readme
    assert f'"prompt_tokens":9,"completion_tokens":3,"cost_usd":{stream_cost}}}' in readme


@pytest.mark.parametrize("auth_scheme", ["api_key", "bearer"])
def test_run_it_sets_the_key_the_calls_send_and_restarts_with_api_keys(render: Render, auth_scheme: str) -> None:
    readme = (render(auth_scheme=auth_scheme) / "README.md").read_text()
    run_it, call_it = section(readme, "## Run it"), section(readme, "## Call it")

    assert "$KEY" in call_it
    assert "export KEY=" in run_it
    # The service is started again after API_KEYS is set: it reads its settings at start-up.
    assert run_it.index("export API_KEYS=") < run_it.rindex("uv run uvicorn")
    assert "restart" in run_it
    assert "one entry per key" in run_it


def test_key_store_readme_rotates_keys_and_mounts_a_keys_file(render: Render) -> None:
    readme = (render() / "README.md").read_text()

    rotation = section(readme, "## Authentication")
    assert "To rotate a key" in rotation
    keys_file = section(readme, "### Keys in a file")
    (override_text,) = code_blocks(keys_file, "yaml")
    app = yaml.safe_load(override_text)["services"]["app"]
    path = app["environment"]["API_KEYS_FILE"]
    assert path.startswith("/run/secrets/")
    assert app["volumes"] == [f"./api_keys.json:{path}:ro"]
    (docker_run,) = code_blocks(keys_file, "sh")
    assert f'-v "$PWD/api_keys.json:{path}:ro" -e API_KEYS_FILE={path}' in docker_run


@pytest.mark.parametrize("answers", [{"auth_scheme": "jwt"}, {"auth_scheme": "none"}, {"docker": False}])
def test_keys_file_section_only_with_a_key_store_and_docker(render: Render, answers: dict[str, object]) -> None:
    readme = (render(**answers) / "README.md").read_text()
    assert "### Keys in a file" not in readme
    assert "compose.override.yaml" not in readme


def test_updating_starts_from_a_git_repository_with_new_files_committed(render: Render) -> None:
    updating = section((render() / "README.md").read_text(), "## Updating")
    commands = [line.split("  #")[0].strip() for line in code_blocks(updating, "sh")[0].splitlines()]

    assert commands[:2] == ["git init", 'git add -A && git commit -m "Before the template update"']
    assert "commit -am" not in updating
    assert "Copier refuses downgrades" in updating


# The generated README against the service's code: every route, error code and metric label it can answer with.

DOC_VARIANTS = {
    "default": {},
    "jwt-redis": {"auth_scheme": "jwt", "limiter_backend": "redis"},
    "none-none": {"auth_scheme": "none", "limiter_backend": "none"},
    "minimal": {"streaming": False, "openai_compatible_api": False, "limiter_backend": "none"},
}


def sources(project: Path) -> str:
    return "\n".join(path.read_text() for path in sorted((project / "src").rglob("*.py")))


def table_cells(text: str, column: int) -> set[str]:
    """The cells of one column of the tables in `text`, each split at its commas."""
    rows = re.findall(r"^\|(.*)\|$", text, flags=re.MULTILINE)
    cells = [row.split("|")[column].strip() for row in rows if not set(row) <= {"|", "-"}]
    return {part.strip().strip("`") for cell in cells for part in cell.split(",")}


def routes_of(project: Path) -> set[str]:
    """`METHOD /path` of every route the service's routers declare (their prefix included)."""
    code = sources(project)
    constants = dict(re.findall(r'^(\w+) = "([^"]*)"', code, flags=re.MULTILINE))
    routes = set()
    for path in (project / "src").rglob("routes/*.py"):
        text = path.read_text()
        prefix = re.search(r"APIRouter\(prefix=(\w+)", text)
        for method, route in re.findall(r'@router\.(get|post|put|patch|delete)\(\s*"([^"]+)"', text):
            routes.add(f"{method.upper()} {constants[prefix[1]] if prefix else ''}{route}")
    return routes


@pytest.mark.parametrize("answers", DOC_VARIANTS.values(), ids=DOC_VARIANTS.keys())
def test_route_table_names_every_route(render: Render, answers: dict[str, object]) -> None:
    project = render(**answers)
    routes = routes_of(project)
    assert {"POST /chat", "GET /health", "GET /metrics"} <= routes  # the routes were found

    assert routes <= table_cells((project / "README.md").read_text(), 0)


@pytest.mark.parametrize("answers", DOC_VARIANTS.values(), ids=DOC_VARIANTS.keys())
def test_errors_table_names_every_code_the_service_answers(render: Render, answers: dict[str, object]) -> None:
    project = render(**answers)
    answered = set(re.findall(r"ErrorCode\.([A-Z_]+)", sources(project)))
    assert {"INTERNAL_ERROR", "UPSTREAM_ERROR"} <= answered
    if answers_of(project)["limiter_backend"] == "memory":
        answered.remove("LIMITER_UNAVAILABLE")  # admission's, for a store that can fail: memory never does

    errors = section((project / "README.md").read_text(), "### Errors")
    assert answered <= table_cells(errors, 1)


@pytest.mark.parametrize("limiter_backend", ["memory", "redis"])
def test_every_rejection_reason_is_documented(render: Render, limiter_backend: str) -> None:
    project = render(limiter_backend=limiter_backend)
    # The string literals `refused_by` returns (its docstring aside): the `reason` label's values.
    refused_by = re.search(r'def refused_by\(self\) -> str:\n\s+""".*?"""(.*?)\n\n', sources(project), flags=re.DOTALL)
    assert refused_by is not None
    reasons = set(re.findall(r'"(\w+)"', refused_by[1]))
    assert reasons == {"requests", "tokens", "budget"}

    readme = (project / "README.md").read_text()
    (row,) = [line for line in readme.splitlines() if line.startswith("| `rate_limit_rejections_total`")]
    assert set(re.findall(r"`(\w+)`", row.split("|")[3])) >= reasons


def test_redis_starts_before_the_service(render: Render) -> None:
    run_it = section((render(limiter_backend="redis") / "README.md").read_text(), "## Run it")
    (commands,) = code_blocks(run_it, "sh")[:1]

    assert "redis" in commands
    assert commands.index("redis") < commands.index("make dev")


def test_updating_repairs_an_answers_file_with_a_relative_source(render: Render, tmp_path: Path) -> None:
    """The project is rendered from a clone (its HEAD); the instructions come from the working tree."""
    clone = cloned_beside(tmp_path)
    project = committed_project(tmp_path, "copier copy --trust fastapi-llm-template my-service")
    broken = copier_in(project, "copier check-update")
    assert "only supported in git-tracked templates" in broken.stdout + broken.stderr

    updating = section((render() / "README.md").read_text(), "## Updating")
    (repair,) = [block for block in code_blocks(updating, "sh") if "_src_path" in block]
    repaired = copier_in(project, repair.replace("/path/to/fastapi-llm-template", str(clone)))
    checked = copier_in(project, "uvx copier check-update")

    assert repaired.returncode == 0, repaired.stderr
    assert "Project is up-to-date!" in checked.stdout + checked.stderr
    assert copier_in(project, "git status --porcelain").stdout == ""  # the repair is committed
