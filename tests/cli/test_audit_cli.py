"""`homeport audit verify|export`, run as a user would, on a log tampered with directly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from homeport.governance.audit import AuditLog, Entry, admin_data, knowledge_data
from homeport.storage.db import Database

QUIET = {"HOMEPORT_LOG_LEVEL": "warning"}


def audit(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "homeport", "audit", *args,
                           "--data-dir", str(data_dir)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **QUIET})


CUT = "cut.txt"  # the ISO time between the admin and the knowledge records


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory whose log has 10 admin records, then (a moment later) 5 knowledge."""
    db = Database(f"sqlite:///{tmp_path / 'homeport.db'}")
    db.migrate()
    log = AuditLog(db)
    log.append([Entry("admin", admin_data("keys.create", f"key_{i}"), actor="cli")
                for i in range(10)])
    time.sleep(0.01)
    (tmp_path / CUT).write_text(dt.datetime.now(dt.UTC).isoformat())
    time.sleep(0.01)
    log.append([Entry("knowledge", knowledge_data("search", "handbook", [f"d{i}"]),
                      actor="key_a", team="ops") for i in range(5)])
    db.close()
    return tmp_path


def test_verify_intact_then_tampered(data_dir: Path) -> None:
    ok = audit("verify", data_dir=data_dir)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "intact: 15 records"

    db = Database(f"sqlite:///{data_dir / 'homeport.db'}")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 4"))
    db.close()
    bad = audit("verify", data_dir=data_dir)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "tampered: record 4: hash mismatch (edited)" in bad.stdout


def test_export_formats_and_filters(data_dir: Path, tmp_path: Path) -> None:
    jsonl = audit("export", "--format", "jsonl", data_dir=data_dir)
    assert jsonl.returncode == 0, jsonl.stderr
    records = [orjson.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["seq"] for r in records] == list(range(1, 16))
    assert "exported 15 records" in jsonl.stderr

    cut = (data_dir / CUT).read_text()
    recent = audit("export", "--since", cut, "--format", "jsonl", data_dir=data_dir)
    assert [orjson.loads(line)["kind"] for line in recent.stdout.splitlines()] == [
        "knowledge"] * 5
    hour = audit("export", "--since", "1h", "--until", "0s", "--kind", "admin",
                 data_dir=data_dir)  # relative times; jsonl is the default
    assert [orjson.loads(line)["seq"] for line in hour.stdout.splitlines()] == list(range(1, 11))

    out = tmp_path / "admin.csv"
    done = audit("export", "--since", "2000-01-01", "--until", "2100-01-01T00:00:00Z",
                 "--kind", "admin", "--format", "csv", "--output", str(out), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [int(r["seq"]) for r in rows] == list(range(1, 11))
    assert [orjson.loads(r["data"])["target"] for r in rows] == [f"key_{i}" for i in range(10)]
    assert rows[0]["hash"] == records[0]["hash"]


@pytest.mark.parametrize("args", [("--since", "last tuesday"), ("--until", "2024-02-30")])
def test_bad_times_exit_2_with_a_clear_message(tmp_path: Path, args: tuple[str, str]) -> None:
    bad = audit("export", *args, data_dir=tmp_path)
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert f"Invalid value for '{args[0]}'" in bad.stderr
    assert "use an ISO date (2024-05-01)" in bad.stderr and "7d" in bad.stderr
