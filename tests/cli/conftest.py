"""The `running` server the CLI tests share (one per module that uses it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import ServerProcess

ADMIN = "hp-cli-admin"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with one generation at a time and no queue, short key cache."""
    proc = ServerProcess(tmp_path_factory.mktemp("cli"),
                         config="embedded: {chat: {max_queue: 0}}\nkey_cache_ttl_s: 0.5\n",
                         env={"HOMEPORT_ADMIN_KEY": ADMIN})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()
