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

from homeport.errors import UnsupportedFormat
from homeport.knowledge.extract import Extracted, extract
from homeport.knowledge.jobs import FileTask, JobStore
from homeport.knowledge.parse import ParseError, detect_format
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
        self._held: dict[int, str] = {}  # file -> job: claimed here, not yet finished
        self._lock_fd: int | None = None  # SQLite: the shared worker lock (see `_join`)

    def start(self) -> None:
        """Workers that drain the queue for as long as the server runs, once the files that
        dead workers left running are queued again (see `_join`)."""
        joined = asyncio.create_task(self.store.db.run(self._join, True), name="ingest-join")
        self._tasks.append(joined)
        for i in range(self.cfg.ingest_workers):
            self._tasks.append(asyncio.create_task(self._serve(joined), name=f"ingest-{i}"))

    def wake(self) -> None:
        self._wake.set()

    async def run_job(self, job_id: str) -> None:
        """Process one job's files to the end (the CLI's foreground ingestion)."""
        if self._lock_fd is None:
            await self.store.db.run(self._join, False)
        await asyncio.gather(*(self._drain(job_id) for _ in range(self.cfg.ingest_workers)))
        while job_id in self._held.values():  # files the background workers here took
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks.clear()
        if self._held:  # hand the files in progress back: they resume at once after a restart
            held, self._held = list(self._held), {}
            try:
                await self.store.db.run(self.jobs.release, held)
            except Exception:  # they resume once their heartbeat is stale
                log.exception("could not hand back files in progress")
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the worker lock
            self._lock_fd = None

    def _join(self, recover: bool) -> None:
        """Join the database's workers; with `recover`, first queue again the files left
        running by workers that are gone, when it is certain that no other worker lives.

        SQLite (one host): every worker process holds a shared lock on a file beside the
        database for as long as it runs, so whoever gets the lock exclusively knows all others
        have ended (stopped or killed) and their running files are abandoned. Postgres
        (replicas on several hosts): abandoned files are claimed once their heartbeat is stale.
        """
        db = self.store.db
        if db.dialect != "sqlite" or self._lock_fd is not None:
            return
        path = db.engine.url.database
        if not path or path == ":memory:":  # a private database: no other worker
            if recover:
                self._requeue()
            return
        import fcntl

        fd = self._lock_fd = os.open(f"{path}.workers", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if recover:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    pass  # other workers live: the files they hold are theirs
                else:
                    self._requeue()
        finally:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits while another worker recovers

    def _requeue(self) -> None:
        if n := self.jobs.requeue_running():
            log.info("queued again %d file(s) left running by a stopped worker", n)

    async def _serve(self, joined: asyncio.Task[None]) -> None:
        try:
            await joined
        except Exception:  # the lock or the database failed: stale heartbeats still recover
            log.exception("could not recover files left running")
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
        while (task := await self.store.db.run(self._claim, job_id)) is not None:
            worked = True
            try:
                await self._ingest(task)
            except Exception:  # left running: claimed again once its heartbeat is stale
                self._held.pop(task.id, None)
                raise
            self._held.pop(task.id, None)  # (kept when cancelled: `close` hands it back)
        return worked

    def _claim(self, job_id: str | None) -> FileTask | None:
        task = self.jobs.claim(job_id)
        if task is not None:  # noted in the thread: held even if the caller was just cancelled
            self._held[task.id] = task.job_id
        return task

    async def _ingest(self, task: FileTask) -> None:
        run = self.store.db.run
        kb = await run(self.store.get, task.kb_id)
        jsonl = self.work_dir / f"{task.id}.jsonl"
        beating = asyncio.create_task(self._beat(task.id), name=f"heartbeat-{task.id}")
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
        finally:
            beating.cancel()

    async def _beat(self, file_id: int) -> None:
        """Keep the file's claim fresh for as long as it is processed (parsing a large file
        or a slow batch included), so no other worker takes it over."""
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            try:
                await self.store.db.run(self.jobs.heartbeat, file_id)
            except Exception:
                log.warning("could not refresh the claim on file %s; retrying", file_id)

    async def _process(self, kb: KnowledgeBase, task: FileTask,
                       jsonl: Path) -> tuple[str, str | None]:
        run = self.store.db.run
        path = Path(task.path)
        if await run(self.jobs.status, task.job_id) == "cancelled":
            raise Cancelled()  # (a file its worker left when the job was cancelled)
        digest = await asyncio.to_thread(_sha256, path)
        fmt = detect_format(task.source)
        if task.generation is None:
            current = await run(self.store.document_by_source, kb.id, task.source)
            if current is not None and current.content_hash == digest:
                return "unchanged", current.id
        extracted = await self._extract(path, fmt, jsonl, task.source)
        if task.document_id is None or task.generation is None:
            doc_id, generation = await run(self.store.begin_version, kb.id, task.source, fmt,
                                           task.id, extracted.pieces)
        else:
            doc_id, generation = task.document_id, task.generation
        await self._embed_all(kb, task, doc_id, generation, jsonl)
        await run(lambda: self.store.publish(
            kb, doc_id, generation, title=extracted.title, fmt=fmt, content_hash=digest,
            size=task.bytes, chunks=extracted.pieces))
        self.progress.files += 1
        self.progress.bytes += task.bytes
        return "done", doc_id

    async def _extract(self, path: Path, fmt: str, jsonl: Path, name: str) -> Extracted:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.cfg.ingest_workers)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, extract, path, fmt, jsonl, self.tokenizer,
                                          self.cfg.chunk_tokens, self.cfg.chunk_overlap, name)

    async def _embed_all(self, kb: KnowledgeBase, task: FileTask, doc_id: str,
                         generation: int, jsonl: Path) -> None:
        run = self.store.db.run
        done = task.chunks_done
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

    async def _abandon(self, kb: KnowledgeBase | None, task: FileTask, status: str,
                       error: str | None, jsonl: Path) -> None:
        run = self.store.db.run
        # The version this run began (recorded on the file, unlike `task`, which holds what
        # was known when the file was claimed) is dropped with its pending chunks.
        doc_id, generation = await run(self.jobs.version, task.id)
        if kb is not None and doc_id is not None and generation is not None:
            await run(self.store.discard, kb, doc_id, generation)
        await run(self.jobs.finish, task, status, error)
        self._cleanup(task, jsonl)

    def _cleanup(self, task: FileTask, jsonl: Path) -> None:
        for p in (Path(task.path), jsonl):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)
        with contextlib.suppress(OSError):  # the upload's folder, once its last file is done
            Path(task.path).parent.rmdir()


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
