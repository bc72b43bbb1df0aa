"""A real server in front of a fake OpenAI-compatible upstream: relaying, fallback order on
connection errors, 5xx and timeouts, error statuses after fallbacks, and cancellation."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tests.conftest import ADMIN_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.helpers import ServerProcess, SpecValidator, free_port

AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
MSGS = [{"role": "user", "content": "Hello"}]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    f = FakeOpenAI().start()
    yield f
    f.stop()


@pytest.fixture(scope="module")
def gateway(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = f"""
providers:
  - {{name: cloud, type: openai, base_url: "{fake.base_url}", api_key: sk-x, tier: cloud,
      read_timeout_s: 1.5}}
  - {{name: dead, type: openai, base_url: "http://127.0.0.1:{free_port()}/v1", tier: cloud}}
models:
  - {{name: gpt-4o, provider: cloud, fallbacks: [local]}}
  - {{name: gpt-dead, provider: dead, fallbacks: [gpt-4o]}}
  - {{name: gpt-only, provider: cloud}}
  - {{name: cloud-embed, provider: cloud, kind: embedding, fallbacks: [local-embed]}}
"""
    proc = ServerProcess(tmp_path_factory.mktemp("gw"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture
def client(gateway: ServerProcess, fake: FakeOpenAI) -> openai.OpenAI:
    fake.replies.clear()
    fake.default = Reply()
    return openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=ADMIN_KEY, max_retries=0)


def test_relays_to_the_upstream(client: openai.OpenAI, fake: FakeOpenAI,
                                spec: SpecValidator) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=MSGS, temperature=0.5, max_tokens=20, stop=["\n"],
        extra_body={"presence_penalty": 0.5, "logprobs": False})
    spec.validate("CreateChatCompletionResponse", json.loads(raw.text))
    resp = raw.parse()
    assert resp.choices[0].message.content == "Hello from the fake upstream."
    assert raw.headers["x-homeport-route"] == "cloud/gpt-4o"
    assert resp.usage.prompt_tokens == 11
    sent = fake.requests[-1]
    assert sent["model"] == "gpt-4o" and sent["messages"] == MSGS
    assert sent["temperature"] == 0.5 and sent["max_tokens"] == 20 and sent["stop"] == ["\n"]
    assert sent["presence_penalty"] == 0.5 and sent["logprobs"] is False
    assert fake.headers[-1]["Authorization"] == "Bearer sk-x"


def test_streams_through_with_tool_calls(client: openai.OpenAI, fake: FakeOpenAI,
                                         spec: SpecValidator) -> None:
    fake.default = Reply(text="Checking", tool_calls=[
        {"name": "lookup", "arguments": '{"q": "weather"}'}], finish_reason="tool_calls")
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=MSGS, stream=True,
                                                 stream_options={"include_usage": True}))
    for c in chunks:
        spec.validate("CreateChatCompletionStreamResponse", c.model_dump(exclude_unset=True))
    assert fake.requests[-1]["stream_options"] == {"include_usage": True}
    calls = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
    assert calls[0].function.name == "lookup" and calls[0].id
    assert "".join(tc.function.arguments or "" for tc in calls) == '{"q": "weather"}'
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"
    assert chunks[-1].usage.prompt_tokens == 11


def test_stream_usage_not_requested_is_not_sent(client: openai.OpenAI) -> None:
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=MSGS, stream=True))
    assert all(c.usage is None for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == \
        "Hello from the fake upstream."


@pytest.mark.parametrize("reply", [Reply(status=500), Reply(status=503), Reply(status=429),
                                   Reply(delay_s=3.0), Reply(drop=True)],
                         ids=["500", "503", "429", "timeout", "dropped"])
def test_falls_back_to_local(client: openai.OpenAI, fake: FakeOpenAI, reply: Reply) -> None:
    fake.replies.append(reply)
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=MSGS,
                                                           max_tokens=3)
    assert raw.headers["x-homeport-route"] == "local/local"
    assert raw.headers["x-homeport-attempts"] == "2"
    assert raw.parse().choices[0].message.content is not None


def test_connection_refused_falls_back_in_order(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="gpt-dead", messages=MSGS)
    assert raw.headers["x-homeport-route"] == "cloud/gpt-4o"


def test_streaming_request_falls_back_before_first_byte(client: openai.OpenAI,
                                                       fake: FakeOpenAI) -> None:
    fake.replies.append(Reply(status=502))
    stream = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=MSGS, max_tokens=3, stream=True)
    assert stream.headers["x-homeport-route"] == "local/local"
    assert list(stream.parse())


@pytest.mark.parametrize("reply, status, error", [
    (Reply(status=500), 502, openai.InternalServerError),
    (Reply(status=503), 503, openai.InternalServerError),
    (Reply(status=429), 429, openai.RateLimitError),
    (Reply(delay_s=3.0), 504, openai.InternalServerError),
])
def test_errors_after_fallbacks(client: openai.OpenAI, fake: FakeOpenAI, reply: Reply,
                                status: int, error: type[Exception], spec: SpecValidator) -> None:
    fake.default = reply
    with pytest.raises(error) as e:
        client.chat.completions.create(model="gpt-only", messages=MSGS)
    assert e.value.status_code == status  # type: ignore[attr-defined]
    assert "cloud" in e.value.message  # type: ignore[attr-defined]
    spec.validate("ErrorResponse", e.value.response.json())  # type: ignore[attr-defined]


def test_upstream_400_is_relayed_without_fallback(client: openai.OpenAI,
                                                  fake: FakeOpenAI) -> None:
    fake.replies.append(Reply(status=400, error_message="messages too long for gpt-4o"))
    n = len(fake.requests)
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-4o", messages=MSGS)
    assert "messages too long" in e.value.message
    assert len(fake.requests) == n + 1


@pytest.mark.parametrize("extra, field", [
    ({"max_tokens": 2**64}, "max_tokens"),
    ({"metadata": {"n": 2**64}}, "metadata.n"),
    ({"logit_bias": {"50256": -100}, "user_ref": -(2**64)}, "user_ref"),
])
def test_integers_beyond_64_bits_never_reach_the_cloud(client: openai.OpenAI, fake: FakeOpenAI,
                                                       extra: dict[str, object],
                                                       field: str) -> None:
    """orjson (the upstream body's encoder) refuses them: a 400 naming the field, not a 500,
    and nothing is sent."""
    n = len(fake.requests)
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-4o", messages=MSGS, extra_body=extra)
    assert e.value.status_code == 400 and e.value.param == field
    assert len(fake.requests) == n


def test_mid_stream_upstream_error_is_reported_in_band(gateway: ServerProcess,
                                                       fake: FakeOpenAI) -> None:
    fake.replies.append(Reply(stream_error=True))
    with httpx.stream("POST", f"{gateway.url}/v1/chat/completions", headers=AUTH, timeout=30,
                      json={"model": "gpt-4o", "messages": MSGS, "stream": True}) as r:
        events = [json.loads(ln[6:]) for ln in r.iter_lines() if ln.startswith("data: {")]
    assert events[-1]["error"]["message"].startswith("cloud: the upstream stream failed")


def test_client_disconnect_cancels_upstream(gateway: ServerProcess, fake: FakeOpenAI) -> None:
    fake.replies.append(Reply(text=" ".join(["word"] * 200), chunk_delay_s=0.05))
    before = fake.cancelled
    with httpx.stream("POST", f"{gateway.url}/v1/chat/completions", headers=AUTH, timeout=30,
                      json={"model": "gpt-4o", "messages": MSGS, "stream": True}) as r:
        lines = r.iter_lines()
        for _ in range(3):
            next(lines)
    deadline = time.monotonic() + 5
    while fake.cancelled == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake.cancelled == before + 1  # the upstream saw its client go away in < 5 s, not 10


def test_embeddings_through_upstream_and_fallback(client: openai.OpenAI,
                                                  fake: FakeOpenAI) -> None:
    resp = client.embeddings.create(model="cloud-embed", input=["ab", "abcd"],
                                    encoding_format="float")
    assert [d.embedding for d in resp.data] == [[2.0, 1.0, 0.0], [4.0, 1.0, 0.0]]
    fake.replies.append(Reply(status=500))
    raw = client.embeddings.with_raw_response.create(model="cloud-embed", input="x",
                                                     encoding_format="float")
    assert raw.headers["x-homeport-route"] == "local-embed/local-embed"
    assert len(raw.parse().data[0].embedding) == 384


def test_ledger_records_route_and_outcome(gateway: ServerProcess, client: openai.OpenAI,
                                          fake: FakeOpenAI, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    rid = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=MSGS).headers["x-request-id"]
    engine = create_engine(f"sqlite:///{gateway.data_dir / 'homeport.db'}")
    deadline = time.monotonic() + 5
    row = None
    while row is None and time.monotonic() < deadline:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM requests WHERE id = :id"),
                               {"id": rid}).mappings().first()
        time.sleep(0.1)
    assert row is not None
    assert (row["provider"], row["model_used"], row["status"]) == ("cloud", "gpt-4o", 200)
    assert row["team"] == "admin" and row["prompt_tokens"] == 11
    assert row["latency_ms"] > 0 and row["attempts"] == 1
