"""Budgets: reserve-then-settle on both backends (in-process and the machine's real Redis)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from homeport.governance.budgets import Budgets, BudgetScope, Exhausted, period_bounds
from homeport.settings_ops import GovernanceConfig
from homeport.storage.db import Database
from homeport.storage.schema import requests
from tests.governance.test_ratelimit import REDIS_URL, ROOT, flush

MakeBudgets = Callable[..., Budgets]
NOV_15 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC).timestamp()  # a Sunday


def team(name: str = "x", limit: float = 10.0, period: str = "month",
         on_exhausted: str = "reject") -> BudgetScope:
    return BudgetScope("team", name, limit, period, on_exhausted)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'homeport.db'}"


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database(sqlite_url)
    database.migrate()
    yield database
    database.close()


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    p = f"hp-test-budget-{uuid.uuid4().hex[:8]}:"
    yield p
    await flush(p)


@pytest.fixture(params=["memory", "redis"])
async def make(request: pytest.FixtureRequest, prefix: str) -> AsyncIterator[
        Callable[..., Budgets]]:
    """Budgets on one backend; takes the database and Budgets' keyword arguments."""
    made: list[Budgets] = []
    cfg = GovernanceConfig(redis_url=REDIS_URL if request.param == "redis" else None)

    def build(database: Database, **kw: object) -> Budgets:
        made.append(Budgets(database, cfg, "USD", prefix=prefix, **kw))  # type: ignore[arg-type]
        return made[-1]

    yield build
    for b in made:
        await b.close()


def ledger_row(database: Database, *, ts: float, cost: float, tier: str = "cloud",
               team: str | None = "x", key_id: str | None = None) -> None:
    with database.engine.begin() as conn:
        conn.execute(insert(requests).values(
            id=uuid.uuid4().hex, ts=ts, key_id=key_id, team=team, endpoint="chat",
            model_requested="m", status=200, tier=tier, cost=cost))


def test_period_bounds_are_utc_calendar_periods() -> None:
    now = datetime(2026, 12, 17, 15, 30, tzinfo=UTC)  # a Thursday
    assert period_bounds("day", now) == (datetime(2026, 12, 17, tzinfo=UTC),
                                         datetime(2026, 12, 18, tzinfo=UTC))
    assert period_bounds("week", now) == (datetime(2026, 12, 14, tzinfo=UTC),
                                          datetime(2026, 12, 21, tzinfo=UTC))
    assert period_bounds("month", now) == (datetime(2026, 12, 1, tzinfo=UTC),
                                           datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="day, week, month"):
        period_bounds("year", now)


async def test_reserve_settle_release_and_remaining(make: MakeBudgets, db: Database) -> None:
    b = make(db)
    scopes = [team(limit=10)]
    assert await b.remaining([]) is None
    r1 = await b.reserve(scopes, 4.0, "r1")
    r2 = await b.reserve(scopes, 3.0, "r2")
    assert await b.remaining(scopes) == pytest.approx(3.0)
    await b.settle(r1, 2.5)
    assert await b.remaining(scopes) == pytest.approx(4.5)
    await b.release(r2)
    await b.release(r2)  # a second call is a no-op
    await b.settle(r1, 2.5)
    assert await b.remaining(scopes) == pytest.approx(7.5)


async def test_exhaustion_says_which_budget_and_when_it_resets(make: MakeBudgets,
                                                               db: Database) -> None:
    b = make(db, clock=lambda: NOV_15)
    scopes = [team(limit=10)]
    await b.settle(await b.reserve(scopes, 10.0, "big"), 10.02)  # actual may exceed the hold
    with pytest.raises(Exhausted) as info:
        await b.reserve(scopes, 0.01, "next")
    e = info.value
    assert (e.limit, e.on_exhausted) == (10.0, "reject")
    assert e.spent == pytest.approx(10.02)
    assert e.resets_at == datetime(2026, 12, 1, tzinfo=UTC)
    assert e.message("USD") == (
        "team 'x' budget of 10.00 USD per month is spent (10.02 USD used); it resets at "
        "2026-12-01 00:00 UTC. Ask an admin to raise it (homeport teams set x --budget ...)")


async def test_weekly_key_budget_resets_on_monday(make: MakeBudgets, db: Database) -> None:
    b = make(db, clock=lambda: NOV_15)
    key = BudgetScope("key", "key_1", 1.0, "week", "local")
    await b.reserve([key], 0.6, "a")
    with pytest.raises(Exhausted) as info:
        await b.reserve([key], 0.6, "b")
    assert info.value.resets_at == datetime(2026, 11, 16, tzinfo=UTC)
    assert info.value.on_exhausted == "local"
    assert "has 0.40 USD left" in info.value.message("USD")
    assert "homeport keys set key_1" in info.value.message("USD")


async def test_all_or_nothing_across_scopes(make: MakeBudgets, db: Database) -> None:
    b = make(db)
    key = BudgetScope("key", "k", 100.0, "day", "local")
    scopes = [key, team(limit=5)]
    with pytest.raises(Exhausted) as info:
        await b.reserve(scopes, 6.0, "r")
    assert info.value.scope.kind == "team"
    assert await b.remaining([key]) == pytest.approx(100.0)  # the key held nothing
    await b.reserve(scopes, 5.0, "r2")
    assert await b.remaining([key]) == pytest.approx(95.0)


async def test_concurrent_reservations_never_overshoot(make: MakeBudgets, db: Database) -> None:
    b = make(db)
    scopes = [team(limit=30.0), BudgetScope("key", "k", 1000.0, "day", "local")]
    settled: list[float] = []

    async def one(i: int) -> None:
        try:
            r = await b.reserve(scopes, 1.0, f"r{i}")
        except Exhausted:
            return
        await asyncio.sleep(random.uniform(0, 0.01))
        actual = random.uniform(0.5, 1.0)  # actual <= reserved
        await b.settle(r, actual)
        settled.append(actual)

    await asyncio.gather(*(one(i) for i in range(100)))
    assert len(settled) >= 30
    assert sum(settled) <= 30.0 + 1e-9
    assert await b.remaining(scopes[:1]) == pytest.approx(30.0 - sum(settled))


async def test_reservations_expire(make: MakeBudgets, db: Database) -> None:
    b = make(db, reservation_ttl=0.3)
    scopes = [team(limit=10)]
    await b.reserve(scopes, 10.0, "crashed")  # never settled: its process died
    with pytest.raises(Exhausted):
        await b.reserve(scopes, 1.0, "r")
    await asyncio.sleep(0.5)
    assert await b.remaining(scopes) == pytest.approx(10.0)
    await b.reserve(scopes, 10.0, "r")


async def test_spent_is_seeded_from_the_ledger(make: MakeBudgets, db_url: str) -> None:
    database = Database(db_url)
    database.migrate()
    try:
        ledger_row(database, ts=NOV_15 - 3600, cost=4.0)  # counts
        ledger_row(database, ts=NOV_15 - 3600, cost=1.5, team="y", key_id="k")  # key k
        ledger_row(database, ts=NOV_15 - 60, cost=100.0, tier="local")  # local: not a draw
        ledger_row(database, ts=NOV_15 - 30 * 86400, cost=50.0)  # October
        ledger_row(database, ts=NOV_15 - 60, cost=7.0, team="other")
        b = make(database, clock=lambda: NOV_15)
        assert await b.remaining([team(limit=10)]) == pytest.approx(6.0)
        key = BudgetScope("key", "k", 2.0, "month", "local")
        assert await b.remaining([key]) == pytest.approx(0.5)
        await b.settle(await b.reserve([team(limit=10)], 2.0, "r"), 2.0)
        # a restart: counters come back from the ledger (the writer recorded the request)
        ledger_row(database, ts=NOV_15, cost=2.0)
        await b.close()
        again = make(database, clock=lambda: NOV_15)
        assert await again.remaining([team(limit=10)]) == pytest.approx(4.0)
    finally:
        database.close()


async def test_replicas_seed_redis_once(db: Database, prefix: str) -> None:
    cfg = GovernanceConfig(redis_url=REDIS_URL)
    ledger_row(db, ts=NOV_15, cost=3.0)
    first = Budgets(db, cfg, "USD", prefix=prefix, clock=lambda: NOV_15)
    await first.settle(await first.reserve([team()], 1.0, "r"), 1.0)
    second = Budgets(db, cfg, "USD", prefix=prefix, clock=lambda: NOV_15)
    # the second replica reuses the shared counter (3 seeded + 1 settled), no second seed
    assert await second.remaining([team()]) == pytest.approx(6.0)
    await first.close()
    await second.close()


# --- two gateway processes reserving against one Redis budget ---

LIMIT = 200.0


async def spend(db_url: str, prefix: str, start: float) -> dict[str, float]:
    """One process, 8 concurrent workers: reserve 1.0, settle it in full, until refused."""
    database = Database(db_url)
    b = Budgets(database, GovernanceConfig(redis_url=REDIS_URL), "USD", prefix=prefix)
    settled: list[float] = []
    refused: list[int] = []

    async def worker() -> None:
        while len(refused) < 20:
            try:
                r = await b.reserve([team(limit=LIMIT)], 1.0, uuid.uuid4().hex)
            except Exhausted:
                refused.append(1)
                continue
            await asyncio.sleep(random.uniform(0, 0.005))  # the call, in flight
            await b.settle(r, 1.0)
            settled.append(1.0)

    await asyncio.sleep(start - time.time())
    await asyncio.gather(*(worker() for _ in range(8)))
    await b.close()
    database.close()
    return {"settled": sum(settled), "refused": len(refused)}


def test_two_processes_never_overshoot_one_budget(db: Database, sqlite_url: str,
                                                  prefix: str) -> None:
    code = ("import asyncio, json, sys; from tests.governance.test_budgets import spend; "
            "print(json.dumps(asyncio.run(spend(sys.argv[1], sys.argv[2], float(sys.argv[3])))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.time() + 3.0  # both processes are up by then
    procs = [subprocess.Popen([sys.executable, "-c", code, sqlite_url, prefix, str(start)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        results.append(json.loads(out))
    # all of the budget is used and never more; both processes took part
    assert sum(r["settled"] for r in results) == LIMIT, results
    assert all(r["settled"] > 0 for r in results), results
