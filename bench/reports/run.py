"""Time the ledger reports (usage, costs, time series, break-even) over a ledger of N realistic
rows: the median of several runs of each call, as a server would make it (one blocking call).

    .venv/bin/python bench/reports/run.py                  # SQLite, 100,000 rows
    .venv/bin/python bench/reports/run.py --rows 300000 --runs 9
    .venv/bin/python bench/reports/run.py --url postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert

from homeport.economics.reports import GROUPS, Reports
from homeport.economics.rollup import Rollup
from homeport.settings import Settings
from homeport.storage.db import Database
from homeport.storage.schema import requests

DAY = 86400
TEAMS = ["legal", "claims", "support", "research", "finance", "hr", "ops", "marketing"]
RULES = ["restricted-local", "pii-eu", "classify-local", "summaries-local", "code-cloud",
         "reasoning-cloud", "auto-cheap", "auto-strong", "overflow", "default"]
TASKS = ["classification", "extraction", "summarisation", "translation", "chat", "code",
         "reasoning", "creative_writing", None]
LOCAL = [("local", "smollm2-135m"), ("vllm", "llama-3.1-8b"), ("vllm", "qwen2.5-7b")]
CLOUD = [("openai", "gpt-4o-mini"), ("openai", "gpt-4o"), ("anthropic", "claude-3-5-haiku")]
REASONS = [f"rule {r}: matched task and sensitivity; candidates in order: local (capacity ok, "
           f"clearance restricted), cloud (clearance internal); complexity 0.{i}" for r in RULES
           for i in range(10)]  # the router's explanation, stored with each row
SENSITIVITY = ["public"] * 6 + ["internal"] * 3 + ["confidential", "restricted"]


def rows(n: int, end: float, days: int, seed: int = 7) -> list[dict[str, Any]]:
    """N requests over `days` days before `end`, with a daily cycle and long-tailed latency."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        ts = end - rnd.random() ** 1.1 * days * DAY
        local = rnd.random() < 0.6
        provider, model = rnd.choice(LOCAL if local else CLOUD)
        prompt, completion = int(rnd.lognormvariate(6, 1)), int(rnd.lognormvariate(5, 0.8))
        equivalent = (prompt * 0.15 + completion * 0.6) / 1e6
        busy = completion / 40
        failed = rnd.random() < 0.02
        out.append({
            "id": f"req_{i:09d}", "ts": ts, "key_id": f"key_{rnd.randrange(40)}",
            "team": rnd.choice(TEAMS), "endpoint": "chat", "model_requested": "auto",
            "provider": provider, "model_used": model, "rule": rnd.choice(RULES),
            "stream": rnd.random() < 0.5, "status": 500 if failed else 200,
            "error_type": "UpstreamError" if failed else None,
            "prompt_tokens": prompt, "completion_tokens": completion,
            "latency_ms": rnd.lognormvariate(6.5, 0.9), "ttft_ms": rnd.lognormvariate(5, 0.7),
            "attempts": 1, "sensitivity": rnd.choice(SENSITIVITY), "task": rnd.choice(TASKS),
            "tier": "local" if local else "cloud",
            "cost": busy * 0.00002 if local else equivalent * rnd.choice([1, 16, 5]),
            "cost_equivalent": equivalent, "energy_wh": busy * 300 / 3600 if local else None,
            "busy_s": busy if local else None,
            "entity_types": "EMAIL_ADDRESS,PERSON" if rnd.random() < 0.2 else None,
            "reasons": REASONS[i % len(REASONS)],
        })
    return out


def fill(db: Database, n: int, end: float, days: int) -> None:
    with db.engine.begin() as conn:
        conn.execute(delete(requests))
        batch = rows(n, end, days)
        for i in range(0, n, 10_000):
            conn.execute(insert(requests), batch[i:i + 10_000])


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm the page cache and the statement cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--url", default=None, help="database URL (default: a temp SQLite file)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    settings = Settings(data_dir=tmp, database_url=args.url)
    db = Database(settings.url())
    db.migrate()
    end = time.time()
    t = time.perf_counter()
    fill(db, args.rows, end, args.days)
    if db.dialect == "postgresql":  # what autovacuum does to an append-only table
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE requests")
    print(f"{db.dialect}: {args.rows:,} rows over {args.days} days "
          f"(filled in {time.perf_counter() - t:.1f} s); median of {args.runs} runs")
    reports = Reports(db, settings)
    since = end - args.days * DAY
    t = time.perf_counter()
    reports.usage(since, end, "team")
    print(f"  first report (builds rollups for {reports.rollup.build_budget_s:g} s, reads the "
          f"rest from the ledger): {(time.perf_counter() - t) * 1000:,.0f} ms")
    reports.rollup.build_budget_s = 1e9
    t = time.perf_counter()
    reports.usage(since, end, "team")
    print(f"  second report (builds the remaining days' rollups): "
          f"{(time.perf_counter() - t) * 1000:,.0f} ms")
    ledger_only = Reports(db, settings)
    ledger_only.rollup = Rollup(db, lag_s=1e12)  # every day "recent": no rollup
    calls: dict[str, Callable[[], object]] = {}
    for by in GROUPS:
        calls[f"usage --by {by}"] = partial(reports.usage, since, end, by)
    for by in ("team", "model", "day"):
        calls[f"costs --by {by}"] = partial(reports.costs, since, end, by)
    calls["usage --by team, ledger only (no rollup)"] = partial(ledger_only.usage, since, end)
    calls["costs --by team, ledger only (no rollup)"] = partial(ledger_only.costs, since, end)
    calls["usage --by team --team legal"] = lambda: reports.usage(since, end, "team", "legal")
    calls["usage --by model, last 7 days"] = lambda: reports.usage(end - 7 * DAY, end, "model")
    calls["timeseries hour by tier (7 days)"] = lambda: reports.timeseries(
        end - 7 * DAY, end, "hour", "tier")
    calls["timeseries hour by tier (30 days)"] = lambda: reports.timeseries(
        since, end, "hour", "tier")
    calls["timeseries day by tier (30 days)"] = lambda: reports.timeseries(
        since, end, "day", "tier")
    calls["breakeven --by rule"] = lambda: reports.breakeven(since, end, "rule")
    calls["breakeven --by task"] = lambda: reports.breakeven(since, end, "task")
    figures = {}
    for name, fn in calls.items():
        figures[name] = round(median_ms(fn, args.runs), 1)
        print(f"  {name:<42} {figures[name]:8.1f} ms")
    if args.json:
        args.json.write_text(json.dumps({"dialect": db.dialect, "rows": args.rows,
                                         "ms": figures}, indent=2))
    db.close()


if __name__ == "__main__":
    main()
