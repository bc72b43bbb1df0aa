"""Search indexes beside kb_chunks, one class per engine, same contract.

SQLite: FTS5 (BM25) in `kb_chunks_fts` and a sqlite-vec table per vector width holding 1-bit
quantised vectors (Hamming KNN, fast), rescored with the exact float vectors kept in kb_chunks.
Postgres: a tsvector column on kb_chunks (GIN) and a pgvector table per width (HNSW, cosine).
Only live chunks are indexed; `add`/`remove` run inside the caller's transaction, so the
documents, their chunks and both indexes always change together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Connection, select, text

from homeport.knowledge.vectors import VectorCache
from homeport.storage.schema import knowledge_bases

_WORD = re.compile(r"\w+", re.UNICODE)
POSTINGS_BUDGET = 10_000  # postings a BM25 query may score (SQLite); rarest terms first
# Words that carry no meaning in a query; dropped so a question's form does not drive BM25.
_STOPWORDS = """a an and are as at be been but by can could do does did for from had has have
how i if in into is it its me my no not of on or our should so such than that the their them
then there these they this to was we were what when where which who why will with would you
your about any get use using"""
STOPWORDS = frozenset(_STOPWORDS.split())


class Index(Protocol):
    def ensure(self, conn: Connection, dims: int) -> None: ...

    def add(self, conn: Connection, document_id: str, generation: int, dims: int) -> None: ...

    def remove(self, conn: Connection, chunk_ids: list[int], dims: int) -> None: ...

    def lexical(self, conn: Connection, kb_ids: list[str], query: str,
                n: int) -> list[tuple[int, float]]: ...

    def dense(self, conn: Connection, kb_ids: list[str], vector: np.ndarray, dims: int,
              n: int) -> list[tuple[int, float]]: ...


def query_terms(query: str) -> list[str]:
    """Distinct lower-cased words of a query, stopwords dropped unless nothing else is left."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))
    kept = [w for w in words if w not in STOPWORDS]
    return kept or words


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SqliteIndex:
    """FTS5 + sqlite-vec. Dense search is exact over in-memory copies of the vectors
    (knowledge/vectors.py) while they fit `vector_memory_bytes`; beyond, sqlite-vec's 1-bit
    KNN finds `oversample` candidates per result, rescored exactly."""

    def __init__(self, vector_memory_bytes: int = 1 << 30, oversample: int = 10):
        self.vectors = VectorCache(vector_memory_bytes)
        self.oversample = oversample

    def ensure(self, conn: Connection, dims: int) -> None:
        conn.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS kb_vec_{dims} USING vec0("
                             f"kb text partition key, emb bit[{dims}])")

    def add(self, conn: Connection, document_id: str, generation: int, dims: int) -> None:
        params = {"d": document_id, "g": generation}
        conn.execute(text("INSERT INTO kb_chunks_fts(rowid, body, kb) SELECT id, "
                          "context || ' ' || text, kb_id FROM kb_chunks "
                          "WHERE document_id = :d AND generation = :g"), params)
        conn.execute(text(f"INSERT INTO kb_vec_{dims}(rowid, kb, emb) SELECT id, kb_id, "
                          "vec_quantize_binary(embedding) FROM kb_chunks "
                          "WHERE document_id = :d AND generation = :g"), params)

    def remove(self, conn: Connection, chunk_ids: list[int], dims: int) -> None:
        for start in range(0, len(chunk_ids), 500):
            ids = chunk_ids[start:start + 500]
            marks = ",".join("?" * len(ids))
            conn.exec_driver_sql(f"DELETE FROM kb_chunks_fts WHERE rowid IN ({marks})",
                                 tuple(ids))
            conn.exec_driver_sql(f"DELETE FROM kb_vec_{dims} WHERE rowid IN ({marks})",
                                 tuple(ids))

    def lexical(self, conn: Connection, kb_ids: list[str], query: str,
                n: int) -> list[tuple[int, float]]:
        terms = self._affordable(conn, query_terms(query))
        if not terms or not kb_ids:
            return []
        words = f"body : ({' OR '.join(_quote(t) for t in terms)})"
        # Fast path: the best matches of every base, kept if in ours. Filtering inside FTS5
        # (the kb column) walks the whole base's postings: +20-30 ms at 100,000 chunks.
        wide = max(500, 3 * n)
        rows = self._bm25(conn, words, wide)
        ours = _members(conn, [r[0] for r in rows], kb_ids)
        hits = [r for r in rows if r[0] in ours][:n]
        if len(hits) < n and len(rows) == wide:  # other bases crowd ours out: filter in FTS5
            hits = self._bm25(conn, f"{words} AND kb : ({' OR '.join(map(_quote, kb_ids))})", n)
        return hits

    @staticmethod
    def _bm25(conn: Connection, match: str, n: int) -> list[tuple[int, float]]:
        rows = conn.exec_driver_sql(
            "SELECT rowid, bm25(kb_chunks_fts, 1.0, 0.0) AS r FROM kb_chunks_fts "
            "WHERE kb_chunks_fts MATCH ? ORDER BY r LIMIT ?", (match, n)).all()
        return [(int(r[0]), -float(r[1])) for r in rows]  # bm25() is lower-is-better

    def _affordable(self, conn: Connection, terms: list[str]) -> list[str]:
        """The query's rarest terms, up to `POSTINGS_BUDGET` postings in all (at least one).
        BM25 cost grows with the postings it scores, and a term in thousands of chunks adds
        little to the ranking (low IDF): at 100,000 chunks this keeps p95 near 10 ms."""
        counted = conn.exec_driver_sql
        postings = {t: counted("SELECT count(*) FROM (SELECT rowid FROM kb_chunks_fts WHERE "
                               "kb_chunks_fts MATCH ? LIMIT ?)",
                               (f"body : {_quote(t)}", POSTINGS_BUDGET + 1)).scalar_one()
                    for t in terms}
        kept: list[str] = []
        total = 0
        for term in sorted(terms, key=lambda t: postings[t]):
            if kept and total + postings[term] > POSTINGS_BUDGET:
                break
            kept.append(term)
            total += postings[term]
        return [t for t in terms if t in kept]

    def dense(self, conn: Connection, kb_ids: list[str], vector: np.ndarray, dims: int,
              n: int) -> list[tuple[int, float]]:
        if not kb_ids or not _exists(conn, f"kb_vec_{dims}"):
            return []
        q = np.ascontiguousarray(vector, dtype=np.float32)
        versions = conn.execute(select(knowledge_bases.c.id, knowledge_bases.c.version)
                                .where(knowledge_bases.c.id.in_(kb_ids))).tuples().all()
        found: list[tuple[int, float]] = []
        on_disk = []
        for kb_id, version in versions:
            hits = self.vectors.search(conn, kb_id, version, dims, q, n)
            if hits is None:
                on_disk.append(kb_id)
            else:
                found += hits
        if on_disk:
            found += self._knn(conn, on_disk, q, dims, n)
        return sorted(found, key=lambda hit: -hit[1])[:n]

    def _knn(self, conn: Connection, kb_ids: list[str], q: np.ndarray, dims: int,
             n: int) -> list[tuple[int, float]]:
        """sqlite-vec: Hamming KNN over 1-bit vectors, then exact rescoring."""
        marks = ",".join("?" * len(kb_ids))
        candidates = conn.exec_driver_sql(
            f"SELECT rowid FROM kb_vec_{dims} WHERE emb MATCH vec_quantize_binary(?) "
            f"AND k = ? AND kb IN ({marks})",
            (q.tobytes(), n * self.oversample, *kb_ids)).all()
        ids = [int(r[0]) for r in candidates]
        if not ids:
            return []
        rows = conn.exec_driver_sql(
            f"SELECT id, embedding FROM kb_chunks WHERE id IN ({','.join('?' * len(ids))})",
            tuple(ids)).all()
        return _rescore(rows, q, n)


class PostgresIndex:
    """tsvector (GIN) + pgvector (HNSW, cosine)."""

    def __init__(self, ef_search: int = 100):
        self.ef_search = ef_search

    def ensure(self, conn: Connection, dims: int) -> None:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS kb_vec_{dims} (chunk_id bigint "
                             f"PRIMARY KEY, kb_id text NOT NULL, emb vector({dims}) NOT NULL)")
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_kb_vec_{dims}_hnsw ON "
                             f"kb_vec_{dims} USING hnsw (emb vector_cosine_ops)")

    def add(self, conn: Connection, document_id: str, generation: int, dims: int) -> None:
        rows = conn.execute(text("SELECT id, kb_id, embedding FROM kb_chunks "
                                 "WHERE document_id = :d AND generation = :g"),
                            {"d": document_id, "g": generation}).all()
        for start in range(0, len(rows), 1000):
            conn.exec_driver_sql(
                f"INSERT INTO kb_vec_{dims} (chunk_id, kb_id, emb) VALUES (%s, %s, %s::vector)",
                [(r[0], r[1], _pg_vector(r[2])) for r in rows[start:start + 1000]])

    def remove(self, conn: Connection, chunk_ids: list[int], dims: int) -> None:
        if chunk_ids and _pg_exists(conn, f"kb_vec_{dims}"):
            conn.exec_driver_sql(f"DELETE FROM kb_vec_{dims} WHERE chunk_id = ANY(%s)",
                                 (chunk_ids,))

    def lexical(self, conn: Connection, kb_ids: list[str], query: str,
                n: int) -> list[tuple[int, float]]:
        terms = query_terms(query)
        if not terms or not kb_ids:
            return []
        # Each word becomes a quoted lexeme; OR: any word may match, ts_rank orders them.
        tsquery = " | ".join("'" + t.replace("'", "") + "'" for t in terms)
        rows = conn.exec_driver_sql(
            "SELECT id, ts_rank(tsv, q) AS r FROM kb_chunks, to_tsquery('english', %s) q "
            "WHERE live AND kb_id = ANY(%s) AND tsv @@ q ORDER BY r DESC LIMIT %s",
            (tsquery, kb_ids, n)).all()
        return [(int(r[0]), float(r[1])) for r in rows]

    def dense(self, conn: Connection, kb_ids: list[str], vector: np.ndarray, dims: int,
              n: int) -> list[tuple[int, float]]:
        if not kb_ids or not _pg_exists(conn, f"kb_vec_{dims}"):
            return []
        conn.exec_driver_sql(f"SET LOCAL hnsw.ef_search = {max(self.ef_search, n)}")
        conn.exec_driver_sql("SET LOCAL hnsw.iterative_scan = relaxed_order")
        q = _pg_vector(np.asarray(vector, dtype=np.float32).tobytes())
        rows = conn.exec_driver_sql(
            f"SELECT chunk_id, 1 - (emb <=> %s::vector) FROM kb_vec_{dims} "
            f"WHERE kb_id = ANY(%s) ORDER BY emb <=> %s::vector LIMIT %s",
            (q, kb_ids, q, n)).all()
        return [(int(r[0]), float(r[1])) for r in rows]


def index_for(dialect: str, vector_memory_mb: int = 1024) -> Index:
    if dialect == "sqlite":
        return SqliteIndex(vector_memory_mb * 1024 * 1024)
    return PostgresIndex()


def _members(conn: Connection, chunk_ids: list[int], kb_ids: list[str]) -> set[int]:
    """Which of the chunks belong to the bases."""
    if not chunk_ids:
        return set()
    rows = conn.exec_driver_sql(  # plain SQL: compiling a 500-value IN costs milliseconds
        f"SELECT id FROM kb_chunks WHERE id IN ({','.join('?' * len(chunk_ids))}) "
        f"AND kb_id IN ({','.join('?' * len(kb_ids))})", (*chunk_ids, *kb_ids)).all()
    return {int(r[0]) for r in rows}


def _rescore(rows: Sequence[Any], q: np.ndarray, n: int) -> list[tuple[int, float]]:
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
    scores = vectors.reshape(len(rows), -1) @ q
    top = np.argsort(-scores)[:n]
    return [(int(ids[i]), float(scores[i])) for i in top]


def _pg_vector(blob: bytes) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.frombuffer(blob, dtype=np.float32)) + "]"


def _exists(conn: Connection, table: str) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?",
                                (table,)).first() is not None


def _pg_exists(conn: Connection, table: str) -> bool:
    return conn.exec_driver_sql("SELECT to_regclass(%s)", (table,)).scalar() is not None
