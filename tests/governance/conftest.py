"""A migrated database on both engines (SQLite and the machine's Postgres)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from homeport.storage.db import Database


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.migrate()
    yield database
    database.close()
