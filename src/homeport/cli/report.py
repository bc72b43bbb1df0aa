"""`homeport report usage|costs|breakeven`: the request ledger as tables, JSON or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import click
import orjson
from rich.table import Table

from homeport.cli.main import cli, common_options, console
from homeport.economics.breakeven import WORKLOAD_GROUPS, Breakeven
from homeport.economics.reports import GROUPS, Report, Reports, fmt, iso, window
from homeport.errors import InvalidRequest
from homeport.settings import Settings
from homeport.storage.db import Database

FORMATS = ("table", "json", "csv")


def _reports(settings: Settings) -> Reports:
    db = Database(settings.url())
    db.migrate()
    return Reports(db, settings)


def window_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("--since", default="30d", show_default=True,
                     help="Start: a duration ago (30d, 12h, 2w) or an ISO date/time (UTC)."),
        click.option("--until", default=None, help="End (exclusive), as --since. Default: now."),
        click.option("--team", default=None, help="Only this team's requests."),
        click.option("--format", "fmt_", type=click.Choice(FORMATS), default="table",
                     show_default=True, help="Output format."),
    ]):
        fn = option(fn)
    return fn


@cli.group()
def report() -> None:
    """Usage, cost and break-even reports over the request ledger."""


@report.command()
@click.option("--by", type=click.Choice(GROUPS), default="team", show_default=True)
@window_options
@common_options
def usage(settings: Settings, by: str, since: str, until: str | None, team: str | None,
          fmt_: str) -> None:
    """Requests, errors, tokens, latency p50/p95 and share served locally."""
    start, end = _window(since, until)
    _print_report(_reports(settings).usage(start, end, by, team), fmt_)


@report.command()
@click.option("--by", type=click.Choice(GROUPS), default="team", show_default=True)
@window_options
@common_options
def costs(settings: Settings, by: str, since: str, until: str | None, team: str | None,
          fmt_: str) -> None:
    """Cost, cloud-equivalent cost and what local serving saved."""
    start, end = _window(since, until)
    _print_report(_reports(settings).costs(start, end, by, team), fmt_)


@report.command()
@click.option("--by", type=click.Choice(WORKLOAD_GROUPS), default="rule", show_default=True,
              help="What a workload is.")
@window_options
@common_options
def breakeven(settings: Settings, by: str, since: str, until: str | None, team: str | None,
              fmt_: str) -> None:
    """Months to pay back the hardware at the observed volume, and per workload whether it
    belongs local or in the cloud (CSV: the workloads)."""
    start, end = _window(since, until)
    _print_breakeven(_reports(settings).breakeven(start, end, by, team), fmt_)


def _print_report(r: Report, fmt_: str) -> None:
    if fmt_ == "json":
        click.echo(orjson.dumps(r.to_dict(), option=orjson.OPT_INDENT_2).decode())
    elif fmt_ == "csv":
        click.echo(r.to_csv(), nl=False)
    else:
        title = (f"{r.name} by {r.by}, {_day(r.since)} to {_day(r.until)}"
                 + (f", team {r.team}" if r.team else "") + f" ({r.currency})")
        table = Table(*r.header(), title=title)
        rows = r.table_rows()
        for i, row in enumerate(rows):
            table.add_row(*row, style="bold" if i == len(rows) - 1 else None)
        console().print(table)


WORKLOAD_COLUMNS = ("workload", "requests", "requests_per_day", "cv", "monthly_cloud_cost",
                    "task", "regulated", "recommendation", "reasons")


def _print_breakeven(b: Breakeven, fmt_: str) -> None:
    data = b.to_dict()
    if fmt_ == "json":
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    if fmt_ == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(WORKLOAD_COLUMNS)
        for a in data["workloads"]:
            w.writerow(["" if a[c] is None else "; ".join(a[c]) if c == "reasons" else a[c]
                        for c in WORKLOAD_COLUMNS])
        click.echo(buf.getvalue(), nl=False)
        return
    out = console()
    s = data["summary"]
    summary = Table("", "per month", title=(
        f"break-even on {b.hardware}, {_day(b.since)} to {_day(b.until)} ({b.currency})"))
    for label, key in (("cloud-equivalent of local work", "monthly_cloud_equivalent"),
                       ("energy", "monthly_energy"),
                       ("fixed (amortisation, idle, operations)", "monthly_fixed"),
                       ("local cost", "monthly_local_cost"), ("savings", "monthly_savings"),
                       ("savings before amortisation", "monthly_operating_savings")):
        summary.add_row(label, fmt("cost", s[key]))
    out.print(summary)
    payback = s["payback_months"]
    if payback is None:
        pays = "never pays back (no savings before amortisation)"
    elif s["hardware_price"] == 0:
        pays = "no hardware price to pay back"
    else:
        pays = f"pays back in {payback:.1f} months"
    out.print(f"hardware price {fmt('cost', s['hardware_price'])}: {pays}"
              + f"; saved so far {fmt('cost', s['savings_so_far'])} over "
              f"{s['local_requests']:,} local requests")
    table = Table(b.by, "req/day", "cv", "cloud/month", "task", "regulated", "recommend",
                  "reasons", title=f"workloads by {b.by}")
    for a in b.workloads:
        table.add_row(a.workload or "(none)", f"{a.requests_per_day:,.1f}",
                      "–" if a.cv is None else f"{a.cv:.2f}", fmt("cost", a.monthly_cloud_cost),
                      a.task or "unknown", "yes" if a.regulated else "no", a.recommendation,
                      "\n".join(a.reasons))
    out.print(table)


def _window(since: str, until: str | None) -> tuple[float, float]:
    try:
        return window(since, until)
    except InvalidRequest as e:
        raise click.BadParameter(e.message, param_hint=f"--{e.param}") from e


def _day(ts: float) -> str:
    return iso(ts)[:16].replace("T", " ")
