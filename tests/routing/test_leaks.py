"""Leak suite: restricted values never reach a cloud provider, on any path; allowed traffic does.

A real `homeport serve` sits in front of two fake OpenAI-compatible servers: `cloud` (cloud tier,
clearance internal) records every byte it receives; `onprem` (local tier) is the cleared
provider. Hundreds of requests carrying generated, checksum-valid restricted values go through
every path: first choice, rerouting, local failure -> fallback, retry while waiting for cleared
capacity, overflow under concurrent load, `auto`, streaming, completions, tool-call arguments,
embeddings, a declared sensitivity, and pseudonymisation on and off.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import ADMIN_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.helpers import ServerProcess, free_port

pytestmark = pytest.mark.slow
rng = random.Random(20261122)


# -- restricted values, checksum-valid ----------------------------------------------------------

def luhn_card(prefix: str = "4", length: int = 16) -> str:
    digits = [int(d) for d in prefix] + [rng.randrange(10) for _ in range(length - len(prefix) - 1)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def iban_de() -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(18))
    numeric = int(bban + "131400")  # D=13 E=14, check digits 00
    return f"DE{98 - numeric % 97:02d}{bban}"


def ssn() -> str:
    return f"{rng.randrange(1, 666):03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def aws_key() -> str:
    return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def github_token() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "ghp_" + "".join(rng.choice(alphabet) for _ in range(36))


def restricted_value() -> tuple[str, str]:
    """(sentence carrying the value, the value)."""
    kind = rng.randrange(5)
    if kind == 0:
        v = luhn_card(rng.choice(["4", "51", "52"]))
        return f"Please refund card {v} for order 1182.", v
    if kind == 1:
        v = iban_de()
        return f"Wire the deposit to IBAN {v} by Friday.", v
    if kind == 2:
        v = ssn()
        return f"The applicant's SSN is {v}; check the credit file.", v
    if kind == 3:
        v = aws_key()
        return f"Why does boto3 fail with aws_access_key_id={v} in my config?", v
    v = github_token()
    return f"CI log: export GITHUB_TOKEN={v} then git push failed.", v


# -- the deployment -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def onprem() -> Iterator[FakeOpenAI]:
    f = FakeOpenAI(default=Reply(text="Answered on premises.")).start()
    yield f
    f.stop()


@pytest.fixture(scope="module")
def server(cloud: FakeOpenAI, onprem: FakeOpenAI,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = f"""
embedded: {{chat: null}}
privacy:
  queue_timeout_s: 1.0
  pseudonymize: {{teams: [masked]}}
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x}}
  - {{name: onprem, type: openai, base_url: "{onprem.base_url}", tier: local}}
  - {{name: onprem-down, type: openai, base_url: "http://127.0.0.1:{free_port()}/v1",
      tier: local, connect_timeout_s: 0.5}}
models:
  - {{name: gpt, provider: cloud}}
  - {{name: llama, provider: onprem}}
  - {{name: down, provider: onprem-down, fallbacks: [gpt]}}
  - {{name: flaky, provider: onprem, fallbacks: [gpt]}}
  - {{name: cloud-embed, provider: cloud, kind: embedding, fallbacks: [local-embed]}}
routing:
  auto: [llama]
  cleared_fallbacks: [llama]
  overflow: {{to: [gpt], max_pending: 2}}
"""
    proc = ServerProcess(tmp_path_factory.mktemp("leaks"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture(scope="module")
def masked_key(server: ServerProcess) -> str:
    out = subprocess.run([sys.executable, "-m", "homeport", "keys", "create", "--team", "masked",
                          "--data-dir", str(server.data_dir), "--config",
                          str(server.config_path)], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture
def sent(cloud: FakeOpenAI, onprem: FakeOpenAI) -> Iterator[list[str]]:
    """Restricted values a test sent; after the test, none may be in what the cloud received."""
    cloud.replies.clear()
    onprem.replies.clear()
    cloud.default = Reply()
    onprem.default = Reply(text="Answered on premises.")
    before = len(cloud.received)
    values: list[str] = []
    yield values
    assert values, "the test sent no restricted values"
    received = b"\n".join(cloud.received[before:]).decode()
    received_digits = "".join(ch for ch in received if ch.isalnum())
    for v in values:
        assert v not in received, f"{v} reached the cloud"
        compact = "".join(ch for ch in v if ch.isalnum())
        assert compact not in received_digits, f"{v} reached the cloud (reformatted)"


def aclient(server: ServerProcess, key: str = ADMIN_KEY) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0,
                              timeout=30)


async def chat(client: openai.AsyncOpenAI, model: str, text: str, stream: bool = False,
               **kw: Any) -> tuple[str, dict[str, str]]:
    """(answer, response headers)."""
    messages = [{"role": "user", "content": text}]
    if not stream:
        raw = await client.chat.completions.with_raw_response.create(
            model=model, messages=messages, **kw)  # type: ignore[arg-type]
        return raw.parse().choices[0].message.content or "", dict(raw.headers)
    async with client.chat.completions.with_streaming_response.create(
            model=model, messages=messages, stream=True, **kw) as resp:  # type: ignore[arg-type]
        text_out = ""
        async for line in resp.iter_lines():
            if line.startswith("data: {"):
                delta = json.loads(line[6:])["choices"]
                if delta and delta[0]["delta"].get("content"):
                    text_out += delta[0]["delta"]["content"]
        return text_out, dict(resp.headers)


# -- paths --------------------------------------------------------------------------------------

async def test_first_choice_cloud_is_rerouted_for_restricted_content(
        server: ServerProcess, cloud: FakeOpenAI, sent: list[str]) -> None:
    client = aclient(server)
    for i in range(60):
        text, value = restricted_value()
        sent.append(value)
        answer, headers = await chat(client, "gpt", text, stream=i % 2 == 1)
        assert headers["x-homeport-route"] == "onprem/llama"
        assert headers["x-homeport-sensitivity"] == "restricted"
        assert answer == "Answered on premises."
    before = len(cloud.received)
    _, headers = await chat(client, "gpt", "What is the capital of France?")
    assert headers["x-homeport-route"] == "cloud/gpt" and len(cloud.received) == before + 1


async def test_local_failure_never_falls_back_to_the_cloud(
        server: ServerProcess, cloud: FakeOpenAI, sent: list[str]) -> None:
    client = aclient(server)
    for stream in (False, True):
        text, value = restricted_value()
        sent.append(value)
        with pytest.raises(openai.APIStatusError) as e:
            await chat(client, "down", text, stream=stream)
        assert e.value.status_code == 503
        body = e.value.response.json()["error"]
        assert body["code"] == "no_cleared_provider"
        assert "restricted" in body["message"] and "cloud (clearance internal)" in \
            body["message"]
    before = len(cloud.received)
    _, headers = await chat(client, "down", "Summarise the plot of Hamlet.")
    assert headers["x-homeport-route"] == "cloud/gpt" and len(cloud.received) == before + 1


async def test_retry_waits_for_the_cleared_provider(
        server: ServerProcess, onprem: FakeOpenAI, sent: list[str]) -> None:
    client = aclient(server)
    for stream in (False, True):
        onprem.replies[:] = [Reply(status=503), Reply(status=502)]
        text, value = restricted_value()
        sent.append(value)
        answer, headers = await chat(client, "flaky", text, stream=stream)
        assert headers["x-homeport-route"] == "onprem/flaky"
        assert int(headers["x-homeport-attempts"]) == 3
        assert answer == "Answered on premises."


async def test_overflow_under_concurrent_load_keeps_restricted_work_local(
        server: ServerProcess, cloud: FakeOpenAI, onprem: FakeOpenAI, sent: list[str]) -> None:
    onprem.default = Reply(text="Answered on premises.", delay_s=0.3)
    client = aclient(server)
    jobs = []
    for i in range(60):
        if i % 2:
            text, value = restricted_value()
            sent.append(value)
            jobs.append(("restricted", chat(client, "auto", text, stream=i % 4 == 1)))
        else:
            jobs.append(("public", chat(client, "auto", f"Name a prime above {i}.",
                                        stream=i % 4 == 0)))
    results = await asyncio.gather(*(job for _, job in jobs))
    routes = [(kind, headers["x-homeport-route"]) for (kind, _), (_, headers)
              in zip(jobs, results, strict=True)]
    assert all(route == "onprem/llama" for kind, route in routes if kind == "restricted")
    overflowed = [route for kind, route in routes if kind == "public" and route == "cloud/gpt"]
    assert overflowed, "no public request overflowed to the cloud under load"


async def test_embeddings_of_restricted_text_stay_local(
        server: ServerProcess, sent: list[str]) -> None:
    client = aclient(server)
    for _ in range(20):
        text, value = restricted_value()
        sent.append(value)
        raw = await client.embeddings.with_raw_response.create(
            model="cloud-embed", input=["a harmless line", text])
        assert raw.headers["x-homeport-route"] == "local-embed/local-embed"
        assert len(raw.parse().data[0].embedding) == 384
    raw = await client.embeddings.with_raw_response.create(model="cloud-embed", input="hello")
    assert raw.headers["x-homeport-route"] == "cloud/cloud-embed"


async def test_completions_tool_arguments_system_and_parts_are_scanned(
        server: ServerProcess, sent: list[str]) -> None:
    client = aclient(server)
    text, value = restricted_value()
    sent.append(value)
    raw = await client.completions.with_raw_response.create(model="gpt", prompt=text)
    assert raw.headers["x-homeport-route"] == "onprem/llama"
    carriers: list[list[dict[str, Any]]] = []
    for _ in range(3):
        text, value = restricted_value()
        sent.append(value)
        args = json.dumps({"note": text})
        carriers += [
            [{"role": "system", "content": text}, {"role": "user", "content": "Go on."}],
            [{"role": "user", "content": [{"type": "text", "text": "Look:"},
                                          {"type": "text", "text": text}]}],
            [{"role": "user", "content": "Save it."},
             {"role": "assistant", "content": None, "tool_calls": [
                 {"id": "c1", "type": "function",
                  "function": {"name": "save", "arguments": args}}]},
             {"role": "tool", "tool_call_id": "c1", "content": "saved"}],
            [{"role": "user", "content": "Save it."},
             {"role": "tool", "tool_call_id": "c1", "content": text}],
        ]
    for messages in carriers:
        raw = await client.chat.completions.with_raw_response.create(
            model="gpt", messages=messages)  # type: ignore[arg-type]
        assert raw.headers["x-homeport-route"] == "onprem/llama", messages


async def test_declared_sensitivity_raises_never_lowers(
        server: ServerProcess, cloud: FakeOpenAI, sent: list[str]) -> None:
    client = aclient(server)
    secret = "Project Bluebird launches on 3 March"
    sent.append(secret)
    _, headers = await chat(client, "gpt", secret,
                            extra_headers={"x-homeport-sensitivity": "restricted"})
    assert headers["x-homeport-route"] == "onprem/llama"
    text, value = restricted_value()
    sent.append(value)
    _, headers = await chat(client, "gpt", text,
                            extra_headers={"x-homeport-sensitivity": "public"})
    assert headers["x-homeport-sensitivity"] == "restricted"
    assert headers["x-homeport-route"] == "onprem/llama"
    async with httpx.AsyncClient() as h:
        r = await h.post(f"{server.url}/v1/chat/completions", json={
            "model": "gpt", "messages": [{"role": "user", "content": "hi"}]},
            headers={"authorization": f"Bearer {ADMIN_KEY}", "x-homeport-sensitivity": "top"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "x-homeport-sensitivity"


async def test_pseudonymisation_sends_placeholders_and_restores_the_answer(
        server: ServerProcess, cloud: FakeOpenAI, masked_key: str, sent: list[str]) -> None:
    client = aclient(server, masked_key)
    name, email = "Margaret Okonkwo", "m.okonkwo@example.org"
    sent += [name, email]
    prompt = f"Draft a polite reminder to {name} ({email}) about the overdue library book."
    for stream in (False, True):
        cloud.default = Reply(text="Dear <PERSON_1>, we wrote to <EMAIL_1> about the book.",
                              pieces=["Dear <PER", "SON_", "1>, we wrote to <", "EMAIL_1",
                                      "> about the book."])
        before = len(cloud.received)
        answer, headers = await chat(client, "gpt", prompt, stream=stream)
        assert headers["x-homeport-route"] == "cloud/gpt"
        body = cloud.received[before].decode()
        assert "<PERSON_1>" in body and "<EMAIL_1>" in body
        assert answer == f"Dear {name}, we wrote to {email} about the book."
    # restricted types are never pseudonymised: the whole request stays local
    text, value = restricted_value()
    sent.append(value)
    _, headers = await chat(client, "gpt", f"{text} Ask {name}.")
    assert headers["x-homeport-route"] == "onprem/llama"


async def test_without_pseudonymisation_personal_data_stays_local(
        server: ServerProcess, sent: list[str]) -> None:
    client = aclient(server)  # the admin's team has pseudonymisation off
    name = "Margaret Okonkwo"
    sent.append(name)
    _, headers = await chat(client, "gpt", f"Draft a reminder to {name} about her book.")
    assert headers["x-homeport-route"] == "onprem/llama"
    assert headers["x-homeport-sensitivity"] == "confidential"


async def test_every_other_field_the_request_sends_is_scanned(
        server: ServerProcess, sent: list[str]) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30,
                                 headers={"authorization": f"Bearer {ADMIN_KEY}"}) as h:
        def user(content: Any = "Hello.") -> list[dict[str, Any]]:
            return [{"role": "user", "content": content}]

        bodies: list[tuple[str, Any]] = []
        for _ in range(2):
            text, value = restricted_value()
            sent.append(value)
            tool = {"type": "function", "function": {
                "name": "lookup", "description": text, "parameters": {"type": "object"}}}
            bodies += [
                ("/v1/completions", {"model": "gpt", "prompt": "Say hi", "suffix": text}),
                ("/v1/chat/completions", {"model": "gpt", "messages": user(),
                                          "prediction": {"type": "content", "content": text}}),
                ("/v1/chat/completions", {"model": "gpt", "messages": user(), "tools": [tool]}),
                ("/v1/chat/completions", {"model": "gpt", "messages": user(), "user": value}),
                ("/v1/chat/completions", {"model": "gpt", "messages": user(), "stop": [value]}),
                ("/v1/chat/completions", {"model": "gpt", "messages": [
                    {"role": "user", "name": value, "content": "Hello."}]}),
                ("/v1/chat/completions", {"model": "gpt", "messages": user([
                    {"type": "text", "text": "What is in this picture?"},
                    {"type": "image_url", "image_url": {"url": f"https://x.test/?q={value}"}}])}),
                ("/v1/chat/completions", {"model": "gpt", "messages": [
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": [{"type": "refusal", "refusal": text}]},
                    {"role": "user", "content": "Why?"}]}),
            ]
        for path, body in bodies:
            r = await h.post(path, json=body)
            assert r.status_code == 200, (body, r.text)
            assert r.headers["x-homeport-route"] == "onprem/llama", body


async def test_anthropic_messages_front_door_keeps_restricted_work_local(
        server: ServerProcess, sent: list[str]) -> None:
    """`POST /v1/messages`: every place an Anthropic request carries text, streamed or not;
    fields Homeport does not translate (`thinking`, other metadata keys) are sent nowhere."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30, headers={
            "x-api-key": ADMIN_KEY, "anthropic-version": "2023-06-01"}) as h:
        def ask(*messages: dict[str, Any], **more: Any) -> dict[str, Any]:
            return {"model": "gpt", "max_tokens": 20, "messages": list(messages), **more}

        def used(input_: dict[str, Any], result: Any) -> list[dict[str, Any]]:
            return [{"role": "user", "content": "Save it."},
                    {"role": "assistant", "content": [
                        {"type": "tool_use", "id": "t1", "name": "save", "input": input_}]},
                    {"role": "user", "content": [
                        {"type": "tool_result", "tool_use_id": "t1", "content": result}]}]

        hi = {"role": "user", "content": "Hello."}
        bodies: list[dict[str, Any]] = []
        for i in range(4):
            text, value = restricted_value()
            sent.append(value)
            tool = {"name": "lookup", "description": text, "input_schema": {"type": "object"}}
            bodies += [
                ask({"role": "user", "content": text}, stream=i % 2 == 1),
                ask(hi, system=text),
                ask(hi, system=[{"type": "text", "text": "Be brief."},
                                {"type": "text", "text": text}], stream=True),
                ask({"role": "user", "content": [{"type": "text", "text": "Look:"},
                                                 {"type": "text", "text": text}]}),
                ask(*used({"note": text}, "saved"), stream=i % 2 == 0),
                ask(*used({}, text)),
                ask(*used({}, [{"type": "text", "text": text}])),
                ask(hi, tools=[tool]),
                ask(hi, metadata={"user_id": value}),
                ask(hi, stop_sequences=[value]),
                ask({"role": "user", "content": [
                    {"type": "image", "source": {"type": "url",
                                                 "url": f"https://x.test/?q={value}"}}]}),
            ]
        for body in bodies:
            r = await h.post("/v1/messages", json=body)
            assert r.status_code == 200, (body, r.text)
            assert r.headers["x-homeport-route"] == "onprem/llama", body
        _, value = restricted_value()
        sent.append(value)
        r = await h.post("/v1/messages", json=ask(hi, metadata={"ref": value},
                                                  thinking={"note": value}))
        assert r.headers["x-homeport-route"] == "cloud/gpt"  # the ignored fields went nowhere


# -- evasions: the same values written to slip past the detectors (issue: evasion leaks) -------

def _plain(bodies: list[bytes]) -> str:
    """Everything the cloud received, as plain lower-case letters and ASCII digits: JSON
    decoded, digits of every script as ASCII, separators and invisible characters gone."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            for ch in unicodedata.normalize("NFKC", str(value)):
                digit = unicodedata.decimal(ch, None)
                if digit is not None:
                    out.append(str(digit))
                elif ch.isalnum():
                    out.append(ch.lower())

    for body in bodies:
        try:
            walk(json.loads(body))
        except ValueError:
            walk(body.decode(errors="replace"))
    return "".join(out)


def _groups(value: str, sep: str, size: int = 4) -> str:
    return sep.join(value[i:i + size] for i in range(0, len(value), size))


def evasions() -> list[tuple[str, str, str]]:
    """(kind, the value as written, its raw characters) for every evasion of the issue."""
    card, iban, ssn_value = luhn_card("4"), iban_de(), ssn()
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in card)
    out = [
        ("card dots", _groups(card, "."), card),
        ("card nbsp", _groups(card, "\u00a0"), card),
        ("card thin space", _groups(card, "\u2009"), card),
        ("card narrow nbsp", _groups(card, "\u202f"), card),
        ("card en dash", _groups(card, "\u2013"), card),
        ("card zero width", "\u200b".join(card), card),
        ("card full-width", _groups(fullwidth, " "), card),
        ("card arabic-indic", "".join(chr(0x0660 + int(d)) for d in card), card),
        ("card split lines", f"{card[:8]}\n{card[8:]}", card),
        ("card no issuer", _groups(luhn_card("80"), " "), ""),
        ("ssn unicode hyphen", ssn_value.replace("-", "\u2010"), ssn_value),
        ("ssn minus sign", ssn_value.replace("-", "\u2212"), ssn_value),
        ("iban lower", _groups(iban.lower(), " "), iban),
        ("iban dashes", _groups(iban, "-"), iban),
        ("card base64", base64.b64encode(card.encode()).decode(), card),
        ("card hex", card.encode().hex(), card),
        ("card url-encoded", "".join(f"%{b:02X}" for b in card.encode()), card),
        ("card json escapes", "".join(f"\\u{ord(c):04x}" for c in card), card),
    ]
    return [(k, v, raw or "".join(ch for ch in v if ch.isdigit())) for k, v, raw in out]


@pytest.fixture
def plain_sent(cloud: FakeOpenAI, sent: list[str]) -> Iterator[list[str]]:
    """Raw values (digits, IBAN characters) that may not reach the cloud in any writing."""
    before = len(cloud.received)
    raws: list[str] = []
    yield raws
    received = _plain(cloud.received[before:])
    for raw in raws:
        compact = "".join(ch.lower() for ch in raw if ch.isalnum())
        assert compact not in received, f"{raw} reached the cloud"


async def test_evasions_never_reach_the_cloud_on_any_path(
        server: ServerProcess, sent: list[str], plain_sent: list[str]) -> None:
    client = aclient(server)
    for kind, value, raw in evasions():
        sent.append(value)
        plain_sent.append(raw)
        text = f"Customer note ({kind}): {value} - please check."
        for stream in (False, True):
            _, headers = await chat(client, "gpt", text, stream=stream)
            assert headers["x-homeport-route"] == "onprem/llama", (kind, stream)
            assert headers["x-homeport-sensitivity"] == "restricted", (kind, stream)
        raw_resp = await client.completions.with_raw_response.create(model="gpt", prompt=text)
        assert raw_resp.headers["x-homeport-route"] == "onprem/llama", kind
        emb = await client.embeddings.with_raw_response.create(model="cloud-embed",
                                                               input=["hello", text])
        assert emb.headers["x-homeport-route"] == "local-embed/local-embed", kind
    _, headers = await chat(client, "gpt", "Card games: which one is easiest to learn?")
    assert headers["x-homeport-route"] == "cloud/gpt"


async def test_values_split_across_messages_parts_and_lines_stay_local(
        server: ServerProcess, sent: list[str], plain_sent: list[str]) -> None:
    client = aclient(server)
    card = luhn_card("4")
    plain_sent.append(card)
    sent.append(card[:8])
    carriers: list[list[dict[str, Any]]] = [
        [{"role": "user", "content": f"My card starts {card[:8]}"},
         {"role": "assistant", "content": "Go on."},
         {"role": "user", "content": f"{card[8:]} is the rest"}],
        [{"role": "user", "content": [{"type": "text", "text": f"number {card[:6]}"},
                                      {"type": "text", "text": card[6:]}]}],
        [{"role": "user", "content": f"number:\n{card[:4]} {card[4:8]}\n"
                                     f"{card[8:12]} {card[12:]}"}],
    ]
    for messages in carriers:
        for stream in (False, True):
            raw = await client.chat.completions.with_raw_response.create(
                model="gpt", messages=messages, stream=stream)  # type: ignore[arg-type]
            assert raw.headers["x-homeport-route"] == "onprem/llama", messages


async def test_fields_that_passed_unscanned_are_scanned(
        server: ServerProcess, sent: list[str], plain_sent: list[str]) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30,
                                 headers={"authorization": f"Bearer {ADMIN_KEY}"}) as h:
        bodies: list[Any] = []
        for _ in range(2):
            card, ssn_value = luhn_card("4"), ssn()
            sent.append(card)
            plain_sent.append(card)
            tool = {"type": "function", "function": {"name": "lookup",
                                                     "parameters": {"type": "object"}}}
            escaped = "".join(f"\\u{ord(c):04x}" for c in card)
            bodies += [
                {"messages": [{"role": "user", "content": "Save it."},
                              {"role": "assistant", "content": None, "tool_calls": [
                                  {"id": "c1", "type": "function",
                                   "function": {"name": "save", "arguments": "{}"}}]},
                              {"role": "tool", "tool_call_id": f"call_{card}",
                               "content": "saved"}], "tools": [tool]},
                {"messages": [{"role": "user", "content": [
                    {"type": "text", "text": "Hello.", "x-note": f"card {card}"}]}]},
                {"messages": [{"role": "user", "content": "Hello."}], "tools": [tool],
                 "tool_choice": {"type": "function", "function": {"name": f"lookup {card}"}}},
                {"messages": [{"role": "user", "content": "Save it."},
                              {"role": "assistant", "content": None, "tool_calls": [
                                  {"id": "c1", "type": "function",
                                   "function": {"name": card, "arguments": "{}"}}]},
                              {"role": "tool", "tool_call_id": "c1", "content": "ok"}]},
                {"messages": [{"role": "user", "content": "Hello."}], "seed": int(card)},
                {"messages": [{"role": "user", "content": "Save it."},
                              {"role": "assistant", "content": None, "tool_calls": [
                                  {"id": "c1", "type": "function", "function": {
                                      "name": "save", "arguments": f'{{"n": "{escaped}"}}'}}]},
                              {"role": "tool", "tool_call_id": "c1", "content": "ok"}]},
                {"messages": [{"role": "user", "content": "Hello."}],
                 "metadata": {"ref": ssn_value.replace("-", "")}},
            ]
            plain_sent.append(ssn_value)
        for body in bodies:
            r = await h.post("/v1/chat/completions", json={"model": "gpt", **body})
            assert r.status_code == 200, (body, r.text)
            assert r.headers["x-homeport-route"] == "onprem/llama", body
