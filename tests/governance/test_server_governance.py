"""Governance through a real `homeport serve`: roles, allowed models, budgets, rate limits, the
egress audit, prices in the ledger, metrics, traces and logs.

The deployment: the embedded local models, a recording fake OpenAI-compatible cloud (`gpt`,
priced as gpt-4o-mini from the shipped catalog, falling back to `local`), traces exported to a
local OTLP receiver. Teams and keys are made through the admin API and the CLI.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ADMIN_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.otlp_receiver import OtlpReceiver
from tests.helpers import ServerProcess

pytestmark = pytest.mark.slow

PROMPT = "Write one sentence about lighthouses on rocky northern coasts."  # > 11 tokens
IN_PRICE, OUT_PRICE = 0.15, 0.60  # gpt-4o-mini per million tokens, in the shipped catalog


@pytest.fixture(scope="module")
def otlp() -> Iterator[OtlpReceiver]:
    receiver = OtlpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def server(cloud: FakeOpenAI, otlp: OtlpReceiver,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = f"""
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x,
     region: eu-west-1}}
models:
  - {{name: gpt, provider: cloud, upstream_model: gpt-4o-mini, fallbacks: [local]}}
telemetry:
  otlp_endpoint: "{otlp.endpoint}"
"""
    proc = ServerProcess(tmp_path_factory.mktemp("governance"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture(autouse=True)
def fresh_cloud(cloud: FakeOpenAI) -> None:
    cloud.reset()


def admin(server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                        timeout=60)


def client(server: ServerProcess, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0)


def chat(server: ServerProcess, key: str, model: str = "gpt", text: str = PROMPT,
         **extra: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/chat/completions", timeout=120,
                      headers={"Authorization": f"Bearer {key}", **extra.pop("headers", {})},
                      json={"model": model, "messages": [{"role": "user", "content": text}],
                            "max_tokens": 10, **extra})


def db(server: ServerProcess) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "homeport.db", timeout=10)


def ledger_row(server: ServerProcess, request_id: str) -> dict[str, Any]:
    """The ledger's row of a request (the batched writer flushes within a second)."""
    deadline = time.monotonic() + 10
    while True:
        with db(server) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        if row is not None:
            return dict(row)
        assert time.monotonic() < deadline, f"no ledger row for {request_id}"
        time.sleep(0.1)


def new_team(server: ServerProcess, name: str, **limits: Any) -> str:
    """A team with `limits` and a member key of it, both made through the admin API."""
    with admin(server) as a:
        r = a.post("/v1/admin/teams", json={"name": name, **limits})
        assert r.status_code == 200, r.text
        r = a.post("/v1/admin/keys", json={"team": name, "name": f"{name}-key"})
        assert r.status_code == 200, r.text
        return str(r.json()["key"])


# -- the egress audit ---------------------------------------------------------------------------

def test_egress_is_audited_durably_before_the_request_leaves(server: ServerProcess,
                                                             cloud: FakeOpenAI) -> None:
    key = server.create_key("audited")
    seen: list[int] = []

    def count_egress(body: dict[str, Any]) -> None:  # runs when the cloud receives it
        with db(server) as conn:
            seen.append(conn.execute(
                "SELECT count(*) FROM audit_log WHERE kind = 'egress' "
                "AND json_extract(data, '$.provider') = 'cloud'").fetchone()[0])

    with db(server) as conn:
        before = conn.execute("SELECT count(*) FROM audit_log WHERE kind = 'egress' AND "
                              "json_extract(data, '$.provider') = 'cloud'").fetchone()[0]
    cloud.on_request = count_egress
    r = chat(server, key)
    assert r.status_code == 200, r.text
    assert seen == [before + 1]  # committed before the first byte reached the provider

    rid = r.headers["x-request-id"]
    with db(server) as conn:
        rows = conn.execute("SELECT actor, team, data FROM audit_log WHERE kind = 'egress' AND "
                            "json_extract(data, '$.request_id') = ?", (rid,)).fetchall()
        everything = " ".join(str(v) for row in conn.execute("SELECT * FROM audit_log")
                              for v in row)
    assert len(rows) == 1
    actor, team, data = rows[0][0], rows[0][1], json.loads(rows[0][2])
    assert team == "audited" and actor.startswith("key_")
    assert data["provider"] == "cloud" and data["region"] == "eu-west-1"
    assert data["tier"] == "cloud" and data["model"] == "gpt-4o-mini"
    assert data["rule"] == "requested-model" and data["sensitivity"] == "public"
    assert data["entity_types"] == [] and data["pseudonymized"] is False
    assert len(data["payload_sha256"]) == 64
    assert "lighthouses" not in everything  # never the payload


def test_restricted_content_is_audited_where_it_went(server: ServerProcess,
                                                     cloud: FakeOpenAI) -> None:
    key = server.create_key("audited")
    r = chat(server, key, text="Patient SSN 536-22-8104 needs a refill; summarise the notes.")
    assert r.status_code == 200, r.text
    assert r.headers["x-homeport-route"].startswith("local/")
    assert cloud.received == []
    with db(server) as conn:
        rows = conn.execute("SELECT data FROM audit_log WHERE kind = 'egress' AND "
                            "json_extract(data, '$.request_id') = ?",
                            (r.headers["x-request-id"],)).fetchall()
    data = [json.loads(row[0]) for row in rows]
    assert [d["provider"] for d in data] == ["local"]
    assert data[0]["sensitivity"] == "restricted" and "SSN" in data[0]["entity_types"]


def test_audit_verify_on_the_live_log_and_after_tampering(server: ServerProcess) -> None:
    new_team(server, "verify-team")  # admin actions in the chain
    ok = server.cli("audit", "verify", check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with admin(server) as a:
        assert a.post("/v1/audit/verify").json()["ok"] is True
        records = a.get("/v1/audit", params={"kind": "admin"}).json()["data"]
    assert any(r["data"]["action"] == "create_team" and r["data"]["target"] == "verify-team"
               for r in records)


# -- roles and scopes ---------------------------------------------------------------------------

def test_auditors_read_audit_and_reports_and_nothing_else(server: ServerProcess) -> None:
    auditor = server.create_key("compliance", "--role", "auditor")
    headers = {"Authorization": f"Bearer {auditor}"}
    base = server.url
    assert httpx.get(f"{base}/v1/audit", headers=headers).status_code == 200
    assert httpx.get(f"{base}/v1/reports/usage", headers=headers).status_code == 200
    for method, path in [("POST", "/v1/chat/completions"), ("GET", "/v1/models"),
                         ("POST", "/v1/admin/teams"), ("GET", "/v1/knowledge"),
                         ("POST", "/v1/embeddings")]:
        r = httpx.request(method, f"{base}{path}", headers=headers, json={})
        assert r.status_code == 403, (path, r.text)
        assert r.json()["error"]["type"] == "permission_error"


def test_members_cannot_read_audit_reports_or_administer(server: ServerProcess) -> None:
    member = server.create_key("plain")
    headers = {"Authorization": f"Bearer {member}"}
    for method, path in [("GET", "/v1/audit"), ("GET", "/v1/reports/costs"),
                         ("GET", "/v1/admin/keys"), ("POST", "/v1/admin/teams")]:
        r = httpx.request(method, f"{server.url}{path}", headers=headers, json={})
        assert r.status_code == 403, (path, r.text)


def test_a_key_uses_only_its_allowed_models(server: ServerProcess) -> None:
    key = server.create_key("scoped", "--model", "gpt")
    with pytest.raises(openai.PermissionDeniedError) as e:
        client(server, key).chat.completions.create(
            model="local", messages=[{"role": "user", "content": "hi"}])
    assert "may not use the model 'local'" in e.value.message
    assert chat(server, key).status_code == 200


def test_a_key_allowed_auto_may_use_what_the_router_picks(server: ServerProcess) -> None:
    key = server.create_key("autopilot", "--model", "auto")
    assert chat(server, key, model="auto", text="Say hi.").status_code == 200
    assert chat(server, key, model="gpt").status_code == 403


def test_admin_api_validates_and_lists(server: ServerProcess) -> None:
    with admin(server) as a:
        bad = a.post("/v1/admin/teams", json={"name": "huge", "rpm": 10**25})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "rpm"
        bad = a.get("/v1/reports/usage", params={"since": "99999999999999999999999d"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "since"
        bad = a.post("/v1/admin/keys", json={"team": "x", "allowed_models": ["nope"]})
        assert bad.status_code == 400 and "unknown model 'nope'" in bad.json()["error"]["message"]
        bad = a.post("/v1/admin/teams", json={"name": "neg", "budget": -1})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "budget"
        bad = a.patch("/v1/admin/teams/nobody", json={"rpm": 5})
        assert bad.status_code == 404
        made = a.post("/v1/admin/keys", json={"team": "listed", "allowed_models": ["gpt"],
                                              "tpm": 1000}).json()
        keys = a.get("/v1/admin/keys", params={"team": "listed"}).json()["data"]
        assert [k["id"] for k in keys] == [made["id"]]
        assert keys[0]["allowed_models"] == ["gpt"] and keys[0]["tpm"] == 1000
        assert "key" not in keys[0]
        teams = {t["name"] for t in a.get("/v1/admin/teams").json()["data"]}
        assert "listed" in teams


# -- budgets ------------------------------------------------------------------------------------

def test_a_spent_budget_rejects_with_when_it_resets(server: ServerProcess,
                                                    cloud: FakeOpenAI) -> None:
    key = new_team(server, "broke", budget=0.0, on_exhausted="reject")
    r = chat(server, key)
    assert r.status_code == 429, r.text
    error = r.json()["error"]
    assert error["code"] == "budget_exceeded"
    assert "team 'broke' budget of 0.00 USD per month" in error["message"]
    assert "resets at" in error["message"]
    assert int(r.headers["retry-after"]) > 0
    assert cloud.received == []
    assert chat(server, key, model="local").status_code == 200  # local calls draw no budget


def test_a_spent_budget_can_route_to_local_instead(server: ServerProcess,
                                                   cloud: FakeOpenAI) -> None:
    key = new_team(server, "thrifty", budget=0.0, on_exhausted="local")
    r = chat(server, key)
    assert r.status_code == 200, r.text
    assert r.headers["x-homeport-route"].startswith("local/")
    assert "budget spent: local models only" in r.headers["x-homeport-reason"]
    assert cloud.received == []


def test_a_spent_budget_does_not_refuse_content_only_local_models_may_see(
        server: ServerProcess, cloud: FakeOpenAI) -> None:
    key = new_team(server, "ward", budget=0.0, on_exhausted="reject")
    r = chat(server, key, text="Patient SSN 536-22-8104: summarise the discharge notes.")
    assert r.status_code == 200, r.text  # the cloud could never have had it: nothing to pay
    assert r.headers["x-homeport-route"].startswith("local/") and cloud.received == []


def test_a_budgeted_request_without_max_tokens_is_capped_at_its_reservation(
        server: ServerProcess, cloud: FakeOpenAI) -> None:
    key = new_team(server, "roomy", budget=100.0)
    r = httpx.post(f"{server.url}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                   json={"model": "gpt", "messages": [{"role": "user", "content": PROMPT}]},
                   timeout=60)
    assert r.status_code == 200, r.text
    assert cloud.requests[-1]["max_tokens"] == 4096  # governance.default_max_tokens


def test_a_stream_the_client_leaves_is_still_paid_for(server: ServerProcess,
                                                      cloud: FakeOpenAI) -> None:
    key = server.create_key("leavers")
    cloud.default = Reply(text="one two three four five six seven eight nine ten",
                          chunk_delay_s=0.3)
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", timeout=60,
                      headers={"Authorization": f"Bearer {key}"},
                      json={"model": "gpt", "stream": True, "max_tokens": 50,
                            "messages": [{"role": "user", "content": PROMPT}]}) as r:
        rid = r.headers["x-request-id"]
        for line in r.iter_lines():
            if line.startswith("data:") and "one" in line:
                break  # hang up after the first words
    row = ledger_row(server, rid)
    assert row["status"] == 499 and row["tier"] == "cloud"
    assert row["prompt_tokens"] > 0 and row["completion_tokens"] >= 1 and row["cost"] > 0


def test_concurrent_requests_cannot_overshoot_a_budget(server: ServerProcess,
                                                       cloud: FakeOpenAI) -> None:
    one = (15 * IN_PRICE + 10 * OUT_PRICE) / 1e6  # what one request reserves
    budget = round(one * 4.5, 9)
    key = new_team(server, "capped", budget=budget, on_exhausted="reject")
    cloud.default = Reply(text="Short answer here.", delay_s=0.3)

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=120) as c:
            return await asyncio.gather(*(c.post(
                f"{server.url}/v1/chat/completions",
                headers={"Authorization": f"Bearer {key}"},
                json={"model": "gpt", "max_tokens": 10,
                      "messages": [{"role": "user", "content": PROMPT}]}) for _ in range(12)))

    responses = asyncio.run(burst())
    ok = [r for r in responses if r.status_code == 200]
    assert {r.status_code for r in responses} == {200, 429}
    ids = [r.headers["x-request-id"] for r in ok]
    spent = sum(ledger_row(server, rid)["cost"] for rid in ids)
    assert 0 < spent <= budget
    assert len(ok) <= 4


# -- rate limits --------------------------------------------------------------------------------

def test_team_requests_per_minute(server: ServerProcess) -> None:
    key = new_team(server, "chatty", rpm=3)
    codes = [chat(server, key, model="local", text="hi").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = chat(server, key, model="local", text="hi")
    assert r.json()["error"]["code"] == "rate_limit_exceeded"
    assert "team 'chatty'" in r.json()["error"]["message"]
    assert int(r.headers["retry-after"]) >= 1


def test_a_prompt_larger_than_the_token_limit_is_refused(server: ServerProcess) -> None:
    key = server.create_key("tight", "--tpm", "100")
    r = chat(server, key, model="local", text="word " * 400)
    assert r.status_code == 429
    assert "tokens per minute" in r.json()["error"]["message"]


# -- cost in the ledger -------------------------------------------------------------------------

def test_every_call_is_priced(server: ServerProcess) -> None:
    key = server.create_key("priced")
    cloud_rid = chat(server, key).headers["x-request-id"]
    local = chat(server, key, model="local", text="Say hi.")
    row = ledger_row(server, cloud_rid)
    assert row["tier"] == "cloud"
    expected = (row["prompt_tokens"] * IN_PRICE + row["completion_tokens"] * OUT_PRICE) / 1e6
    assert row["cost"] == pytest.approx(expected)
    assert row["cost_equivalent"] == pytest.approx(expected)  # the reference model is the same
    row = ledger_row(server, local.headers["x-request-id"])
    assert row["tier"] == "local" and row["busy_s"] > 0 and row["energy_wh"] > 0
    assert row["cost"] > 0 and row["cost_equivalent"] > 0


# -- knowledge access ---------------------------------------------------------------------------

def test_knowledge_access_is_audited(server: ServerProcess) -> None:
    key = server.create_key("librarians")
    headers = {"Authorization": f"Bearer {key}"}
    r = httpx.post(f"{server.url}/v1/knowledge", headers=headers, json={"name": "audited-kb"})
    assert r.status_code == 200, r.text
    r = httpx.post(f"{server.url}/v1/knowledge/audited-kb/search", headers=headers,
                   json={"query": "anything"}, timeout=60)
    assert r.status_code == 200, r.text
    with admin(server) as a:
        records = a.get("/v1/audit", params={"kind": "knowledge"}).json()["data"]
    actions = {(r["data"]["action"], tuple(r["data"]["kbs"])) for r in records
               if r["team"] == "librarians"}
    assert {("create", ("audited-kb",)), ("search", ("audited-kb",))} <= actions


# -- observability ------------------------------------------------------------------------------

def test_metrics_count_requests_cost_and_latency(server: ServerProcess) -> None:
    key = server.create_key("metered")
    assert chat(server, key).status_code == 200
    text = httpx.get(f"{server.url}/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    requests = [s for s in families["homeport_requests"].samples
                if s.name == "homeport_requests_total" and s.labels["provider"] == "cloud"]
    assert requests and sum(s.value for s in requests) >= 1
    cost = [s for s in families["homeport_cost"].samples if s.labels.get("tier") == "cloud"]
    assert sum(s.value for s in cost) > 0
    buckets = [s for s in families["homeport_request_duration_seconds"].samples
               if s.name.endswith("_count")]
    assert sum(s.value for s in buckets) >= 1
    assert "homeport_provider_in_flight" in families


def test_traces_follow_the_callers_trace(server: ServerProcess, otlp: OtlpReceiver) -> None:
    key = server.create_key("traced")
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    parent = "00f067aa0ba902b7"
    r = chat(server, key, headers={"traceparent": f"00-{trace_id}-{parent}-01"})
    assert r.status_code == 200
    spans = otlp.wait_for(1, timeout=30)
    mine = [s for s in otlp.spans if s.trace_id == trace_id]
    deadline = time.monotonic() + 30
    while not mine and time.monotonic() < deadline:
        time.sleep(0.2)
        mine = [s for s in otlp.spans if s.trace_id == trace_id]
    assert spans and mine, [s.name for s in otlp.spans]
    span = mine[0]
    assert span.parent_span_id == parent and span.kind == "client"
    assert span.attributes["gen_ai.request.model"] == "gpt"
    assert span.attributes["gen_ai.response.model"] == "gpt-4o-mini"
    assert span.attributes["gen_ai.usage.input_tokens"] == 11
    assert span.resource["service.name"] == "homeport"


def test_logs_are_json_with_the_request_id_and_no_prompt(server: ServerProcess) -> None:
    key = server.create_key("logged")
    marker = "zebra-crossing-unique-marker"
    r = chat(server, key, model="local", text=f"Say {marker}.")
    rid = r.headers["x-request-id"]
    deadline = time.monotonic() + 10
    lines: list[dict[str, Any]] = []
    while not lines and time.monotonic() < deadline:
        lines = [json.loads(line) for line in server.output().splitlines()
                 if line.startswith("{") and rid in line]
        time.sleep(0.1)
    assert lines and lines[0]["request_id"] == rid and lines[0]["level"] == "info"
    assert marker not in server.output()
