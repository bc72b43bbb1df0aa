"""A batched background writer: the request path hands over rows and never waits on the database.

Rows go into a bounded queue; one task writes them in batches (one transaction each) every
`flush_interval_s` or `batch_size` rows. When the queue is full, a row waits for room in its
own task: the caller never blocks and nothing is dropped. `close()` drains everything, so a
graceful shutdown loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import Table

from homeport.settings import WriterConfig
from homeport.storage.db import Database

log = logging.getLogger(__name__)
_RETRY_S = (0.2, 1.0, 5.0)
_MAX_PARAMS = 30_000  # bound parameters per statement (SQLite allows 32,766; Postgres 65,535)


class BatchedWriter:
    def __init__(self, db: Database, table: Table, cfg: WriterConfig):
        self._db = db
        self._table = table
        self._cfg = cfg
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(cfg.queue_size)
        self._closing = asyncio.Event()
        self._waiting: set[asyncio.Task[None]] = set()
        self._columns = [c.name for c in table.columns]
        mark = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
        self._insert_into = f"INSERT INTO {table.name} ({', '.join(self._columns)}) VALUES"
        self._row_marks = f"({', '.join([mark] * len(self._columns))})"
        self._task: asyncio.Task[None] | None = None
        self.written = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"writer:{self._table.name}")

    def submit(self, row: dict[str, Any]) -> None:
        """Queue a row. When the queue is full the row waits in a task for room: never dropped."""
        try:
            self._queue.put_nowait(row)
        except asyncio.QueueFull:
            task = asyncio.create_task(self._queue.put(row))
            self._waiting.add(task)
            task.add_done_callback(self._waiting.discard)

    def pending(self) -> int:
        return self._queue.qsize()

    async def close(self) -> None:
        """Stop after writing every queued row."""
        if self._task is None:
            return
        while self._waiting:
            await asyncio.gather(*self._waiting)
        self._closing.set()
        await self._queue.put(None)  # wakes an idle writer
        await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if not self._closing.is_set() and self._queue.qsize() < self._cfg.batch_size - 1:
                with contextlib.suppress(TimeoutError):  # gather a batch; close() cuts it short
                    await asyncio.wait_for(self._closing.wait(), self._cfg.flush_interval_s)
            batch += self._take(self._cfg.batch_size - 1)
            rows = [r for r in batch if r is not None]
            if rows:
                await self._write(rows)
            if self._closing.is_set() and self._queue.empty():
                return

    def _take(self, n: int) -> list[dict[str, Any] | None]:
        out: list[dict[str, Any] | None] = []
        while len(out) < n and not self._queue.empty():
            out.append(self._queue.get_nowait())
        return out

    async def _write(self, batch: list[dict[str, Any]]) -> None:
        for attempt, delay in enumerate((*_RETRY_S, None)):
            try:
                await self._db.run(self._insert, batch)
                self.written += len(batch)
                return
            except Exception:
                if delay is None:
                    log.exception("lost %d %s records after %d attempts", len(batch),
                                  self._table.name, attempt + 1)
                    return
                log.warning("writing %d %s records failed; retrying in %ss", len(batch),
                            self._table.name, delay, exc_info=True)
                await asyncio.sleep(delay)

    def _insert(self, batch: list[dict[str, Any]]) -> None:
        """One multi-row INSERT per chunk: the driver releases the GIL once per statement, not
        once per row as executemany does (which starves the event loop thread; bench/gateway)."""
        cols = self._columns
        per_statement = max(1, _MAX_PARAMS // len(cols))
        with self._db.engine.begin() as conn:
            for start in range(0, len(batch), per_statement):
                rows = batch[start:start + per_statement]
                sql = f"{self._insert_into} {', '.join([self._row_marks] * len(rows))}"
                conn.exec_driver_sql(sql, tuple(row.get(c) for row in rows for c in cols))
