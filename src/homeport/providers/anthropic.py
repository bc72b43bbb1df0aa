"""Anthropic's Messages API (anthropic-version 2023-06-01), translated both ways.

Requests (OpenAI chat semantics -> Messages):
- system and developer messages, wherever they appear, become the top-level `system` (joined
  by blank lines); user/assistant turns are merged so roles alternate. A conversation that
  starts with an assistant turn gets a minimal user turn (`LEADING_USER_TURN`) in front, since
  the API requires the first message to be the user's.
- assistant `tool_calls` -> `tool_use` blocks; `tool` messages -> `tool_result` blocks at the
  start of one user turn. History with tool blocks but no `tools` gets bare definitions of the
  tools it names and tool_choice none (the API rejects tool blocks without tool definitions).
- `response_format` has no Messages equivalent: json_object / json_schema add a system
  instruction asking for JSON (with the schema). This is best effort, not enforced, so the
  provider declares `json_schema=False` in its capabilities.
- temperature is clamped to Anthropic's 0..1; n > 1, /v1/completions prompts, audio and file
  parts are refused with InvalidRequest before anything is sent.
Responses: text -> Chunk.text, tool_use -> ToolCallDelta (index counts tool calls), stop
reasons -> OpenAI finish reasons, usage (cache tokens included in prompt tokens) -> Usage.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from homeport.errors import InvalidRequest, UpstreamFailed, UpstreamRateLimited, UpstreamUnavailable
from homeport.providers.base import Capabilities, refuse_logprobs
from homeport.providers.http import HttpProvider, sse_events
from homeport.settings import AnthropicProvider as Config
from homeport.types import ChatRequest, Chunk, Message, ToolCallDelta, Usage

LEADING_USER_TURN = "."
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
FINISH = {"end_turn": "stop", "stop_sequence": "stop", "pause_turn": "stop",
          "max_tokens": "length", "model_context_window_exceeded": "length",
          "tool_use": "tool_calls", "refusal": "content_filter"}
TOOL_CHOICE = {"auto": "auto", "required": "any", "none": "none"}


class AnthropicProvider(HttpProvider):
    capabilities = Capabilities(completions=False, json_schema=False)

    def __init__(self, cfg: Config):
        super().__init__(cfg)
        self.version = cfg.version
        self.default_max_tokens = cfg.default_max_tokens

    def auth_headers(self) -> dict[str, str]:
        key = self.cfg.resolved_api_key()
        headers = {"anthropic-version": self.version}
        if key:
            headers["x-api-key"] = key
        return headers

    async def stream(self, req: ChatRequest, model: str) -> AsyncIterator[Chunk]:
        url = self.cfg.base_url + "/v1/messages"
        body = request_body(req, model, self.default_max_tokens)
        if not req.stream:
            yield response_chunk(await self.post_json(url, body), self.name)
            return
        state = StreamState(self.name)
        async with self.post(url, body, {"accept": "text/event-stream"}) as resp:
            async for _, data in sse_events(resp):
                try:
                    event = orjson.loads(data)
                except orjson.JSONDecodeError as e:
                    raise UpstreamFailed(f"{self.name}: invalid JSON in the stream") from e
                chunk = state.feed(event)
                if chunk is not None:
                    yield chunk
                if state.done:
                    return
        raise UpstreamFailed(f"{self.name}: the stream ended before message_stop")


# ---- requests -------------------------------------------------------------------------------

def request_body(req: ChatRequest, model: str, default_max_tokens: int) -> dict[str, Any]:
    """The Messages API body for `req`; raises InvalidRequest for what cannot be translated."""
    if req.is_completion:
        raise InvalidRequest("Anthropic serves chat only; use /v1/chat/completions", param="model")
    if (req.extra.get("n") or 1) > 1:
        raise InvalidRequest("Anthropic returns one choice per request; set n to 1", param="n")
    refuse_logprobs(req, "Anthropic")
    system = [m.text() for m in req.messages if m.role in ("system", "developer") and m.text()]
    instruction = json_instruction(req.response_format)
    if instruction:
        system.append(instruction)
    messages = convert_messages([m for m in req.messages if m.role not in ("system", "developer")])
    max_tokens = req.max_tokens or req.extra.get("max_completion_tokens") or default_max_tokens
    body: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": messages}
    if system:
        body["system"] = "\n\n".join(system)
    if req.stream:
        body["stream"] = True
    if req.temperature is not None:
        body["temperature"] = min(max(req.temperature, 0.0), 1.0)  # OpenAI allows up to 2
    if req.top_p is not None:
        body["top_p"] = req.top_p
    if req.extra.get("top_k") is not None:
        body["top_k"] = req.extra["top_k"]
    if req.stop:
        body["stop_sequences"] = list(req.stop)
    if req.user:
        body["metadata"] = {"user_id": req.user}
    if req.tools:
        body["tools"] = [convert_tool(t) for t in req.tools]
        choice = convert_tool_choice(req.tool_choice, req.extra.get("parallel_tool_calls"))
        if choice:
            body["tool_choice"] = choice
    elif any(b["type"] == "tool_use" for m in messages for b in m["content"]):
        body["tools"] = [{"name": n, "input_schema": {"type": "object"}}
                         for n in dict.fromkeys(b["name"] for m in messages
                                                for b in m["content"] if b["type"] == "tool_use")]
        body["tool_choice"] = {"type": "none"}
    return body


def convert_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """user/assistant/tool messages -> alternating Messages turns of content blocks."""
    turns: list[dict[str, Any]] = []
    for m in messages:
        role, blocks = message_blocks(m)
        if not blocks:
            continue  # the API refuses empty turns
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    if not turns:
        raise InvalidRequest("Anthropic needs at least one user or assistant message with "
                             "content", param="messages")
    for turn in turns:  # tool results must open their user turn
        turn["content"].sort(key=lambda b: b["type"] != "tool_result")
    if turns[0]["role"] == "assistant":
        turns.insert(0, {"role": "user", "content": [text_block(LEADING_USER_TURN)]})
    last = turns[-1]
    if last["role"] == "assistant" and last["content"][-1]["type"] == "text":
        # a final (prefill) assistant turn may not end with whitespace
        last["content"][-1]["text"] = last["content"][-1]["text"].rstrip()
        if not last["content"][-1]["text"]:
            last["content"].pop()
        if not last["content"]:
            turns.pop()
    return turns


def message_blocks(m: Message) -> tuple[str, list[dict[str, Any]]]:
    if m.role == "tool":
        if not m.tool_call_id:
            raise InvalidRequest("a tool message needs tool_call_id", param="messages")
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": m.tool_call_id}
        content = content_blocks(m.content)
        if content:  # a plain string stays a string; parts become text/image blocks
            block["content"] = m.content if isinstance(m.content, str) else content
        return "user", [block]
    if m.role not in ("user", "assistant"):
        raise InvalidRequest(f"unsupported message role {m.role!r}", param="messages")
    blocks = content_blocks(m.content)
    if m.role == "assistant":
        blocks += [tool_use_block(c) for c in m.tool_calls or []]
    return m.role, blocks


def content_blocks(content: str | list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """A message's content as Anthropic blocks; empty text is dropped (the API refuses it)."""
    if content is None:
        return []
    if isinstance(content, str):
        return [text_block(content)] if content else []
    blocks = []
    for part in content:
        kind = part.get("type")
        if kind == "text":
            if part.get("text"):
                blocks.append(text_block(part["text"]))
        elif kind == "image_url":
            blocks.append(image_block(part))
        else:
            raise InvalidRequest(f"Anthropic does not accept {kind!r} content parts here",
                                 param="messages")
    return blocks


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def image_block(part: dict[str, Any]) -> dict[str, Any]:
    """OpenAI image_url part -> base64 (data: URL) or url image source."""
    ref = part.get("image_url")
    url = ref.get("url", "") if isinstance(ref, dict) else str(ref or "")
    if url.startswith(("http://", "https://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    header, sep, data = url.partition(",")
    media_type = header.removeprefix("data:").removesuffix(";base64")
    if not (url.startswith("data:") and sep and header.endswith(";base64") and data):
        raise InvalidRequest("images must be http(s) URLs or base64 data: URLs", param="messages")
    if media_type not in IMAGE_TYPES:
        raise InvalidRequest(f"Anthropic accepts {', '.join(sorted(IMAGE_TYPES))} images, "
                             f"not {media_type}", param="messages")
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def tool_use_block(call: dict[str, Any]) -> dict[str, Any]:
    fn = call.get("function") or {}
    try:
        args = orjson.loads(fn.get("arguments") or "{}")
    except orjson.JSONDecodeError as e:
        raise InvalidRequest(f"tool call {call.get('id')!r} has arguments that are not JSON",
                             param="messages") from e
    if not isinstance(args, dict) or not fn.get("name") or not call.get("id"):
        raise InvalidRequest("tool calls need an id, a function name and JSON-object arguments",
                             param="messages")
    return {"type": "tool_use", "id": call["id"], "name": fn["name"], "input": args}


def convert_tool(tool: dict[str, Any]) -> dict[str, Any]:
    fn = tool.get("function")
    if tool.get("type") != "function" or not isinstance(fn, dict) or not fn.get("name"):
        raise InvalidRequest("Anthropic accepts function tools only", param="tools")
    out: dict[str, Any] = {"name": fn["name"],
                           "input_schema": fn.get("parameters") or {"type": "object",
                                                                    "properties": {}}}
    if fn.get("description"):
        out["description"] = fn["description"]
    return out


def convert_tool_choice(choice: str | dict[str, Any] | None,
                        parallel: bool | None) -> dict[str, Any] | None:
    """OpenAI tool_choice (+ parallel_tool_calls) -> Anthropic tool_choice, None for default."""
    if choice is None:
        out: dict[str, Any] | None = None
    elif isinstance(choice, str):
        if choice not in TOOL_CHOICE:
            raise InvalidRequest(f"unknown tool_choice {choice!r}", param="tool_choice")
        out = {"type": TOOL_CHOICE[choice]}
    else:
        name = (choice.get("function") or {}).get("name")
        if choice.get("type") != "function" or not name:
            raise InvalidRequest("tool_choice must name a function", param="tool_choice")
        out = {"type": "tool", "name": name}
    if parallel is False and (out is None or out["type"] != "none"):
        out = {**(out or {"type": "auto"}), "disable_parallel_tool_use": True}
    return out


def json_instruction(fmt: dict[str, Any] | None) -> str | None:
    """A system instruction standing in for response_format (not enforced by the API)."""
    kind = (fmt or {}).get("type")
    if kind == "json_object":
        return "Respond with one JSON object only: no prose, no code fences."
    if kind == "json_schema":
        schema = ((fmt or {}).get("json_schema") or {}).get("schema") or {}
        return ("Respond with one JSON object only, no prose and no code fences, that validates "
                "against this JSON Schema: " + orjson.dumps(schema).decode())
    return None


# ---- responses ------------------------------------------------------------------------------

def usage_of(u: dict[str, Any] | None) -> Usage | None:
    if not u:
        return None
    prompt = sum(u.get(k) or 0 for k in ("input_tokens", "cache_creation_input_tokens",
                                          "cache_read_input_tokens"))
    return Usage(prompt, u.get("output_tokens") or 0)


def finish_reason(stop_reason: str | None) -> str | None:
    return FINISH.get(stop_reason, "stop") if stop_reason else None


def response_chunk(body: Any, name: str) -> Chunk:
    """A whole (non-streamed) Message as one Chunk."""
    try:
        blocks = body["content"]
        text = "".join(b["text"] for b in blocks if b["type"] == "text")
        uses = [b for b in blocks if b["type"] == "tool_use"]
        calls = [ToolCallDelta(index=i, id=b["id"], name=b["name"],
                               arguments=orjson.dumps(b.get("input") or {}).decode())
                 for i, b in enumerate(uses)]
        return Chunk(text=text, tool_calls=calls or None,
                     finish_reason=finish_reason(body.get("stop_reason")),
                     usage=usage_of(body.get("usage")))
    except (KeyError, TypeError) as e:
        raise UpstreamFailed(f"{name}: malformed Messages response") from e


class StreamState:
    """Turns Messages stream events into Chunks; `done` after message_stop."""

    def __init__(self, name: str):
        self.name = name
        self.tool_index: dict[int, int] = {}  # content block index -> tool call index
        self.with_args: set[int] = set()  # tool blocks that received arguments
        self.usage: dict[str, Any] = {}
        self.stop_reason: str | None = None
        self.done = False

    def feed(self, event: Any) -> Chunk | None:
        try:
            return self._feed(event)
        except (KeyError, TypeError, AttributeError) as e:
            raise UpstreamFailed(f"{self.name}: malformed stream event") from e

    def _feed(self, event: dict[str, Any]) -> Chunk | None:
        kind = event.get("type")
        if kind == "message_start":
            self._add_usage(event["message"].get("usage"))
        elif kind == "content_block_start":
            block = event["content_block"]
            if block["type"] == "tool_use":
                index = self.tool_index[event["index"]] = len(self.tool_index)
                args = orjson.dumps(block["input"]).decode() if block.get("input") else ""
                if args:
                    self.with_args.add(event["index"])
                return Chunk(tool_calls=[ToolCallDelta(index, block["id"], block["name"], args)])
            if block["type"] == "text" and block.get("text"):
                return Chunk(text=block["text"])
        elif kind == "content_block_delta":
            delta = event["delta"]
            if delta["type"] == "text_delta":
                return Chunk(text=delta["text"]) if delta["text"] else None
            if delta["type"] == "input_json_delta" and delta.get("partial_json"):
                self.with_args.add(event["index"])
                return Chunk(tool_calls=[ToolCallDelta(self.tool_index[event["index"]],
                                                       arguments=delta["partial_json"])])
        elif kind == "content_block_stop":
            block_index = event["index"]
            if block_index in self.tool_index and block_index not in self.with_args:
                # a tool called without arguments still gets valid JSON arguments
                return Chunk(tool_calls=[ToolCallDelta(self.tool_index[block_index],
                                                       arguments="{}")])
        elif kind == "message_delta":
            self.stop_reason = event["delta"].get("stop_reason") or self.stop_reason
            self._add_usage(event.get("usage"))
        elif kind == "message_stop":
            self.done = True
            return Chunk(finish_reason=finish_reason(self.stop_reason) or "stop",
                         usage=usage_of(self.usage))
        elif kind == "error":
            raise stream_error(self.name, event.get("error"))
        return None  # ping, thinking blocks and event types added later

    def _add_usage(self, usage: dict[str, Any] | None) -> None:
        # message_delta usage is cumulative: later values replace earlier ones
        self.usage.update({k: v for k, v in (usage or {}).items() if isinstance(v, int)})


def stream_error(name: str, err: Any) -> UpstreamFailed:
    """An `event: error` mid-stream; all are retriable failures, typed where known."""
    err = err if isinstance(err, dict) else {}
    text = f"{name}: the upstream stream failed: {err.get('type')}: {err.get('message')}"
    if err.get("type") == "overloaded_error":
        return UpstreamUnavailable(text)
    if err.get("type") == "rate_limit_error":
        return UpstreamRateLimited(text)
    return UpstreamFailed(text)
