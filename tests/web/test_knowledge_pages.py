"""Knowledge pages in-process with the embedded embedding model: create a knowledge base, upload
files (folder paths kept) as the page's script does, follow the job to the end, list, search
and delete documents; other teams cannot see or change it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.types import Sensitivity
from tests.web.conftest import ADMIN, csrf_of, log_in, running_app

HANDBOOK = b"""# Staff handbook

## Parental leave

Employees receive sixteen weeks of paid parental leave, to be taken within a year of the birth.

## Bicycles

Bicycles are parked in the basement garage behind the blue door.
"""


@pytest.fixture
async def knowledge(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(data_dir=tmp_path, admin_key=ADMIN, embedded={"chat": None})
    async with running_app(settings) as app:
        yield app


async def wait_for_job(client: httpx.AsyncClient, kb: str, job: str) -> str:
    for _ in range(600):
        fragment = await client.get(f"/knowledge/{kb}/jobs/{job}", headers={"hx-request": "1"})
        assert fragment.status_code == 200, fragment.text
        if "data-finished" in fragment.text:
            assert fragment.headers["hx-trigger"] == "jobs-done"  # the document list reloads
            return fragment.text
        assert 'hx-trigger="load delay:1s"' in fragment.text  # polled while it runs
        await asyncio.sleep(0.2)
    raise AssertionError("the job did not finish")


async def test_create_upload_follow_search_and_delete(
        knowledge: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = knowledge
    await log_in(client, ADMIN)
    page = await client.get("/knowledge")
    assert page.status_code == 200 and "No knowledge bases" in page.text
    csrf = csrf_of(page.text)
    created = await client.post("/knowledge", data={"csrf": csrf, "name": "handbook",
                                                    "sensitivity": "confidential"})
    assert created.status_code == 303 and created.headers["location"] == "/knowledge/handbook"
    base = await client.get("/knowledge/handbook")
    assert base.status_code == 200 and "confidential" in base.text and 'id="dropzone"' in base.text
    upload = await client.post(
        "/knowledge/handbook/upload", headers={"x-csrf-token": csrf},
        files=[("file", ("policies/handbook.md", HANDBOOK, "text/markdown")),
               ("file", ("policies/notes.txt", b"The canteen opens at eight.", "text/plain"))])
    assert upload.status_code == 202, upload.text
    job = upload.json()["job_id"]
    done = await wait_for_job(client, "handbook", job)
    assert "done" in done and "2/2 files" in done and 'value="100"' in done
    docs = await client.get("/knowledge/handbook/documents")
    assert "policies/handbook.md" in docs.text and "policies/notes.txt" in docs.text
    found = await client.post("/knowledge/handbook/search",
                              data={"query": "how long is parental leave", "mode": "hybrid"},
                              headers={"x-csrf-token": csrf})
    assert found.status_code == 200 and "sixteen weeks" in found.text
    assert re.search(r"Parental leave", found.text)
    doc_id = (await rt.db.run(rt.knowledge.store.documents,
                              (await rt.db.run(rt.knowledge.store.get, "handbook")).id))[0].id
    deleted = await client.post(f"/knowledge/handbook/documents/{doc_id}/delete",
                                data={"csrf": csrf})
    assert deleted.status_code == 303
    assert len((await client.get("/knowledge/handbook/documents")).text.split("<tr>")) == 3
    gone = await client.post("/knowledge/handbook/delete", data={"csrf": csrf})
    assert gone.status_code == 303 and (await client.get("/knowledge/handbook")).status_code == 404


async def test_bad_uploads_and_other_teams(knowledge: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = knowledge
    await log_in(client, ADMIN)
    csrf = csrf_of((await client.get("/knowledge")).text)
    await client.post("/knowledge", data={"csrf": csrf, "name": "legal", "sensitivity": "internal"})
    exe = await client.post("/knowledge/legal/upload", headers={"x-csrf-token": csrf},
                            files=[("file", ("tool.exe", b"MZ", "application/octet-stream"))])
    assert exe.status_code == 400
    assert "unsupported file type '.exe'" in exe.json()["error"]["message"]
    none = await client.post("/knowledge/legal/upload", headers={"x-csrf-token": csrf},
                             files=[("other", ("a.txt", b"x", "text/plain"))])
    assert none.status_code == 400 and none.json()["error"]["param"] == "file"
    bad_name = await client.post("/knowledge", data={"csrf": csrf, "name": "no spaces please"})
    assert bad_name.status_code == 400 and "Traceback" not in bad_name.text
    key, _ = rt.keys.create("marketing")
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as c2:
        await log_in(c2, key)
        assert "legal" not in (await c2.get("/knowledge")).text
        assert (await c2.get("/knowledge/legal")).status_code == 404
        other_csrf = csrf_of((await c2.get("/knowledge")).text)
        refused = await c2.post("/knowledge/legal/upload", headers={"x-csrf-token": other_csrf},
                                files=[("file", ("a.txt", b"x", "text/plain"))])
        assert refused.status_code == 404


async def test_same_names_in_two_teams(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    """Two teams' `handbook`s: the admin's list links each by id (its own team has none), a
    plain name is ambiguous for it, and a member sees only its team's."""
    client, rt = web
    store = rt.knowledge.store
    a, b = (store.create("handbook", team, Sensitivity.INTERNAL, [], "test-embed", 4, None)
            for team in ("team-a", "team-b"))
    await log_in(client, ADMIN)
    listing = await client.get("/knowledge")
    assert f'href="/knowledge/{a.id}"' in listing.text
    assert f'href="/knowledge/{b.id}"' in listing.text
    page = await client.get(f"/knowledge/{b.id}")
    assert page.status_code == 200 and f'data-kb="{b.id}"' in page.text
    ambiguous = await client.get("/knowledge/handbook")
    assert ambiguous.status_code == 400 and "team-a/handbook" in ambiguous.text
    key, _ = rt.keys.create("team-a")
    async with httpx.AsyncClient(transport=client._transport,
                                 base_url="http://testserver") as member:
        await log_in(member, key)
        listing = await member.get("/knowledge")
        assert 'href="/knowledge/handbook"' in listing.text and b.id not in listing.text
        assert 'data-kb="handbook"' in (await member.get("/knowledge/handbook")).text
        assert (await member.get(f"/knowledge/{b.id}")).status_code == 404
