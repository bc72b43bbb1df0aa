"""The audit page: records with filters and paging, verification of the hash chain, export."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from homeport.governance.audit import EXPORT_MEDIA, FORMATS, KINDS, Record
from homeport.times import iso_time, parse_time
from homeport.web.pages import Visit

AUDIT_PAGE = 50


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    kind = q.get("kind") or None
    return {"kind": kind if kind in KINDS else None, "team": q.get("team") or None,
            "provider": q.get("provider") or None, "since": q.get("since") or None}


async def audit(visit: Visit) -> Response:
    rt, filters = visit.rt, _filters(visit.request)
    before = visit.request.query_params.get("before", "")
    found = await rt.db.run(functools.partial(
        rt.audit.query, kind=filters["kind"], team=filters["team"],
        provider=filters["provider"], limit=AUDIT_PAGE,
        since=parse_time(filters["since"]) if filters["since"] else None,
        before_seq=int(before) if before.isdigit() else None))
    query = urlencode({k: v for k, v in filters.items() if v})
    return visit.render("audit.html", "audit", kinds=KINDS, filters=filters, query=query,
                        records=[_row(r) for r in found.records],
                        next_before=found.next_before)


def _row(r: Record) -> dict[str, Any]:
    d = r.data
    if r.kind == "egress":
        summary = (f"{d.get('purpose', 'request')} to {d.get('provider')}/{d.get('model')} "
                   f"({d.get('tier', '')}, {d.get('sensitivity', 'n/a')}"
                   f"{', masked' if d.get('pseudonymized') else ''})")
    elif r.kind == "admin":
        summary = f"{d.get('action')} {d.get('target')}"
    else:
        summary = f"{d.get('action')} {', '.join(d.get('kbs', []))}"
    return {"seq": r.seq, "time": iso_time(r.ts), "kind": r.kind, "team": r.team,
            "actor": r.actor, "summary": summary}


async def verify(visit: Visit) -> Response:
    result = await visit.rt.db.run(visit.rt.audit.verify)
    return visit.fragment("verify.html", result=result)


async def export(visit: Visit) -> Response:
    fmt = visit.request.query_params.get("format", "jsonl")
    fmt = fmt if fmt in FORMATS else "jsonl"
    filters = _filters(visit.request)
    since = parse_time(filters["since"]) if filters["since"] else None
    chunks = visit.rt.audit.iter_export(since, None,
                                        (filters["kind"],) if filters["kind"] else (), fmt)
    return StreamingResponse(chunks, media_type=EXPORT_MEDIA[fmt], headers={
        "content-disposition": f'attachment; filename="homeport-audit.{fmt}"'})
