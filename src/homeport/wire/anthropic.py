"""Anthropic's Messages API as a front door (`POST /v1/messages`): request JSON -> ChatRequest,
Chunks -> Message JSON and Anthropic's event stream, errors in Anthropic's error shape.

Requests become the internal (OpenAI-shaped) ChatRequest, so any model can answer:
- `system` (a string or text blocks, joined by blank lines) -> one system message;
- user turns: `text` and `image` blocks -> content (one text block stays a plain string),
  `tool_result` blocks -> `tool` messages, placed before the turn's other content (a tool
  result's text blocks are joined; `is_error` prefixes it with "Error: "; images inside a tool
  result are refused);
- assistant turns: text -> content, `tool_use` -> tool_calls (input as JSON arguments);
  `thinking` / `redacted_thinking` blocks of earlier answers are dropped;
- tools -> function tools; tool_choice auto/any/tool/none -> auto/required/{function}/none,
  `disable_parallel_tool_use` -> parallel_tool_calls false; `metadata.user_id` -> user;
  stop_sequences -> stop; `output_config.format` (a JSON schema) -> response_format json_schema;
  `top_k` is passed through (models that take it use it).
Other top-level fields (`thinking`, `service_tier`, other metadata keys...) are accepted and
ignored: nothing unknown is forwarded to any upstream.

Answers: text -> a text block, tool calls -> tool_use blocks (arguments parsed to `input`);
finish reasons -> stop_reason (stop -> end_turn, length -> max_tokens, tool_calls -> tool_use,
content_filter -> refusal). Which stop sequence ended an answer is not known to the gateway, so
`stop_sequence` is always null and such an answer reports end_turn.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.responses import Response

from homeport.errors import HomeportError, InvalidRequest, UpstreamFailed
from homeport.gateway.chat import Answer
from homeport.gateway.exchange import Collected
from homeport.providers.anthropic import IMAGE_TYPES, TOOL_CHOICE
from homeport.types import ChatRequest, Chunk, Message, Usage, new_id
from homeport.wire.http import json_response
from homeport.wire.openai_schemas import Float
from homeport.wire.streaming import answer_events

log = logging.getLogger(__name__)

# ---- request schema (strict types; unknown fields allowed and ignored) ----------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class TextBlock(_Wire):
    type: Literal["text"]
    text: str


class ImageSource(_Wire):
    type: Literal["base64", "url"]
    media_type: str | None = None
    data: str | None = None
    url: str | None = None


class ImageBlock(_Wire):
    type: Literal["image"]
    source: ImageSource


class ToolUseBlock(_Wire):
    type: Literal["tool_use"]
    id: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]
    input: dict[str, Any]


ResultPart = Annotated[TextBlock | ImageBlock, Field(discriminator="type")]


class ToolResultBlock(_Wire):
    type: Literal["tool_result"]
    tool_use_id: Annotated[str, Field(min_length=1)]
    content: list[ResultPart] | str | None = None
    is_error: bool | None = None


class ThinkingBlock(_Wire):
    type: Literal["thinking"]
    thinking: str


class RedactedThinkingBlock(_Wire):
    type: Literal["redacted_thinking"]


Block = Annotated[TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock
                  | RedactedThinkingBlock, Field(discriminator="type")]
BLOCK_TYPES = frozenset(("text", "image", "tool_use", "tool_result", "thinking",
                         "redacted_thinking"))


class InputMessage(_Wire):
    role: Literal["user", "assistant"]
    content: list[Block] | str


class ToolDef(_Wire):
    type: Literal["custom"] | None = None  # server tools (web search, bash...) are not offered
    name: Annotated[str, Field(min_length=1, max_length=128)]
    description: str | None = None
    input_schema: dict[str, Any]


class ToolChoice(_Wire):
    type: Literal["auto", "any", "tool", "none"]
    name: str | None = None
    disable_parallel_tool_use: bool | None = None


class Metadata(_Wire):
    user_id: str | None = None


class OutputFormat(_Wire):
    type: Literal["json_schema"]
    schema_: Annotated[dict[str, Any], Field(alias="schema")]


class OutputConfig(_Wire):
    format: OutputFormat | None = None  # `effort` and others: ignored


class MessagesRequest(_Wire):
    model: Annotated[str, Field(min_length=1)]
    max_tokens: Annotated[int, Field(ge=1)]
    messages: Annotated[list[InputMessage], Field(min_length=1)]
    system: list[TextBlock] | str | None = None
    stop_sequences: list[str] | None = None
    stream: bool = False
    temperature: Annotated[Float, Field(ge=0, le=1)] | None = None
    top_p: Annotated[Float, Field(ge=0, le=1)] | None = None
    top_k: Annotated[int, Field(ge=0)] | None = None
    tools: list[ToolDef] | None = None
    tool_choice: ToolChoice | None = None
    metadata: Metadata | None = None
    output_config: OutputConfig | None = None


def parse(raw: bytes) -> MessagesRequest:
    """The validated body, or InvalidRequest naming the field (`messages[0].content[1].input`)."""
    if not raw.strip():
        raise InvalidRequest("The request body is empty: send a JSON object.")
    try:
        return MessagesRequest.model_validate_json(raw)
    except ValidationError as e:
        raise invalid(e) from None


# Parts of a pydantic error location that name a union branch, not a field.
_BRANCH = re.compile(r"[\[\]\-,]|^(str|int|float|bool|dict|list|none|null)$")


def invalid(e: ValidationError) -> InvalidRequest:
    """The most specific error (the deepest location; a union's branches that fail at the same
    place are named together)."""
    errors = e.errors(include_url=False)
    if errors[0]["type"] == "json_invalid":
        return InvalidRequest("We could not parse the JSON body of your request: "
                              f"{errors[0]['ctx'].get('error', 'invalid JSON')}. Send valid JSON.")
    deepest = max(len(err["loc"]) for err in errors)
    param = field_path(next(err["loc"] for err in errors if len(err["loc"]) == deepest))
    same = [err for err in errors if field_path(err["loc"]) == param]
    if not param:
        return InvalidRequest("The request body must be a JSON object.")
    if any(err["type"] == "missing" for err in same):
        return InvalidRequest(f"Missing required parameter: '{param}'.", param=param)
    messages = list(dict.fromkeys(err["msg"] for err in same))
    said = messages[0] + "".join(" or " + m.removeprefix("Input should be ")
                                 for m in messages[1:])
    return InvalidRequest(f"Invalid value for '{param}': {said}.", param=param)


def field_path(loc: tuple[Any, ...]) -> str:
    """`messages[0].content[1].input` from pydantic's location: union branches and the block
    type a tagged union adds after a list index are left out."""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif _BRANCH.search(str(part)):
            continue
        elif (part in BLOCK_TYPES and i > 0 and isinstance(loc[i - 1], int)
              and i + 1 < len(loc)):
            continue  # the tag of a content block (a text block's own `text` is last)
        else:
            out += f".{part}" if out else str(part)
    return out


# ---- request -> ChatRequest ------------------------------------------------------------------

REVERSE_TOOL_CHOICE = {anthropic: openai for openai, anthropic in TOOL_CHOICE.items()}


def chat_request(body: MessagesRequest) -> ChatRequest:
    messages: list[Message] = []
    system = system_text(body.system)
    if system:
        messages.append(Message(role="system", content=system))
    for i, m in enumerate(body.messages):
        messages += convert_message(m, f"messages[{i}]")
    extra: dict[str, Any] = {}
    if body.top_k is not None:
        extra["top_k"] = body.top_k
    tools = [function_tool(t) for t in body.tools or ()] or None
    tool_choice = None
    if tools and body.tool_choice is not None:
        tool_choice = convert_tool_choice(body.tool_choice)
        if body.tool_choice.disable_parallel_tool_use:
            extra["parallel_tool_calls"] = False
    output = body.output_config.format if body.output_config else None
    return ChatRequest(
        model=body.model, messages=messages, stream=body.stream, temperature=body.temperature,
        top_p=body.top_p, max_tokens=body.max_tokens, stop=list(body.stop_sequences or ()),
        response_format={"type": "json_schema", "json_schema": {
            "name": "output", "schema": output.schema_}} if output else None,
        tools=tools, tool_choice=tool_choice,
        user=body.metadata.user_id if body.metadata else None, extra=extra)


def system_text(system: list[TextBlock] | str | None) -> str:
    if system is None:
        return ""
    if isinstance(system, str):
        return system
    return "\n\n".join(b.text for b in system if b.text)


def convert_message(m: InputMessage, where: str) -> list[Message]:
    """One Messages turn as internal messages: a user turn's tool results come first, as `tool`
    messages, then its other content; an assistant turn's tool_use blocks become tool_calls."""
    if isinstance(m.content, str):
        return [Message(role=m.role, content=m.content)]
    parts: list[dict[str, Any]] = []
    results: list[Message] = []
    calls: list[dict[str, Any]] = []
    for j, block in enumerate(m.content):
        at = f"{where}.content[{j}]"
        if isinstance(block, TextBlock):
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageBlock):
            if m.role != "user":
                raise InvalidRequest("image blocks belong in user messages", param=at)
            parts.append(image_part(block, at))
        elif isinstance(block, ToolUseBlock):
            if m.role != "assistant":
                raise InvalidRequest("tool_use blocks belong in assistant messages", param=at)
            calls.append({"id": block.id, "type": "function", "function": {
                "name": block.name, "arguments": orjson.dumps(block.input).decode()}})
        elif isinstance(block, ToolResultBlock):
            if m.role != "user":
                raise InvalidRequest("tool_result blocks belong in user messages", param=at)
            results.append(Message(role="tool", tool_call_id=block.tool_use_id,
                                   content=tool_result_text(block, at)))
        # thinking and redacted_thinking blocks: earlier answers' reasoning, not sent on
    out = results
    if parts or calls:
        content: str | list[dict[str, Any]] | None = parts or None
        if len(parts) == 1 and parts[0]["type"] == "text":
            content = parts[0]["text"]
        out.append(Message(role=m.role, content=content, tool_calls=calls or None))
    return out


def image_part(block: ImageBlock, at: str) -> dict[str, Any]:
    """An image block as an OpenAI image_url part (a data: URL for base64 sources)."""
    source = block.source
    if source.type == "url":
        if not source.url:
            raise InvalidRequest("a url image source needs 'url'", param=f"{at}.source.url")
        return {"type": "image_url", "image_url": {"url": source.url}}
    if source.media_type not in IMAGE_TYPES:
        raise InvalidRequest(f"images must be one of {', '.join(sorted(IMAGE_TYPES))}",
                             param=f"{at}.source.media_type")
    if not source.data:
        raise InvalidRequest("a base64 image source needs 'data'", param=f"{at}.source.data")
    return {"type": "image_url",
            "image_url": {"url": f"data:{source.media_type};base64,{source.data}"}}


def tool_result_text(block: ToolResultBlock, at: str) -> str:
    if block.content is None:
        text = ""
    elif isinstance(block.content, str):
        text = block.content
    else:
        if any(isinstance(p, ImageBlock) for p in block.content):
            raise InvalidRequest("Homeport passes tool results on as text: send the image in a "
                                 "user message's image block instead", param=f"{at}.content")
        text = "\n".join(p.text for p in block.content if isinstance(p, TextBlock))
    return f"Error: {text}" if block.is_error else text


def function_tool(tool: ToolDef) -> dict[str, Any]:
    fn: dict[str, Any] = {"name": tool.name, "parameters": tool.input_schema}
    if tool.description:
        fn["description"] = tool.description
    return {"type": "function", "function": fn}


def convert_tool_choice(choice: ToolChoice) -> str | dict[str, Any]:
    if choice.type == "tool":
        if not choice.name:
            raise InvalidRequest("tool_choice of type 'tool' needs the tool's 'name'",
                                 param="tool_choice.name")
        return {"type": "function", "function": {"name": choice.name}}
    return REVERSE_TOOL_CHOICE[choice.type]


# ---- answers -> Message JSON -----------------------------------------------------------------

STOP_REASON = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use",
               "function_call": "tool_use", "content_filter": "refusal"}


def message_id(answer_id: str) -> str:
    """`msg_<hex>`: the same random part as the answer's x-request-id."""
    return "msg_" + answer_id.rpartition("-")[2]


def stop_reason(finish: str | None, saw_tools: bool) -> str:
    if saw_tools and finish in (None, "stop"):
        return "tool_use"
    return STOP_REASON.get(finish or "stop", "end_turn")


def usage_dict(u: Usage | None) -> dict[str, int]:
    u = u or Usage()
    return {"input_tokens": u.prompt_tokens, "output_tokens": u.completion_tokens}


def message(mid: str, model: str, c: Collected) -> dict[str, Any]:
    """A whole answer as Anthropic's Message object."""
    content: list[dict[str, Any]] = []
    text = "".join(c.text)
    if text:
        content.append({"type": "text", "text": text})
    truncated = c.finish_reason == "length"
    for i in sorted(c.calls):
        call = c.calls[i]
        fn = call["function"]
        content.append({"type": "tool_use", "id": call["id"], "name": fn["name"],
                        "input": tool_input(fn["name"], fn["arguments"], truncated)})
    return {"id": mid, "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop_reason(c.finish_reason, bool(c.calls)),
            "stop_sequence": None, "usage": usage_dict(c.usage)}


def tool_input(name: str, arguments: str, truncated: bool) -> dict[str, Any]:
    """A tool call's JSON arguments as tool_use `input` (an object). Arguments cut short by
    max_tokens give `{}`, as Anthropic's own incomplete tool_use blocks do."""
    if not arguments.strip():
        return {}
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return value
    if truncated:
        return {}
    raise UpstreamFailed(f"the model called tool {name!r} with arguments that are not a JSON "
                         "object; retry, or use a model that supports tool use")


# ---- answers -> Anthropic's event stream -----------------------------------------------------

def event(kind: str, data: dict[str, Any]) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps({"type": kind, **data}) + \
        b"\n\n"


class StreamEncoder:
    """Turns Chunks into Anthropic's stream events: message_start, then per content block
    content_block_start / _delta (text_delta, input_json_delta) / _stop, then message_delta
    (stop_reason, usage) and message_stop."""

    def __init__(self, mid: str, model: str):
        self.mid = mid
        self.model = model
        self.index = -1  # the latest content block
        self.open: str | None = None  # the open block: "text", "tool" or None
        self.tool_blocks: dict[int, int] = {}  # tool call index -> content block index
        self.usage: Usage | None = None
        self.finish_reason: str | None = None

    def start(self) -> bytes:
        return event("message_start", {"message": {
            "id": self.mid, "type": "message", "role": "assistant", "model": self.model,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0}}})

    def encode(self, chunk: Chunk) -> bytes:
        self.usage = chunk.usage or self.usage
        self.finish_reason = chunk.finish_reason or self.finish_reason
        out: list[bytes] = []
        if chunk.text:
            if self.open != "text":
                out.append(self._open("text", {"type": "text", "text": ""}))
            out.append(self._delta(self.index, {"type": "text_delta", "text": chunk.text}))
        for d in chunk.tool_calls or ():
            block = self.tool_blocks.get(d.index)
            if block is None:
                out.append(self._open("tool", {"type": "tool_use",
                                               "id": d.id or new_id("toolu").replace("-", "_"),
                                               "name": d.name or "", "input": {}}))
                block = self.tool_blocks[d.index] = self.index
            if d.arguments:  # a call's pieces come in order; one for an earlier call keeps its
                out.append(self._delta(block, {"type": "input_json_delta",  # own index
                                               "partial_json": d.arguments}))
        return b"".join(out)

    def end(self) -> bytes:
        reason = stop_reason(self.finish_reason, bool(self.tool_blocks))
        return self._close() + event("message_delta", {
            "delta": {"stop_reason": reason, "stop_sequence": None},
            "usage": usage_dict(self.usage)}) + event("message_stop", {})

    def _open(self, kind: str, block: dict[str, Any]) -> bytes:
        closed = self._close()
        self.index += 1
        self.open = kind
        return closed + event("content_block_start", {"index": self.index,
                                                      "content_block": block})

    def _close(self) -> bytes:
        if self.open is None:
            return b""
        self.open = None
        return event("content_block_stop", {"index": self.index})

    @staticmethod
    def _delta(index: int, delta: dict[str, Any]) -> bytes:
        return event("content_block_delta", {"index": index, "delta": delta})


def event_stream(answer: Answer, encoder: StreamEncoder) -> AsyncIterator[bytes]:
    """The answer as Anthropic's event stream (errors after the headers in-band)."""
    return answer_events(answer, encoder, error_event)


# ---- errors ----------------------------------------------------------------------------------

ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error",
               403: "permission_error", 404: "not_found_error", 413: "request_too_large",
               429: "rate_limit_error", 503: "overloaded_error", 504: "timeout_error",
               529: "overloaded_error"}


def error_type(status: int) -> str:
    return ERROR_TYPES.get(status, "invalid_request_error" if status < 500 else "api_error")


def error_body(e: HomeportError) -> dict[str, Any]:
    """Anthropic's error object has no `param`: the message names the field instead."""
    message = e.message
    if e.param and e.param not in message:
        message = f"{e.param}: {message}"
    return {"type": "error", "error": {"type": error_type(e.status), "message": message}}


def error_response(e: HomeportError) -> Response:
    headers = None if e.retry_after is None else {"retry-after": str(max(1, round(e.retry_after)))}
    return json_response(error_body(e), e.status, headers)


def error_event(e: HomeportError) -> bytes:
    return event("error", {"error": error_body(e)["error"]})
