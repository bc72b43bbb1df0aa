"""Google's Gemini API (v1beta): generateContent, streamGenerateContent?alt=sse and
batchEmbedContents. Requests with OpenAI chat semantics are translated to Gemini `contents`
and the answers back to Chunks. Reference: https://ai.google.dev/api/generate-content"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
import secrets
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson

from homeport.errors import InvalidRequest, UpstreamFailed
from homeport.providers.base import Capabilities, refuse_logprobs
from homeport.providers.http import HttpProvider, sse_events
from homeport.settings import GeminiProvider as Config
from homeport.types import (
    ChatRequest,
    Chunk,
    EmbedResult,
    Message,
    TokenInput,
    ToolCallDelta,
    Usage,
)

EMBED_BATCH = 100  # batchEmbedContents takes at most 100 requests per call

# Google answers 400 INVALID_ARGUMENT / FAILED_PRECONDITION for some faults that are the
# deployment's, not the caller's: those must not reach the client as "your request is bad".


class GeminiProvider(HttpProvider):
    capabilities = Capabilities(embeddings=True)

    def __init__(self, cfg: Config):
        super().__init__(cfg)

    def auth_headers(self) -> dict[str, str]:
        key = self.cfg.resolved_api_key()
        return {"x-goog-api-key": key} if key else {}

    def _url(self, model: str, method: str) -> str:
        return f"{self.cfg.base_url}/models/{model_id(model)}:{method}"

    async def stream(self, req: ChatRequest, model: str) -> AsyncIterator[Chunk]:
        body = request_body(req)
        if not req.stream:
            data = await self.post_json(self._url(model, "generateContent"), body)
            yield response_chunk(data, self.name)
            return
        state = _StreamState(self.name)
        url = self._url(model, "streamGenerateContent") + "?alt=sse"
        async with self.post(url, body) as resp:
            async for _, data in sse_events(resp):
                if (obj := _loads(data)) is None:
                    raise UpstreamFailed(f"{self.name}: invalid JSON in the stream")
                if (chunk := state.feed(obj)) is not None:
                    yield chunk
        yield state.final()

    async def embed(self, texts: list[str], model: str,
                    tokens: TokenInput | None = None) -> EmbedResult:
        url = self._url(model, "batchEmbedContents")
        name = f"models/{model_id(model)}"
        batches = [texts[i:i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)]
        answers = await asyncio.gather(*(self.post_json(url, {"requests": [
            {"model": name, "content": {"parts": [{"text": t}]}} for t in batch]})
            for batch in batches))
        try:
            vectors: list[list[float]] = [e["values"] for a in answers for e in a["embeddings"]]
        except (KeyError, TypeError) as e:
            raise UpstreamFailed(f"{self.name}: malformed embeddings response") from e
        if len(vectors) != len(texts):
            raise UpstreamFailed(f"{self.name}: {len(vectors)} embeddings for {len(texts)} texts")
        # The Gemini API reports no token count for embeddings: estimate ~4 characters a token.
        return EmbedResult(vectors=vectors, prompt_tokens=sum(-(-len(t) // 4) for t in texts))


def model_id(model: str) -> str:
    return model.removeprefix("models/")


# ---- request: OpenAI chat semantics -> GenerateContentRequest ----

def request_body(req: ChatRequest) -> dict[str, Any]:
    system, contents = contents_of(req)
    body: dict[str, Any] = {"contents": contents, "generationConfig": generation_config(req)}
    if system:
        body["systemInstruction"] = {"parts": [{"text": t} for t in system]}
    if req.tools:
        body["tools"] = [{"functionDeclarations": [
            declaration(t, i) for i, t in enumerate(req.tools)]}]
        if req.tool_choice is not None:
            body["toolConfig"] = tool_config(req.tool_choice)
    return body


def contents_of(req: ChatRequest) -> tuple[list[str], list[dict[str, Any]]]:
    """(system texts, contents). Gemini wants user/model turns, so consecutive turns of one
    role are merged; system messages anywhere go to systemInstruction."""
    messages = [Message("user", req.prompt)] if req.is_completion else req.messages
    system: list[str] = []
    contents: list[dict[str, Any]] = []
    call_names: dict[str, str] = {}  # tool_call_id -> function name, for functionResponse
    for i, m in enumerate(messages):
        if m.role in ("system", "developer"):
            system += [t for t in [m.text()] if t]
            continue
        if m.role == "user":
            role, parts = "user", content_parts(m.content, i)
        elif m.role == "assistant":
            role, parts = "model", content_parts(m.content, i) + call_parts(m, i, call_names)
        elif m.role in ("tool", "function"):
            role, parts = "user", [response_part(m, i, call_names)]
        else:
            raise InvalidRequest(f"messages[{i}]: role {m.role!r} is not supported; use system, "
                                 "developer, user, assistant or tool", param=f"messages[{i}].role")
        if parts and contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)
        elif parts:
            contents.append({"role": role, "parts": parts})
    if not contents:
        raise InvalidRequest("the request needs at least one non-empty user or assistant message",
                             param="prompt" if req.is_completion else "messages")
    return system, contents


def content_parts(content: str | list[dict[str, Any]] | None, i: int) -> list[dict[str, Any]]:
    if not content:
        return []
    if isinstance(content, str):
        return [{"text": content}]
    out: list[dict[str, Any]] = []
    for k, p in enumerate(content):
        kind, param = p.get("type"), f"messages[{i}].content[{k}]"
        if kind in ("text", "refusal"):
            out += [{"text": t} for t in [p.get(kind)] if t]
        elif kind == "image_url":
            image = p.get("image_url")
            out.append(media_part(image.get("url") if isinstance(image, dict) else image, param))
        elif kind == "input_audio":
            audio = p.get("input_audio") or {}
            out.append({"inlineData": {"mimeType": f"audio/{audio.get('format', 'wav')}",
                                       "data": audio.get("data", "")}})
        elif kind == "file" and (p.get("file") or {}).get("file_data"):
            out.append(media_part(p["file"]["file_data"], param))
        else:
            raise InvalidRequest(f"{param}: content part type {kind!r} is not supported by "
                                 "Gemini; use text, image_url, input_audio or file with "
                                 "file_data", param=param)
    return out


def media_part(url: Any, param: str) -> dict[str, Any]:
    """data: URLs go inline; http(s)/gs URLs by reference (fileData)."""
    if not isinstance(url, str):
        raise InvalidRequest(f"{param}: the URL must be a string", param=param)
    if url.startswith("data:"):
        header, sep, payload = url[5:].partition(",")
        if not sep:
            raise InvalidRequest(f"{param}: malformed data: URL", param=param)
        mime, *flags = header.split(";")
        if "base64" not in flags:  # percent-encoded bytes
            payload = base64.b64encode(urllib.parse.unquote_to_bytes(payload)).decode()
        return {"inlineData": {"mimeType": mime or "text/plain", "data": payload}}
    if url.startswith(("https://", "http://", "gs://")):
        ref = {"fileUri": url}
        if guessed := mimetypes.guess_type(urllib.parse.urlsplit(url).path)[0]:
            ref["mimeType"] = guessed
        return {"fileData": ref}
    raise InvalidRequest(f"{param}: use a data: or http(s) URL", param=param)


def call_parts(m: Message, i: int, call_names: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for k, call in enumerate(m.tool_calls or []):
        fn, param = call.get("function") or {}, f"messages[{i}].tool_calls[{k}]"
        name, args = fn.get("name"), fn.get("arguments") or "{}"
        if not name:
            raise InvalidRequest(f"{param}: the function name is missing", param=param)
        if not isinstance(args := _loads(args) if isinstance(args, str) else args, dict):
            raise InvalidRequest(f"{param}: arguments must be a JSON object", param=param)
        if call.get("id"):
            call_names[call["id"]] = name
        out.append({"functionCall": {"name": name, "args": args}})
    return out


def response_part(m: Message, i: int, call_names: dict[str, str]) -> dict[str, Any]:
    name = call_names.get(m.tool_call_id or "") or m.name
    if not name:
        raise InvalidRequest(f"messages[{i}]: tool_call_id {m.tool_call_id!r} answers no earlier "
                             "assistant tool call", param=f"messages[{i}].tool_call_id")
    value = _loads(text := m.text())
    return {"functionResponse": {
        "name": name, "response": value if isinstance(value, dict) else {"result": text}}}


def _loads(raw: str | bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def declaration(tool: dict[str, Any], i: int) -> dict[str, Any]:
    fn = tool.get("function") or {}
    if tool.get("type", "function") != "function" or not fn.get("name"):
        raise InvalidRequest(f"tools[{i}]: only function tools with a name are supported",
                             param=f"tools[{i}]")
    decl: dict[str, Any] = {k: fn[k] for k in ("name", "description") if fn.get(k)}
    params = clean_schema(fn.get("parameters") or {})
    if params.get("properties"):  # Gemini rejects an OBJECT with no properties
        decl["parameters"] = params
    return decl


# Keys of Gemini's Schema (an OpenAPI 3.0 subset); anything else is rejected upstream.
_SCHEMA_KEYS = frozenset({
    "type", "format", "title", "description", "nullable", "enum", "items", "minItems",
    "maxItems", "properties", "required", "minProperties", "maxProperties", "minLength",
    "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default", "minimum",
    "maximum"})
_FORMATS = frozenset({"enum", "date-time", "int32", "int64", "float", "double"})


def clean_schema(node: dict[str, Any], defs: dict[str, Any] | None = None,
                 depth: int = 0) -> dict[str, Any]:
    """A JSON Schema reduced to what Gemini's `parameters` accepts: local $refs inlined,
    unknown keys ($schema, additionalProperties, ...) dropped, type lists -> nullable."""
    defs = {**node.get("definitions", {}), **node.get("$defs", {})} if defs is None else defs
    if depth > 32:
        raise InvalidRequest("tool schema is too deep (or its $ref is recursive)", param="tools")
    if isinstance(ref := node.get("$ref"), str):
        target = defs.get(ref.rsplit("/", 1)[-1])
        if not isinstance(target, dict):
            raise InvalidRequest(f"tool schema: cannot resolve $ref {ref!r}", param="tools")
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {n: clean_schema(s, defs, depth + 1) for n, s in value.items()}
        elif key == "items" and isinstance(value, dict):
            out[key] = clean_schema(value, defs, depth + 1)
        elif key in ("anyOf", "oneOf") and isinstance(value, list):
            out["anyOf"] = [clean_schema(s, defs, depth + 1) for s in value]
        elif key == "const":
            out.setdefault("enum", [value])
        elif key in _SCHEMA_KEYS and (key != "format" or value in _FORMATS):
            out[key] = value
    if isinstance(kinds := out.pop("type", None), list):  # ["x", "null"] -> x, nullable
        out.update({"nullable": True} if "null" in kinds else {})
        real = [k for k in kinds if k != "null"]
        out.update({"type": real[0]} if len(real) == 1 else {"anyOf": [{"type": k} for k in real]})
    elif kinds is not None:
        out["type"] = kinds
    if "enum" in out:  # Gemini allows enum on STRING only: keep other enums as a hint
        if all(isinstance(v, str) for v in out["enum"]):
            out.setdefault("type", "string")
        else:
            hint, desc = "one of: " + ", ".join(map(str, out.pop("enum"))), out.get("description")
            out["description"] = f"{desc} ({hint})" if desc else hint
    if not out.get("properties"):
        out.pop("properties", None)
    if "required" in out:  # Gemini refuses required names that are not properties
        out["required"] = [r for r in out["required"] if r in out.get("properties", {})]
    return out


_MODES = {"auto": "AUTO", "none": "NONE", "required": "ANY"}


def tool_config(choice: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(choice, str) and choice in _MODES:
        return {"functionCallingConfig": {"mode": _MODES[choice]}}
    if isinstance(choice, dict) and (name := (choice.get("function") or {}).get("name")):
        return {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": [name]}}
    raise InvalidRequest("tool_choice must be auto, none, required or "
                         '{"type": "function", "function": {"name": ...}}', param="tool_choice")


def generation_config(req: ChatRequest) -> dict[str, Any]:
    refuse_logprobs(req, "This Gemini provider")
    cfg: dict[str, Any] = {"candidateCount": 1}
    max_tokens = req.max_tokens
    if max_tokens is None:
        max_tokens = req.extra.get("max_completion_tokens")
    for key, value in (("temperature", req.temperature), ("topP", req.top_p),
                       ("maxOutputTokens", max_tokens), ("seed", req.seed)):
        if value is not None:
            cfg[key] = value
    if req.stop:
        cfg["stopSequences"] = list(req.stop)
    fmt = req.response_format or {}
    if fmt.get("type") in ("json_object", "json_schema"):
        cfg["responseMimeType"] = "application/json"
    if fmt.get("type") == "json_schema" and (fmt.get("json_schema") or {}).get("schema"):
        # responseJsonSchema takes standard JSON Schema ($ref, additionalProperties, ...) as
        # OpenAI's json_schema does; responseSchema would need the lossy clean_schema subset.
        cfg["responseJsonSchema"] = fmt["json_schema"]["schema"]
    return cfg


# ---- response: GenerateContentResponse -> Chunk ----

_FINISH = {"STOP": "stop", "MAX_TOKENS": "length", **dict.fromkeys((
    "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT"), "content_filter")}


def finish_reason(raw: str | None, has_calls: bool) -> str:
    reason = _FINISH.get(raw or "STOP", "stop")  # OTHER, MALFORMED_FUNCTION_CALL, ...: stop
    return "tool_calls" if reason == "stop" and has_calls else reason


def usage_of(u: dict[str, Any] | None) -> Usage | None:
    def n(*keys: str) -> int:
        return sum(int((u or {}).get(k) or 0) for k in keys)
    return Usage(n("promptTokenCount", "toolUsePromptTokenCount"),
                 n("candidatesTokenCount", "thoughtsTokenCount")) if u else None


def parts_of(candidate: dict[str, Any], first_index: int) -> tuple[str, list[ToolCallDelta]]:
    """Answer text (thoughts skipped) and function calls, numbered from `first_index`."""
    text: list[str] = []
    calls: list[ToolCallDelta] = []
    for part in (candidate.get("content") or {}).get("parts") or []:
        if isinstance(part.get("text"), str) and not part.get("thought"):
            text.append(part["text"])
        elif isinstance(call := part.get("functionCall"), dict):
            calls.append(ToolCallDelta(index=first_index + len(calls),
                                       id="call_" + secrets.token_hex(12), name=call.get("name"),
                                       arguments=orjson.dumps(call.get("args") or {}).decode()))
    return "".join(text), calls


def _candidate(body: Any, name: str, streaming: bool = False) -> dict[str, Any] | None:
    """The first candidate; None when the prompt was blocked; raises on an error body.
    A stream may have events without candidates (usage only): {} for those."""
    if not isinstance(body, dict):
        raise UpstreamFailed(f"{name}: the upstream answered with a non-object")
    if isinstance(err := body.get("error"), dict | str):
        msg = err.get("message") if isinstance(err, dict) else err
        raise UpstreamFailed(f"{name}: the upstream failed: {msg}")
    candidates = body.get("candidates") or []
    if candidates and isinstance(candidates[0], dict):
        return candidates[0]
    if (body.get("promptFeedback") or {}).get("blockReason"):
        return None
    if streaming:
        return {}
    raise UpstreamFailed(f"{name}: the upstream response has no candidates")


def response_chunk(body: Any, name: str) -> Chunk:
    """A whole generateContent response as one Chunk."""
    cand = _candidate(body, name)
    usage = usage_of(body.get("usageMetadata"))
    if cand is None:
        return Chunk(finish_reason="content_filter", usage=usage)
    text, calls = parts_of(cand, 0)
    return Chunk(text=text, tool_calls=calls or None,
                 finish_reason=finish_reason(cand.get("finishReason"), bool(calls)), usage=usage)


@dataclass(slots=True)
class _StreamState:
    """Folds SSE events: text and calls go out as they come; finish and usage at the end."""

    name: str
    calls: int = 0
    finish: str | None = None
    usage: Usage | None = None

    def feed(self, obj: Any) -> Chunk | None:
        cand = _candidate(obj, self.name, streaming=True)
        self.usage = usage_of(obj.get("usageMetadata")) or self.usage
        if cand is None:  # the prompt was blocked
            self.finish = "SAFETY"
            return None
        text, calls = parts_of(cand, self.calls)
        self.calls += len(calls)
        self.finish = cand.get("finishReason") or self.finish
        return Chunk(text=text, tool_calls=calls or None) if text or calls else None

    def final(self) -> Chunk:
        if self.finish is None:
            raise UpstreamFailed(f"{self.name}: the stream ended before a finishReason")
        return Chunk(finish_reason=finish_reason(self.finish, self.calls > 0), usage=self.usage)
