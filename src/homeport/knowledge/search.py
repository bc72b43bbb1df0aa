"""Hybrid retrieval: BM25 and dense results fused by weighted reciprocal rank.

Fusion: score(chunk) = sum over lists of weight / (RRF_K + rank). Equal weights can lose to
dense search alone, so the weights are settings, tuned on bench/retrieval. Exact lookups get
their own list: documents whose title or file name is the query, and, for identifier-like
queries (error codes, package names), BM25 leads since embeddings blur such tokens.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from homeport.knowledge.store import KnowledgeStore, Passage

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")
RRF_K = 60
_IDENTIFIER = re.compile(r"^\S*(\d|[_./:#-]\w)\S*$")  # one token holding digits or joiners


@dataclass(frozen=True, slots=True)
class Weights:
    lexical: float = 0.2
    dense: float = 1.0
    title: float = 2.0
    candidates: int = 200  # results fetched from each list before fusing


Embed = Callable[[str, str], Awaitable[np.ndarray]]  # (model, text) -> vector
class Searcher:
    def __init__(self, store: KnowledgeStore, embed: Embed, weights: Weights | None = None):
        self.store = store
        self.embed = embed
        self.weights = weights or Weights()

    async def search(self, kb_ids: list[str], dims: int, query: str, k: int,
                     mode: Mode, model: str) -> list[Passage]:
        """The top `k` passages of the knowledge bases `kb_ids` (embedded with `model`)."""
        run = self.store.db.run
        w = self.weights
        n = max(k, w.candidates)
        lists: list[tuple[float, list[tuple[int, float]]]] = []
        if mode in ("hybrid", "bm25"):
            lexical = await run(self.store.lexical, kb_ids, query, n)
            if mode == "bm25":
                return await run(self.store.passages, lexical[:k])
            # an identifier is matched by its exact tokens: BM25 leads the fusion then
            lists.append((2 * max(w.lexical, w.dense) if is_identifier(query) else w.lexical,
                          lexical))
            lists.append((w.title, await run(self.store.titled, kb_ids, query, 3)))
        vector = await self.embed(model, query)
        dense = await run(self.store.dense, kb_ids, vector, dims, n)
        if mode == "dense":
            return await run(self.store.passages, dense[:k])
        lists.append((w.dense, dense))
        return await run(self.store.passages, fuse(lists)[:k])


def fuse(lists: list[tuple[float, list[tuple[int, float]]]]) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion of ranked (chunk id, score) lists."""
    scores: dict[int, float] = {}
    for weight, ranked in lists:
        for rank, (chunk_id, _) in enumerate(ranked, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def is_identifier(query: str) -> bool:
    return bool(_IDENTIFIER.match(query.strip()))
