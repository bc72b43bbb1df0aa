"""The SQLite search paths added for speed: exact dense search over in-memory vector copies
(kept fresh across publishes and deletions, sqlite-vec beyond the memory budget), the BM25
posting budget, and the lexical fast path that filters another base's matches out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from homeport.knowledge.indexes import SqliteIndex
from homeport.knowledge.store import KnowledgeStore
from homeport.storage.db import Database
from homeport.types import Sensitivity
from tests.knowledge.test_store import DIMS, near, new_kb, unit, write


@pytest.fixture
def db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'homeport.db'}")
    db.migrate()
    return db


def exact(vectors: np.ndarray, ids: list[int], q: np.ndarray, n: int) -> list[int]:
    scores = vectors @ q
    return [ids[i] for i in np.argsort(-scores)[:n]]


def live_ids(store: KnowledgeStore, kb_id: str) -> list[int]:
    return [p.chunk_id for d in store.documents(kb_id) for p in store.chunks(d.id)]


def test_in_memory_search_is_exact_and_follows_every_change(db: Database) -> None:
    index = SqliteIndex(vector_memory_bytes=10 << 20)
    store = KnowledgeStore(db, index)
    kb = new_kb(store)
    v1 = np.stack([unit(i) for i in range(40)])
    doc, _ = write(store, kb, "a.md", [f"text {i}" for i in range(40)], v1)
    q = near(v1[7], 500, eps=0.3)
    ids = live_ids(store, kb.id)
    assert [i for i, _ in store.dense([kb.id], q, DIMS, 5)] == exact(v1, ids, q, 5)
    assert index.vectors._copies  # served from memory

    # A new version: the copy refreshes (no stale id, the new vectors found).
    v2 = np.stack([unit(100 + i) for i in range(30)])
    write(store, kb, "a.md", [f"new {i}" for i in range(30)], v2)
    q2 = near(v2[3], 501)
    ids2 = live_ids(store, kb.id)
    found = [i for i, _ in store.dense([kb.id], q2, DIMS, 5)]
    assert found == exact(v2, ids2, q2, 5)
    assert set(found) <= set(ids2)

    # A second document, then the first removed: only the survivor's chunks come back.
    v3 = np.stack([unit(200 + i) for i in range(5)])
    other, _ = write(store, kb, "b.md", [f"b {i}" for i in range(5)], v3)
    doc_a = store.document_by_source(kb.id, "a.md")
    assert doc_a is not None and doc_a.id == doc
    store.remove_document(kb, doc)
    found = [i for i, _ in store.dense([kb.id], q2, DIMS, 10)]
    assert sorted(found) == sorted(live_ids(store, kb.id))
    assert all(p.document_id == other for p in store.passages([(i, 0.0) for i in found]))


def test_beyond_the_memory_budget_sqlite_vec_answers(db: Database) -> None:
    index = SqliteIndex(vector_memory_bytes=0)
    store = KnowledgeStore(db, index)
    kb = new_kb(store)
    vectors = np.stack([unit(i) for i in range(20)])
    write(store, kb, "a.md", [f"t {i}" for i in range(20)], vectors)
    q = near(vectors[4], 7)
    best = store.dense([kb.id], q, DIMS, 3)
    assert best[0][0] == exact(vectors, live_ids(store, kb.id), q, 1)[0]
    assert not index.vectors._copies  # nothing held in memory


def test_lexical_finds_a_small_base_among_many_matches_of_another(db: Database) -> None:
    store = KnowledgeStore(db)
    big = new_kb(store, "big")
    texts = [f"kernel module loading notes {i}" for i in range(700)]
    write(store, big, "big.md", texts, np.stack([unit(i) for i in range(700)]))
    small = store.create("small", "team-b", Sensitivity.INTERNAL, [], "test-embed", DIMS, None)
    write(store, small, "s.md", ["a kernel module that fails to load"], np.stack([unit(9999)]))
    hits = store.passages(store.lexical([small.id], "kernel module", 5))
    assert [h.text for h in hits] == ["a kernel module that fails to load"]
    assert all(h.kb_id == big.id for h in store.passages(store.lexical([big.id], "kernel", 5)))


def test_common_terms_give_way_to_rare_ones(db: Database) -> None:
    store = KnowledgeStore(db)
    kb = new_kb(store)
    common = [f"package install notes {i}" for i in range(12_000)]
    texts = [*common, "install the zeroconf package"]
    write(store, kb, "a.md", texts, np.stack([unit(i % 50) for i in range(len(texts))]))
    hits = store.passages(store.lexical([kb.id], "install zeroconf package", 3))
    assert hits[0].text == "install the zeroconf package"
