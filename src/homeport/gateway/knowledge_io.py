"""How knowledge reaches models: embeddings for ingestion and for queries, and reranking, through
dispatch's clearance check, with the durable egress record before anything leaves."""

from __future__ import annotations

import asyncio
from typing import Any

from homeport.governance.service import Governance
from homeport.knowledge.rerank import Reranker
from homeport.knowledge.store import Passage
from homeport.privacy.scanner import Scanner
from homeport.providers.registry import Registry
from homeport.routing import dispatch
from homeport.settings import RerankConfig
from homeport.types import Sensitivity


class KnowledgeDispatch:
    def __init__(self, registry: Registry, scanner: Scanner, governance: Governance,
                 rerank: RerankConfig | None):
        self.registry = registry
        self.scanner = scanner
        self.governance = governance
        self.reranker = Reranker(rerank) if rerank is not None else None

    @property
    def rerank_candidates(self) -> int:
        """How many fused passages reranking wants (0: no reranker)."""
        return self.reranker.cfg.candidates if self.reranker is not None else 0

    async def embed(self, model: str, texts: list[str], floor: Sensitivity, what: str,
                    details: dict[str, Any]) -> list[list[float]]:
        """Vectors of `texts` from `model`; `floor`: the label of the knowledge they belong to.
        Below a restricted clearance, what the texts hold is scanned and counts too."""
        target = self.registry.resolve(model, "embedding")
        provider = self.registry.providers[target.provider]
        upstream = target.upstream_model or target.name
        level = floor
        if provider.clearance < Sensitivity.RESTRICTED and floor <= provider.clearance:
            found = await asyncio.to_thread(self.scanner.classify, texts)
            level = max(found.detected, floor)
            if found.entity_types:
                what += f" ({', '.join(sorted(found.entity_types))})"

        async def egress() -> None:
            await self.governance.knowledge_egress(provider, upstream, texts, details)

        result = await dispatch.embed_cleared(provider, upstream, texts, level, egress, what)
        return result.vectors

    async def rerank(self, query: str, passages: list[Passage],
                     floor: Sensitivity) -> list[Passage]:
        """`passages` reordered by the rerank server when one is set and cleared for them and
        the query."""
        if self.reranker is None or len(passages) < 2:
            return passages
        seen = await asyncio.to_thread(self.scanner.classify, [query])
        return await dispatch.rerank_cleared(self.reranker, query, passages,
                                             max(floor, seen.detected),
                                             self.governance.rerank_egress)

    async def close(self) -> None:
        if self.reranker is not None:
            await self.reranker.close()
