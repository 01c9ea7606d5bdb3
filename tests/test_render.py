"""The default render: its file set, no leftover Jinja, the answers file, computed defaults."""

import ast
import re
import tomllib
from pathlib import Path

import pathspec
import pytest
import yaml

from .conftest import ROOT, Render

DEPLOY_FILES = {".dockerignore", "Dockerfile", "compose.yaml"}
CI_FILES = {".github/workflows/ci.yml", ".github/dependabot.yml"}

# The owner's: rendered once, never changed by `copier update` (copier.yml's _skip_if_exists).
OWNER_FILES = {
    "src/my_llm_service/pipelines/__init__.py",
    "src/my_llm_service/pipelines/triage.py",
    "tests/pipelines/__init__.py",
    "tests/pipelines/test_triage.py",
}

DEFAULT_FILES = (
    DEPLOY_FILES
    | CI_FILES
    | OWNER_FILES
    | {
        ".copier-answers.yml",
        ".env.example",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".python-version",
        "Makefile",
        "README.md",
        "observability/alerts.yml",
        "observability/dashboard.json",
        "pyproject.toml",
        "src/my_llm_service/__init__.py",
        "src/my_llm_service/admin.py",
        "src/my_llm_service/admin_auth.py",
        "src/my_llm_service/admission.py",
        "src/my_llm_service/application.py",
        "src/my_llm_service/auth.py",
        "src/my_llm_service/caller.py",
        "src/my_llm_service/config.py",
        "src/my_llm_service/context.py",
        "src/my_llm_service/deps.py",
        "src/my_llm_service/errors.py",
        "src/my_llm_service/keys.py",
        "src/my_llm_service/limiter/__init__.py",
        "src/my_llm_service/limiter/auth_failures.py",
        "src/my_llm_service/limiter/callers.py",
        "src/my_llm_service/limiter/limiter.py",
        "src/my_llm_service/limiter/memory_store.py",
        "src/my_llm_service/limiter/store.py",
        "src/my_llm_service/limiter/tiers.py",
        "src/my_llm_service/llm/__init__.py",
        "src/my_llm_service/llm/calls.py",
        "src/my_llm_service/llm/client.py",
        "src/my_llm_service/llm/completion.py",
        "src/my_llm_service/llm/deployments.py",
        "src/my_llm_service/llm/errors.py",
        "src/my_llm_service/llm/estimate.py",
        "src/my_llm_service/llm/fake.py",
        "src/my_llm_service/llm/fake_responses.py",
        "src/my_llm_service/llm/models.py",
        "src/my_llm_service/llm/openai_adapter.py",
        "src/my_llm_service/llm/openai_errors.py",
        "src/my_llm_service/llm/openai_wire.py",
        "src/my_llm_service/llm/port.py",
        "src/my_llm_service/llm/provider.py",
        "src/my_llm_service/llm/responses_wire.py",
        "src/my_llm_service/llm/router.py",
        "src/my_llm_service/llm/settings.py",
        "src/my_llm_service/llm/stream.py",
        "src/my_llm_service/llm/usage.py",
        "src/my_llm_service/llm/wire.py",
        "src/my_llm_service/logs.py",
        "src/my_llm_service/budgeted_llm.py",
        "src/my_llm_service/inprocess_openai.py",
        "src/my_llm_service/main.py",
        "src/my_llm_service/metrics.py",
        "src/my_llm_service/metrics_server.py",
        "src/my_llm_service/middleware/__init__.py",
        "src/my_llm_service/middleware/body_limit.py",
        "src/my_llm_service/middleware/disconnect.py",
        "src/my_llm_service/middleware/request_context.py",
        "src/my_llm_service/observed_llm.py",
        "src/my_llm_service/openai_shape.py",
        "src/my_llm_service/service_llm.py",
        "src/my_llm_service/routes/__init__.py",
        "src/my_llm_service/routes/admin_usage.py",
        "src/my_llm_service/routes/chat.py",
        "src/my_llm_service/routes/chat_stream.py",
        "src/my_llm_service/routes/discovery.py",
        "src/my_llm_service/routes/health.py",
        "src/my_llm_service/routes/metrics.py",
        "src/my_llm_service/routes/openai_api.py",
        "src/my_llm_service/routes/ready.py",
        "src/my_llm_service/routes/usage.py",
        "src/my_llm_service/schemas.py",
        "src/my_llm_service/security.py",
        "src/my_llm_service/server.py",
        "src/my_llm_service/services.py",
        "src/my_llm_service/shutdown.py",
        "src/my_llm_service/v1/__init__.py",
        "src/my_llm_service/v1/schemas.py",
        "src/my_llm_service/watched_file.py",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/support/__init__.py",
        "tests/support/admin.py",
        "tests/support/asgi.py",
        "tests/support/clock.py",
        "tests/support/credentials.py",
        "tests/support/fork_server.py",
        "tests/support/limiters.py",
        "tests/support/metrics.py",
        "tests/support/model.py",
        "tests/support/prometheus.py",
        "tests/support/provider.py",
        "tests/support/replies.py",
        "tests/support/responses_model.py",
        "tests/support/served.py",
        "tests/support/server.py",
        "tests/support/service.py",
        "tests/support/sse.py",
        "tests/support/streamed.py",
        "tests/support/upstream.py",
        "tests/test_admin.py",
        "tests/test_auth.py",
        "tests/test_budgets.py",
        "tests/test_chat.py",
        "tests/test_chat_stream.py",
        "tests/test_config.py",
        "tests/test_http.py",
        "tests/test_key_file.py",
        "tests/test_keys.py",
        "tests/test_metrics.py",
        "tests/test_deployments.py",
        "tests/test_models.py",
        "tests/test_observability.py",
        "tests/test_openai_api.py",
        "tests/test_openai_embeddings.py",
        "tests/test_openai_responses.py",
        "tests/test_pipeline_discovery.py",
        "tests/test_provider.py",
        "tests/test_rate_limits.py",
        "tests/test_server.py",
        "tests/test_server_limits.py",
        "tests/test_service.py",
        "tests/test_service_llm.py",
        "tests/test_shutdown.py",
        "tests/test_upstream_errors.py",
        "tests/test_v1_bodies.py",
    }
)

# The operators' routes (with a limiter and a scheme with credentials), and with Redis and a key
# store, the keys they create and revoke at run time.
ADMIN_FILES = {
    "src/my_llm_service/admin.py",
    "src/my_llm_service/admin_auth.py",
    "src/my_llm_service/limiter/callers.py",
    "src/my_llm_service/routes/admin_usage.py",
    "tests/support/admin.py",
    "tests/test_admin.py",
}
RUNTIME_KEY_FILES = {
    "src/my_llm_service/runtime_keys.py",
    "src/my_llm_service/routes/admin_keys.py",
    "tests/test_admin_keys.py",
}


def files_of(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


def test_default_render_has_exactly_the_expected_files(render: Render) -> None:
    assert files_of(render()) == DEFAULT_FILES


def test_update_skips_exactly_the_owners_files(render: Render) -> None:
    """copier.yml's _skip_if_exists patterns, matched as Copier matches them."""
    patterns = yaml.safe_load((ROOT / "copier.yml").read_text())["_skip_if_exists"]
    skipped = pathspec.PathSpec.from_lines("gitignore", patterns)
    assert {name for name in files_of(render()) if skipped.match_file(name)} == OWNER_FILES


# Grafana's legends (`{{route}}`) and Prometheus' alert annotations (`{{ $labels.route }}`) are templates of their own.
OTHER_TEMPLATES = re.compile(r"\{\{ ?\$(labels|value)\b[^}]*\}\}|\{\{[a-z]+\}\}")


def test_no_jinja_left_in_any_file(render: Render) -> None:
    project = render(kubernetes=True)
    for name in files_of(project):
        text = (project / name).read_text()
        if name.startswith(("observability/", "k8s/monitoring/")):
            text = OTHER_TEMPLATES.sub("", text)
        for marker in ("{{", "{%", "%}", "{#"):
            assert marker not in text, f"{marker!r} left in {name}"


def test_python_files_parse(render: Render) -> None:
    project = render(project_name='Quote "Me" Service', description='Says "hi" and \\ escapes')
    for name in files_of(project):
        if name.endswith(".py"):
            ast.parse((project / name).read_text(), filename=name)


def test_answers_file_records_answers_and_template_source(render: Render) -> None:
    project = render(project_name="Acme Chat", model="gpt-4o")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())

    assert answers["project_name"] == "Acme Chat"
    assert answers["project_slug"] == "acme-chat"
    assert answers["package_name"] == "acme_chat"
    assert answers["model"] == "gpt-4o"
    assert answers["_src_path"]
    assert "_commit" in answers
    assert "known_model_prices" not in answers  # computed, never stored


def test_names_derive_from_project_name(render: Render) -> None:
    project = render(project_name="  Acme: Support Bot 2 ")
    assert (project / "src/acme_support_bot_2/main.py").is_file()
    assert 'name = "acme-support-bot-2"' in (project / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    ("project_name", "slug", "package"),
    [
        ("2024 Bot", "svc-2024-bot", "svc_2024_bot"),  # a slug must start with a letter
        ("Ünïcode Bot", "unicode-bot", "unicode_bot"),
        ("U\u0308nicode Bot", "unicode-bot", "unicode_bot"),  # decomposed: U + combining diaeresis
        ("Straße Ærø Łódź", "strasse-aero-lodz", "strasse_aero_lodz"),
        ("İstanbul Çay", "istanbul-cay", "istanbul_cay"),
        ("Привет Бот", "privet-bot", "privet_bot"),
        ("Ελληνικά 3", "ellinika-3", "ellinika_3"),
        ("日本語", "svc", "svc"),  # nothing to transliterate: still a valid slug
        ("Class", "class", "class_"),  # a keyword is not a package name
    ],
)
def test_derived_names_pass_their_validators(render: Render, project_name: str, slug: str, package: str) -> None:
    """Only project_name is answered: the derived slug and package name must be valid answers."""
    project = render(project_name=project_name)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())

    assert (answers["project_slug"], answers["package_name"]) == (slug, package)
    assert (project / f"src/{package}/main.py").is_file()


def test_a_package_name_other_than_the_slug_builds(render: Render) -> None:
    """hatchling finds src/<slug with _> by itself; any other package name must be named to it."""
    from hatchling.builders.wheel import WheelBuilder  # here: test_variants imports this module's names

    project = render(package_name="chatbot")

    builder = WheelBuilder(str(project))
    shipped = {included.distribution_path for included in builder.recurse_included_files()}
    assert "chatbot/main.py" in shipped
    assert not any(path.startswith("tests/") for path in shipped)


def test_known_model_prices_become_defaults(render: Render) -> None:
    config = (render(model="gpt-4o") / "src/my_llm_service/llm/settings.py").read_text()
    assert "    input_price_per_mtok=2.5,\n    output_price_per_mtok=10.0,\n" in config
    assert "    cached_input_price_per_mtok=1.25,\n" in config


def test_unknown_model_prices_default_to_zero_and_can_be_answered(render: Render) -> None:
    unknown = (render("a", model="my-local-llama") / "src/my_llm_service/llm/settings.py").read_text()
    assert 'DEFAULT_MODEL = "my-local-llama"' in unknown
    assert "    input_price_per_mtok=0.0,\n" in unknown
    assert "    cached_input_price_per_mtok=None,\n" in unknown

    answered = (
        render("b", model="my-local-llama", input_price_per_mtok=0.5) / "src/my_llm_service/llm/settings.py"
    ).read_text()
    assert "    input_price_per_mtok=0.5,\n" in answered


def test_prices_are_stored_only_for_unknown_models(render: Render) -> None:
    """Known models take the table's prices (a `when: false` question): not asked, not stored,
    so `copier update` follows the table. An unknown model's prices are answers, kept as such."""
    known = yaml.safe_load((render("a", model="gpt-4o") / ".copier-answers.yml").read_text())
    assert "input_price_per_mtok" not in known
    assert "output_price_per_mtok" not in known

    unknown = yaml.safe_load(
        (render("b", model="my-local-llama", input_price_per_mtok=0.5) / ".copier-answers.yml").read_text()
    )
    assert (unknown["input_price_per_mtok"], unknown["output_price_per_mtok"]) == (0.5, 0.0)


def test_feature_flags_are_recorded_and_computed_ones_are_not(render: Render) -> None:
    answers = yaml.safe_load((render(streaming=False) / ".copier-answers.yml").read_text())
    assert answers["streaming"] is False
    assert answers["openai_compatible_api"] is True
    assert "route_modules" not in answers
    assert "llm_base_url" not in answers  # asked only for openai_compatible


def test_python_version_answer_reaches_the_project(render: Render) -> None:
    project = render(python_version="3.13")
    assert (project / ".python-version").read_text().strip() == "3.13"
    pyproject = (project / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.13"' in pyproject
    assert 'target-version = "py313"' in pyproject


def dependencies_of(project: Path) -> list[str]:
    return tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]


def test_redis_limiter_renders_its_module_tests_settings_and_client(render: Render) -> None:
    project = render(limiter_backend="redis")

    files = files_of(project)
    assert (
        files
        == DEFAULT_FILES - {"src/my_llm_service/limiter/memory_store.py"}
        | {
            "src/my_llm_service/limiter/redis_scripts.py",
            "src/my_llm_service/limiter/redis_store.py",
            "tests/support/redis_server.py",
            "tests/test_redis_limiter.py",
        }
        | RUNTIME_KEY_FILES
    )
    assert any(dependency.startswith("redis") for dependency in dependencies_of(project))
    config = (project / "src/my_llm_service/limiter/redis_store.py").read_text()
    assert 'redis_url: RedisDsn = RedisDsn("redis://localhost:6379/0")' in config
    assert "rate_limit_fail_open: bool = False" in config
    readme = (project / "README.md").read_text()
    assert "`REDIS_URL`" in readme
    assert "`RATE_LIMIT_FAIL_OPEN`" in readme


# Claude beside the default provider: its adapter, its fake upstream and tests.
ANTHROPIC_FILES = {
    "src/my_llm_service/llm/anthropic_adapter.py",
    "src/my_llm_service/llm/anthropic_client.py",
    "src/my_llm_service/llm/anthropic_request.py",
    "src/my_llm_service/llm/anthropic_wire.py",
    "tests/support/anthropic_upstream.py",
    "tests/test_anthropic.py",
}


def test_anthropic_as_an_extra_provider_renders_its_adapter_router_dependency_and_settings(render: Render) -> None:
    project = render(extra_llm_providers=["anthropic"])

    assert files_of(project) == DEFAULT_FILES | ANTHROPIC_FILES
    assert any(dependency.startswith("anthropic") for dependency in dependencies_of(project))
    settings = (project / "src/my_llm_service/llm/settings.py").read_text()
    assert 'PROVIDERS = ["openai", "anthropic"]' in settings
    assert "ANTHROPIC_API_KEY=" in (project / ".env.example").read_text()
    assert "ANTHROPIC_API_KEY" in (project / "README.md").read_text()


# What only an OpenAI-family provider renders: the openai SDK's adapter and client, and the tests of
# the /v1 routes relayed as bytes to an OpenAI-shaped upstream.
OPENAI_FAMILY_FILES = {
    "src/my_llm_service/llm/client.py",
    "src/my_llm_service/llm/openai_adapter.py",
    "src/my_llm_service/llm/openai_errors.py",
    "tests/support/model.py",
    "tests/support/responses_model.py",
    "tests/support/served.py",
    "tests/test_openai_api.py",
    "tests/test_openai_embeddings.py",
    "tests/test_openai_responses.py",
}


def test_anthropic_as_the_provider_renders_claude_in_place_of_the_openai_adapter(render: Render) -> None:
    project = render(llm_provider="anthropic")

    assert files_of(project) == (DEFAULT_FILES - OPENAI_FAMILY_FILES) | ANTHROPIC_FILES
    assert any(dependency.startswith("anthropic") for dependency in dependencies_of(project))
    settings = (project / "src/my_llm_service/llm/settings.py").read_text()
    assert 'PROVIDERS = ["anthropic"]' in settings
    assert 'DEFAULT_MODEL = "claude-sonnet-4-6"' in settings
    assert "    cache_write_price_per_mtok=3.75,\n" in settings  # the table's, as the model's cache-write price
    env = (project / ".env.example").read_text()
    assert "ANTHROPIC_API_KEY=" in env
    source = "\n".join(path.read_text() for path in (project / "src").rglob("*.py"))
    assert not re.search(r"OPENAI_API_KEY|openai_api_key|OpenAIAdapter|AZURE", source + env)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert "extra_llm_providers" not in answers  # not asked: Claude is the only provider offered beside


def test_one_provider_leaves_no_trace_of_the_others(render: Render) -> None:
    project = render()

    assert not any(dependency.startswith("anthropic") for dependency in dependencies_of(project))
    for name in files_of(project) - {".copier-answers.yml"}:
        text = (project / name).read_text()
        assert not re.search(r"anthropic|claude", text, re.IGNORECASE), f"another provider in {name}"


def test_memory_limiter_leaves_no_trace_of_redis(render: Render) -> None:
    project = render(limiter_backend="memory")

    assert not any(dependency.startswith("redis") for dependency in dependencies_of(project))
    for name in files_of(project) - {".copier-answers.yml"}:
        text = (project / name).read_text().lower()
        assert "redis" not in text, f"redis mentioned in {name}"


def test_no_limiter_renders_no_limiter_code_dependency_or_setting(render: Render) -> None:
    project = render(limiter_backend="none")

    limiter_files = {name for name in DEFAULT_FILES if name.startswith("src/my_llm_service/limiter/")}
    limiter_tests = {"tests/support/limiters.py", "tests/support/clock.py", "tests/test_rate_limits.py"}
    usage = {"src/my_llm_service/routes/usage.py", "src/my_llm_service/budgeted_llm.py", "tests/test_budgets.py"}
    assert files_of(project) == DEFAULT_FILES - limiter_files - limiter_tests - usage - ADMIN_FILES
    assert not any(dependency.startswith(("limits", "redis")) for dependency in dependencies_of(project))
    for name in files_of(project) - {".copier-answers.yml"}:
        text = (project / name).read_text()
        for trace in ("from limits", "limits>=", "rate_limit", "RATE_LIMIT_", "RATE_LIMITED"):
            assert trace not in text.replace("UPSTREAM_RATE_LIMITED", ""), f"{trace!r} left in {name}"
        for trace in (r"x-ratelimit", r"\blimiter", r"redis"):
            assert not re.search(trace, text, re.IGNORECASE), f"{trace!r} left in {name}"


def test_without_docker_and_github_actions_no_trace_is_left(render: Render) -> None:
    project = render(docker=False, github_actions=False)
    assert files_of(project) == DEFAULT_FILES - DEPLOY_FILES - CI_FILES
    assert not (project / ".github").exists()
    readme = (project / "README.md").read_text()
    for gone in ("Docker", "docker", "compose", "Continuous integration", ".github"):
        assert gone not in readme


def test_docker_and_github_actions_are_independent(render: Render) -> None:
    assert files_of(render("a", docker=False)) == DEFAULT_FILES - DEPLOY_FILES
    assert files_of(render("b", github_actions=False)) == DEFAULT_FILES - CI_FILES


def test_dockerfile_follows_the_answers(render: Render) -> None:
    dockerfile = (render(project_name="Acme Chat", python_version="3.13") / "Dockerfile").read_text()
    stages = [line for line in dockerfile.splitlines() if line.startswith("FROM ")]

    assert stages == ["FROM python:3.13-slim AS build", "FROM python:3.13-slim"]
    assert "uv sync --locked --no-dev --no-editable" in dockerfile
    assert "\nUSER 10001:10001\n" in dockerfile
    assert "http://127.0.0.1:8000/health" in dockerfile.split("HEALTHCHECK", 1)[1]
    cmd = (
        '["uvicorn", "acme_chat.main:app", "--http", "acme_chat.server:GuardedHttpProtocol",'
        ' "--host", "0.0.0.0", "--port", "8000", "--timeout-graceful-shutdown", "20"]'
    )
    assert dockerfile.rstrip().endswith(f"CMD {cmd}")


def test_memory_limiter_compose_runs_one_replica_without_redis(render: Render) -> None:
    project = render()
    compose = yaml.safe_load((project / "compose.yaml").read_text())

    # Beside the service, only what `--profile observability` asks for.
    assert {name for name, service in compose["services"].items() if "profiles" not in service} == {"app"}
    assert compose["services"]["app"]["ports"] == ["${APP_PORT:-8000}:8000"]
    assert "redis" not in (project / "compose.yaml").read_text().lower()
    assert "redis" not in (project / ".github/workflows/ci.yml").read_text().lower()


def test_project_workflow_runs_the_project_checks(render: Render) -> None:
    workflow = yaml.safe_load((render(python_version="3.11") / ".github/workflows/ci.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]

    setup_uv = next(step for step in steps if step.get("uses", "").startswith("astral-sh/setup-uv"))
    assert setup_uv["with"]["python-version"] == "3.11"
    # Prometheus for the tests, then the Makefile's recipes (tests/test_deploy.py checks what they run, the
    # variant sessions run them).
    assert commands == [
        "sudo apt-get update -qq && sudo apt-get install -y -qq prometheus",
        "make install",
        "make lint",
        "make types",
        "make test",
    ]


def test_readme_documents_docker_ci_and_updates(render: Render) -> None:
    readme = (render() / "README.md").read_text()
    for section in ("### Docker", "### Compose", "## Continuous integration", "## Updating"):
        assert f"\n{section}\n" in readme
    assert "docker build -t my-llm-service ." in readme
    assert "copier check-update" in readme
    assert "--vcs-ref v" in readme
