"""The ingestion worker: claims files from the durable job queue and makes them searchable.

Per file: hash (unchanged content is a no-op) -> parse and chunk in a worker process (the
pieces go to a JSONL file on disk, so memory stays bounded) -> embed in batches, each batch
stored with the file's progress in one transaction -> publish the new version atomically.
A crash loses at most the batch in flight: the file is claimed again (its heartbeat goes
stale) and resumes after the last stored chunk, since chunking is deterministic.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from homeport.knowledge.extract import Extracted, extract
from homeport.knowledge.jobs import FileTask, JobStore
from homeport.knowledge.parse import ParseError, UnsupportedFormat, detect_format
from homeport.knowledge.store import KnowledgeBase, KnowledgeStore, NewChunk
from homeport.settings import KnowledgeConfig

log = logging.getLogger(__name__)
HEARTBEAT_S = 10.0
EmbedBatch = Callable[[KnowledgeBase, list[str]], Awaitable[np.ndarray]]


class Cancelled(Exception):
    pass


@dataclass(slots=True)
class Progress:
    """What the worker has done since it started (for benchmarks and the CLI)."""

    files: int = 0
    chunks: int = 0
    bytes: int = 0
    embed_s: float = 0.0


class Ingestor:
    def __init__(self, store: KnowledgeStore, jobs: JobStore, embed: EmbedBatch,
                 cfg: KnowledgeConfig, work_dir: Path, tokenizer: Path):
        self.store = store
        self.jobs = jobs
        self.embed = embed
        self.cfg = cfg
        self.work_dir = work_dir
        self.tokenizer = tokenizer
        self.progress = Progress()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Workers that drain the queue for as long as the server runs."""
        for i in range(self.cfg.ingest_workers):
            self._tasks.append(asyncio.create_task(self._serve(), name=f"ingest-{i}"))

    def wake(self) -> None:
        self._wake.set()

    async def run_job(self, job_id: str) -> None:
        """Process one job's files to the end (the CLI's foreground ingestion)."""
        await asyncio.gather(*(self._drain(job_id) for _ in range(self.cfg.ingest_workers)))

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def _serve(self) -> None:
        while True:
            try:
                worked = await self._drain(None)
            except Exception:  # the database was briefly unavailable: retry soon
                log.exception("ingestion worker failed; retrying")
                worked = False
            if not worked:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), HEARTBEAT_S)

    async def _drain(self, job_id: str | None) -> bool:
        worked = False
        while (task := await self.store.db.run(self.jobs.claim, job_id)) is not None:
            worked = True
            await self._ingest(task)
        return worked

    async def _ingest(self, task: FileTask) -> None:
        run = self.store.db.run
        kb = await run(self.store.get, task.kb_id)
        jsonl = self.work_dir / f"{task.id}.jsonl"
        try:
            if kb is None:
                raise Cancelled()
            status, doc_id = await self._process(kb, task, jsonl)
            await run(self.jobs.finish, task, status, None, doc_id)
            self._cleanup(task, jsonl)
        except Cancelled:
            await self._abandon(kb, task, "cancelled", None, jsonl)
        except (ParseError, UnsupportedFormat, OSError) as e:
            reason = getattr(e, "message", None) or str(e)
            log.warning("ingesting %s failed: %s", task.source, reason)
            await self._abandon(kb, task, "failed", reason, jsonl)
        except asyncio.CancelledError:
            raise  # shutdown: the file stays claimed and resumes after a restart
        except Exception as e:
            log.exception("ingesting %s failed", task.source)
            await self._abandon(kb, task, "failed", f"internal error: {type(e).__name__}: {e}",
                                jsonl)

    async def _process(self, kb: KnowledgeBase, task: FileTask,
                       jsonl: Path) -> tuple[str, str | None]:
        run = self.store.db.run
        path = Path(task.path)
        digest = await asyncio.to_thread(_sha256, path)
        fmt = detect_format(task.source)
        if task.generation is None:
            current = await run(self.store.document_by_source, kb.id, task.source)
            if current is not None and current.content_hash == digest:
                return "unchanged", current.id
        extracted = await self._extract(path, fmt, jsonl)
        if task.document_id is None or task.generation is None:
            doc_id, generation = await run(self.store.begin_version, kb.id, task.source, fmt)
            await run(self.jobs.set_version, task.id, doc_id, generation, extracted.pieces)
        else:
            doc_id, generation = task.document_id, task.generation
        await self._embed_all(kb, task, doc_id, generation, jsonl)
        await run(lambda: self.store.publish(
            kb, doc_id, generation, title=extracted.title, fmt=fmt, content_hash=digest,
            size=task.bytes, chunks=extracted.pieces))
        self.progress.files += 1
        self.progress.bytes += task.bytes
        return "done", doc_id

    async def _extract(self, path: Path, fmt: str, jsonl: Path) -> Extracted:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.cfg.ingest_workers)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, extract, path, fmt, jsonl, self.tokenizer,
                                          self.cfg.chunk_tokens, self.cfg.chunk_overlap)

    async def _embed_all(self, kb: KnowledgeBase, task: FileTask, doc_id: str,
                         generation: int, jsonl: Path) -> None:
        run = self.store.db.run
        done = task.chunks_done
        beat = time.monotonic()
        for batch in _batches(jsonl, skip=done, size=self.cfg.embed_batch):
            if await run(self.jobs.status, task.job_id) == "cancelled":
                raise Cancelled()
            started = time.perf_counter()
            vectors = await self.embed(kb, [p["embed"] for p in batch])
            self.progress.embed_s += time.perf_counter() - started
            done += len(batch)
            chunks = [NewChunk(p["seq"], _context(p), p["text"], p["page"], p["offset"],
                               p["tokens"]) for p in batch]
            await run(self.store.add_chunks, kb.id, doc_id, generation, chunks, vectors,
                      task.id, done)
            self.progress.chunks += len(batch)
            if time.monotonic() - beat > HEARTBEAT_S:
                await run(self.jobs.heartbeat, task.id)
                beat = time.monotonic()

    async def _abandon(self, kb: KnowledgeBase | None, task: FileTask, status: str,
                       error: str | None, jsonl: Path) -> None:
        run = self.store.db.run
        if kb is not None and task.document_id is not None and task.generation is not None:
            await run(self.store.discard, kb, task.document_id, task.generation)
        await run(self.jobs.finish, task, status, error)
        self._cleanup(task, jsonl)

    def _cleanup(self, task: FileTask, jsonl: Path) -> None:
        for p in (Path(task.path), jsonl):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)


def _batches(jsonl: Path, skip: int, size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with jsonl.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < skip:
                continue
            batch.append(json.loads(line))
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def _context(piece: dict[str, Any]) -> str:
    """The "title › heading" line of a chunk: what its embedded text has before the body."""
    embed: str = piece["embed"]
    head, sep, _ = embed.partition("\n\n")
    return head if sep and embed.endswith(piece["text"]) and head != piece["text"] else ""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()
