"""Usage and cost reports and time series over ledger rows inserted directly, on SQLite and
Postgres; the same reports through /v1/reports of the real app."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import insert

from homeport.economics.reports import Reports, window
from homeport.economics.rollup import BOUNDS, Rollup, percentile
from homeport.errors import InvalidRequest
from homeport.settings import Settings
from homeport.storage.db import Database
from homeport.storage.schema import requests

T0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC).timestamp()  # a Saturday, 00:00 UTC
DAY = 86400
_ids = itertools.count()


def row(ts: float, **kw: Any) -> dict[str, Any]:
    """A ledger row with dull defaults: a successful local chat of team `a`."""
    base: dict[str, Any] = {
        "id": f"req_{next(_ids)}", "ts": ts, "team": "a", "key_id": "k1", "endpoint": "chat",
        "model_requested": "auto", "provider": "local", "model_used": "small", "rule": "r1",
        "status": 200, "prompt_tokens": 10, "completion_tokens": 5, "latency_ms": 100.0,
        "sensitivity": "public", "task": "chat", "tier": "local", "cost": 0.001,
        "cost_equivalent": 0.01, "energy_wh": 0.5, "busy_s": 1.0}
    return {**base, **kw}


def insert_rows(db: Database, rows: list[dict[str, Any]]) -> None:
    with db.engine.begin() as conn:
        conn.execute(insert(requests), rows)


def open_db(url: str) -> Database:
    db = Database(url)
    db.migrate()
    return db


@pytest.fixture
def reports(db_url: str, tmp_path: Path) -> Reports:
    return Reports(open_db(db_url), Settings(data_dir=tmp_path, database_url=db_url))


def by_key(report: Any) -> dict[Any, dict[str, Any]]:
    return {r[report.by]: r for r in report.rows}


# -- groupings and sums --------------------------------------------------------------------------

def test_usage_and_costs_by_team_sum_up(reports: Reports) -> None:
    insert_rows(reports.db, [
        row(T0 + 10, team="a"),
        row(T0 + 20, team="a", tier="cloud", provider="openai", model_used="gpt-4o",
            cost=0.02, cost_equivalent=0.005, energy_wh=None, busy_s=None),
        row(T0 + 30, team="a", status=502, error_type="UpstreamError", prompt_tokens=7,
            completion_tokens=0, latency_ms=None, cost=None, cost_equivalent=None,
            energy_wh=None),
        row(T0 + 40, team="b", prompt_tokens=100, completion_tokens=50),
        row(T0 + 50, team=None, tier="cloud", cost=0.5, cost_equivalent=0.5),
    ])
    usage = reports.usage(T0, T0 + DAY, "team")
    u = by_key(usage)
    assert [r["team"] for r in usage.rows] == ["a", None, "b"]  # most requests first
    assert (u["a"]["requests"], u["a"]["errors"]) == (3, 1)
    assert (u["a"]["prompt_tokens"], u["a"]["completion_tokens"]) == (27, 10)
    assert u["a"]["share_local"] == pytest.approx(2 / 3, abs=1e-4)
    assert u["b"]["prompt_tokens"] == 100 and u[None]["share_local"] == 0
    assert usage.totals["requests"] == 5 and usage.totals["errors"] == 1
    assert usage.totals["prompt_tokens"] == 10 + 10 + 7 + 100 + 10
    assert usage.totals["share_local"] == pytest.approx(0.6)

    c = by_key(reports.costs(T0, T0 + DAY, "team"))
    assert c["a"]["cost"] == pytest.approx(0.021)
    assert c["a"]["cost_equivalent"] == pytest.approx(0.015)
    assert c["a"]["savings"] == pytest.approx(0.009)  # local calls only: 0.01 - 0.001
    assert c["a"]["energy_wh"] == pytest.approx(0.5)
    assert c[None]["savings"] == 0  # a cloud call saves nothing
    totals = reports.costs(T0, T0 + DAY, "team").totals
    assert totals["cost"] == pytest.approx(0.001 + 0.02 + 0.001 + 0.5)
    assert totals["savings"] == pytest.approx(0.009 * 2)


def test_groupings(reports: Reports) -> None:
    insert_rows(reports.db, [
        row(T0 + 1, model_used="m1", rule="r1", task="chat", provider="p1"),
        row(T0 + 2, model_used=None, model_requested="asked", status=400, rule=None,
            task=None, provider=None, tier=None),
        row(T0 + DAY + 5, model_used="m1", rule="r2", task="code", tier="cloud",
            provider="p2"),
    ])
    end = T0 + 2 * DAY

    def keys(by: str) -> dict[Any, int]:
        return {k: r["requests"] for k, r in by_key(reports.usage(T0, end, by)).items()}

    assert keys("model") == {"m1": 2, "asked": 1}  # the model used, else the one asked for
    assert keys("rule") == {"r1": 1, "r2": 1, None: 1}
    assert keys("task") == {"chat": 1, "code": 1, None: 1}
    assert keys("tier") == {"local": 1, "cloud": 1, None: 1}
    assert keys("provider") == {"p1": 1, "p2": 1, None: 1}
    days = reports.usage(T0, end, "day")
    assert [r["day"] for r in days.rows] == ["2025-03-01", "2025-03-02"]  # in day order
    assert [r["requests"] for r in days.rows] == [2, 1]


def test_time_window_and_team_filter(reports: Reports) -> None:
    insert_rows(reports.db, [row(T0 - 1), row(T0), row(T0 + DAY - 1), row(T0 + DAY),
                             row(T0 + 5, team="b")])
    assert reports.usage(T0, T0 + DAY, "team").totals["requests"] == 3  # [since, until)
    only_a = reports.usage(T0, T0 + DAY, "team", team="a")
    assert [r["team"] for r in only_a.rows] == ["a"] and only_a.totals["requests"] == 2
    empty = reports.usage(T0 + 10 * DAY, T0 + 11 * DAY, "team")
    assert empty.rows == [] and empty.totals["requests"] == 0 and empty.totals["p50_ms"] is None


def test_percentiles_within_a_bucket(reports: Reports) -> None:
    latencies = [float(ms) for ms in range(1, 2001)]  # 1..2000 ms, uniform
    insert_rows(reports.db, [row(T0 + i, latency_ms=ms, team="t" if i % 2 else "u")
                             for i, ms in enumerate(latencies)]
                + [row(T0 + 5000, latency_ms=None, status=499)])  # no latency: not counted
    totals = reports.usage(T0, T0 + DAY, "team").totals
    ratio = BOUNDS[1] / BOUNDS[0]  # a bucket's width
    assert 1000 / ratio <= totals["p50_ms"] <= 1000 * ratio
    assert 1900 / ratio <= totals["p95_ms"] <= 1900 * ratio
    # interpolation does better than the bucket width on a uniform spread
    assert totals["p50_ms"] == pytest.approx(1000, rel=0.03)
    assert totals["p95_ms"] == pytest.approx(1900, rel=0.03)
    rows = by_key(reports.usage(T0, T0 + DAY, "team"))
    for team in ("t", "u"):
        assert rows[team]["p50_ms"] == pytest.approx(1000, rel=0.05)
    assert rows["a"]["p50_ms"] is None and rows["a"]["requests"] == 1


def test_rollup_matches_the_ledger_and_follows_late_rows(reports: Reports) -> None:
    """Whole past days are read from the daily rollup; a row written late into a rolled-up day
    is seen on the next read; the rollup and the raw ledger give the same report."""
    insert_rows(reports.db, [row(T0 + d * DAY + 3600 * h, latency_ms=50.0 * (h + 1),
                                 team=f"t{h % 3}", tier="local" if h % 2 else "cloud")
                             for d in range(5) for h in range(24)])
    since, until = T0 + 3600, T0 + 4 * DAY + 7200  # partial first and last days
    raw = Reports(reports.db, reports.settings)
    raw.rollup = Rollup(reports.db, lag_s=1e12)  # every day counts as recent: no rollup
    expected = raw.usage(since, until, "team").to_dict()

    def built() -> int:
        with reports.db.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM ledger_daily_days").scalar_one())

    unbuilt = Reports(reports.db, reports.settings)
    unbuilt.rollup = Rollup(reports.db, build_budget_s=0.0)  # no time to build: all raw
    assert unbuilt.usage(since, until, "team").to_dict() == expected and built() == 0
    unbuilt.rollup.build(int(T0 // DAY) + 2)  # one day in the middle: ledger on both sides
    assert unbuilt.usage(since, until, "team").to_dict() == expected and built() == 1
    rolled = reports.usage(since, until, "team")
    assert built() == 3  # the whole days 1, 2, 3
    assert rolled.to_dict() == expected
    assert raw.costs(since, until, "day").to_dict() == reports.costs(since, until, "day").to_dict()
    assert rolled.totals["requests"] == 4 * 24 - 1 + 2

    insert_rows(reports.db, [row(T0 + 2 * DAY + 5, team="late", cost=7.0)])
    late = by_key(reports.costs(since, until, "team"))
    assert late["late"]["requests"] == 1 and late["late"]["cost"] == 7.0


def test_percentile_edges() -> None:
    assert percentile({}, 0.5) is None
    assert percentile({0: 4}, 0.5) == pytest.approx(0.5)  # below 1 ms: linear in [0, 1)
    assert percentile({len(BOUNDS): 3}, 0.95) == BOUNDS[-1]  # the open top bucket


def test_timeseries(reports: Reports) -> None:
    insert_rows(reports.db, [
        row(T0 + 60, latency_ms=200.0), row(T0 + 120, latency_ms=400.0),
        row(T0 + 2 * 3600 + 5, tier="cloud", cost=0.3, cost_equivalent=0.2),
    ])
    ts = reports.timeseries(T0, T0 + 3 * 3600, "hour", "tier")
    assert [t for t in ts.to_dict()["times"]] == [
        "2025-03-01T00:00:00Z", "2025-03-01T01:00:00Z", "2025-03-01T02:00:00Z"]
    assert ts.series["local"]["requests"] == [2, 0, 0]
    assert ts.series["local"]["tokens"] == [30, 0, 0]
    assert ts.series["cloud"]["cost"] == [0, 0, pytest.approx(0.3)]
    assert ts.series["local"]["p50_ms"][1] is None
    assert 200 <= ts.series["local"]["p50_ms"][0] <= 400
    daily = reports.timeseries(T0, T0 + DAY, "day", None)
    assert daily.series["all"]["requests"] == [3]
    lean = reports.timeseries(T0, T0 + 3 * 3600, "hour", "tier", latency=False)
    assert lean.series["local"]["requests"] == [2, 0, 0]  # the same sums, no percentiles
    assert lean.series["cloud"]["cost"] == ts.series["cloud"]["cost"]
    assert lean.series["local"]["p50_ms"] == [None, None, None]
    with pytest.raises(InvalidRequest) as e:
        reports.timeseries(T0, T0 + 400 * DAY, "hour")
    assert e.value.param == "bucket"


def test_usage_and_costs_from_one_read_match_each_report(reports: Reports) -> None:
    rows = [row(T0 + i * 1800 + 7, team="ab"[i % 2], tier=("local", "cloud")[i % 3 == 0],
                latency_ms=50.0 + 37 * i, cost=0.002 * (i % 3), prompt_tokens=i)
            for i in range(150)]  # three days and a bit, across the rollup and the ledger
    insert_rows(reports.db, rows)
    since, until = T0, T0 + 4 * DAY
    for by in ("team", "day"):
        usage, costs = reports.usage_and_costs(since, until, by=by)
        assert usage.to_dict() == reports.usage(since, until, by=by).to_dict()
        assert costs.to_dict() == reports.costs(since, until, by=by).to_dict()
        assert usage.totals["requests"] == costs.totals["requests"] == 150


def test_serialisations(reports: Reports) -> None:
    insert_rows(reports.db, [row(T0 + 1), row(T0 + 2, team="b", tier="cloud")])
    report = reports.costs(T0, T0 + DAY, "team")
    data = orjson.loads(orjson.dumps(report.to_dict()))
    assert data["columns"][0] == "team" and data["since"] == "2025-03-01T00:00:00Z"
    assert data["currency"] == "USD" and len(data["rows"]) == 2
    parsed = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert [r["team"] for r in parsed] == ["a", "b", "total"]
    assert float(parsed[-1]["cost"]) == pytest.approx(0.002)
    cells = report.table_rows()
    assert cells[-1][0] == "total" and all(isinstance(c, str) for r in cells for c in r)


def test_bad_arguments(reports: Reports) -> None:
    with pytest.raises(InvalidRequest) as e:
        reports.usage(T0, T0 + DAY, "colour")
    assert e.value.param == "by"
    with pytest.raises(InvalidRequest):
        reports.timeseries(T0, T0 + DAY, "minute")


def test_window() -> None:
    now = T0 + 100 * DAY
    assert window("30d", None, now) == (now - 30 * DAY, now)
    assert window(None, "2025-03-02T00:00:00Z", now) == (T0 - 29 * DAY, T0 + DAY)
    assert window("2025-03-01", "2025-03-01T02:00:00+01:00", now) == (T0, T0 + 3600)
    with pytest.raises(InvalidRequest) as e:
        window("30d", "last tuesday", now)
    assert e.value.param == "until"
    with pytest.raises(InvalidRequest) as e:
        window("2025-03-02", "2025-03-01", now)
    assert e.value.param == "since"


# -- the API ------------------------------------------------------------------------------------

ADMIN = "hp-reports-admin"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The real app (not started: no models load), its database prepared, and keys by role."""
    from homeport.app import create_app
    from homeport.runtime import Runtime

    settings = Settings(data_dir=tmp_path, admin_key=ADMIN)
    rt = Runtime(settings)
    rt.prepare()
    keys = {"admin": ADMIN}
    for role in ("auditor", "member"):
        keys[role] = rt.keys.create("a", role, (role,))[0]
    insert_rows(rt.db, [row(T0 + 1), row(T0 + DAY + 2, team="b", rule="r2", task="code")])
    app = create_app(settings, rt)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://hp") as client:
        yield client, keys
    rt.db.close()


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


WINDOW = {"since": "2025-03-01", "until": "2025-03-03"}


async def test_api_reports(api: tuple[httpx.AsyncClient, dict[str, str]]) -> None:
    client, keys = api
    for role in ("admin", "auditor"):
        r = await client.get("/v1/reports/usage", params={**WINDOW, "by": "rule"},
                             headers=_auth(keys[role]))
        assert r.status_code == 200, r.text
        assert {x["rule"] for x in r.json()["rows"]} == {"r1", "r2"}
    r = await client.get("/v1/reports/costs", params={**WINDOW, "team": "b"},
                         headers=_auth(keys["admin"]))
    assert r.json()["totals"]["requests"] == 1
    r = await client.get("/v1/reports/breakeven", params={**WINDOW, "by": "task"},
                         headers=_auth(keys["admin"]))
    assert r.status_code == 200 and {w["workload"] for w in r.json()["workloads"]} == {
        "chat", "code"}
    r = await client.get("/v1/reports/timeseries", params={**WINDOW, "bucket": "day"},
                         headers=_auth(keys["auditor"]))
    assert r.json()["series"]["local"]["requests"] == [1, 1]
    r = await client.get("/v1/reports/timeseries", params=WINDOW, headers=_auth(keys["admin"]))
    assert r.json()["bucket"] == "hour" and len(r.json()["times"]) == 48  # up to a week: hourly


async def test_api_refuses_members_and_bad_params(
        api: tuple[httpx.AsyncClient, dict[str, str]]) -> None:
    client, keys = api
    r = await client.get("/v1/reports/usage", headers=_auth(keys["member"]))
    assert r.status_code == 403 and r.json()["error"]["type"]
    assert (await client.get("/v1/reports/usage")).status_code == 401
    for params, param in (({"by": "colour"}, "by"), ({"since": "soon"}, "since"),
                          ({"bucket": "week"}, "bucket"), ({**WINDOW, "until": "2025-01-01"},
                                                           "since")):
        path = "/v1/reports/timeseries" if "bucket" in params else "/v1/reports/usage"
        r = await client.get(path, params=params, headers=_auth(keys["admin"]))
        assert r.status_code == 400, (params, r.text)
        assert r.json()["error"]["param"] == param
    r = await client.get("/v1/reports/breakeven", params={"by": "team"},
                         headers=_auth(keys["admin"]))
    assert r.status_code == 400 and r.json()["error"]["param"] == "by"
