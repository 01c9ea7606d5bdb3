"""API-key authentication: `X-API-Key: <key>`."""

from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from .caller import Caller
from .errors import ApiError
from .keys import KeyStore
from .middleware import access_log_fields

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Your API key")


async def authenticate(request: Request, api_key: Annotated[str | None, Security(api_key_header)]) -> Caller:
    if not api_key:
        raise ApiError(
            401,
            "AUTH_REQUIRED",
            "Missing API key: send it in the X-API-Key header",
            headers={"WWW-Authenticate": 'APIKey header="X-API-Key"'},
        )
    key_store: KeyStore = request.app.state.key_store
    caller = key_store.caller_for(api_key)
    if caller is None:
        raise ApiError(403, "AUTH_INVALID", "Invalid API key")
    access_log_fields(request.scope)["caller"] = caller.id
    return caller
