"""`homeport doctor`: check model files, llama.cpp, the embedder, the database, the port, and
report CPU, RAM and GPU. Exits 1 when a check fails."""

from __future__ import annotations

import asyncio
import functools
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import psutil
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from rich.table import Table

from homeport.cli.main import cli, common_options, console
from homeport.providers.embedder import EmbedderProvider
from homeport.providers.llamacpp import LlamaCppProvider
from homeport.providers.registry import Registry
from homeport.routing.dispatch import smoke_test
from homeport.settings import Settings
from homeport.storage.db import _MIGRATIONS, Database

Check = tuple[str, bool, str]


@cli.command()
@common_options
def doctor(settings: Settings) -> None:
    """Check that this machine can run Homeport with this configuration."""
    err = console(stderr=True)
    registry = Registry(settings)
    steps: list[tuple[str, Callable[[], Check]]] = []
    for p in registry.providers.values():
        if isinstance(p, LlamaCppProvider | EmbedderProvider):
            steps.append((f"hash {p.name}", functools.partial(_files, p)))
            steps.append((f"load {p.name}", functools.partial(_load, p)))
    steps += [("database", lambda: _database(settings)), ("port", lambda: _port(settings))]
    results: list[Check] = []
    with err.status("") as status:
        for label, step in steps:
            status.update(f"checking {label}…")
            try:
                results.append(step())
            except Exception as e:  # a check that crashes is a failed check
                results.append((label, False, f"{type(e).__name__}: {e}"))
    table = Table("check", "", "detail")
    for name, ok, detail in results:
        table.add_row(name, "[green]ok[/green]" if ok else "[red]FAIL[/red]", detail)
    for name, detail in _system():
        table.add_row(name, "[blue]info[/blue]", detail)
    console().print(table)
    if not all(ok for _, ok, _ in results):
        sys.exit(1)


def _files(p: Any) -> Check:
    t = time.perf_counter()
    p.verify()
    files = [str(p.model_file()[0])] if isinstance(p, LlamaCppProvider) else \
        [str(path) for path, _ in p.model_files()]
    return (f"{p.name}: model files", True,
            f"SHA-256 verified in {time.perf_counter() - t:.1f}s: {', '.join(files)}")


def _load(p: Any) -> Check:
    async def run() -> str:
        t = time.perf_counter()
        await p.start()
        loaded = time.perf_counter() - t
        try:
            if isinstance(p, LlamaCppProvider):
                text = await smoke_test(p, "local", "chat")
                return f"llama.cpp loaded in {loaded:.1f}s; generated {text.strip()!r}"
            return f"loaded in {loaded:.1f}s; {await smoke_test(p, p.name, 'embedding')}"
        finally:
            await p.close()

    return (f"{p.name}: runs", True, asyncio.run(run()))


def _database(settings: Settings) -> Check:
    db = Database(settings.url())
    try:
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        url = db.engine.url.render_as_string(hide_password=True)
        if current != head:
            return ("database", True, f"{url}: schema {current or 'empty'}, newest "
                    f"{head} (created/upgraded on the next start)")
        return ("database", True, f"{url}: schema at {head}")
    finally:
        db.close()


def _port(settings: Settings) -> Check:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((settings.host, settings.port))
            return ("port", True, f"{settings.host}:{settings.port} is free")
        except OSError:
            pass
    try:
        url = f"http://{settings.host}:{settings.port}/healthz"
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                return ("port", True, f"{settings.host}:{settings.port}: Homeport is running")
    except OSError:
        pass
    return ("port", False, f"{settings.host}:{settings.port} is taken by another program")


def _system() -> list[tuple[str, str]]:
    mem = psutil.virtual_memory()
    out = [("cpu", f"{os.cpu_count()} cores, {platform.machine()}, {platform.processor() or ''}"
            .rstrip(", ")),
           ("ram", f"{mem.total / 2**30:.1f} GiB total, {mem.available / 2**30:.1f} GiB free")]
    gpu = "none found"
    if shutil.which("nvidia-smi"):
        r = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
                           capture_output=True, text=True, timeout=10)
        gpu = r.stdout.strip().replace("\n", "; ") or "nvidia-smi found no GPU"
    try:
        import llama_cpp

        offload = "yes" if llama_cpp.llama_supports_gpu_offload() else "no (CPU build)"
    except Exception:
        offload = "unknown"
    out.append(("gpu", f"{gpu}; llama.cpp GPU offload: {offload}"))
    return out
