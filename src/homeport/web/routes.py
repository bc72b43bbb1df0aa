"""The web UI's routes: server-rendered pages over the services the API uses; no logic of its
own. Pages need a session (log in with an API key); forms and htmx posts carry a CSRF token."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from homeport.economics.reports import Reports, Timeseries, window
from homeport.errors import HomeportError, InvalidRequest, PermissionDenied
from homeport.governance.audit import (
    EXPORT_MEDIA,
    FORMATS,
    KINDS,
    Record,
    iso_time,
    parse_time,
)
from homeport.routing.policy import provider_status
from homeport.runtime import Runtime
from homeport.types import Caller
from homeport.web.charts import Line, line_chart
from homeport.web.session import (
    COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    LOGIN_COOKIE,
    Session,
    Sessions,
)

HERE = Path(__file__).parent
AUDIT_PAGE = 50


class Web:
    """What every page needs: templates, sessions, the runtime."""

    def __init__(self, rt: Runtime):
        self.rt = rt
        self.sessions = Sessions(rt.settings.web, rt.settings.data_dir)
        self.reports = Reports(rt.db, rt.settings)
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(["html"]), auto_reload=False)

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status)


Page = Callable[[Web, Caller, Session, Request], Awaitable[Response]]


def page(handler: Page, *, auditor: bool = False,
         admin: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """A page for a logged-in person: the session's key, CSRF on anything but GET, errors as
    pages that say what happened and what to do."""

    async def endpoint(request: Request) -> Response:
        web: Web = request.app.state.web
        session = web.sessions.read(request.cookies.get(COOKIE))
        caller = await web.rt.db.run(web.rt.keys.caller, session.key_id) if session else None
        if session is None or caller is None:
            return RedirectResponse("/login", status_code=303)
        csrf = web.sessions.csrf(session)
        try:
            if request.method != "GET":
                form = await request.form()
                token = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
                if not web.sessions.csrf_ok(session, str(token or "")):
                    raise PermissionDenied("This form has expired. Reload the page and try "
                                           "again.")
            if auditor and not caller.is_auditor:
                raise PermissionDenied("This page is for admins and auditors. Ask an admin "
                                       "for an auditor key.")
            if admin and not caller.is_admin:
                raise PermissionDenied("This page is for admins.")
            return await handler(web, caller, session, request)
        except HomeportError as e:
            return web.render("error.html", e.status, caller=caller, csrf=csrf,
                              error=e.message, page="error")

    return endpoint


async def login_form(request: Request) -> Response:
    web: Web = request.app.state.web
    token = secrets.token_urlsafe(16)
    response = web.render("login.html", login_csrf=token, error=None)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, **_flags(web))
    return response


async def login(request: Request) -> Response:
    web: Web = request.app.state.web
    form = await request.form()
    given, expected = str(form.get(CSRF_FIELD) or ""), request.cookies.get(LOGIN_COOKIE) or ""
    token = secrets.token_urlsafe(16)
    if not expected or not secrets.compare_digest(given, expected):
        return _login_error(web, token, 403, "The login form expired. Please try again.")
    key = str(form.get("api_key") or "").strip()
    try:
        caller = await web.rt.keys.authenticate(f"Bearer {key}")
    except HomeportError:
        return _login_error(web, token, 401, "That API key is not valid (or was revoked). "
                                             "Check it, or ask an admin for a new one.")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, web.sessions.issue(caller.key_id), max_age=web.sessions.max_age,
                        **_flags(web))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


def _login_error(web: Web, token: str, status: int, message: str) -> Response:
    response = web.render("login.html", status, login_csrf=token, error=message)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, **_flags(web))
    return response


def _flags(web: Web) -> dict[str, Any]:
    return web.sessions.cookie_flags()


async def logout(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def home(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    s = web.rt.settings
    return web.render("home.html", caller=caller, csrf=web.sessions.csrf(session), page="home",
                      api_url=f"http://{s.host}:{s.port}/v1")


# -- audit ----------------------------------------------------------------------------------------

def _audit_filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    kind = q.get("kind") or None
    return {"kind": kind if kind in KINDS else None, "team": q.get("team") or None,
            "provider": q.get("provider") or None, "since": q.get("since") or None}


async def audit(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    filters = _audit_filters(request)
    before = request.query_params.get("before", "")
    page_ = await web.rt.db.run(functools.partial(
        web.rt.audit.query, kind=filters["kind"], team=filters["team"],
        provider=filters["provider"], limit=AUDIT_PAGE,
        since=parse_time(filters["since"]) if filters["since"] else None,
        before_seq=int(before) if before.isdigit() else None))
    query = urlencode({k: v for k, v in filters.items() if v})
    return web.render("audit.html", caller=caller, csrf=web.sessions.csrf(session),
                      page="audit", kinds=KINDS, filters=filters, query=query,
                      records=[_row(r) for r in page_.records], next_before=page_.next_before)


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


async def audit_verify(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    result = await web.rt.db.run(web.rt.audit.verify)
    return web.render("verify.html", result=result)


async def audit_export(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    fmt = request.query_params.get("format", "jsonl")
    fmt = fmt if fmt in FORMATS else "jsonl"
    filters = _audit_filters(request)
    since = parse_time(filters["since"]) if filters["since"] else None
    chunks = web.rt.audit.iter_export(since, None, (filters["kind"],) if filters["kind"] else (),
                                      fmt)
    return StreamingResponse(chunks, media_type=EXPORT_MEDIA[fmt], headers={
        "content-disposition": f'attachment; filename="homeport-audit.{fmt}"'})


# -- usage ----------------------------------------------------------------------------------------

USAGE_GROUPS = ("team", "model", "rule", "tier", "task", "provider")


async def usage(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    q = request.query_params
    since_text = q.get("since") or "7d"
    by = q.get("by") or "team"
    if by not in USAGE_GROUPS:
        raise InvalidRequest(f"Split by one of {', '.join(USAGE_GROUPS)}.", param="by")
    since, until = window(since_text, None)
    bucket = "hour" if until - since <= 7 * 86400 else "day"
    series, used, costs = await web.rt.db.run(lambda: (
        web.reports.timeseries(since, until, bucket=bucket, by="tier"),
        web.reports.usage(since, until, by=by), web.reports.costs(since, until, by=by)))
    return web.render("usage.html", caller=caller, csrf=web.sessions.csrf(session),
                      page="usage", since=since_text, by=by, groups=USAGE_GROUPS,
                      bucket=bucket, currency=used.currency, charts=_usage_charts(series),
                      reports=[used, costs],
                      window=f"{iso_time(since)[:16]} to {iso_time(until)[:16]} UTC")


def _usage_charts(ts: Timeseries) -> list[Markup]:
    tiers = sorted(ts.series)

    def total(field: str) -> list[float | None]:
        return [sum(ts.series[t][field][i] or 0 for t in tiers) for i in range(len(ts.times))]

    return [
        line_chart("requests", "Requests, local and cloud", ts.times,
                   [Line(t, ts.series[t]["requests"]) for t in tiers]),
        line_chart("tokens", "Tokens, local and cloud", ts.times,
                   [Line(t, ts.series[t]["tokens"]) for t in tiers]),
        line_chart("cost", "Cost and what the same work would cost in the cloud", ts.times,
                   [Line("actual cost", total("cost")),
                    Line("cloud-equivalent", total("cost_equivalent"))]),
        line_chart("latency", "Latency p50 / p95 (ms)", ts.times,
                   [Line(f"{t} {p}", ts.series[t][f"{p}_ms"]) for t in tiers
                    for p in ("p50", "p95")], unit=" ms"),
    ]


# -- break-even -----------------------------------------------------------------------------------

MONTH = 30.44 * 86400


async def breakeven(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    q = request.query_params
    since_text = q.get("since") or "30d"
    by = q.get("by") or "rule"
    if by not in ("rule", "task"):
        raise InvalidRequest("Workloads are by rule or by task.", param="by")
    since, until = window(since_text, None)
    result = await web.rt.db.run(lambda: web.reports.breakeven(since, until, by=by))
    s, currency = result.summary, result.currency
    months = s.payback_months
    payback = ("nothing to pay back" if s.hardware_price == 0 else
               "never at this volume" if months is None else f"{months:.1f} months")
    return web.render("breakeven.html", caller=caller, csrf=web.sessions.csrf(session),
                      page="breakeven", since=since_text, by=by, s=s, currency=currency,
                      hw=web.rt.settings.economics.hardware, workloads=result.workloads,
                      payback=payback, chart=_payback_chart(s, until),
                      money=lambda v: f"{v:,.2f} {currency}" if abs(v) >= 1 or v == 0
                      else f"{v:.4f} {currency}",
                      window=f"{iso_time(since)[:10]} to {iso_time(until)[:10]}")


def _payback_chart(s: Any, now: float) -> Markup | None:
    """Operating savings accumulated month by month against the hardware's price."""
    if s.hardware_price <= 0 or s.monthly_operating_savings <= 0:
        return None
    horizon = int(min(120, max(12, (s.payback_months or 12) * 1.5)))
    months = range(horizon + 1)
    return line_chart("payback", "Savings accumulated against the hardware price",
                      [now + m * MONTH for m in months],
                      [Line("operating savings", [m * s.monthly_operating_savings
                                                  for m in months]),
                       Line("hardware price", [s.hardware_price for _ in months])])


# -- providers ------------------------------------------------------------------------------------

def _providers(web: Web) -> list[dict[str, Any]]:
    return provider_status(web.rt.registry.providers, web.rt.settings.routing.overflow)


async def providers(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    return web.render("providers.html", caller=caller, csrf=web.sessions.csrf(session),
                      page="providers", providers=_providers(web))


async def providers_live(web: Web, caller: Caller, session: Session,
                         request: Request) -> Response:
    return web.render("providers_table.html", providers=_providers(web))


# -- teams and keys (admin actions, audited by governance.admin) ---------------------------------

def _number(form: Any, name: str, kind: type[float] | type[int]) -> float | int | None:
    text = str(form.get(name) or "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise InvalidRequest(f"{name} must be a {'whole ' if kind is int else ''}number, "
                             f"not {text!r}", param=name) from None


async def teams(web: Web, caller: Caller, session: Session, request: Request,
                new_key: dict[str, str] | None = None) -> Response:
    listed = await web.rt.db.run(lambda: (web.rt.admin.teams.list(), web.rt.keys.list()))
    return web.render("teams.html", caller=caller, csrf=web.sessions.csrf(session),
                      page="teams", teams=listed[0], keys=listed[1],
                      new_key=new_key)


async def save_team(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name") or "").strip()
    limits: dict[str, Any] = {
        "budget": _number(form, "budget", float), "rpm": _number(form, "rpm", int),
        "tpm": _number(form, "tpm", int),
        "budget_period": str(form.get("budget_period") or "") or None,
        "on_exhausted": str(form.get("on_exhausted") or "") or None}
    exists = name in {t.name for t in await web.rt.db.run(web.rt.admin.teams.list)}
    if exists:
        await web.rt.db.run(lambda: web.rt.admin.update_team(caller.key_id, name, None,
                                                             **limits))
    else:
        await web.rt.db.run(lambda: web.rt.admin.create_team(
            caller.key_id, name, "", **{k: v for k, v in limits.items() if v is not None}))
    web.rt.governance.forget_limits()
    return RedirectResponse("/teams", status_code=303)


async def create_key(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    form = await request.form()
    models = [m.strip() for m in str(form.get("models") or "").split(",") if m.strip()]
    key, info = await web.rt.db.run(lambda: web.rt.admin.create_key(
        caller.key_id, str(form.get("team") or ""), str(form.get("name") or ""),
        (str(form.get("role") or "member"),), allowed_models=models or None))
    return await teams(web, caller, session, request, {"team": info.team, "key": key})


async def revoke_key(web: Web, caller: Caller, session: Session, request: Request) -> Response:
    await web.rt.db.run(web.rt.admin.revoke_key, caller.key_id, request.path_params["key"])
    return RedirectResponse("/teams", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/", page(home), methods=["GET"]),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", page(logout), methods=["POST"]),
        Route("/audit", page(audit, auditor=True), methods=["GET"]),
        Route("/usage", page(usage, auditor=True), methods=["GET"]),
        Route("/breakeven", page(breakeven, auditor=True), methods=["GET"]),
        Route("/providers", page(providers, admin=True), methods=["GET"]),
        Route("/teams", page(teams, admin=True), methods=["GET"]),
        Route("/teams", page(save_team, admin=True), methods=["POST"]),
        Route("/keys", page(create_key, admin=True), methods=["POST"]),
        Route("/keys/{key}/revoke", page(revoke_key, admin=True), methods=["POST"]),
        Route("/providers/live", page(providers_live, admin=True), methods=["GET"]),
        Route("/audit/verify", page(audit_verify, auditor=True), methods=["POST"]),
        Route("/audit/export", page(audit_export, auditor=True), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


