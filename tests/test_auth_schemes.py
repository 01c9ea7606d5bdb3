"""Each auth scheme renders its own code, settings, dependencies, tests and README, and nothing of the others."""

import re
from pathlib import Path

import pytest
import yaml

from .conftest import Render
from .test_render import ADMIN_FILES, DEFAULT_FILES, files_of

PACKAGE = "src/my_llm_service"
KEY_STORE_FILES = {f"{PACKAGE}/keys.py", f"{PACKAGE}/watched_file.py", "tests/test_keys.py", "tests/test_key_file.py"}
# Failed authentications are throttled where authentication can fail.
AUTH_FAILURE_FILES = {f"{PACKAGE}/limiter/auth_failures.py"}

# What each scheme's settings and docs mention; no other scheme may mention it.
SETTINGS = {
    "api_key": ["api_keys", "api_keys_file", "auth_failures_per_minute"],
    "bearer": ["api_keys", "api_keys_file", "auth_failures_per_minute"],
    "jwt": [
        "jwt_secret",
        "jwt_jwks_url",
        "jwt_audience",
        "jwt_issuer",
        "jwt_tier_claim",
        "jwt_leeway_seconds",
        "auth_failures_per_minute",
    ],
    "none": [],
}
ALL_SETTINGS = {name for names in SETTINGS.values() for name in names}


def read(project: Path, name: str) -> str:
    return (project / name).read_text()


@pytest.mark.parametrize(
    ("scheme", "files"),
    [
        ("api_key", DEFAULT_FILES),
        ("bearer", DEFAULT_FILES),
        ("jwt", (DEFAULT_FILES - KEY_STORE_FILES) | {f"{PACKAGE}/tokens.py"}),
        # Without credentials, no security scheme to document (security.py).
        ("none", DEFAULT_FILES - KEY_STORE_FILES - AUTH_FAILURE_FILES - ADMIN_FILES - {f"{PACKAGE}/security.py"}),
    ],
)
def test_each_scheme_renders_exactly_its_files(render: Render, scheme: str, files: set[str]) -> None:
    assert files_of(render(auth_scheme=scheme)) == files


@pytest.mark.parametrize("scheme", list(SETTINGS))
def test_settings_are_the_schemes_own(render: Render, scheme: str) -> None:
    project = render(auth_scheme=scheme)
    config = "\n".join(path.read_text() for path in (project / PACKAGE).rglob("*.py"))
    readme = read(project, "README.md")
    for name in SETTINGS[scheme]:
        assert f"    {name}:" in config
        assert f"`{name.upper()}`" in readme
    for name in ALL_SETTINGS - set(SETTINGS[scheme]):
        # Whole names: ADMIN_API_KEYS (the operators' keys, in every scheme with a limiter) is not API_KEYS.
        assert not re.search(rf"\b{name}\b", config), name
        assert not re.search(rf"\b{name.upper()}\b", readme + read(project, ".env.example")), name


@pytest.mark.parametrize("scheme", list(SETTINGS))
def test_only_jwt_depends_on_pyjwt_and_only_key_stores_ship_create_api_key(render: Render, scheme: str) -> None:
    pyproject = read(render(auth_scheme=scheme), "pyproject.toml")
    assert ('"pyjwt[crypto]' in pyproject) is (scheme == "jwt")
    assert '"httpx2' in pyproject  # the openai SDK's HTTP client, which every scheme passes to it
    assert ("create-api-key" in pyproject) is (scheme in ("api_key", "bearer"))
    assert ("[project.scripts]" in pyproject) is (scheme in ("api_key", "bearer"))


@pytest.mark.parametrize(
    ("scheme", "header"),
    [
        ("api_key", '-H "X-API-Key: $KEY"'),
        ("bearer", '-H "Authorization: Bearer $KEY"'),
        ("jwt", '-H "Authorization: Bearer $TOKEN"'),
        ("none", "curl -s localhost:8000/chat -H 'Content-Type: application/json'"),
    ],
)
def test_readme_shows_how_to_call_each_scheme(render: Render, scheme: str, header: str) -> None:
    readme = read(render(auth_scheme=scheme), "README.md")
    assert header in readme
    assert ("create-api-key" in readme) is (scheme in ("api_key", "bearer"))
    assert ("jwt.encode(" in readme) is (scheme == "jwt")


def test_auth_modules_use_only_their_own_machinery(render: Render) -> None:
    for scheme, must, must_not in [
        # api_key reads `Authorization: Bearer` too, on /v1 only (see test_variants.py).
        ("api_key", ["APIKeyHeader", ".key_store."], [".tokens", "token_verifier"]),
        ("bearer", ["HTTPBearer", ".key_store.", 'error="invalid_token"'], ["APIKeyHeader", "token_verifier"]),
        ("jwt", ["HTTPBearer", ".token_verifier.", 'error="invalid_token"'], ["key_store", "APIKeyHeader"]),
        # The client address comes from the server, which handles proxy headers itself.
        ("none", ["request.client"], ["key_store", ".tokens", "HTTPBearer", "APIKeyHeader", "request.headers"]),
    ]:
        project = render(scheme, auth_scheme=scheme)
        auth = read(project, f"{PACKAGE}/auth.py")
        for text in must:
            assert text in auth, (scheme, text)
        for text in must_not:
            assert text not in auth, (scheme, text)
        services = read(project, f"{PACKAGE}/services.py")
        assert ("KeyStore" in services) is (scheme in ("api_key", "bearer"))
        assert ("token_verifier" in services) is (scheme == "jwt")


def test_no_key_store_trace_without_a_key_store(render: Render) -> None:
    for scheme in ("jwt", "none"):
        project = render(scheme, auth_scheme=scheme)
        for name in files_of(project):
            if name.endswith(".py"):
                text = read(project, name)
                assert "keys import" not in text, name
                assert "hash_key" not in text, name
                assert "KeyEntry" not in text, name


def test_answers_file_records_the_scheme_but_not_computed_values(render: Render) -> None:
    answers = yaml.safe_load(read(render(auth_scheme="jwt"), ".copier-answers.yml"))
    assert answers["auth_scheme"] == "jwt"
    assert "uses_key_store" not in answers


def test_without_rate_limits_tokens_carry_no_tier(render: Render) -> None:
    project = render(auth_scheme="jwt", limiter_backend="none")
    for name in (f"{PACKAGE}/config.py", f"{PACKAGE}/tokens.py", "README.md", ".env.example"):
        text = read(project, name)
        assert "tier_claim" not in text.lower(), name
        assert "RATE_LIMIT_TIERS" not in text, name
