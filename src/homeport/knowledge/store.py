"""Knowledge bases, documents and chunks in the database, with their search indexes.

Blocking methods (the service runs them in worker threads). A document's new chunks are
written as a pending generation, batch by batch, and `publish` swaps them in for the old ones
in one transaction: readers see the old version or the new one, never a mix or a gap.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from homeport.errors import InvalidRequest, NotFound
from homeport.knowledge.indexes import Index, index_for
from homeport.storage.db import Database
from homeport.storage.schema import ingest_files, kb_chunks, kb_documents, knowledge_bases
from homeport.types import Caller, Sensitivity

NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    id: str
    name: str
    team: str
    kind: str  # documents | memory
    sensitivity: Sensitivity
    readers: tuple[str, ...]  # team names and "key:ID" besides the owning team
    embed_model: str
    dims: int
    created_by: str | None
    created_at: float

    @property
    def qualified(self) -> str:
        """`team/name`: unambiguous across teams (names are unique within a team)."""
        return f"{self.team}/{self.name}"

    def readable_by(self, caller: Caller) -> bool:
        if (self.kind == "documents" and caller.allowed_kbs is not None
                and caller.allowed_kbs.isdisjoint((self.name, self.qualified, self.id))):
            return False  # the key is scoped to other bases
        return (caller.is_admin or caller.team == self.team or caller.team in self.readers
                or f"key:{caller.key_id}" in self.readers)

    def ref_for(self, caller: Caller) -> str:
        """How `caller` names this base in a URL: its name in the caller's own team, else its
        id (another team's name may be the caller's own too)."""
        return self.name if self.team == caller.team else self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "object": "knowledge_base", "name": self.name, "team": self.team,
                "sensitivity": str(self.sensitivity), "readers": list(self.readers),
                "embedding_model": self.embed_model, "created_at": int(self.created_at)}


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    kb_id: str
    source: str
    title: str
    format: str
    content_hash: str
    bytes: int
    chunks: int
    generation: int
    sensitivity: str | None
    entity_types: str | None
    created_at: float
    updated_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "object": "knowledge.document", "source": self.source,
                "title": self.title, "format": self.format, "sha256": self.content_hash,
                "bytes": self.bytes, "chunks": self.chunks, "created_at": int(self.created_at),
                "updated_at": int(self.updated_at)}


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved chunk with what a citation needs."""

    chunk_id: int
    kb_id: str
    document_id: str
    source: str
    title: str
    context: str  # "title › heading › heading"
    text: str
    page: int | None
    offset: int
    label: str | None = None  # the document's own sensitivity label, if any
    score: float = 0.0

    def location(self) -> dict[str, Any]:
        loc: dict[str, Any] = {"offset": self.offset}
        if self.page is not None:
            loc["page"] = self.page
        headings = self.context.split(" › ")[1:] if " › " in self.context else []
        if headings:
            loc["headings"] = headings
        return loc


@dataclass(frozen=True, slots=True)
class NewChunk:
    seq: int
    context: str
    text: str
    page: int | None
    offset: int
    tokens: int


class KnowledgeStore:
    def __init__(self, db: Database, index: Index | None = None):
        self.db = db
        self.index = index or index_for(db.dialect)

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE,
        waiting its turn): a transaction that reads before it writes would otherwise fail at
        once with "database is locked" whenever another connection wrote since its read."""
        with self.db.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                conn.begin():
            yield conn

    # --- knowledge bases ---

    def create(self, name: str, team: str, sensitivity: Sensitivity, readers: Sequence[str],
               embed_model: str, dims: int, created_by: str | None,
               kind: str = "documents") -> KnowledgeBase:
        """A new base of `team`; its name must be new in that team (other teams' do not count,
        and are never told)."""
        kb = KnowledgeBase("kb_" + secrets.token_hex(8), name, team, kind, sensitivity,
                           tuple(readers), embed_model, dims, created_by, time.time())
        taken = InvalidRequest(f"a knowledge base named {name!r} already exists in team "
                               f"{team!r}; choose another name", param="name",
                               code="already_exists")
        try:
            with self._writing() as conn:
                if conn.execute(select(knowledge_bases.c.id).where(
                        knowledge_bases.c.team == team, knowledge_bases.c.name == name)).first():
                    raise taken
                self.index.ensure(conn, dims)
                conn.execute(insert(knowledge_bases).values(
                    id=kb.id, name=name, team=team, kind=kind, sensitivity=str(sensitivity),
                    readers=json.dumps(list(readers)), embed_model=embed_model, dims=dims,
                    created_by=created_by, created_at=kb.created_at))
        except IntegrityError as e:  # created at the same moment elsewhere
            raise taken from e
        return kb

    def get(self, ref: str) -> KnowledgeBase | None:
        """The base with id `ref`; or named `ref` when only one team has a base of that name
        (the service resolves names for a caller: KnowledgeService.get)."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(knowledge_bases).where(
                (knowledge_bases.c.name == ref) | (knowledge_bases.c.id == ref)).limit(2)).all()
        return _kb(rows[0]) if len(rows) == 1 else None

    def find(self, team: str, name: str) -> KnowledgeBase | None:
        """`team`'s base named `name`."""
        with self.db.engine.connect() as conn:
            row = conn.execute(select(knowledge_bases).where(
                knowledge_bases.c.team == team, knowledge_bases.c.name == name)).first()
        return _kb(row) if row else None

    def named(self, name: str) -> list[KnowledgeBase]:
        """Every team's base named `name`."""
        with self.db.engine.connect() as conn:
            return [_kb(r) for r in conn.execute(select(knowledge_bases).where(
                knowledge_bases.c.name == name).order_by(knowledge_bases.c.team))]

    def bases(self, kind: str | None = "documents") -> list[KnowledgeBase]:
        q = select(knowledge_bases).order_by(knowledge_bases.c.name, knowledge_bases.c.team)
        if kind is not None:
            q = q.where(knowledge_bases.c.kind == kind)
        with self.db.engine.connect() as conn:
            return [_kb(r) for r in conn.execute(q)]

    def drop(self, kb: KnowledgeBase) -> None:
        """Delete a knowledge base with its documents, chunks, index rows and jobs."""
        with self._writing() as conn:
            ids = [r[0] for r in conn.execute(select(kb_chunks.c.id)
                                              .where(kb_chunks.c.kb_id == kb.id))]
            self.index.remove(conn, ids, kb.dims)
            conn.execute(delete(kb_chunks).where(kb_chunks.c.kb_id == kb.id))
            conn.execute(delete(knowledge_bases).where(knowledge_bases.c.id == kb.id))

    # --- documents ---

    def documents(self, kb_id: str) -> list[Document]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(kb_documents).where(kb_documents.c.kb_id == kb_id)
                                .order_by(kb_documents.c.source))
            return [Document(*r) for r in rows]

    def document(self, kb_id: str, doc_id: str) -> Document:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(kb_documents).where(
                kb_documents.c.kb_id == kb_id, kb_documents.c.id == doc_id)).first()
        if row is None:
            raise NotFound(f"no document {doc_id!r} in this knowledge base; list them with "
                           "GET /v1/knowledge/{kb}/documents")
        return Document(*row)

    def document_by_source(self, kb_id: str, source: str) -> Document | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(kb_documents).where(
                kb_documents.c.kb_id == kb_id, kb_documents.c.source == source)).first()
        return Document(*row) if row else None

    def remove_document(self, kb: KnowledgeBase, doc_id: str) -> None:
        with self._writing() as conn:
            self._drop_chunks(conn, kb, kb_chunks.c.document_id == doc_id)
            conn.execute(delete(kb_documents).where(kb_documents.c.id == doc_id))

    def chunks(self, doc_id: str) -> list[Passage]:
        """The live chunks of a document in order."""
        with self.db.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(
                select(kb_chunks.c.id).where(kb_chunks.c.document_id == doc_id,
                                             kb_chunks.c.live).order_by(kb_chunks.c.seq))]
            return self._passages(conn, [(i, 0.0) for i in ids])

    # --- writing a new version of a document ---

    def begin_version(self, kb_id: str, source: str, fmt: str, file_id: int | None = None,
                      chunks: int = 0) -> tuple[str, int]:
        """The document's id (created, empty, if new) and a generation no other run builds;
        the ingesting file records both in the same transaction (its resume point)."""
        now = time.time()
        with self._writing() as conn:
            row = conn.execute(select(kb_documents.c.id, kb_documents.c.generation).where(
                kb_documents.c.kb_id == kb_id, kb_documents.c.source == source)
                .with_for_update()).first()  # Postgres: one run at a time picks a generation
            if row is not None:  # past any generation another run built or is building
                doc_id = str(row[0])
                built = conn.execute(select(func.max(kb_chunks.c.generation))
                                     .where(kb_chunks.c.document_id == doc_id)).scalar()
                building = conn.execute(select(func.max(ingest_files.c.generation))
                                        .where(ingest_files.c.document_id == doc_id)).scalar()
                generation = max(int(row[1]), int(built or 0), int(building or 0)) + 1
            else:
                doc_id, generation = "doc_" + secrets.token_hex(8), 1
                conn.execute(insert(kb_documents).values(
                    id=doc_id, kb_id=kb_id, source=source, title="", format=fmt,
                    content_hash="", bytes=0, chunks=0, generation=0, created_at=now,
                    updated_at=now))
            if file_id is not None:
                conn.execute(update(ingest_files).where(ingest_files.c.id == file_id).values(
                    document_id=doc_id, generation=generation, chunks=chunks, updated_at=now))
            return doc_id, generation

    def add_chunks(self, kb_id: str, doc_id: str, generation: int, chunks: Sequence[NewChunk],
                   vectors: np.ndarray, file_id: int | None = None, done: int = 0) -> None:
        """Store a batch of pending chunks and the file's progress in one transaction."""
        rows = [{"kb_id": kb_id, "document_id": doc_id, "generation": generation, "seq": c.seq,
                 "live": False, "context": c.context, "text": c.text, "page": c.page,
                 "offset": c.offset, "tokens": c.tokens,
                 "embedding": np.ascontiguousarray(v, dtype=np.float32).tobytes()}
                for c, v in zip(chunks, vectors, strict=True)]
        with self._writing() as conn:
            if rows:
                conn.execute(insert(kb_chunks), rows)
            if file_id is not None:
                conn.execute(update(ingest_files).where(ingest_files.c.id == file_id)
                             .values(chunks_done=done))

    def publish(self, kb: KnowledgeBase, doc_id: str, generation: int, *, title: str,
                fmt: str, content_hash: str, size: int, chunks: int,
                label: tuple[str, str] | None = None) -> None:
        """Swap the document's live chunks for `generation`, atomically. Publishing a
        generation that is already live, or older than the live one (a worker resumed after
        it had published), changes nothing."""
        with self._writing() as conn:
            current = conn.execute(select(kb_documents.c.generation)
                                   .where(kb_documents.c.id == doc_id)).scalar()
            if current is not None and int(current) >= generation:
                return
            self._drop_chunks(conn, kb, (kb_chunks.c.document_id == doc_id)
                              & (kb_chunks.c.generation != generation))
            conn.execute(update(kb_chunks).where(kb_chunks.c.document_id == doc_id,
                                                 kb_chunks.c.generation == generation)
                         .values(live=True))
            self.index.add(conn, doc_id, generation, kb.dims)
            _changed(conn, kb.id)
            conn.execute(update(kb_documents).where(kb_documents.c.id == doc_id).values(
                title=title, format=fmt, content_hash=content_hash, bytes=size, chunks=chunks,
                generation=generation, updated_at=time.time(),
                **({"sensitivity": label[0], "entity_types": label[1]} if label else {})))

    def discard(self, kb: KnowledgeBase, doc_id: str, generation: int) -> None:
        """Drop a generation that will not be published; forget a document that never was."""
        with self._writing() as conn:
            conn.execute(delete(kb_chunks).where(kb_chunks.c.document_id == doc_id,
                                                 kb_chunks.c.generation == generation,
                                                 ~kb_chunks.c.live))
            conn.execute(delete(kb_documents).where(kb_documents.c.id == doc_id,
                                                    kb_documents.c.generation == 0))

    # --- search ---

    def lexical(self, kb_ids: list[str], query: str, n: int) -> list[tuple[int, float]]:
        with self.db.engine.connect() as conn:
            return self.index.lexical(conn, kb_ids, query, n)

    def dense(self, kb_ids: list[str], vector: np.ndarray, dims: int,
              n: int) -> list[tuple[int, float]]:
        with self.db.engine.connect() as conn, conn.begin():
            return self.index.dense(conn, kb_ids, vector, dims, n)

    def titled(self, kb_ids: list[str], query: str, n: int) -> list[tuple[int, float]]:
        """First chunks of documents whose title or file name is the query (exact lookups)."""
        q = query.strip().lower()
        if not q or not kb_ids:
            return []
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(kb_chunks.c.id).join(kb_documents,
                                            kb_documents.c.id == kb_chunks.c.document_id)
                .where(kb_documents.c.kb_id.in_(kb_ids), kb_chunks.c.live,
                       (func.lower(kb_documents.c.title) == q)
                       | (func.lower(kb_documents.c.source) == q))
                .order_by(kb_chunks.c.seq).limit(n)).all()
        return [(int(r[0]), 1.0) for r in rows]

    def passages(self, scored: list[tuple[int, float]]) -> list[Passage]:
        with self.db.engine.connect() as conn:
            return self._passages(conn, scored)

    def _passages(self, conn: Connection, scored: list[tuple[int, float]]) -> list[Passage]:
        if not scored:
            return []
        rows = conn.execute(
            select(kb_chunks.c.id, kb_chunks.c.kb_id, kb_chunks.c.document_id,
                   kb_documents.c.source, kb_documents.c.title, kb_chunks.c.context,
                   kb_chunks.c.text, kb_chunks.c.page, kb_chunks.c.offset,
                   kb_documents.c.sensitivity)
            .join(kb_documents, kb_documents.c.id == kb_chunks.c.document_id)
            .where(kb_chunks.c.id.in_([i for i, _ in scored]), kb_chunks.c.live)).all()
        by_id = {int(r[0]): r for r in rows}
        return [Passage(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], s)
                for i, s in scored if (r := by_id.get(i)) is not None]

    def _drop_chunks(self, conn: Connection, kb: KnowledgeBase, where: Any) -> None:
        live = [r[0] for r in conn.execute(select(kb_chunks.c.id).where(where, kb_chunks.c.live))]
        self.index.remove(conn, live, kb.dims)
        conn.execute(delete(kb_chunks).where(where))
        if live:
            _changed(conn, kb.id)


def _changed(conn: Connection, kb_id: str) -> None:
    """Mark a base's live chunks as changed (in-memory vector copies refresh)."""
    conn.execute(update(knowledge_bases).where(knowledge_bases.c.id == kb_id)
                 .values(version=knowledge_bases.c.version + 1))


def check_name(name: str) -> None:
    """Names users give knowledge bases (memory bases are named by the memory package)."""
    if not name or len(name) > 100 or not set(name) <= NAME_CHARS or name.startswith("kb_"):
        raise InvalidRequest(f"invalid knowledge base name {name!r}: use 1-100 lower-case "
                             "letters, digits, '-', '_' or '.', not starting with 'kb_' (ids "
                             "do)", param="name")


def _kb(row: Any) -> KnowledgeBase:
    return KnowledgeBase(row.id, row.name, row.team, row.kind, Sensitivity.parse(row.sensitivity),
                         tuple(json.loads(row.readers)), row.embed_model, row.dims,
                         row.created_by, row.created_at)
