"""Stored conversations (`memory.conversations`), against a real `homeport serve`.

Chats go to a recording fake OpenAI-compatible cloud (`gpt`) unless their content keeps them
local; the turns are read back through GET /v1/memory/conversations and, for retention, in
the database itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from homeport.memory.conversations import Conversations
from homeport.storage.db import Database
from tests.conftest import ADMIN_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.helpers import ServerProcess, SpecValidator

pytestmark = pytest.mark.slow

HEADER = "x-homeport-conversation"
DAY = 86400.0


def config(cloud: FakeOpenAI, extra: str = "") -> str:
    return f"""
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x}}
models:
  - {{name: gpt, provider: cloud}}
memory:
  conversations: true
{extra}"""


@pytest.fixture(scope="module")
def server(cloud: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("conversations"), config=config(cloud),
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


@pytest.fixture(scope="module")
def alpha(server: ServerProcess) -> str:
    return server.create_key("alpha")


@pytest.fixture(scope="module")
def beta(server: ServerProcess) -> str:
    return server.create_key("beta")


@pytest.fixture
def fresh(cloud: FakeOpenAI) -> FakeOpenAI:
    return cloud.reset()


def chat(server: ServerProcess, key: str, user: str | None, messages: list[dict[str, str]],
         conversation: str | None = None, stream: bool = False,
         model: str = "gpt") -> tuple[str, dict[str, str]]:
    """(answer, response headers)."""
    c = openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=120)
    kw: dict[str, Any] = {"model": model, "messages": messages, "max_tokens": 8}
    if user:
        kw["user"] = user
    if conversation:
        kw["extra_headers"] = {HEADER: conversation}
    if stream:
        with c.chat.completions.with_streaming_response.create(stream=True, **kw) as resp:
            answer = ""
            for line in resp.iter_lines():
                if line.startswith("data: {"):
                    choices = json.loads(line[6:])["choices"]
                    if choices:
                        answer += choices[0]["delta"].get("content") or ""
            return answer, dict(resp.headers)
    raw = c.chat.completions.with_raw_response.create(**kw)
    return raw.parse().choices[0].message.content or "", dict(raw.headers)


def conversations(server: ServerProcess, key: str, user: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{server.url}/v1/memory/conversations", params={"user": user},
                  headers={"authorization": f"Bearer {key}"}, timeout=30)
    assert r.status_code == 200, r.text
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def said(conversation: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["role"], m["content"]) for m in conversation["messages"]]


# -- storing turns ------------------------------------------------------------------------------

def test_turns_are_stored_per_user_and_appended(server: ServerProcess, alpha: str,
                                                fresh: FakeOpenAI) -> None:
    fresh.replies += [Reply(text="Oolong."), Reply(text="Arabica."), Reply(text="Mango juice.")]
    first = [{"role": "system", "content": "Be brief."},
             {"role": "user", "content": "Name a good tea."}]
    answer, headers = chat(server, alpha, "gail", first)
    assert answer == "Oolong."
    conv = headers[HEADER]
    assert conv

    (stored,) = conversations(server, alpha, "gail")
    assert stored["id"] == conv and stored["team"] == "alpha" and stored["user"] == "gail"
    assert stored["object"] == "conversation"
    assert said(stored) == [("system", "Be brief."), ("user", "Name a good tea."),
                            ("assistant", "Oolong.")]
    assert {m["sensitivity"] for m in stored["messages"]} == {"public"}

    second = [*first, {"role": "assistant", "content": "Oolong."},
              {"role": "user", "content": "And a coffee?"}]
    answer, headers = chat(server, alpha, "gail", second, conversation=conv)
    assert answer == "Arabica." and headers[HEADER] == conv
    third = [*second, {"role": "assistant", "content": "Arabica."},
             {"role": "user", "content": "And a juice?"}]
    answer, headers = chat(server, alpha, "gail", third, conversation=conv, stream=True)
    assert answer == "Mango juice." and headers[HEADER] == conv

    (stored,) = conversations(server, alpha, "gail")
    assert said(stored) == [("system", "Be brief."), ("user", "Name a good tea."),
                            ("assistant", "Oolong."), ("user", "And a coffee?"),
                            ("assistant", "Arabica."), ("user", "And a juice?"),
                            ("assistant", "Mango juice.")]
    assert stored["updated_at"] >= stored["created_at"]

    # a new chat without the header is a new conversation; other users have none of these
    _, headers = chat(server, alpha, "gail", [{"role": "user", "content": "Hello again."}])
    assert headers[HEADER] != conv
    assert [c["id"] for c in conversations(server, alpha, "gail")] == [conv, headers[HEADER]]
    assert conversations(server, alpha, "hal") == []


def test_chats_without_a_user_are_not_stored(server: ServerProcess, alpha: str,
                                             fresh: FakeOpenAI) -> None:
    _, headers = chat(server, alpha, None, [{"role": "user", "content": "Anonymous question."}])
    assert HEADER not in headers
    db = Database(f"sqlite:///{Path(server.data_dir) / 'homeport.db'}")
    try:
        with db.engine.connect() as c:
            rows = c.exec_driver_sql("SELECT count(*) FROM conversation_messages "
                                     "WHERE content = 'Anonymous question.'").scalar()
    finally:
        db.close()
    assert rows == 0


def test_someone_elses_conversation_is_never_joined(server: ServerProcess, alpha: str,
                                                    beta: str, fresh: FakeOpenAI) -> None:
    _, headers = chat(server, alpha, "kim", [{"role": "user", "content": "Plan my week."}])
    kims = headers[HEADER]
    before = said(conversations(server, alpha, "kim")[0])

    # another user of the same team, and the same user name in another team
    for key, user in ((alpha, "lee"), (beta, "kim")):
        for stream in (False, True):
            _, headers = chat(server, key, user, [{"role": "user", "content": "Hijack."}],
                              conversation=kims, stream=stream)
            assert headers[HEADER] != kims
            theirs = conversations(server, key, user)
            assert headers[HEADER] in [c["id"] for c in theirs], (headers[HEADER], theirs)
            assert kims not in [c["id"] for c in theirs]
    (kim,) = conversations(server, alpha, "kim")
    assert kim["id"] == kims and said(kim) == before  # untouched
    assert len(conversations(server, beta, "kim")) == 2
    assert len(conversations(server, ADMIN_KEY, "kim")) == 3  # admin sees every team


def test_conversation_header_is_checked(server: ServerProcess, alpha: str,
                                        spec: SpecValidator) -> None:
    r = httpx.post(f"{server.url}/v1/chat/completions", timeout=60,
                   headers={"authorization": f"Bearer {alpha}", HEADER: "c" * 41},
                   json={"model": "gpt", "user": "mo",
                         "messages": [{"role": "user", "content": "Hi"}]})
    assert r.status_code == 400, r.text
    spec.validate("ErrorResponse", r.json())
    assert r.json()["error"]["param"] == HEADER
    assert conversations(server, alpha, "mo") == []


def test_a_restricted_turn_is_stored_with_its_label(server: ServerProcess, alpha: str,
                                                   fresh: FakeOpenAI) -> None:
    text = "My SSN is 536-22-8104, fill in the form."
    _, headers = chat(server, alpha, "ned", [{"role": "user", "content": text}])
    assert headers["x-homeport-route"] == "local/local"
    assert fresh.received == []
    (stored,) = conversations(server, alpha, "ned")
    assert stored["id"] == headers[HEADER]
    assert said(stored)[0] == ("user", text)
    assert {m["sensitivity"] for m in stored["messages"]} == {"restricted"}


# -- retention ----------------------------------------------------------------------------------

def _count(db: Database, conv_ids: list[str]) -> tuple[int, int]:
    marks = ",".join("?" * len(conv_ids))
    with db.engine.connect() as c:
        convs = c.exec_driver_sql(f"SELECT count(*) FROM conversations WHERE id IN ({marks})",
                                  tuple(conv_ids)).scalar()
        msgs = c.exec_driver_sql("SELECT count(*) FROM conversation_messages WHERE "
                                 f"conversation_id IN ({marks})", tuple(conv_ids)).scalar()
    return int(convs or 0), int(msgs or 0)


def test_purge_deletes_conversations_past_retention(server: ServerProcess, alpha: str,
                                                    fresh: FakeOpenAI) -> None:
    """`Conversations.purge` on the server's own database, with the clock moved forward."""
    _, headers = chat(server, alpha, "olga", [{"role": "user", "content": "Remember this."}])
    conv = headers[HEADER]
    db = Database(f"sqlite:///{Path(server.data_dir) / 'homeport.db'}")
    try:
        store = Conversations(db, retention_days=30)
        assert _count(db, [conv]) == (1, 2)
        store.purge(now=time.time() + 29 * DAY)
        assert _count(db, [conv]) == (1, 2)
        assert [c["id"] for c in conversations(server, alpha, "olga")] == [conv]

        assert store.purge(now=time.time() + 31 * DAY) >= 1
        assert _count(db, [conv]) == (0, 0)
        assert conversations(server, alpha, "olga") == []
    finally:
        db.close()


def test_the_server_purges_at_start(cloud: FakeOpenAI, tmp_path: Path) -> None:
    """A server restarted with a shorter retention deletes the conversations now too old."""
    proc = ServerProcess(tmp_path, config=config(cloud), env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    try:
        _, headers = chat(proc, ADMIN_KEY, "pia", [{"role": "user", "content": "Old news."}])
        assert len(conversations(proc, ADMIN_KEY, "pia")) == 1
    finally:
        assert proc.stop() == 0, proc.output()
    assert proc.config_path is not None
    proc.config_path.write_text(config(cloud, "  retention_days: 0.00001\n"))  # < 1 second
    time.sleep(1.0)  # the conversation is now older than the retention period
    proc.start()
    try:
        deadline = time.monotonic() + 30
        while conversations(proc, ADMIN_KEY, "pia"):
            assert time.monotonic() < deadline, "the startup purge did not run"
            time.sleep(0.2)
        db = Database(f"sqlite:///{tmp_path / 'homeport.db'}")
        try:
            assert _count(db, [headers[HEADER]]) == (0, 0)
        finally:
            db.close()
    finally:
        assert proc.stop() == 0, proc.output()


# -- off by default -----------------------------------------------------------------------------

def test_conversations_are_not_stored_when_disabled(tmp_path: Path, cloud: FakeOpenAI) -> None:
    proc = ServerProcess(tmp_path, config=config(cloud).replace("conversations: true",
                                                                "conversations: false"),
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    try:
        for stream in (False, True):
            _, headers = chat(proc, ADMIN_KEY, "quinn",
                              [{"role": "user", "content": "Do not keep this."}],
                              conversation="conv-mine", stream=stream)
            assert HEADER not in headers
        assert conversations(proc, ADMIN_KEY, "quinn") == []
    finally:
        assert proc.stop() == 0, proc.output()
    db = Database(f"sqlite:///{tmp_path / 'homeport.db'}")
    try:
        with db.engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM conversations").scalar() == 0
            assert c.exec_driver_sql("SELECT count(*) FROM conversation_messages").scalar() == 0
    finally:
        db.close()
