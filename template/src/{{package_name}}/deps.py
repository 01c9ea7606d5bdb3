"""Dependencies shared by the routes, as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from .admission import admitted, throttled
from .auth import authenticate
from .caller import Caller
from .service_llm import ServiceLLM
from .services import Services, services_of


# `async def` although nothing here awaits: FastAPI runs a plain `def` dependency in a worker
# thread, a hop per request that costs far more than these lookups.
async def get_services(request: Request) -> Services:
    return services_of(request)


async def get_llm(request: Request) -> ServiceLLM:
    return services_of(request).llm


AppServices = Annotated[Services, Depends(get_services)]
# The service's LLM (service_llm.py): every call on it is metered on the request, and charged.
LLM = Annotated[ServiceLLM, Depends(get_llm)]
AuthenticatedCaller = Annotated[Caller, Depends(throttled(authenticate))]
# What the routes take: an authenticated caller, admitted by the rate limits (if any).
AdmittedCaller = Annotated[Caller, Depends(admitted(authenticate))]
