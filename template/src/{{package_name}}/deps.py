"""Dependencies shared by the routes, as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from .admission import admitted, throttled
from .auth import authenticate
from .caller import Caller
from .context import context_of
from .observed_llm import ObservedLLM
from .services import Services, services_of
from .usage import Meter


# `async def` although nothing here awaits: FastAPI runs a plain `def` dependency in a worker
# thread, a hop per request that costs far more than these lookups.
async def get_services(request: Request) -> Services:
    return services_of(request)


async def get_llm(request: Request) -> ObservedLLM:
    return services_of(request).llm


async def get_meter(request: Request) -> Meter:
    return Meter(context_of(request.scope), services_of(request).models)


AppServices = Annotated[Services, Depends(get_services)]
LLM = Annotated[ObservedLLM, Depends(get_llm)]
Metering = Annotated[Meter, Depends(get_meter)]
AuthenticatedCaller = Annotated[Caller, Depends(throttled(authenticate))]
# What the routes take: an authenticated caller, admitted by the rate limits (if any).
AdmittedCaller = Annotated[Caller, Depends(admitted(authenticate))]
