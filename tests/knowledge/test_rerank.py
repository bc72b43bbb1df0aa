"""The optional reranker against a local fake rerank server (the Jina/Cohere/vLLM wire format)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from homeport.knowledge.rerank import Reranker
from homeport.knowledge.service import Upload
from homeport.knowledge.store import Passage
from homeport.routing.dispatch import rerank_cleared
from homeport.runtime import Runtime
from homeport.settings import RerankConfig, Settings
from homeport.types import Caller, Sensitivity


class FakeReranker:
    """Scores a document by how often the query's first word occurs in it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.status != 200:
            return web.json_response({"error": "down"}, status=self.status)
        word = body["query"].split()[0].lower()
        scores = [d.lower().count(word) for d in body["documents"]]
        results = sorted(({"index": i, "relevance_score": float(s)} for i, s in
                          enumerate(scores)), key=lambda r: -r["relevance_score"])
        return web.json_response({"model": body["model"], "results": results[:body["top_n"]]})


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeReranker, str]]:
    fake = FakeReranker()
    app = web.Application()
    app.router.add_post("/v1/rerank", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake, f"http://127.0.0.1:{port}/v1"
    await runner.cleanup()


def _passage(i: int, text: str) -> Passage:
    return Passage(i, "kb", f"doc{i}", f"s{i}.md", "", "", text, None, 0, None, 1.0 / (i + 1))


PASSAGES = [_passage(0, "apples and pears"), _passage(1, "kiwi kiwi kiwi"),
            _passage(2, "a kiwi")]


async def test_reorders_by_the_reranker_scores(fake: tuple[FakeReranker, str]) -> None:
    server, url = fake
    r = Reranker(RerankConfig(base_url=url, model="bge-reranker"))
    out = await rerank_cleared(r, "kiwi please", PASSAGES, Sensitivity.PUBLIC, None)
    await r.close()
    assert [p.chunk_id for p in out] == [1, 2, 0]
    assert out[0].score == 3.0
    assert server.received[0]["documents"] == [p.text for p in PASSAGES]
    assert server.received[0]["model"] == "bge-reranker"


async def test_what_is_sent_is_audited_first(fake: tuple[FakeReranker, str]) -> None:
    server, url = fake
    r = Reranker(RerankConfig(base_url=url, model="m", clearance="internal"))
    audited: list[tuple[list[str], int]] = []

    async def before_send(texts: list[str]) -> None:
        audited.append((texts, len(server.received)))

    await rerank_cleared(r, "kiwi", PASSAGES, Sensitivity.INTERNAL, before_send)
    await rerank_cleared(r, "kiwi", PASSAGES, Sensitivity.RESTRICTED,
                         before_send)  # not sent: not audited
    await r.close()
    assert audited == [(["kiwi", *(p.text for p in PASSAGES)], 0)]
    assert len(server.received) == 1


async def test_content_above_clearance_is_never_sent(fake: tuple[FakeReranker, str]) -> None:
    server, url = fake
    r = Reranker(RerankConfig(base_url=url, model="m", clearance="internal"))
    out = await rerank_cleared(r, "kiwi", PASSAGES, Sensitivity.RESTRICTED, None)
    await r.close()
    assert out == PASSAGES
    assert server.received == []


async def test_a_failing_reranker_keeps_the_fused_order(fake: tuple[FakeReranker, str]) -> None:
    server, url = fake
    server.status = 503
    r = Reranker(RerankConfig(base_url=url, model="m"))
    assert await rerank_cleared(r, "kiwi", PASSAGES, Sensitivity.PUBLIC, None) == PASSAGES
    await r.close()
    r = Reranker(RerankConfig(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=2))
    assert await rerank_cleared(r, "kiwi", PASSAGES, Sensitivity.PUBLIC, None) == PASSAGES
    await r.close()


async def test_search_reranks_hybrid_results(fake: tuple[FakeReranker, str],
                                             tmp_path: Path) -> None:
    server, url = fake
    rt = Runtime(Settings(data_dir=tmp_path, embedded={"chat": None},
                          knowledge={"rerank": {"base_url": url, "model": "m"}}))
    await rt.start(wait_for_models=True)
    try:
        caller = Caller("key_t", "t", frozenset({"member"}))
        kb = await rt.knowledge.create(caller, "fruit", Sensitivity.PUBLIC)
        text = "\n\n".join(f"# Part {i}\n\nFruit note {i}: " + ("kiwi " * i) + "and apples."
                           for i in range(4))
        job = await rt.knowledge.upload(caller, "fruit", [Upload("f.md", io.BytesIO(
            text.encode()))])
        await rt.knowledge.ingestor.run_job(job)
        assert (await rt.db.run(rt.knowledge.jobs.get, kb.id, job))["status"] == "done"
        found = await rt.knowledge.search(caller, ["fruit"], "kiwi fruit notes", 2)
        assert server.received, "hybrid search did not call the reranker"
        assert "kiwi " * 3 in found.passages[0].text
        server.received.clear()
        await rt.knowledge.search(caller, ["fruit"], "kiwi", 2, "bm25")
        assert server.received == []  # only hybrid search reranks
    finally:
        await rt.stop()
