"""`homeport memory export|forget`, run as a user would, on memories and conversations
written through the memory service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.types import Caller, ChatRequest, Message


def memory(*args: str, data_dir: Path, stdin: str | None = None,
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "homeport", "memory", *args,
                           "--data-dir", str(data_dir)], capture_output=True, text=True,
                          input=stdin, timeout=120,
                          env={**os.environ, "HOMEPORT_LOG_LEVEL": "warning"})


async def remember(data_dir: Path) -> None:
    """Dana's facts in two teams and one stored conversation; Lee's fact in one team."""
    rt = Runtime(Settings(data_dir=data_dir, embedded={"chat": None},
                          privacy={"ner": "never"}))
    rt.prepare()
    await rt.registry.providers["local-embed"].start()
    try:
        support = Caller("key_support", "support", frozenset({"member"}))
        sales = Caller("key_sales", "sales", frozenset({"member"}))
        await rt.memory.facts.add(support, "dana", "Prefers answers in metric units")
        await rt.memory.facts.add(sales, "dana", "Works on the Lisbon warehouse project")
        await rt.memory.facts.add(support, "lee", "Likes short answers")
        req = ChatRequest(model="local", user="dana",
                          messages=[Message("user", "How far is Porto from Lisbon?")])
        await rt.db.run(rt.memory.conversations.record, support, "dana", None, req,
                        "About 310 km.", "public")
    finally:
        await rt.stop()


async def test_export_and_forget_a_user(tmp_path: Path) -> None:
    await remember(tmp_path)

    exported = memory("export", "--user", "dana", data_dir=tmp_path)
    assert exported.returncode == 0, exported.stderr
    body = json.loads(exported.stdout)
    assert body["user"] == "dana"
    assert sorted((m["team"], m["text"]) for m in body["memories"]) == [
        ("sales", "Works on the Lisbon warehouse project"),
        ("support", "Prefers answers in metric units")]
    [conversation] = body["conversations"]
    assert [m["content"] for m in conversation["messages"]] == [
        "How far is Porto from Lisbon?", "About 310 km."]

    out = tmp_path / "dana.json"
    written = memory("export", "--user", "dana", "--out", str(out), data_dir=tmp_path)
    assert written.returncode == 0 and "2 memories" in written.stderr
    assert json.loads(out.read_text()) == body

    kept = memory("forget", "--user", "dana", data_dir=tmp_path, stdin="n\n")
    assert kept.returncode != 0 and "dana" in kept.stderr
    forgot = memory("forget", "--user", "dana", "--yes", data_dir=tmp_path)
    assert forgot.returncode == 0, forgot.stderr
    assert "erased 2 memories and 1 conversations" in forgot.stdout

    after = json.loads(memory("export", "--user", "dana", data_dir=tmp_path).stdout)
    assert after["memories"] == [] and after["conversations"] == []
    lee = json.loads(memory("export", "--user", "lee", data_dir=tmp_path).stdout)
    assert [m["text"] for m in lee["memories"]] == ["Likes short answers"]  # untouched


def test_a_bad_user_is_refused(tmp_path: Path) -> None:
    bad = memory("export", "--user", "", data_dir=tmp_path)
    assert bad.returncode != 0 and "user must be" in bad.stderr
