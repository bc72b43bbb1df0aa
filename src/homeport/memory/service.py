"""Memory as the API, the CLI and chats use it: long-term facts, stored conversations, export
and erasure of everything held about a user."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
from typing import Any

from homeport.knowledge.service import KnowledgeService, Retrieved
from homeport.memory.conversations import Conversations
from homeport.memory.longterm import LongTermMemory, Memory
from homeport.privacy.scanner import Scanner
from homeport.settings import MemoryConfig
from homeport.types import Caller, ChatRequest, Message

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0
EXTRACT_PROMPT = ("From the conversation below, list facts about the user that are worth "
                  "remembering for later conversations (preferences, role, projects). Answer "
                  "with a JSON array of short strings, or [] if there are none.\n\n")


class MemoryService:
    def __init__(self, cfg: MemoryConfig, knowledge: KnowledgeService, scanner: Scanner):
        self.cfg = cfg
        self.facts = LongTermMemory(knowledge, scanner)
        self.conversations = Conversations(knowledge.store.db, cfg.retention_days)
        self.run = knowledge.store.db.run
        self._purger: asyncio.Task[None] | None = None

    def start(self) -> None:
        # conversations of the web UI's chat are kept whatever memory.conversations says
        self._purger = asyncio.create_task(self._purge_forever(), name="memory-purge")

    async def close(self) -> None:
        if self._purger is not None:
            self._purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purger

    # --- chats ---

    async def recall_into(self, caller: Caller, req: ChatRequest) -> tuple[ChatRequest,
                                                                          Retrieved | None]:
        """`req` with the user's relevant memories as a system message (needs `user`)."""
        if not (self.cfg.recall and req.user) or not req.messages:
            return req, None
        query = next((m.text() for m in reversed(req.messages) if m.role == "user"), "")
        recalled = await self.facts.recall(caller, req.user, query, self.cfg.recall_k)
        if not recalled.passages:
            return req, None
        facts = "\n".join(f"- {p.text}" for p in recalled.passages)
        note = Message("system", f"What you remember about this user:\n{facts}")
        lead = 0
        while lead < len(req.messages) and req.messages[lead].role in ("system", "developer"):
            lead += 1
        return dataclasses.replace(
            req, messages=[*req.messages[:lead], note, *req.messages[lead:]]), recalled

    async def after_turn(self, caller: Caller, req: ChatRequest, conversation: str | None,
                         answer: str, sensitivity: str, meta: dict[str, Any] | None = None,
                         replace_last: bool = False) -> str | None:
        """Store the turn in `conversation` (None: not kept); returns the conversation id.
        `meta` says where the answer ran and what it cited; `replace_last`: it replaces the
        last turn (regenerate)."""
        if conversation is None or not (req.user and req.messages):
            return None
        return await self.run(self.conversations.record, caller, req.user, conversation, req,
                              answer, sensitivity, meta, replace_last)

    def extraction_request(self, req: ChatRequest, answer: str) -> ChatRequest | None:
        """A request asking the model for facts to remember from a turn (memory.extract)."""
        if not (self.cfg.extract and req.user):
            return None
        said = "\n".join(f"{m.role}: {m.text()}" for m in req.messages[-4:] if m.text())
        return ChatRequest(model=req.model, messages=[Message("user", EXTRACT_PROMPT + said
                                                               + f"\nassistant: {answer}")],
                           max_tokens=200, temperature=0.0, user=req.user)

    async def remember_extracted(self, caller: Caller, user: str, reply: str) -> list[Memory]:
        return [await self.facts.add(caller, user, fact) for fact in parse_facts(reply)]

    # --- export and erasure ---

    async def export(self, user: str) -> dict[str, Any]:
        """Everything held about `user`: memories in every team and stored conversations."""
        memories = []
        for kb in await self.run(self.facts.bases_of, user):
            team_caller = Caller(key_id="export", team=kb.team)
            memories += [{**m.to_dict(), "team": kb.team}
                         for m in await self.facts.of_user(team_caller, user)]
        return {"object": "memory.export", "user": user, "memories": memories,
                "conversations": await self.run(self.conversations.of_user, None, user)}

    async def forget(self, user: str) -> dict[str, int]:
        """Erase everything held about `user`: facts with their vectors and full-text rows,
        and stored conversations."""
        bases = await self.run(self.facts.bases_of, user)
        facts = 0
        for kb in bases:
            facts += len(await self.run(self.facts.store.documents, kb.id))
            await self.run(self.facts.store.drop, kb)
        conversations = await self.run(self.conversations.forget, user)
        return {"memories": facts, "conversations": conversations}

    async def _purge_forever(self) -> None:
        while True:
            try:
                n = await self.run(self.conversations.purge)
                if n:
                    log.info("deleted %d conversations past memory.retention_days", n)
            except Exception:
                log.exception("purging old conversations failed; retrying later")
            await asyncio.sleep(PURGE_EVERY_S)


def parse_facts(reply: str) -> list[str]:
    """The JSON array of strings in a model's reply (tolerating text around it)."""
    match = re.search(r"\[.*\]", reply, re.DOTALL)
    if not match:
        return []
    try:
        items = json.loads(match.group(0))
    except ValueError:
        return []
    return [s.strip() for s in items if isinstance(s, str) and 3 <= len(s.strip()) <= 500][:10]
