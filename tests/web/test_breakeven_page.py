"""The break-even page: hardware profile, savings, months to pay back, per-workload advice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from homeport.app import create_app
from homeport.runtime import Runtime
from homeport.settings import Settings
from tests.web.conftest import ADMIN, log_in
from tests.web.test_usage_page import fill_ledger


@pytest.fixture
async def priced(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(data_dir=tmp_path, admin_key=ADMIN,
                        embedded={"chat": None, "embeddings": None},
                        economics={"hardware": {"name": "one GPU box", "price": 0.01,
                                                "amortisation_months": 36}})
    rt = Runtime(settings)
    rt.prepare()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings, rt)),
                                 base_url="http://testserver") as client:
        yield client, rt
    rt.db.close()


async def test_breakeven_page(priced: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = priced
    fill_ledger(rt)
    await log_in(client, ADMIN)
    r = await client.get("/breakeven", params={"since": "3d"})
    assert r.status_code == 200, r.text
    assert "one GPU box" in r.text and "Pays back in" in r.text
    assert "requested-model" in r.text and ("local" in r.text or "cloud" in r.text)
    assert " months</strong>" in r.text  # local work saved more than the box costs
    assert "Savings accumulated against the hardware price" in r.text  # the payback chart
    bad = await client.get("/breakeven", params={"by": "colour"})
    assert bad.status_code == 400 and "by rule or by task" in bad.text


async def test_breakeven_without_a_hardware_price(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _ = web
    await log_in(client, ADMIN)
    r = await client.get("/breakeven")
    assert r.status_code == 200 and "nothing to pay back" in r.text
    assert "No requests in this window." in r.text
