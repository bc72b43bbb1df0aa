"""Each failed request is one row in the request ledger, whoever recorded it: the gateway (an
error inside an exchange) or the endpoint (an error before the gateway saw the request)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from homeport.app import create_app
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.storage.schema import requests

KEY = "hp-ledger-admin-key"
AUTH = {"authorization": f"Bearer {KEY}"}
CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(data_dir=tmp_path, admin_key=KEY,
                        embedded={"chat": None, "embeddings": None},
                        providers=[{"name": "cloud", "type": "openai", "tier": "cloud",
                                    "base_url": "http://127.0.0.1:9/v1"}],
                        models=[{"name": "gpt-4o", "provider": "cloud"}])
    rt = Runtime(settings)
    rt.prepare()
    await rt.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings, rt)),
                                     base_url="http://testserver") as client:
            yield client, rt
    finally:
        await rt.stop()


def ledger(rt: Runtime) -> list[tuple[Any, ...]]:
    with rt.db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(requests.c.endpoint, requests.c.status, requests.c.error_type))]


async def flushed(rt: Runtime) -> list[tuple[Any, ...]]:
    await rt.ledger.close()  # writes what is queued
    return ledger(rt)


async def test_an_unexpected_error_inside_an_exchange_is_recorded_once(
        app: tuple[httpx.AsyncClient, Runtime], monkeypatch: pytest.MonkeyPatch) -> None:
    client, rt = app

    async def broken(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise RuntimeError("a bug in a provider")
        yield  # an async generator, as Provider.stream is

    monkeypatch.setattr(rt.registry.providers["cloud"], "stream", broken)
    r = await client.post("/v1/chat/completions", json=CHAT, headers=AUTH)
    assert r.status_code == 500, r.text
    assert "server log" in r.json()["error"]["message"]
    assert await flushed(rt) == [("chat", 500, "RuntimeError")]


async def test_an_unexpected_error_before_the_exchange_is_recorded_once(
        app: tuple[httpx.AsyncClient, Runtime], monkeypatch: pytest.MonkeyPatch) -> None:
    client, rt = app

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in retrieval")

    monkeypatch.setattr(rt.knowledge, "search", broken)
    r = await client.post("/v1/chat/completions", json={**CHAT, "knowledge": ["handbook"]},
                          headers=AUTH)
    assert r.status_code == 500, r.text
    assert await flushed(rt) == [("chat", 500, "HomeportError")]


async def test_a_refused_body_is_recorded_once(app: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = app
    r = await client.post("/v1/chat/completions", json={**CHAT, "max_tokens": 2**64},
                          headers=AUTH)
    assert r.status_code == 400 and r.json()["error"]["param"] == "max_tokens"
    assert await flushed(rt) == [("chat", 400, "InvalidRequest")]
