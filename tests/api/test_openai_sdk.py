"""The official openai SDK, sync and async, against a real `homeport serve` on the embedded models.
Every JSON body and stream chunk is also validated against OpenAI's own OpenAPI schemas."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from tests.conftest import ADMIN_KEY
from tests.helpers import ServerProcess, SpecValidator


@pytest.fixture
def client(server: ServerProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=ADMIN_KEY, max_retries=0)


@pytest.fixture
def aclient(server: ServerProcess) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=f"{server.url}/v1", api_key=ADMIN_KEY, max_retries=0)


def test_models_lists_the_embedded_models(client: openai.OpenAI, spec: SpecValidator) -> None:
    page = client.models.list()
    ids = {m.id for m in page.data}
    assert {"local", "local-embed"} <= ids
    spec.validate("ListModelsResponse", page.model_dump())
    assert client.models.retrieve("SmolLM2-135M-Instruct").id == "local"


def test_chat_json(client: openai.OpenAI, spec: SpecValidator) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="local", messages=[{"role": "user", "content": "What is 2+2?"}], max_tokens=12,
        temperature=0, seed=7)
    resp = raw.parse()
    assert raw.headers["x-homeport-route"] == "local/local"
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].message.content
    assert resp.choices[0].finish_reason in ("stop", "length")
    assert 0 < resp.usage.completion_tokens <= 12
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens
    spec.validate("CreateChatCompletionResponse", json.loads(raw.text))


def test_chat_real_name_and_max_completion_tokens(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="SmolLM2-135M-Instruct", messages=[{"role": "user", "content": "Hi"}],
        max_completion_tokens=3)
    assert resp.usage.completion_tokens <= 3
    assert resp.choices[0].finish_reason == "length"


def test_chat_stream_with_usage(client: openai.OpenAI, spec: SpecValidator) -> None:
    stream = client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Count to five."}], max_tokens=16,
        stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    for chunk in chunks:
        spec.validate("CreateChatCompletionStreamResponse", chunk.model_dump(exclude_unset=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finals) == 1
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    assert all(c.usage is None for c in chunks[:-1])
    assert len({c.id for c in chunks}) == 1


def test_stream_without_usage_option_sends_no_usage(server: ServerProcess) -> None:
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", timeout=60,
                      headers={"authorization": f"Bearer {ADMIN_KEY}"},
                      json={"model": "local", "stream": True, "max_tokens": 4,
                            "messages": [{"role": "user", "content": "Hi"}]}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [ln for ln in r.iter_lines() if ln]
    assert lines[-1] == "data: [DONE]"
    bodies = [json.loads(ln[6:]) for ln in lines[:-1]]
    assert all("usage" not in b for b in bodies)
    assert bodies[-1]["choices"][0]["finish_reason"] == "length"


def test_json_object_response_format(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="local", response_format={"type": "json_object"}, max_tokens=60, temperature=0,
        messages=[{"role": "user", "content": "Describe a cat as JSON with name and age."}])
    content = resp.choices[0].message.content
    assert content is not None
    if resp.choices[0].finish_reason == "stop":
        assert isinstance(json.loads(content), dict)
    else:  # cut by max_tokens: still the start of a JSON object
        assert content.lstrip().startswith("{")


def test_forced_tool_call(client: openai.OpenAI, spec: SpecValidator) -> None:
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]}}}]
    raw = client.chat.completions.with_raw_response.create(
        model="local", tools=tools, max_tokens=40, temperature=0,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        messages=[{"role": "user", "content": "What's the weather in Paris?"}])
    spec.validate("CreateChatCompletionResponse", json.loads(raw.text))
    msg = raw.parse().choices[0].message
    assert msg.tool_calls and msg.tool_calls[0].function.name == "get_weather"
    assert "city" in json.loads(msg.tool_calls[0].function.arguments)
    assert raw.parse().choices[0].finish_reason == "tool_calls"


def test_legacy_completions(client: openai.OpenAI, spec: SpecValidator) -> None:
    raw = client.completions.with_raw_response.create(model="local", prompt="The sky is",
                                                      max_tokens=5, temperature=0)
    spec.validate("CreateCompletionResponse", json.loads(raw.text))
    resp = raw.parse()
    assert resp.choices[0].text and resp.usage.completion_tokens <= 5
    streamed = list(client.completions.create(model="local", prompt="The sky is", max_tokens=5,
                                              stream=True))
    assert "".join(c.choices[0].text for c in streamed if c.choices)


def test_embeddings_float_and_base64(client: openai.OpenAI, spec: SpecValidator) -> None:
    raw = client.embeddings.with_raw_response.create(
        model="local-embed", input=["The cat sat on the mat.", "A feline rested on a rug."],
        encoding_format="float")
    spec.validate("CreateEmbeddingResponse", json.loads(raw.text))
    floats = raw.parse()
    assert len(floats.data) == 2 and len(floats.data[0].embedding) == 384
    assert floats.usage.prompt_tokens > 0
    # The SDK asks for base64 by default and decodes it; the vectors must agree.
    b64 = client.embeddings.create(model="all-MiniLM-L6-v2", input=["The cat sat on the mat."])
    assert b64.data[0].embedding == pytest.approx(floats.data[0].embedding, abs=1e-6)
    single = client.embeddings.create(model="local-embed", input="hello")
    assert len(single.data) == 1


def test_similar_sentences_embed_closer(client: openai.OpenAI) -> None:
    v = [d.embedding for d in client.embeddings.create(model="local-embed", input=[
        "How do I reset my password?", "I forgot my password and need to change it.",
        "The stock market fell sharply today."]).data]

    def cos(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.2


async def test_async_client_json_and_stream(aclient: openai.AsyncOpenAI) -> None:
    resp = await aclient.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert resp.choices[0].message.content
    stream = await aclient.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Say hello."}], max_tokens=8,
        stream=True)
    pieces = [c.choices[0].delta.content async for c in stream if c.choices]
    assert "".join(p or "" for p in pieces)
    emb = await aclient.embeddings.create(model="local-embed", input="async")
    assert len(emb.data[0].embedding) == 384


def test_sdk_errors_carry_status_and_message(client: openai.OpenAI, server: ServerProcess,
                                             spec: SpecValidator) -> None:
    with pytest.raises(openai.NotFoundError) as nf:
        client.chat.completions.create(model="gpt-nope", messages=[{"role": "user",
                                                                   "content": "x"}])
    assert nf.value.status_code == 404
    assert "gpt-nope" in nf.value.message and "local" in nf.value.message
    spec.validate("ErrorResponse", nf.value.response.json())

    bad = openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as auth:
        bad.models.list()
    assert auth.value.status_code == 401

    with pytest.raises(openai.BadRequestError) as br:
        client.chat.completions.create(model="local", messages=[], max_tokens=2)
    assert br.value.status_code == 400 and "messages" in br.value.message

    with pytest.raises(openai.BadRequestError) as br2:
        client.chat.completions.create(model="local", temperature=7,
                                       messages=[{"role": "user", "content": "x"}])
    assert "temperature" in br2.value.message

    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="local", input="chat models do not embed")
