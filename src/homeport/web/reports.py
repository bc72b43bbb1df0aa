"""The usage dashboard and the break-even page: the economics reports, drawn as charts."""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup
from starlette.responses import Response

from homeport.economics.reports import BUCKETS, Timeseries, window
from homeport.errors import InvalidRequest
from homeport.times import iso_time
from homeport.web.charts import Line, line_chart
from homeport.web.pages import Visit

USAGE_GROUPS = ("team", "model", "rule", "tier", "task", "provider")
MONTH = 30.44 * 86400
HOURLY_UP_TO = 2 * 86400


async def usage(visit: Visit) -> Response:
    q = visit.request.query_params
    since_text = q.get("since") or "30d"
    by = q.get("by") or "team"
    if by not in USAGE_GROUPS:
        raise InvalidRequest(f"Split by one of {', '.join(USAGE_GROUPS)}.", param="by")
    since, until = window(since_text, None)
    # hourly points are summed from the ledger itself, daily ones from the rollups: hourly up
    # to two days keeps the page under 200 ms at 100k requests (bench/web). The window starts
    # on a bucket boundary, so the first point is whole and only today is read from the ledger.
    bucket = "hour" if until - since <= HOURLY_UP_TO else "day"
    since = math.floor(since / BUCKETS[bucket]) * BUCKETS[bucket]
    reports = visit.rt.reports
    by_tier, by_group, (used, costs) = await visit.rt.db.run(lambda: (
        reports.timeseries(since, until, bucket=bucket, by="tier"),
        None if by == "tier" else reports.timeseries(since, until, bucket=bucket, by=by,
                                                     latency=False),
        reports.usage_and_costs(since, until, by=by)))
    charts = _usage_charts(by_tier) + (_group_charts(by_group) if by_group else [])
    return visit.render("usage.html", "usage", since=since_text, by=by, groups=USAGE_GROUPS,
                        bucket=bucket, currency=used.currency, charts=charts,
                        reports=[used, costs],
                        window=f"{iso_time(since)[:16]} to {iso_time(until)[:16]} UTC")


def _usage_charts(ts: Timeseries) -> list[Markup]:
    tiers = sorted(ts.series)

    def total(field: str) -> list[float | None]:
        return [sum(ts.series[t][field][i] or 0 for t in tiers) for i in range(len(ts.times))]

    return [
        line_chart("requests", "Requests, local and cloud", ts.times,
                   [Line(t, ts.series[t]["requests"]) for t in tiers]),
        line_chart("tokens", "Tokens, local and cloud", ts.times,
                   [Line(t, ts.series[t]["tokens"]) for t in tiers]),
        line_chart("cost", "Cost and what the same work would cost in the cloud", ts.times,
                   [Line("actual cost", total("cost")),
                    Line("cloud-equivalent", total("cost_equivalent"))]),
        line_chart("latency", "Latency p50 / p95 (ms)", ts.times,
                   [Line(f"{t} {p}", ts.series[t][f"{p}_ms"]) for t in tiers
                    for p in ("p50", "p95")], unit=" ms"),
    ]


def _group_charts(ts: Timeseries, top: int = 6) -> list[Markup]:
    """Requests and cost over time for the biggest groups (the rest summed as `other`)."""
    ranked = sorted(ts.series, key=lambda k: -sum(ts.series[k]["requests"]))
    shown, rest = ranked[:top], ranked[top:]

    def lines(field: str) -> list[Line]:
        out = [Line(k, ts.series[k][field]) for k in shown]
        if rest:
            out.append(Line("other", [sum(ts.series[k][field][i] for k in rest)
                                      for i in range(len(ts.times))]))
        return out

    return [line_chart("group-requests", f"Requests by {ts.by}", ts.times, lines("requests")),
            line_chart("group-cost", f"Cost by {ts.by}", ts.times, lines("cost"))]


async def breakeven(visit: Visit) -> Response:
    q = visit.request.query_params
    since_text = q.get("since") or "30d"
    by = q.get("by") or "rule"
    if by not in ("rule", "task"):
        raise InvalidRequest("Workloads are by rule or by task.", param="by")
    since, until = window(since_text, None)
    reports = visit.rt.reports
    result = await visit.rt.db.run(lambda: reports.breakeven(since, until, by=by))
    s, currency = result.summary, result.currency
    months = s.payback_months
    payback = ("nothing to pay back" if s.hardware_price == 0 else
               "never at this volume" if months is None else f"{months:.1f} months")
    return visit.render("breakeven.html", "breakeven", since=since_text, by=by, s=s,
                        currency=currency, hw=visit.rt.settings.economics.hardware,
                        workloads=result.workloads, payback=payback,
                        chart=_payback_chart(s, until),
                        money=lambda v: f"{v:,.2f} {currency}" if abs(v) >= 1 or v == 0
                        else f"{v:.4f} {currency}",
                        window=f"{iso_time(since)[:10]} to {iso_time(until)[:10]}")


def _payback_chart(s: Any, now: float) -> Markup | None:
    """Operating savings accumulated month by month against the hardware's price."""
    if s.hardware_price <= 0 or s.monthly_operating_savings <= 0:
        return None
    horizon = int(min(120, max(12, (s.payback_months or 12) * 1.5)))
    months = range(horizon + 1)
    return line_chart("payback", "Savings accumulated against the hardware price",
                      [now + m * MONTH for m in months],
                      [Line("operating savings", [m * s.monthly_operating_savings
                                                  for m in months]),
                       Line("hardware price", [s.hardware_price for _ in months])])
