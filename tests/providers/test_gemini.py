"""The gemini provider against a local fake of the Gemini API (tests/fakes/gemini_server)."""

from __future__ import annotations

import base64
import socket
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from homeport.errors import (
    RETRIABLE,
    InvalidRequest,
    UpstreamFailed,
    UpstreamRateLimited,
    UpstreamUnavailable,
)
from homeport.providers.gemini import GeminiProvider
from homeport.settings import GeminiProvider as Config
from homeport.types import ChatRequest, Chunk, Message
from tests.fakes.gemini_server import FakeGemini, Reply, fake_vector, serve_gemini

MODEL = "gemini-2.5-flash"
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5"
       "ErkJggg==")
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}
CLOCK = {"type": "function", "function": {"name": "get_time",
                                          "parameters": {"type": "object", "properties": {}}}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeGemini]:
    async with serve_gemini() as server:
        yield server


def make_provider(base_url: str, **cfg: Any) -> GeminiProvider:
    return GeminiProvider(Config(type="gemini", name="gemini", base_url=base_url,
                                 **{"api_key": "test-key", **cfg}))


@pytest.fixture
async def provider(fake: FakeGemini) -> AsyncIterator[GeminiProvider]:
    p = make_provider(fake.base_url)
    yield p
    await p.close()


async def run(p: GeminiProvider, req: ChatRequest, model: str = MODEL) -> list[Chunk]:
    return [c async for c in p.stream(req, model)]


def chat(*messages: Message, **kw: Any) -> ChatRequest:
    return ChatRequest(model="gemini", messages=list(messages), **kw)


def user(text: str) -> Message:
    return Message("user", text)


# ---- request translation ----

async def test_system_roles_merged_turns_and_images(provider: GeminiProvider,
                                                    fake: FakeGemini) -> None:
    await run(provider, chat(
        Message("system", "Be brief."), Message("developer", "Answer in French."),
        user("Hi"), user("there"), Message("assistant", "Bonjour"), Message("assistant", "!"),
        Message("user", [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
            {"type": "image_url", "image_url": "https://example.com/files/abc"}])))
    got = fake.last
    assert (got.method, got.model, got.query) == ("generateContent", MODEL, {})
    assert got.headers["x-goog-api-key"] == "test-key"
    assert got.body["systemInstruction"] == {
        "parts": [{"text": "Be brief."}, {"text": "Answer in French."}]}
    assert got.body["contents"] == [
        {"role": "user", "parts": [{"text": "Hi"}, {"text": "there"}]},
        {"role": "model", "parts": [{"text": "Bonjour"}, {"text": "!"}]},
        {"role": "user", "parts": [
            {"text": "What is this?"},
            {"inlineData": {"mimeType": "image/png", "data": PNG}},
            {"fileData": {"fileUri": "https://example.com/cat.jpg", "mimeType": "image/jpeg"}},
            {"fileData": {"fileUri": "https://example.com/files/abc"}}]}]
    assert "tools" not in got.body and "toolConfig" not in got.body


async def test_percent_encoded_data_url_is_base64_encoded(provider: GeminiProvider,
                                                          fake: FakeGemini) -> None:
    await run(provider, chat(Message("user", [
        {"type": "file", "file": {"file_data": "data:text/plain,hello%20world"}}])))
    part = fake.last.body["contents"][0]["parts"][0]
    assert part == {"inlineData": {"mimeType": "text/plain",
                                   "data": base64.b64encode(b"hello world").decode()}}


async def test_tool_schemas_are_cleaned_and_choice_is_mapped(provider: GeminiProvider,
                                                             fake: FakeGemini) -> None:
    search = {"type": "function", "function": {
        "name": "search", "description": "Search the web", "strict": True, "parameters": {
            "$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "additionalProperties": False, "required": ["query", "ghost"],
            "properties": {
                "query": {"type": "string", "format": "uri", "minLength": 1},
                "when": {"type": "string", "format": "date-time"},
                "limit": {"type": ["integer", "null"], "minimum": 1, "examples": [5]},
                "filters": {"type": "array", "items": {"$ref": "#/$defs/Filter"}},
                "mode": {"const": "fast"}, "level": {"type": "integer", "enum": [1, 2]}},
            "$defs": {"Filter": {"type": "object", "additionalProperties": False,
                                 "properties": {"field": {"type": "string"}},
                                 "required": ["field"]}}}}}
    await run(provider, chat(user("find cats"), tools=[search, CLOCK],
                             tool_choice={"type": "function", "function": {"name": "search"}}))
    body = fake.last.body
    assert body["tools"] == [{"functionDeclarations": [
        {"name": "search", "description": "Search the web", "parameters": {
            "type": "object", "required": ["query"], "properties": {
                "query": {"type": "string", "minLength": 1},
                "when": {"type": "string", "format": "date-time"},
                "limit": {"type": "integer", "nullable": True, "minimum": 1},
                "filters": {"type": "array", "items": {
                    "type": "object", "properties": {"field": {"type": "string"}},
                    "required": ["field"]}},
                "mode": {"type": "string", "enum": ["fast"]},
                "level": {"type": "integer", "description": "one of: 1, 2"}}}},
        {"name": "get_time"}]}]
    assert body["toolConfig"] == {"functionCallingConfig": {
        "mode": "ANY", "allowedFunctionNames": ["search"]}}


@pytest.mark.parametrize(("choice", "mode"), [("auto", "AUTO"), ("none", "NONE"),
                                              ("required", "ANY")])
async def test_tool_choice_modes(provider: GeminiProvider, fake: FakeGemini, choice: str,
                                 mode: str) -> None:
    await run(provider, chat(user("weather?"), tools=[WEATHER], tool_choice=choice))
    assert fake.last.body["toolConfig"] == {"functionCallingConfig": {"mode": mode}}


async def test_tool_history_becomes_function_call_and_response_turns(
        provider: GeminiProvider, fake: FakeGemini) -> None:
    await run(provider, chat(
        user("Weather in Oslo, and the time?"),
        Message("assistant", None, tool_calls=[
            {"id": i, "type": "function", "function": {"name": n, "arguments": a}}
            for i, n, a in [("call_a", "get_weather", '{"city": "Oslo"}'),
                            ("call_b", "get_time", "")]]),
        Message("tool", '{"temp_c": 4, "sky": "snow"}', tool_call_id="call_a"),
        Message("tool", "12:30", tool_call_id="call_b"),
        user("Thanks; and tomorrow?"), tools=[WEATHER, CLOCK]))
    assert fake.last.body["contents"][1:] == [
        {"role": "model", "parts": [
            {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}},
            {"functionCall": {"name": "get_time", "args": {}}}]},
        {"role": "user", "parts": [
            {"functionResponse": {"name": "get_weather",
                                  "response": {"temp_c": 4, "sky": "snow"}}},
            {"functionResponse": {"name": "get_time", "response": {"result": "12:30"}}},
            {"text": "Thanks; and tomorrow?"}]}]


async def test_unknown_tool_call_id_is_refused_before_sending(provider: GeminiProvider,
                                                              fake: FakeGemini) -> None:
    with pytest.raises(InvalidRequest) as e:
        await run(provider, chat(user("hi"), Message("tool", "42", tool_call_id="nope")))
    assert e.value.param == "messages[1].tool_call_id"
    assert fake.received == []


async def test_generation_config(provider: GeminiProvider, fake: FakeGemini) -> None:
    await run(provider, chat(user("JSON please"), temperature=0.3, top_p=0.9, max_tokens=77,
                             stop=["END", "STOP"], seed=7,
                             response_format={"type": "json_object"}))
    assert fake.last.body["generationConfig"] == {
        "candidateCount": 1, "temperature": 0.3, "topP": 0.9, "maxOutputTokens": 77, "seed": 7,
        "stopSequences": ["END", "STOP"], "responseMimeType": "application/json"}


async def test_json_schema_goes_to_response_json_schema(provider: GeminiProvider,
                                                        fake: FakeGemini) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}},
              "required": ["n"], "additionalProperties": False}
    await run(provider, chat(user("a number"), response_format={
        "type": "json_schema", "json_schema": {"name": "num", "schema": schema, "strict": True}}))
    cfg = fake.last.body["generationConfig"]
    assert cfg["responseMimeType"] == "application/json"
    assert cfg["responseJsonSchema"] == schema and "responseSchema" not in cfg


async def test_completion_prompt_is_one_user_turn(provider: GeminiProvider,
                                                  fake: FakeGemini) -> None:
    fake.script(Reply.text("blue."))
    chunks = await run(provider, ChatRequest(model="gemini", prompt="The sky is"))
    assert fake.last.body["contents"] == [{"role": "user", "parts": [{"text": "The sky is"}]}]
    assert chunks[0].text == "blue."


# ---- responses ----

async def test_non_streaming_text_usage_and_thoughts_skipped(provider: GeminiProvider,
                                                             fake: FakeGemini) -> None:
    fake.script(Reply(events=[[{"text": "pondering", "thought": True}, {"text": "Hello, "}],
                              [{"text": "world."}]],
                      usage={"promptTokenCount": 11, "candidatesTokenCount": 3,
                             "thoughtsTokenCount": 20, "totalTokenCount": 34}))
    chunks = await run(provider, chat(user("hi")))
    assert len(chunks) == 1
    c = chunks[0]
    assert (c.text, c.finish_reason, c.tool_calls) == ("Hello, world.", "stop", None)
    assert c.usage is not None
    assert (c.usage.prompt_tokens, c.usage.completion_tokens) == (11, 23)


async def test_streaming_text_arrives_in_pieces_then_finish_and_usage(
        provider: GeminiProvider, fake: FakeGemini) -> None:
    fake.script(Reply.text("One ", "two ", "three.", usage={
        "promptTokenCount": 5, "candidatesTokenCount": 3, "totalTokenCount": 8}))
    chunks = await run(provider, chat(user("count"), stream=True))
    assert (fake.last.method, fake.last.query) == ("streamGenerateContent", {"alt": "sse"})
    assert [c.text for c in chunks] == ["One ", "two ", "three.", ""]
    assert all(c.finish_reason is None and c.usage is None for c in chunks[:-1])
    assert chunks[-1].finish_reason == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 8


async def test_non_streaming_function_calls(provider: GeminiProvider, fake: FakeGemini) -> None:
    fake.script(Reply(events=[[{"text": "Checking."},
                               {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}},
                               {"functionCall": {"name": "get_time"}}]]))
    [c] = await run(provider, chat(user("weather and time?"), tools=[WEATHER, CLOCK]))
    assert c.text == "Checking." and c.finish_reason == "tool_calls"
    assert c.tool_calls is not None
    assert [(t.index, t.name, orjson.loads(t.arguments)) for t in c.tool_calls] == [
        (0, "get_weather", {"city": "Oslo"}), (1, "get_time", {})]
    ids = [t.id or "" for t in c.tool_calls]
    assert all(i.startswith("call_") and len(i) > 10 for i in ids) and len(set(ids)) == 2


async def test_streaming_function_calls(provider: GeminiProvider, fake: FakeGemini) -> None:
    fake.script(Reply.calls(("get_weather", {"city": "Oslo"}), ("get_weather", {"city": "Rome"})))
    chunks = await run(provider, chat(user("Oslo and Rome?"), tools=[WEATHER], stream=True))
    deltas = [d for c in chunks for d in c.tool_calls or []]
    assert [(d.index, d.name, orjson.loads(d.arguments)) for d in deltas] == [
        (0, "get_weather", {"city": "Oslo"}), (1, "get_weather", {"city": "Rome"})]
    assert deltas[0].id != deltas[1].id
    assert chunks[-1].finish_reason == "tool_calls"


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("gemini", "openai"), [
    ("STOP", "stop"), ("MAX_TOKENS", "length"), ("SAFETY", "content_filter"),
    ("RECITATION", "content_filter"), ("BLOCKLIST", "content_filter"),
    ("PROHIBITED_CONTENT", "content_filter"), ("SPII", "content_filter"), ("OTHER", "stop")])
async def test_finish_reason_mapping(provider: GeminiProvider, fake: FakeGemini, gemini: str,
                                     openai: str, stream: bool) -> None:
    fake.script(Reply.text("partial", finish_reason=gemini))
    chunks = await run(provider, chat(user("hi"), stream=stream))
    assert chunks[-1].finish_reason == openai


@pytest.mark.parametrize("stream", [False, True])
async def test_blocked_prompt_is_content_filter(provider: GeminiProvider, fake: FakeGemini,
                                                stream: bool) -> None:
    fake.script(Reply(block_reason="SAFETY", usage={"promptTokenCount": 6, "totalTokenCount": 6}))
    chunks = await run(provider, chat(user("something bad"), stream=stream))
    assert "".join(c.text for c in chunks) == ""
    assert chunks[-1].finish_reason == "content_filter"
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens == 6


# ---- embeddings ----

async def test_embeddings(provider: GeminiProvider, fake: FakeGemini) -> None:
    result = await provider.embed(["alpha", "beta gamma"], "models/text-embedding-004")
    assert result.vectors == [fake_vector("alpha"), fake_vector("beta gamma")]
    assert result.prompt_tokens > 0
    assert (fake.last.method, fake.last.model) == ("batchEmbedContents", "text-embedding-004")
    assert fake.last.body == {"requests": [
        {"model": "models/text-embedding-004", "content": {"parts": [{"text": "alpha"}]}},
        {"model": "models/text-embedding-004", "content": {"parts": [{"text": "beta gamma"}]}}]}


async def test_embeddings_are_batched_by_100_in_order(provider: GeminiProvider,
                                                      fake: FakeGemini) -> None:
    texts = [f"text {i}" for i in range(150)]
    result = await provider.embed(texts, "text-embedding-004")
    assert sorted(len(r.body["requests"]) for r in fake.received) == [50, 100]
    assert result.vectors == [fake_vector(t) for t in texts]


# ---- errors ----

@pytest.mark.parametrize("stream", [False, True])
async def test_400_is_invalid_request_with_upstream_message(
        provider: GeminiProvider, fake: FakeGemini, stream: bool) -> None:
    fake.script(Reply.error(400, "* GenerateContentRequest.contents[0]: bad thing"))
    with pytest.raises(InvalidRequest) as e:
        await run(provider, chat(user("hi"), stream=stream))
    assert "bad thing" in e.value.message and not isinstance(e.value, RETRIABLE)
    assert e.value.__cause__ is not e.value


async def test_upstream_validation_error_reaches_the_caller(provider: GeminiProvider) -> None:
    """Gemini allows at most 5 stop sequences; the fake refuses 6 as the real API does."""
    with pytest.raises(InvalidRequest) as e:
        await run(provider, chat(user("hi"), stop=list("abcdef")))
    assert "stop_sequences" in e.value.message


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("status", "error"), [(429, UpstreamRateLimited),
                                               (503, UpstreamUnavailable),
                                               (500, UpstreamFailed)])
async def test_retriable_statuses(provider: GeminiProvider, fake: FakeGemini, status: int,
                                  error: type[Exception], stream: bool) -> None:
    fake.script(Reply.error(status, "try later"))
    with pytest.raises(error) as e:
        await run(provider, chat(user("hi"), stream=stream))
    assert isinstance(e.value, RETRIABLE) and "try later" in str(e.value)


@pytest.mark.parametrize(("key", "says"), [("wrong", "API key not valid"),
                                          (None, "unregistered callers")])
async def test_bad_or_missing_key_is_not_the_callers_fault(fake: FakeGemini, key: str | None,
                                                           says: str) -> None:
    """Google answers 400 for a bad key and 403 for none: both are Homeport's problem."""
    p = make_provider(fake.base_url, api_key=key)
    try:
        with pytest.raises(UpstreamFailed, match=says):
            await run(p, chat(user("hi"), stream=True))
        with pytest.raises(UpstreamFailed, match=says):
            await p.embed(["x"], "text-embedding-004")
    finally:
        await p.close()


async def test_api_key_from_env(fake: FakeGemini, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HP_TEST_GEMINI_KEY", "test-key")
    p = make_provider(fake.base_url, api_key=None, api_key_env="HP_TEST_GEMINI_KEY")
    try:
        assert (await run(p, chat(user("hi"))))[0].text == "Hello from Gemini."
    finally:
        await p.close()


async def test_connection_refused_is_upstream_failed() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = make_provider(f"http://127.0.0.1:{port}/v1beta")
    try:
        with pytest.raises(UpstreamFailed, match="cannot reach"):
            await run(p, chat(user("hi"), stream=True))
    finally:
        await p.close()


async def test_error_inside_the_stream(provider: GeminiProvider, fake: FakeGemini) -> None:
    fake.script(Reply(events=[[{"text": "Once upon"}]], truncate=True, stream_error={
        "code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}))
    seen: list[str] = []
    with pytest.raises(UpstreamFailed, match="Internal error encountered"):
        async for c in provider.stream(chat(user("story"), stream=True), MODEL):
            seen.append(c.text)
    assert seen == ["Once upon"]


async def test_stream_ending_without_finish_reason_fails(provider: GeminiProvider,
                                                         fake: FakeGemini) -> None:
    fake.script(Reply.text("cut", truncate=True))
    with pytest.raises(UpstreamFailed, match="ended before a finishReason"):
        await run(provider, chat(user("hi"), stream=True))

