"""Usage and cost reports over the request ledger, grouped by team, model, rule, task, tier,
provider or day, and time series for charts.

Sums come from economics/rollup (daily rollups for whole days, SQL aggregation for the rest);
latency percentiles from a histogram counted there: fixed log-scaled buckets, merged and
interpolated here. The functions are blocking; async callers run them with `db.run`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeport.economics.rollup import DAY, Rollup, percentile
from homeport.errors import InvalidRequest
from homeport.settings import Settings
from homeport.storage.db import Database
from homeport.times import parse_time

if TYPE_CHECKING:
    from homeport.economics.breakeven import Breakeven
    from homeport.economics.cost import CostModel

GROUPS = ("team", "model", "rule", "task", "tier", "provider", "day")
BUCKETS = {"hour": 3600, "day": DAY}
MAX_POINTS = 2000  # time-series buckets per query

USAGE_COLUMNS = ("requests", "errors", "prompt_tokens", "completion_tokens", "p50_ms", "p95_ms",
                 "share_local")
COST_COLUMNS = ("requests", "local_requests", "share_local", "cost", "cost_equivalent",
                "savings", "energy_wh")


# -- time windows -------------------------------------------------------------------------------

def window(since: str | None, until: str | None, now: float | None = None,
           default_days: float = 30) -> tuple[float, float]:
    """The [since, until) window from user text (`30d`, `12h` ago, an ISO date or datetime,
    UTC unless it says otherwise); until defaults to now, since to `default_days` before it."""
    now = time.time() if now is None else now
    end = parse_time(until, param="until", now=now) if until else now
    start = parse_time(since, param="since", now=now) if since else end - default_days * 86400
    if start >= end:
        raise InvalidRequest("since must be before until", param="since")
    return max(start, 0.0), end


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat().replace("+00:00", "Z")


def check_by(by: str, allowed: Sequence[str] = GROUPS) -> str:
    if by not in allowed:
        raise InvalidRequest(f"by: {by!r} is not one of {', '.join(allowed)}", param="by")
    return by


# -- accumulated groups ---------------------------------------------------------------------

_INTS = frozenset(("requests", "errors", "prompt_tokens", "completion_tokens", "local_requests"))
_FLOATS = frozenset(("cost", "cost_equivalent", "savings", "energy_wh"))
USAGE_SUMS = ("requests", "errors", "prompt_tokens", "completion_tokens", "local_requests")
COST_SUMS = ("requests", "local_requests", "cost", "cost_equivalent", "savings", "energy_wh")
SERIES_SUMS = ("requests", "prompt_tokens", "completion_tokens", "cost", "cost_equivalent")


@dataclass(slots=True)
class Acc:
    """Sums of one group (or bucket), added up from SQL rows."""

    requests: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    local_requests: int = 0
    cost: float = 0.0
    cost_equivalent: float = 0.0
    savings: float = 0.0
    energy_wh: float = 0.0
    hist: dict[int, int] = field(default_factory=dict)

    def add(self, row: Any) -> None:
        """Add an aggregated row (economics/rollup: the sums it has), its latency bucket to
        the histogram."""
        values = row._mapping
        for name in _INTS.intersection(values.keys()):
            setattr(self, name, getattr(self, name) + int(values[name] or 0))
        for name in _FLOATS.intersection(values.keys()):
            setattr(self, name, getattr(self, name) + float(values[name] or 0.0))
        if row.b >= 0:
            self.hist[row.b] = self.hist.get(row.b, 0) + int(row.requests)

    def merge(self, other: Acc) -> None:
        for name in ("requests", "errors", "prompt_tokens", "completion_tokens", "local_requests",
                     "cost", "cost_equivalent", "savings", "energy_wh"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for b, c in other.hist.items():
            self.hist[b] = self.hist.get(b, 0) + c

    def values(self) -> dict[str, Any]:
        p50, p95 = percentile(self.hist, 0.5), percentile(self.hist, 0.95)
        return {
            "requests": self.requests, "errors": self.errors,
            "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "tokens": self.prompt_tokens + self.completion_tokens,
            "p50_ms": None if p50 is None else round(p50, 1),
            "p95_ms": None if p95 is None else round(p95, 1),
            "local_requests": self.local_requests,
            "share_local": round(self.local_requests / self.requests, 4) if self.requests else 0.0,
            "cost": round(self.cost, 6), "cost_equivalent": round(self.cost_equivalent, 6),
            "savings": round(self.savings, 6), "energy_wh": round(self.energy_wh, 3),
        }


# -- the report value ---------------------------------------------------------------------------

@dataclass(slots=True)
class Report:
    """A grouped report: the group column, metric columns, rows and totals."""

    name: str
    by: str
    since: float
    until: float
    currency: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    team: str | None = None

    def header(self) -> list[str]:
        return [self.by, *self.columns]

    def table_rows(self) -> list[list[str]]:
        """Formatted cells, the totals last."""
        out = [[_label(r[self.by]), *(fmt(c, r[c]) for c in self.columns)] for r in self.rows]
        out.append(["total", *(fmt(c, self.totals[c]) for c in self.columns)])
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"object": "report", "report": self.name, "by": self.by,
                "since": iso(self.since), "until": iso(self.until), "team": self.team,
                "currency": self.currency, "columns": self.header(), "rows": self.rows,
                "totals": self.totals}

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.header())
        for r in [*self.rows, {**self.totals, self.by: "total"}]:
            w.writerow(["" if r[c] is None else r[c] for c in self.header()])
        return buf.getvalue()


def _label(v: Any) -> str:
    return "(none)" if v is None or v == "" else str(v)


def fmt(column: str, v: Any) -> str:
    """A cell for humans: money with 2 (or 4 when small) decimals, shares as percentages."""
    if v is None:
        return "–"
    if column.startswith("share"):
        return f"{100 * v:.1f}%"
    if column.endswith("_ms"):
        return f"{v:,.0f}"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) >= 1 or v == 0 else f"{v:.4f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


@dataclass(slots=True)
class Timeseries:
    """Aligned series for charts: `times` are bucket starts; every series has one value per
    bucket (0, or None for percentiles of an empty bucket)."""

    bucket: str
    by: str | None
    since: float
    until: float
    times: list[float]
    series: dict[str, dict[str, list[Any]]]

    def to_dict(self) -> dict[str, Any]:
        return {"object": "timeseries", "bucket": self.bucket, "by": self.by,
                "since": iso(self.since), "until": iso(self.until),
                "times": [iso(t) for t in self.times], "series": self.series}


SERIES_FIELDS = ("requests", "tokens", "cost", "cost_equivalent", "p50_ms", "p95_ms")


# -- the service ------------------------------------------------------------------------------

class Reports:
    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings
        self.rollup = Rollup(db)
        self._costs: CostModel | None = None  # built on first use: it loads the price catalog

    def usage(self, since: float, until: float, by: str = "team",
              team: str | None = None) -> Report:
        return self._grouped([("usage", USAGE_COLUMNS)], USAGE_SUMS, since, until, by, team)[0]

    def costs(self, since: float, until: float, by: str = "team",
              team: str | None = None) -> Report:
        return self._grouped([("costs", COST_COLUMNS)], COST_SUMS, since, until, by, team)[0]

    def usage_and_costs(self, since: float, until: float, by: str = "team",
                        team: str | None = None) -> tuple[Report, Report]:
        """Both reports from one read of the ledger (the dashboard shows both)."""
        usage, costs = self._grouped([("usage", USAGE_COLUMNS), ("costs", COST_COLUMNS)],
                                     tuple(dict.fromkeys(USAGE_SUMS + COST_SUMS)), since,
                                     until, by, team)
        return usage, costs

    def _grouped(self, reports: list[tuple[str, tuple[str, ...]]], sums: tuple[str, ...],
                 since: float, until: float, by: str, team: str | None) -> list[Report]:
        """Reports (name, columns) over the same groups, from one read of `sums`."""
        check_by(by)
        day = by == "day"
        groups: dict[Any, Acc] = {}
        latency = any("p50_ms" in columns for _, columns in reports)
        for row in self.rollup.rows("all" if day else by, since, until, team=team,
                                    period=DAY if day else None, sums=sums, latency=latency):
            groups.setdefault(int(row.tb) if day else row.k, Acc()).add(row)
        total = Acc()
        keyed = []
        for k, acc in sorted(groups.items(), key=lambda kv: _order(by, kv)):
            total.merge(acc)
            keyed.append((_key(by, k), acc.values()))
        totals = total.values()
        currency = self.settings.economics.currency
        return [Report(name, by, since, until, currency, columns,
                       [{by: k, **{c: values[c] for c in columns}} for k, values in keyed],
                       {c: totals[c] for c in columns}, team) for name, columns in reports]

    def timeseries(self, since: float, until: float, bucket: str = "hour",
                   by: str | None = "tier", team: str | None = None,
                   latency: bool = True) -> Timeseries:
        """Per bucket and group: requests, tokens, cost, cost-equivalent and (with `latency`,
        which costs a row per latency bucket) p50/p95."""
        if bucket not in BUCKETS:
            raise InvalidRequest(f"bucket: {bucket!r} is not one of hour, day", param="bucket")
        if by is not None:
            check_by(by, tuple(g for g in GROUPS if g != "day"))
        width = BUCKETS[bucket]
        first, last = math.floor(since / width), math.ceil(until / width)
        if last - first > MAX_POINTS:
            raise InvalidRequest(f"{last - first} {bucket}s is too many points (at most "
                                 f"{MAX_POINTS}); use a shorter window or bucket=day",
                                 param="bucket")
        # a lean loop: hourly series read thousands of rows
        cells: dict[tuple[str, int], _Point] = {}
        for t, k, _sub, b, n, prompt, completion, cost, eq in self.rollup.rows(
                by or "all", since, until, team=team, period=width, sums=SERIES_SUMS,
                latency=latency):
            key = (_label(k) if by is not None else "all", int(t))
            point = cells.get(key) or cells.setdefault(key, _Point())
            point.add(int(n), int(prompt or 0) + int(completion or 0), float(cost or 0),
                      float(eq or 0), int(b))
        times = list(range(first, last))
        series = {k: _series(cells, k, times) for k in sorted({k for k, _ in cells})}
        return Timeseries(bucket, by, since, until, [t * width for t in times], series)

    def breakeven(self, since: float, until: float, by: str = "rule",
                  team: str | None = None) -> Breakeven:
        from homeport.economics.breakeven import analyse  # it builds on this module
        from homeport.economics.cost import CostModel
        from homeport.economics.prices import PriceCatalog

        if self._costs is None:
            econ = self.settings.economics
            self._costs = CostModel(econ, PriceCatalog(econ))
        return analyse(self.rollup, self.settings, self._costs, since, until, by, team)


@dataclass(slots=True)
class _Point:
    """One time bucket of one series."""

    requests: int = 0
    tokens: int = 0
    cost: float = 0.0
    cost_equivalent: float = 0.0
    hist: dict[int, int] = field(default_factory=dict)

    def add(self, n: int, tokens: int, cost: float, eq: float, bucket: int) -> None:
        self.requests += n
        self.tokens += tokens
        self.cost += cost
        self.cost_equivalent += eq
        if bucket >= 0:
            self.hist[bucket] = self.hist.get(bucket, 0) + n


def _series(cells: dict[tuple[str, int], _Point], key: str, times: list[int]
            ) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {f: [] for f in SERIES_FIELDS}
    empty = _Point()
    for t in times:
        p = cells.get((key, t), empty)
        p50, p95 = percentile(p.hist, 0.5), percentile(p.hist, 0.95)
        out["requests"].append(p.requests)
        out["tokens"].append(p.tokens)
        out["cost"].append(round(p.cost, 6))
        out["cost_equivalent"].append(round(p.cost_equivalent, 6))
        out["p50_ms"].append(None if p50 is None else round(p50, 1))
        out["p95_ms"].append(None if p95 is None else round(p95, 1))
    return out


def _key(by: str, k: Any) -> Any:
    return dt.datetime.fromtimestamp(k * DAY, dt.UTC).date().isoformat() if by == "day" else k


def _order(by: str, kv: tuple[Any, Acc]) -> tuple[Any, ...]:
    """Days in order; other groups by requests, most first."""
    k, acc = kv
    if by == "day":
        return (k,)
    return (-acc.requests, "" if k is None else str(k))
