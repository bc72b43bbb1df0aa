"""`homeport kb create|list|ingest|search|rm`, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import ServerProcess

QUIET = {"HOMEPORT_LOG_LEVEL": "warning"}


def kb(*args: str, data_dir: Path, stdin: str | None = None,
       timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "homeport", "kb", *args,
                           "--data-dir", str(data_dir)], capture_output=True, text=True,
                          input=stdin, timeout=timeout, env={**os.environ, **QUIET})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "guide.md").write_text(
        "# Operator guide\n\n## Backups\n\nRun the nightly backup at 02:00 with the snapshot "
        "tool and keep thirty days of snapshots.\n\n## Restores\n\nStop the service, then copy "
        "the snapshot back.\n")
    (docs / "notes.txt").write_text("The warehouse in Rotterdam ships pallets every Tuesday.\n")
    (docs / "sub" / "cities.csv").write_text("city,population\nLisbon,545000\nPorto,232000\n")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not really a PDF\n")
    (docs / "photo.png").write_bytes(b"\x89PNG\r\n")  # not a supported type: skipped
    (docs / ".hidden").mkdir()
    (docs / ".hidden" / "secret.md").write_text("# Not ingested\n")
    return docs


def test_kb_lifecycle(tmp_path: Path, folder: Path) -> None:
    data = tmp_path / "data"
    created = kb("create", "handbook", "--sensitivity", "confidential", "--reader", "legal",
                 "--team", "ops", data_dir=data)
    assert created.returncode == 0, created.stderr
    assert "handbook" in created.stdout and "confidential" in created.stdout

    first = kb("ingest", "handbook", str(folder), data_dir=data)
    assert first.returncode == 1, first.stdout + first.stderr  # the broken PDF failed
    assert "3 ingested" in first.stdout and "1 failed" in first.stdout, first.stdout
    assert "broken.pdf" in first.stdout and "not a valid PDF" in first.stdout
    assert "skipped 1 file" in first.stderr  # the .png; hidden folders are not walked

    listed = json.loads(kb("list", "--json", data_dir=data).stdout)["data"]
    assert [(b["name"], b["team"], b["sensitivity"], b["readers"], b["documents"])
            for b in listed] == [("handbook", "ops", "confidential", ["legal"], 3)]
    assert listed[0]["chunks"] >= 3
    table = kb("list", data_dir=data).stdout
    assert "handbook" in table and "confidential" in table

    again = kb("ingest", "handbook", str(folder), data_dir=data)
    assert "0 ingested" in again.stdout and "3 unchanged" in again.stdout, again.stdout

    found = kb("search", "handbook", "which day do pallets ship from the warehouse", "-k", "2",
               "--json", data_dir=data)
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)["results"]
    assert results[0]["rank"] == 1 and results[0]["source"] == "notes.txt"
    assert results[0]["title"] == "notes"  # named after the file, not its staged copy
    assert "Rotterdam" in results[0]["text"] and len(results) <= 2
    nested = kb("search", "handbook", "Lisbon population", "--mode", "bm25", data_dir=data)
    assert nested.returncode == 0 and "sub/cities.csv" in nested.stdout, nested.stdout
    headed = kb("search", "handbook", "nightly backup snapshots", "-k", "1", data_dir=data)
    assert "guide.md" in headed.stdout and "Backups" in headed.stdout, headed.stdout

    kept = kb("rm", "handbook", data_dir=data, stdin="n\n")
    assert kept.returncode != 0 and "3 documents" in kept.stderr
    assert "handbook" in kb("list", data_dir=data).stdout
    removed = kb("rm", "handbook", "--yes", data_dir=data)
    assert removed.returncode == 0 and "deleted" in removed.stdout
    assert json.loads(kb("list", "--json", data_dir=data).stdout)["data"] == []


def test_kb_errors_are_clear(tmp_path: Path, folder: Path) -> None:
    data = tmp_path / "data"
    unknown = kb("search", "nope", "anything", data_dir=data)
    assert unknown.returncode != 0
    assert "no knowledge base 'nope'" in unknown.stderr and "kb list" in unknown.stderr
    assert kb("create", "handbook", data_dir=data).returncode == 0
    twice = kb("create", "handbook", data_dir=data)
    assert twice.returncode != 0 and "already exists" in twice.stderr
    unsupported = kb("ingest", "handbook", str(folder / "photo.png"), data_dir=data)
    assert unsupported.returncode != 0
    assert "photo.png" in unsupported.stderr and "unsupported file type" in unsupported.stderr
    (tmp_path / "empty").mkdir()
    empty = kb("ingest", "handbook", str(tmp_path / "empty"), data_dir=data)
    assert empty.returncode != 0 and "no files to ingest" in empty.stderr


def test_ingest_beside_a_running_server(tmp_path: Path, folder: Path) -> None:
    """The CLI writes to the server's data; the server searches what the CLI ingested."""
    (folder / "broken.pdf").unlink()
    server = ServerProcess(tmp_path, config="embedded: {chat: null}\n",
                           env={"HOMEPORT_ADMIN_KEY": "hp-kb-cli-admin"})
    server.start()
    try:
        assert kb("create", "handbook", data_dir=tmp_path).returncode == 0
        ingested = kb("ingest", "handbook", str(folder), data_dir=tmp_path)
        assert ingested.returncode == 0, ingested.stdout + ingested.stderr
        assert "3 ingested" in ingested.stdout
        r = httpx.post(f"{server.url}/v1/knowledge/handbook/search", timeout=30,
                       headers={"authorization": "Bearer hp-kb-cli-admin"},
                       json={"query": "Rotterdam pallets", "k": 1})
        assert r.status_code == 200, r.text
        assert r.json()["results"][0]["source"] == "notes.txt"
    finally:
        assert server.stop() == 0, server.output()
