"""Knowledge fixtures: both storage engines with vectors (SQLite + sqlite-vec, Postgres +
pgvector), and a real server tuned for ingestion tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from homeport.governance.keys import KeyStore
from homeport.storage.db import Database
from homeport.storage.schema import kb_chunks
from tests.conftest import reset_postgres


@pytest.fixture(params=["sqlite", "pgvector"])
def vector_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite in a temp dir, or a fresh schema on the pgvector-enabled Postgres."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'homeport.db'}"
    url: str = request.getfixturevalue("pgvector_url")
    reset_postgres(url)
    return url


@pytest.fixture
def vdb(vector_db_url: str) -> Iterator[Database]:
    db = Database(vector_db_url)
    db.migrate()
    yield db
    db.close()


def team_key(data_dir: Path, team: str,
             roles: tuple[str, ...] = ("member",)) -> tuple[str, str]:
    """A new API key for `team` (key, key id), written straight into a server's SQLite
    database, as `homeport keys create` does."""
    db = Database(f"sqlite:///{data_dir / 'homeport.db'}")
    try:
        key, info = KeyStore(db).create(team, name=f"{team}-test", roles=roles)
    finally:
        db.close()
    return key, info.id


def index_rows(db: Database, dims: int) -> tuple[set[int], set[int], set[int]]:
    """(live chunk ids, ids in the full-text index, ids in the vector index), read directly
    from the tables. Postgres's full-text index is a column of kb_chunks: its rows are the
    live chunks with a tsvector."""
    with db.engine.connect() as conn:
        live = {int(r[0]) for r in conn.execute(select(kb_chunks.c.id).where(kb_chunks.c.live))}
        if db.dialect == "sqlite":
            fts = {int(r[0]) for r in conn.exec_driver_sql("SELECT rowid FROM kb_chunks_fts")}
            fts_total = int(conn.exec_driver_sql("SELECT count(*) FROM kb_chunks_fts").scalar()
                            or 0)
            assert fts_total == len(fts), "duplicate rows in the full-text index"
            vec = {int(r[0]) for r in conn.exec_driver_sql(f"SELECT rowid FROM kb_vec_{dims}")}
        else:
            fts = {int(r[0]) for r in conn.exec_driver_sql(
                "SELECT id FROM kb_chunks WHERE live AND tsv IS NOT NULL")}
            vec = {int(r[0]) for r in conn.exec_driver_sql(
                f"SELECT chunk_id FROM kb_vec_{dims}")}
            total = int(conn.exec_driver_sql(f"SELECT count(*) FROM kb_vec_{dims}").scalar()
                        or 0)
            assert total == len(vec)
    return live, fts, vec


def live_seqs(db: Database) -> dict[str, list[int]]:
    """Each document's live chunk seqs in order (duplicates kept, to be seen)."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(kb_chunks.c.document_id, kb_chunks.c.seq)
                            .where(kb_chunks.c.live)
                            .order_by(kb_chunks.c.document_id, kb_chunks.c.seq)).all()
    out: dict[str, list[int]] = {}
    for doc, seq in rows:
        out.setdefault(str(doc), []).append(int(seq))
    return out


def chunk_count(db: Database, live: bool | None = None) -> int:
    q = select(func.count()).select_from(kb_chunks)
    if live is not None:
        q = q.where(kb_chunks.c.live if live else ~kb_chunks.c.live)
    with db.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())
