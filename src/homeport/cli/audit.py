"""`homeport audit verify|export`: check the hash chain, hand the log to an auditor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from homeport.cli.main import cli, common_options
from homeport.errors import InvalidRequest
from homeport.governance.audit import FORMATS, KINDS, AuditLog
from homeport.settings import Settings
from homeport.storage.db import Database
from homeport.times import parse_time


class TimeParam(click.ParamType[float]):
    """An ISO date or datetime (UTC unless it says otherwise), or a time ago: 30m, 24h, 7d."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        try:
            return parse_time(str(value), param=param.name if param and param.name else "time")
        except InvalidRequest as e:
            self.fail(e.message, param, ctx)


def _log(settings: Settings) -> AuditLog:
    db = Database(settings.url())
    db.migrate()
    return AuditLog(db)


@cli.group()
def audit() -> None:
    """Verify and export the tamper-evident audit log."""


@audit.command()
@common_options
def verify(settings: Settings) -> None:
    """Check every record's hash and link; exit 1 naming the first bad record."""
    result = _log(settings).verify()
    click.echo(str(result))
    if not result.ok:
        sys.exit(1)


@audit.command()
@click.option("--since", type=TimeParam(), default=None,
              help="From this time: 2024-05-01, 2024-05-01T12:00:00Z, or ago: 30m, 24h, 7d.")
@click.option("--until", type=TimeParam(), default=None, help="Before this time (same forms).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Only these kinds (repeatable). Default: all.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to this file instead of stdout.")
@common_options
def export(settings: Settings, since: float | None, until: float | None,
           kinds: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Export records in seq order, with their hashes (so the export can be re-verified)."""
    log = _log(settings)
    if output is None:
        count = log.export(since, until, kinds, fmt, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as out:
            count = log.export(since, until, kinds, fmt, out)
    click.echo(f"exported {count} records", err=True)
