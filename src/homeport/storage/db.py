"""The database: one SQLAlchemy Core engine (SQLite by default, Postgres when configured).

Calls are synchronous and short; async code runs them in worker threads with `run()`, so the
event loop never blocks on the database. SQLite uses the `pysqlite3` driver (a bundled SQLite
that can load extensions) in WAL mode, so the server and CLI commands share one file safely.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from homeport.errors import ConfigError

T = TypeVar("T")
_MIGRATIONS = Path(__file__).parent / "migrations"
_SQLITE_BUSY_MS = 10_000


class Database:
    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.engine = _create_engine(self.url)
        self._local = threading.local()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to the newest migration (or `revision`); safe when several
        processes start at once."""
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        # SQLite: a lock file beside the database makes migrations wait for each other however
        # long one takes (the busy timeout alone gave up under load), and BEGIN IMMEDIATE keeps
        # other writers out; Postgres: an advisory lock.
        with self._migration_lock(), \
                self.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                self._foreign_keys_off(conn), conn.begin():
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            if self.dialect == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:  # rolled back: the data stays as it was
                    raise RuntimeError(f"a migration broke a foreign key: {tuple(broken)}")

    @contextlib.contextmanager
    def _foreign_keys_off(self, conn: Connection) -> Iterator[None]:
        """SQLite: foreign keys off while migrating, as SQLite's procedure for rebuilding a
        table requires (dropping the old table would cascade to the rows referencing it). The
        pragma only works outside a transaction, so it goes to the driver's connection."""
        if self.dialect != "sqlite":
            yield
            return
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield
        finally:
            raw.execute("PRAGMA foreign_keys=ON")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        path = make_url(self.url).database if self.dialect == "sqlite" else None
        if not path or path == ":memory:":
            yield
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(f"{path}.migrate-lock", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)  # released when the file closes
            yield

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction that will write after reading: on SQLite it takes the write lock up
        front (BEGIN IMMEDIATE), so it waits for other writers instead of failing with
        "database is locked" when its read snapshot is overtaken. Nested in the same thread,
        it joins the outer transaction (so an action and its audit record commit together)."""
        outer = self.current()
        if outer is not None:
            yield outer
            return
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                conn.begin():
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    def current(self) -> Connection | None:
        """The connection of this thread's open `writing()` transaction, if any."""
        return getattr(self._local, "conn", None)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking database function in a worker thread."""
        return await asyncio.to_thread(fn, *args)

    def close(self) -> None:
        self.engine.dispose()


def normalise_url(url: str) -> str:
    """Accept plain postgres:// URLs and point them at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as e:  # sqlalchemy raises ArgumentError with a terse message
        raise ConfigError(f"database_url {url!r} is not a valid database URL: {e}") from e
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise ConfigError(f"database_url: unsupported database {parsed.get_backend_name()!r}; "
                      "use sqlite:///PATH or postgresql://...")


def _sqlite_engine(url: str, path: str | None) -> Engine:
    import sqlite_vec
    from pysqlite3 import dbapi2 as sqlite  # bundled SQLite with extension loading

    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, module=sqlite, connect_args={"check_same_thread": False,
                                                             "timeout": _SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy manage transactions; pysqlite's implicit BEGIN is disabled.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        # sqlite-vec: vector search beside the documents, in the same file and transactions.
        dbapi_conn.enable_load_extension(True)
        sqlite_vec.load(dbapi_conn)
        dbapi_conn.enable_load_extension(False)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
