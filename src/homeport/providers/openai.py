"""Any OpenAI-compatible server: OpenAI, vLLM, SGLang, Ollama, llama.cpp server, LM Studio,
Together, Groq, Fireworks. Requests go out nearly as they came in; streams are relayed chunk
by chunk (usage is always requested upstream so every call can be accounted)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from homeport.errors import UpstreamFailed
from homeport.providers.base import Capabilities
from homeport.providers.http import HttpProvider, sse_events
from homeport.providers.saturation import merge, poller_for
from homeport.settings import OpenAIProvider as Config
from homeport.types import (
    ChatRequest,
    Chunk,
    EmbedResult,
    Load,
    Message,
    TokenInput,
    ToolCallDelta,
    Usage,
)


class OpenAIProvider(HttpProvider):
    capabilities = Capabilities(embeddings=True)

    def __init__(self, cfg: Config):
        super().__init__(cfg)
        # A local model server's own load, read in the background (`saturation` setting).
        self.poller = poller_for(cfg, {**cfg.headers, **self.auth_headers()})

    def auth_headers(self) -> dict[str, str]:
        key = self.cfg.resolved_api_key()
        return {"authorization": f"Bearer {key}"} if key else {}

    async def start(self) -> None:
        await super().start()
        if self.poller is not None:
            await self.poller.start()

    async def close(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
        await super().close()

    def load(self) -> Load:
        own = super().load()
        return own if self.poller is None else merge(own, self.poller.fresh())

    def saturation(self) -> dict[str, Any]:
        """What `load` is made of, for admin views: own counters and the last server reading."""
        load = self.load()
        out: dict[str, Any] = {"in_flight": load.in_flight, "queued": load.queued,
                               "slots": load.slots, "avg_service_s": load.avg_service_s,
                               "own_in_flight": self.in_flight}
        if self.poller is not None:
            out["server"] = self.poller.snapshot()
        return out

    def model_loaded(self, model: str) -> bool | None:
        """Whether the server has `model` in memory (Ollama probe); None when unknown."""
        return None if self.poller is None else self.poller.model_loaded(model)

    async def stream(self, req: ChatRequest, model: str) -> AsyncIterator[Chunk]:
        path = "/completions" if req.is_completion else "/chat/completions"
        url = self.cfg.base_url + path
        body = request_body(req, model)
        if not req.stream:
            yield response_chunk(await self.post_json(url, body), req.is_completion)
            return
        async with self.post(url, body) as resp:
            async for _, data in sse_events(resp):
                if data == b"[DONE]":
                    return
                try:
                    obj = orjson.loads(data)
                except orjson.JSONDecodeError as e:
                    raise UpstreamFailed(f"{self.name}: invalid JSON in the stream") from e
                chunk = stream_chunk(obj, req.is_completion, self.name)
                if chunk is not None:
                    yield chunk

    async def embed(self, texts: list[str], model: str,
                    tokens: TokenInput | None = None) -> EmbedResult:
        body = await self.post_json(self.cfg.base_url + "/embeddings", {
            "model": model, "input": texts if tokens is None else tokens,
            "encoding_format": "float"})
        try:
            data = sorted(body["data"], key=lambda d: d["index"])
            return EmbedResult(vectors=[d["embedding"] for d in data],
                               prompt_tokens=(body.get("usage") or {}).get("prompt_tokens", 0))
        except (KeyError, TypeError) as e:
            raise UpstreamFailed(f"{self.name}: malformed embeddings response") from e


def request_body(req: ChatRequest, model: str) -> dict[str, Any]:
    body: dict[str, Any] = {**req.extra, "model": model, "stream": req.stream}
    if req.stream:
        body["stream_options"] = {"include_usage": True}
    if req.is_completion:
        body["prompt"] = req.prompt
    else:
        body["messages"] = [message_dict(m) for m in req.messages]
    if req.max_tokens is not None and "max_completion_tokens" not in body:
        body["max_tokens"] = req.max_tokens
    for name in ("temperature", "top_p", "seed", "response_format", "tools", "tool_choice",
                 "user"):
        value = getattr(req, name)
        if value is not None:
            body[name] = value
    if req.stop:
        body["stop"] = req.stop
    return body


def message_dict(m: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"role": m.role, "content": m.content}
    if m.name is not None:
        out["name"] = m.name
    if m.tool_calls is not None:
        out["tool_calls"] = m.tool_calls
    if m.tool_call_id is not None:
        out["tool_call_id"] = m.tool_call_id
    return out


def usage_of(u: dict[str, Any] | None) -> Usage | None:
    if not u:
        return None
    return Usage(u.get("prompt_tokens") or 0, u.get("completion_tokens") or 0)


def response_chunk(body: Any, completion: bool) -> Chunk:
    """A whole (non-streamed) response as one Chunk."""
    try:
        choice = body["choices"][0]
    except (KeyError, IndexError, TypeError) as e:
        raise UpstreamFailed("the upstream response has no choices") from e
    usage = usage_of(body.get("usage"))
    logprobs = choice.get("logprobs")
    if completion:
        return Chunk(text=choice.get("text") or "", finish_reason=choice.get("finish_reason"),
                     usage=usage, logprobs=logprobs)
    msg = choice.get("message") or {}
    calls = [ToolCallDelta(index=i, id=c.get("id"), name=c["function"]["name"],
                           arguments=c["function"].get("arguments") or "")
             for i, c in enumerate(msg.get("tool_calls") or [])]
    return Chunk(text=msg.get("content") or "", tool_calls=calls or None,
                 finish_reason=choice.get("finish_reason"), usage=usage, logprobs=logprobs)


def stream_chunk(obj: Any, completion: bool, name: str) -> Chunk | None:
    if "error" in obj:
        err = obj["error"]
        msg = err.get("message") if isinstance(err, dict) else err
        raise UpstreamFailed(f"{name}: the upstream stream failed: {msg}")
    usage = usage_of(obj.get("usage"))
    choices = obj.get("choices") or []
    if not choices:
        return Chunk(usage=usage) if usage else None
    choice = choices[0]
    logprobs = choice.get("logprobs")
    if completion:
        return Chunk(text=choice.get("text") or "", finish_reason=choice.get("finish_reason"),
                     usage=usage, logprobs=logprobs)
    delta = choice.get("delta") or {}
    calls = None
    if delta.get("tool_calls"):
        calls = [ToolCallDelta(index=c.get("index", i), id=c.get("id"),
                               name=(c.get("function") or {}).get("name"),
                               arguments=(c.get("function") or {}).get("arguments") or "")
                 for i, c in enumerate(delta["tool_calls"])]
    return Chunk(text=delta.get("content") or "", tool_calls=calls,
                 finish_reason=choice.get("finish_reason"), usage=usage, logprobs=logprobs)
