"""`homeport memory export|forget`: everything held about a user (long-term memories in every
team, stored conversations), exported as JSON or erased."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from homeport.cli.main import cli, common_options, console
from homeport.memory.longterm import check_user
from homeport.runtime import Runtime
from homeport.settings import Settings

T = TypeVar("T")


@cli.group()
def memory() -> None:
    """Export or erase what is held about a user (access and erasure requests)."""


@memory.command("export")
@click.option("--user", required=True, help="The user, as sent in requests' `user` field.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              default=None, help="Write the JSON to this file instead of standard output.")
@common_options
def export(settings: Settings, user: str, out: Path | None) -> None:
    """Export USER's memories and stored conversations as JSON."""
    check_user(user)
    data = _run(settings, lambda rt: rt.memory.export(user))
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if out is None:
        click.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    console(stderr=True).print(f"wrote {len(data['memories'])} memories and "
                               f"{len(data['conversations'])} conversations of {user!r} to "
                               f"{out}", highlight=False)


@memory.command("forget")
@click.option("--user", required=True, help="The user, as sent in requests' `user` field.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@common_options
def forget(settings: Settings, user: str, yes: bool) -> None:
    """Erase USER's memories (in every team) and stored conversations."""
    check_user(user)
    if not yes:
        click.confirm(f"Erase every memory and stored conversation of user {user!r}?",
                      abort=True, err=True)
    erased = _run(settings, lambda rt: rt.memory.forget(user))
    console().print(f"erased {erased['memories']} memories and {erased['conversations']} "
                    f"conversations of user {user!r}", highlight=False)


def _run(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """`work` on a runtime over the migrated database (no model is loaded)."""

    async def go() -> T:
        rt = Runtime(settings)
        try:
            await asyncio.to_thread(rt.db.migrate)
            return await work(rt)
        finally:
            await rt.stop()

    return asyncio.run(go())

