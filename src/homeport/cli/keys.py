"""`homeport keys create|list|revoke`: API keys, stored hashed; a new key is shown once."""

from __future__ import annotations

import datetime as dt

import click
from rich.table import Table

from homeport.cli.main import cli, common_options, console
from homeport.governance.keys import ROLES, KeyStore
from homeport.settings import Settings
from homeport.storage.db import Database


def _store(settings: Settings) -> KeyStore:
    db = Database(settings.url())
    db.migrate()
    return KeyStore(db)


@cli.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@click.option("--team", required=True, help="Team the key belongs to.")
@click.option("--name", default="", help="A label to recognise the key by.")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("member",),
              show_default=True, help="Role (repeatable).")
@common_options
def create(settings: Settings, team: str, name: str, roles: tuple[str, ...]) -> None:
    """Create a key and print it (the only time it is shown)."""
    key, info = _store(settings).create(team, name, tuple(roles))
    click.echo(key)
    click.echo(f"id={info.id} team={info.team} roles={','.join(info.roles)} "
               "(store the key now: only its hash is kept)", err=True)


@keys.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked keys.")
@common_options
def list_keys(settings: Settings, include_revoked: bool) -> None:
    """List keys (prefix, team, roles, dates); never the keys themselves."""
    table = Table("id", "prefix", "name", "team", "roles", "created", "revoked")
    for k in _store(settings).list(include_revoked):
        table.add_row(k.id, k.prefix + "…", k.name, k.team, ",".join(k.roles), _date(k.created_at),
                      _date(k.revoked_at))
    console().print(table)


@keys.command()
@click.argument("key_id")
@common_options
def revoke(settings: Settings, key_id: str) -> None:
    """Revoke a key by id (key_...) or prefix (hp-...). A running server stops accepting it
    within key_cache_ttl_s seconds."""
    info = _store(settings).revoke(key_id)
    click.echo(f"revoked {info.id} ({info.prefix}…, team {info.team})")


def _date(ts: float | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
