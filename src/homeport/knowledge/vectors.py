"""Exact dense search over a knowledge base's vectors held in memory (the SQLite engine).

sqlite-vec's brute-force KNN costs grow with k: at 100,000 chunks its 1-bit search took
28-68 ms for the 250-500 candidates rescoring needs, where one float32 matrix product over the
same vectors takes ~10 ms and is exact (bench/retrieval). So the vectors of recently searched
knowledge bases are kept in memory, up to `budget_bytes`; a base that does not fit is searched
with sqlite-vec. A base's `version` (bumped by every change to its live chunks, in the same
transaction) tells when the copy is stale; a refresh loads only the chunks added since and
drops those removed, so ingestion into a searched base does not reload it all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, func, select

from homeport.storage.schema import kb_chunks


@dataclass(slots=True)
class _Copy:
    version: int
    ids: np.ndarray  # int64, ascending
    matrix: np.ndarray  # float32 (len(ids), dims)

    @property
    def bytes(self) -> int:
        return int(self.matrix.nbytes + self.ids.nbytes)


class VectorCache:
    def __init__(self, budget_bytes: int):
        self.budget = budget_bytes
        self._copies: OrderedDict[str, _Copy] = OrderedDict()  # least recently used first
        self._too_big: dict[str, int] = {}  # base -> version found too big for the budget
        self._lock = threading.Lock()

    def search(self, conn: Connection, kb_id: str, version: int, dims: int,
               q: np.ndarray, n: int) -> list[tuple[int, float]] | None:
        """Top `n` (chunk id, cosine) of the base, or None when it does not fit in memory."""
        with self._lock:
            if self._too_big.get(kb_id) == version:
                return None
            copy = self._copies.pop(kb_id, None)
            if copy is None or copy.version != version:
                live = conn.execute(select(func.count()).select_from(kb_chunks).where(
                    kb_chunks.c.kb_id == kb_id, kb_chunks.c.live)).scalar_one()
                if live * (dims * 4 + 8) > self.budget:
                    self._too_big[kb_id] = version
                    return None
                copy = _refresh(conn, kb_id, version, dims, copy)
            self._copies[kb_id] = copy
            while sum(c.bytes for c in self._copies.values()) > self.budget:
                self._copies.popitem(last=False)
        if not len(copy.ids):
            return []
        scores = copy.matrix @ q
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top])]
        return [(int(copy.ids[i]), float(scores[i])) for i in top]



def _refresh(conn: Connection, kb_id: str, version: int, dims: int,
             old: _Copy | None) -> _Copy:
    live = np.array(conn.execute(select(kb_chunks.c.id).where(
        kb_chunks.c.kb_id == kb_id, kb_chunks.c.live).order_by(kb_chunks.c.id)).scalars().all(),
        dtype=np.int64)
    if old is None:
        kept_ids, kept = np.zeros(0, np.int64), np.zeros((0, dims), np.float32)
    else:
        keep = np.isin(old.ids, live, assume_unique=True)
        kept_ids, kept = old.ids[keep], old.matrix[keep]
    new_ids = np.setdiff1d(live, kept_ids, assume_unique=True)
    blobs: list[bytes] = []
    for start in range(0, len(new_ids), 5000):
        part = [int(i) for i in new_ids[start:start + 5000]]
        rows = dict(conn.execute(select(kb_chunks.c.id, kb_chunks.c.embedding)
                                 .where(kb_chunks.c.id.in_(part))).tuples().all())
        blobs += [rows[i] for i in part]
    added = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(new_ids), dims)
    ids = np.concatenate([kept_ids, new_ids])
    order = np.argsort(ids, kind="stable")
    return _Copy(version, ids[order], np.ascontiguousarray(np.vstack([kept, added])[order]))
