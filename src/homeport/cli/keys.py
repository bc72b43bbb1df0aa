"""`homeport keys create|list|set|revoke`: API keys, stored hashed; a new key is shown once.
Every change is recorded in the audit log (actor "cli")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click
from rich.table import Table

from homeport.cli.main import cli, common_options, console
from homeport.governance.admin import Admin
from homeport.governance.audit import AuditLog
from homeport.governance.keys import ROLES, KeyStore
from homeport.governance.teams import LIMIT_FIELDS, MAX_RATE, TeamStore
from homeport.routing.rules import RuleStore
from homeport.settings import Settings
from homeport.storage.db import Database

CLI_ACTOR = "cli"


def admin(settings: Settings) -> Admin:
    db = Database(settings.url())
    db.migrate()
    rules = RuleStore(db, settings)
    rules.refresh()
    return Admin(db, KeyStore(db), TeamStore(db), AuditLog(db), settings.model_names, rules)


def limit_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--budget, --period, --on-exhausted, --rpm, --tpm (for teams and keys)."""
    options = [
        click.option("--budget", type=click.FloatRange(min=0), default=None,
                     help="Cloud spend allowed per period (currency)."),
        click.option("--period", "budget_period", type=click.Choice(["day", "week", "month"]),
                     default=None, help="Budget period (calendar, UTC; default month)."),
        click.option("--on-exhausted", type=click.Choice(["local", "reject"]), default=None,
                     help="When the budget is spent: local models only, or 429."),
        click.option("--rpm", type=click.IntRange(1, MAX_RATE), default=None,
                     help="Requests per minute."),
        click.option("--tpm", type=click.IntRange(1, MAX_RATE), default=None,
                     help="Tokens per minute (prompt + completion)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


clear_option = click.option(
    "--clear", "cleared", multiple=True, type=click.Choice(LIMIT_FIELDS),
    help="Remove a limit (repeatable).")


def limit_changes(cleared: tuple[str, ...], **limits: Any) -> dict[str, Any]:
    """The limits given as options, and those to clear (None)."""
    return {k: v for k, v in limits.items() if v is not None} | dict.fromkeys(cleared)


@cli.group()
def keys() -> None:
    """Create, list, change and revoke API keys."""


@keys.command("create")
@click.option("--team", required=True, help="Team the key belongs to (created if new).")
@click.option("--name", default="", help="A label to recognise the key by.")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("member",),
              show_default=True, help="Role (repeatable).")
@click.option("--model", "models", multiple=True, help="A model the key may use (repeatable; "
              "default: any).")
@click.option("--kb", "kbs", multiple=True, help="A knowledge base the key may read "
              "(repeatable; default: any its team may read).")
@limit_options
@common_options
def create(settings: Settings, team: str, name: str, roles: tuple[str, ...],
           models: tuple[str, ...], kbs: tuple[str, ...], **limits: Any) -> None:
    """Create a key and print it (the only time it is shown)."""
    key, info = admin(settings).create_key(
        CLI_ACTOR, team, name, tuple(roles), allowed_models=list(models) or None,
        allowed_kbs=list(kbs) or None, **limit_changes((), **limits))
    click.echo(key)
    click.echo(f"id={info.id} team={info.team} roles={','.join(info.roles)} "
               "(store the key now: only its hash is kept)", err=True)


@keys.command("set")
@click.argument("key_id")
@click.option("--model", "models", multiple=True, help="Allowed model (repeatable; replaces "
              "the list).")
@click.option("--any-model", is_flag=True, help="Allow every model again.")
@click.option("--kb", "kbs", multiple=True, help="Allowed knowledge base (repeatable; "
              "replaces the list).")
@click.option("--any-kb", is_flag=True, help="Allow every readable knowledge base again.")
@clear_option
@limit_options
@common_options
def set_key(settings: Settings, key_id: str, models: tuple[str, ...], any_model: bool,
            kbs: tuple[str, ...], any_kb: bool, cleared: tuple[str, ...], **limits: Any) -> None:
    """Change a key's allowed models, knowledge bases or limits."""
    changes = limit_changes(cleared, **limits)
    if models or any_model:
        changes["allowed_models"] = None if any_model else list(models)
    if kbs or any_kb:
        changes["allowed_kbs"] = None if any_kb else list(kbs)
    if not changes:
        raise click.UsageError("nothing to change: give --model, --kb, a limit or --clear")
    info = admin(settings).update_key(CLI_ACTOR, key_id, **changes)
    click.echo(f"updated {info.id} (team {info.team})")


@keys.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked keys.")
@click.option("--team", default=None, help="Only this team's keys.")
@common_options
def list_keys(settings: Settings, include_revoked: bool, team: str | None) -> None:
    """List keys (prefix, team, roles, scope, limits, dates); never the keys themselves."""
    table = Table("id", "prefix", "name", "team", "roles", "models", "kbs", "budget", "rpm",
                  "tpm", "created", "revoked")
    for k in admin(settings).keys.list(include_revoked, team):
        lim = k.limits
        table.add_row(k.id, k.prefix + "…", k.name, k.team, ",".join(k.roles),
                      ",".join(k.allowed_models) if k.allowed_models is not None else "any",
                      ",".join(k.allowed_kbs) if k.allowed_kbs is not None else "any",
                      lim.budget_text(), _n(lim.rpm), _n(lim.tpm),
                      _date(k.created_at), _date(k.revoked_at))
    console().print(table)


@keys.command()
@click.argument("key_id")
@common_options
def revoke(settings: Settings, key_id: str) -> None:
    """Revoke a key by id (key_...) or prefix (hp-...). A running server stops accepting it
    within key_cache_ttl_s seconds."""
    info = admin(settings).revoke_key(CLI_ACTOR, key_id)
    click.echo(f"revoked {info.id} ({info.prefix}…, team {info.team})")


def _n(v: int | None) -> str:
    return "" if v is None else str(v)


def _date(ts: float | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
