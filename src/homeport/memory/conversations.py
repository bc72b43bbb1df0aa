"""Stored conversations (when `memory.conversations` is on): per key and user, with retention.

A chat names its conversation with the `x-homeport-conversation` header (the response carries
the id, a new one when absent). The first turn stores the messages sent; later turns store
only the new user message; every turn stores the answer. Rows older than
`memory.retention_days` are deleted by `purge`, which the server runs periodically.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, select, update

from homeport.errors import NotFound
from homeport.storage.db import Database
from homeport.storage.schema import conversation_messages, conversations
from homeport.types import Caller, ChatRequest

HEADER = "x-homeport-conversation"
TITLE_CHARS = 80


class Conversations:
    def __init__(self, db: Database, retention_days: float):
        self.db = db
        self.retention_s = retention_days * 86400

    def record(self, caller: Caller, user: str, conversation: str | None, req: ChatRequest,
               answer: str, sensitivity: str, meta: dict[str, Any] | None = None,
               replace_last: bool = False) -> str:
        """Append a turn to `conversation` (created when new; a new id when it belongs to
        someone else); returns the id used. `replace_last` (regenerate): the new turn replaces
        the last question and its answer, in the same transaction, so a failed regeneration
        loses nothing."""
        now = time.time()
        # SQLite: take the write lock up front, since this reads before it writes.
        with self.db.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                conn.begin():
            owner = _owner(conn, conversation) if conversation else None
            if owner == (caller.team, user):
                assert conversation is not None
                conv_id = conversation
                if replace_last:
                    _drop_last_turn(conn, conv_id)
                sent = [m for m in req.messages if m.role == "user"][-1:]
                conn.execute(update(conversations).where(conversations.c.id == conv_id)
                             .values(updated_at=now))
            else:
                conv_id = conversation if conversation and owner is None else \
                    "conv_" + secrets.token_hex(10)
                sent = list(req.messages)
                conn.execute(insert(conversations).values(
                    id=conv_id, key_id=caller.key_id, team=caller.team, user_id=user,
                    created_at=now, updated_at=now))
            rows = [{"conversation_id": conv_id, "role": m.role, "content": m.text(),
                     "sensitivity": sensitivity, "ts": now, "meta": None} for m in sent]
            rows.append({"conversation_id": conv_id, "role": "assistant", "content": answer,
                         "sensitivity": sensitivity, "ts": now,
                         "meta": orjson.dumps(meta).decode() if meta else None})
            conn.execute(insert(conversation_messages), rows)
        return conv_id

    def joinable(self, caller: Caller, user: str, conversation: str) -> bool:
        """Whether a turn of `user` may be stored in `conversation`: it is new, or theirs."""
        with self.db.engine.connect() as conn:
            owner = _owner(conn, conversation)
        return owner is None or owner == (caller.team, user)

    def of_user(self, team: str | None, user: str) -> list[dict[str, Any]]:
        """Conversations of `user` (in `team`, or in every team when None) with messages."""
        q = select(conversations).where(conversations.c.user_id == user)
        if team is not None:
            q = q.where(conversations.c.team == team)
        with self.db.engine.connect() as conn:
            out = []
            for c in conn.execute(q.order_by(conversations.c.created_at)).all():
                msgs = conn.execute(select(conversation_messages).where(
                    conversation_messages.c.conversation_id == c.id)
                    .order_by(conversation_messages.c.id)).all()
                out.append({"id": c.id, "object": "conversation", "team": c.team,
                            "user": c.user_id, "created_at": int(c.created_at),
                            "updated_at": int(c.updated_at),
                            "messages": [{"role": m.role, "content": m.content,
                                          "sensitivity": m.sensitivity, "ts": int(m.ts)}
                                         for m in msgs]})
            return out

    def recent(self, team: str, user: str, limit: int = 100) -> list[dict[str, Any]]:
        """The user's conversations, newest first, titled by their first question."""
        with self.db.engine.connect() as conn:
            convs = conn.execute(
                select(conversations.c.id, conversations.c.updated_at)
                .where(conversations.c.team == team, conversations.c.user_id == user)
                .order_by(conversations.c.updated_at.desc()).limit(limit)).all()
            ids = [c.id for c in convs]
            first = (select(func.min(conversation_messages.c.id))
                     .where(conversation_messages.c.conversation_id.in_(ids),
                            conversation_messages.c.role == "user")
                     .group_by(conversation_messages.c.conversation_id))
            titles: dict[str, str] = dict(conn.execute(
                select(conversation_messages.c.conversation_id,
                       func.substr(conversation_messages.c.content, 1, TITLE_CHARS))
                .where(conversation_messages.c.id.in_(first))).tuples().all()) if ids else {}
        return [{"id": c.id, "title": " ".join((titles.get(c.id) or "(no question)").split()),
                 "updated_at": c.updated_at} for c in convs]

    def messages(self, team: str, user: str, conversation: str) -> list[dict[str, Any]]:
        """The messages of one of the user's conversations, oldest first (NotFound if not
        theirs), each with its `meta` (where an answer ran, its citations)."""
        with self.db.engine.connect() as conn:
            self._owned(conn, team, user, conversation)
            rows = conn.execute(select(conversation_messages)
                                .where(conversation_messages.c.conversation_id == conversation)
                                .order_by(conversation_messages.c.id)).all()
        return [{"role": m.role, "content": m.content, "sensitivity": m.sensitivity,
                 "ts": m.ts, "meta": orjson.loads(m.meta) if m.meta else {}} for m in rows]

    def check_owner(self, team: str, user: str, conversation: str) -> None:
        """NotFound unless `conversation` is one of the user's."""
        with self.db.engine.connect() as conn:
            self._owned(conn, team, user, conversation)

    def delete(self, team: str, user: str, conversation: str) -> None:
        with self.db.writing() as conn:
            self._owned(conn, team, user, conversation)
            self._delete(conn, [conversation])

    @staticmethod
    def _owned(conn: Any, team: str, user: str, conversation: str) -> None:
        if _owner(conn, conversation) != (team, user):
            raise NotFound(f"no conversation {conversation!r}", param="conversation")

    def forget(self, user: str) -> int:
        """Delete every conversation of `user`; returns how many."""
        with self.db.writing() as conn:
            ids = [r[0] for r in conn.execute(select(conversations.c.id)
                                              .where(conversations.c.user_id == user))]
            self._delete(conn, ids)
        return len(ids)

    def purge(self, now: float | None = None) -> int:
        """Delete conversations idle for longer than the retention period."""
        cutoff = (now or time.time()) - self.retention_s
        with self.db.writing() as conn:
            ids = [r[0] for r in conn.execute(select(conversations.c.id)
                                              .where(conversations.c.updated_at < cutoff))]
            self._delete(conn, ids)
        return len(ids)

    @staticmethod
    def _delete(conn: Any, ids: list[str]) -> None:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            conn.execute(delete(conversation_messages)
                         .where(conversation_messages.c.conversation_id.in_(part)))
            conn.execute(delete(conversations).where(conversations.c.id.in_(part)))


def _owner(conn: Any, conversation: str) -> tuple[str, str] | None:
    """(team, user) of a conversation, or None when there is none by that id."""
    row = conn.execute(select(conversations.c.team, conversations.c.user_id)
                       .where(conversations.c.id == conversation)).first()
    return None if row is None else (row.team, row.user_id)


def _drop_last_turn(conn: Any, conversation: str) -> None:
    """Remove the last question of a conversation and what came after it."""
    last_user = conn.execute(
        select(func.max(conversation_messages.c.id))
        .where(conversation_messages.c.conversation_id == conversation,
               conversation_messages.c.role == "user")).scalar()
    if last_user is not None:
        conn.execute(delete(conversation_messages).where(
            conversation_messages.c.conversation_id == conversation,
            conversation_messages.c.id >= last_user))
