"""HTTP pieces every front door shares: JSON responses, error responses, bodies read within a
limit, and request validation that answers a 400 naming the field."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope

from homeport.errors import BodyTooLarge, HomeportError, InvalidRequest
from homeport.settings import Settings
from homeport.types import Caller


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, headers=headers,
                    media_type="application/json")


class HttpRequest:
    """What an endpoint needs of a request: headers, the body, `receive` for disconnects."""

    __slots__ = ("caller", "headers", "path", "receive")

    def __init__(self, scope: Scope, receive: Receive):
        self.receive = receive
        self.path: str = scope["path"]
        self.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.caller: Caller | None = None  # set once authenticated

    async def body(self, limit: int) -> bytes:
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large(limit)
        parts: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise InvalidRequest("The client disconnected before sending the whole body.")
            part = message.get("body", b"")
            size += len(part)
            if size > limit:
                raise too_large(limit)
            parts.append(part)
            if not message.get("more_body", False):
                return b"".join(parts)


def too_large(limit: int, setting: str = "max_body_bytes") -> BodyTooLarge:
    return BodyTooLarge(f"Request body too large: the limit is {limit} bytes "
                        f"(setting {setting}).")


MIB = 1024 * 1024
FORM_OVERHEAD = MIB  # multipart framing and fields besides the files themselves


def bounded(request: Request, settings: Settings, upload: bool = False) -> Request:
    """`request` with its body read within the limit, as it streams in: `max_body_bytes`, or
    for document uploads (multipart) `knowledge.max_upload_mb`. A declared length above it is
    refused at once; a body that grows past it stops being read (BodyTooLarge)."""
    if upload:
        limit = settings.knowledge.max_upload_mb * MIB + FORM_OVERHEAD
        setting = "knowledge.max_upload_mb"
    else:
        limit, setting = settings.max_body_bytes, "max_body_bytes"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit, setting)
    return Request(request.scope, LimitedReceive(request.receive, limit, setting))


class LimitedReceive:
    """An ASGI `receive` that counts the request body and raises BodyTooLarge once it passes
    `limit`: what Starlette's `request.body()` and `request.form()` read stays bounded."""

    __slots__ = ("limit", "receive", "setting", "size")

    def __init__(self, receive: Receive, limit: int, setting: str):
        self.receive, self.limit, self.setting, self.size = receive, limit, setting, 0

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            if self.size > self.limit:
                raise too_large(self.limit, self.setting)
        return message


def error_response(e: HomeportError) -> Response:
    headers = None if e.retry_after is None else {"retry-after": str(max(1, round(e.retry_after)))}
    return json_response(e.to_dict(), e.status, headers)


M = TypeVar("M", bound=BaseModel)
# Parts of a pydantic error location that name a union branch, not a field.
_BRANCH = re.compile(r"[\[\]\-,]|^(str|int|float|bool|dict|list|none|null)$")
INT64 = range(-2**63, 2**63)
# Digits to "0", anything else to " ": an integer beyond 64 bits needs 19 "0"s in a row. Cheap
# (~2 ns a byte, a regex takes ~30), so the walk below runs only on bodies that may hold one.
_DIGITS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG = b"0" * 19


def validate(model: type[M], raw: bytes) -> M:
    """The body as `model`, or a 400 naming the first field that is wrong. Integers must fit
    in 64 bits wherever they are (pass-through fields included): JSON encoders (orjson),
    upstream APIs and databases refuse larger ones."""
    if not raw.strip():
        raise InvalidRequest("The request body is empty: send a JSON object.")
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as e:
        raise _invalid(e) from None
    if raw.translate(_DIGITS).find(_LONG) >= 0:
        _check_ints(parsed, "")
    return parsed


def _check_ints(value: Any, path: str) -> None:
    """Raise a 400 naming the first integer beyond 64 bits in `value` (models, their extra
    fields, lists, dicts); strings, the bulk of a body, are skipped at once."""
    if isinstance(value, str | float | bool) or value is None:
        return
    if isinstance(value, int):
        if value not in INT64:
            raise InvalidRequest(f"Invalid value for '{path}': integers must fit in 64 bits "
                                 "(-9223372036854775808 to 9223372036854775807).",
                                 param=path or None)
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            _check_ints(getattr(value, name), _join(path, field.alias or name))
        for name, item in (value.model_extra or {}).items():
            _check_ints(item, _join(path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_ints(item, _join(path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_ints(item, f"{path}[{i}]")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


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


class Cors(CORSMiddleware):
    """Starlette's CORS handling, with a refused preflight answered as an OpenAI error that
    says what to change."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        why = bytes(response.body).decode()
        return error_response(InvalidRequest(
            f"{why}: this server lets browser pages call it only from the origins, with the "
            "methods, listed in its cors_origins setting."))
