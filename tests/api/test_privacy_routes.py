"""/v1/privacy/scan, /v1/route/explain, the virtual model `auto` and the routing headers, against
a real `homeport serve` on the embedded defaults."""

from __future__ import annotations

import httpx
import openai
import pytest

from tests.conftest import ADMIN_KEY
from tests.helpers import ServerProcess, SpecValidator

AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
TEXT = ("Patient Maria Gonzalez (DOB 04/12/1961, MRN 48213377) emailed maria.g@example.com; "
        "card 4111 1111 1111 1111, SSN 219-09-9999.")


@pytest.fixture
def http(server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers=AUTH, timeout=60)


def test_scan_returns_findings_with_offsets_and_the_sensitivity(http: httpx.Client) -> None:
    r = http.post("/v1/privacy/scan", json={"text": TEXT})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["sensitivity"] == "restricted"
    spans = {f["type"]: TEXT[f["start"]:f["end"]] for f in body["findings"]}
    assert spans["EMAIL"] == "maria.g@example.com"
    assert spans["CREDIT_CARD"] == "4111 1111 1111 1111"
    assert spans["SSN"] == "219-09-9999"
    assert "48213377" in spans["MRN"] and "04/12/1961" in spans["DATE_OF_BIRTH"]
    assert spans["PERSON"] == "Maria Gonzalez"
    assert all(0 < f["score"] <= 1 for f in body["findings"])


def test_scan_of_plain_text_is_public(http: httpx.Client) -> None:
    r = http.post("/v1/privacy/scan", json={"text": "The meeting moved to the big room."})
    assert r.json() == {"findings": [], "sensitivity": "public"}


@pytest.mark.parametrize(("body", "param"), [
    ({}, "text"), ({"text": 12}, "text"), ([], None)])
def test_scan_rejects_bad_input(http: httpx.Client, spec: SpecValidator, body: object,
                                param: str | None) -> None:
    r = http.post("/v1/privacy/scan", json=body)
    assert r.status_code == 400
    spec.validate("ErrorResponse", r.json())
    assert r.json()["error"]["param"] == param


def test_scan_and_explain_need_a_key(server: ServerProcess) -> None:
    for path in ("/v1/privacy/scan", "/v1/route/explain"):
        r = httpx.post(f"{server.url}{path}", json={"text": "x"})
        assert r.status_code == 401


def test_explain_shows_decision_findings_and_task_without_calling_a_model(
        http: httpx.Client) -> None:
    r = http.post("/v1/route/explain", json={
        "model": "auto", "messages": [{"role": "system", "content": "You are a clerk."},
                                      {"role": "user", "content": TEXT}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["route"] == "local/local"
    assert body["sensitivity"] == "restricted"
    assert body["candidates"][0] | {"action": "send", "clearance": "restricted",
                                    "tier": "local"} == body["candidates"][0]
    assert {"SSN", "CREDIT_CARD", "EMAIL"} <= set(body["entity_types"])
    assert all(f["source"] == "messages[1].content" for f in body["findings"])
    assert body["task"] in {"extraction", "classification", "summarisation", "chat",
                            "reasoning", "code", "translation", "creative_writing"}
    assert 0 <= body["complexity"] <= 1
    assert body["ner"] == "ran" and body["reasons"]


def test_explain_validates_the_body_like_chat(http: httpx.Client) -> None:
    r = http.post("/v1/route/explain", json={"model": "auto"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "messages"
    r = http.post("/v1/route/explain", json={"model": "nope", "messages": [
        {"role": "user", "content": "hi"}]})
    assert r.status_code == 404


def test_auto_is_listed_and_served_with_routing_headers(server: ServerProcess) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=ADMIN_KEY, max_retries=0)
    assert "auto" in {m.id for m in client.models.list().data}
    assert client.models.retrieve("auto").owned_by == "homeport"
    raw = client.chat.completions.with_raw_response.create(
        model="auto", max_tokens=4,
        messages=[{"role": "user", "content": "My SSN is 219-09-9999. Say ok."}])
    assert raw.headers["x-homeport-route"] == "local/local"
    assert raw.headers["x-homeport-sensitivity"] == "restricted"
    assert raw.headers["x-homeport-rule"] == "requested-model"
    assert raw.parse().model == "local"


def test_decision_is_recorded_and_values_never_are(server: ServerProcess,
                                                   http: httpx.Client) -> None:
    import sqlite3
    import time

    r = http.post("/v1/chat/completions", json={
        "model": "local", "max_tokens": 2,
        "messages": [{"role": "user", "content": "Card 4111 1111 1111 1111 for Ana Lima."}]})
    assert r.status_code == 200
    rid = r.headers["x-request-id"]
    db = server.data_dir / "homeport.db"
    row = None
    for _ in range(50):  # the ledger writer flushes every 0.5 s
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT sensitivity, entity_types, rule, reasons, pseudonymized "
                               "FROM requests WHERE id = ?", (rid,)).fetchone()
        if row:
            break
        time.sleep(0.1)
    assert row is not None
    sensitivity, types, rule, reasons, pseudonymized = row
    assert (sensitivity, rule, pseudonymized) == ("restricted", "requested-model", 0)
    assert "CREDIT_CARD" in types.split(",") and "local" in reasons
    wal = db.with_name("homeport.db-wal")
    for path in (db, server.log_path, *([wal] if wal.exists() else [])):
        assert b"4111 1111 1111 1111" not in path.read_bytes()
