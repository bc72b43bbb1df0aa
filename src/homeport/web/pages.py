"""What every page of the web UI shares: templates, sessions, the runtime, and `page()`, which
wraps a handler with the login check, CSRF on anything but GET, role checks and error pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from homeport.errors import AuthenticationFailed, HomeportError, InvalidRequest, PermissionDenied
from homeport.runtime import Runtime
from homeport.times import iso_time
from homeport.types import Caller
from homeport.web.session import (
    COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    Logouts,
    Session,
    Sessions,
    Throttle,
)
from homeport.wire.http import bounded, error_response

HERE = Path(__file__).parent


class Web:
    """What every page needs: templates, sessions, the runtime."""

    def __init__(self, rt: Runtime):
        self.rt = rt
        self.sessions = Sessions(rt.settings.web, rt.settings.data_dir)
        self.logouts = Logouts(rt.db)
        self.throttle = Throttle()
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(["html"]), auto_reload=False)
        self.env.filters["when"] = lambda ts: iso_time(ts)[:16].replace("T", " ")
        self.env.filters["size"] = _size

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status)

    def log_out(self, session: Session) -> None:
        """End `session` on the server (blocking): a copy of its cookie stops working."""
        self.logouts.end(session, session.issued + self.sessions.max_age)

    def signed_in(self, session: Session) -> Caller | None:
        """The caller a session acts as, while it is not logged out and its key is active (and,
        for a password login, the user still exists with an unchanged password)."""
        if self.logouts.ended(session):
            return None
        if session.user is not None and not self.rt.admin.users.signed_in(
                session.user, session.key_id, session.issued):
            return None
        return self.rt.keys.caller(session.key_id)


class Visit:
    """One logged-in request: who, their session and the request itself."""

    __slots__ = ("caller", "csrf", "request", "session", "web")

    def __init__(self, web: Web, caller: Caller, session: Session, request: Request):
        self.web, self.caller, self.session, self.request = web, caller, session, request
        self.csrf = web.sessions.csrf(session)

    @property
    def rt(self) -> Runtime:
        return self.web.rt

    @property
    def user(self) -> str:
        """Who is chatting, for stored conversations and memory: an opaque, stable id of the
        username (or of the key, for an API-key login). It travels as the request's `user`, so
        it must not be the name itself: a name or an email would reach providers and make
        every chat look personal to the privacy scanner."""
        who = f"user:{self.session.user}" if self.session.user else f"key:{self.caller.key_id}"
        return "web_" + self.web.sessions.sign(who)[:20]

    def render(self, name: str, page: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A full page with the navigation (`page` marks the current one)."""
        return self.web.render(name, status, caller=self.caller, csrf=self.csrf, page=page,
                               user=self.session.user, **context)

    def fragment(self, name: str, **context: Any) -> HTMLResponse:
        """A piece of a page (htmx swaps it in)."""
        return self.web.render(name, caller=self.caller, csrf=self.csrf, **context)


Handler = Callable[[Visit], Awaitable[Response]]


def page(handler: Handler, *, auditor: bool = False, admin: bool = False, api: bool = False,
         upload: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """A page for a logged-in person: the session's key, the body read within its limit
    (`upload`: a multipart document upload's), CSRF on anything but GET, errors as pages that
    say what happened and what to do (`api`: as OpenAI error JSON, for scripts)."""

    async def endpoint(request: Request) -> Response:
        web: Web = request.app.state.web
        session = web.sessions.read(request.cookies.get(COOKIE))
        caller = await web.rt.db.run(web.signed_in, session) if session else None
        if session is None or caller is None:
            if api:
                return error_response(AuthenticationFailed(
                    "Your session has ended. Log in again."))
            if request.headers.get("hx-request"):  # htmx follows redirects in place: reload
                return Response(status_code=204, headers={"hx-redirect": "/login"})
            return RedirectResponse("/login", status_code=303)
        visit = Visit(web, caller, session, request)
        try:
            visit.request = request = bounded(request, web.rt.settings, upload)
            if request.method != "GET":
                token = request.headers.get(CSRF_HEADER)
                if token is None and _is_form(request):
                    token = str((await request.form()).get(CSRF_FIELD) or "")
                if not web.sessions.csrf_ok(session, token):
                    raise PermissionDenied("This form has expired. Reload the page and try "
                                           "again.")
            if auditor and not caller.is_auditor:
                raise PermissionDenied("This page is for admins and auditors. Ask an admin "
                                       "for an auditor key.")
            if admin and not caller.is_admin:
                raise PermissionDenied("This page is for admins.")
            return await handler(visit)
        except HomeportError as e:
            if api:
                return error_response(e)
            if request.headers.get("hx-request"):
                return web.render("error_fragment.html", e.status, error=e.message)
            return visit.render("error.html", "error", e.status, error=e.message)

    return endpoint


def _size(n: float) -> str:
    """Bytes for people: 930 B, 12.4 KB, 3.1 MB."""
    if n < 1024:
        return f"{int(n)} B"
    return f"{n / 1024:.1f} KB" if n < 1024**2 else f"{n / 1024**2:.1f} MB"


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def number(form: FormData, name: str, kind: type[float] | type[int]) -> float | int | None:
    """An optional number from a form field, or a clear error naming the field."""
    text = str(form.get(name) or "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise InvalidRequest(f"{name} must be a {'whole ' if kind is int else ''}number, "
                             f"not {text!r}", param=name) from None


def words(form: FormData, name: str) -> list[str]:
    """A comma-separated form field as a list (empty entries dropped)."""
    return [w.strip() for w in str(form.get(name) or "").split(",") if w.strip()]
