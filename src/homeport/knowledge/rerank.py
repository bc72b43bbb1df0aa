"""Optional reranking of fused results by a cross-encoder served over HTTP.

Speaks the rerank API that Jina, Cohere, vLLM (`/v1/rerank`) and llama.cpp server share:
POST {base_url}/rerank {"model", "query", "documents": [...], "top_n"} ->
{"results": [{"index", "relevance_score"}]}. The reranker sees the query and the passages,
so it has a clearance like any provider: content above it is never sent (the fused order
stands). A reranker that fails or times out also leaves the fused order: search never fails
because of it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace

import aiohttp
import orjson

from homeport.knowledge.store import Passage
from homeport.settings import RerankConfig

log = logging.getLogger(__name__)


class Reranker:
    def __init__(self, cfg: RerankConfig):
        self.cfg = cfg
        self._session: aiohttp.ClientSession | None = None

    async def rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        """`passages` reordered by the reranker's scores, or unchanged when it does not answer.
        Called by dispatch only, after its clearance check and egress record."""
        documents = [p.text for p in passages]
        body = {"model": self.cfg.model, "query": query, "documents": documents,
                "top_n": len(passages)}
        try:
            async with self._client().post(f"{self.cfg.base_url}/rerank",
                                           data=orjson.dumps(body)) as resp:
                if resp.status != 200:
                    raise ValueError(f"HTTP {resp.status}: {(await resp.text())[:200]}")
                results = orjson.loads(await resp.read())["results"]
            scores = {int(r["index"]): float(r["relevance_score"]) for r in results}
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as e:
            log.warning("rerank failed (%s); keeping the fused order", e)
            return passages
        order = sorted(range(len(passages)), key=lambda i: -scores.get(i, float("-inf")))
        return [replace(passages[i], score=scores.get(i, passages[i].score)) for i in order]

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            key = os.environ.get(self.cfg.api_key_env) if self.cfg.api_key_env else None
            headers = {"content-type": "application/json"}
            if key:
                headers["authorization"] = f"Bearer {key}"
            self._session = aiohttp.ClientSession(
                headers=headers, timeout=aiohttp.ClientTimeout(total=self.cfg.timeout_s))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
