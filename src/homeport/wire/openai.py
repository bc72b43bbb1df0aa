"""Internal Chunks -> OpenAI response bodies and stream chunks, shaped as OpenAI sends them."""

from __future__ import annotations

import base64
import logging
import struct
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson

from homeport.gateway.chat import Answer
from homeport.gateway.exchange import Collected
from homeport.types import Chunk, ToolCallDelta, Usage, new_id
from homeport.wire.streaming import answer_events

log = logging.getLogger(__name__)


def usage_dict(u: Usage | None) -> dict[str, int]:
    u = u or Usage()
    return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
            "total_tokens": u.total_tokens}


def chat_completion(rid: str, created: int, model: str, c: Collected) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": "".join(c.text) or None,
                               "refusal": None}
    if c.calls:
        message["tool_calls"] = [c.calls[i] for i in sorted(c.calls)]
    elif message["content"] is None:
        message["content"] = ""
    return {"id": rid, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": message, "logprobs": c.logprobs,
                         "finish_reason": c.finish()}],
            "usage": usage_dict(c.usage)}


def text_completion(rid: str, created: int, model: str, c: Collected) -> dict[str, Any]:
    return {"id": rid, "object": "text_completion", "created": created, "model": model,
            "choices": [{"index": 0, "text": "".join(c.text), "logprobs": c.logprobs,
                         "finish_reason": c.finish()}],
            "usage": usage_dict(c.usage)}


class StreamEncoder:
    """Turns Chunks into SSE `data:` lines exactly as OpenAI streams them."""

    def __init__(self, rid: str, model: str, completion: bool, include_usage: bool,
                 citations: list[dict[str, Any]] | None = None):
        self.completion = completion
        self.citations = citations or []  # knowledge sources: a final event before [DONE]
        self.include_usage = include_usage
        self.usage: Usage | None = None
        self.finish_reason: str | None = None
        self.saw_tool_calls = False
        self._seen_calls: set[int] = set()
        self._base = {"id": rid, "object": "text_completion" if completion else
                      "chat.completion.chunk", "created": int(time.time()), "model": model}

    def start(self) -> bytes:
        """The first chat chunk announces the assistant role (OpenAI does this)."""
        if self.completion:
            return b""
        return self._event({"role": "assistant", "content": ""}, None)

    def encode(self, chunk: Chunk) -> bytes:
        self.usage = chunk.usage or self.usage
        if chunk.finish_reason:
            self.finish_reason = chunk.finish_reason
        if not chunk.text and not chunk.tool_calls:
            return b""
        if self.completion:
            return self._event(chunk.text, None, chunk.logprobs)
        delta: dict[str, Any] = {}
        if chunk.text:
            delta["content"] = chunk.text
        if chunk.tool_calls:
            self.saw_tool_calls = True
            delta["tool_calls"] = [self._call(d) for d in chunk.tool_calls]
        return self._event(delta, None, chunk.logprobs)

    def end(self) -> bytes:
        finish = self.finish_reason or "stop"
        if self.saw_tool_calls and finish == "stop":
            finish = "tool_calls"
        out = self._event({} if not self.completion else "", finish)
        if self.include_usage:
            out += sse({**self._base, "choices": [], "usage": usage_dict(self.usage)})
        if self.citations:
            out += sse({**self._base, "choices": [], "citations": self.citations})
        return out + b"data: [DONE]\n\n"

    def _call(self, d: ToolCallDelta) -> dict[str, Any]:
        out: dict[str, Any] = {"index": d.index}
        if d.index not in self._seen_calls:  # id, type and name only on a call's first piece
            self._seen_calls.add(d.index)
            out["id"] = d.id or new_id("call")
            out["type"] = "function"
            out["function"] = {"name": d.name or "", "arguments": d.arguments}
        else:
            out["function"] = {"arguments": d.arguments}
        return out

    def _event(self, delta: dict[str, Any] | str, finish: str | None,
               logprobs: dict[str, Any] | None = None) -> bytes:
        if self.completion:
            choice: dict[str, Any] = {"index": 0, "text": delta, "logprobs": logprobs,
                                      "finish_reason": finish}
        else:
            choice = {"index": 0, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
        body: dict[str, Any] = {**self._base, "choices": [choice]}
        if self.include_usage:
            body["usage"] = None
        return sse(body)


def sse(obj: Any) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def embeddings(model: str, vectors: list[list[float]], prompt_tokens: int,
               encoding: str) -> dict[str, Any]:
    data = [{"object": "embedding", "index": i,
             "embedding": _b64(v) if encoding == "base64" else v}
            for i, v in enumerate(vectors)]
    return {"object": "list", "data": data, "model": model,
            "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens}}


def _b64(vector: list[float]) -> str:
    """Little-endian float32, base64: what the OpenAI SDKs decode."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def event_stream(answer: Answer, encoder: StreamEncoder) -> AsyncIterator[bytes]:
    """The answer as OpenAI's event stream (errors after the headers in-band)."""
    return answer_events(answer, encoder, lambda e: sse(e.to_dict()))


