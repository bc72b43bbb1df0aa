"""/v1/audit through the real app (not started: no models load): browse, verify, export;
admin and auditor keys only."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import text

from homeport.governance.audit import Entry
from homeport.runtime import Runtime
from homeport.settings import Settings
from tests.governance.test_audit import egress, entries

ADMIN = "hp-audit-admin"
Api = tuple[httpx.AsyncClient, dict[str, str], Runtime]


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    from homeport.app import create_app

    settings = Settings(data_dir=tmp_path, admin_key=ADMIN)
    rt = Runtime(settings)
    rt.prepare()
    keys = {"admin": ADMIN}
    for role in ("auditor", "member"):
        keys[role] = rt.keys.create("a", role, (role,))[0]
    rt.audit.append(entries(30))
    rt.audit.append([Entry("egress", egress(99, provider="anthropic"), team="ops")])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings, rt)),
                                 base_url="http://hp") as client:
        yield client, keys, rt
    rt.db.close()


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


async def test_browse_newest_first_with_a_cursor(api: Api) -> None:
    client, keys, rt = api
    total = rt.audit.query(limit=1000).records[0].seq
    r = await client.get("/v1/audit", params={"limit": 10}, headers=_auth(keys["auditor"]))
    assert r.status_code == 200, r.text
    page = r.json()
    seqs = [x["seq"] for x in page["data"]]
    assert page["object"] == "list" and seqs == list(range(total, total - 10, -1))
    assert page["next_before"] == seqs[-1]
    r = await client.get("/v1/audit", params={"limit": 10, "before": page["next_before"]},
                         headers=_auth(keys["admin"]))
    assert [x["seq"] for x in r.json()["data"]] == list(range(total - 10, total - 20, -1))

    r = await client.get("/v1/audit", params={"provider": "anthropic", "since": "1h",
                                              "until": "2100-01-01"},
                         headers=_auth(keys["auditor"]))
    [only] = r.json()["data"]
    assert only["data"]["provider"] == "anthropic" and only["team"] == "ops"
    assert r.json()["next_before"] is None
    r = await client.get("/v1/audit", params={"kind": "knowledge", "team": "ops", "limit": 1000},
                         headers=_auth(keys["auditor"]))
    assert len(r.json()["data"]) == 10


async def test_verify_and_export(api: Api) -> None:
    client, keys, rt = api
    r = await client.post("/v1/audit/verify", headers=_auth(keys["auditor"]))
    assert r.status_code == 200 and r.json()["ok"] is True, r.text

    r = await client.get("/v1/audit/export", params={"kind": "egress"},
                         headers=_auth(keys["auditor"]))
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
    lines = [orjson.loads(line) for line in r.text.splitlines()]
    assert len(lines) == 11 and {x["kind"] for x in lines} == {"egress"}
    r = await client.get("/v1/audit/export", params={"format": "csv", "since": "2000-01-01"},
                         headers=_auth(keys["admin"]))
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(x["seq"]) for x in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 31

    with rt.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET kind = 'admin' WHERE seq = 6"))
    r = await client.post("/v1/audit/verify", headers=_auth(keys["admin"]))
    body = r.json()
    assert (body["ok"], body["bad_seq"], body["reason"]) == (False, 6, "hash mismatch (edited)")


async def test_members_are_refused(api: Api) -> None:
    client, keys, _ = api
    for method, path in (("GET", "/v1/audit"), ("POST", "/v1/audit/verify"),
                         ("GET", "/v1/audit/export")):
        r = await client.request(method, path, headers=_auth(keys["member"]))
        assert r.status_code == 403, r.text
        assert r.json()["error"]["type"] == "permission_error"
        assert "auditor" in r.json()["error"]["message"]
    r = await client.get("/v1/audit")
    assert r.status_code == 401


@pytest.mark.parametrize(("path", "params", "param"), [
    ("/v1/audit", {"limit": "0"}, "limit"),
    ("/v1/audit", {"limit": "1001"}, "limit"),
    ("/v1/audit", {"limit": "ten"}, "limit"),
    ("/v1/audit", {"before": "-3"}, "before"),
    ("/v1/audit", {"since": "last week"}, "since"),
    ("/v1/audit", {"until": "2024-02-30"}, "until"),
    ("/v1/audit", {"kind": "payload"}, "kind"),
    ("/v1/audit/export", {"format": "xml"}, "format"),
    ("/v1/audit/export", {"since": "soon"}, "since"),
])
async def test_bad_params_name_the_param(api: Api, path: str, params: dict[str, str],
                                         param: str) -> None:
    client, keys, _ = api
    r = await client.get(path, params=params, headers=_auth(keys["auditor"]))
    assert r.status_code == 400, r.text
    assert r.json()["error"]["param"] == param
