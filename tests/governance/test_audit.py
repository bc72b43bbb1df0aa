"""The audit log on both engines: the chain verifies, and every kind of tampering done directly
in the database is caught at the first bad record; group commit; several writer processes."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Connection, select, text

from homeport.errors import AuditWriteFailed, InvalidRequest
from homeport.governance.audit import (
    GENESIS,
    AuditLog,
    Entry,
    admin_data,
    chain_hash,
    egress_data,
    knowledge_data,
    payload_digest,
)
from homeport.storage.db import Database
from homeport.storage.schema import audit_log
from homeport.times import parse_time

ROOT = Path(__file__).resolve().parents[2]


def egress(i: int, provider: str = "openai") -> dict[str, object]:
    return egress_data(provider=provider, region="eu", tier="cloud", model=f"m-{i}", rule="r",
                       sensitivity="internal", entity_types=["EMAIL", "PERSON"],
                       pseudonymized=i % 2 == 0, payload_sha256=payload_digest(f"body {i}"),
                       request_id=f"req-{i}", attempt=1)


def entries(n: int, start: int = 0) -> list[Entry]:
    """A mix of kinds, actors and teams."""
    out = []
    for i in range(start, start + n):
        if i % 3 == 0:
            out.append(Entry("admin", admin_data("keys.create", f"key_{i}", {"roles": ["member"]}),
                             actor="cli", team=None))
        elif i % 3 == 1:
            out.append(Entry("knowledge", knowledge_data("search", "handbook", [f"doc-{i}"],
                                                         f"req-{i}"), actor="key_a", team="ops"))
        else:
            out.append(Entry("egress", egress(i), actor="key_b", team="legal"))
    return out


def sql(db: Database, *statements: str) -> None:
    with db.engine.begin() as conn:
        for s in statements:
            conn.execute(text(s))


def test_a_long_chain_verifies_in_batches(db: Database) -> None:
    log = AuditLog(db)
    for start in range(0, 3000, 500):
        assert log.append(entries(500, start)) == list(range(start + 1, start + 501))
    result = log.verify(batch=700)  # streams through five batches
    assert result.ok and result.records == 3000, result
    assert str(result) == "intact: 3000 records"
    with db.engine.connect() as conn:  # ts, floats and JSON round-trip exactly
        first = conn.execute(select(audit_log).where(audit_log.c.seq == 1)).one()
    assert first.prev_hash == GENESIS


def _forge_after_head(conn: Connection) -> None:
    """A forged record appended with a correctly computed hash, head left alone."""
    last = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1)).one()
    ts, data = time.time(), {"action": "keys.create", "target": "key_evil", "details": {}}
    h = chain_hash(last.seq + 1, ts, "admin", "cli", None, data, last.hash)
    conn.execute(audit_log.insert().values(seq=last.seq + 1, ts=ts, kind="admin", actor="cli",
                                           team=None, data=orjson.dumps(data).decode(),
                                           prev_hash=last.hash, hash=h))


def _rehash(conn: Connection) -> None:
    """Edit record 10 and recompute its own hash: the next record's link gives it away."""
    row = conn.execute(select(audit_log).where(audit_log.c.seq == 10)).one()
    data = {**orjson.loads(row.data), "provider": "local"}
    h = chain_hash(10, row.ts, row.kind, row.actor, row.team, data, row.prev_hash)
    conn.execute(audit_log.update().where(audit_log.c.seq == 10)
                 .values(data=orjson.dumps(data).decode(), hash=h))


def _sql(*statements: str) -> Callable[[Connection], None]:
    def run(conn: Connection) -> None:
        for s in statements:
            conn.execute(text(s))
    return run


TAMPERING = {
    "edit data": (_sql("UPDATE audit_log SET data = replace(data, 'openai', 'local') "
                       "WHERE seq = 9"), 9, "hash mismatch (edited)"),
    "edit ts": (_sql("UPDATE audit_log SET ts = ts - 3600 WHERE seq = 12"), 12,
                "hash mismatch (edited)"),
    "edit team": (_sql("UPDATE audit_log SET team = 'ops' WHERE seq = 3"), 3,
                  "hash mismatch (edited)"),
    "garbage data": (_sql("UPDATE audit_log SET data = 'not json' WHERE seq = 20"), 20,
                     "hash mismatch (edited)"),
    "delete middle": (_sql("DELETE FROM audit_log WHERE seq IN (15, 16)"), 15,
                      "missing record (seq 15..16 deleted)"),
    "delete first": (_sql("DELETE FROM audit_log WHERE seq = 1"), 1,
                     "missing record (seq 1..1 deleted)"),
    "delete newest": (_sql("DELETE FROM audit_log WHERE seq >= 28"), 28,
                      "head says seq 30 but the log ends at 27 (newest records deleted)"),
    "delete head": (_sql("DELETE FROM audit_head"), 30, "audit_head is missing"),
    "swap two records": (_sql("UPDATE audit_log SET seq = -1 WHERE seq = 5",
                              "UPDATE audit_log SET seq = 5 WHERE seq = 9",
                              "UPDATE audit_log SET seq = 9 WHERE seq = -1"), 5,
                         "prev_hash does not match record 4 (reordered or deleted)"),
    "renumber after delete": (_sql("DELETE FROM audit_log WHERE seq = 6",
                                   "UPDATE audit_log SET seq = 6 WHERE seq = 7"), 6,
                              "prev_hash does not match record 5"),
    "edit and rehash": (_rehash, 11, "prev_hash does not match record 10"),
    "forged record": (_forge_after_head, 31, "past the head (seq 30)"),
    "forged seq 0": (_sql("INSERT INTO audit_log (seq, ts, kind, actor, team, data, prev_hash, "
                          f"hash) VALUES (0, 1.0, 'admin', 'cli', NULL, '{{}}', '{GENESIS}', "
                          f"'{GENESIS}')"), 0, "unexpected record with seq 0"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampering_is_caught_at_the_first_bad_record(db: Database, case: str) -> None:
    log = AuditLog(db)
    for start in range(0, 30, 10):
        log.append(entries(10, start))
    assert log.verify(batch=7).ok
    tamper, bad_seq, reason = TAMPERING[case]
    with db.engine.begin() as conn:
        tamper(conn)
    result = log.verify(batch=7)  # batch boundaries fall inside the damage
    assert not result.ok
    assert (result.bad_seq, result.records) == (bad_seq, max(bad_seq - 1, 0)), result
    assert result.reason is not None and reason in result.reason, result
    assert str(result).startswith(f"tampered: record {bad_seq}: ")


def test_appends_stop_when_the_head_was_deleted(db: Database) -> None:
    log = AuditLog(db)
    log.append(entries(10))
    sql(db, "DELETE FROM audit_log WHERE seq >= 8", "DELETE FROM audit_head")
    with pytest.raises(AuditWriteFailed, match="head record is missing"):
        log.append(entries(1))  # a new head would hide the deleted tail
    assert not log.verify().ok


def test_empty_log_is_intact(db: Database) -> None:
    assert AuditLog(db).verify().to_dict()["ok"] is True


async def test_group_commit_gathers_concurrent_records(db: Database,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    log = AuditLog(db)
    transactions = 0
    append = log.append

    def counting(batch: Sequence[Entry]) -> list[int]:
        nonlocal transactions
        transactions += 1
        return append(batch)

    monkeypatch.setattr(log, "append", counting)
    seqs = await asyncio.gather(*(log.record("egress", egress(i), actor="key_b", team="legal")
                                  for i in range(200)))
    await log.close()
    assert sorted(seqs) == list(range(1, 201))
    assert transactions <= 4, f"200 concurrent records took {transactions} transactions"
    assert log.verify().ok
    page = log.query(limit=1000)
    by_seq = {r.seq: r.data["request_id"] for r in page.records}
    assert all(by_seq[s] == f"req-{i}" for i, s in enumerate(seqs))  # each caller got its seq


async def test_record_is_committed_when_it_returns(db: Database, db_url: str) -> None:
    log = AuditLog(db)
    other = Database(db_url)  # another engine: sees only what is committed
    try:
        for i in range(5):
            seq = await log.record("egress", egress(i))
            with other.engine.connect() as conn:
                row = conn.execute(select(audit_log.c.data).where(audit_log.c.seq == seq)).one()
            assert orjson.loads(row.data)["request_id"] == f"req-{i}"
    finally:
        await log.close()
        other.close()


async def test_a_failed_write_raises_to_every_caller(db: Database) -> None:
    log = AuditLog(db)
    await log.record("admin", admin_data("setup", "x"))
    sql(db, "DROP TABLE audit_log")
    results = await asyncio.gather(*(log.record("egress", egress(i)) for i in range(3)),
                                   return_exceptions=True)
    assert all(isinstance(r, AuditWriteFailed) for r in results), results
    assert "audit log could not be written" in str(results[0])
    assert isinstance(results[0], AuditWriteFailed) and results[0].status == 503
    await log.close()
    with pytest.raises(AuditWriteFailed, match="closed"):
        await log.record("admin", admin_data("late", "x"))


WORKER = """
import sys, time
from pathlib import Path
from homeport.governance.audit import AuditLog, Entry
from homeport.storage.db import Database

url, name, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
log = AuditLog(Database(url))
log.verify()  # connected and warm before the start
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
for i in range(n):
    log.append([Entry("egress", {"worker": name, "i": i}, actor=name)])
    time.sleep(0.001)  # SQLite's lock is not fair: leave the other process a window
"""


def test_two_processes_append_to_one_log(db: Database, db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, name, "300", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name in ("p1", "p2")]
    for p in procs:  # both started before either writes
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    go.touch()
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    log = AuditLog(db)
    result = log.verify(batch=250)
    assert result.ok and result.records == 600, result
    actors = [r.actor for r in reversed(log.query(limit=1000).records)]
    assert actors.count("p1") == actors.count("p2") == 300
    switches = sum(a != b for a, b in itertools.pairwise(actors))
    assert switches > 1, "the two processes never interleaved: the test proved nothing"


def _seeded(db: Database) -> tuple[AuditLog, float]:
    """30 old records, then 30 new ones; returns the time between them."""
    log = AuditLog(db)
    log.append(entries(30))
    time.sleep(0.02)
    cut = time.time()
    time.sleep(0.02)
    log.append(entries(30, 30))
    return log, cut


def test_export_jsonl_round_trips_and_reverifies(db: Database) -> None:
    log, cut = _seeded(db)
    out = io.StringIO()
    assert log.export(None, None, (), "jsonl", out) == 60
    lines = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [r.to_dict() for r in reversed(log.query(limit=100).records)]
    prev = GENESIS
    for r in lines:  # an auditor can re-check the chain from the export alone
        assert r["prev_hash"] == prev
        assert chain_hash(r["seq"], r["ts"], r["kind"], r["actor"], r["team"], r["data"],
                          r["prev_hash"]) == r["hash"]
        prev = r["hash"]

    recent = io.StringIO()
    assert log.export(cut, None, ("egress",), "jsonl", recent) == 10
    rows = [orjson.loads(line) for line in recent.getvalue().splitlines()]
    assert {r["kind"] for r in rows} == {"egress"} and all(r["seq"] > 30 for r in rows)
    older = io.StringIO()
    assert log.export(None, cut, ("admin", "knowledge"), "jsonl", older) == 20


def test_export_csv_round_trips(db: Database) -> None:
    log, cut = _seeded(db)
    out = io.StringIO()
    assert log.export(cut, None, (), "csv", out) == 30
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    expected = list(reversed(log.query(since=cut, limit=100).records))
    assert len(rows) == len(expected) == 30
    for row, rec in zip(rows, expected, strict=True):
        assert int(row["seq"]) == rec.seq and float(row["ts"]) == rec.ts
        assert (row["kind"], row["actor"] or None, row["team"] or None) == (
            rec.kind, rec.actor, rec.team)
        assert orjson.loads(row["data"]) == rec.data
        assert (row["prev_hash"], row["hash"]) == (rec.prev_hash, rec.hash)
        assert row["time"].endswith("Z")


def test_query_filters_and_pages_newest_first(db: Database) -> None:
    log = AuditLog(db)
    log.append(entries(30))
    log.append([Entry("egress", egress(99, provider="anthropic"), actor="key_c", team="ops")])
    page = log.query(limit=10)
    assert [r.seq for r in page.records] == list(range(31, 21, -1)) and page.next_before == 22
    older = log.query(limit=10, before_seq=page.next_before)
    assert [r.seq for r in older.records] == list(range(21, 11, -1))
    assert log.query(limit=100, before_seq=11).next_before is None
    assert [r.seq for r in log.query(provider="anthropic").records] == [31]
    assert len(log.query(provider="openai", limit=100).records) == 10
    assert len(log.query(provider="open%", limit=100).records) == 0  # no LIKE wildcards
    assert {r.kind for r in log.query(kind="admin", limit=100).records} == {"admin"}
    assert {r.team for r in log.query(team="ops", limit=100).records} == {"ops"}


def test_parse_time() -> None:
    now = 1_700_000_000.0
    assert parse_time("7d", now=now) == now - 7 * 86400
    assert parse_time("24h", now=now) == now - 86400
    assert parse_time("30m", now=now) == now - 1800
    assert parse_time("2024-05-01") == 1714521600.0
    assert parse_time("2024-05-01T12:00:00Z") == 1714521600.0 + 43200
    assert parse_time("2024-05-01T14:00:00+02:00") == 1714521600.0 + 43200
    for bad in ("yesterday", "7 days", "-3d", "2024-13-01", ""):
        with pytest.raises(InvalidRequest, match="use an ISO date") as e:
            parse_time(bad)
        assert e.value.param == "since"
