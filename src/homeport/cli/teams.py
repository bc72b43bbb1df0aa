"""`homeport teams create|list|set|rm`: teams with their budgets and rate limits."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from homeport.cli.keys import CLI_ACTOR, admin, clear_option, limit_changes, limit_options
from homeport.cli.main import cli, common_options, console
from homeport.settings import Settings


@cli.group()
def teams() -> None:
    """Create, list, change and remove teams."""


@teams.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the team is.")
@limit_options
@common_options
def create(settings: Settings, name: str, description: str, **limits: Any) -> None:
    """Create a team, optionally with a budget and rate limits."""
    team = admin(settings).create_team(CLI_ACTOR, name, description,
                                       **limit_changes((), **limits))
    click.echo(f"created team {team.name}")


@teams.command("set")
@click.argument("name")
@click.option("--description", default=None, help="What the team is.")
@clear_option
@limit_options
@common_options
def set_team(settings: Settings, name: str, description: str | None, cleared: tuple[str, ...],
             **limits: Any) -> None:
    """Change a team's description, budget or rate limits. A running server applies it within
    governance.key_limits_ttl_s seconds."""
    changes = limit_changes(cleared, **limits)
    if not changes and description is None:
        raise click.UsageError("nothing to change: give --description, a limit or --clear")
    admin(settings).update_team(CLI_ACTOR, name, description, **changes)
    click.echo(f"updated team {name}")


@teams.command("list")
@common_options
def list_teams(settings: Settings) -> None:
    """List teams and their limits."""
    table = Table("team", "description", "budget", "on exhausted", "rpm", "tpm")
    for t in admin(settings).teams.list():
        lim = t.limits
        table.add_row(t.name, t.description, lim.budget_text(),
                      lim.on_exhausted or "", str(lim.rpm or ""), str(lim.tpm or ""))
    console().print(table)


@teams.command("rm")
@click.argument("name")
@common_options
def remove(settings: Settings, name: str) -> None:
    """Remove a team that has no active keys."""
    admin(settings).delete_team(CLI_ACTOR, name)
    click.echo(f"removed team {name}")
