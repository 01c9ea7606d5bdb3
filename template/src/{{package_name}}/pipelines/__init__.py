"""Your pipelines: the endpoints this service exists for.

Every module here whose name does not start with `_` and that defines a module-level `router`
(a `fastapi.APIRouter`) is served, in module-name order; nothing else needs editing to add one.
A module without `router` is a helper the others import. A module that fails to import stops the
service's start-up with its traceback.

This package and tests/pipelines/ are yours: `copier update` never changes them. triage.py is the
example to copy; the README's "Build your pipeline" walks through it.
"""
