"""The usage dashboard: charts (inline SVG) and tables over the request ledger."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import insert

from homeport.runtime import Runtime
from homeport.storage.schema import requests
from tests.web.conftest import ADMIN, log_in


def fill_ledger(rt: Runtime, n: int = 40) -> None:
    now = time.time()
    rows = [{"id": f"req-{i}", "ts": now - i * 3600, "endpoint": "chat",
             "model_requested": "gpt", "team": ("legal", "radiology")[i % 2],
             "provider": ("local", "cloud")[i % 2], "model_used": ("smollm", "gpt-4o-mini")[i % 2],
             "tier": ("local", "cloud")[i % 2], "rule": "requested-model", "status": 200,
             "prompt_tokens": 100, "completion_tokens": 20, "latency_ms": 200.0 + i,
             "cost": 0.0001 * (i % 2), "cost_equivalent": 0.0002, "stream": False,
             "attempts": 1, "pseudonymized": False} for i in range(n)]
    with rt.db.engine.begin() as conn:
        conn.execute(insert(requests), rows)


async def test_usage_dashboard_has_charts_and_tables(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    fill_ledger(rt)
    await log_in(client, ADMIN)
    r = await client.get("/usage", params={"since": "3d", "by": "team"})
    assert r.status_code == 200, r.text
    assert r.text.count("<svg") == 6 and "Requests, local and cloud" in r.text
    assert "Requests by team" in r.text and "Cost by team" in r.text  # charts per group too
    assert "cloud-equivalent" in r.text and "legal" in r.text and "radiology" in r.text
    assert '<th scope="row">total</th>' in r.text
    by_model = await client.get("/usage", params={"since": "3d", "by": "model"})
    assert "gpt-4o-mini" in by_model.text and "Requests by model" in by_model.text
    by_tier = await client.get("/usage", params={"since": "3d", "by": "tier"})
    assert by_tier.text.count("<svg") == 4  # the tier charts already split by tier


async def test_usage_bad_input_and_roles(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    await log_in(client, ADMIN)
    empty = await client.get("/usage")
    assert empty.status_code == 200 and "no data" in empty.text
    bad = await client.get("/usage", params={"by": "colour"})
    assert bad.status_code == 400 and "Split by one of" in bad.text
    bad = await client.get("/usage", params={"since": "soon"})
    assert bad.status_code == 400 and "is not a time" in bad.text
    key, _ = rt.keys.create("radiology")
    client.cookies.clear()
    await log_in(client, key)
    assert (await client.get("/usage")).status_code == 403
