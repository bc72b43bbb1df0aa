"""A chat or completion exchange end to end: context assembly (knowledge passages, memory recall,
the stored conversation), routing and dispatch (`Exchanges.open`), then the answer: its chunks
with the sources footer, the usage and outcome recorded, the turn stored and facts extracted.

Front doors (the OpenAI and Anthropic routes, the web chat, the CLI) reach it through
`Gateway.chat` with typed values and encode what `Answer` yields.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

from homeport.background import Background
from homeport.errors import InvalidRequest
from homeport.gateway.exchange import Collected, Exchanges, Routed
from homeport.knowledge import chat as knowledge_chat
from homeport.knowledge.service import KnowledgeService, Retrieved
from homeport.memory.service import MemoryService
from homeport.providers.registry import Registry
from homeport.settings import Settings
from homeport.telemetry.logs import set_request_id
from homeport.types import Caller, ChatRequest, Chunk, Sensitivity, new_id

log = logging.getLogger(__name__)
MAX_CONVERSATION_ID = 40


@dataclass(slots=True)
class Exchange:
    """Who asks and how, whatever the front door."""

    caller: Caller
    declared: Sensitivity = Sensitivity.PUBLIC  # the caller's own label: raises, never lowers
    traceparent: str | None = None
    conversation: str | None = None  # the conversation the caller names (kept turns)
    keep_conversation: bool = False  # the web chat keeps turns whatever memory.conversations
    regenerate: bool = False  # the answer replaces the conversation's last turn


@dataclass(slots=True)
class Answer:
    """A started answer: iterate `chunks()` once (or `collect()`); the exchange is recorded,
    and the turn stored, when the chunks end."""

    id: str
    routed: Routed
    turn: Turn
    citations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def conversation(self) -> str | None:
        """The stored conversation the turn joins (None: not kept)."""
        return self.turn.conversation

    async def chunks(self) -> AsyncGenerator[Chunk, None]:
        keep = bool(self.citations) or self.turn.wanted
        answer: list[str] = []
        async with contextlib.aclosing(self.routed.recorded()) as chunks:
            async for chunk in chunks:
                if keep:
                    answer.append(chunk.text)
                yield chunk
        footer = knowledge_chat.sources_footer("".join(answer), self.citations)
        await self.turn.done("".join(answer) + footer)  # stored before the end is sent
        if footer:
            yield Chunk(text=footer)

    async def collect(self) -> Collected:
        collected = Collected()
        async for chunk in self.chunks():
            collected.add(chunk)
        return collected


class Chats:
    def __init__(self, settings: Settings, exchanges: Exchanges, registry: Registry,
                 knowledge: KnowledgeService, memory: MemoryService, background: Background):
        self.settings = settings
        self.exchanges = exchanges
        self.registry = registry
        self.knowledge = knowledge
        self.memory = memory
        self.background = background

    async def answer(self, req: ChatRequest, ex: Exchange, endpoint: str = "chat") -> Answer:
        """Assemble the context, route and start the answer (waits for its first chunk)."""
        rid = new_id("chatcmpl" if endpoint == "chat" else "cmpl")
        set_request_id(rid)
        if len(req.messages) > self.settings.max_messages:
            raise InvalidRequest(f"{len(req.messages)} messages are more than this server takes "
                                 f"in one request ({self.settings.max_messages}, setting "
                                 "max_messages); shorten the conversation.", param="messages")
        caller = ex.caller
        self.exchanges.governance.allow_model(caller, req.model)  # before any retrieval for it
        req, retrieved = await self._with_knowledge(caller, req)
        asked = req
        req, recalled = await self.memory.recall_into(caller, req)
        label = max(r.label if r else Sensitivity.PUBLIC for r in (retrieved, recalled))
        conversation = await self._conversation(ex, asked)
        routed = await self.exchanges.open(req, caller, endpoint, rid, ex.declared, label,
                                         ex.traceparent, allowed=True)
        cited = knowledge_chat.citations(retrieved) if retrieved else []
        meta = {**routed.route,
                "served_as": routed.target.served_as,
                "citations": cited} if conversation else None
        turn = Turn(self, caller, asked, conversation, routed.routing.context.sensitivity, meta,
                    ex.regenerate)
        return Answer(rid, routed, turn, cited)

    async def _with_knowledge(self, caller: Caller,
                              req: ChatRequest) -> tuple[ChatRequest, Retrieved | None]:
        """Retrieve from the knowledge bases the request (or its model alias) attaches."""
        bound = self.registry.find(req.model)
        names = [*(bound.knowledge if bound else ()), *req.knowledge]
        if not names:
            return req, None
        query = knowledge_chat.query_of(req)
        if not query.strip():
            raise InvalidRequest("attached knowledge needs a user message to search for",
                                 param="messages")
        retrieved = await self.knowledge.search(caller, names, query,
                                                self.settings.knowledge.chat_passages)
        return knowledge_chat.attach(req, retrieved), retrieved

    async def _conversation(self, ex: Exchange, req: ChatRequest) -> str | None:
        """The conversation a stored turn belongs to: the one named, else a new one (also when
        the one named is another user's: the answer says which one was used)."""
        if not ((ex.keep_conversation or self.settings.memory.conversations) and req.user
                and req.messages):
            return None
        given = (ex.conversation or "").strip()
        if len(given) > MAX_CONVERSATION_ID:
            raise InvalidRequest(f"a conversation id is at most {MAX_CONVERSATION_ID} "
                                 "characters", param="conversation")
        if given:
            joinable: bool = await self.memory.run(self.memory.conversations.joinable,
                                                   ex.caller, req.user, given)
            if joinable:
                return given
        return new_id("conv")


class Turn:
    """After an answer: store the turn (memory.conversations) and extract facts to remember
    (memory.extract); neither may fail the answer already given."""

    def __init__(self, chats: Chats, caller: Caller, req: ChatRequest, conversation: str | None,
                 sensitivity: Sensitivity, meta: dict[str, Any] | None,
                 replace_last: bool = False):
        self.chats, self.caller, self.req = chats, caller, req
        self.conversation, self.sensitivity, self.meta = conversation, sensitivity, meta
        self.replace_last = replace_last
        self.wanted = conversation is not None or \
            chats.memory.extraction_request(req, "") is not None

    async def done(self, answer: str) -> None:
        if not self.wanted:
            return
        memory = self.chats.memory
        try:
            await memory.after_turn(self.caller, self.req, self.conversation, answer,
                                    str(self.sensitivity), self.meta, self.replace_last)
        except Exception:
            log.exception("storing the conversation turn failed")
        ask = memory.extraction_request(self.req, answer)
        if ask is not None:
            self.chats.background.run(self._extract(ask))

    async def _extract(self, ask: ChatRequest) -> None:
        """Ask the model (routed like any request) which facts to remember, and store them."""
        try:
            routed = await self.chats.exchanges.open(ask, self.caller, "chat", new_id("mem"),
                                                   self.sensitivity)
            reply = await routed.collect()
            assert ask.user is not None
            await self.chats.memory.remember_extracted(self.caller, ask.user,
                                                       "".join(reply.text))
        except Exception:
            log.exception("extracting memories failed")
