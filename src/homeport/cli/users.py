"""`homeport users create|list|passwd|rm`: people who log in to the web UI with a username and
password. Each user acts through a key of their own (team, role, models, knowledge bases and
limits; change them with `homeport keys set`)."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from homeport.cli.keys import CLI_ACTOR, admin
from homeport.cli.main import cli, common_options, console
from homeport.governance.keys import ROLES
from homeport.settings import Settings


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@cli.group()
def users() -> None:
    """Create, list and remove web UI users; set their passwords."""


@users.command("create")
@click.argument("name")
@click.option("--team", required=True, help="Team the user belongs to (created if new).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("member",),
              show_default=True, help="Role (repeatable).")
@click.option("--model", "models", multiple=True, help="A model the user may use "
              "(repeatable; default: any).")
@click.option("--kb", "kbs", multiple=True, help="A knowledge base the user may read "
              "(repeatable; default: any the team may read).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input "
              "instead of asking for it.")
@common_options
def create(settings: Settings, name: str, team: str, roles: tuple[str, ...],
           models: tuple[str, ...], kbs: tuple[str, ...], password_stdin: bool) -> None:
    """Create a user who logs in with NAME and a password (at least 10 characters)."""
    user = admin(settings).create_user(CLI_ACTOR, name, _password(password_stdin), team,
                                       tuple(roles), allowed_models=list(models) or None,
                                       allowed_kbs=list(kbs) or None)
    click.echo(f"created user {user.name} (team {user.team}, key {user.key_id})")


@users.command("list")
@common_options
def list_users(settings: Settings) -> None:
    """List users, their teams, roles and keys."""
    table = Table("user", "team", "roles", "key", "active")
    for u in admin(settings).users.all():
        table.add_row(u.name, u.team, ",".join(u.roles), u.key_id, "yes" if u.active else "no")
    console().print(table)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@common_options
def passwd(settings: Settings, name: str, password_stdin: bool) -> None:
    """Set a user's password (their open sessions end)."""
    admin(settings).set_password(CLI_ACTOR, name, _password(password_stdin))
    click.echo(f"password of {name} changed")


@users.command("rm")
@click.argument("name")
@common_options
def remove(settings: Settings, name: str) -> None:
    """Remove a user and revoke their key (their sessions end)."""
    admin(settings).delete_user(CLI_ACTOR, name)
    click.echo(f"removed user {name}")
