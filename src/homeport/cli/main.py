"""`homeport` command line. Every command takes --data-dir and --config (or HOMEPORT_DATA_DIR /
HOMEPORT_CONFIG) and works beside a running server on the same data."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from homeport import __version__
from homeport.errors import ConfigError, HomeportError
from homeport.settings import Settings, load_settings


def common_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--data-dir and --config, resolved into a `settings` argument."""

    @click.option("--data-dir", type=click.Path(path_type=Path), default=None,
                  help="Data directory (database, generated files). Env: HOMEPORT_DATA_DIR.")
    @click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
                  help="YAML configuration file. Env: HOMEPORT_CONFIG.")
    @functools.wraps(fn)
    def wrapper(data_dir: Path | None, config_file: Path | None, **kwargs: Any) -> Any:
        flags = {k: kwargs.pop(k) for k in ("host", "port") if k in kwargs}
        settings = settings_or_exit(config_file, data_dir=data_dir, **flags)
        logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)
        try:
            return fn(settings, **kwargs)
        except (HomeportError, ConfigError) as e:
            raise click.ClickException(getattr(e, "message", str(e))) from e

    return wrapper


def console(stderr: bool = False) -> Console:
    """Rich output; when piped, wide enough that tables are not cut."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else 200)


def settings_or_exit(config: Path | None, **flags: Any) -> Settings:
    try:
        return load_settings(config, **flags)
    except ConfigError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)


@click.group()
@click.version_option(__version__, prog_name="homeport")
def cli() -> None:
    """Homeport: a self-hosted AI platform with an OpenAI-compatible API."""


def main() -> None:
    from homeport.cli import (  # noqa: F401  (register commands)
        audit,
        chat,
        doctor,
        kb,
        keys,
        memory,
        models,
        report,
        route,
        serve,
        teams,
        users,
    )

    cli()
