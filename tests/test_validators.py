"""Bad answers are rejected with a clear message, and nothing is written."""

from pathlib import Path

import pytest

from .conftest import Render


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_name": "   "}, "project_name must not be empty"),
        ({"project_slug": "My Service"}, "project_slug must match"),
        ({"project_slug": "1service"}, "project_slug must match"),
        ({"package_name": "my-service"}, "package_name must be a Python identifier"),
        ({"package_name": "class"}, "package_name must not be a Python keyword"),
        ({"author_email": "not-an-email"}, "author_email must be an email address"),
        ({"model": " "}, "model must not be empty"),
        ({"model": "my-llama", "input_price_per_mtok": -1}, "input_price_per_mtok must not be negative"),
        ({"model": "my-llama", "output_price_per_mtok": -0.5}, "output_price_per_mtok must not be negative"),
        ({"llm_provider": "openai_compatible", "llm_base_url": "localhost:11434"}, "llm_base_url must be an http"),
        ({"llm_provider": "bedrock"}, "bedrock"),
        ({"python_version": "3.9"}, "3.9"),
        ({"auth_scheme": "basic"}, "basic"),
        ({"limiter_backend": "memcached"}, "memcached"),
        ({"kubernetes": True, "docker": False}, "kubernetes needs docker"),
    ],
)
def test_bad_answer_is_rejected_and_nothing_written(
    render: Render, tmp_path: Path, answers: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        render(**answers)
    assert not (tmp_path / "project").exists()
