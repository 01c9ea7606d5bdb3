"""The floor: the least a FastAPI endpoint in front of the upstream can cost.

POST /chat parses the same body as the service's /chat, forwards it with AsyncOpenAI and returns the
completion: no auth, no limiter, no logging, no middleware. The rendered service is measured against it.
POST /three-calls makes the same SDK call three times: the floor of bench/three_calls.py's pipeline.
POST /claude asks the same of Claude with AsyncAnthropic (when the project has the anthropic SDK).

    OPENAI_BASE_URL=http://127.0.0.1:<stub>/v1 uvicorn floor:app --app-dir bench
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from openai import AsyncOpenAI
from pydantic import BaseModel


class ChatRequest(BaseModel):
    message: str
    temperature: float = 0.7
    max_tokens: int = 1000


class ChatResponse(BaseModel):
    response: str
    model: str
    prompt_tokens: int
    completion_tokens: int


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.client = AsyncOpenAI(api_key="bench", base_url=os.environ["OPENAI_BASE_URL"], max_retries=0)
    try:
        from anthropic import AsyncAnthropic
    except ImportError:  # a project without Claude
        app.state.claude = None
    else:
        app.state.claude = AsyncAnthropic(api_key="bench", base_url=os.environ["ANTHROPIC_BASE_URL"], max_retries=0)
    yield
    await app.state.client.close()
    if app.state.claude is not None:
        await app.state.claude.close()


app = FastAPI(lifespan=lifespan)


@app.post("/chat")
async def chat(body: ChatRequest) -> ChatResponse:
    return await complete(body)


@app.post("/three-calls")
async def three_calls(body: ChatRequest) -> dict[str, str]:
    return {"response": " ".join([(await complete(body)).response for _ in range(3)])}


@app.post("/claude")
async def claude(body: ChatRequest) -> ChatResponse:
    message = await app.state.claude.messages.create(
        model="claude-haiku-4-5",
        messages=[{"role": "user", "content": body.message}],
        max_tokens=body.max_tokens,  # Claude takes no temperature (Anthropic's API 2026-10-21)
    )
    text = "".join(block.text for block in message.content if block.type == "text")
    usage = message.usage
    return ChatResponse(
        response=text, model=message.model, prompt_tokens=usage.input_tokens, completion_tokens=usage.output_tokens
    )


async def complete(body: ChatRequest) -> ChatResponse:
    client: AsyncOpenAI = app.state.client
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": body.message}],
        temperature=body.temperature,
        max_tokens=body.max_tokens,
    )
    usage = completion.usage
    assert usage is not None
    return ChatResponse(
        response=completion.choices[0].message.content or "",
        model=completion.model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
    )
