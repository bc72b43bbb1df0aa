"""Chat with knowledge attached, against a real `homeport serve` and the official `openai` SDK.

The deployment has the embedded local models and a recording fake OpenAI-compatible cloud
(`cloud`, cleared up to internal): what the cloud model received is the prompt the model saw.
Team `alpha` owns an internal knowledge base holding a distinctive (public) fact and a
restricted one; team `beta` owns nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import ADMIN_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.helpers import ServerProcess, SpecValidator

pytestmark = pytest.mark.slow

# Nothing here is flagged by the privacy scanner (a person-like name would make it
# confidential, which the cloud is not cleared for): the labels come from the bases alone.
FACT = "The lighthouse keeper's cat is called Pumpernickel"
HANDBOOK = f"""# Lighthouse operations manual

## Keeper's cat

{FACT}. Pumpernickel eats sardines every Tuesday at the north stairwell.

## Lamp maintenance

Polish the Fresnel lens every morning with a dry cotton cloth. Replace the lamp after two
thousand hours of service and log the change in the maintenance book.
"""
SECRET = "The vault door opens with the spoken phrase purple walrus sings at noon"
VAULT = f"""# Vault procedures

## Opening the vault

{SECRET}, said twice. Close the door within ten minutes.
"""
QUESTION = "What is the name of the lighthouse keeper's cat?"


# -- the deployment -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(cloud: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = f"""
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x}}
models:
  - {{name: gpt, provider: cloud}}
  - {{name: handbook-gpt, provider: cloud, knowledge: [handbook]}}
"""
    proc = ServerProcess(tmp_path_factory.mktemp("chat-knowledge"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture(scope="module")
def alpha(server: ServerProcess) -> str:
    return server.create_key("alpha")


@pytest.fixture(scope="module")
def beta(server: ServerProcess) -> str:
    return server.create_key("beta")


def ingest(server: ServerProcess, key: str, kb: str, sensitivity: str, filename: str,
           content: str) -> dict[str, Any]:
    """Create `kb`, upload one file, wait for its job; returns the document."""
    auth = {"authorization": f"Bearer {key}"}
    r = httpx.post(f"{server.url}/v1/knowledge", headers=auth,
                   json={"name": kb, "sensitivity": sensitivity}, timeout=30)
    assert r.status_code == 200, r.text
    r = httpx.post(f"{server.url}/v1/knowledge/{kb}/documents", headers=auth, timeout=30,
                   files={"file": (filename, content.encode(), "text/markdown")})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    deadline = time.monotonic() + 120
    while True:
        job = httpx.get(f"{server.url}/v1/knowledge/{kb}/jobs/{job_id}", headers=auth,
                        timeout=30).json()
        if job["status"] not in ("queued", "running"):
            break
        assert time.monotonic() < deadline, f"ingestion did not finish: {job}"
        time.sleep(0.2)
    assert job["status"] == "done", job
    docs = httpx.get(f"{server.url}/v1/knowledge/{kb}/documents", headers=auth,
                     timeout=30).json()["data"]
    assert [d["source"] for d in docs] == [filename]
    doc: dict[str, Any] = httpx.get(f"{server.url}/v1/knowledge/{kb}/documents/{docs[0]['id']}",
                                    params={"include": "chunks"}, headers=auth,
                                    timeout=30).json()
    return doc


@pytest.fixture(scope="module")
def handbook(server: ServerProcess, alpha: str) -> dict[str, Any]:
    return ingest(server, alpha, "handbook", "internal", "manual/lighthouse.md", HANDBOOK)


@pytest.fixture(scope="module")
def vault(server: ServerProcess, alpha: str) -> dict[str, Any]:
    return ingest(server, alpha, "vault", "restricted", "vault.md", VAULT)


@pytest.fixture
def fresh(cloud: FakeOpenAI) -> FakeOpenAI:
    """The cloud fake with no scripted replies and nothing recorded yet."""
    return cloud.reset()


def client(server: ServerProcess, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=120)


def ask(question: str = QUESTION) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": question}]


def fact_chunk(doc: dict[str, Any], needle: str) -> dict[str, Any]:
    (chunk,) = [c for c in doc["chunks"] if needle in c["text"]]
    return chunk


def sources_message(request: dict[str, Any]) -> str:
    """The numbered-sources system message Homeport added to what the model received."""
    found = [m["content"] for m in request["messages"]
             if m["role"] == "system" and "[1]" in m["content"]]
    assert len(found) == 1, request["messages"]
    return str(found[0])


# -- non-streaming ------------------------------------------------------------------------------

def test_chat_with_knowledge_cites_the_passage_the_model_saw(
        server: ServerProcess, alpha: str, handbook: dict[str, Any], fresh: FakeOpenAI,
        spec: SpecValidator) -> None:
    raw = client(server, alpha).chat.completions.with_raw_response.create(
        model="gpt", messages=ask(), extra_body={"knowledge": ["handbook"]})  # type: ignore[arg-type]
    assert raw.headers["x-homeport-route"] == "cloud/gpt"
    body = json.loads(raw.text)
    spec.validate("CreateChatCompletionResponse", body)

    cited = body["citations"]
    assert cited and [c["index"] for c in cited] == list(range(1, len(cited) + 1))
    first = cited[0]
    chunk = fact_chunk(handbook, "Pumpernickel")
    assert first["knowledge_base"] == "handbook"
    assert first["document_id"] == handbook["id"]
    assert first["source"] == "manual/lighthouse.md"
    assert FACT in first["text"]
    assert first["location"] == chunk["location"]
    assert first["location"]["headings"][-1] == "Keeper's cat"
    assert isinstance(first["score"], float)

    # the prompt the model saw: the passage as source [1], after the caller's system message
    (request,) = fresh.requests
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "system", "user"]
    assert request["messages"][0]["content"] == "You are a helpful assistant."
    sources = sources_message(request)
    source_one = sources.split("\n\n[1] ", 1)[1].split("\n\n[2] ", 1)[0]
    assert FACT in source_one and "(manual/lighthouse.md)" in source_one
    assert request["messages"][-1]["content"] == QUESTION

    # the fake's answer cites nothing: Homeport appends a Sources footer naming the passages
    answer = body["choices"][0]["message"]["content"]
    assert answer.startswith("Hello from the fake upstream.")
    assert "\n\nSources: [1] " in answer
    assert answer.count("[") == len(cited)


def test_an_answer_that_cites_by_number_gets_no_footer(
        server: ServerProcess, alpha: str, handbook: dict[str, Any], fresh: FakeOpenAI) -> None:
    fresh.replies.append(Reply(text="The cat is Pumpernickel [1]."))
    resp = client(server, alpha).chat.completions.create(
        model="gpt", messages=ask(), extra_body={"knowledge": ["handbook"]})  # type: ignore[arg-type]
    assert resp.choices[0].message.content == "The cat is Pumpernickel [1]."
    extra = resp.model_extra or {}
    assert extra["citations"][0]["document_id"] == handbook["id"]


def test_without_knowledge_nothing_is_retrieved(
        server: ServerProcess, alpha: str, handbook: dict[str, Any], fresh: FakeOpenAI) -> None:
    raw = client(server, alpha).chat.completions.with_raw_response.create(
        model="gpt", messages=ask())  # type: ignore[arg-type]
    body = json.loads(raw.text)
    assert "citations" not in body
    assert "Sources:" not in body["choices"][0]["message"]["content"]
    (request,) = fresh.requests
    assert FACT not in json.dumps(request)


# -- streaming ----------------------------------------------------------------------------------

def test_stream_ends_with_a_citations_event(
        server: ServerProcess, alpha: str, handbook: dict[str, Any], fresh: FakeOpenAI,
        spec: SpecValidator) -> None:
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", timeout=120,
                      headers={"authorization": f"Bearer {alpha}"},
                      json={"model": "gpt", "stream": True, "messages": ask(),
                            "knowledge": ["handbook"],
                            "stream_options": {"include_usage": True}}) as r:
        assert r.status_code == 200
        assert r.headers["x-homeport-route"] == "cloud/gpt"
        lines = [ln for ln in r.iter_lines() if ln]
    assert all(ln.startswith("data: ") for ln in lines)
    assert lines[-1] == "data: [DONE]"
    events = [json.loads(ln[6:]) for ln in lines[:-1]]
    for event in events:
        spec.validate("CreateChatCompletionStreamResponse", event)
    assert len({e["id"] for e in events}) == 1

    final = events[-1]
    assert final["object"] == "chat.completion.chunk" and final["choices"] == []
    assert set(final) >= {"id", "object", "created", "model", "choices", "citations"}
    cited = final["citations"]
    assert cited[0]["document_id"] == handbook["id"] and FACT in cited[0]["text"]
    assert cited[0]["location"] == fact_chunk(handbook, "Pumpernickel")["location"]
    assert all("citations" not in e for e in events[:-1])
    assert events[-2]["choices"] == [] and events[-2]["usage"]["completion_tokens"] > 0

    text = "".join(e["choices"][0]["delta"].get("content") or "" for e in events if e["choices"])
    assert text.startswith("Hello from the fake upstream.")
    assert "\n\nSources: [1] " in text
    assert FACT in sources_message(fresh.requests[0])


def test_stream_through_the_sdk(server: ServerProcess, alpha: str, handbook: dict[str, Any],
                                fresh: FakeOpenAI, spec: SpecValidator) -> None:
    fresh.replies.append(Reply(text="It is Pumpernickel [1]."))
    chunks = list(client(server, alpha).chat.completions.create(
        model="gpt", messages=ask(), stream=True,  # type: ignore[arg-type]
        extra_body={"knowledge": ["handbook"]}))
    for chunk in chunks:
        spec.validate("CreateChatCompletionStreamResponse", chunk.model_dump(exclude_unset=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "It is Pumpernickel [1]."  # cites by number: no footer
    assert chunks[-1].choices == []
    assert (chunks[-1].model_extra or {})["citations"][0]["source"] == "manual/lighthouse.md"


# -- a model alias bound to a knowledge base ----------------------------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_alias_bound_to_a_knowledge_base(server: ServerProcess, alpha: str,
                                         handbook: dict[str, Any], fresh: FakeOpenAI,
                                         stream: bool) -> None:
    c = client(server, alpha)
    if stream:
        chunks = list(c.chat.completions.create(model="handbook-gpt", messages=ask(),
                                                stream=True))  # type: ignore[arg-type]
        cited = (chunks[-1].model_extra or {})["citations"]
    else:
        resp = c.chat.completions.create(model="handbook-gpt", messages=ask())  # type: ignore[arg-type]
        cited = (resp.model_extra or {})["citations"]
        assert resp.model == "handbook-gpt"
    assert cited[0]["knowledge_base"] == "handbook"
    assert cited[0]["document_id"] == handbook["id"]
    (request,) = fresh.requests
    assert FACT in sources_message(request)


# -- privacy: a knowledge base's label joins the route ------------------------------------------

@pytest.mark.parametrize("stream", [False, True])
def test_restricted_knowledge_is_answered_locally(
        server: ServerProcess, alpha: str, vault: dict[str, Any], fresh: FakeOpenAI,
        stream: bool) -> None:
    """The passage itself holds nothing a scanner flags: only the knowledge base's label says
    it is restricted, and that alone must keep the request away from the cloud."""
    before = len(fresh.received)
    messages = ask("How does the vault door open?")
    if stream:
        with client(server, alpha).chat.completions.with_streaming_response.create(
                model="gpt", messages=messages, stream=True, max_tokens=8,  # type: ignore[arg-type]
                extra_body={"knowledge": ["vault"]}) as resp:
            headers = dict(resp.headers)
            events = [json.loads(ln[6:]) for ln in resp.iter_lines()
                      if ln.startswith("data: {")]
        cited = events[-1]["citations"]
    else:
        raw = client(server, alpha).chat.completions.with_raw_response.create(
            model="gpt", messages=messages, max_tokens=8,  # type: ignore[arg-type]
            extra_body={"knowledge": ["vault"]})
        headers = dict(raw.headers)
        cited = json.loads(raw.text)["citations"]
    assert headers["x-homeport-route"].startswith("local/"), headers["x-homeport-route"]
    assert headers["x-homeport-sensitivity"] == "restricted"
    assert cited[0]["knowledge_base"] == "vault" and SECRET in cited[0]["text"]
    assert len(fresh.received) == before
    assert not any(b"walrus" in body for body in fresh.received)


def test_internal_knowledge_with_public_content_may_use_the_cloud(
        server: ServerProcess, alpha: str, handbook: dict[str, Any], fresh: FakeOpenAI) -> None:
    raw = client(server, alpha).chat.completions.with_raw_response.create(
        model="gpt", messages=ask(), extra_body={"knowledge": ["handbook"]})  # type: ignore[arg-type]
    assert raw.headers["x-homeport-route"] == "cloud/gpt"
    assert raw.headers["x-homeport-sensitivity"] == "internal"
    assert len(fresh.requests) == 1


def test_mixing_restricted_and_internal_knowledge_stays_local(
        server: ServerProcess, alpha: str, handbook: dict[str, Any], vault: dict[str, Any],
        fresh: FakeOpenAI) -> None:
    """Only passages actually retrieved count; ask for both bases with a query that finds
    both, and the highest label (restricted) decides."""
    before = len(fresh.received)
    raw = client(server, alpha).chat.completions.with_raw_response.create(
        model="handbook-gpt", messages=ask("lighthouse cat and the vault door phrase"),
        max_tokens=8, extra_body={"knowledge": ["vault"]})  # type: ignore[arg-type]
    cited = json.loads(raw.text)["citations"]
    assert {c["knowledge_base"] for c in cited} == {"handbook", "vault"}
    assert raw.headers["x-homeport-route"].startswith("local/")
    assert len(fresh.received) == before


# -- errors -------------------------------------------------------------------------------------

def _error(e: openai.APIStatusError, spec: SpecValidator) -> dict[str, Any]:
    body: dict[str, Any] = e.response.json()
    spec.validate("ErrorResponse", body)
    return body["error"]


@pytest.mark.parametrize("model,knowledge", [("gpt", ["handbook"]), ("handbook-gpt", []),
                                             ("gpt", ["vault"])])
def test_another_teams_knowledge_base_is_not_found(
        server: ServerProcess, beta: str, handbook: dict[str, Any], vault: dict[str, Any],
        fresh: FakeOpenAI, spec: SpecValidator, model: str, knowledge: list[str]) -> None:
    before = len(fresh.received)
    with pytest.raises(openai.NotFoundError) as info:
        client(server, beta).chat.completions.create(
            model=model, messages=ask(), extra_body={"knowledge": knowledge})  # type: ignore[arg-type]
    err = _error(info.value, spec)
    assert err["param"] == "knowledge"
    assert len(fresh.received) == before


def test_unknown_knowledge_base_is_not_found(server: ServerProcess, alpha: str,
                                             fresh: FakeOpenAI, spec: SpecValidator) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client(server, alpha).chat.completions.create(
            model="gpt", messages=ask(), stream=True,  # type: ignore[arg-type]
            extra_body={"knowledge": ["no-such-kb"]})
    assert "no-such-kb" in _error(info.value, spec)["message"]
    assert fresh.received == []


def test_knowledge_needs_a_user_message(server: ServerProcess, alpha: str,
                                        handbook: dict[str, Any], fresh: FakeOpenAI,
                                        spec: SpecValidator) -> None:
    before = len(fresh.received)
    with pytest.raises(openai.BadRequestError) as info:
        client(server, alpha).chat.completions.create(
            model="gpt", messages=[{"role": "system", "content": "Be brief."}],
            extra_body={"knowledge": ["handbook"]})
    assert _error(info.value, spec)["param"] == "messages"
    assert len(fresh.received) == before
