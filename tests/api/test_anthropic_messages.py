"""Anthropic's Messages API front door (`POST /v1/messages`), driven by the official `anthropic`
SDK (and raw HTTP where the SDK hides the wire) against a real `homeport serve` with the embedded
model, a fake OpenAI-compatible cloud (recording every byte) and a fake Anthropic upstream.

The SDK runs with strict response validation, so every Message it parses matches its own types.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import pytest

from homeport.errors import (
    AuthenticationFailed,
    BudgetExceeded,
    HomeportError,
    InvalidRequest,
    ModelNotFound,
    NoClearedProvider,
    PermissionDenied,
    UpstreamFailed,
)
from homeport.gateway.exchange import Collected
from homeport.types import Chunk, ToolCallDelta, Usage
from homeport.wire import anthropic as wire
from tests.conftest import ADMIN_KEY
from tests.fakes import anthropic_server as anth
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.threaded import ThreadedApp
from tests.helpers import ServerProcess

WEATHER = {"name": "get_weather", "description": "Weather for a city",
           "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                            "required": ["city"]}}
HEADERS = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
CARD = "4539148803436467"  # passes the Luhn check


@pytest.fixture(scope="module")
def fake_anthropic() -> Iterator[anth.FakeAnthropic]:
    fake = anth.FakeAnthropic(api_key="sk-ant")
    server = ThreadedApp(fake.app())
    fake.base_url = f"http://127.0.0.1:{server.start()}"
    yield fake
    server.stop()


@pytest.fixture(scope="module")
def gateway(cloud: FakeOpenAI, fake_anthropic: anth.FakeAnthropic,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The embedded model (`local`, also the cleared fallback), `gpt` on the fake cloud and
    `claude` on the fake Anthropic API."""
    config = f"""
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x, tier: cloud}}
  - {{name: anthropic, type: anthropic, base_url: "{fake_anthropic.base_url}", api_key: sk-ant}}
models:
  - {{name: gpt, provider: cloud}}
  - {{name: claude, provider: anthropic, upstream_model: claude-sonnet-4-5}}
"""
    proc = ServerProcess(tmp_path_factory.mktemp("anthropic-front"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture
def client(gateway: ServerProcess, cloud: FakeOpenAI) -> anthropic.Anthropic:
    cloud.reset()
    return anthropic.Anthropic(base_url=gateway.url, api_key=ADMIN_KEY, max_retries=0,
                               timeout=60, _strict_response_validation=True)


def sse(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) of an Anthropic event stream; each data's type is its event name."""
    events = []
    for block in response.read().decode().split("\n\n"):
        if not block.strip():
            continue
        name_line, data_line = block.split("\n")
        assert name_line.startswith("event: ") and data_line.startswith("data: "), block
        data = json.loads(data_line[6:])
        assert data["type"] == name_line[7:]
        events.append((name_line[7:], data))
    return events


# -- the embedded model ---------------------------------------------------------------------------

def test_message_on_the_embedded_model(client: anthropic.Anthropic) -> None:
    raw = client.messages.with_raw_response.create(
        model="local", max_tokens=12, extra_body={"temperature": 0},
        messages=[{"role": "user", "content": "What is 2+2?"}])
    msg = raw.parse()
    assert raw.headers["x-homeport-route"] == "local/local"
    assert raw.headers["x-request-id"].endswith(msg.id.removeprefix("msg_"))
    assert msg.id.startswith("msg_") and msg.type == "message" and msg.role == "assistant"
    assert msg.model == "local"
    assert msg.content[0].type == "text" and msg.content[0].text
    assert msg.stop_reason in ("end_turn", "max_tokens") and msg.stop_sequence is None
    assert msg.usage.input_tokens > 0 and 0 < msg.usage.output_tokens <= 12


def test_streaming_on_the_embedded_model(client: anthropic.Anthropic) -> None:
    with client.messages.stream(model="local", max_tokens=16, extra_body={"temperature": 0},
                                system="You are a counting assistant.",
                                messages=[{"role": "user", "content": "Count to five."}]) as s:
        pieces = list(s.text_stream)
        final = s.get_final_message()
    assert len(pieces) > 1, "the text did not arrive in pieces"
    assert final.content[0].type == "text" and final.content[0].text == "".join(pieces)
    assert final.stop_reason in ("end_turn", "max_tokens")
    assert final.usage.input_tokens > 0 and 0 < final.usage.output_tokens <= 16


def test_forced_tool_use_on_the_embedded_model(client: anthropic.Anthropic) -> None:
    ask: dict[str, Any] = {
        "model": "local", "max_tokens": 40, "tools": [WEATHER], "extra_body": {"temperature": 0},
        "tool_choice": {"type": "tool", "name": "get_weather"},
        "messages": [{"role": "user", "content": "What's the weather in Paris?"}]}
    msg = client.messages.create(**ask)
    uses = [b for b in msg.content if b.type == "tool_use"]
    assert uses and uses[0].name == "get_weather" and "city" in uses[0].input
    assert msg.stop_reason == "tool_use"
    with client.messages.stream(**ask) as s:
        final = s.get_final_message()
    streamed = [b for b in final.content if b.type == "tool_use"]
    assert streamed and streamed[0].input == uses[0].input


def test_the_event_stream_on_the_wire(gateway: ServerProcess) -> None:
    with httpx.stream("POST", f"{gateway.url}/v1/messages", timeout=60,
                      headers={**HEADERS, "x-api-key": ADMIN_KEY}, json={
                          "model": "local", "max_tokens": 4, "stream": True,
                          "messages": [{"role": "user", "content": "Hi"}]}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["x-homeport-route"] == "local/local"
        events = sse(r)
    names = [name for name, _ in events]
    assert names[:2] == ["message_start", "content_block_start"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert set(names[2:-3]) == {"content_block_delta"}
    start = events[0][1]["message"]
    assert start["content"] == [] and start["stop_reason"] is None and start["id"].startswith(
        "msg_")
    assert events[1][1] == {"type": "content_block_start", "index": 0,
                            "content_block": {"type": "text", "text": ""}}
    assert all(d["index"] == 0 and d["delta"]["type"] == "text_delta" for _, d in events[2:-3])
    delta = events[-2][1]
    assert delta["delta"] == {"stop_reason": "max_tokens", "stop_sequence": None}
    assert delta["usage"]["output_tokens"] == 4 and delta["usage"]["input_tokens"] > 0


# -- an OpenAI-compatible upstream: translation both ways -----------------------------------------

def test_system_prompt_and_parameters_reach_the_upstream(client: anthropic.Anthropic,
                                                         cloud: FakeOpenAI) -> None:
    cloud.default = Reply(text="Terse answer.")
    msg = client.messages.create(
        model="gpt", max_tokens=50, extra_body={"temperature": 0.5, "top_p": 0.9, "top_k": 20},
        stop_sequences=["END"], metadata={"user_id": "u-42"}, thinking={"type": "disabled"},
        output_config={"effort": "low", "format": {"type": "json_schema", "schema": {
            "type": "object"}}},
        system=[{"type": "text", "text": "You are terse."},
                {"type": "text", "text": "Answer in English.",
                 "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": [{"type": "text", "text": "Weather in Oslo?"}]}])
    assert msg.content[0].type == "text" and msg.content[0].text == "Terse answer."
    assert msg.model == "gpt" and msg.stop_reason == "end_turn"
    assert (msg.usage.input_tokens, msg.usage.output_tokens) == (11, 2)
    sent = cloud.requests[-1]
    assert sent["messages"] == [
        {"role": "system", "content": "You are terse.\n\nAnswer in English."},
        {"role": "user", "content": "Weather in Oslo?"}]
    assert (sent["max_tokens"], sent["temperature"], sent["top_p"], sent["top_k"]) == (
        50, 0.5, 0.9, 20)
    assert sent["stop"] == ["END"] and sent["user"] == "u-42"
    assert sent["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "output", "schema": {"type": "object"}}}
    assert not {"metadata", "system", "thinking", "output_config"} & set(sent)
    cloud.default = Reply(text="x", finish_reason="length")
    cut = client.messages.create(model="gpt", max_tokens=1, system="Be brief.",
                                 messages=[{"role": "user", "content": "Hi"}])
    assert cut.stop_reason == "max_tokens"
    assert cloud.requests[-1]["messages"][0] == {"role": "system", "content": "Be brief."}


def test_tool_use_round_trip(client: anthropic.Anthropic, cloud: FakeOpenAI) -> None:
    cloud.replies.append(Reply(text="", tool_calls=[
        {"name": "get_weather", "arguments": '{"city": "Oslo"}'}], finish_reason="tool_calls"))
    question = {"role": "user", "content": "What's the weather in Oslo?"}
    msg = client.messages.create(model="gpt", max_tokens=100, tools=[WEATHER],
                                 tool_choice={"type": "tool", "name": "get_weather"},
                                 messages=[question])
    assert msg.stop_reason == "tool_use"
    [use] = msg.content
    assert use.type == "tool_use" and use.name == "get_weather" and use.input == {"city": "Oslo"}
    sent = cloud.requests[-1]
    assert sent["tools"] == [{"type": "function", "function": {
        "name": "get_weather", "description": "Weather for a city",
        "parameters": WEATHER["input_schema"]}}]
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}

    cloud.replies.append(Reply(text="It is -5 C in Oslo."))
    answer = client.messages.create(model="gpt", max_tokens=100, tools=[WEATHER], messages=[
        question,
        {"role": "assistant", "content": msg.content},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": use.id, "content": "-5 C"},
            {"type": "text", "text": "Answer in one sentence."}]}])
    assert answer.content[0].type == "text" and answer.content[0].text == "It is -5 C in Oslo."
    messages = cloud.requests[-1]["messages"]
    assert messages[1]["role"] == "assistant" and messages[1]["content"] is None
    assert messages[1]["tool_calls"] == [{"id": use.id, "type": "function", "function": {
        "name": "get_weather", "arguments": '{"city":"Oslo"}'}}]
    assert messages[2:] == [{"role": "tool", "tool_call_id": use.id, "content": "-5 C"},
                            {"role": "user", "content": "Answer in one sentence."}]

    cloud.replies.append(Reply(text="Sorry."))
    client.messages.create(model="gpt", max_tokens=100, tools=[WEATHER], messages=[
        question, {"role": "assistant", "content": msg.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id,
                                      "is_error": True,
                                      "content": [{"type": "text", "text": "city unknown"}]}]}])
    assert cloud.requests[-1]["messages"][-1] == {"role": "tool", "tool_call_id": use.id,
                                                  "content": "Error: city unknown"}


def test_streamed_tool_use(client: anthropic.Anthropic, cloud: FakeOpenAI) -> None:
    cloud.replies.append(Reply(text="Let me check.", tool_calls=[
        {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
        {"name": "get_weather", "arguments": '{"city": "Bergen"}'}],
        finish_reason="tool_calls"))
    with client.messages.stream(model="gpt", max_tokens=100, tools=[WEATHER],
                                tool_choice={"type": "any", "disable_parallel_tool_use": False},
                                messages=[{"role": "user", "content": "Oslo and Bergen?"}]) as s:
        events = list(s)
        final = s.get_final_message()
    kinds = [b.type for b in final.content]
    assert kinds == ["text", "tool_use", "tool_use"]
    assert final.content[0].text == "Let me check."  # type: ignore[union-attr]
    assert [b.input for b in final.content[1:]] == [  # type: ignore[union-attr]
        {"city": "Oslo"}, {"city": "Bergen"}]
    assert final.stop_reason == "tool_use"
    json_deltas = [e for e in events if e.type == "content_block_delta"
                   and e.delta.type == "input_json_delta"]
    assert [e.index for e in json_deltas] == [1, 2]
    assert cloud.requests[-1]["tool_choice"] == "required"


def test_the_anthropic_provider_behind_the_front_door(
        client: anthropic.Anthropic, fake_anthropic: anth.FakeAnthropic) -> None:
    """Anthropic in, Anthropic out: what reaches the upstream passes its validation."""
    fake_anthropic.script(anth.Reply(blocks=[anth.ToolUse("get_weather", {"city": "Oslo"})]))
    msg = client.messages.create(model="claude", max_tokens=200, system="You are terse.",
                                 tools=[WEATHER],
                                 messages=[{"role": "user", "content": "Weather in Oslo?"}])
    [use] = msg.content
    assert use.type == "tool_use" and use.input == {"city": "Oslo"}
    sent = fake_anthropic.requests[-1].body
    assert sent["model"] == "claude-sonnet-4-5" and sent["system"] == "You are terse."
    assert sent["tools"] == [WEATHER]

    fake_anthropic.script(anth.Reply(blocks=["Cold, ", "-5 C."]))
    with client.messages.stream(model="claude", max_tokens=200, tools=[WEATHER], messages=[
            {"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "content": msg.content},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id,
                                          "content": "-5 C"}]}]) as s:
        assert "".join(s.text_stream) == "Cold, -5 C."
    assert fake_anthropic.requests[-1].body["messages"][-1] == {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": use.id, "content": "-5 C"}]}


# -- errors, in Anthropic's shape -----------------------------------------------------------------

def error_of(e: anthropic.APIStatusError) -> dict[str, Any]:
    body = e.response.json()
    assert set(body) == {"type", "error"} and body["type"] == "error"
    assert set(body["error"]) == {"type", "message"}
    return body["error"]  # type: ignore[no-any-return]


def test_bad_max_tokens_names_the_field(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model="local", max_tokens=0,
                               messages=[{"role": "user", "content": "Hi"}])
    err = error_of(e.value)
    assert err["type"] == "invalid_request_error" and "'max_tokens'" in err["message"]


def test_bad_bodies_name_the_field(gateway: ServerProcess) -> None:
    cases: list[tuple[Any, str]] = [
        ({"model": "local", "messages": [{"role": "user", "content": "Hi"}]}, "'max_tokens'"),
        ({"model": "local", "max_tokens": "5", "messages": [{"role": "user", "content": "Hi"}]},
         "'max_tokens'"),
        ({"model": "local", "max_tokens": 5, "messages": []}, "'messages'"),
        ({"model": "local", "max_tokens": 5, "messages": [
            {"role": "user", "content": [{"type": "document", "source": {}}]}]},
         "'messages[0].content[0]'"),
        ({"model": "local", "max_tokens": 5, "messages": [
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f",
                                               "input": "[]"}]}]},
         "'messages[0].content[0].input'"),
        ({"model": "local", "max_tokens": 5, "temperature": 1.5,
          "messages": [{"role": "user", "content": "Hi"}]}, "'temperature'"),
        ({"model": "local", "max_tokens": 5, "tools": [WEATHER], "tool_choice": {"type": "tool"},
          "messages": [{"role": "user", "content": "Hi"}]}, "tool_choice.name"),
        ({"model": "local", "max_tokens": 5, "messages": [
            {"role": "user", "content": [{"type": "tool_use", "id": "t", "name": "f",
                                          "input": {}}]}]}, "messages[0].content[0]"),
    ]
    with httpx.Client(base_url=gateway.url, timeout=30,
                      headers={**HEADERS, "x-api-key": ADMIN_KEY}) as h:
        for body, named in cases:
            r = h.post("/v1/messages", json=body)
            assert r.status_code == 400, body
            assert r.json()["type"] == "error", body
            assert r.json()["error"]["type"] == "invalid_request_error", body
            assert named in r.json()["error"]["message"], (body, r.json())
        r = h.post("/v1/messages", content=b"{not json")
        assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]
        r = h.get("/v1/messages")
        assert r.status_code == 405 and r.json()["error"]["type"] == "invalid_request_error"
        r = h.post("/v1/messages/count_tokens", json={"model": "local", "messages": []})
        assert r.status_code == 404 and r.json()["error"]["type"] == "not_found_error"


def test_bad_key_and_missing_key(gateway: ServerProcess) -> None:
    bad = anthropic.Anthropic(base_url=gateway.url, api_key="hp-wrong", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as e:
        bad.messages.create(model="local", max_tokens=5,
                            messages=[{"role": "user", "content": "Hi"}])
    assert error_of(e.value)["type"] == "authentication_error"
    r = httpx.post(f"{gateway.url}/v1/messages", headers=HEADERS, timeout=30, json={
        "model": "local", "max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]})
    assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"
    assert "x-api-key" in r.json()["error"]["message"]


def test_x_api_key_and_bearer_auth(gateway: ServerProcess, cloud: FakeOpenAI) -> None:
    cloud.reset()
    body = {"model": "gpt", "max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]}
    for auth in ({"x-api-key": ADMIN_KEY, "anthropic-beta": "tools-2024-04-04"},
                 {"authorization": f"Bearer {ADMIN_KEY}"},
                 {"x-api-key": ADMIN_KEY, "authorization": "Bearer hp-not-this-one"}):
        r = httpx.post(f"{gateway.url}/v1/messages", headers={**HEADERS, **auth}, json=body,
                       timeout=30)
        assert r.status_code == 200, (auth, r.text)
        assert r.json()["content"] == [{"type": "text", "text": "Hello from the fake upstream."}]
    r = httpx.post(f"{gateway.url}/v1/messages", json=body, timeout=30,
                   headers={**HEADERS, "x-api-key": "hp-wrong"})
    assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"


def test_unknown_model(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as e:
        client.messages.create(model="claude-opus-9", max_tokens=5,
                               messages=[{"role": "user", "content": "Hi"}])
    err = error_of(e.value)
    assert err["type"] == "not_found_error" and "claude-opus-9" in err["message"]


def test_an_image_the_embedded_model_cannot_read(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model="local", max_tokens=5, messages=[{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "iVBORw0KGgo="}},
            {"type": "text", "text": "What is this?"}]}])
    assert "text only" in error_of(e.value)["message"]


def test_upstream_error_mid_stream_is_an_error_event(client: anthropic.Anthropic,
                                                     cloud: FakeOpenAI) -> None:
    cloud.replies.append(Reply(stream_error=True))
    with pytest.raises(anthropic.APIStatusError) as e, client.messages.stream(
            model="gpt", max_tokens=20, messages=[{"role": "user", "content": "Hi"}]) as s:
        for _ in s:
            pass
    assert "upstream stream failed" in str(e.value.body)


def test_client_disconnect_stops_the_upstream(gateway: ServerProcess, cloud: FakeOpenAI) -> None:
    cloud.reset()
    cloud.replies.append(Reply(text=" ".join(["word"] * 200), chunk_delay_s=0.05))
    before = cloud.cancelled
    with httpx.stream("POST", f"{gateway.url}/v1/messages", timeout=30,
                      headers={**HEADERS, "x-api-key": ADMIN_KEY},
                      json={"model": "gpt", "max_tokens": 500, "stream": True,
                            "messages": [{"role": "user", "content": "Talk."}]}) as r:
        lines = r.iter_lines()
        for _ in range(6):
            next(lines)
    deadline = time.monotonic() + 5
    while cloud.cancelled == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cloud.cancelled == before + 1


# -- privacy --------------------------------------------------------------------------------------

def test_restricted_content_never_reaches_the_cloud(client: anthropic.Anthropic,
                                                    cloud: FakeOpenAI) -> None:
    card = CARD
    carriers: list[dict[str, Any]] = [
        {"messages": [{"role": "user", "content": f"Refund card {card}, please."}]},
        {"system": f"The customer's card is {card}.",
         "messages": [{"role": "user", "content": "Go on."}]},
        {"messages": [{"role": "user", "content": "Save it."},
                      {"role": "assistant", "content": [{"type": "tool_use", "id": "t1",
                                                         "name": "save",
                                                         "input": {"card": card}}]},
                      {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                                    "content": "saved"}]}]},
        {"messages": [{"role": "user", "content": "Look it up."},
                      {"role": "assistant", "content": [{"type": "tool_use", "id": "t1",
                                                         "name": "lookup", "input": {}}]},
                      {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                                    "content": [{"type": "text",
                                                                 "text": f"card {card}"}]}]}]},
    ]
    before = len(cloud.received)
    for body in carriers:
        for stream in (False, True):
            with client.messages.with_streaming_response.create(
                    model="gpt", max_tokens=8, stream=stream, **body) as resp:
                resp.read()
                assert resp.headers["x-homeport-route"] == "local/local", body
                assert resp.headers["x-homeport-sensitivity"] == "restricted", body
    raw = client.messages.with_raw_response.create(
        model="gpt", max_tokens=8, messages=[{"role": "user", "content": "Project Bluebird."}],
        extra_headers={"x-homeport-sensitivity": "restricted"})
    assert raw.headers["x-homeport-route"] == "local/local"
    assert len(cloud.received) == before
    assert card not in b"".join(cloud.received).decode()
    public = client.messages.with_raw_response.create(
        model="gpt", max_tokens=8, messages=[{"role": "user", "content": "Capital of France?"}])
    assert public.headers["x-homeport-route"] == "cloud/gpt"
    assert len(cloud.received) == before + 1


# -- the encoders, in process ---------------------------------------------------------------------

def test_stream_encoder_orders_blocks_as_anthropic_does() -> None:
    enc = wire.StreamEncoder("msg_1", "gpt")
    out = enc.start() + b"".join(enc.encode(c) for c in [
        Chunk(text="Checking"), Chunk(text="."),
        Chunk(tool_calls=[ToolCallDelta(0, "call_a", "get_weather", '{"city"')]),
        Chunk(tool_calls=[ToolCallDelta(0, arguments=': "Oslo"}')]),
        Chunk(tool_calls=[ToolCallDelta(1, None, "get_time")]),
        Chunk(finish_reason="tool_calls", usage=Usage(30, 9))]) + enc.end()
    events = [(e.split(b"\n")[0][7:].decode(), json.loads(e.split(b"\n")[1][6:]))
              for e in out.split(b"\n\n") if e]
    assert [(name, d.get("index")) for name, d in events] == [
        ("message_start", None),
        ("content_block_start", 0), ("content_block_delta", 0), ("content_block_delta", 0),
        ("content_block_stop", 0),
        ("content_block_start", 1), ("content_block_delta", 1), ("content_block_delta", 1),
        ("content_block_stop", 1),
        ("content_block_start", 2), ("content_block_stop", 2),
        ("message_delta", None), ("message_stop", None)]
    assert events[5][1]["content_block"] == {"type": "tool_use", "id": "call_a",
                                             "name": "get_weather", "input": {}}
    assert events[9][1]["content_block"]["id"].startswith("toolu_")
    assert events[-2][1]["delta"]["stop_reason"] == "tool_use"
    assert events[-2][1]["usage"] == {"input_tokens": 30, "output_tokens": 9}


def test_tool_arguments_that_are_not_json() -> None:
    collected = Collected()
    collected.add(Chunk(tool_calls=[ToolCallDelta(0, "c1", "save", '{"a": ')]))
    with pytest.raises(UpstreamFailed, match="not a JSON object"):
        wire.message("msg_1", "m", collected)
    collected.add(Chunk(finish_reason="length"))  # cut short by max_tokens: Anthropic's `{}`
    body = wire.message("msg_1", "m", collected)
    assert body["content"] == [{"type": "tool_use", "id": "c1", "name": "save", "input": {}}]
    assert body["stop_reason"] == "max_tokens"


@pytest.mark.parametrize(("error", "kind"), [
    (InvalidRequest("bad", param="messages"), "invalid_request_error"),
    (AuthenticationFailed("no"), "authentication_error"),
    (PermissionDenied("no"), "permission_error"),
    (ModelNotFound("no"), "not_found_error"),
    (BudgetExceeded("spent"), "rate_limit_error"),
    (NoClearedProvider("none"), "overloaded_error"),
    (UpstreamFailed("broke"), "api_error"),
])
def test_errors_take_anthropics_shape(error: HomeportError, kind: str) -> None:
    body = wire.error_body(error)
    assert body == {"type": "error", "error": {"type": kind, "message": body["error"]["message"]}}
    assert error.message in body["error"]["message"]
    if error.param:
        assert body["error"]["message"].startswith(f"{error.param}: ")
