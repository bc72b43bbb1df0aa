"""Long-term memory: facts about a user, recalled by similarity into later chats.

Each (team, user) has a hidden knowledge base of kind "memory" (named `memory:TEAM:USER`, ':'
and '%' escaped so that no two pairs share a name; a hash when longer than a name may be);
a fact is a one-chunk document, so recall is the knowledge search (BM25 + dense) and erasure
deletes the fact's row, its vector and its full-text entry together. Facts are scanned like
any text: each carries its own sensitivity label and entity types, and a recalled fact's
label joins the routing decision of the chat it is recalled into.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from homeport.errors import InvalidRequest, NotFound
from homeport.knowledge.service import KnowledgeService, Retrieved, passage_label
from homeport.knowledge.store import KnowledgeBase, NewChunk
from homeport.privacy.scanner import Scanner
from homeport.types import Caller, Sensitivity

MAX_FACT_CHARS = 2000
MAX_NAME = 200  # knowledge_bases.name
KIND = "memory"


@dataclass(frozen=True, slots=True)
class Memory:
    id: str
    user: str
    text: str
    sensitivity: str
    entity_types: list[str]
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "object": "memory", "user": self.user, "text": self.text,
                "sensitivity": self.sensitivity, "entity_types": self.entity_types,
                "created_at": int(self.created_at)}


def base_name(team: str, user: str) -> str:
    """The memory base of (team, user): unambiguous, since team names and users may hold ':'
    (team `a` with user `b:c` is not team `a:b` with user `c`)."""
    name = f"memory:{_escape(team)}:{_escape(user)}"
    if len(name) <= MAX_NAME:
        return name
    # no second ':', so never equal to an escaped name
    return "memory:" + hashlib.sha256(f"{team}\0{user}".encode()).hexdigest()


def _escape(part: str) -> str:
    return part.replace("%", "%25").replace(":", "%3A")


class LongTermMemory:
    def __init__(self, knowledge: KnowledgeService, scanner: Scanner):
        self.knowledge = knowledge
        self.scanner = scanner
        self.store = knowledge.store
        self.run = knowledge.store.db.run

    async def add(self, caller: Caller, user: str, text: str) -> Memory:
        text = text.strip()
        if not text or len(text) > MAX_FACT_CHARS:
            raise InvalidRequest(f"a memory is 1-{MAX_FACT_CHARS} characters of text",
                                 param="text")
        kb = await self._base(caller, user, create=True)
        assert kb is not None
        found = await asyncio.to_thread(self.scanner.classify, [text], team=caller.team,
                                        ner=self.knowledge.settings.privacy.ner != "never")
        label, types = str(found.detected), ",".join(sorted(found.entity_types))
        vector = await self.knowledge.embed_texts(kb, [text])
        source = f"fact-{secrets.token_hex(6)}"
        doc_id, generation = await self.run(self.store.begin_version, kb.id, source, KIND)
        await self.run(self.store.add_chunks, kb.id, doc_id, generation,
                       [NewChunk(0, "", text, None, 0, 0)], vector)
        await self.run(lambda: self.store.publish(
            kb, doc_id, generation, title=text[:200], fmt=KIND,
            content_hash=hashlib.sha256(text.encode()).hexdigest(), size=len(text.encode()),
            chunks=1, label=(label, types)))
        doc = await self.run(self.store.document, kb.id, doc_id)
        return Memory(doc.id, user, text, label, [t for t in types.split(",") if t],
                      doc.created_at)

    async def of_user(self, caller: Caller, user: str) -> list[Memory]:
        kb = await self._base(caller, user)
        if kb is None:
            return []
        out = []
        for doc in await self.run(self.store.documents, kb.id):
            chunks = await self.run(self.store.chunks, doc.id)
            out.append(Memory(doc.id, user, chunks[0].text if chunks else "",
                              doc.sensitivity or "public",
                              [t for t in (doc.entity_types or "").split(",") if t],
                              doc.created_at))
        return sorted(out, key=lambda m: m.created_at)

    async def delete(self, caller: Caller, user: str, memory_id: str) -> None:
        kb = await self._base(caller, user)
        if kb is None:
            raise NotFound(f"no memory {memory_id!r} for user {user!r}")
        await self.run(self.store.document, kb.id, memory_id)  # 404 when unknown
        await self.run(self.store.remove_document, kb, memory_id)

    async def recall(self, caller: Caller, user: str, query: str, k: int) -> Retrieved:
        kb = await self._base(caller, user)
        if kb is None or not query.strip():
            return Retrieved([], {}, Sensitivity.PUBLIC)
        passages = await self.knowledge.searcher.search([kb.id], kb.dims, query, k, "hybrid",
                                                        kb.embed_model)
        return Retrieved(passages, {kb.id: kb.name},
                         max((passage_label(p, kb.sensitivity) for p in passages),
                             default=Sensitivity.PUBLIC))

    def bases_of(self, user: str) -> list[KnowledgeBase]:
        """Every memory base of `user`, in every team (blocking; for export and erasure)."""
        return [kb for kb in self.store.bases(kind=KIND) if kb.name == base_name(kb.team, user)]

    async def _base(self, caller: Caller, user: str, create: bool = False,
                    ) -> KnowledgeBase | None:
        check_user(user)
        name = base_name(caller.team, user)
        kb = await self.run(self.store.find, caller.team, name)
        if kb is None and create:
            cfg = self.knowledge.cfg
            dims = await self.knowledge.dimensions(cfg.embedding_model)
            try:
                kb = await self.run(lambda: self.store.create(
                    name, caller.team, Sensitivity.PUBLIC, [], cfg.embedding_model, dims,
                    caller.key_id, kind=KIND))
            except InvalidRequest:  # created by a concurrent request
                kb = await self.run(self.store.find, caller.team, name)
        if kb is not None and (kb.kind != KIND or kb.team != caller.team):  # never another's
            raise InvalidRequest(f"user {user!r} cannot have memories in team {caller.team!r}",
                                 param="user")
        return kb


def check_user(user: str) -> None:
    if not user or len(user) > 200 or any(ord(c) < 32 for c in user):
        raise InvalidRequest("user must be 1-200 printable characters", param="user")
