"""The floor: the least a FastAPI endpoint in front of the upstream can cost.

POST /chat parses the same body as the service's /chat, forwards it with AsyncOpenAI and returns the
completion: no auth, no limiter, no logging, no middleware. The rendered service is measured against it.
POST /three-calls makes the same SDK call three times: the floor of bench/three_calls.py's pipeline.
POST /claude asks the same of Claude with AsyncAnthropic (when the project has the anthropic SDK).
POST /embeddings and POST /responses take the bodies of the service's /v1/embeddings and /v1/responses,
make the SDK's own call with them (`embeddings.create`, `responses.create`) and return its result as
JSON; a streamed response is relayed event by event as it arrives (`event: <type>`, `data: <event>`).

    OPENAI_BASE_URL=http://127.0.0.1:<stub>/v1 uvicorn floor:app --app-dir bench
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import FastAPI, Response
from fastapi.responses import StreamingResponse
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


class EmbeddingsRequest(BaseModel):
    model: str
    input: str | list[str]
    encoding_format: Literal["float", "base64"] = "float"


class ResponsesRequest(BaseModel):
    model: str
    input: str
    temperature: float = 1.0
    max_output_tokens: int = 1000
    stream: bool = False


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


@app.post("/embeddings")
async def embeddings(body: EmbeddingsRequest) -> Response:
    client: AsyncOpenAI = app.state.client
    result = await client.embeddings.create(model=body.model, input=body.input, encoding_format=body.encoding_format)
    # warnings=False: a base64 embedding is a string where the SDK's type says list[float]
    return Response(result.to_json(indent=None, warnings=False), media_type="application/json")


@app.post("/responses", response_model=None)
async def responses(body: ResponsesRequest) -> Response:
    client: AsyncOpenAI = app.state.client
    if not body.stream:
        result = await client.responses.create(
            model=body.model, input=body.input, temperature=body.temperature, max_output_tokens=body.max_output_tokens
        )
        return Response(result.to_json(indent=None), media_type="application/json")
    stream = await client.responses.create(
        model=body.model,
        input=body.input,
        temperature=body.temperature,
        max_output_tokens=body.max_output_tokens,
        stream=True,
    )

    async def events() -> AsyncIterator[str]:
        async with stream:
            async for event in stream:
                yield f"event: {event.type}\ndata: {event.to_json(indent=None)}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


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
