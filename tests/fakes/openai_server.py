"""A fake OpenAI-compatible upstream speaking the real wire format, scriptable per test.

Runs in a background thread (ThreadedApp), so it serves both in-process tests and real
`homeport serve` processes. `script` decides what the next requests get; `requests` records
what arrived; `cancelled` counts streams whose client hung up before the end.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.threaded import ThreadedApp


@dataclass
class Reply:
    text: str = "Hello from the fake upstream."
    status: int = 200  # non-200: an OpenAI-shaped error with this status
    error_message: str = "fake upstream error"
    delay_s: float = 0.0  # before the response starts
    chunk_delay_s: float = 0.0  # between stream chunks
    tool_calls: list[dict[str, Any]] | None = None  # [{"name":..., "arguments": "..."}]
    finish_reason: str = "stop"
    stream_error: bool = False  # send an error event after the first chunk
    drop: bool = False  # close the connection without answering
    pieces: list[str] | None = None  # stream these exact pieces (default: `text` split on spaces)


@dataclass
class FakeOpenAI:
    replies: list[Reply] = field(default_factory=list)  # consumed in order; then `default`
    default: Reply = field(default_factory=Reply)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    cancelled: int = 0
    received: list[bytes] = field(default_factory=list)  # every request body, byte for byte
    port: int = 0
    # called with each chat request's body as it arrives, before anything is answered
    on_request: Callable[[dict[str, Any]], None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset(self) -> FakeOpenAI:
        """No scripted replies and nothing recorded (between tests sharing one fake)."""
        self.replies.clear()
        self.default = Reply()
        self.on_request = None
        for recorded in (self.requests, self.received, self.headers):
            recorded.clear()
        return self

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if self.replies else self.default

    # --- handlers ---

    async def chat(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.received.append(raw)
        body = orjson.loads(raw)
        if self.on_request is not None:
            self.on_request(body)
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        reply = self.next_reply()
        if reply.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        await asyncio.sleep(reply.delay_s)
        if reply.status != 200:
            return web.json_response({"error": {"message": reply.error_message,
                                                "type": "server_error", "param": None,
                                                "code": None}}, status=reply.status)
        completion = request.path.endswith("/v1/completions")
        if body.get("stream"):
            return await self._stream(request, body, reply, completion)
        return web.json_response(_whole(body, reply, completion))

    async def _stream(self, request: web.Request, body: dict[str, Any], reply: Reply,
                      completion: bool) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        base = {"id": "chatcmpl-fake", "object": "text_completion" if completion else
                "chat.completion.chunk", "created": int(time.time()), "model": body["model"]}
        try:
            for i, piece in enumerate(reply.pieces or _pieces(reply.text)):
                if completion:
                    choice = {"index": 0, "text": piece, "finish_reason": None}
                else:
                    delta = {"role": "assistant", "content": piece} if i == 0 else {
                        "content": piece}
                    choice = {"index": 0, "delta": delta, "finish_reason": None}
                    if body.get("logprobs"):
                        choice["logprobs"] = {"content": [_logprob(piece, i, body)],
                                              "refusal": None}
                await resp.write(_sse({**base, "choices": [choice]}))
                if reply.stream_error:
                    await resp.write(_sse({"error": {"message": "upstream broke mid-stream"}}))
                    return resp
                await asyncio.sleep(reply.chunk_delay_s)
            for i, call in enumerate(reply.tool_calls or []):
                await resp.write(_sse({**base, "choices": [{"index": 0, "delta": {
                    "tool_calls": [{"index": i, "id": f"call_{i}", "type": "function",
                                    "function": {"name": call["name"], "arguments": ""}}]},
                    "finish_reason": None}]}))
                await resp.write(_sse({**base, "choices": [{"index": 0, "delta": {
                    "tool_calls": [{"index": i, "function": {"arguments": call["arguments"]}}]},
                    "finish_reason": None}]}))
            final = {"index": 0, "finish_reason": reply.finish_reason}
            final.update({"text": ""} if completion else {"delta": {}})
            await resp.write(_sse({**base, "choices": [final]}))
            if (body.get("stream_options") or {}).get("include_usage"):
                await resp.write(_sse({**base, "choices": [], "usage": _usage(body, reply)}))
            await resp.write(b"data: [DONE]\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            self.cancelled += 1
            raise
        return resp

    async def embeddings(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.received.append(raw)
        body = orjson.loads(raw)
        self.requests.append(body)
        reply = self.next_reply()
        if reply.status != 200:
            return web.json_response({"error": {"message": reply.error_message}},
                                     status=reply.status)
        given = body["input"]  # a text, texts, token ids or arrays of them
        inputs = given if isinstance(given, list) and not isinstance(given[0], int) else [given]
        return web.json_response({"object": "list", "model": body["model"], "data": [
            {"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.0]}
            for i, t in enumerate(inputs)], "usage": {"prompt_tokens": 7, "total_tokens": 7}})

    # --- lifecycle ---

    def start(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self.chat)
        app.router.add_post("/v1/completions", self.chat)
        app.router.add_post("/v1/embeddings", self.embeddings)
        self._server = ThreadedApp(app)
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


def _pieces(text: str) -> list[str]:
    words = text.split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def _usage(body: dict[str, Any], reply: Reply) -> dict[str, int]:
    prompt = 11
    completion = len(_pieces(reply.text))
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


def _whole(body: dict[str, Any], reply: Reply, completion: bool) -> dict[str, Any]:
    if completion:
        choice: dict[str, Any] = {"index": 0, "text": reply.text, "logprobs": None,
                                  "finish_reason": reply.finish_reason}
    else:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if reply.tool_calls:
            message["content"] = None
            message["tool_calls"] = [
                {"id": f"call_{i}", "type": "function",
                 "function": {"name": c["name"], "arguments": c["arguments"]}}
                for i, c in enumerate(reply.tool_calls)]
        logprobs = {"content": [_logprob(p, i, body) for i, p in enumerate(_pieces(
            reply.text))], "refusal": None} if body.get("logprobs") else None
        choice = {"index": 0, "message": message, "logprobs": logprobs,
                  "finish_reason": reply.finish_reason}
    return {"id": "chatcmpl-fake", "object": "text_completion" if completion else
            "chat.completion", "created": int(time.time()), "model": body["model"],
            "choices": [choice], "usage": _usage(body, reply)}


def _logprob(piece: str, i: int, body: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's entry for one token: its log probability, bytes and the top alternatives."""
    top = [{"token": f"{piece}~{k}", "logprob": -1.0 - k, "bytes": list(f"{piece}~{k}".encode())}
           for k in range(int(body.get("top_logprobs") or 0))]
    return {"token": piece, "logprob": -0.1 * (i + 1), "bytes": list(piece.encode()),
            "top_logprobs": top}


def _sse(obj: Any) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"
