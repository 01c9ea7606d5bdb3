"""The owner's pipelines: every module of the `pipelines` package that defines a `router` is served."""

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter

from .. import pipelines


def pipeline_routers(package: ModuleType = pipelines) -> list[APIRouter]:
    """The `router` of each module in `package` whose name does not start with `_`, in module-name order.

    A module without `router` is a helper of the others. A module that fails to import is not
    skipped: its error stops the start-up, traceback and all.
    """
    routers = []
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda found: found.name):
        if module.name.startswith("_"):
            continue
        imported = importlib.import_module(f"{package.__name__}.{module.name}")
        router = getattr(imported, "router", None)
        if router is None:
            continue
        if not isinstance(router, APIRouter):
            raise TypeError(f"{imported.__name__}.router is a {type(router).__name__}, not a fastapi.APIRouter")
        routers.append(router)
    return routers
