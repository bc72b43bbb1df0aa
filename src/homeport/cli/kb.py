"""`homeport kb create|list|ingest|search|rm`: knowledge bases from the command line, on the
same data as a running server. Ingestion runs in the foreground with a progress bar; only the
embedding model is loaded (never the chat model)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator, Generator, Sequence
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from homeport.cli.chat import CLI_CALLER
from homeport.cli.main import cli, common_options, console
from homeport.errors import NotFound, UnsupportedFormat
from homeport.knowledge.jobs import FINISHED
from homeport.knowledge.parse import FORMATS, detect_format
from homeport.knowledge.search import MODES, Mode
from homeport.knowledge.service import Upload
from homeport.knowledge.store import KnowledgeBase, Passage
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.types import Caller, Sensitivity

POLL_S = 0.3
RETRY_CLAIM_S = 5.0  # while another process holds a file, look for abandoned ones this often
SNIPPET_CHARS = 160


@cli.group()
def kb() -> None:
    """Create knowledge bases, ingest files into them, search them, remove them."""


# --- create, list, rm ---

@kb.command("create")
@click.argument("name")
@click.option("--sensitivity", type=click.Choice([str(s) for s in Sensitivity]), default=None,
              help="Label of its content [default: knowledge.default_sensitivity].")
@click.option("--reader", "readers", multiple=True, metavar="TEAM_OR_key:ID",
              help="A team (or key:ID) that may read it besides the owning team (repeatable).")
@click.option("--team", default="cli", show_default=True, help="Team that owns it.")
@common_options
def create(settings: Settings, name: str, sensitivity: str | None, readers: tuple[str, ...],
           team: str) -> None:
    """Create the knowledge base NAME.

    Its documents are embedded with knowledge.embedding_model, whose provider must be cleared
    for the knowledge base's sensitivity."""
    label = Sensitivity.parse(sensitivity) if sensitivity else None
    caller = dataclasses.replace(CLI_CALLER, team=team)

    async def go() -> KnowledgeBase:
        async with _runtime(settings) as rt:
            await _start_embedder(rt, settings.knowledge.embedding_model)
            return await rt.knowledge.create(caller, name, label, readers)

    base = asyncio.run(go())
    readable = f", also readable by {', '.join(base.readers)}" if base.readers else ""
    console().print(f"created knowledge base [bold]{base.name}[/bold] ({base.id}): team "
                    f"{base.team}, {base.sensitivity}, embedded with {base.embed_model}"
                    f"{readable}")


@kb.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the knowledge bases as JSON.")
@common_options
def list_kbs(settings: Settings, as_json: bool) -> None:
    """List knowledge bases with their documents and chunks."""

    async def go() -> list[dict[str, Any]]:
        async with _runtime(settings) as rt:
            out = []
            for base in await rt.knowledge.readable(CLI_CALLER):
                docs = await rt.db.run(rt.knowledge.store.documents, base.id)
                out.append({**base.to_dict(), "documents": len(docs),
                            "chunks": sum(d.chunks for d in docs)})
            return out

    bases = asyncio.run(go())
    if as_json:
        click.echo(json.dumps({"object": "list", "data": bases}, indent=2))
        return
    if not bases:
        console(stderr=True).print("no knowledge bases; create one with "
                                   "`homeport kb create NAME`")
        return
    table = Table("name", "team", "sensitivity", "documents", "chunks", "readers")
    for b in bases:
        table.add_row(b["name"], b["team"], b["sensitivity"], str(b["documents"]),
                      str(b["chunks"]), ", ".join(b["readers"]))
    console().print(table)


@kb.command("rm")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@common_options
def remove(settings: Settings, name: str, yes: bool) -> None:
    """Delete the knowledge base NAME with all its documents."""

    async def go() -> KnowledgeBase:
        async with _runtime(settings) as rt:
            base = await _get(rt, CLI_CALLER, name)
            if not yes:
                docs = await rt.db.run(rt.knowledge.store.documents, base.id)
                click.confirm(f"Delete knowledge base {name!r} with its {len(docs)} documents "
                              f"({sum(d.chunks for d in docs)} chunks)?", abort=True,
                              err=True)
            return await rt.knowledge.delete(CLI_CALLER, name)

    base = asyncio.run(go())
    console().print(f"deleted knowledge base {base.name} ({base.id})")


# --- ingest ---

@kb.command("ingest")
@click.argument("name")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--recursive/--no-recursive", "-r", default=True, show_default=True,
              help="Walk the sub-folders of the folders given.")
@common_options
def ingest(settings: Settings, name: str, paths: tuple[Path, ...], recursive: bool) -> None:
    """Ingest files and folders (PATHS) into the knowledge base NAME, in the foreground.

    Folders are walked for supported files (hidden ones skipped); their documents are named by
    their path inside the folder, so the structure is kept. A file whose content did not
    change since the last ingestion is left as it is. Exits non-zero when a file failed."""
    files, skipped = collect(paths, recursive)
    err = console(stderr=True)
    if skipped:
        err.print(f"[dim]skipped {skipped} file(s) of unsupported types[/dim]")
    try:
        job = asyncio.run(_ingest(settings, name, files))
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: the files not yet ingested stay queued; a "
                                   "running server (`homeport serve`) finishes them") from None
    if _summary(job):
        raise SystemExit(1)


def collect(paths: Sequence[Path], recursive: bool) -> tuple[list[tuple[Path, str]], int]:
    """(file, document name) pairs to ingest, and how many files of a folder were skipped."""
    files: list[tuple[Path, str]] = []
    skipped = 0
    for path in paths:
        if not path.is_dir():
            try:  # a file named explicitly must be of a supported type
                detect_format(path.name)
            except UnsupportedFormat as e:
                raise click.ClickException(f"{path}: {e.message}") from None
            files.append((path, path.name))
            continue
        found = sorted(f for f in (path.rglob("*") if recursive else path.glob("*"))
                       if f.is_file() and not _hidden(f.relative_to(path)))
        for f in found:
            if f.suffix.lower() in FORMATS:
                files.append((f, f.relative_to(path).as_posix()))
            else:
                skipped += 1
    if not files:
        raise click.ClickException(f"no files to ingest in {', '.join(map(str, paths))}: "
                                   f"supported types are {', '.join(sorted(FORMATS))}")
    seen: dict[str, Path] = {}
    for f, source in files:
        if source in seen:
            raise click.ClickException(f"{seen[source]} and {f} would both be stored as "
                                       f"{source!r}; ingest them separately or rename one")
        seen[source] = f
    return files, skipped


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _uploads(files: Sequence[tuple[Path, str]]) -> Generator[Upload, None, None]:
    """One open file at a time: the service copies each before asking for the next."""
    for path, source in files:
        with path.open("rb") as f:
            yield Upload(source, f)


async def _ingest(settings: Settings, name: str,
                  files: Sequence[tuple[Path, str]]) -> dict[str, Any]:
    async with _runtime(settings) as rt:
        base = await _get(rt, CLI_CALLER, name)
        await _start_embedder(rt, base.embed_model)
        uploads = _uploads(files)
        try:
            job_id = await rt.knowledge.upload(CLI_CALLER, name, uploads)
        finally:
            uploads.close()
        return await _run_with_progress(rt, base, job_id)


async def _run_with_progress(rt: Runtime, base: KnowledgeBase, job_id: str) -> dict[str, Any]:
    """Work on the job until every file has finished (a server on the same data may take
    some of its files: those are waited for), showing files and chunks done."""
    loop = asyncio.get_running_loop()
    columns = (TextColumn("{task.description:<7}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console(stderr=True)) as bar:
        files_bar = bar.add_task("files", total=None)
        chunks_bar = bar.add_task("chunks", total=None)
        worker = asyncio.create_task(rt.knowledge.ingestor.run_job(job_id))
        started = loop.time()
        try:
            while True:
                job = await rt.db.run(rt.knowledge.jobs.get, base.id, job_id)
                p = job["progress"]
                bar.update(files_bar, completed=p["files_done"], total=p["files"])
                bar.update(chunks_bar, completed=p["chunks_done"], total=p["chunks"] or None)
                if worker.done():
                    worker.result()  # raises what the worker raised
                    if all(f["status"] in FINISHED for f in job["files"]):
                        return job
                    if loop.time() - started > RETRY_CLAIM_S:  # claim abandoned files
                        worker = asyncio.create_task(rt.knowledge.ingestor.run_job(job_id))
                        started = loop.time()
                await asyncio.sleep(POLL_S)
        finally:
            if not worker.done():
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker


def _summary(job: dict[str, Any]) -> int:
    """Print what became of each file; returns how many failed."""
    out = console()
    by: dict[str, list[dict[str, Any]]] = {}
    for f in job["files"]:
        by.setdefault(f["status"], []).append(f)
    done, failed = by.get("done", []), by.get("failed", [])
    parts = [f"{len(done)} ingested ({sum(f['chunks'] for f in done)} chunks)",
             f"{len(by.get('unchanged', []))} unchanged", f"{len(failed)} failed"]
    if by.get("cancelled"):
        parts.append(f"{len(by['cancelled'])} cancelled")
    out.print(f"{job['id']}: " + ", ".join(parts))
    for f in failed:
        out.print(f"[red]failed[/red] {f['name']}: {f['error']}", highlight=False)
    return len(failed)


# --- search ---

@kb.command("search")
@click.argument("name")
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(1, 100), default=5, show_default=True,
              help="Passages to return.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True,
              help="Full-text (bm25), vectors (dense) or both fused (hybrid).")
@click.option("--json", "as_json", is_flag=True, help="Print the passages as JSON.")
@common_options
def search(settings: Settings, name: str, query: str, k: int, mode: Mode,
           as_json: bool) -> None:
    """Search the knowledge base NAME for QUERY."""

    async def go() -> list[Passage]:
        async with _runtime(settings) as rt:
            base = await _get(rt, CLI_CALLER, name)
            if mode != "bm25":
                await _start_embedder(rt, base.embed_model)
            return (await rt.knowledge.search(CLI_CALLER, [name], query, k, mode)).passages

    passages = asyncio.run(go())
    if as_json:
        click.echo(json.dumps({"object": "list", "results": [
            {"rank": i, "score": p.score, "source": p.source, "title": p.title,
             "location": p.location(), "text": p.text, "document_id": p.document_id,
             "chunk_id": p.chunk_id} for i, p in enumerate(passages, start=1)]}, indent=2))
        return
    if not passages:
        console(stderr=True).print(f"nothing in {name!r} matches {query!r}")
        return
    table = Table("#", "score", "source", "location", "text")
    for i, p in enumerate(passages, start=1):
        table.add_row(str(i), f"{p.score:.4f}", p.source, location(p), snippet(p.text))
    console().print(table)


def location(p: Passage) -> str:
    loc = p.location()
    parts = [f"p. {loc['page']}"] if "page" in loc else []
    parts += loc.get("headings", [])
    return " › ".join(parts) or f"offset {p.offset}"


def snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[:SNIPPET_CHARS - 1] + "…"


# --- shared ---

@contextlib.asynccontextmanager
async def _runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """A runtime on the migrated database; nothing loaded until a command asks for it."""
    rt = Runtime(settings)
    try:
        await asyncio.to_thread(rt.db.migrate)
        yield rt
    finally:
        await rt.stop()


async def _start_embedder(rt: Runtime, model: str) -> None:
    """Load only the provider of the embedding `model` (not the chat model)."""
    await rt.registry.providers[rt.registry.resolve(model, "embedding").provider].start()


async def _get(rt: Runtime, caller: Caller, name: str) -> KnowledgeBase:
    try:
        return await rt.knowledge.get(caller, name)
    except NotFound:
        raise click.ClickException(f"no knowledge base {name!r}; list them with "
                                   "`homeport kb list`") from None
