"""Request bodies: validate, convert to internal requests."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from homeport.api.schemas import ChatCompletionRequest, CompletionRequest
from homeport.errors import InvalidRequest
from homeport.types import ChatRequest, Message

M = TypeVar("M", bound=BaseModel)
# Parts of a pydantic error location that name a union branch, not a field.
_BRANCH = re.compile(r"[\[\]\-,]|^(str|int|float|bool|dict|list|none|null)$")


def validate(model: type[M], raw: bytes) -> M:
    if not raw.strip():
        raise InvalidRequest("The request body is empty: send a JSON object.")
    try:
        return model.model_validate_json(raw)
    except ValidationError as e:
        raise _invalid(e) from None


def _invalid(e: ValidationError) -> InvalidRequest:
    err = e.errors(include_url=False)[0]
    if err["type"] == "json_invalid":
        return InvalidRequest("We could not parse the JSON body of your request: "
                              f"{err['ctx'].get('error', 'invalid JSON')}. Send valid JSON.")
    loc = _param(err["loc"])
    if not loc:
        return InvalidRequest("The request body must be a JSON object.")
    if err["type"] == "missing":
        return InvalidRequest(f"Missing required parameter: '{loc}'.", param=loc)
    return InvalidRequest(f"Invalid value for '{loc}': {err['msg']}.", param=loc)


def _param(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _BRANCH.search(str(part)):
            out += f".{part}" if out else str(part)
    return out


_CHAT_FIELDS = {"model", "messages", "stream", "stream_options", "temperature", "top_p",
                "max_tokens", "stop", "seed", "response_format", "tools", "tool_choice", "user",
                "n", "knowledge"}


_MESSAGE_FIELDS = {f.name for f in dataclasses.fields(Message)}  # other message keys are dropped


def chat_request(body: ChatCompletionRequest) -> ChatRequest:
    data = body.model_dump(exclude_none=True)
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
    prompt = body.prompt if isinstance(body.prompt, str) else body.prompt[0]
    return ChatRequest(
        model=body.model, prompt=prompt, stream=body.stream, temperature=body.temperature,
        top_p=body.top_p, max_tokens=body.max_tokens, stop=_stops(body.stop), seed=body.seed,
        include_usage=bool(body.stream_options and body.stream_options.include_usage),
        user=body.user,
        extra={k: v for k, v in data.items() if k not in _COMPLETION_FIELDS})


def _stops(stop: str | list[str] | None) -> list[str]:
    if stop is None:
        return []
    return [stop] if isinstance(stop, str) else list(stop)
