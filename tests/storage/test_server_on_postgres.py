"""A real server on PostgreSQL: keys, requests and the ledger live in the database server."""

from __future__ import annotations

from pathlib import Path

import httpx
import psycopg

from tests.conftest import reset_postgres
from tests.helpers import ServerProcess


def test_serve_records_to_postgres(pg_url: str, tmp_path: Path) -> None:
    reset_postgres(pg_url)
    proc = ServerProcess(tmp_path, config="embedded: {chat: null}\n",
                         env={"HOMEPORT_ADMIN_KEY": "hp-pg-admin", "HOMEPORT_DATABASE_URL": pg_url})
    proc.start()
    auth = {"authorization": "Bearer hp-pg-admin"}
    for text in ("one", "two", "three"):
        r = httpx.post(f"{proc.url}/v1/embeddings", headers=auth,
                       json={"model": "local-embed", "input": text})
        assert r.status_code == 200
    assert httpx.get(f"{proc.url}/v1/models", headers={"authorization": "Bearer x"}) \
        .status_code == 401
    assert proc.stop() == 0, proc.output()
    assert not (tmp_path / "homeport.db").exists()  # nothing went to SQLite
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT endpoint, status, provider, team FROM requests").fetchall()
        admins = conn.execute("SELECT count(*) FROM api_keys WHERE roles = 'admin'").fetchone()
    assert rows == [("embeddings", 200, "local-embed", "admin")] * 3
    assert admins == (1,)
