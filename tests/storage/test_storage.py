"""Storage on both engines: SQLite (a temp file) and the machine's real PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from homeport.errors import AuthenticationFailed, InvalidRequest, NotFound
from homeport.governance.keys import KeyStore
from homeport.settings import WriterConfig
from homeport.storage.db import Database, normalise_url
from homeport.storage.schema import ingest_jobs, kb_documents, knowledge_bases, requests
from homeport.storage.writer import BatchedWriter
from homeport.telemetry.events import RequestRecord


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    database.migrate()
    yield database
    database.close()


def count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(requests)).scalar_one())


def record(i: int) -> dict[str, object]:
    return RequestRecord(id=f"req-{i}", ts=time.time(), endpoint="chat", model_requested="m",
                         status=200, prompt_tokens=i).row()


def test_migrations_are_idempotent_and_safe_in_parallel(db_url: str) -> None:
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            d = Database(db_url)
            d.migrate()
            d.close()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    d = Database(db_url)
    d.migrate()
    assert d.ping() and count(d) == 0
    d.close()


def test_knowledge_names_become_per_team_and_nothing_is_lost(db_url: str) -> None:
    """0008 rebuilds knowledge_bases on SQLite: the documents and jobs that reference it stay
    (with foreign keys on, dropping the old table would have cascaded to them)."""
    db = Database(db_url)
    db.migrate("0007")
    base = {"team": "team-a", "kind": "documents", "sensitivity": "internal", "readers": "[]",
            "embed_model": "m", "dims": 4, "version": 0, "created_at": 1.0}
    with db.engine.begin() as conn:
        conn.execute(insert(knowledge_bases).values(id="kb_1", name="handbook", **base))
        conn.execute(insert(kb_documents).values(
            id="doc_1", kb_id="kb_1", source="a.md", title="A", format="markdown",
            content_hash="h", bytes=1, chunks=0, generation=1, created_at=1.0, updated_at=1.0))
        conn.execute(insert(ingest_jobs).values(id="job_1", kb_id="kb_1", status="done",
                                                created_at=1.0, updated_at=1.0))
    db.migrate()
    with db.engine.begin() as conn:
        assert conn.execute(select(kb_documents.c.id)).scalars().all() == ["doc_1"]
        assert conn.execute(select(ingest_jobs.c.id)).scalars().all() == ["job_1"]
        conn.execute(insert(knowledge_bases).values(id="kb_2", name="handbook",
                                                    **{**base, "team": "team-b"}))
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(insert(knowledge_bases).values(id="kb_3", name="handbook", **base))
    with db.engine.begin() as conn:  # foreign keys are on again: deleting a base cascades
        conn.execute(delete(knowledge_bases).where(knowledge_bases.c.id == "kb_1"))
        assert conn.execute(select(kb_documents.c.id)).scalars().all() == []
    db.close()


def test_sqlite_uses_wal(tmp_path: object) -> None:
    d = Database(f"sqlite:///{tmp_path}/x.db")
    with d.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    d.close()


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


async def test_writer_batches_and_flushes_everything_on_close(db: Database) -> None:
    writer = BatchedWriter(db, requests, WriterConfig(queue_size=50, batch_size=20,
                                                      flush_interval_s=0.05))
    writer.start()
    for i in range(500):  # ten times the queue: rows wait for room, none is dropped
        writer.submit(record(i))
    await asyncio.sleep(0.3)
    assert count(db) > 0  # written in the background, before close
    await writer.close()
    assert count(db) == 500
    with db.engine.connect() as conn:
        assert conn.execute(select(func.sum(requests.c.prompt_tokens))).scalar_one() == \
            sum(range(500))


async def test_writer_flush_interval(db: Database) -> None:
    writer = BatchedWriter(db, requests, WriterConfig(batch_size=1000, flush_interval_s=0.1))
    writer.start()
    writer.submit(record(1))
    deadline = time.monotonic() + 3
    while count(db) == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert count(db) == 1  # a lone row does not wait for a full batch
    await writer.close()


def test_keys_create_list_revoke(db: Database) -> None:
    store = KeyStore(db, ttl=0)
    key, info = store.create("research", name="notebook")
    assert key.startswith("hp-") and info.team == "research" and info.roles == ("member",)
    caller = store.lookup(_hash(key))
    assert caller is not None and caller.team == "research" and caller.key_id == info.id
    assert [k.id for k in store.list()] == [info.id]
    with db.engine.connect() as conn:  # only the hash is stored
        stored = conn.exec_driver_sql("SELECT * FROM api_keys").fetchall()
    assert key not in repr(stored)
    store.revoke(info.prefix)
    assert store.lookup(_hash(key)) is None
    assert store.list() == [] and len(store.list(include_revoked=True)) == 1
    with pytest.raises(NotFound):
        store.revoke(info.id)
    with pytest.raises(InvalidRequest):
        store.create(" ")
    with pytest.raises(InvalidRequest):
        store.create("t", roles=("superuser",))


def test_ensure_admin(db: Database) -> None:
    store = KeyStore(db)
    generated = store.ensure_admin(None)
    assert generated is not None and store.lookup(_hash(generated)).is_admin  # type: ignore
    assert store.ensure_admin(None) is None  # an admin exists: nothing new
    assert store.ensure_admin("hp-from-env") is None
    assert store.lookup(_hash("hp-from-env")).is_admin  # type: ignore[union-attr]


async def test_authenticate_caches_and_sees_revocation(db: Database) -> None:
    store = KeyStore(db, ttl=0.2)
    key, info = store.create("t")
    assert (await store.authenticate(f"Bearer {key}")).key_id == info.id
    KeyStore(db).revoke(info.id)  # e.g. from the CLI, another process
    await asyncio.sleep(0.25)
    with pytest.raises(AuthenticationFailed):
        await store.authenticate(f"Bearer {key}")
    for header in (None, "", "Basic abc", "Bearer "):
        with pytest.raises(AuthenticationFailed):
            await store.authenticate(header)


def _hash(key: str) -> str:
    from homeport.governance.keys import hash_key

    return hash_key(key)
