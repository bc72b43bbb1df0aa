"""The audit log: append-only and hash-chained, so any edit, deletion or reordering shows.

Each record's hash is sha256 over the canonical JSON (sorted keys, compact, orjson) of
{seq, ts, kind, actor, team, data, prev_hash}; the first record's prev_hash is 64 zeros.
`audit_head` holds the newest seq and hash, so deleting the newest records shows too.
Records hold metadata only (provider, rule, entity types, a payload's sha256): never payloads.

Writers serialise on a lock (SQLite: BEGIN IMMEDIATE; Postgres: an advisory lock), so several
processes can append to one log. `record()` is durable when it returns: concurrent calls are
gathered by one writer task into one transaction (group commit). A failed write raises
`AuditWriteFailed` to every caller, which must then not act (fail closed).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import hashlib
import io
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

import orjson
from sqlalchemy import ColumnElement, Connection, Row, Select, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from homeport.errors import AuditWriteFailed, InvalidRequest
from homeport.storage.db import Database
from homeport.storage.schema import audit_head, audit_log
from homeport.times import iso_time

log = logging.getLogger(__name__)

KINDS = ("egress", "admin", "knowledge")
FORMATS = ("jsonl", "csv")
EXPORT_MEDIA = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
GENESIS = "0" * 64
CSV_COLUMNS = ("seq", "ts", "time", "kind", "actor", "team", "data", "prev_hash", "hash")
_PG_LOCK = 727275  # advisory lock key of audit appends (727274 is migrations')
_MAX_BATCH = 500  # records per group-commit transaction
_SCAN_BATCH = 5_000  # rows per query when streaming through the log
_COLUMNS = [audit_log.c[n] for n in ("seq", "ts", "kind", "actor", "team", "data", "prev_hash",
                                    "hash")]


@dataclass(frozen=True, slots=True)
class Entry:
    """A record to append; seq, ts and hashes are assigned when it is written."""

    kind: str
    data: Mapping[str, Any]
    actor: str | None = None
    team: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"audit kind {self.kind!r} is not one of {', '.join(KINDS)}")


@dataclass(frozen=True, slots=True)
class Record:
    seq: int
    ts: float
    kind: str
    actor: str | None
    team: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "ts": self.ts, "time": iso_time(self.ts), "kind": self.kind,
                "actor": self.actor, "team": self.team, "data": self.data,
                "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    records: int  # records checked and found intact
    bad_seq: int | None = None  # the first bad record
    reason: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"intact: {self.records} records"
        return (f"tampered: record {self.bad_seq}: {self.reason} "
                f"({self.records} records before it are intact)")

    def to_dict(self) -> dict[str, Any]:
        return {"object": "audit.verification", "ok": self.ok, "records": self.records,
                "bad_seq": self.bad_seq, "reason": self.reason, "message": str(self)}


@dataclass(frozen=True, slots=True)
class AuditPage:
    records: list[Record]
    next_before: int | None  # pass as before_seq for the next (older) page


@dataclass(frozen=True, slots=True)
class _Filters:
    since: float | None = None
    until: float | None = None
    kinds: tuple[str, ...] = ()
    team: str | None = None
    provider: str | None = None

    def where(self) -> list[ColumnElement[bool]]:
        c = audit_log.c
        out: list[ColumnElement[bool]] = []
        if self.since is not None:
            out.append(c.ts >= self.since)
        if self.until is not None:
            out.append(c.ts < self.until)
        if self.kinds:
            out.append(c.kind.in_(self.kinds))
        if self.team is not None:
            out.append(c.team == self.team)
        if self.provider is not None:  # canonical compact JSON: the key/value pair is exact
            out.append(c.data.contains(f'"provider":{orjson.dumps(self.provider).decode()}',
                                       autoescape=True))
        return out


# --- what records say (never payloads) ---

def egress_data(*, provider: str, region: str | None, tier: str, model: str, rule: str,
                sensitivity: str, entity_types: Iterable[str], pseudonymized: bool,
                payload_sha256: str, request_id: str, attempt: int) -> dict[str, Any]:
    return {"provider": provider, "region": region, "tier": tier, "model": model, "rule": rule,
            "sensitivity": sensitivity, "entity_types": sorted(set(entity_types)),
            "pseudonymized": pseudonymized, "payload_sha256": payload_sha256,
            "request_id": request_id, "attempt": attempt}


def admin_data(action: str, target: str, details: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    return {"action": action, "target": target, "details": dict(details or {})}


def knowledge_data(action: str, kb: str, ids: Iterable[str] = (),
                   request_id: str | None = None) -> dict[str, Any]:
    return {"action": action, "kb": kb, "ids": list(ids), "request_id": request_id}


def payload_digest(payload: bytes | str) -> str:
    """The sha256 an egress record keeps instead of the payload."""
    return hashlib.sha256(payload.encode() if isinstance(payload, str) else payload).hexdigest()


# --- the chain ---

def canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def chain_hash(seq: int, ts: float, kind: str, actor: str | None, team: str | None,
               data: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical({"seq": seq, "ts": ts, "kind": kind, "actor": actor,
                                     "team": team, "data": data, "prev_hash": prev_hash})
                          ).hexdigest()


def now_ts() -> float:
    """Unix seconds rounded to microseconds: a double that both engines store exactly."""
    return round(time.time(), 6)


class AuditLog:
    def __init__(self, db: Database, *, max_batch: int = _MAX_BATCH, fsync: bool = True):
        self._db = db
        self._max_batch = max_batch
        self._fsync = fsync  # SQLite: each append survives power loss, not only a crash
        self._pending: list[tuple[Entry, asyncio.Future[int]]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    # --- writing ---

    def append(self, entries: Sequence[Entry]) -> list[int]:
        """Chain and insert `entries` in one transaction (blocking); returns their seqs."""
        if not entries:
            return []
        try:
            outer = self._db.current()
            if outer is not None:  # inside the transaction of the action it records
                return self._chain(outer, entries)
            with self._db.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                    _synchronous_full(conn, self._fsync), conn.begin():
                return self._chain(conn, entries)
        except (SQLAlchemyError, TypeError) as e:  # TypeError: data orjson cannot encode
            raise AuditWriteFailed(
                f"The audit log could not be written ({type(e).__name__}: {e}), so the action "
                "was refused. Check that the database is reachable and writable, then run "
                "`homeport audit verify`.") from e

    def _chain(self, conn: Connection, entries: Sequence[Entry]) -> list[int]:
        if self._db.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        seq, prev, has_head = _head(conn)
        rows: list[dict[str, Any]] = []
        for e in entries:
            seq, ts, data = seq + 1, now_ts(), dict(e.data)
            hash_ = chain_hash(seq, ts, e.kind, e.actor, e.team, data, prev)
            rows.append({"seq": seq, "ts": ts, "kind": e.kind, "actor": e.actor,
                         "team": e.team, "data": canonical(data).decode(),
                         "prev_hash": prev, "hash": hash_})
            prev = hash_
        conn.execute(audit_log.insert(), rows)
        _set_head(conn, seq, prev, has_head)
        return [r["seq"] for r in rows]

    def start(self) -> None:
        """Start the group-commit writer task (on the running event loop)."""
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def record(self, kind: str, data: Mapping[str, Any], actor: str | None = None,
                     team: str | None = None) -> int:
        """Append one record; returns its seq once it is committed. Raises AuditWriteFailed."""
        entry = Entry(kind, data, actor, team)
        if self._closed:
            raise AuditWriteFailed("The audit log could not be written: it is closed (the "
                                   "server is shutting down). Retry the request.")
        self.start()
        assert self._wake is not None
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append((entry, done))
        self._wake.set()
        return await done

    async def close(self) -> None:
        """Write every pending record, then stop the writer."""
        self._closed = True
        if self._task is not None and self._wake is not None:
            self._wake.set()
            await self._task
            self._task = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            # everything that arrived while the last transaction ran goes into the next one
            while self._pending:
                batch = self._pending[:self._max_batch]
                del self._pending[:self._max_batch]
                await self._commit(batch)
            if self._closed:
                return

    async def _commit(self, batch: list[tuple[Entry, asyncio.Future[int]]]) -> None:
        try:
            seqs = await self._db.run(self.append, [e for e, _ in batch])
        except Exception as e:
            log.error("audit write of %d records failed: %s", len(batch), e)
            failed = e if isinstance(e, AuditWriteFailed) else AuditWriteFailed(
                f"The audit log could not be written ({e}), so the action was refused.")
            for _, done in batch:
                if not done.done():
                    done.set_exception(AuditWriteFailed(failed.message))
            return
        for (_, done), seq in zip(batch, seqs, strict=True):
            if not done.done():
                done.set_result(seq)

    # --- checking ---

    def verify(self, batch: int = _SCAN_BATCH) -> VerifyResult:
        """Walk the chain in seq order (one snapshot, `batch` rows at a time); the first bad
        record and why, or ok."""
        with self._snapshot() as conn:
            head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)
                                .where(audit_head.c.id == 1)).first()
            return _check(_scan(lambda q: conn.execute(q).all(), [], batch), head)

    # --- reading ---

    def query(self, *, since: float | None = None, until: float | None = None,
              kind: str | None = None, team: str | None = None, provider: str | None = None,
              limit: int = 100, before_seq: int | None = None) -> AuditPage:
        """A page of records, newest first; `next_before` continues with older ones."""
        filters = _Filters(since, until, (kind,) if kind else (), team, provider)
        q = select(audit_log).where(*filters.where()).order_by(audit_log.c.seq.desc())
        if before_seq is not None:
            q = q.where(audit_log.c.seq < before_seq)
        with self._db.engine.connect() as conn:
            rows = conn.execute(q.limit(limit + 1)).all()
        records = [_record(r) for r in rows[:limit]]
        return AuditPage(records, records[-1].seq if len(rows) > limit else None)

    def export(self, since: float | None, until: float | None, kinds: Sequence[str],
               fmt: str, out: TextIO) -> int:
        """Write the records in [since, until) of `kinds` (all when empty) to `out` in seq
        order, as jsonl or csv; returns how many."""
        count = 0
        for chunk, n in self._export_chunks(_Filters(since, until, tuple(kinds)), fmt):
            out.write(chunk)
            count += n
        return count

    def iter_export(self, since: float | None, until: float | None, kinds: Sequence[str],
                    fmt: str) -> Iterator[str]:
        """The export as text chunks, for streaming responses."""
        return (chunk for chunk, _ in self._export_chunks(_Filters(since, until, tuple(kinds)),
                                                          fmt))

    def _export_chunks(self, filters: _Filters, fmt: str) -> Iterator[tuple[str, int]]:
        if fmt not in FORMATS:
            raise InvalidRequest(f"format {fmt!r} is not one of {', '.join(FORMATS)}",
                                 param="format")
        with self._db.engine.connect() as conn:  # a stable end: records appended later wait
            end = conn.execute(select(func.max(audit_log.c.seq))).scalar()
        if fmt == "csv":
            yield ",".join(CSV_COLUMNS) + "\n", 0
        if end is None:
            return
        where = [*filters.where(), audit_log.c.seq <= end]
        batch: list[Record] = []
        for row in _scan(self._fetch, where, _SCAN_BATCH):
            batch.append(_record(row))
            if len(batch) >= 1000:
                yield _encode(batch, fmt), len(batch)
                batch = []
        if batch:
            yield _encode(batch, fmt), len(batch)

    def _fetch(self, q: Select[Any]) -> Sequence[Row[Any]]:
        with self._db.engine.connect() as conn:
            return conn.execute(q).all()

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """One read transaction: every query inside sees the same log."""
        with self._db.engine.connect() as conn:
            if self._db.dialect == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn


# --- helpers ---

@contextlib.contextmanager
def _synchronous_full(conn: Connection, fsync: bool) -> Iterator[None]:
    """SQLite in WAL mode with synchronous=NORMAL may lose the last commits on power loss: an
    audit append is fsynced (synchronous=FULL) before it returns, the rest stays fast."""
    raw = conn.connection.driver_connection  # outside SQLAlchemy's transaction handling
    if not fsync or conn.dialect.name != "sqlite" or raw is None:
        yield
        return
    raw.execute("PRAGMA synchronous=FULL")
    try:
        yield
    finally:
        raw.execute("PRAGMA synchronous=NORMAL")


def _head(conn: Connection) -> tuple[int, str, bool]:
    """(last seq, last hash, whether audit_head has its row). Records without a head row mean
    the head was deleted: appending would hide that, so it is refused."""
    row = conn.execute(select(audit_head.c.seq, audit_head.c.hash)
                       .where(audit_head.c.id == 1)).first()
    if row is not None:
        return int(row.seq), str(row.hash), True
    last = conn.execute(select(audit_log.c.seq).order_by(audit_log.c.seq.desc()).limit(1)).first()
    if last is not None:
        raise AuditWriteFailed("The audit log's head record is missing although the log has "
                               f"{last.seq} records: it was tampered with. Nothing more is "
                               "appended; run `homeport audit verify`.")
    return 0, GENESIS, False


def _set_head(conn: Connection, seq: int, hash_: str, exists: bool) -> None:
    if exists:
        conn.execute(audit_head.update().where(audit_head.c.id == 1)
                     .values(seq=seq, hash=hash_))
    else:
        conn.execute(audit_head.insert().values(id=1, seq=seq, hash=hash_))


def _scan(fetch: Callable[[Select[Any]], Sequence[Row[Any]]],
          where: list[ColumnElement[bool]], batch: int) -> Iterator[Row[Any]]:
    """Rows in seq order, `batch` at a time (keyset pagination: bounded memory)."""
    last: int | None = None
    while True:
        q = select(*_COLUMNS).where(*where).order_by(audit_log.c.seq).limit(batch)
        rows = fetch(q if last is None else q.where(audit_log.c.seq > last))
        yield from rows
        if len(rows) < batch:
            return
        last = int(rows[-1].seq)


def _check(rows: Iterable[Row[Any]], head: Row[Any] | None) -> VerifyResult:
    expected, prev = 1, GENESIS
    for seq, ts, kind, actor, team, data, prev_hash, hash_ in rows:  # _COLUMNS' order
        if seq != expected:
            reason = (f"missing record (seq {expected}..{seq - 1} deleted)" if seq > expected
                      else f"unexpected record with seq {seq} (inserted)")
            return VerifyResult(False, expected - 1, min(seq, expected), reason)
        if prev_hash != prev:
            reason = (f"prev_hash does not match record {seq - 1} (reordered or deleted)"
                      if seq > 1 else "prev_hash of the first record is not the genesis hash "
                      "(records before it deleted)")
            return VerifyResult(False, seq - 1, seq, reason)
        if _row_hash(seq, ts, kind, actor, team, data, prev_hash) != hash_:
            return VerifyResult(False, seq - 1, seq, "hash mismatch (edited)")
        prev, expected = hash_, expected + 1
    last = expected - 1
    if head is None:
        if last == 0:
            return VerifyResult(True, 0)
        return VerifyResult(False, last - 1, last, "audit_head is missing (head deleted)")
    if head.seq > last:
        return VerifyResult(False, last, last + 1, f"head says seq {head.seq} but the log ends "
                            f"at {last} (newest records deleted)")
    if head.seq < last:
        return VerifyResult(False, head.seq, head.seq + 1, f"record {head.seq + 1} is past the "
                            f"head (seq {head.seq}): inserted after the newest real record")
    if head.hash != prev:
        return VerifyResult(False, last - 1, last, "head hash does not match the newest "
                            "record (edited)")
    return VerifyResult(True, last)


def _row_hash(seq: int, ts: Any, kind: str, actor: str | None, team: str | None, data: str,
              prev_hash: str) -> str | None:
    try:
        return chain_hash(seq, float(ts), kind, actor, team, orjson.loads(data), prev_hash)
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return None  # undecodable fields: edited


def _record(row: Row[Any]) -> Record:
    return Record(int(row.seq), float(row.ts), row.kind, row.actor, row.team,
                  orjson.loads(row.data), row.prev_hash, row.hash)


def _encode(records: list[Record], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(orjson.dumps(r.to_dict()).decode() + "\n" for r in records)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for r in records:
        d = r.to_dict()
        d["data"] = canonical(r.data).decode()
        writer.writerow([d[c] for c in CSV_COLUMNS])  # None -> empty cell
    return buf.getvalue()
