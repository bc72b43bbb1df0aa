"""Logging in (an API key, or a username and password set by an admin), out, and the account
page. Failed logins are throttled per username and per client address (session.Throttle)."""

from __future__ import annotations

import asyncio
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from homeport.errors import HomeportError
from homeport.web.pages import Visit, Web
from homeport.web.session import COOKIE, CSRF_FIELD, LOGIN_COOKIE
from homeport.wire.http import bounded


async def login_form(request: Request) -> Response:
    web: Web = request.app.state.web
    return _login_page(web, 200, None)


async def login(request: Request) -> Response:
    web: Web = request.app.state.web
    try:
        form = await bounded(request, web.rt.settings).form()
    except HomeportError as e:  # over max_body_bytes
        return _login_page(web, e.status, e.message)
    given, expected = str(form.get(CSRF_FIELD) or ""), request.cookies.get(LOGIN_COOKIE) or ""
    if not expected or not secrets.compare_digest(given, expected):
        return _login_page(web, 403, "The login form expired. Please try again.")
    name = str(form.get("username") or "").strip()
    address = f"addr:{request.client.host if request.client else ''}"
    who = (address, f"user:{name}") if name else (address,)
    wait = web.throttle.wait(*who)
    if wait > 0:
        return _login_page(web, 429, f"Too many failed logins. Wait {int(wait) + 1} seconds, "
                                     "then try again.")
    if name:
        user = await asyncio.to_thread(web.rt.admin.users.login, name,
                                       str(form.get("password") or ""))
        if user is None:
            web.throttle.failed(*who)
            return _login_page(web, 401, "Wrong username or password. Ask an admin to reset "
                                         "your password if you forgot it.")
        key_id, user_name = user.key_id, user.name
    else:
        try:
            caller = await web.rt.keys.authenticate(
                f"Bearer {str(form.get('api_key') or '').strip()}")
        except HomeportError:
            web.throttle.failed(*who)
            return _login_page(web, 401, "That API key is not valid (or was revoked). Check "
                                         "it, or ask an admin for a new one.")
        key_id, user_name = caller.key_id, None
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, web.sessions.issue(key_id, user_name),
                        max_age=web.sessions.max_age, **web.sessions.cookie_flags())
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


def _login_page(web: Web, status: int, error: str | None) -> Response:
    """The login form with a fresh double-submit CSRF token."""
    token = secrets.token_urlsafe(16)
    response = web.render("login.html", status, login_csrf=token, error=error)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, **web.sessions.cookie_flags())
    return response


async def logout(visit: Visit) -> Response:
    """End the session on the server (a copy of the cookie stops working), and drop the
    cookie."""
    await visit.rt.db.run(visit.web.log_out, visit.session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def account(visit: Visit) -> Response:
    s = visit.rt.settings
    return visit.render("home.html", "home", api_url=f"http://{s.host}:{s.port}/v1",
                        chat_user=visit.user)
