"""Ingestion jobs as database rows: they outlive the process that accepted them.

A job holds files; a worker claims one file at a time and refreshes its heartbeat while it
works. A file whose heartbeat is older than `STALE_S` (its worker died) can be claimed again
and resumes from the chunks already stored. Postgres claims with FOR UPDATE SKIP LOCKED, so
replicas share the queue; SQLite claims inside an immediate (write-locked) transaction.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from homeport.errors import NotFound
from homeport.storage.db import Database
from homeport.storage.schema import ingest_files, ingest_jobs

STALE_S = 60.0
FINISHED = ("done", "unchanged", "failed", "cancelled")


@dataclass(frozen=True, slots=True)
class FileTask:
    id: int
    job_id: str
    kb_id: str
    source: str
    path: str
    bytes: int
    document_id: str | None
    generation: int | None
    chunks_done: int


class JobStore:
    def __init__(self, db: Database):
        self.db = db

    def create(self, kb_id: str, key_id: str | None, files: list[tuple[str, str, int]]) -> str:
        """A queued job for (source, staged path, bytes) files."""
        job_id = "job_" + secrets.token_hex(8)
        now = time.time()
        with self.db.writing() as conn:
            conn.execute(insert(ingest_jobs).values(id=job_id, kb_id=kb_id, key_id=key_id,
                                                    status="queued", created_at=now,
                                                    updated_at=now))
            conn.execute(insert(ingest_files), [
                {"job_id": job_id, "source": s, "path": p, "bytes": b, "status": "queued",
                 "chunks": 0, "chunks_done": 0, "updated_at": now} for s, p, b in files])
        return job_id

    def claim(self, job_id: str | None = None) -> FileTask | None:
        """Take the next queued (or abandoned) file, optionally only from one job. Files of a
        cancelled job that a worker left unfinished are taken too, to be cleaned up."""
        now = time.time()
        claimable = or_(ingest_files.c.status == "queued",
                        and_(ingest_files.c.status == "running",
                             ingest_files.c.heartbeat < now - STALE_S))
        q = (select(ingest_files.c.id, ingest_files.c.job_id, ingest_jobs.c.kb_id,
                    ingest_files.c.source, ingest_files.c.path, ingest_files.c.bytes,
                    ingest_files.c.document_id, ingest_files.c.generation,
                    ingest_files.c.chunks_done)
             .join(ingest_jobs, ingest_jobs.c.id == ingest_files.c.job_id)
             .where(claimable, ingest_jobs.c.status.in_(("queued", "running", "cancelled")))
             .order_by(ingest_files.c.id).limit(1))
        if job_id is not None:
            q = q.where(ingest_files.c.job_id == job_id)
        if self.db.dialect == "postgresql":
            q = q.with_for_update(of=ingest_files, skip_locked=True)
        with self.db.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                conn.begin():
            row = conn.execute(q).first()
            if row is None:
                return None
            conn.execute(update(ingest_files).where(ingest_files.c.id == row.id)
                         .values(status="running", heartbeat=now, updated_at=now))
            conn.execute(update(ingest_jobs).where(ingest_jobs.c.id == row.job_id,
                                                   ingest_jobs.c.status == "queued")
                         .values(status="running", updated_at=now))
            return FileTask(*row)

    def set_version(self, file_id: int, document_id: str, generation: int, chunks: int) -> None:
        with self.db.writing() as conn:
            conn.execute(update(ingest_files).where(ingest_files.c.id == file_id).values(
                document_id=document_id, generation=generation, chunks=chunks,
                updated_at=time.time()))

    def version(self, file_id: int) -> tuple[str | None, int | None]:
        """The document and generation a file's ingestion is building, once it began one."""
        with self.db.engine.connect() as conn:
            row = conn.execute(select(ingest_files.c.document_id, ingest_files.c.generation)
                               .where(ingest_files.c.id == file_id)).first()
        return (None, None) if row is None else (row[0], row[1])

    def heartbeat(self, file_id: int) -> None:
        now = time.time()
        with self.db.writing() as conn:
            conn.execute(update(ingest_files).where(ingest_files.c.id == file_id)
                         .values(heartbeat=now, updated_at=now))

    def release(self, file_ids: Sequence[int]) -> None:
        """Give files a stopping worker holds back to the queue; they resume from their
        stored progress (document, generation, chunks done) in whichever worker claims them."""
        if not file_ids:
            return
        now = time.time()
        with self.db.writing() as conn:
            conn.execute(update(ingest_files).where(ingest_files.c.id.in_(list(file_ids)),
                                                    ingest_files.c.status == "running")
                         .values(status="queued", heartbeat=None, updated_at=now))

    def requeue_running(self) -> int:
        """Queue again every file marked running. Only for a worker that knows no other live
        worker shares the database (see `Ingestor`): the files' workers are gone."""
        now = time.time()
        with self.db.writing() as conn:
            result = conn.execute(update(ingest_files).where(ingest_files.c.status == "running")
                                  .values(status="queued", heartbeat=None, updated_at=now))
        return int(result.rowcount)

    def finish(self, task: FileTask, status: str, error: str | None = None,
               document_id: str | None = None) -> None:
        """Record a file's end and, when it was the job's last, the job's."""
        now = time.time()
        values: dict[str, Any] = {"status": status, "error": error, "updated_at": now}
        if document_id is not None:
            values["document_id"] = document_id
        with self.db.writing() as conn:
            conn.execute(update(ingest_files).where(ingest_files.c.id == task.id).values(**values))
            self._settle(conn, task.job_id, now)

    def cancel(self, job_id: str) -> list[str]:
        """Stop a job: queued files are cancelled now, a running one at its next batch.
        Returns the staged uploads of the files cancelled now, for the caller to remove."""
        now = time.time()
        with self.db.writing() as conn:
            conn.execute(update(ingest_jobs).where(ingest_jobs.c.id == job_id,
                                                   ingest_jobs.c.status.in_(("queued",
                                                                             "running")))
                         .values(status="cancelled", updated_at=now))
            staged = conn.execute(update(ingest_files).where(ingest_files.c.job_id == job_id,
                                                             ingest_files.c.status == "queued")
                                  .values(status="cancelled", updated_at=now)
                                  .returning(ingest_files.c.path)).scalars().all()
        return [str(p) for p in staged]

    def status(self, job_id: str) -> str:
        with self.db.engine.connect() as conn:
            return str(conn.execute(select(ingest_jobs.c.status)
                                    .where(ingest_jobs.c.id == job_id)).scalar() or "cancelled")

    def get(self, kb_id: str, job_id: str) -> dict[str, Any]:
        """The job with its files, as the API shows it."""
        with self.db.engine.connect() as conn:
            job = conn.execute(select(ingest_jobs).where(ingest_jobs.c.id == job_id,
                                                         ingest_jobs.c.kb_id == kb_id)).first()
            if job is None:
                raise NotFound(f"no ingestion job {job_id!r} in this knowledge base")
            files = conn.execute(select(ingest_files).where(ingest_files.c.job_id == job_id)
                                 .order_by(ingest_files.c.id)).all()
        done = sum(1 for f in files if f.status in FINISHED)
        chunks = sum(f.chunks for f in files)
        return {
            "id": job.id, "object": "knowledge.job", "status": job.status,
            "created_at": int(job.created_at), "updated_at": int(job.updated_at),
            "error": job.error,
            "progress": {"files": len(files), "files_done": done,
                         "chunks": chunks, "chunks_done": sum(f.chunks_done for f in files)},
            "files": [{"name": f.source, "bytes": f.bytes, "status": f.status,
                       "error": f.error, "document_id": f.document_id, "chunks": f.chunks,
                       "chunks_done": f.chunks_done} for f in files],
        }

    def recent(self, kb_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """The newest jobs of a knowledge base, as `get` shows them."""
        with self.db.engine.connect() as conn:
            ids = list(conn.execute(select(ingest_jobs.c.id).where(ingest_jobs.c.kb_id == kb_id)
                                    .order_by(ingest_jobs.c.created_at.desc())
                                    .limit(limit)).scalars())
        return [self.get(kb_id, job_id) for job_id in ids]

    def staged_paths(self, kb_id: str) -> list[str]:
        """Uploads of unfinished files of a knowledge base (removed with it)."""
        with self.db.engine.connect() as conn:
            return [r[0] for r in conn.execute(
                select(ingest_files.c.path).join(ingest_jobs)
                .where(ingest_jobs.c.kb_id == kb_id, ingest_files.c.status.not_in(FINISHED)))]

    def _settle(self, conn: Connection, job_id: str, now: float) -> None:
        counts = {str(s): int(n) for s, n in conn.execute(
            select(ingest_files.c.status, func.count()).where(ingest_files.c.job_id == job_id)
            .group_by(ingest_files.c.status))}
        if any(s not in FINISHED for s in counts):
            return
        failed = [f"{n} file(s) failed" for s, n in counts.items() if s == "failed"]
        status = "failed" if set(counts) == {"failed"} else "done"
        conn.execute(update(ingest_jobs).where(ingest_jobs.c.id == job_id,
                                               ingest_jobs.c.status != "cancelled")
                     .values(status=status, error="; ".join(failed) or None, updated_at=now))
