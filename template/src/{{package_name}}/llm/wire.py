"""What every adapter's strict reading of its provider's replies shares."""

from typing import Annotated

from pydantic import Field, ValidationError

MAX_TOKENS = 10_000_000
"""More tokens than any model reads or writes in one call: a count above it is a malformed reply."""

# `strict`: 12.5, "12" and true are no token counts.
TokenCount = Annotated[int, Field(strict=True, ge=0, le=MAX_TOKENS)]


def first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]
