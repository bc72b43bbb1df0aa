"""A local fake of Google's Gemini API (v1beta) speaking its wire format, for provider tests.

POST /v1beta/models/{model}:generateContent | :streamGenerateContent[?alt=sse] |
:batchEmbedContents. Requests are validated the way the real API does (stricter in a few
places, marked STRICT; see gemini_validation) and refused in Google's error shape. Tests
script answers with `Reply` and read what arrived in `FakeGemini.received`; `serve_gemini()`
runs it on 127.0.0.1 on a free port.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.gemini_validation import ApiError, bad, validate_embed, validate_generate

STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
          404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE",
          504: "DEADLINE_EXCEEDED"}
EMBED_DIMS = 8


def error_body(code: int, message: str, details: list[dict[str, Any]] | None = None
               ) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message, "status": STATUS.get(code, "UNKNOWN")}
    if details:
        err["details"] = details
    return {"error": err}


@dataclass
class Reply:
    """One scripted answer. `events` are streamed pieces (each a list of parts); a
    non-streaming call gets them merged into one candidate."""

    events: list[list[dict[str, Any]]] = field(
        default_factory=lambda: [[{"text": "Hello from Gemini."}]])
    finish_reason: str = "STOP"
    usage: dict[str, Any] | None = None  # default: words counted
    block_reason: str | None = None  # prompt blocked: promptFeedback and no candidates
    status: int | None = None  # answer with this HTTP error instead
    message: str = ""
    stream_error: dict[str, Any] | None = None  # an {"error": ...} event after the events
    truncate: bool = False  # end the stream without a finishReason

    @classmethod
    def text(cls, *pieces: str, **kw: Any) -> Reply:
        return cls(events=[[{"text": p}] for p in pieces], **kw)

    @classmethod
    def calls(cls, *calls: tuple[str, dict[str, Any]], **kw: Any) -> Reply:
        """Each call in its own event, as Gemini streams them: whole, never split."""
        return cls(events=[[{"functionCall": {"name": n, "args": a}}] for n, a in calls], **kw)

    @classmethod
    def error(cls, status: int, message: str = "") -> Reply:
        return cls(status=status, message=message or f"fake error {status}")


@dataclass
class Received:
    method: str  # generateContent | streamGenerateContent | batchEmbedContents
    model: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: Any


class FakeGemini:
    def __init__(self, api_key: str = "test-key"):
        self.api_key = api_key
        self.replies: list[Reply] = []
        self.received: list[Received] = []
        self.base_url = ""

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    @property
    def last(self) -> Received:
        return self.received[-1]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1beta/models/{target}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        model, _, method = request.match_info["target"].partition(":")
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        self.received.append(Received(method, model, dict(request.query),
                                      {k.lower(): v for k, v in request.headers.items()}, body))
        try:
            self._check_key(request)
            if not isinstance(body, dict):
                raise bad("Invalid JSON payload received. Expected an object.")
            if method == "batchEmbedContents":
                validate_embed(model, body)
                reply = self._next()
                if reply.status:
                    raise ApiError(reply.status, reply.message)
                return web.json_response({"embeddings": [
                    {"values": fake_vector(r["content"]["parts"][0]["text"])}
                    for r in body["requests"]]})
            if method not in ("generateContent", "streamGenerateContent"):
                raise ApiError(404, f"Method {method!r} not found for models/{model}.")
            validate_generate(body)
            reply = self._next()
            if reply.status:
                raise ApiError(reply.status, reply.message)
        except ApiError as e:
            return web.json_response(error_body(e.code, e.message, e.details), status=e.code)
        events = response_events(reply, model, body)
        if method == "generateContent":
            return web.json_response(merged(events))
        if request.query.get("alt") != "sse":  # without alt=sse: one JSON array
            return web.json_response(events)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for event in events:
            await resp.write(b"data: " + json.dumps(event).encode() + b"\r\n\r\n")
        await resp.write_eof()
        return resp

    def _next(self) -> Reply:
        return self.replies.pop(0) if self.replies else Reply()

    def _check_key(self, request: web.Request) -> None:
        key = request.headers.get("x-goog-api-key") or request.query.get("key")
        if not key:
            raise ApiError(403, "Method doesn't allow unregistered callers (callers without "
                           "established identity). Please use API Key or other form of API "
                           "consumer identity to call this API.")
        if key != self.api_key:
            raise ApiError(400, "API key not valid. Please pass a valid API key.", [{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                "domain": "googleapis.com"}])


# ---- answers ----

def words(value: Any) -> int:
    """Crude token count: words in every "text" found in `value`."""
    if isinstance(value, dict):
        return sum(len(v.split()) if k == "text" and isinstance(v, str) else words(v)
                   for k, v in value.items())
    return sum(words(v) for v in value) if isinstance(value, list) else 0


def response_events(reply: Reply, model: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    prompt = words(body.get("contents")) + words(body.get("systemInstruction"))
    usage = reply.usage or {"promptTokenCount": prompt,
                            "candidatesTokenCount": words(reply.events),
                            "totalTokenCount": prompt + words(reply.events)}
    meta = {"modelVersion": model, "responseId": hashlib.sha1(model.encode()).hexdigest()[:16]}
    if reply.block_reason:
        return [{"promptFeedback": {"blockReason": reply.block_reason}, "usageMetadata": usage,
                 **meta}]
    events: list[dict[str, Any]] = []
    pieces = reply.events or [[]]
    for i, parts in enumerate(pieces):
        last = i == len(pieces) - 1 and not reply.truncate
        candidate: dict[str, Any] = {"index": 0}
        if parts:
            candidate["content"] = {"parts": parts, "role": "model"}
        if last:
            candidate["finishReason"] = reply.finish_reason
        # Like the real stream, every event carries usage; only the last is complete.
        events.append({"candidates": [candidate], "usageMetadata": usage if last else {
            "promptTokenCount": prompt, "totalTokenCount": prompt}, **meta})
    if reply.stream_error:
        events.append({"error": reply.stream_error})
    return events


def merged(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The streamed events as one generateContent response."""
    out = dict(events[-1])
    if "candidates" in out:
        parts = [p for e in events for c in e.get("candidates", [])
                 for p in (c.get("content") or {}).get("parts", [])]
        cand = {**out["candidates"][0]}
        if parts:
            cand["content"] = {"parts": parts, "role": "model"}
        out["candidates"] = [cand]
    return out


def fake_vector(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255, 4) for b in digest[:EMBED_DIMS]]


@asynccontextmanager
async def serve_gemini(fake: FakeGemini | None = None) -> AsyncIterator[FakeGemini]:
    """Run a FakeGemini on 127.0.0.1 on a free port; `base_url` is set while it runs."""
    fake = fake or FakeGemini()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.base_url = f"http://127.0.0.1:{port}/v1beta"
    try:
        yield fake
    finally:
        await runner.cleanup()
