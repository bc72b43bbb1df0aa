"""The chat page in-process: answers stream through the /v1 chat path (a fake OpenAI-compatible
upstream stands in for a model), conversations are kept per person, regenerate replaces the
last answer, and errors come back in the OpenAI shape."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeport.runtime import Runtime
from homeport.settings import Settings
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.web.conftest import ADMIN, csrf_of, log_in, running_app


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
async def chat(tmp_path: Path, upstream: FakeOpenAI
               ) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime, FakeOpenAI]]:
    settings = Settings(
        data_dir=tmp_path, admin_key=ADMIN, embedded={"chat": None, "embeddings": None},
        providers=[{"name": "lab", "type": "openai", "base_url": upstream.base_url,
                    "tier": "local"}],
        models=[{"name": "lab-model", "provider": "lab"}])
    async with running_app(settings) as (client, rt):
        yield client, rt, upstream.reset()


async def send(client: httpx.AsyncClient, csrf: str, **body: Any) -> httpx.Response:
    body = {"model": "lab-model", **body}
    return await client.post("/chat/send", json=body, headers={"x-csrf-token": csrf})


def events(response: httpx.Response) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in response.text.splitlines()
            if line.startswith("data: ") and line != "data: [DONE]"]


def text_of(response: httpx.Response) -> str:
    return "".join(c["delta"].get("content") or "" for e in events(response)
                   for c in e.get("choices", []))


async def page_csrf(client: httpx.AsyncClient, path: str = "/") -> str:
    return csrf_of((await client.get(path)).text)


async def test_an_answer_streams_with_its_route_and_is_kept(
        chat: tuple[httpx.AsyncClient, Runtime, FakeOpenAI]) -> None:
    client, _, upstream = chat
    upstream.default = Reply(text="Paris is the capital.")
    await log_in(client, ADMIN)
    page = await client.get("/")
    assert page.status_code == 200 and '<option value="lab-model"' in page.text
    r = await send(client, csrf_of(page.text),
                   messages=[{"role": "user", "content": "Capital of France?"}])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["x-homeport-route"] == "lab/lab-model"
    assert r.headers["x-homeport-tier"] == "local"
    assert r.headers["x-homeport-sensitivity"] == "public"
    assert text_of(r) == "Paris is the capital."
    conv = r.headers["x-homeport-conversation"]
    # the upstream got an OpenAI request with an opaque user id, never the key or a name
    sent = upstream.requests[-1]
    assert sent["messages"][-1]["content"] == "Capital of France?"
    assert re.fullmatch(r"web_[0-9a-f]{20}", sent["user"])
    assert sent["user"] in (await client.get("/account")).text  # shown, for export/erasure
    # kept: listed on the chat page, with where the answer ran
    listed = await client.get("/")
    assert f'href="/c/{conv}"' in listed.text and "Capital of France?" in listed.text
    opened = await client.get(f"/c/{conv}")
    state = json.loads(re.search(r'id="chat-state">(.*?)</script>', opened.text, re.S)[1])
    assert [m["role"] for m in state["messages"]] == ["user", "assistant"]
    answer = state["messages"][1]
    assert answer["content"] == "Paris is the capital."
    assert answer["meta"]["route"] == "lab/lab-model" and answer["meta"]["tier"] == "local"
    assert answer["sensitivity"] == "public"


async def test_follow_ups_and_regenerate(
        chat: tuple[httpx.AsyncClient, Runtime, FakeOpenAI]) -> None:
    client, rt, upstream = chat
    await log_in(client, ADMIN)
    csrf = await page_csrf(client)
    upstream.default = Reply(text="First answer.")
    first = await send(client, csrf, messages=[{"role": "user", "content": "One?"}])
    conv = first.headers["x-homeport-conversation"]
    history = [{"role": "user", "content": "One?"},
               {"role": "assistant", "content": "First answer."},
               {"role": "user", "content": "Two?"}]
    upstream.default = Reply(text="Second answer.")
    await send(client, csrf, messages=history, conversation=conv)
    upstream.default = Reply(status=500, error_message="the model crashed")
    failed = await send(client, csrf, messages=history, conversation=conv, regenerate=True)
    assert failed.status_code >= 500  # a failed regeneration loses nothing
    kept = await rt.db.run(rt.memory.conversations.messages, "admin",
                           upstream.requests[-1]["user"], conv)
    assert [m["content"] for m in kept][-1] == "Second answer."
    upstream.default = Reply(text="Second answer, again.")
    again = await send(client, csrf, messages=history, conversation=conv, regenerate=True)
    assert again.headers["x-homeport-conversation"] == conv
    assert text_of(again) == "Second answer, again."
    kept = await rt.db.run(rt.memory.conversations.messages, "admin",
                           upstream.requests[-1]["user"], conv)
    assert [(m["role"], m["content"]) for m in kept] == [
        ("user", "One?"), ("assistant", "First answer."), ("user", "Two?"),
        ("assistant", "Second answer, again.")]


async def test_conversations_are_private_and_can_be_deleted(
        chat: tuple[httpx.AsyncClient, Runtime, FakeOpenAI]) -> None:
    client, rt, _ = chat
    await log_in(client, ADMIN)
    r = await send(client, await page_csrf(client),
                   messages=[{"role": "user", "content": "Secret plans"}])
    conv = r.headers["x-homeport-conversation"]
    other, _ = rt.keys.create("admin", roles=("admin",))  # same team, another person
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as c2:
        await log_in(c2, other)
        assert (await c2.get(f"/c/{conv}")).status_code == 404
        assert "Secret plans" not in (await c2.get("/")).text
        forged = await send(c2, await page_csrf(c2), conversation=conv, regenerate=True,
                            messages=[{"role": "user", "content": "x"}])
        assert forged.status_code == 404  # cannot drop someone else's turn
    page = await client.get(f"/c/{conv}")
    deleted = await client.post(f"/c/{conv}/delete", data={"csrf": csrf_of(page.text)})
    assert deleted.status_code == 303
    assert (await client.get(f"/c/{conv}")).status_code == 404


async def test_errors_come_back_as_openai_json(
        chat: tuple[httpx.AsyncClient, Runtime, FakeOpenAI]) -> None:
    client, _, upstream = chat
    r = await client.post("/chat/send", json={"model": "lab-model", "messages": []})
    assert r.status_code == 401 and "Log in again" in r.json()["error"]["message"]
    await log_in(client, ADMIN)
    csrf = await page_csrf(client)
    no_csrf = await client.post("/chat/send", json={"model": "lab-model", "messages": [
        {"role": "user", "content": "hi"}]})
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["type"]
    unknown = await send(client, csrf, model="nope",
                         messages=[{"role": "user", "content": "hi"}])
    assert unknown.status_code == 404 and "lab-model" in unknown.json()["error"]["message"]
    empty = await send(client, csrf, messages=[])
    assert empty.status_code == 400 and empty.json()["error"]["param"] == "messages"
    upstream.default = Reply(status=500, error_message="the model crashed")
    failed = await send(client, csrf, messages=[{"role": "user", "content": "hi"}])
    assert failed.status_code >= 500 and failed.json()["error"]["message"]


async def test_auditors_may_not_chat(chat: tuple[httpx.AsyncClient, Runtime, FakeOpenAI]) -> None:
    client, rt, _ = chat
    key, _ = rt.keys.create("audit", roles=("auditor",))
    await log_in(client, key)
    r = await send(client, await page_csrf(client, "/account"),
                   messages=[{"role": "user", "content": "hi"}])
    assert r.status_code == 403 and "auditor" in r.json()["error"]["message"]
