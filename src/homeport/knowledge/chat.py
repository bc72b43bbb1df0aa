"""Retrieval in chat: numbered sources into the prompt, citations out with the answer."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from homeport.knowledge.service import Retrieved
from homeport.types import ChatRequest, Message

_MARKER = re.compile(r"\[(\d{1,2})\]")
INSTRUCTIONS = ("Answer the user's question using the numbered sources below. Cite the sources "
                "you use with their numbers in square brackets, like [1] or [2]. If the sources "
                "do not contain the answer, say so.")


def query_of(req: ChatRequest) -> str:
    """What to retrieve for: the last user message."""
    for m in reversed(req.messages):
        if m.role == "user" and m.text().strip():
            return m.text()
    return req.prompt or ""


def attach(req: ChatRequest, retrieved: Retrieved) -> ChatRequest:
    """`req` with the passages as a numbered-source system message after its own system ones."""
    if not retrieved.passages:
        return req
    blocks = [INSTRUCTIONS]
    for i, p in enumerate(retrieved.passages, start=1):
        where = p.context or p.title or p.source
        page = f", page {p.page}" if p.page is not None else ""
        blocks.append(f"[{i}] {where} ({p.source}{page})\n{p.text}")
    sources = Message("system", "\n\n".join(blocks))
    lead = 0
    while lead < len(req.messages) and req.messages[lead].role in ("system", "developer"):
        lead += 1
    messages = [*req.messages[:lead], sources, *req.messages[lead:]]
    return dataclasses.replace(req, messages=messages)


def citations(retrieved: Retrieved) -> list[dict[str, Any]]:
    return [{"index": i, "knowledge_base": retrieved.names.get(p.kb_id, p.kb_id),
             "document_id": p.document_id, "source": p.source, "title": p.title,
             "location": p.location(), "score": round(p.score, 6), "text": p.text}
            for i, p in enumerate(retrieved.passages, start=1)]


def sources_footer(answer: str, cited: list[dict[str, Any]]) -> str:
    """A "Sources" line for an answer that cites none of the sources by number (small models
    often do not): the reader still sees which passages the answer was given."""
    if not cited or any(1 <= int(n) <= len(cited) for n in _MARKER.findall(answer)):
        return ""
    refs = "; ".join(f"[{c['index']}] {c['title'] or c['source']}" for c in cited)
    return f"\n\nSources: {refs}"
