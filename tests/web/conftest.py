"""The web UI's app in-process (httpx ASGI transport) and how a person logs in to it."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from homeport.app import create_app
from homeport.runtime import Runtime
from homeport.settings import Settings

ADMIN = "hp-web-admin-key"


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(data_dir=tmp_path, admin_key=ADMIN,
                        embedded={"chat": None, "embeddings": None},
                        providers=[{"name": "cloud", "type": "openai", "tier": "cloud",
                                    "base_url": "http://127.0.0.1:9/v1"}],  # never called
                        models=[{"name": "gpt-4o", "provider": "cloud"}])
    rt = Runtime(settings)
    rt.prepare()
    app = create_app(settings, rt)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        yield client, rt
    rt.db.close()


@contextlib.asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    """The app in-process with its runtime started (models loaded, workers running)."""
    rt = Runtime(settings)
    rt.prepare()
    await rt.start(wait_for_models=True)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings, rt)),
                                     base_url="http://testserver") as client:
            yield client, rt
    finally:
        await rt.stop()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match[1]


async def log_in(client: httpx.AsyncClient, key: str) -> httpx.Response:
    form = await client.get("/login")
    return await client.post("/login", data={"api_key": key, "csrf": csrf_of(form.text)})
