"""The anthropic provider against a local fake of the Messages API (tests/fakes)."""

from __future__ import annotations

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
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from homeport.providers.anthropic import AnthropicProvider
from homeport.settings import AnthropicProvider as Config
from homeport.types import ChatRequest, Chunk, Message, ToolCallDelta, Usage
from tests.fakes.anthropic_server import FakeAnthropic, Reply, ToolUse, serve_anthropic

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
       "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
WEATHER: dict[str, Any] = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}
CLOCK = {"type": "function", "function": {"name": "get_time"}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with serve_anthropic() as server:
        yield server


def make_provider(base_url: str, **cfg: Any) -> AnthropicProvider:
    return AnthropicProvider(Config(type="anthropic", name="claude", base_url=base_url,
                                    **{"api_key": "test-key", **cfg}))


@pytest.fixture
async def provider(fake: FakeAnthropic) -> AsyncIterator[AnthropicProvider]:
    p = make_provider(fake.base_url, default_max_tokens=321)
    yield p
    await p.close()


async def run(p: AnthropicProvider, req: ChatRequest, model: str = "claude-test") -> list[Chunk]:
    return [c async for c in p.stream(req, model)]


async def run_once(base_url: str, req: ChatRequest, **cfg: Any) -> list[Chunk]:
    """`req` through a provider of its own, configured with `cfg`."""
    p = make_provider(base_url, **cfg)
    try:
        return await run(p, req)
    finally:
        await p.close()


def chat(*messages: Message, **kw: Any) -> ChatRequest:
    return ChatRequest(model="claude", messages=list(messages), **kw)


def user(text: str) -> Message:
    return Message("user", text)


def tool_args(chunks: list[Chunk]) -> dict[int, dict[str, Any]]:
    """Tool-call deltas assembled by index, the way an OpenAI client does."""
    calls: dict[int, dict[str, Any]] = {}
    for c in chunks:
        for d in c.tool_calls or []:
            call = calls.setdefault(d.index, {"id": None, "name": None, "arguments": ""})
            call["id"] = call["id"] or d.id
            call["name"] = call["name"] or d.name
            call["arguments"] += d.arguments
    return calls


# ---- request translation --------------------------------------------------------------------

async def test_full_conversation_is_translated(fake: FakeAnthropic,
                                               provider: AnthropicProvider) -> None:
    req = chat(
        Message("system", "Be brief."),
        Message("developer", [{"type": "text", "text": "Use metric units."}]),
        user("Hi"),
        Message("user", [
            {"type": "text", "text": "Look at these"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]),
        Message("assistant", "Checking.", tool_calls=[
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}},
            {"id": "call_2", "type": "function", "function": {"name": "get_time",
                                                              "arguments": ""}}]),
        Message("tool", "18C", tool_call_id="call_1"),
        Message("tool", [{"type": "text", "text": "noon"}], tool_call_id="call_2"),
        user("Thanks"),
        tools=[WEATHER, CLOCK], tool_choice="required", stop=["END", "\n\nHuman:"],
        temperature=0.3, top_p=0.9, user="user-7", extra={"parallel_tool_calls": False})
    await run(provider, req)
    sent = fake.requests[0]
    assert sent.headers["x-api-key"] == "test-key"
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.body == {
        "model": "claude-test", "max_tokens": 321,
        "system": "Be brief.\n\nUse metric units.",
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "Hi"},
                {"type": "text", "text": "Look at these"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                             "data": PNG}},
                {"type": "image", "source": {"type": "url",
                                             "url": "https://example.com/cat.jpg"}}]},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "call_1", "name": "get_weather",
                 "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "call_2", "name": "get_time", "input": {}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": "18C"},
                {"type": "tool_result", "tool_use_id": "call_2",
                 "content": [{"type": "text", "text": "noon"}]},
                {"type": "text", "text": "Thanks"}]}],
        "temperature": 0.3, "top_p": 0.9,
        "stop_sequences": ["END", "\n\nHuman:"],
        "metadata": {"user_id": "user-7"},
        "tools": [
            {"name": "get_weather", "description": "Weather for a city",
             "input_schema": WEATHER["function"]["parameters"]},
            {"name": "get_time", "input_schema": {"type": "object", "properties": {}}}],
        "tool_choice": {"type": "any", "disable_parallel_tool_use": True},
    }


async def test_max_tokens_defaults_from_config_and_request_wins(
        fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    await run(provider, chat(user("a")))
    await run(provider, chat(user("b"), max_tokens=50))
    await run(provider, chat(user("c"), extra={"max_completion_tokens": 60}))
    assert [r.body["max_tokens"] for r in fake.requests] == [321, 50, 60]


@pytest.mark.parametrize(("choice", "parallel", "expected"), [
    ("auto", None, {"type": "auto"}),
    ("required", None, {"type": "any"}),
    ("none", None, {"type": "none"}),
    ({"type": "function", "function": {"name": "get_time"}}, None,
     {"type": "tool", "name": "get_time"}),
    (None, False, {"type": "auto", "disable_parallel_tool_use": True}),
    ({"type": "function", "function": {"name": "get_weather"}}, False,
     {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": True}),
    ("none", False, {"type": "none"}),
    (None, None, None),
])
async def test_tool_choice(fake: FakeAnthropic, provider: AnthropicProvider,
                           choice: Any, parallel: bool | None, expected: Any) -> None:
    extra = {} if parallel is None else {"parallel_tool_calls": parallel}
    await run(provider, chat(user("x"), tools=[WEATHER, CLOCK], tool_choice=choice, extra=extra))
    assert fake.requests[0].body.get("tool_choice") == expected


async def test_response_format_becomes_a_system_instruction(
        fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    await run(provider, chat(Message("system", "Count."), user("x"), response_format={
        "type": "json_schema", "json_schema": {"name": "n", "schema": schema}}))
    await run(provider, chat(user("y"), response_format={"type": "json_object"}))
    await run(provider, chat(user("z"), response_format={"type": "text"}))
    first, second, third = (r.body for r in fake.requests)
    assert "response_format" not in first
    assert first["system"].startswith("Count.\n\nRespond with one JSON object only")
    assert first["system"].endswith(orjson.dumps(schema).decode())
    assert second["system"] == "Respond with one JSON object only: no prose, no code fences."
    assert "system" not in third
    assert not provider.capabilities.json_schema  # best effort, not claimed


async def test_turn_shapes_the_api_requires(fake: FakeAnthropic,
                                            provider: AnthropicProvider) -> None:
    # leading assistant turn, an empty assistant message, and a prefill ending in whitespace
    await run(provider, chat(Message("system", "s"), Message("assistant", "Hello, how can I help?"),
                             user("Tell me"), Message("assistant", None), user("more"),
                             Message("assistant", "Sure:  \n"), temperature=1.7))
    body = fake.requests[0].body
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "."}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Hello, how can I help?"}]},
        {"role": "user", "content": [{"type": "text", "text": "Tell me"},
                                     {"type": "text", "text": "more"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Sure:"}]}]
    assert body["temperature"] == 1.0  # OpenAI's 0..2 clamped to Anthropic's 0..1


async def test_tool_history_without_tools_gets_inert_definitions(
        fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    call = {"id": "call_9", "type": "function",
            "function": {"name": "lookup", "arguments": '{"q": "x"}'}}
    await run(provider, chat(user("find x"), Message("assistant", None, tool_calls=[call]),
                             Message("tool", "found", tool_call_id="call_9"),
                             user("summarise")))
    body = fake.requests[0].body
    assert body["tools"] == [{"name": "lookup", "input_schema": {"type": "object"}}]
    assert body["tool_choice"] == {"type": "none"}


async def test_tool_results_open_their_user_turn(fake: FakeAnthropic,
                                                 provider: AnthropicProvider) -> None:
    # a user message slipped in between the tool call and its result
    call = {"id": "call_3", "type": "function",
            "function": {"name": "get_time", "arguments": "{}"}}
    await run(provider, chat(user("time?"), Message("assistant", None, tool_calls=[call]),
                             user("hurry"), Message("tool", "noon", tool_call_id="call_3"),
                             tools=[CLOCK]))
    assert fake.requests[0].body["messages"][2] == {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "call_3", "content": "noon"},
        {"type": "text", "text": "hurry"}]}


@pytest.mark.parametrize(("req", "message"), [
    (ChatRequest(model="c", prompt="Once upon a time"), "chat only"),
    (chat(Message("system", "only a system prompt")), "at least one user or assistant"),
    (chat(Message("user", [{"type": "image_url",
                            "image_url": {"url": "data:image/svg+xml;base64,PHN2Zz4="}}])),
     "not image/svg"),
    (chat(Message("user", [{"type": "input_audio", "input_audio": {"data": "x"}}])),
     "'input_audio'"),
    (chat(user("x"), extra={"n": 2}), "one choice"),
    (chat(user("x"), Message("assistant", None, tool_calls=[
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{bad"}}])),
     "not JSON"),
    (chat(user("x"), tools=[{"type": "web_search"}]), "function tools only"),
], ids=["completion", "no-turns", "svg", "audio", "n", "bad-arguments", "non-function-tool"])
async def test_untranslatable_requests_fail_before_egress(
        fake: FakeAnthropic, provider: AnthropicProvider, req: ChatRequest, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        await run(provider, req)
    assert fake.requests == []


# ---- responses ------------------------------------------------------------------------------

async def test_non_streaming_text(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.script(Reply(blocks=["Hello", " world"], usage={
        "input_tokens": 10, "cache_creation_input_tokens": 2, "cache_read_input_tokens": 5,
        "output_tokens": 4}))
    chunks = await run(provider, chat(user("hi")))
    assert chunks == [Chunk(text="Hello world", finish_reason="stop", usage=Usage(17, 4))]
    assert "stream" not in fake.requests[0].body


async def test_non_streaming_tool_use(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.script(Reply(blocks=["Let me look.", ToolUse("get_weather", {"city": "Oslo"}, "tu_a"),
                              ToolUse("get_time", {}, "tu_b")]))
    [chunk] = await run(provider, chat(user("weather?"), tools=[WEATHER, CLOCK]))
    assert chunk.text == "Let me look."
    assert chunk.tool_calls == [ToolCallDelta(0, "tu_a", "get_weather", '{"city":"Oslo"}'),
                                ToolCallDelta(1, "tu_b", "get_time", "{}")]
    assert chunk.finish_reason == "tool_calls"


async def test_streaming_text(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.script(Reply(blocks=["Hel", "lo", " there"], usage={"input_tokens": 9,
                                                               "output_tokens": 3}))
    chunks = await run(provider, chat(user("hi"), stream=True))
    assert fake.requests[0].body["stream"] is True
    assert [c.text for c in chunks[:-1]] == ["Hel", "lo", " there"]
    assert all(c.finish_reason is None for c in chunks[:-1])
    # input tokens come from message_start, output tokens from message_delta
    assert chunks[-1] == Chunk(finish_reason="stop", usage=Usage(9, 3))


async def test_streaming_tool_calls_split_across_events(
        fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    weather = {"city": "Reykjavík", "units": "metric", "days": [1, 2, 3]}
    fake.script(Reply(blocks=["Checking.", ToolUse("get_weather", weather, "tu_1"),
                              ToolUse("get_time", {}, "tu_2")], json_piece=4))
    chunks = await run(provider, chat(user("weather?"), tools=[WEATHER, CLOCK], stream=True))
    pieces = [d for c in chunks for d in c.tool_calls or [] if d.index == 0 and d.arguments]
    assert len(pieces) > 5  # the arguments really arrived in parts
    assert "".join(c.text for c in chunks) == "Checking."
    calls = tool_args(chunks)
    assert sorted(calls) == [0, 1]  # tool-call indexes, not content-block indexes (1, 2)
    assert calls[0]["id"] == "tu_1" and calls[0]["name"] == "get_weather"
    assert orjson.loads(calls[0]["arguments"]) == weather
    assert calls[1] == {"id": "tu_2", "name": "get_time", "arguments": "{}"}
    assert chunks[-1].finish_reason == "tool_calls"


@pytest.mark.parametrize(("stop_reason", "finish"), [
    ("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"),
    ("tool_use", "tool_calls"), ("refusal", "content_filter")])
@pytest.mark.parametrize("stream", [False, True])
async def test_finish_reason_mapping(fake: FakeAnthropic, provider: AnthropicProvider,
                                     stop_reason: str, finish: str, stream: bool) -> None:
    fake.script(Reply(blocks=["x"], stop_reason=stop_reason,
                      stop_sequence="END" if stop_reason == "stop_sequence" else None))
    chunks = await run(provider, chat(user("hi"), stream=stream))
    assert chunks[-1].finish_reason == finish
    assert chunks[-1].usage == Usage(12, 7)


# ---- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "error"), [
    (400, InvalidRequest), (529, UpstreamFailed), (500, UpstreamFailed),
    (401, UpstreamFailed), (429, UpstreamRateLimited), (404, UpstreamRejected)])
@pytest.mark.parametrize("stream", [False, True])
async def test_http_errors_are_mapped(fake: FakeAnthropic, provider: AnthropicProvider,
                                      status: int, error: type[Exception], stream: bool) -> None:
    fake.script(Reply(status=status, error_message=f"upstream says {status}"))
    with pytest.raises(error) as info:
        await run(provider, chat(user("hi"), stream=stream))
    assert f"upstream says {status}" in str(info.value)
    assert isinstance(info.value, RETRIABLE) == (status >= 500 or status in (401, 429))


async def test_validation_error_carries_the_upstream_message(
        fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    req = chat(user("x"), tools=[WEATHER], tool_choice={"type": "function",
                                                        "function": {"name": "missing"}})
    with pytest.raises(InvalidRequest, match=r"tool_choice\.name: tool 'missing' is not in tools"):
        await run(provider, req)


async def test_wrong_api_key_is_an_upstream_failure(fake: FakeAnthropic) -> None:
    with pytest.raises(UpstreamFailed, match="credentials"):
        await run_once(fake.base_url, chat(user("x")), api_key="wrong")


async def test_connection_refused_is_retriable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(UpstreamFailed, match="cannot reach"):
        await run_once(f"http://127.0.0.1:{port}", chat(user("x"), stream=True))


async def test_slow_upstream_times_out(fake: FakeAnthropic) -> None:
    fake.script(Reply(delay_s=2))
    with pytest.raises(UpstreamTimeout):
        await run_once(fake.base_url, chat(user("x")), read_timeout_s=0.2)


@pytest.mark.parametrize(("kind", "error"), [("overloaded_error", UpstreamUnavailable),
                                             ("api_error", UpstreamFailed)])
async def test_error_event_mid_stream(fake: FakeAnthropic, provider: AnthropicProvider,
                                      kind: str, error: type[Exception]) -> None:
    fake.script(Reply(blocks=["partial ", "answer", ToolUse("get_time", {})],
                      stream_error_after=1, stream_error_type=kind))
    got: list[Chunk] = []
    with pytest.raises(error, match=kind):
        async for chunk in provider.stream(chat(user("x"), stream=True), "claude-test"):
            got.append(chunk)
    assert "".join(c.text for c in got) == "partial answer"
    assert all(c.finish_reason is None for c in got)


async def test_stream_cut_before_message_stop(fake: FakeAnthropic,
                                              provider: AnthropicProvider) -> None:
    fake.script(Reply(blocks=["half", ToolUse("get_time", {})], cut_stream_after=1))
    with pytest.raises(UpstreamFailed, match="before message_stop"):
        await run(provider, chat(user("x"), stream=True))
