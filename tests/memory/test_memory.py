"""Long-term memory through /v1/memory and in chats, against a real `homeport serve`.

The deployment has the embedded local models, a recording fake OpenAI-compatible cloud
(`cloud`, cleared up to internal) and stored conversations on. Teams `alpha` and `beta` each
have a key; export and erasure need the admin key. Erasure is checked in the SQLite file
itself: the facts' chunks, their FTS5 rows and their sqlite-vec rows must all be gone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import sqlite_vec
from pysqlite3 import dbapi2 as sqlite

from tests.conftest import ADMIN_KEY, reset_postgres
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.helpers import ServerProcess, SpecValidator

pytestmark = pytest.mark.slow

SSN = "536-22-8104"
FINN_SSN = "457-55-5462"


# -- the deployment -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(cloud: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = f"""
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x}}
models:
  - {{name: gpt, provider: cloud}}
memory:
  conversations: true
"""
    proc = ServerProcess(tmp_path_factory.mktemp("memory"), config=config,
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
    """The cloud fake with no scripted replies and nothing recorded yet."""
    return cloud.reset()


class Api:
    """/v1/memory as one key sees it."""

    def __init__(self, server: ServerProcess, key: str):
        self.url = f"{server.url}/v1/memory"
        self.auth = {"authorization": f"Bearer {key}"}

    def add(self, user: str, text: str) -> dict[str, Any]:
        r = httpx.post(self.url, headers=self.auth, json={"user": user, "text": text},
                       timeout=60)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def all(self, user: str) -> list[dict[str, Any]]:
        r = httpx.get(self.url, headers=self.auth, params={"user": user}, timeout=30)
        assert r.status_code == 200, r.text
        data: list[dict[str, Any]] = r.json()["data"]
        return data

    def search(self, user: str, query: str, k: int = 5) -> list[dict[str, Any]]:
        r = httpx.post(f"{self.url}/search", headers=self.auth,
                       json={"user": user, "query": query, "k": k}, timeout=60)
        assert r.status_code == 200, r.text
        results: list[dict[str, Any]] = r.json()["results"]
        return results

    def delete(self, user: str, memory_id: str) -> httpx.Response:
        return httpx.delete(f"{self.url}/{memory_id}", headers=self.auth, params={"user": user},
                            timeout=30)

    def conversations(self, user: str) -> list[dict[str, Any]]:
        r = httpx.get(f"{self.url}/conversations", headers=self.auth, params={"user": user},
                      timeout=30)
        assert r.status_code == 200, r.text
        data: list[dict[str, Any]] = r.json()["data"]
        return data

    def export(self, user: str) -> httpx.Response:
        return httpx.get(f"{self.url}/export", headers=self.auth, params={"user": user},
                         timeout=30)

    def forget(self, user: str) -> httpx.Response:
        return httpx.delete(self.url, headers=self.auth, params={"user": user}, timeout=30)


def client(server: ServerProcess, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=120)


def chat(server: ServerProcess, key: str, user: str | None, text: str,
         stream: bool = False) -> tuple[str, dict[str, str]]:
    """(answer, response headers) of a chat with the cloud model `gpt`."""
    c = client(server, key)
    messages = [{"role": "user", "content": text}]
    extra = {"user": user} if user else {}
    if stream:
        with c.chat.completions.with_streaming_response.create(
                model="gpt", messages=messages, stream=True, max_tokens=8,  # type: ignore[arg-type]
                **extra) as resp:  # type: ignore[arg-type]
            answer = ""
            for line in resp.iter_lines():
                if line.startswith("data: {"):
                    choices = json.loads(line[6:])["choices"]
                    if choices:
                        answer += choices[0]["delta"].get("content") or ""
            return answer, dict(resp.headers)
    raw = c.chat.completions.with_raw_response.create(
        model="gpt", messages=messages, max_tokens=8, **extra)  # type: ignore[arg-type]
    return raw.parse().choices[0].message.content or "", dict(raw.headers)


def error_of(r: httpx.Response, status: int, spec: SpecValidator) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    spec.validate("ErrorResponse", body)
    return body["error"]


def recalled_note(request: dict[str, Any]) -> str | None:
    notes = [m["content"] for m in request["messages"] if m["role"] == "system"
             and m["content"].startswith("What you remember about this user:")]
    assert len(notes) <= 1
    return notes[0] if notes else None


# -- the API ------------------------------------------------------------------------------------

def test_add_list_search_delete(server: ServerProcess, alpha: str, spec: SpecValidator) -> None:
    api = Api(server, alpha)
    tea = api.add("ann", "Drinks oolong tea every afternoon.")
    bees = api.add("ann", "Keeps three beehives in the garden.")
    for m, text in ((tea, "Drinks oolong tea every afternoon."),
                    (bees, "Keeps three beehives in the garden.")):
        assert m["object"] == "memory" and m["user"] == "ann" and m["text"] == text
        assert m["sensitivity"] == "public" and m["entity_types"] == []
        assert m["id"] and isinstance(m["created_at"], int)
    assert tea["id"] != bees["id"]

    listed = api.all("ann")
    assert [(m["id"], m["text"]) for m in listed] == [(tea["id"], tea["text"]),
                                                    (bees["id"], bees["text"])]
    assert api.all("someone-else") == []

    found = api.search("ann", "beehives and honey", k=1)
    assert [r["id"] for r in found] == [bees["id"]]
    assert found[0]["text"] == bees["text"] and found[0]["sensitivity"] == "public"
    assert api.search("ann", "tea", k=1)[0]["id"] == tea["id"]

    r = api.delete("ann", bees["id"])
    assert r.status_code == 200, r.text
    assert r.json() == {"id": bees["id"], "object": "memory.deleted", "deleted": True}
    assert [m["id"] for m in api.all("ann")] == [tea["id"]]
    assert bees["id"] not in [x["id"] for x in api.search("ann", "beehives and honey")]
    error_of(api.delete("ann", bees["id"]), 404, spec)


def test_bad_input_gets_openai_errors(server: ServerProcess, alpha: str,
                                      spec: SpecValidator) -> None:
    api = Api(server, alpha)
    auth = api.auth
    error_of(httpx.post(api.url, headers=auth, json={"user": "ann", "text": ""}), 400, spec)
    error_of(httpx.post(api.url, headers=auth, json={"user": "", "text": "x"}), 400, spec)
    error_of(httpx.post(api.url, headers=auth, json={"user": "ann", "text": "x" * 2001}), 400,
             spec)
    assert error_of(httpx.get(api.url, headers=auth), 400, spec)["param"] == "user"
    error_of(httpx.post(api.url, json={"user": "ann", "text": "hello"}), 401, spec)


def test_sensitive_memories_are_labeled(server: ServerProcess, alpha: str) -> None:
    api = Api(server, alpha)
    restricted = api.add("ivy", f"My SSN is {SSN} and my email is ivy.r@example.com")
    assert restricted["sensitivity"] == "restricted"
    assert restricted["entity_types"] == ["EMAIL", "SSN"]
    confidential = api.add("ivy", "Reach me at ivy.r@example.com for invoices.")
    assert confidential["sensitivity"] == "confidential"
    assert confidential["entity_types"] == ["EMAIL"]
    labels = {m["id"]: (m["sensitivity"], m["entity_types"]) for m in api.all("ivy")}
    assert labels == {restricted["id"]: ("restricted", ["EMAIL", "SSN"]),
                      confidential["id"]: ("confidential", ["EMAIL"])}
    found = {r["id"]: r["sensitivity"] for r in api.search("ivy", "social security number")}
    assert found[restricted["id"]] == "restricted"


# -- recall into chats --------------------------------------------------------------------------

def test_public_memory_is_recalled_into_a_cloud_chat(server: ServerProcess, alpha: str,
                                                     fresh: FakeOpenAI) -> None:
    Api(server, alpha).add("bo", "Keeps three beehives in the garden.")
    _, headers = chat(server, alpha, "bo", "What supplies should I buy for my hobby?")
    assert headers["x-homeport-route"] == "cloud/gpt"
    (request,) = fresh.requests
    note = recalled_note(request)
    assert note is not None and "- Keeps three beehives in the garden." in note
    assert request["messages"][-1] == {"role": "user",
                                       "content": "What supplies should I buy for my hobby?"}

    # no user, or a user with no memories: nothing recalled
    chat(server, alpha, None, "What supplies should I buy for my hobby?")
    chat(server, alpha, "nobody", "What supplies should I buy for my hobby?")
    assert [recalled_note(r) for r in fresh.requests[1:]] == [None, None]


@pytest.mark.parametrize("stream", [False, True])
def test_restricted_memory_forces_a_local_route(server: ServerProcess, alpha: str,
                                                fresh: FakeOpenAI, stream: bool) -> None:
    user = f"cy-{stream}"
    Api(server, alpha).add(user, f"My social security number is {SSN}.")
    _, headers = chat(server, alpha, user, "Fill in my tax form.", stream=stream)
    assert headers["x-homeport-route"] == "local/local"
    assert headers["x-homeport-sensitivity"] == "restricted"
    assert fresh.received == []


def test_confidential_memory_keeps_a_chat_off_an_internal_cloud(
        server: ServerProcess, alpha: str, fresh: FakeOpenAI) -> None:
    """A fact about a person (NER) is confidential; the cloud is cleared up to internal."""
    Api(server, alpha).add("dee", "My manager is Quillifer Bramblewick.")
    _, headers = chat(server, alpha, "dee", "Who should approve my leave request?")
    assert headers["x-homeport-route"] == "local/local"
    assert headers["x-homeport-sensitivity"] == "confidential"
    assert fresh.received == []


# -- teams --------------------------------------------------------------------------------------

def test_another_team_cannot_read_a_teams_user_memories(
        server: ServerProcess, alpha: str, beta: str, fresh: FakeOpenAI,
        spec: SpecValidator) -> None:
    mine, theirs = Api(server, alpha), Api(server, beta)
    fact = mine.add("dan", "Plays the bassoon in a community orchestra.")
    chat(server, alpha, "dan", "Which concerts are on this week?")
    assert mine.conversations("dan")

    assert theirs.all("dan") == []
    assert theirs.search("dan", "bassoon orchestra") == []
    assert theirs.conversations("dan") == []
    error_of(theirs.delete("dan", fact["id"]), 404, spec)
    fresh.requests.clear()
    chat(server, beta, "dan", "Which instrument do I play?")
    assert recalled_note(fresh.requests[0]) is None
    assert "bassoon" not in json.dumps(fresh.requests)

    assert [m["id"] for m in mine.all("dan")] == [fact["id"]]  # untouched
    assert mine.search("dan", "bassoon orchestra")[0]["id"] == fact["id"]


def test_team_and_user_names_do_not_collide(server: ServerProcess, alpha: str,
                                            fresh: FakeOpenAI) -> None:
    """A memory base is named after (team, user); team `alpha` with user `ops:eve` must not
    share memories with team `alpha:ops` and user `eve`."""
    Api(server, alpha).add("ops:eve", "Plays the bassoon in a community orchestra.")
    other = server.create_key("alpha:ops")
    api = Api(server, other)
    assert api.all("eve") == []
    assert api.search("eve", "bassoon") == []
    own = api.add("eve", "Drinks oolong tea every afternoon.")
    assert [m["id"] for m in api.all("eve")] == [own["id"]]
    assert [m["text"] for m in Api(server, alpha).all("ops:eve")] == [
        "Plays the bassoon in a community orchestra."]
    chat(server, other, "eve", "Which instrument do I play?")
    assert "bassoon" not in json.dumps(fresh.requests)


# -- export and erasure -------------------------------------------------------------------------

def test_export_holds_memories_and_conversations(server: ServerProcess, alpha: str, beta: str,
                                                 spec: SpecValidator, fresh: FakeOpenAI) -> None:
    a = Api(server, alpha).add("erin", "Drinks oolong tea every afternoon.")
    b = Api(server, beta).add("erin", "Keeps three beehives in the garden.")
    fresh.default = Reply(text="Try a green oolong.")
    chat(server, alpha, "erin", "Recommend a tea for me.")

    for key in (alpha, beta):
        error_of(Api(server, key).export("erin"), 403, spec)
    r = Api(server, ADMIN_KEY).export("erin")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "memory.export" and body["user"] == "erin"
    memories = {m["id"]: (m["team"], m["text"]) for m in body["memories"]}
    assert memories == {a["id"]: ("alpha", a["text"]), b["id"]: ("beta", b["text"])}
    (conversation,) = body["conversations"]
    assert conversation["team"] == "alpha" and conversation["user"] == "erin"
    assert [(m["role"], m["content"]) for m in conversation["messages"]] == [
        ("user", "Recommend a tea for me."), ("assistant", "Try a green oolong.")]


def _db(server: ServerProcess) -> Any:
    conn = sqlite.connect(str(Path(server.data_dir) / "homeport.db"))
    conn.enable_load_extension(True)
    sqlite_vec.load(conn)
    conn.enable_load_extension(False)
    return conn


def _held(conn: Any, user: str) -> dict[str, Any]:
    """What the database holds about `user`'s memories and conversations."""
    bases = [r[0] for r in conn.execute(
        "SELECT id FROM knowledge_bases WHERE kind = 'memory' AND name LIKE ?",
        (f"memory:%:{user}",))]
    marks = ",".join("?" * len(bases))
    chunks = [r[0] for r in conn.execute(
        f"SELECT id FROM kb_chunks WHERE kb_id IN ({marks})", bases)]
    docs = [r[0] for r in conn.execute(
        f"SELECT id FROM kb_documents WHERE kb_id IN ({marks})", bases)]
    convs = [r[0] for r in conn.execute("SELECT id FROM conversations WHERE user_id = ?",
                                        (user,))]
    return {"bases": bases, "chunks": chunks, "documents": docs, "conversations": convs}


def _indexed(conn: Any, chunk_ids: list[int]) -> tuple[int, int]:
    """(FTS5 rows, sqlite-vec rows) of these chunks."""
    fts = vec = 0
    for i in chunk_ids:
        fts += conn.execute("SELECT count(*) FROM kb_chunks_fts WHERE rowid = ?",
                            (i,)).fetchone()[0]
        vec += conn.execute("SELECT count(*) FROM kb_vec_384 WHERE rowid = ?",
                            (i,)).fetchone()[0]
    return fts, vec


def test_forget_erases_facts_their_index_rows_and_conversations(
        server: ServerProcess, alpha: str, beta: str, fresh: FakeOpenAI,
        spec: SpecValidator) -> None:
    facts = [Api(server, alpha).add("finn", "Keeps three beehives beside the quernstone."),
             Api(server, alpha).add("finn", f"My social security number is {FINN_SSN}."),
             Api(server, beta).add("finn", "Plays the bassoon in a community orchestra.")]
    kept = Api(server, alpha).add("gus", "Keeps three beehives in the garden.")
    chat(server, alpha, "finn", "Which flowers do bees like?")
    chat(server, beta, "finn", "Which concerts are on this week?")
    chat(server, alpha, "gus", "Which flowers do bees like?")

    conn = _db(server)
    try:
        held = _held(conn, "finn")
        assert len(held["bases"]) == 2 and len(held["chunks"]) == 3
        assert sorted(held["documents"]) == sorted(f["id"] for f in facts)
        assert len(held["conversations"]) == 2
        assert _indexed(conn, held["chunks"]) == (3, 3)
        assert conn.execute("SELECT count(*) FROM kb_chunks_fts WHERE kb_chunks_fts MATCH ?",
                            ('"quernstone"',)).fetchone()[0] == 1
        others = _held(conn, "gus")
        assert len(others["chunks"]) == 1 and _indexed(conn, others["chunks"]) == (1, 1)

        for key in (alpha, beta):  # a team's key may not erase: nothing changes
            error_of(Api(server, key).forget("finn"), 403, spec)
        assert _held(conn, "finn") == held

        r = Api(server, ADMIN_KEY).forget("finn")
        assert r.status_code == 200, r.text
        assert r.json() == {"object": "memory.erased", "user": "finn",
                            "deleted": {"memories": 3, "conversations": 2}}

        assert _held(conn, "finn") == {"bases": [], "chunks": [], "documents": [],
                                       "conversations": []}
        assert _indexed(conn, held["chunks"]) == (0, 0)
        marks = ",".join("?" * len(held["conversations"]))
        assert conn.execute(f"SELECT count(*) FROM conversation_messages WHERE conversation_id "
                            f"IN ({marks})", held["conversations"]).fetchone()[0] == 0
        fts_hits = "SELECT count(*) FROM kb_chunks_fts WHERE kb_chunks_fts MATCH ?"
        assert conn.execute(fts_hits, ('"quernstone"',)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM kb_chunks WHERE text LIKE ?",
                            (f"%{FINN_SSN}%",)).fetchone()[0] == 0
        # someone else's memories and conversations are untouched
        assert _held(conn, "gus") == others and _indexed(conn, others["chunks"]) == (1, 1)
    finally:
        conn.close()

    assert Api(server, alpha).all("finn") == [] and Api(server, beta).all("finn") == []
    assert Api(server, alpha).search("finn", "beehives") == []
    export = Api(server, ADMIN_KEY).export("finn").json()
    assert export["memories"] == [] and export["conversations"] == []
    assert [m["id"] for m in Api(server, alpha).all("gus")] == [kept["id"]]
    # erasing again finds nothing; the user can start over
    assert Api(server, ADMIN_KEY).forget("finn").json()["deleted"] == {"memories": 0,
                                                                       "conversations": 0}
    again = Api(server, alpha).add("finn", "Drinks oolong tea every afternoon.")
    assert [m["id"] for m in Api(server, alpha).all("finn")] == [again["id"]]


@pytest.mark.postgres
def test_long_team_and_user_names_on_postgres(pgvector_url: str, tmp_path: Path) -> None:
    """A user may be 200 characters: its memory base's name must still fit the database's
    column (SQLite does not enforce lengths; Postgres does)."""
    reset_postgres(pgvector_url)
    proc = ServerProcess(tmp_path, config="embedded: {chat: null}\n",
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY,
                              "HOMEPORT_DATABASE_URL": pgvector_url})
    proc.start()
    try:
        key = proc.create_key("t" * 60)
        api = Api(proc, key)
        user = "u" * 200
        fact = api.add(user, "Keeps three beehives in the garden.")
        assert [m["id"] for m in api.all(user)] == [fact["id"]]
        assert api.search(user, "beehives")[0]["id"] == fact["id"]
        assert api.all("u" * 199) == []
        export = Api(proc, ADMIN_KEY).export(user).json()
        assert [m["id"] for m in export["memories"]] == [fact["id"]]
        erased = Api(proc, ADMIN_KEY).forget(user).json()
        assert erased["deleted"] == {"memories": 1, "conversations": 0}
        assert api.all(user) == []
    finally:
        assert proc.stop() == 0, proc.output()
