"""Break-even: the decision rule branch by branch, payback worked out by hand, and the query
that aggregates the ledger (SQLite and Postgres)."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeport.economics.breakeven import (
    MONTH_S,
    LocalStats,
    WorkloadStats,
    analyse,
    coefficient_of_variation,
    payback_months,
    recommend,
    summarise,
)
from homeport.economics.cost import CostModel
from homeport.economics.prices import PriceCatalog
from homeport.economics.rollup import Rollup
from homeport.errors import InvalidRequest
from homeport.settings import Settings
from homeport.settings_ops import BreakevenConfig, EconomicsConfig, HardwareProfile
from tests.economics.test_reports import DAY, T0, insert_rows, open_db, row

CFG = BreakevenConfig(min_daily_requests=100, max_volume_cv=0.5, min_monthly_cloud_cost=50,
                      local_quality_tasks=["classification", "chat"], regulated="confidential")
WINDOW = 10 * DAY
STEADY = (200,) * 10  # 200 requests/day, cv 0


def workload(**kw: object) -> WorkloadStats:
    """A workload meeting every condition for local: 200/day, steady, 60.88/month, chat."""
    base: dict[str, object] = {"name": "w", "requests": sum(STEADY), "daily": STEADY,
                               "cloud_cost": 20.0, "task": "chat", "regulated": False}
    return WorkloadStats(**{**base, **kw})  # type: ignore[arg-type]


def test_all_conditions_met_is_local() -> None:
    a = recommend(workload(), WINDOW, CFG)
    assert a.recommendation == "local"
    assert a.requests_per_day == 200 and a.cv == 0
    assert a.monthly_cloud_cost == pytest.approx(20.0 * 3.044)
    assert all(a.checks.values()) and len(a.reasons) == 4


@pytest.mark.parametrize(("change", "failed", "words"), [
    ({"daily": (10,) * 10, "requests": 100}, "high_volume", "low volume: 10.0 requests/day < 100"),
    ({"daily": (0, 400) * 5}, "predictable", "unpredictable volume: daily cv 1.00 > 0.5"),
    ({"daily": (2000,)}, "predictable", "predictability unknown"),
    ({"cloud_cost": 10.0}, "meaningful_cost", "small cloud cost: 30.44/month < 50"),
    ({"task": "code"}, "quality_acceptable", "not acceptable for task 'code'"),
    ({"task": None}, "quality_acceptable", "task unknown"),
])
def test_each_failed_condition_sends_to_cloud(change: dict[str, object], failed: str,
                                              words: str) -> None:
    a = recommend(workload(**change), WINDOW, CFG)
    assert a.recommendation == "cloud"
    assert [k for k, ok in a.checks.items() if not ok] == [failed]
    assert len(a.reasons) == 1 and words in a.reasons[0]


def test_several_failures_are_all_listed() -> None:
    a = recommend(workload(task="reasoning", cloud_cost=0.0, daily=(1,) * 10, requests=10),
                  WINDOW, CFG)
    assert a.recommendation == "cloud" and len(a.reasons) == 3
    assert a.checks == {"high_volume": False, "predictable": True, "meaningful_cost": False,
                        "quality_acceptable": False}


def test_regulated_is_local_regardless() -> None:
    a = recommend(workload(regulated=True, task=None, cloud_cost=0.0, daily=(1,), requests=1),
                  WINDOW, CFG)
    assert a.recommendation == "local" and a.reasons == ["regulated"]


def test_coefficient_of_variation() -> None:
    assert coefficient_of_variation([5, 5, 5]) == 0
    assert coefficient_of_variation([0, 10]) == pytest.approx(1.0)  # std 5 / mean 5
    assert coefficient_of_variation([3]) is None
    assert coefficient_of_variation([0, 0]) is None


def test_payback_by_hand() -> None:
    hw = HardwareProfile(price=3600, amortisation_months=36, idle_watts=50, pue=1.2,
                         price_per_kwh=0.25, monthly_operations=20)
    fixed = CostModel(EconomicsConfig(hardware=hw),
                      PriceCatalog(EconomicsConfig())).monthly_fixed()
    # 3600/36 + 50 W * 24 h * 30.44 d / 1000 * 1.2 * 0.25 + 20
    assert fixed == pytest.approx(100 + 10.9584 + 20)
    # 10 days: 200 of cloud-equivalent work done locally, 10 kWh drawn (PUE included)
    s = summarise(LocalStats(requests=1000, cost=12.0, cost_equivalent=200.0, energy_wh=10_000),
                  WINDOW, hw, fixed)
    assert s.monthly_cloud_equivalent == pytest.approx(608.8)  # 200 * 30.44 / 10
    assert s.monthly_energy == pytest.approx(7.61)  # 10 kWh * 0.25 * 3.044
    assert s.monthly_local_cost == pytest.approx(7.61 + 130.9584)
    assert s.monthly_savings == pytest.approx(608.8 - 138.5684)
    # the price is paid back from savings before amortisation (else it is counted twice)
    assert s.monthly_operating_savings == pytest.approx(470.2316 + 100)
    assert s.payback_months == pytest.approx(3600 / 570.2316)
    assert s.savings_so_far == pytest.approx(188.0)


def test_payback_edges() -> None:
    assert payback_months(3600, 0.0) is None
    assert payback_months(3600, -5.0) is None
    assert payback_months(0, 10.0) == 0
    assert payback_months(1000, 250.0) == 4
    hw = HardwareProfile(price=0, monthly_operations=500)
    s = summarise(LocalStats(requests=1, cost_equivalent=1.0), MONTH_S, hw, 500.0)
    assert s.monthly_savings == pytest.approx(-499) and s.payback_months is None


def test_analyse_the_ledger(db_url: str, tmp_path: Path) -> None:
    db = open_db(db_url)
    # rule "bulk": 150/day for 4 days, local classification; one confidential request in "pii";
    # "mixed" mostly code; failed requests are not work done
    rows = [row(T0 + d * DAY + i * 60, rule="bulk", task="classification", cost=0.001,
                cost_equivalent=0.05, energy_wh=1.0)
            for d in range(4) for i in range(150)]
    rows += [row(T0 + 5, rule="pii", sensitivity="confidential", task=None),
             row(T0 + 6, rule="pii", sensitivity="internal", tier="cloud", cost=0.3,
                 cost_equivalent=0.2, energy_wh=None)]
    rows += [row(T0 + 7 + i, rule="mixed", task="code" if i < 3 else "chat", tier="cloud",
                 cost=1.0, cost_equivalent=0.1, energy_wh=None) for i in range(5)]
    rows += [row(T0 + 9, rule="bulk", status=500, cost_equivalent=99.0)]
    rows += [row(T0 + 4 * DAY + 10, rule="bulk")]  # after the window
    insert_rows(db, rows)
    econ = EconomicsConfig(hardware=HardwareProfile(price=1000, amortisation_months=10),
                           breakeven=CFG)
    settings = Settings(data_dir=tmp_path, database_url=db_url, economics=econ)
    costs = CostModel(econ, PriceCatalog(econ))
    b = analyse(Rollup(db), settings, costs, T0, T0 + 4 * DAY, "rule")
    w = {a.workload: a for a in b.workloads}
    assert [a.workload for a in b.workloads] == ["bulk", "mixed", "pii"]
    assert w["bulk"].requests == 600 and w["bulk"].requests_per_day == 150
    assert w["bulk"].cv == 0 and w["bulk"].task == "classification"
    assert w["bulk"].monthly_cloud_cost == pytest.approx(600 * 0.05 * 30.44 / 4)
    assert w["bulk"].recommendation == "local"
    assert w["pii"].regulated and w["pii"].recommendation == "local"
    assert w["mixed"].task == "code" and w["mixed"].recommendation == "cloud"
    assert w["mixed"].monthly_cloud_cost == pytest.approx(5 * 1.0 * 30.44 / 4)  # list price
    s = b.summary
    assert s.local_requests == 601
    assert s.savings_so_far == pytest.approx(600 * 0.049 + 0.009)
    assert s.monthly_cloud_equivalent == pytest.approx((600 * 0.05 + 0.01) * 30.44 / 4)
    assert s.monthly_fixed == pytest.approx(100)
    assert s.payback_months == pytest.approx(1000 / (s.monthly_savings + 100))
    by_task = analyse(Rollup(db), settings, costs, T0, T0 + 4 * DAY, "task")
    assert {a.workload for a in by_task.workloads} == {"classification", None, "chat", "code"}
    unknown = next(a for a in by_task.workloads if a.workload is None)
    assert unknown.regulated and unknown.recommendation == "local"
    with pytest.raises(InvalidRequest):
        analyse(Rollup(db), settings, costs, T0, T0 + DAY, "team")
    data = b.to_dict()
    assert data["days"] == 4 and data["workloads"][0]["recommendation"] == "local"
    db.close()
