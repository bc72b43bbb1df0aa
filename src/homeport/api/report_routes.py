"""/v1/reports: usage, costs, break-even and time series over the request ledger, for the UI and
for auditors. Admin and auditor keys only. Query parameters: by, since, until, team, bucket."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from homeport.api.asgi import authenticated
from homeport.economics.reports import Reports, window
from homeport.errors import PermissionDenied
from homeport.runtime import Runtime
from homeport.types import Caller
from homeport.wire.http import json_response


def _args(rt: Runtime, caller: Caller, request: Request,
          by: str) -> tuple[Reports, dict[str, Any]]:
    """Checks the caller's role and the query; the window and filters as keyword arguments."""
    if not caller.is_auditor:
        raise PermissionDenied("reports need an admin or auditor key")
    q = request.query_params
    since, until = window(q.get("since"), q.get("until"))
    return rt.reports, {"since": since, "until": until, "by": q.get("by", by),
                        "team": q.get("team") or None}


async def usage(rt: Runtime, caller: Caller, request: Request) -> Response:
    reports, args = _args(rt, caller, request, "team")
    return json_response((await rt.db.run(lambda: reports.usage(**args))).to_dict())


async def costs(rt: Runtime, caller: Caller, request: Request) -> Response:
    reports, args = _args(rt, caller, request, "team")
    return json_response((await rt.db.run(lambda: reports.costs(**args))).to_dict())


async def breakeven(rt: Runtime, caller: Caller, request: Request) -> Response:
    reports, args = _args(rt, caller, request, "rule")
    return json_response((await rt.db.run(lambda: reports.breakeven(**args))).to_dict())


async def timeseries(rt: Runtime, caller: Caller, request: Request) -> Response:
    reports, args = _args(rt, caller, request, "tier")
    if args["by"] in ("", "none"):
        args["by"] = None
    # default: hourly up to a week (~100-200 ms at 100k rows, bench/reports), daily beyond
    week = args["until"] - args["since"] <= 7 * 86400
    bucket = request.query_params.get("bucket") or ("hour" if week else "day")
    return json_response(
        (await rt.db.run(lambda: reports.timeseries(bucket=bucket, **args))).to_dict())


def routes() -> list[Route]:
    base = "/v1/reports"
    return [Route(f"{base}/{name}", authenticated(handler), methods=["GET"])
            for name, handler in (("usage", usage), ("costs", costs), ("breakeven", breakeven),
                                  ("timeseries", timeseries))]
