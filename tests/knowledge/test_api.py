"""/v1/knowledge against a real `homeport serve` (embedded embedding model, no chat model):
knowledge bases, multi-file uploads of every format, job progress, re-uploads, search with
citations, documents, cancellation, and who may see or change what."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from fpdf import FPDF
from sqlalchemy import select

from homeport.storage.db import Database
from homeport.storage.schema import kb_chunks, kb_documents
from tests.conftest import ADMIN_KEY
from tests.helpers import ServerProcess, SpecValidator
from tests.knowledge.conftest import team_key

pytestmark = pytest.mark.slow

CONFIG = """
embedded: {chat: null}
knowledge: {embed_batch: 8}
"""
FINISHED = ("done", "unchanged", "failed", "cancelled")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("kb-api"), config=CONFIG,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


class Api:
    """A client with one key."""

    def __init__(self, server: ServerProcess, key: str | None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = httpx.Client(base_url=server.url, headers=headers, timeout=60)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get("/v1/knowledge" + path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.post("/v1/knowledge" + path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.delete("/v1/knowledge" + path, **kw)

    def create(self, name: str, **extra: Any) -> httpx.Response:
        return self.post("", json={"name": name, **extra})

    def upload(self, kb: str, files: list[tuple[str, bytes]]) -> httpx.Response:
        return self.post(f"/{kb}/documents",
                              files=[("file", (name, data)) for name, data in files])

    def ingest(self, kb: str, files: list[tuple[str, bytes]]) -> dict[str, Any]:
        r = self.upload(kb, files)
        assert r.status_code == 202, r.text
        return self.wait(kb, r.json()["job_id"])

    def wait(self, kb: str, job_id: str, timeout: float = 240) -> dict[str, Any]:
        """The job once it and every file in it have finished."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(f"/{kb}/jobs/{job_id}").json()
            if job["status"] in FINISHED and all(f["status"] in FINISHED for f in job["files"]):
                return job
            assert time.monotonic() < deadline, f"job did not finish: {job}"
            time.sleep(0.2)

    def search(self, kb: str, query: str, k: int = 5, mode: str = "hybrid") -> list[Any]:
        r = self.post(f"/{kb}/search", json={"query": query, "k": k, "mode": mode})
        assert r.status_code == 200, r.text
        results: list[Any] = r.json()["results"]
        return results


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Api:
    return Api(server, ADMIN_KEY)


@pytest.fixture(scope="module")
def keys(server: ServerProcess) -> dict[str, tuple[str, str]]:
    return {team: team_key(server.data_dir, team) for team in ("team-a", "team-b", "team-c")}


def api(server: ServerProcess, keys: dict[str, tuple[str, str]], team: str) -> Api:
    return Api(server, keys[team][0])


def assert_error(r: httpx.Response, status: int, spec: SpecValidator,
                 param: str | None = None, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    spec.validate("ErrorResponse", body)
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["message"]
    if param is not None:
        assert body["error"]["param"] == param
    if code is not None:
        assert body["error"]["code"] == code
    error: dict[str, Any] = body["error"]
    return error


# --- files of every format ----------------------------------------------------------------

FILLER = ("Routine inspection notes record the temperature, the vibration level and the "
          "name of the technician on duty. ")


def make_pdf() -> bytes:
    """Two pages; the second holds the flux capacitor sentence after a page of filler, so the
    passage that cites it starts on page 2."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.set_title("Turbine Service Manual")
    pdf.add_page()
    pdf.multi_cell(0, 6, "Chapter one explains the lubrication of the main bearing before "
                   "every start. " + FILLER * 8)
    pdf.add_page()
    pdf.multi_cell(0, 6, FILLER * 15 + "Chapter two: calibrate the flux capacitor with the "
                   "blue gauge after every hundred hours of operation. " + FILLER * 3)
    return bytes(pdf.output())


def make_docx() -> bytes:
    d = docx.Document()
    d.add_heading("Travel Policy", level=1)
    d.add_paragraph("Employees receive a per diem allowance for meals when travelling abroad. "
                    "Book trains rather than flights for journeys under four hours.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


FIREWALL_V1 = ("# Quarterly Firewall Review\n\n## Findings\n\nThe kumquat rule set was audited "
               "and three stale openings on the perimeter were closed.\n")
FIREWALL_V2 = ("# Quarterly Firewall Review\n\n## Findings\n\nThe rambutan rule set was "
               "audited and every perimeter opening now has an owner.\n")


def corpus() -> list[tuple[str, bytes]]:
    return [
        ("firewall.md", FIREWALL_V1.encode()),
        ("menu.html", b"<html><head><title>Cafeteria Menu</title></head><body><h1>Cafeteria "
                      b"Menu</h1><p>Lasagna is served on Mondays and gazpacho on Fridays.</p>"
                      b"</body></html>"),
        ("backup.rst", b"Backup Procedure\n================\n\nSnapshots of the archive volume "
                       b"are taken nightly and kept for thirty days.\n"),
        ("vpn.txt", b"VPN troubleshooting\n\nIf the client shows ERR_VPN_4012 after login, "
                    b"reset the hardware token and sign in again.\n"),
        ("assets.csv", b"asset,owner,location\nlaptop-7731,alice,berlin\n"
                       b"monitor-1180,bob,lisbon\n"),
        ("turbine.pdf", make_pdf()),
        ("travel.docx", make_docx()),
    ]


@pytest.fixture(scope="module")
def library(admin: Api) -> dict[str, Any]:
    """A knowledge base with one document of every format, ingested in one request."""
    assert admin.create("library").status_code == 200
    job = admin.ingest("library", corpus())
    return job


# --- knowledge bases ------------------------------------------------------------------------

def test_create_list_get_delete(admin: Api, spec: SpecValidator) -> None:
    r = admin.create("scratch", sensitivity="confidential", readers=["team-x"])
    assert r.status_code == 200, r.text
    kb = r.json()
    assert kb["name"] == "scratch" and kb["sensitivity"] == "confidential"
    assert kb["readers"] == ["team-x"] and kb["id"].startswith("kb_")
    assert "scratch" in [b["name"] for b in admin.get("").json()["data"]]
    assert admin.get("/scratch").json()["id"] == kb["id"]
    assert admin.get(f"/{kb['id']}").json()["name"] == "scratch"  # by id too

    r = admin.delete("/scratch")
    assert r.status_code == 200 and r.json()["deleted"] is True
    assert_error(admin.get("/scratch"), 404, spec)
    assert "scratch" not in [b["name"] for b in admin.get("").json()["data"]]
    assert_error(admin.delete("/scratch"), 404, spec)


def test_bad_knowledge_base_requests(admin: Api, spec: SpecValidator) -> None:
    for bad in ("Has Spaces", "UPPER", "semi;colon", "a" * 101, ""):
        assert_error(admin.create(bad), 400, spec, param="name")
    assert admin.create("once").status_code == 200
    err = assert_error(admin.create("once"), 400, spec, param="name", code="already_exists")
    assert "once" in err["message"]
    assert_error(admin.create("labelled", sensitivity="top-secret"), 400, spec,
                 param="sensitivity")
    assert_error(admin.post("", content=b"{not json"), 400, spec)
    assert_error(admin.post("", json={"name": "x", "readers": "team-b"}), 400, spec,
                 param="readers")
    assert admin.get("/labelled").status_code == 404
    admin.delete("/once")


def test_authentication_is_required(server: ServerProcess, spec: SpecValidator) -> None:
    for key in (None, "hp-not-a-real-key"):
        anon = Api(server, key)
        assert_error(anon.get(""), 401, spec)
        assert_error(anon.create("sneaky"), 401, spec)
        assert_error(anon.post("/library/search", json={"query": "x"}), 401, spec)
        assert_error(anon.upload("library", [("a.txt", b"hello")]), 401, spec)


# --- ingestion ------------------------------------------------------------------------------

def test_upload_of_every_format_in_one_request(library: dict[str, Any], admin: Api) -> None:
    job = library
    assert job["status"] == "done" and job["error"] is None, job
    files = {f["name"]: f for f in job["files"]}
    assert set(files) == {name for name, _ in corpus()}
    for f in files.values():
        assert f["status"] == "done" and f["error"] is None, f
        assert f["chunks"] > 0 and f["chunks_done"] == f["chunks"], f
        assert f["document_id"].startswith("doc_")
    p = job["progress"]
    assert p["files"] == p["files_done"] == 7
    assert p["chunks"] == p["chunks_done"] == sum(f["chunks"] for f in files.values())

    docs = {d["source"]: d for d in admin.get("/library/documents").json()["data"]}
    assert set(docs) == set(files)
    assert docs["turbine.pdf"]["format"] == "pdf" and docs["travel.docx"]["format"] == "docx"
    assert docs["firewall.md"]["title"] == "Quarterly Firewall Review"
    assert docs["menu.html"]["title"] == "Cafeteria Menu"
    for source, d in docs.items():
        assert d["id"] == files[source]["document_id"] and d["chunks"] == files[source]["chunks"]


def test_untitled_documents_are_named_after_their_file(library: dict[str, Any], admin: Api,
                                                       server: ServerProcess) -> None:
    """Not after the staged copy of the upload (named 00000.txt, ...)."""
    titles = {d["source"]: d["title"] for d in admin.get("/library/documents").json()["data"]}
    with server_db(server) as db, db.engine.connect() as conn:
        contexts = conn.execute(select(kb_chunks.c.context).distinct()).scalars().all()
    staged = re.compile(r"\d{5}( ›|$)")
    assert not [c for c in contexts if staged.match(c)]
    assert not {s: t for s, t in titles.items() if staged.match(t)}
    assert titles["vpn.txt"] == "vpn" and titles["assets.csv"] == "assets"


@pytest.mark.parametrize(("query", "source"), [
    ("ERR_VPN_4012", "vpn.txt"),
    ("laptop-7731", "assets.csv"),
    ("Quarterly Firewall Review", "firewall.md"),
    ("Cafeteria Menu", "menu.html"),
    ("Backup Procedure", "backup.rst"),
    ("per diem allowance for meals", "travel.docx"),
    ("calibrate the flux capacitor", "turbine.pdf"),
])
def test_the_right_document_ranks_first(library: dict[str, Any], admin: Api, query: str,
                                        source: str) -> None:
    results = admin.search("library", query)
    assert results and results[0]["source"] == source, [r["source"] for r in results]


def test_search_results_cite_their_source(library: dict[str, Any], admin: Api) -> None:
    docs = {f["name"]: f["document_id"] for f in library["files"]}
    for mode in ("hybrid", "bm25", "dense"):
        hit = admin.search("library", "flux capacitor blue gauge", k=3, mode=mode)[0]
        assert hit["source"] == "turbine.pdf" and hit["document_id"] == docs["turbine.pdf"]
        assert "flux capacitor" in hit["text"]
        assert hit["location"]["page"] == 2  # the second page of the PDF
        assert isinstance(hit["score"], float) and isinstance(hit["location"]["offset"], int)
    first = admin.search("library", "lubrication of the main bearing", k=1)[0]
    assert first["location"]["page"] == 1
    heading = admin.search("library", "kumquat rule set", k=1, mode="bm25")[0]
    assert heading["source"] == "firewall.md" and heading["location"]["headings"] == ["Findings"]
    assert len(admin.search("library", "policy", k=2)) <= 2


def test_search_rejects_bad_requests(library: dict[str, Any], admin: Api,
                                     spec: SpecValidator) -> None:
    post = admin.post
    assert_error(post("/library/search", json={"query": ""}), 400, spec, param="query")
    assert_error(post("/library/search", json={"query": "x", "k": 0}), 400, spec, param="k")
    assert_error(post("/library/search", json={"query": "x", "mode": "magic"}), 400, spec,
                 param="mode")
    assert_error(post("/nowhere/search", json={"query": "x"}), 404, spec)


def test_unsupported_files_are_refused_up_front(admin: Api, server: ServerProcess,
                                                spec: SpecValidator) -> None:
    assert admin.create("refusals").status_code == 200
    r = admin.upload("refusals", [("good.md", b"# Fine\n\ntext"), ("tool.exe", b"MZ\x90\x00")])
    err = assert_error(r, 400, spec, param="file", code="unsupported_format")
    assert ".exe" in err["message"] and ".pdf" in err["message"]
    assert_error(admin.upload("refusals", [("README", b"no suffix")]), 400, spec, param="file")
    assert_error(admin.post("/refusals/documents", json={"file": "x"}), 400, spec)
    assert_error(admin.post("/refusals/documents", files={"other": ("a.md", b"x")}), 400,
                 spec, param="file")
    assert admin.get("/refusals/documents").json()["data"] == []  # nothing was queued
    assert staged_files(server) == []  # and nothing is left on disk
    admin.delete("/refusals")


def staged_files(server: ServerProcess) -> list[Path]:
    return sorted(p for p in (server.data_dir / "uploads").rglob("*") if p.is_file())


def test_a_corrupt_file_fails_alone_with_a_reason(admin: Api) -> None:
    assert admin.create("mixed").status_code == 200
    job = admin.ingest("mixed", [("good.txt", b"Healthy text about gardening tomatoes."),
                                 ("broken.pdf", b"%PDF-1.7\n this is not really a pdf"),
                                 ("empty.md", b"")])
    files = {f["name"]: f for f in job["files"]}
    assert files["good.txt"]["status"] == "done"
    assert files["broken.pdf"]["status"] == "failed"
    assert "pdf" in files["broken.pdf"]["error"].lower()
    assert files["empty.md"]["status"] == "failed" and "no text" in files["empty.md"]["error"]
    assert job["status"] == "done" and job["error"] == "2 file(s) failed"
    docs = [d["source"] for d in admin.get("/mixed/documents").json()["data"]]
    assert docs == ["good.txt"]  # failed files leave no document behind
    assert admin.search("mixed", "gardening tomatoes")[0]["source"] == "good.txt"

    only_bad = admin.ingest("mixed", [("broken.pdf", b"not a pdf at all")])
    assert only_bad["status"] == "failed" and only_bad["files"][0]["status"] == "failed"
    admin.delete("/mixed")


def test_reupload_unchanged_then_changed(admin: Api, server: ServerProcess) -> None:
    assert admin.create("versions").status_code == 200
    first = admin.ingest("versions", [("firewall.md", FIREWALL_V1.encode()),
                                      ("other.txt", b"An unrelated note about parking.")])
    doc_id = first["files"][0]["document_id"]
    before = admin.get(f"/versions/documents/{doc_id}", params={"include": "chunks"}).json()

    same = admin.ingest("versions", [("firewall.md", FIREWALL_V1.encode())])
    assert same["status"] == "done"
    assert same["files"][0]["status"] == "unchanged", (first, same, before)
    assert same["files"][0]["document_id"] == doc_id
    assert same["progress"]["chunks_done"] == 0  # nothing was embedded again
    after = admin.get(f"/versions/documents/{doc_id}", params={"include": "chunks"}).json()
    assert [c["id"] for c in after["chunks"]] == [c["id"] for c in before["chunks"]]

    changed = admin.ingest("versions", [("firewall.md", FIREWALL_V2.encode())])
    assert changed["files"][0]["status"] == "done"
    assert changed["files"][0]["document_id"] == doc_id  # the same document, a new version
    assert admin.search("versions", "kumquat", mode="bm25") == []
    hits = admin.search("versions", "rambutan")
    assert hits[0]["document_id"] == doc_id and "rambutan" in hits[0]["text"]
    doc = admin.get(f"/versions/documents/{doc_id}", params={"include": "chunks"}).json()
    assert doc["sha256"] != before["sha256"]
    assert all("kumquat" not in c["text"] for c in doc["chunks"])
    assert len(admin.get("/versions/documents").json()["data"]) == 2
    with server_db(server) as db, db.engine.connect() as conn:  # the old version is gone
        stored = conn.execute(select(kb_chunks.c.text)
                              .where(kb_chunks.c.document_id == doc_id)).scalars().all()
    assert stored and all("kumquat" not in t for t in stored)
    admin.delete("/versions")


def test_documents_list_get_chunks_delete(library: dict[str, Any], admin: Api,
                                          spec: SpecValidator) -> None:
    assert admin.create("docs").status_code == 200
    job = admin.ingest("docs", [("a.md", b"# Alpha Notes\n\n" + b"Ostrich facts. " * 200),
                                ("b.md", b"# Beta Notes\n\nPenguin facts.")])
    ids = {f["name"]: f["document_id"] for f in job["files"]}
    listed = admin.get("/docs/documents").json()
    assert listed["object"] == "list"
    assert [d["source"] for d in listed["data"]] == ["a.md", "b.md"]

    doc = admin.get(f"/docs/documents/{ids['a.md']}").json()
    assert doc["title"] == "Alpha Notes" and "chunks" in doc and doc["chunks"] > 1
    full = admin.get(f"/docs/documents/{ids['a.md']}", params={"include": "chunks"}).json()
    assert len(full["chunks"]) == doc["chunks"]
    offsets = [c["location"]["offset"] for c in full["chunks"]]
    assert offsets == sorted(offsets)
    assert all("Ostrich" in c["text"] for c in full["chunks"])

    r = admin.delete(f"/docs/documents/{ids['a.md']}")
    assert r.status_code == 200 and r.json()["deleted"] is True
    assert_error(admin.get(f"/docs/documents/{ids['a.md']}"), 404, spec)
    assert_error(admin.delete(f"/docs/documents/{ids['a.md']}"), 404, spec)
    assert admin.search("docs", "ostrich", mode="bm25") == []
    assert {r["source"] for r in admin.search("docs", "ostrich facts")} == {"b.md"}
    # A document of another knowledge base is not reachable through this one.
    other = library["files"][0]["document_id"]
    assert_error(admin.get(f"/docs/documents/{other}"), 404, spec)
    assert_error(admin.delete(f"/docs/documents/{other}"), 404, spec)
    assert admin.get(f"/library/documents/{other}").status_code == 200
    assert_error(admin.get("/docs/jobs/job_nope"), 404, spec)
    admin.delete("/docs")


VOCAB = ["river", "stone", "maple", "copper", "lantern", "orbit", "velvet", "harbor", "quartz",
         "meadow", "ember", "falcon", "summit", "cedar", "prism", "tundra", "willow", "basalt",
         "coral", "glacier"]


def big_markdown(words: int, marker: str) -> bytes:
    body = " ".join(VOCAB[(i * 7 + i // 13) % len(VOCAB)] for i in range(words))
    return f"# {marker}\n\n{marker} {body}\n".encode()


def test_cancel_a_job(admin: Api, server: ServerProcess, spec: SpecValidator) -> None:
    assert admin.create("cancelling").status_code == 200
    files = [(f"huge-{i}.md", big_markdown(150_000, f"zeppelin{i}")) for i in range(3)]
    r = admin.upload("cancelling", files)
    assert r.status_code == 202
    job_id = r.json()["job_id"]
    cancelled = admin.post(f"/cancelling/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    job = admin.wait("cancelling", job_id)
    assert job["status"] == "cancelled"
    assert {f["status"] for f in job["files"]} == {"cancelled"}
    assert job["progress"]["chunks_done"] < job["progress"]["chunks"] or \
        job["progress"]["chunks"] == 0
    assert admin.get("/cancelling/documents").json()["data"] == []
    for i in range(3):
        assert admin.search("cancelling", f"zeppelin{i}", mode="bm25") == []
    with server_db(server) as db, db.engine.connect() as conn:  # no partial version stored
        kb_id = admin.get("/cancelling").json()["id"]
        assert conn.execute(select(kb_chunks.c.id).where(kb_chunks.c.kb_id == kb_id)).first() \
            is None
        assert conn.execute(select(kb_documents.c.id)
                            .where(kb_documents.c.kb_id == kb_id)).first() is None
    assert staged_files(server) == []  # the staged uploads are removed, queued ones too
    # Cancelling again, or a finished job, changes nothing; DELETE is the same as cancel.
    assert admin.delete(f"/cancelling/jobs/{job_id}").json()["status"] == "cancelled"
    assert_error(admin.post("/cancelling/jobs/job_unknown/cancel"), 404, spec)
    admin.delete("/cancelling")


# --- who may see and change what ------------------------------------------------------------

def test_teams_only_see_their_own_knowledge_bases(server: ServerProcess, admin: Api,
                                                  keys: dict[str, tuple[str, str]],
                                                  spec: SpecValidator) -> None:
    a, b = api(server, keys, "team-a"), api(server, keys, "team-b")
    assert a.create("a-private").json()["team"] == "team-a"
    job = a.ingest("a-private", [("secret.md", b"# Merger Plan\n\nCodename bluebird.")])
    doc_id = job["files"][0]["document_id"]
    assert a.search("a-private", "bluebird")[0]["source"] == "secret.md"

    missing = assert_error(b.get("/no-such-kb"), 404, spec)
    hidden = [
        b.get("/a-private"),
        b.get("/a-private/documents"),
        b.get(f"/a-private/documents/{doc_id}"),
        b.get(f"/a-private/jobs/{job['id']}"),
        b.post("/a-private/search", json={"query": "bluebird"}),
        b.upload("a-private", [("x.md", b"# planted")]),
        b.delete(f"/a-private/documents/{doc_id}"),
        b.post(f"/a-private/jobs/{job['id']}/cancel"),
        b.delete("/a-private"),
    ]
    for r in hidden:  # exactly as if it did not exist: no hint that it does
        err = assert_error(r, 404, spec)
        assert err == {**missing, "message": missing["message"].replace("no-such-kb",
                                                                        "a-private")}
        assert "bluebird" not in r.text and "team-a" not in r.text
    assert "a-private" not in [k["name"] for k in b.get("").json()["data"]]
    kb_id = a.get("/a-private").json()["id"]
    assert_error(b.get(f"/{kb_id}"), 404, spec)  # not by id either
    # Nothing changed for the owner; the admin sees everything.
    assert a.search("a-private", "bluebird")[0]["document_id"] == doc_id
    assert [d["id"] for d in a.get("/a-private/documents").json()["data"]] == [doc_id]
    assert "a-private" in [k["name"] for k in admin.get("").json()["data"]]


def test_readers_may_read_but_not_change(server: ServerProcess,
                                         keys: dict[str, tuple[str, str]],
                                         spec: SpecValidator) -> None:
    a, b, c = (api(server, keys, t) for t in ("team-a", "team-b", "team-c"))
    assert a.create("a-shared", readers=["team-b"]).status_code == 200
    job = a.ingest("a-shared", [("howto.md", b"# Onboarding\n\nAsk for a pelican badge.")])
    doc_id = job["files"][0]["document_id"]

    assert "a-shared" in [k["name"] for k in b.get("").json()["data"]]
    assert b.get("/a-shared").json()["team"] == "team-a"
    assert b.search("a-shared", "pelican badge")[0]["document_id"] == doc_id
    assert b.get(f"/a-shared/documents/{doc_id}").status_code == 200
    assert b.get(f"/a-shared/jobs/{job['id']}").json()["status"] == "done"
    for r in (b.delete("/a-shared"),
              b.delete(f"/a-shared/documents/{doc_id}"),
              b.upload("a-shared", [("y.md", b"# planted")]),
              b.post(f"/a-shared/jobs/{job['id']}/cancel")):
        assert_error(r, 403, spec, code="permission_denied")
    assert [d["id"] for d in a.get("/a-shared/documents").json()["data"]] == [doc_id]
    assert_error(c.get("/a-shared"), 404, spec)  # only the teams named

    # A single key can be named as a reader too.
    assert a.create("a-for-one-key", readers=[f"key:{keys['team-c'][1]}"]).status_code == 200
    assert c.get("/a-for-one-key").status_code == 200
    assert_error(b.get("/a-for-one-key"), 404, spec)
    assert_error(c.delete("/a-for-one-key"), 403, spec)
    assert a.delete("/a-for-one-key").status_code == 200


def test_names_are_per_team(server: ServerProcess, admin: Api,
                            keys: dict[str, tuple[str, str]], spec: SpecValidator) -> None:
    """Two teams may each have a `handbook`; a name another team took tells nothing (no
    "already exists", no 403: the same 404 as a name nobody has); an admin picks one by
    `team/name` (in request bodies) or by id."""
    a, b, c = (api(server, keys, t) for t in ("team-a", "team-b", "team-c"))
    ids = {}
    for team, client, word in (("team-a", a, "aardvark"), ("team-b", b, "bison")):
        r = client.create("handbook")
        assert r.status_code == 200, r.text
        assert r.json()["team"] == team
        ids[team] = r.json()["id"]
        client.ingest("handbook", [("animals.md", f"# Animals\n\nThe {word} lives here.".encode())])
    assert ids["team-a"] != ids["team-b"]
    for team, client, word in (("team-a", a, "aardvark"), ("team-b", b, "bison")):
        assert client.get("/handbook").json()["id"] == ids[team]  # each its own
        assert word in client.search("handbook", "animal")[0]["text"]
        assert [k["id"] for k in client.get("").json()["data"] if k["name"] == "handbook"] \
            == [ids[team]]

    missing = assert_error(c.get("/no-such-kb"), 404, spec)
    for r, name in ((c.get("/handbook"), "handbook"), (c.get(f"/{ids['team-a']}"), ids["team-a"]),
                    (c.post("/handbook/search", json={"query": "animal"}), "handbook"),
                    (c.post("/no-such-kb/search", json={"query": "x"}), "no-such-kb")):
        err = assert_error(r, 404, spec)
        assert err == {**missing, "message": missing["message"].replace("no-such-kb", name)}
        assert "team-a" not in r.text and "team-b" not in r.text
    # in a chat, `team/name` names another team's base: unknown to team C, as if it did not exist
    for ref in ("team-a/handbook", "team-z/handbook", "handbook"):
        r = c.http.post("/v1/chat/completions", json={
            "model": "local", "knowledge": [ref],
            "messages": [{"role": "user", "content": "Which animal?"}]})
        err = assert_error(r, 404, spec)
        assert err["message"] == missing["message"].replace("no-such-kb", ref)
    assert c.create("handbook").status_code == 200  # free for team C too
    assert c.delete("/handbook").status_code == 200

    # The admin: a plain name shared by several teams is ambiguous; `team/name` and ids are not.
    err = assert_error(admin.get("/handbook"), 400, spec, param="knowledge")
    assert "team-a/handbook" in err["message"] and "team-b/handbook" in err["message"]
    assert admin.get(f"/{ids['team-b']}").json()["team"] == "team-b"
    assert "aardvark" in admin.search(ids["team-a"], "animal")[0]["text"]
    assert admin.delete(f"/{ids['team-b']}").status_code == 200
    assert admin.get("/handbook").json()["id"] == ids["team-a"]  # now only one
    assert b.get("/handbook").status_code == 404
    assert a.delete("/handbook").status_code == 200


def test_a_shared_base_is_found_by_name_unless_the_team_has_its_own(
        server: ServerProcess, keys: dict[str, tuple[str, str]], spec: SpecValidator) -> None:
    a, b = api(server, keys, "team-a"), api(server, keys, "team-b")
    shared = a.create("glossary", readers=["team-b"]).json()["id"]
    assert b.get("/glossary").json()["id"] == shared  # B has none: A's, shared with B
    own = b.create("glossary").json()["id"]  # B's own shadows it ...
    assert b.get("/glossary").json()["id"] == own
    assert b.get(f"/{shared}").json()["team"] == "team-a"  # ... the id still reaches A's
    for ref, code in (("team-a/glossary", "model_not_found"), ("team-c/glossary", "not_found")):
        r = b.http.post("/v1/chat/completions", json={
            "model": "local", "knowledge": [ref], "messages": [{"role": "user", "content": "hi"}]})
        assert_error(r, 404, spec, code=code)  # found the base, then no chat model here
    assert_error(b.delete(f"/{shared}"), 403, spec)  # readable, so no secret: read-only
    for kb in (shared, own):
        assert (a if kb == shared else b).delete(f"/{kb}").status_code == 200


@contextmanager
def server_db(server: ServerProcess) -> Iterator[Database]:
    """The server's own SQLite database, read directly."""
    db = Database(f"sqlite:///{server.data_dir / 'homeport.db'}")
    try:
        yield db
    finally:
        db.close()
