"""Aggregates of the request ledger for reports: raw SQL aggregation for partial days, and a
daily rollup for whole days so a 30-day report reads thousands of rows, not every request.

A rollup row holds the sums of one (day, dimension, group key, sub-key, latency bucket).
Sorting every request of the window for GROUP BY is what costs (bench/reports: ~0.5 s at
100,000 rows on 2 cores); the rollup sorts a day's requests once.

Staleness: each rolled-up day records how many ledger rows it summed. Before reading, the row
count of the ledger over those days (one index-only count) is compared with theirs; on a
difference (a late row, a purged one) the days that differ are rebuilt, within a time budget
per call (the days left over are read from the ledger, and built by later calls). Days that
ended less than `lag_s` ago are always read from the ledger. Team-filtered reads go to the
ledger through its (team, ts) index: the rollup is not split by team.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
)

from homeport.storage.db import Database
from homeport.storage.schema import ROLLUP_AMOUNTS, ROLLUP_COUNTS
from homeport.storage.schema import ledger_daily as daily
from homeport.storage.schema import ledger_daily_days as daily_days
from homeport.storage.schema import requests as ledger

DAY = 86400
# Latency histogram: bucket i holds BOUNDS[i-1] <= ms < BOUNDS[i] (bucket 0: below 1 ms; the
# last: 1,048,576 ms and above); 4 buckets per doubling, so a percentile is within ~9%.
_STEPS = 4
BOUNDS = tuple(round(2 ** (k / _STEPS), 4) for k in range(20 * _STEPS + 1))

COUNTS = ROLLUP_COUNTS
AMOUNTS = ROLLUP_AMOUNTS
SUMS = COUNTS + AMOUNTS
DIMS = ("team", "model", "rule", "task", "tier", "provider", "all", "rule_task")

# -- SQL pieces (literal SQL without bind parameters, so Postgres accepts them in GROUP BY) ----

def floor_div(expr: str, width: float, dialect: str) -> ColumnElement[int]:
    """floor(expr / width) as an integer (expr is non-negative here)."""
    if dialect == "sqlite":
        return literal_column(f"CAST(({expr}) / {width!r} AS INTEGER)")
    return literal_column(f"CAST(FLOOR(({expr}) / {width!r}) AS BIGINT)")


def _bisect_sql(lo: int, hi: int) -> str:
    """A balanced CASE tree giving bisect_right(BOUNDS, latency_ms): ~7 comparisons a row."""
    if lo == hi:
        return str(lo)
    mid = (lo + hi + 1) // 2
    return (f"CASE WHEN latency_ms < {BOUNDS[mid - 1]!r} THEN {_bisect_sql(lo, mid - 1)} "
            f"ELSE {_bisect_sql(mid, hi)} END")


LATENCY_BUCKET: ColumnElement[int] = literal_column(
    f"CASE WHEN latency_ms IS NULL THEN -1 ELSE {_bisect_sql(0, len(BOUNDS))} END")


_NULL: ColumnElement[Any] = literal_column("NULL")
_NO_BUCKET: ColumnElement[int] = literal_column("-1")


def _keys(dim: str, latency: bool = True) -> list[ColumnElement[Any]]:
    """[group key, sub-key, latency bucket] of a dimension, over ledger rows."""
    bucket = LATENCY_BUCKET if latency else _NO_BUCKET
    if dim == "rule_task":
        return [ledger.c.rule, ledger.c.task, _NO_BUCKET]
    if dim == "all":
        return [_NULL, _NULL, bucket]
    if dim == "model":
        return [func.coalesce(ledger.c.model_used, ledger.c.model_requested), _NULL, bucket]
    return [ledger.c[dim], _NULL, bucket]


def _labelled(keys: list[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """Row labels: tb (time bucket, when there is one), k, sub, b (latency bucket)."""
    return [k.label(n) for k, n in zip(keys, ["tb", "k", "sub", "b"][-len(keys):], strict=True)]


def _grouped(keys: list[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """The keys to GROUP BY: not the constants (both engines read a number there as a column
    position)."""
    return [k for k in keys if k is not _NULL and k is not _NO_BUCKET]


def _is(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    return case((cond, 1), else_=0)


def _sums(names: Sequence[str] = SUMS) -> list[ColumnElement[Any]]:
    c = ledger.c
    local, ok = c.tier == "local", c.status < 400
    ok_local = and_(ok, local)
    sums = [
        func.count().label("requests"),
        func.sum(_is(c.status >= 400)).label("errors"),
        func.sum(c.prompt_tokens).label("prompt_tokens"),
        func.sum(c.completion_tokens).label("completion_tokens"),
        func.sum(_is(local)).label("local_requests"),
        func.sum(_is(ok)).label("ok_requests"),
        func.sum(_is(ok_local)).label("ok_local_requests"),
        func.sum(_is(and_(ok, c.sensitivity == "confidential"))).label("confidential"),
        func.sum(_is(and_(ok, c.sensitivity == "restricted"))).label("restricted"),
        func.sum(c.cost).label("cost"),
        func.sum(c.cost_equivalent).label("cost_equivalent"),
        func.sum(case((local, c.cost_equivalent - c.cost), else_=0.0)).label("savings"),
        func.sum(c.energy_wh).label("energy_wh"),
        # what the work would cost in the cloud: cloud calls at their price, local ones at the
        # reference model's
        func.sum(case((ok_local, c.cost_equivalent),
                      (ok, func.coalesce(c.cost, c.cost_equivalent)), else_=0.0))
        .label("ok_cloud_cost"),
        func.sum(case((ok_local, c.cost), else_=0.0)).label("ok_local_cost"),
        func.sum(case((ok_local, c.cost_equivalent), else_=0.0)).label("ok_local_eq"),
        func.sum(case((ok_local, c.energy_wh), else_=0.0)).label("ok_local_energy"),
    ]
    return [e for e in sums if e.name in names]


# -- reading ------------------------------------------------------------------------------------

class Rollup:
    """Aggregated ledger rows: labelled `tb` (time bucket, when asked), `k`, `sub`, `b`
    (latency bucket) and SUMS. Several rows may share a key: callers add them up."""

    def __init__(self, db: Database, lag_s: float = 3600.0, build_budget_s: float = 1.0):
        self.db = db
        self.lag_s = lag_s  # days that ended less than this ago are read from the ledger
        self.build_budget_s = build_budget_s  # rollup building per call; the rest is read raw

    def rows(self, dim: str, since: float, until: float, *, team: str | None = None,
             period: int | None = None, sums: Sequence[str] = SUMS,
             latency: bool = True) -> list[Any]:
        """`sums` over [since, until) grouped by the dimension's keys, by time bucket of
        `period` seconds (DAY or 3600) when given, and by latency bucket when `latency`."""
        with self.db.engine.connect() as conn:  # days before the ledger's first row hold nothing
            oldest = float(conn.execute(select(func.min(ledger.c.ts))).scalar() or until)
        # the first whole day in the window; the day of the ledger's first row counts as whole
        # when the window starts before that row (nothing of that day is outside the window)
        first = math.floor(oldest / DAY) if since <= oldest else math.ceil(since / DAY)
        last = math.floor(min(until, time.time() - self.lag_s) / DAY)
        q = (dim, team, period, sums, latency)
        if team is not None or period not in (None, DAY) or last - first < 1:
            with self.db.engine.connect() as conn:
                return self._raw(conn, [(since, until)], *q)
        days = _spans(self.ensure(first, last))
        raw = _gaps(days, since, until)
        with self.db.engine.connect() as conn:  # one read transaction: one snapshot
            return [*self._stored(conn, days, *q), *self._raw(conn, raw, *q)]

    def _raw(self, conn: Connection, ranges: list[tuple[float, float]], dim: str,
             team: str | None, period: int | None, sums: Sequence[str],
             latency: bool) -> list[Any]:
        ranges = [(a, b) for a, b in ranges if a < b]
        if not ranges:
            return []
        keys = _keys(dim, latency)
        if period is not None:
            keys.insert(0, floor_div("ts", period, self.db.dialect))
        cond = or_(*(and_(ledger.c.ts >= a, ledger.c.ts < b) for a, b in ranges))
        if team is not None:
            cond = and_(cond, ledger.c.team == team)
        stmt = (select(*_labelled(keys), *_sums(sums)).where(cond).group_by(*_grouped(keys)))
        return list(conn.execute(stmt).all())

    def _stored(self, conn: Connection, days: list[tuple[int, int]], dim: str,
                team: str | None, period: int | None, sums: Sequence[str],
                latency: bool) -> list[Any]:
        if not days:
            return []
        keys = [daily.c.group_key, daily.c.sub, daily.c.lat if latency else _NO_BUCKET]
        if period is not None:
            keys.insert(0, daily.c.day)
        stmt = (select(*_labelled(keys), *(func.sum(daily.c[s]).label(s) for s in sums))
                .where(daily.c.dim == dim,
                       or_(*(and_(daily.c.day >= a, daily.c.day < b) for a, b in days)))
                .group_by(*_grouped(keys)))
        return list(conn.execute(stmt).all())

    # -- keeping the rollup in step with the ledger --------------------------------------------

    def ensure(self, first: int, last: int) -> list[int]:
        """Roll up days [first, last) that are missing or no longer match the ledger, newest
        first, for at most `build_budget_s`; the days whose rollup is current."""
        with self.db.engine.connect() as conn:
            built: dict[int, int] = {
                int(d): int(n) for d, n in conn.execute(
                    select(daily_days.c.day, daily_days.c.requests)
                    .where(daily_days.c.day >= first, daily_days.c.day < last))}
            if len(built) == last - first and \
                    sum(built.values()) == _count(conn, first * DAY, last * DAY):
                return list(range(first, last))
            stale = {d for d in range(first, last)
                     if built.get(d) != _count(conn, d * DAY, (d + 1) * DAY)}
        deadline = time.monotonic() + self.build_budget_s
        for day in sorted(stale, reverse=True):
            if time.monotonic() > deadline:
                break
            self.build(day)
            stale.discard(day)
        return [d for d in range(first, last) if d not in stale]

    def build(self, day: int) -> None:
        """Replace the rollup of one day, in one transaction (one builder at a time)."""
        with self.db.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                conn.begin():
            if self.db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(727275, :day)"), {"day": day})
            conn.execute(delete(daily).where(daily.c.day == day))
            cond = and_(ledger.c.ts >= day * DAY, ledger.c.ts < (day + 1) * DAY)
            for dim in DIMS:
                keys = _keys(dim)
                stmt = (select(literal(day), literal(dim), *keys, *_sums()).where(cond)
                        .group_by(*_grouped(keys)))
                conn.execute(insert(daily).from_select(
                    ["day", "dim", "group_key", "sub", "lat", *SUMS], stmt))
            n = _count(conn, day * DAY, (day + 1) * DAY)
            conn.execute(delete(daily_days).where(daily_days.c.day == day))
            conn.execute(insert(daily_days).values(day=day, requests=n, built_at=time.time()))


def _spans(days: list[int]) -> list[tuple[int, int]]:
    """Sorted day numbers as [start, end) runs."""
    spans: list[tuple[int, int]] = []
    for d in days:
        if spans and spans[-1][1] == d:
            spans[-1] = (spans[-1][0], d + 1)
        else:
            spans.append((d, d + 1))
    return spans


def _gaps(spans: list[tuple[int, int]], since: float, until: float) -> list[tuple[float, float]]:
    """The parts of [since, until) not covered by the day runs, in seconds."""
    gaps: list[tuple[float, float]] = []
    at = since
    for a, b in spans:
        gaps.append((at, a * DAY))
        at = b * DAY
    gaps.append((at, until))
    return [(a, b) for a, b in gaps if a < b]


def _count(conn: Connection, start: float, end: float) -> int:
    """Ledger rows in [start, end): an index-only count."""
    return int(conn.execute(select(func.count()).select_from(ledger)
                            .where(ledger.c.ts >= start, ledger.c.ts < end)).scalar_one())


def percentile(hist: dict[int, int], q: float) -> float | None:
    """The q-quantile (0..1) of a latency histogram, interpolated inside its bucket
    (geometrically: the buckets are)."""
    n = sum(hist.values())
    if n == 0:
        return None
    rank, seen = q * n, 0
    for i in sorted(hist):
        count = hist[i]
        if seen + count >= rank:
            if i >= len(BOUNDS):
                return BOUNDS[-1]
            lo, hi = (BOUNDS[i - 1] if i > 0 else 0.0), BOUNDS[i]
            f = (rank - seen) / count if count else 0.0
            return lo * (hi / lo) ** f if lo > 0 else hi * f
        seen += count
    return BOUNDS[-1]


def total(rows: Sequence[Any], name: str) -> float:
    return sum(float(getattr(r, name) or 0) for r in rows)
