"""Ingestion survives its server: a real `homeport serve` is killed (SIGKILL) or stopped
(SIGTERM) in the middle of a job, restarted on the same data, and finishes the job with every
document whole: each document's live chunks are seqs 0..n-1 exactly once, the same chunks an
uninterrupted ingestion makes, and the search indexes hold exactly the live chunks."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import psutil
import pytest
from sqlalchemy import func, select, update

from homeport.knowledge.extract import extract
from homeport.providers.modelfiles import MINILM_TOKENIZER
from homeport.storage.db import Database
from homeport.storage.schema import ingest_files, kb_chunks, kb_documents
from tests.conftest import ADMIN_KEY
from tests.helpers import ServerProcess
from tests.knowledge.conftest import chunk_count, index_rows, live_seqs
from tests.knowledge.test_api import VOCAB, Api

pytestmark = pytest.mark.slow

# Small chunks and batches: the job advances in many small committed steps.
CONFIG = """
embedded: {chat: null}
knowledge: {embed_batch: 8, chunk_tokens: 32, chunk_overlap: 0, ingest_workers: 2}
"""
FILES = 4


def document(n: int, sections: int = 26) -> bytes:
    """A Markdown file of ~150 small chunks whose sections each hold a unique word."""
    out = [f"# Field Report {n}\n"]
    for s in range(sections):
        words = " ".join(VOCAB[(s * 3 + i * 7 + n) % len(VOCAB)] for i in range(90))
        out.append(f"## Section {s}\n\nmarker{n}x{s} {words}\n")
    return "\n".join(out).encode()


def corpus() -> list[tuple[str, bytes]]:
    return [(f"report-{n}.md", document(n)) for n in range(FILES)]


class Node:
    """One server on a data dir that outlives it; `restart` starts another on the same."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.proc = self._new()
        self.proc.start()

    def _new(self) -> ServerProcess:
        return ServerProcess(self.data_dir, config=CONFIG, env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})

    @property
    def api(self) -> Api:
        return Api(self.proc, ADMIN_KEY)

    def stop(self, sig: int) -> int:
        """Stop the server with `sig`; its extraction workers go with it (after SIGKILL they
        are orphans, as under any supervisor that kills the whole process group)."""
        assert self.proc.proc is not None
        children = psutil.Process(self.proc.proc.pid).children(recursive=True)
        code = self.proc.stop(sig, timeout=60)
        for child in children:
            if child.is_running():
                child.kill()
        return code

    def restart(self) -> None:
        self.proc = self._new()
        self.proc.start()

    def db(self) -> Database:
        return Database(f"sqlite:///{self.data_dir / 'homeport.db'}")


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    (tmp_path / "data").mkdir()
    n = Node(tmp_path / "data")
    yield n
    assert n.proc.proc is not None
    if n.proc.proc.poll() is None:
        assert n.stop(signal.SIGTERM) == 0, n.proc.output()


def start_job(node: Node) -> str:
    api = node.api
    assert api.create("reports").status_code == 200
    r = api.upload("reports", corpus())
    assert r.status_code == 202, r.text
    job_id: str = r.json()["job_id"]
    deadline = time.monotonic() + 120
    while True:  # until some chunks are stored, and far from all
        job = api.get(f"/reports/jobs/{job_id}").json()
        if job["progress"]["chunks_done"] > 0:
            break
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert job["status"] == "running"
    assert job["progress"]["chunks_done"] < job["progress"]["chunks"] / 2, job
    return job_id


def files(db: Database) -> list[Any]:
    with db.engine.connect() as conn:
        return list(conn.execute(select(ingest_files).order_by(ingest_files.c.id)))


def assert_progress_matches_stored_chunks(db: Database) -> None:
    """What a file's progress says is stored is exactly what is stored (one transaction)."""
    with db.engine.connect() as conn:
        for f in files(db):
            if f.status in ("running", "queued") and f.generation is not None:
                stored = conn.execute(select(func.count()).select_from(kb_chunks).where(
                    kb_chunks.c.document_id == f.document_id,
                    kb_chunks.c.generation == f.generation)).scalar_one()
                assert stored == f.chunks_done, f


def assert_complete(node: Node, job_id: str) -> dict[str, Any]:
    api = node.api
    job = api.wait("reports", job_id, timeout=300)
    assert job["status"] == "done" and job["error"] is None, job
    assert [f["status"] for f in job["files"]] == ["done"] * FILES, job
    assert all(f["chunks"] == f["chunks_done"] > 100 for f in job["files"]), job
    db = node.db()
    try:
        with db.engine.connect() as conn:
            docs = {r.id: r for r in conn.execute(select(kb_documents))}
            dims = int(conn.exec_driver_sql("SELECT dims FROM knowledge_bases").scalar_one())
        seqs = live_seqs(db)
        assert set(seqs) == set(docs) and len(docs) == FILES
        for doc_id, doc in docs.items():
            assert seqs[doc_id] == list(range(doc.chunks)), doc.source  # no gap, no duplicate
        assert chunk_count(db, live=False) == 0  # no pending chunks left behind
        live, fts, vec = index_rows(db, dims)
        assert fts == live and vec == live and len(live) == sum(d.chunks for d in docs.values())
    finally:
        db.close()
    for n in range(FILES):
        hits = api.search("reports", f"marker{n}x17", k=1, mode="bm25")
        assert hits and hits[0]["source"] == f"report-{n}.md" and f"marker{n}x17" in \
            hits[0]["text"]
    staged = [p for p in (node.data_dir / "uploads").rglob("*") if p.is_file()]
    work = [p for p in (node.data_dir / "ingest").rglob("*") if p.is_file()]
    assert staged == [] and work == []
    return job


def assert_same_as_uninterrupted(node: Node, job: dict[str, Any], tmp: Path) -> None:
    """The resumed documents hold exactly the chunks that parsing and chunking the files
    afresh makes (the ingestion worker's own extraction, run here in one go)."""
    api = node.api
    tmp = tmp / "fresh"
    tmp.mkdir()
    for (name, data), f in zip(corpus(), job["files"], strict=True):
        assert f["name"] == name
        src = tmp / name
        src.write_bytes(data)
        out = tmp / f"{name}.jsonl"
        extract(src, "markdown", out, MINILM_TOKENIZER, max_tokens=32, overlap=0)
        fresh = [orjson.loads(line) for line in out.read_bytes().splitlines()]
        resumed = api.get(f"/reports/documents/{f['document_id']}",
                          params={"include": "chunks"}).json()["chunks"]
        assert [(c["text"], c["location"]["offset"]) for c in resumed] == \
            [(p["text"], p["offset"]) for p in fresh], name


def test_a_killed_server_resumes_its_job_after_restart(node: Node, tmp_path: Path) -> None:
    job_id = start_job(node)
    assert node.stop(signal.SIGKILL) == -signal.SIGKILL

    db = node.db()
    try:
        left = files(db)
        running = [f for f in left if f.status == "running"]
        assert running, "the killed server held files"
        assert_progress_matches_stored_chunks(db)
        assert any(f.chunks_done > 0 for f in running)
        # However recently the dead server beat, its files must not wait for the heartbeat to go
        # stale: pretend it beat just now (well into the future), so only knowing that the
        # server is gone can free them.
        with db.engine.begin() as conn:
            conn.execute(update(ingest_files).where(ingest_files.c.status == "running")
                         .values(heartbeat=time.time() + 3600))
    finally:
        db.close()

    node.restart()
    job = assert_complete(node, job_id)
    assert_same_as_uninterrupted(node, job, tmp_path)


def test_a_stopped_server_hands_back_its_files_and_resumes(node: Node,
                                                          tmp_path: Path) -> None:
    job_id = start_job(node)
    assert node.stop(signal.SIGTERM) == 0, node.proc.output()

    db = node.db()
    try:
        left = files(db)
        assert not [f for f in left if f.status == "running"], "files were handed back"
        resumable = [f for f in left if f.status == "queued" and f.chunks_done > 0]
        assert resumable, "some progress was kept to resume from"
        assert_progress_matches_stored_chunks(db)
    finally:
        db.close()

    node.restart()
    job = assert_complete(node, job_id)
    assert_same_as_uninterrupted(node, job, tmp_path)
