"""ASGI entry point: `uvicorn <package>.main:app`. Settings are read and checked here, once."""

import sys

from pydantic import ValidationError
from pydantic_settings import SettingsError

from .application import create_app
from .config import Settings, describe_settings_error, export_library_variables
from .logs import configure_logging

export_library_variables()  # before the app exists: FastAPI reads OTEL_* as it is made
try:
    settings = Settings()
except (ValidationError, SettingsError) as exc:
    sys.exit(f"configuration error: {describe_settings_error(exc)}")

configure_logging(settings.log_level)
app = create_app(settings)
