"""A pipeline of three LLM calls, as a user writes one (README, "Build your pipeline"): run.py copies it
into the measured project's `pipelines/` package, where the service serves it like any pipeline."""

from fastapi import APIRouter

from ..deps import LLM, AdmittedCaller
from ..schemas import ChatRequest

router = APIRouter()


@router.post("/bench/three-calls")
async def three_calls(body: ChatRequest, caller: AdmittedCaller, llm: LLM) -> dict[str, str]:
    texts = []
    for _ in range(3):
        completion = await llm.complete(body.to_messages(), temperature=body.temperature, max_tokens=body.max_tokens)
        texts.append(completion.text)
    return {"response": " ".join(texts)}
