"""A local fake of Anthropic's POST /v1/messages speaking the real wire format.

It validates requests the way the API does (400 with Anthropic's error JSON), records every
request it receives, and answers with scripted replies, as one JSON Message or as an SSE stream:

    async with serve_anthropic() as fake:
        fake.script(Reply(blocks=["Hel", "lo"]))    # or Reply(status=529), ToolUse(...), ...
        ... point a provider at fake.base_url ...
        fake.requests[0].body, fake.requests[0].headers
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error",
               403: "permission_error", 404: "not_found_error", 413: "request_too_large",
               429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}
TOP_LEVEL = {"model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream",
             "temperature", "top_k", "top_p", "tools", "tool_choice", "thinking", "service_tier"}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_ids = itertools.count(1)


@dataclass
class ToolUse:
    name: str
    input: dict[str, Any]
    id: str = field(default_factory=lambda: f"toolu_{next(_ids):04d}")


@dataclass
class Reply:
    """One scripted answer. `blocks`: text pieces (consecutive strings form one text block, each
    string one text_delta) and ToolUse blocks (their JSON streamed in `json_piece`-char parts)."""

    blocks: list[str | ToolUse] = field(default_factory=lambda: ["Hello", "!"])
    stop_reason: str | None = None  # default: tool_use if any ToolUse, else end_turn
    stop_sequence: str | None = None
    usage: dict[str, int] = field(default_factory=lambda: {"input_tokens": 12,
                                                            "output_tokens": 7})
    status: int = 200  # >= 400: answer with Anthropic's error JSON instead
    error_message: str = "scripted error"
    json_piece: int = 5
    stream_error_after: int | None = None  # content blocks sent before `event: error`
    stream_error_type: str = "overloaded_error"
    cut_stream_after: int | None = None  # close the stream after this many blocks, no error
    delay_s: float = 0.0  # wait before answering


@dataclass
class Received:
    body: Any
    headers: dict[str, str]


class Invalid(Exception):
    """A request the real API would refuse with 400 invalid_request_error."""


class FakeAnthropic:
    def __init__(self, api_key: str | None = "test-key"):
        self.api_key = api_key
        self.requests: list[Received] = []
        self.replies: deque[Reply] = deque()
        self.base_url = ""

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/messages", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        self.requests.append(Received(body, headers))
        if "x-api-key" not in headers:
            return error(401, "x-api-key header is required")
        if self.api_key is not None and headers["x-api-key"] != self.api_key:
            return error(401, "invalid x-api-key")
        if "anthropic-version" not in headers:
            return error(400, "anthropic-version: header is required")
        try:
            if not isinstance(body, dict):
                raise Invalid("There was an error parsing the body")
            validate(body)
        except Invalid as e:
            return error(400, str(e))
        reply = self.replies.popleft() if self.replies else Reply()
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.status >= 400:
            return error(reply.status, reply.error_message)
        if body.get("stream"):
            return await self.stream(request, body, reply)
        return web.json_response(message(body, reply, final=True))

    async def stream(self, request: web.Request, body: dict[str, Any],
                     reply: Reply) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"content-type": "text/event-stream; charset=utf-8",
                                           "cache-control": "no-cache"})
        await resp.prepare(request)

        async def send(event: dict[str, Any]) -> None:
            await resp.write(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode())

        await send({"type": "message_start", "message": message(body, reply, final=False)})
        await send({"type": "ping"})
        blocks = group(reply.blocks)
        for index in range(len(blocks) + 1):
            if index == reply.stream_error_after:
                await send({"type": "error", "error": {"type": reply.stream_error_type,
                                                       "message": "Overloaded"}})
                return resp
            if index == reply.cut_stream_after:
                return resp
            if index < len(blocks):
                for event in block_events(index, blocks[index], reply.json_piece):
                    await send(event)
        await send({"type": "message_delta",
                    "delta": {"stop_reason": stop_reason(reply),
                              "stop_sequence": reply.stop_sequence},
                    "usage": {"output_tokens": reply.usage.get("output_tokens", 0)}})
        await send({"type": "message_stop"})
        await resp.write_eof()
        return resp


@asynccontextmanager
async def serve_anthropic(api_key: str | None = "test-key") -> AsyncIterator[FakeAnthropic]:
    """Run a FakeAnthropic on 127.0.0.1, on a free port, for the block's duration."""
    fake = FakeAnthropic(api_key)
    runner = web.AppRunner(fake.app(), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.base_url = f"http://{host}:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()


# ---- replies --------------------------------------------------------------------------------

def error(status: int, message: str) -> web.Response:
    kind = ERROR_TYPES.get(status, "api_error")
    return web.json_response({"type": "error", "error": {"type": kind, "message": message},
                              "request_id": f"req_{next(_ids):04d}"}, status=status)


def group(blocks: list[str | ToolUse]) -> list[list[str] | ToolUse]:
    """Consecutive strings form one text block."""
    out: list[list[str] | ToolUse] = []
    for b in blocks:
        if isinstance(b, str) and out and isinstance(out[-1], list):
            out[-1].append(b)
        else:
            out.append([b] if isinstance(b, str) else b)
    return out


def stop_reason(reply: Reply) -> str:
    if reply.stop_reason:
        return reply.stop_reason
    return "tool_use" if any(isinstance(b, ToolUse) for b in reply.blocks) else "end_turn"


def message(body: dict[str, Any], reply: Reply, *, final: bool) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if final:
        for b in group(reply.blocks):
            content.append({"type": "tool_use", "id": b.id, "name": b.name, "input": b.input}
                           if isinstance(b, ToolUse) else {"type": "text", "text": "".join(b)})
    usage = dict(reply.usage) if final else {**reply.usage, "output_tokens": 1}
    return {"id": f"msg_{next(_ids):04d}", "type": "message", "role": "assistant",
            "model": body["model"], "content": content,
            "stop_reason": stop_reason(reply) if final else None,
            "stop_sequence": reply.stop_sequence if final else None, "usage": usage}


def block_events(index: int, block: list[str] | ToolUse, piece: int) -> list[dict[str, Any]]:
    if isinstance(block, ToolUse):
        start = {"type": "tool_use", "id": block.id, "name": block.name, "input": {}}
        # the API opens with an empty partial_json; a tool without input sends nothing more
        text = json.dumps(block.input) if block.input else ""
        deltas = [{"type": "input_json_delta", "partial_json": ""}] + [
            {"type": "input_json_delta", "partial_json": text[i:i + piece]}
            for i in range(0, len(text), piece)]
    else:
        start = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": t} for t in block]
    return [{"type": "content_block_start", "index": index, "content_block": start},
            *({"type": "content_block_delta", "index": index, "delta": d} for d in deltas),
            {"type": "content_block_stop", "index": index}]


# ---- validation (what the real API refuses) -------------------------------------------------

def validate(body: dict[str, Any]) -> None:
    for name in body:
        if name not in TOP_LEVEL:
            raise Invalid(f"{name}: Extra inputs are not permitted")
    for name in ("model", "max_tokens", "messages"):
        if name not in body:
            raise Invalid(f"{name}: Field required")
    if not isinstance(body["model"], str) or not body["model"]:
        raise Invalid("model: Input should be a valid string")
    if not isinstance(body["max_tokens"], int) or body["max_tokens"] < 1:
        raise Invalid("max_tokens: Input should be greater than or equal to 1")
    for name in ("temperature", "top_p"):
        if name in body and not (isinstance(body[name], int | float) and 0 <= body[name] <= 1):
            raise Invalid(f"{name}: Input should be less than or equal to 1")
    stops = body.get("stop_sequences", [])
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise Invalid("stop_sequences: Input should be a valid list of strings")
    if set(body.get("metadata", {})) - {"user_id"}:
        raise Invalid("metadata: Extra inputs are not permitted")
    validate_system(body.get("system"))
    tools = validate_tools(body)
    validate_messages(body["messages"], tools)


def validate_system(system: Any) -> None:
    if system is None or isinstance(system, str):
        return
    if not isinstance(system, list) or not all(
            isinstance(b, dict) and b.get("type") == "text" and b.get("text") for b in system):
        raise Invalid("system: Input should be a valid string or a list of text blocks")


def validate_tools(body: dict[str, Any]) -> set[str]:
    tools = body.get("tools", [])
    names: set[str] = set()
    for i, t in enumerate(tools):
        if set(t) - {"name", "description", "input_schema", "cache_control", "type"}:
            raise Invalid(f"tools.{i}: Extra inputs are not permitted")
        if not TOOL_NAME.match(str(t.get("name", ""))):
            raise Invalid(f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'")
        schema = t.get("input_schema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise Invalid(f"tools.{i}.input_schema: Input schema must have type 'object'")
        if t["name"] in names:
            raise Invalid("tools: Tool names must be unique.")
        names.add(t["name"])
    choice = body.get("tool_choice")
    if choice is not None:
        if not tools:
            raise Invalid("tool_choice: tool_choice may only be specified while providing tools")
        kind = choice.get("type")
        allowed = {"auto": {"type", "disable_parallel_tool_use"},
                   "any": {"type", "disable_parallel_tool_use"},
                   "tool": {"type", "name", "disable_parallel_tool_use"}, "none": {"type"}}
        if kind not in allowed or set(choice) - allowed[kind]:
            raise Invalid("tool_choice: Input tag does not match the expected tags 'auto', "
                          "'any', 'tool', 'none', or carries extra fields")
        if kind == "tool" and choice.get("name") not in names:
            raise Invalid(f"tool_choice.name: tool {choice.get('name')!r} is not in tools")
    return names


def validate_messages(messages: Any, tools: set[str]) -> None:
    if not isinstance(messages, list) or not messages:
        raise Invalid("messages: at least one message is required")
    pending: set[str] = set()  # tool_use ids the next user turn must answer
    seen_tool_blocks = False
    for i, m in enumerate(messages):
        role = m.get("role")
        if role not in ("user", "assistant"):
            raise Invalid(f"messages.{i}.role: Input should be 'user' or 'assistant'")
        if set(m) - {"role", "content"}:
            raise Invalid(f"messages.{i}: Extra inputs are not permitted")
        if i == 0 and role != "user":
            raise Invalid('messages: first message must use the "user" role')
        if i > 0 and role == messages[i - 1]["role"]:
            raise Invalid(f'messages: roles must alternate between "user" and "assistant", but '
                          f'found multiple "{role}" roles in a row')
        content = m.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        last = i == len(messages) - 1
        if not isinstance(blocks, list) or not blocks or (
                isinstance(content, str) and not content and not (last and role == "assistant")):
            raise Invalid(f"messages.{i}: all messages must have non-empty content except for "
                          "the optional final assistant message")
        results = [b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"]
        if pending - set(results):
            raise Invalid(f"messages.{i - 1}: `tool_use` ids were found without `tool_result` "
                          f"blocks immediately after: {', '.join(sorted(pending - set(results)))}"
                          ". Each `tool_use` block must have a corresponding `tool_result` block "
                          "in the next message.")
        leading = [b.get("type") for b in blocks[:len(results)]]
        if any(t != "tool_result" for t in leading):
            raise Invalid(f"messages.{i}: Did not find {len(results)} `tool_result` block(s) at "
                          "the beginning of this message. Messages following `tool_use` blocks "
                          "must begin with a matching number of `tool_result` blocks.")
        unexpected = [r for r in results if r not in pending]
        if unexpected:
            raise Invalid(f"messages.{i}.content: unexpected `tool_use_id` found in "
                          f"`tool_result` blocks: {unexpected[0]}. Each `tool_result` block must "
                          "have a corresponding `tool_use` block in the previous message.")
        pending = set()
        for j, b in enumerate(blocks):
            validate_block(f"messages.{i}.content.{j}", role, b)
            if b["type"] == "tool_use":
                pending.add(b["id"])
            seen_tool_blocks |= b["type"] in ("tool_use", "tool_result")
        if last and role == "assistant" and blocks[-1].get("type") == "text" \
                and blocks[-1]["text"] != blocks[-1]["text"].rstrip():
            raise Invalid("messages: final assistant content cannot end with trailing whitespace")
    if seen_tool_blocks and not tools:
        raise Invalid("Requests which include `tool_use` or `tool_result` blocks must define "
                      "tools.")


def validate_block(where: str, role: str, b: Any) -> None:
    kind = b.get("type") if isinstance(b, dict) else None
    allowed = {"user": {"text", "image", "tool_result", "document"},
               "assistant": {"text", "tool_use", "thinking", "redacted_thinking"}}[role]
    if kind not in allowed:
        raise Invalid(f"{where}.type: {kind!r} blocks are not allowed in {role} messages")
    if kind == "text" and (not isinstance(b.get("text"), str) or not b["text"]):
        raise Invalid(f"{where}.text: text content blocks must be non-empty")
    if kind == "image":
        validate_image(where, b.get("source") or {})
    if kind == "tool_use" and not (b.get("id") and b.get("name")
                                   and isinstance(b.get("input"), dict)):
        raise Invalid(f"{where}: tool_use blocks need id, name and an object input")
    if kind == "tool_result":
        content = b.get("content", "")
        if isinstance(content, list):
            for k, c in enumerate(content):
                validate_block(f"{where}.content.{k}", "user", c)
                if c["type"] not in ("text", "image"):
                    raise Invalid(f"{where}.content.{k}: only text and image blocks here")
        elif not isinstance(content, str):
            raise Invalid(f"{where}.content: Input should be a valid string or list")


def validate_image(where: str, source: dict[str, Any]) -> None:
    if source.get("type") == "base64":
        if source.get("media_type") not in IMAGE_TYPES:
            raise Invalid(f"{where}.source.base64.media_type: Input should be 'image/jpeg', "
                          "'image/png', 'image/gif' or 'image/webp'")
        if not source.get("data"):
            raise Invalid(f"{where}.source.base64.data: Field required")
    elif source.get("type") == "url":
        if not str(source.get("url", "")).startswith(("http://", "https://")):
            raise Invalid(f"{where}.source.url.url: Input should be a valid URL")
    else:
        raise Invalid(f"{where}.source: Input tag does not match 'base64', 'url'")
