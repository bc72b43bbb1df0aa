"""/v1/audit: browse, verify and export the audit log. Admin and auditor keys only."""

from __future__ import annotations

import functools

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from homeport.api.asgi import authenticated
from homeport.errors import InvalidRequest, PermissionDenied
from homeport.governance.audit import EXPORT_MEDIA, FORMATS, KINDS
from homeport.runtime import Runtime
from homeport.times import parse_time
from homeport.types import Caller
from homeport.wire.http import json_response

MAX_LIMIT = 1000


def _auditor(caller: Caller) -> None:
    if not caller.is_auditor:
        raise PermissionDenied("The audit log needs an admin or auditor key; ask an admin for "
                               "one (homeport keys create --role auditor).")


def _time(q: QueryParams, name: str) -> float | None:
    value = q.get(name)
    return parse_time(value, param=name) if value else None


def _int(q: QueryParams, name: str, default: int | None, low: int, high: int) -> int | None:
    value = q.get(name)
    if not value:
        return default
    try:
        n = int(value)
    except ValueError:
        n = low - 1
    if not low <= n <= high:
        raise InvalidRequest(f"{name} must be an integer from {low} to {high}", param=name)
    return n


def _choice(q: QueryParams, name: str, choices: tuple[str, ...], default: str | None
            ) -> str | None:
    value = q.get(name) or default
    if value is not None and value not in choices:
        raise InvalidRequest(f"{name} must be one of {', '.join(choices)}", param=name)
    return value


async def list_records(rt: Runtime, caller: Caller, request: Request) -> Response:
    _auditor(caller)
    q = request.query_params
    page = await rt.db.run(functools.partial(
        rt.audit.query, since=_time(q, "since"), until=_time(q, "until"),
        kind=_choice(q, "kind", KINDS, None), team=q.get("team") or None,
        provider=q.get("provider") or None, limit=_int(q, "limit", 100, 1, MAX_LIMIT) or 100,
        before_seq=_int(q, "before", None, 1, 2**62)))
    return json_response({"object": "list", "data": [r.to_dict() for r in page.records],
                          "next_before": page.next_before})


async def verify(rt: Runtime, caller: Caller, request: Request) -> Response:
    _auditor(caller)
    return json_response((await rt.db.run(rt.audit.verify)).to_dict())


async def export(rt: Runtime, caller: Caller, request: Request) -> Response:
    _auditor(caller)
    q = request.query_params
    fmt = _choice(q, "format", FORMATS, "jsonl") or "jsonl"
    kind = _choice(q, "kind", KINDS, None)
    chunks = rt.audit.iter_export(_time(q, "since"), _time(q, "until"),
                                  (kind,) if kind else (), fmt)
    return StreamingResponse(chunks, media_type=EXPORT_MEDIA[fmt], headers={
        "content-disposition": f'attachment; filename="homeport-audit.{fmt}"'})


def routes() -> list[BaseRoute]:
    base = "/v1/audit"
    return [
        Route(base, authenticated(list_records), methods=["GET"]),
        Route(base + "/verify", authenticated(verify), methods=["POST"]),
        Route(base + "/export", authenticated(export), methods=["GET"]),
    ]
