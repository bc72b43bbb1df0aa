"""The openai SDK talks to Homeport; Homeport talks Anthropic's and Gemini's own wire formats
to local fakes of those APIs. Both directions are checked end to end, streaming included."""

from __future__ import annotations

import json
from collections.abc import Iterator

import openai
import pytest

from tests.conftest import ADMIN_KEY
from tests.fakes import anthropic_server as anth
from tests.fakes import gemini_server as gem
from tests.fakes.threaded import ThreadedApp
from tests.helpers import ServerProcess, SpecValidator

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}
CONVERSATION = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Weather in Oslo?"},
]


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[anth.FakeAnthropic, gem.FakeGemini]]:
    a, g = anth.FakeAnthropic(api_key="sk-ant"), gem.FakeGemini(api_key="g-key")
    servers = [ThreadedApp(a.app()), ThreadedApp(g.app())]
    a.base_url = f"http://127.0.0.1:{servers[0].start()}"
    g.base_url = f"http://127.0.0.1:{servers[1].start()}/v1beta"
    yield a, g
    for s in servers:
        s.stop()


@pytest.fixture(scope="module")
def client(fakes: tuple[anth.FakeAnthropic, gem.FakeGemini],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[openai.OpenAI]:
    a, g = fakes
    config = f"""
embedded: {{chat: null, embeddings: null}}
providers:
  - {{name: anthropic, type: anthropic, base_url: "{a.base_url}", api_key: sk-ant}}
  - {{name: google, type: gemini, base_url: "{g.base_url}", api_key: g-key}}
models:
  - {{name: claude, provider: anthropic, upstream_model: claude-sonnet-4-5}}
  - {{name: gemini, provider: google, upstream_model: gemini-2.5-flash}}
  - {{name: gemini-embed, provider: google, upstream_model: text-embedding-004,
      kind: embedding}}
"""
    proc = ServerProcess(tmp_path_factory.mktemp("translate"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield openai.OpenAI(base_url=f"{proc.url}/v1", api_key=ADMIN_KEY, max_retries=0)
    assert proc.stop() == 0, proc.output()


def test_anthropic_chat_both_ways(client: openai.OpenAI, fakes: tuple[anth.FakeAnthropic,
                                                                      gem.FakeGemini],
                                  spec: SpecValidator) -> None:
    a, _ = fakes
    a.script(anth.Reply(blocks=["It is ", "cold."], usage={"input_tokens": 20,
                                                            "output_tokens": 3}))
    raw = client.chat.completions.with_raw_response.create(model="claude", messages=CONVERSATION,
                                                           max_tokens=50)
    spec.validate("CreateChatCompletionResponse", json.loads(raw.text))
    resp = raw.parse()
    assert resp.choices[0].message.content == "It is cold."
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (20, 3)
    sent = a.requests[-1]
    assert sent.body["system"] == "You are terse." and sent.body["model"] == "claude-sonnet-4-5"
    assert sent.body["messages"] == [{"role": "user", "content": [
        {"type": "text", "text": "Weather in Oslo?"}]}]
    assert sent.headers["x-api-key"] == "sk-ant"


def test_anthropic_streamed_tool_call(client: openai.OpenAI, fakes: tuple[anth.FakeAnthropic,
                                                                          gem.FakeGemini],
                                      spec: SpecValidator) -> None:
    a, _ = fakes
    a.script(anth.Reply(blocks=["Checking.", anth.ToolUse("get_weather", {"city": "Oslo"})]))
    chunks = list(client.chat.completions.create(
        model="claude", messages=CONVERSATION, tools=[WEATHER], tool_choice="required",
        stream=True, stream_options={"include_usage": True}))
    for c in chunks:
        spec.validate("CreateChatCompletionStreamResponse", c.model_dump(exclude_unset=True))
    calls = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
    assert calls[0].function.name == "get_weather"
    assert json.loads("".join(tc.function.arguments or "" for tc in calls)) == {"city": "Oslo"}
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"
    assert a.requests[-1].body["tool_choice"] == {"type": "any"}
    # The tool result goes back as Anthropic's tool_result block.
    call_id = calls[0].id
    a.script(anth.Reply(blocks=["Cold, -5 C."]))
    resp = client.chat.completions.create(model="claude", tools=[WEATHER], messages=[
        *CONVERSATION,
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call_id, "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}]},
        {"role": "tool", "tool_call_id": call_id, "content": "-5 C"}])
    assert resp.choices[0].message.content == "Cold, -5 C."
    last_turn = a.requests[-1].body["messages"][-1]
    assert last_turn["content"][0]["type"] == "tool_result"
    assert last_turn["content"][0]["tool_use_id"] == call_id


def test_gemini_chat_stream_and_tools(client: openai.OpenAI, fakes: tuple[anth.FakeAnthropic,
                                                                          gem.FakeGemini],
                                      spec: SpecValidator) -> None:
    _, g = fakes
    g.script(gem.Reply.text("Cold ", "and dark."))
    chunks = list(client.chat.completions.create(model="gemini", messages=CONVERSATION,
                                                 stream=True))
    for c in chunks:
        spec.validate("CreateChatCompletionStreamResponse", c.model_dump(exclude_unset=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Cold and dark."
    body = g.last.body
    assert g.last.method == "streamGenerateContent" and g.last.model == "gemini-2.5-flash"
    assert body["systemInstruction"] == {"parts": [{"text": "You are terse."}]}
    assert g.last.headers["x-goog-api-key"] == "g-key"

    g.script(gem.Reply.calls(("get_weather", {"city": "Oslo"})))
    resp = client.chat.completions.create(model="gemini", messages=CONVERSATION, tools=[WEATHER])
    call = resp.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {
        "city": "Oslo"}
    assert resp.choices[0].finish_reason == "tool_calls"
    decl = g.last.body["tools"][0]["functionDeclarations"][0]
    assert decl["name"] == "get_weather"


def test_gemini_embeddings(client: openai.OpenAI, fakes: tuple[anth.FakeAnthropic,
                                                               gem.FakeGemini]) -> None:
    _, g = fakes
    resp = client.embeddings.create(model="gemini-embed", input=["one", "two"],
                                    encoding_format="float")
    assert len(resp.data) == 2 and resp.data[0].embedding != resp.data[1].embedding
    assert g.last.method == "batchEmbedContents"


def test_upstream_errors_surface_as_openai_errors(client: openai.OpenAI,
                                                  fakes: tuple[anth.FakeAnthropic,
                                                               gem.FakeGemini]) -> None:
    a, g = fakes
    a.script(anth.Reply(status=529, error_message="Overloaded"))
    with pytest.raises(openai.InternalServerError) as e:
        client.chat.completions.create(model="claude", messages=CONVERSATION)
    assert e.value.status_code == 503 and "Overloaded" in e.value.message
    g.script(gem.Reply.error(400, "Invalid JSON payload received."))
    with pytest.raises(openai.BadRequestError) as e2:
        client.chat.completions.create(model="gemini", messages=CONVERSATION)
    assert "Invalid JSON payload" in e2.value.message


def test_a_model_whose_provider_cannot_serve_the_endpoint(client: openai.OpenAI,
                                                           spec: SpecValidator) -> None:
    """Anthropic's Messages API has no raw completions: the router says so, in OpenAI's shape."""
    with pytest.raises(openai.BadRequestError) as e:
        client.completions.create(model="claude", prompt="Once upon a time")
    assert "cannot serve completions" in e.value.message
    spec.validate("ErrorResponse", e.value.response.json())
