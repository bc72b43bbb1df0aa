"""Request bodies: validate, convert to internal requests."""

from __future__ import annotations

import dataclasses

from homeport.errors import InvalidRequest
from homeport.types import ChatRequest, Message
from homeport.wire.openai_schemas import ChatCompletionRequest, CompletionRequest

_CHAT_FIELDS = {"model", "messages", "stream", "stream_options", "temperature", "top_p",
                "max_tokens", "stop", "seed", "response_format", "tools", "tool_choice", "user",
                "n", "knowledge"}


_MESSAGE_FIELDS = {f.name for f in dataclasses.fields(Message)}  # other message keys are dropped


def chat_request(body: ChatCompletionRequest) -> ChatRequest:
    _check_chat(body)
    data = body.model_dump(exclude_none=True, by_alias=True)
    extra = {k: v for k, v in data.items() if k not in _CHAT_FIELDS}
    return ChatRequest(
        model=body.model,
        messages=[Message(**{k: v for k, v in m.items() if k in _MESSAGE_FIELDS})
                  for m in data["messages"]],
        stream=body.stream,
        temperature=body.temperature,
        top_p=body.top_p,
        max_tokens=body.max_completion_tokens or body.max_tokens,
        stop=_stops(body.stop),
        seed=body.seed,
        response_format=data.get("response_format"),
        tools=data.get("tools"),
        tool_choice=data.get("tool_choice"),
        include_usage=bool(body.stream_options and body.stream_options.include_usage),
        user=body.user,
        knowledge=list(body.knowledge or ()),
        extra=extra,
    )


_COMPLETION_FIELDS = {"model", "prompt", "stream", "stream_options", "temperature", "top_p",
                      "max_tokens", "stop", "seed", "user", "n", "best_of"}


def completion_request(body: CompletionRequest) -> ChatRequest:
    data = body.model_dump(exclude_none=True)
    prompt = body.prompt if isinstance(body.prompt, str) else next(iter(body.prompt), "")
    if not prompt:
        raise InvalidRequest("'prompt' must not be empty: send the text to complete.",
                             param="prompt")
    return ChatRequest(
        model=body.model, prompt=prompt, stream=body.stream, temperature=body.temperature,
        top_p=body.top_p, max_tokens=body.max_tokens, stop=_stops(body.stop), seed=body.seed,
        include_usage=bool(body.stream_options and body.stream_options.include_usage),
        user=body.user,
        extra={k: v for k, v in data.items() if k not in _COMPLETION_FIELDS})


def _check_chat(body: ChatCompletionRequest) -> None:
    """What OpenAI refuses beyond the fields' own types."""
    if body.tool_choice is not None and not body.tools:
        raise InvalidRequest("'tool_choice' is only allowed when 'tools' are given: add "
                             "'tools' or drop 'tool_choice'.", param="tool_choice")
    fmt = body.response_format
    if fmt is not None and fmt.type == "json_schema" and fmt.json_schema is None:
        raise InvalidRequest("Missing required parameter: 'response_format.json_schema' "
                             "(needed with type 'json_schema').",
                             param="response_format.json_schema")


def _stops(stop: str | list[str] | None) -> list[str]:
    if stop is None:
        return []
    return [stop] if isinstance(stop, str) else list(stop)
