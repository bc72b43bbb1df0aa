"""Break-even of self-hosting at the observed volume, and per workload (rule or task type) a
recommendation following the decision rule:

    regulated (any content at or above breakeven.regulated)          -> local, regardless
    high volume AND predictable AND meaningful monthly cloud cost
      AND open-weight quality acceptable for the task                -> local
    otherwise                                                        -> cloud (reasons: what failed)

The window observed is scaled to a month of 30.44 days. The decision functions are pure (they
take aggregated numbers); `analyse` reads the sums by (day, rule, task) from economics/rollup.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from homeport.economics.reports import check_by, iso
from homeport.economics.rollup import DAY, Rollup, total
from homeport.settings import Settings
from homeport.settings_ops import BreakevenConfig, HardwareProfile

MONTH_S = 30.44 * 86400
WORKLOAD_GROUPS = ("rule", "task")
BREAKEVEN_SUMS = ("ok_requests", "ok_cloud_cost", "confidential", "restricted",
                  "ok_local_requests", "ok_local_cost", "ok_local_eq", "ok_local_energy")


class FixedCosts(Protocol):
    def monthly_fixed(self) -> float: ...


# -- inputs (aggregated) and outputs -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class WorkloadStats:
    """One workload over the window, as aggregated from the ledger."""

    name: str | None
    requests: int
    daily: tuple[int, ...]  # requests in each full day of the window
    cloud_cost: float  # window total: cloud calls at their price, local ones at cloud-equivalent
    task: str | None  # the task type most of its requests had; None: unknown
    regulated: bool


@dataclass(frozen=True, slots=True)
class LocalStats:
    """Calls served locally over the window."""

    requests: int = 0
    cost: float = 0.0
    cost_equivalent: float = 0.0
    energy_wh: float = 0.0


@dataclass(frozen=True, slots=True)
class Advice:
    workload: str | None
    requests: int
    requests_per_day: float
    cv: float | None
    monthly_cloud_cost: float
    task: str | None
    regulated: bool
    recommendation: str  # local | cloud
    reasons: list[str]
    checks: dict[str, bool]


@dataclass(frozen=True, slots=True)
class Summary:
    local_requests: int
    monthly_cloud_equivalent: float  # the local work, priced at the reference cloud model
    monthly_energy: float
    monthly_fixed: float  # amortisation + idle power + operations
    monthly_local_cost: float  # energy + fixed
    monthly_savings: float  # cloud-equivalent - local cost (the hardware written off)
    monthly_operating_savings: float  # the same before amortisation: what pays the price back
    hardware_price: float
    payback_months: float | None  # None: never (no operating savings)
    savings_so_far: float  # cost_equivalent - cost of the window's local calls


@dataclass(slots=True)
class Breakeven:
    since: float
    until: float
    by: str
    currency: str
    hardware: str
    summary: Summary
    workloads: list[Advice] = field(default_factory=list)
    team: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"object": "breakeven", "since": iso(self.since), "until": iso(self.until),
                "days": round((self.until - self.since) / DAY, 3), "by": self.by,
                "team": self.team, "currency": self.currency, "hardware": self.hardware,
                "summary": _rounded(asdict(self.summary)),
                "workloads": [_rounded(asdict(w)) for w in self.workloads]}


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in d.items()}


# -- pure functions -----------------------------------------------------------------------------

def per_month(value: float, window_s: float) -> float:
    """A window's total scaled to a 30.44-day month."""
    return value * MONTH_S / window_s


def coefficient_of_variation(daily: Sequence[int]) -> float | None:
    """Population std / mean of daily counts; None with fewer than 2 days or no requests."""
    if len(daily) < 2:
        return None
    mean = statistics.fmean(daily)
    return statistics.pstdev(daily) / mean if mean > 0 else None


def payback_months(price: float, monthly_operating_savings: float) -> float | None:
    """Months until the savings pay the hardware price; None when they never do."""
    if monthly_operating_savings <= 0:
        return None
    return 0.0 if price == 0 else price / monthly_operating_savings


def energy_cost(energy_wh: float, hw: HardwareProfile) -> float:
    """What the energy cost (the ledger's energy_wh already includes the room's PUE)."""
    return energy_wh / 1000 * hw.price_per_kwh


def summarise(local: LocalStats, window_s: float, hw: HardwareProfile,
              monthly_fixed: float) -> Summary:
    cloud_eq = per_month(local.cost_equivalent, window_s)
    energy = per_month(energy_cost(local.energy_wh, hw), window_s)
    local_cost = energy + monthly_fixed
    savings = cloud_eq - local_cost
    operating = savings + hw.price / hw.amortisation_months
    return Summary(local.requests, cloud_eq, energy, monthly_fixed, local_cost, savings,
                   operating, hw.price, payback_months(hw.price, operating),
                   local.cost_equivalent - local.cost)


def recommend(w: WorkloadStats, window_s: float, cfg: BreakevenConfig) -> Advice:
    per_day = w.requests * DAY / window_s
    cv = coefficient_of_variation(w.daily)
    monthly = per_month(w.cloud_cost, window_s)
    checks, reasons = _conditions(per_day, cv, monthly, w.task, cfg)
    if w.regulated:
        choice, reasons = "local", ["regulated"]
    elif all(checks.values()):
        choice = "local"
    else:
        choice = "cloud"
        reasons = [r for r, ok in zip(reasons, checks.values(), strict=True) if not ok]
    return Advice(w.name, w.requests, per_day, cv, monthly, w.task, w.regulated, choice, reasons,
                  checks)


def _conditions(per_day: float, cv: float | None, monthly: float, task: str | None,
                cfg: BreakevenConfig) -> tuple[dict[str, bool], list[str]]:
    """The four conditions for local, and a reason for each (said as met or as failed)."""
    volume = per_day >= cfg.min_daily_requests
    predictable = cv is not None and cv <= cfg.max_volume_cv
    meaningful = monthly >= cfg.min_monthly_cloud_cost
    quality = task is not None and task in cfg.local_quality_tasks
    if cv is None:
        cv_reason = "volume predictability unknown: fewer than 2 full days with requests"
    else:
        cv_reason = (f"{'predictable' if predictable else 'unpredictable'} volume: daily cv "
                     f"{cv:.2f} {'<=' if predictable else '>'} {cfg.max_volume_cv:g}")
    if task is None:
        task_reason = "task unknown: open-weight quality cannot be judged"
    else:
        task_reason = (f"open-weight quality {'acceptable' if quality else 'not acceptable'} "
                       f"for task {task!r}")
    checks = {"high_volume": volume, "predictable": predictable, "meaningful_cost": meaningful,
              "quality_acceptable": quality}
    reasons = [
        f"{'high' if volume else 'low'} volume: {per_day:.1f} requests/day "
        f"{'>=' if volume else '<'} {cfg.min_daily_requests:g}",
        cv_reason,
        f"{'meaningful' if meaningful else 'small'} cloud cost: {monthly:.2f}/month "
        f"{'>=' if meaningful else '<'} {cfg.min_monthly_cloud_cost:g}",
        task_reason,
    ]
    return checks, reasons


# -- the query ----------------------------------------------------------------------------------

def analyse(rollup: Rollup, settings: Settings, costs: FixedCosts, since: float, until: float,
            by: str = "rule", team: str | None = None) -> Breakeven:
    """Break-even over [since, until) from the ledger (successful requests only)."""
    check_by(by, WORKLOAD_GROUPS)
    econ = settings.economics
    window_s = until - since
    workloads, local = observe(rollup, since, until, by, team, econ.breakeven.regulated)
    advice = [recommend(w, window_s, econ.breakeven) for w in workloads]
    summary = summarise(local, window_s, econ.hardware, costs.monthly_fixed())
    return Breakeven(since, until, by, econ.currency, econ.hardware.name, summary, advice, team)


def observe(rollup: Rollup, since: float, until: float, by: str, team: str | None,
            regulated: str) -> tuple[list[WorkloadStats], LocalStats]:
    """Workloads (by rule or task) and the local calls, from sums by (day, rule, task).
    Daily counts cover the UTC days wholly inside the window."""
    rows = [r for r in rollup.rows("rule_task", since, until, team=team, period=DAY,
                                   sums=BREAKEVEN_SUMS) if r.ok_requests]
    first, last = math.ceil(since / DAY), math.floor(until / DAY)
    acc: dict[str | None, _Workload] = {}
    for r in rows:
        w = acc.setdefault(r.k if by == "rule" else r.sub, _Workload(max(last - first, 0)))
        w.add(r, int(r.tb) - first, regulated)
    workloads = [WorkloadStats(k, w.n, tuple(w.days), w.cloud, _dominant(w.tasks), w.regulated)
                 for k, w in acc.items()]
    workloads.sort(key=lambda w: (-w.requests, w.name or ""))
    local = LocalStats(int(total(rows, "ok_local_requests")), total(rows, "ok_local_cost"),
                       total(rows, "ok_local_eq"), total(rows, "ok_local_energy"))
    return workloads, local


@dataclass(slots=True)
class _Workload:
    full_days: int
    n: int = 0
    cloud: float = 0.0
    regulated: bool = False
    days: list[int] = field(default_factory=list)
    tasks: dict[str | None, int] = field(default_factory=dict)

    def add(self, r: Any, day: int, regulated: str) -> None:
        n = int(r.ok_requests)
        self.n += n
        self.cloud += float(r.ok_cloud_cost or 0.0)
        self.regulated = self.regulated or bool(
            int(r.restricted) or (regulated == "confidential" and int(r.confidential)))
        if not self.days:
            self.days = [0] * self.full_days
        if 0 <= day < self.full_days:
            self.days[day] += n
        self.tasks[r.sub] = self.tasks.get(r.sub, 0) + n


def _dominant(tasks: dict[str | None, int]) -> str | None:
    """The task most requests had (ties: by name); None when that is 'unknown'."""
    return max(tasks.items(), key=lambda kv: (kv[1], kv[0] or ""))[0] if tasks else None
