"""Body size limits on every endpoint beside the hot path (knowledge, memory, admin, audit, the
web UI's forms and chat), enforced while the body streams in: a declared length over the limit
is refused unread, and a chunked body stops being read once it passes the limit. Document
uploads (multipart) have their own, larger limit. In-process; tests/api/test_slow_clients.py
measures a real server's memory under a huge body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from homeport.app import create_app
from homeport.runtime import Runtime
from homeport.settings import Settings
from tests.web.conftest import csrf_of, log_in

KEY = "hp-limits-admin-key"
AUTH = {"authorization": f"Bearer {KEY}"}
LIMIT = 4096
UPLOAD_MB = 1


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(data_dir=tmp_path, admin_key=KEY, max_body_bytes=LIMIT,
                        knowledge={"max_upload_mb": UPLOAD_MB},
                        embedded={"chat": None, "embeddings": None})
    rt = Runtime(settings)
    rt.prepare()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings, rt)),
                                 base_url="http://testserver") as client:
        yield client, rt
    rt.db.close()


class Counted:
    """A chunked request body (no content-length) that counts what the server took."""

    def __init__(self, prefix: bytes, size: int, piece: int = 1024):
        self.prefix, self.size, self.piece, self.sent = prefix, size, piece, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.prefix
        while self.sent < self.size:
            self.sent += self.piece
            yield b"a" * self.piece


class Pieces:
    def __init__(self, pieces: list[bytes]):
        self.pieces = pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece


ROUTES = [("POST", "/v1/knowledge"), ("POST", "/v1/knowledge/handbook/search"),
          ("POST", "/v1/memory"), ("POST", "/v1/memory/search"),
          ("POST", "/v1/admin/teams"), ("PATCH", "/v1/admin/teams/radiology"),
          ("POST", "/v1/admin/keys"), ("PUT", "/v1/admin/routing/rules"),
          ("POST", "/v1/admin/users"), ("POST", "/v1/audit/verify"),
          ("GET", "/v1/reports/usage")]


@pytest.mark.parametrize("method, path", ROUTES)
async def test_api_routes_refuse_a_declared_length_over_the_limit(
        app: tuple[httpx.AsyncClient, Runtime], method: str, path: str) -> None:
    client, _ = app
    r = await client.request(method, path, headers=AUTH, content=b"{" + b" " * LIMIT + b"}")
    assert r.status_code == 413, r.text
    error = r.json()["error"]
    assert error["code"] == "request_too_large" and "max_body_bytes" in error["message"]


@pytest.mark.parametrize("method, path", ROUTES[:-2])  # the last two never read a body
async def test_api_routes_stop_reading_a_chunked_body_at_the_limit(
        app: tuple[httpx.AsyncClient, Runtime], method: str, path: str) -> None:
    client, _ = app
    body = Counted(b'{"name": "', 10 * LIMIT)
    r = await client.request(method, path, headers=AUTH, content=body)
    assert r.status_code == 413, r.text
    assert "max_body_bytes" in r.json()["error"]["message"]
    assert body.sent <= 2 * LIMIT  # stopped at the limit, not read to the end


async def test_bodies_within_the_limit_still_work(app: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = app
    r = await client.post("/v1/admin/teams", headers=AUTH, json={"name": "radiology"})
    assert r.status_code == 200, r.text
    r = await client.post("/v1/admin/teams", headers=AUTH,
                          content=Pieces([b'{"name": ', b'"oncology"}']))
    assert r.status_code == 200, r.text
    assert {"radiology", "oncology"} <= {t.name for t in rt.governance.teams.list()}


def multipart(size: int) -> tuple[bytes, dict[str, str]]:
    boundary = "hpboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\n").encode() + \
        b"a" * size + f"\r\n--{boundary}--\r\n".encode()
    return body, {"content-type": f"multipart/form-data; boundary={boundary}"}


async def test_uploads_have_their_own_limit(app: tuple[httpx.AsyncClient, Runtime]) -> None:
    """Bigger than max_body_bytes is fine for a document upload (the knowledge base is then
    looked up: 404); bigger than knowledge.max_upload_mb is not, declared or streamed."""
    client, _ = app
    url = "/v1/knowledge/handbook/documents"
    body, headers = multipart(100 * LIMIT)
    r = await client.post(url, headers={**AUTH, **headers}, content=body)
    assert r.status_code == 404 and "handbook" in r.text
    body, headers = multipart(UPLOAD_MB * 2**20 + 2**21)
    r = await client.post(url, headers={**AUTH, **headers}, content=body)
    assert r.status_code == 413 and "knowledge.max_upload_mb" in r.text
    streamed = Counted(body[:200], 4 * 2**20, piece=65536)
    r = await client.post(url, headers={**AUTH, **headers}, content=streamed)
    assert r.status_code == 413 and "knowledge.max_upload_mb" in r.text
    assert streamed.sent < 3 * 2**20


async def test_web_forms_and_chat_are_limited(app: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = app
    form = await client.get("/login")
    huge = {"api_key": KEY, "csrf": csrf_of(form.text), "pad": "x" * LIMIT}
    r = await client.post("/login", data=huge)
    assert r.status_code == 413 and "max_body_bytes" in r.text
    body = Counted(b"api_key=", 10 * LIMIT)
    r = await client.post("/login", content=body,
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and body.sent <= 2 * LIMIT
    assert (await log_in(client, KEY)).status_code == 303
    token = csrf_of((await client.get("/teams")).text)
    r = await client.post("/teams", data={"csrf": token, "name": "big", "pad": "x" * LIMIT})
    assert r.status_code == 413 and "max_body_bytes" in r.text
    assert "big" not in {t.name for t in rt.governance.teams.list()}
    body = Counted(b"csrf=" + token.encode() + b"&name=", 10 * LIMIT)
    r = await client.post("/teams", content=body,
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and body.sent <= 2 * LIMIT
    r = await client.post("/chat/send", headers={"x-csrf-token": token}, json={
        "model": "local", "messages": [{"role": "user", "content": "x" * LIMIT}]})
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    upload, headers = multipart(100 * LIMIT)  # a page's upload: the upload limit
    r = await client.post("/knowledge/handbook/upload",
                          headers={"x-csrf-token": token, **headers}, content=upload)
    assert r.status_code == 404, r.text
