"""`homeport serve`: the API server on uvicorn (uvloop + httptools, with the deadlines of
cli/protocol.py)."""

from __future__ import annotations

import signal
import socket
import sys

import click
import uvicorn

from homeport.app import create_app
from homeport.cli.main import cli, common_options
from homeport.cli.protocol import timed_protocol
from homeport.errors import ConfigError
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.telemetry.logs import configure_logging


@cli.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to bind (default 8080; 0 = any free).")
@common_options
def serve(settings: Settings) -> None:
    """Start the API server. Models load in the background; /readyz turns 200 when ready."""
    configure_logging(settings.telemetry, settings.log_level)
    servers: list[uvicorn.Server] = []

    def stop() -> None:  # loading the models failed
        for server in servers:
            server.should_exit = True

    runtime = Runtime(settings, on_fatal=stop)
    for provider in runtime.registry.providers.values():
        check = getattr(provider, "verify", None)
        if check is not None:  # fail at start, not later, when a model file is wrong
            try:
                check()
            except ConfigError as e:
                raise click.ClickException(str(e)) from e
    new_key = runtime.prepare()
    if new_key:
        click.secho("Generated an admin API key. It is shown only this once; store it now:",
                    fg="yellow", err=True)
        click.echo(f"  HOMEPORT_ADMIN_KEY={new_key}", err=True)
    sock = _bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(
        create_app(settings, runtime), loop="uvloop", lifespan="on",
        # httptools, with deadlines for headers and bodies and a header size limit (protocol.py)
        http=timed_protocol(settings.header_timeout_s, settings.body_timeout_s),
        timeout_keep_alive=5,  # idle between requests
        access_log=False, log_level=settings.log_level.lower(), log_config=None,
        timeout_graceful_shutdown=30,
        proxy_headers=False))
    servers.append(server)
    display = f"[{host}]" if ":" in host else host
    click.echo(f"Homeport {settings.data_dir} serving at http://{display}:{port}/v1", err=True)
    # uvicorn re-raises the signal that stopped it; after a graceful shutdown, exit 0 instead.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    server.run(sockets=[sock])  # not asyncio.run(server.serve()): that would skip uvloop
    if runtime.startup_error:
        click.echo(f"Error: {runtime.startup_error}", err=True)
        sys.exit(1)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: the event loop sets TCP_NODELAY on accepted connections only when the
    # listening socket says TCP; without it Nagle + delayed ACKs add ~40 ms to responses.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror}. "
                                   "Is another server running? Choose another --port.") from e
    sock.set_inheritable(True)
    return sock
