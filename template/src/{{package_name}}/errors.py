"""One error shape for every failure: `{"error", "error_code", "details"}`."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

logger = logging.getLogger(__name__)


class ErrorResponse(BaseModel):
    error: str
    error_code: str
    details: Any = None


class ApiError(Exception):
    """A failure the service knows how to describe to its caller."""

    def __init__(
        self,
        status_code: int,
        error_code: str,
        message: str,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_code = error_code
        self.message = message
        self.details = details
        self.headers = headers


# Framework errors (routing, body parsing) get a code by status.
_CODES_BY_STATUS = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
}


def error_body(error_code: str, message: str, details: Any = None) -> bytes:
    return ErrorResponse(error=message, error_code=error_code, details=details).model_dump_json().encode()


def error_response(exc: ApiError) -> JSONResponse:
    body = ErrorResponse(error=exc.message, error_code=exc.error_code, details=exc.details)
    return JSONResponse(body.model_dump(mode="json"), exc.status_code, headers=exc.headers)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _CODES_BY_STATUS.get(exc.status_code, HTTPStatus(exc.status_code).name)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers) if exc.headers else None
    return error_response(ApiError(exc.status_code, code, message, headers=headers))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # The offending input is left out: it may be a prompt or a secret.
    details = [{"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]} for error in exc.errors()]
    return error_response(
        ApiError(422, "VALIDATION_ERROR", "Request validation failed", details=jsonable_encoder(details))
    )


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
