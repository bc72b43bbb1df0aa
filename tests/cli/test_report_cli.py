"""`homeport report usage|costs|breakeven` over a SQLite ledger filled directly: every format
parses, and bad options are usage errors (exit 2)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import homeport.cli.report  # noqa: F401  (registers `report`)
from homeport.cli.main import cli
from homeport.storage.db import Database
from tests.economics.test_reports import DAY, T0, insert_rows, row

WINDOW = ["--since", "2025-03-01", "--until", "2025-03-04"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report-cli")
    db = Database(f"sqlite:///{path / 'homeport.db'}")
    db.migrate()
    insert_rows(db, [row(T0 + d * DAY + i, team=team, rule=rule, task=task)
                     for d in range(3) for i, (team, rule, task) in enumerate(
                         [("legal", "r1", "chat"), ("legal", "r1", "chat"),
                          ("claims", "r2", "code")])])
    db.close()
    return path


def report(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["report", *args, "--data-dir", str(data_dir)],
                              env={"HOMEPORT_CONFIG": None})


def test_usage_table(data_dir: Path) -> None:
    r = report(data_dir, "usage", *WINDOW)
    assert r.exit_code == 0, r.output
    assert "legal" in r.output and "claims" in r.output and "total" in r.output
    assert "p95_ms" in r.output


def test_costs_json_and_csv(data_dir: Path) -> None:
    r = report(data_dir, "costs", "--by", "rule", "--format", "json", *WINDOW)
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["by"] == "rule" and data["totals"]["requests"] == 9
    assert {x["rule"]: x["requests"] for x in data["rows"]} == {"r1": 6, "r2": 3}
    r = report(data_dir, "costs", "--by", "day", "--format", "csv", "--team", "legal", *WINDOW)
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert [x["day"] for x in rows] == ["2025-03-01", "2025-03-02", "2025-03-03", "total"]
    assert [int(x["requests"]) for x in rows] == [2, 2, 2, 6]


def test_breakeven_formats(data_dir: Path) -> None:
    r = report(data_dir, "breakeven", *WINDOW)
    assert r.exit_code == 0, r.output
    assert "hardware price" in r.output and "r1" in r.output and "cloud" in r.output
    data = json.loads(report(data_dir, "breakeven", "--by", "task", "--format", "json",
                             *WINDOW).output)
    assert {w["workload"] for w in data["workloads"]} == {"chat", "code"}
    assert data["summary"]["local_requests"] == 9
    rows = list(csv.DictReader(io.StringIO(report(data_dir, "breakeven", "--format", "csv",
                                                  *WINDOW).output)))
    assert {x["workload"] for x in rows} == {"r1", "r2"}
    assert all(x["recommendation"] == "cloud" and "low volume" in x["reasons"] for x in rows)


@pytest.mark.parametrize("args", [
    ["usage", "--by", "colour"], ["breakeven", "--by", "team"], ["costs", "--format", "xml"],
    ["usage", "--since", "yesterday-ish"], ["usage", "--since", "2025-03-02", "--until",
                                            "2025-03-01"],
])
def test_bad_options_exit_2(data_dir: Path, args: list[str]) -> None:
    r = report(data_dir, *args)
    assert r.exit_code == 2, r.output
