"""The web UI's login, session cookie, CSRF and audit page, through the real app (in-process)."""

from __future__ import annotations

import re

import httpx

from homeport.governance.keys import hash_key
from homeport.runtime import Runtime
from homeport.web.session import COOKIE
from tests.web.conftest import ADMIN, csrf_of, log_in


async def test_pages_need_a_login(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _ = web
    r = await client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    form = await client.get("/login")
    assert form.status_code == 200
    assert '<label for="api_key">API key</label>' in form.text
    assert "httponly" in form.headers["set-cookie"].lower()


async def test_login_sets_a_protected_session_cookie(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _ = web
    r = await log_in(client, ADMIN)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith(COOKIE))
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert ADMIN not in cookie  # the key id, signed; never the key
    assert (await client.get("/")).status_code == 200  # the chat page
    home = await client.get("/account")
    assert home.status_code == 200 and "admin" in home.text


async def test_bad_logins_say_what_to_do(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _ = web
    r = await log_in(client, "hp-not-a-key")
    assert r.status_code == 401 and "not valid" in r.text and "Traceback" not in r.text
    await client.get("/login")
    r = await client.post("/login", data={"api_key": ADMIN, "csrf": "forged"})
    assert r.status_code == 403 and "expired" in r.text


async def test_a_forged_or_revoked_session_is_refused(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    key, info = rt.keys.create("radiology")
    await log_in(client, key)
    assert (await client.get("/")).status_code == 200
    value = client.cookies[COOKIE]
    client.cookies.set(COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert (await client.get("/")).status_code == 303
    client.cookies.set(COOKIE, value)
    rt.keys.revoke(info.id)
    assert (await client.get("/")).status_code == 303


async def test_members_do_not_see_the_audit_page(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    key, _ = rt.keys.create("radiology")
    await log_in(client, key)
    r = await client.get("/audit")
    assert r.status_code == 403 and "admins and auditors" in r.text
    assert 'href="/audit"' not in (await client.get("/account")).text


async def test_audit_page_lists_verifies_and_exports(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    rt.admin.create_team("cli", "oncology", budget=5)
    await log_in(client, ADMIN)
    page = await client.get("/audit", params={"kind": "admin"})
    assert page.status_code == 200 and "create_team oncology" in page.text
    r = await client.post("/audit/verify")  # no CSRF token
    assert r.status_code == 403
    token = csrf_of(page.text)
    r = await client.post("/audit/verify", headers={"x-csrf-token": token})
    assert r.status_code == 200 and "Intact: 1 record verified" in r.text
    exported = await client.get("/audit/export", params={"format": "csv", "kind": "admin"})
    assert exported.status_code == 200 and "create_team" in exported.text
    bad = await client.get("/audit", params={"since": "yesterday-ish"})
    assert bad.status_code == 400 and "is not a time" in bad.text


async def test_logout_ends_the_session(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _ = web
    await log_in(client, ADMIN)
    token = csrf_of((await client.get("/")).text)
    r = await client.post("/logout", data={"csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert (await client.get("/")).status_code == 303


async def test_logout_ends_the_session_on_the_server(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    """A copy of the session cookie (taken before logging out) stops working, for pages, the
    web chat's JSON endpoint and forms alike; other sessions of the same key go on."""
    client, rt = web
    await log_in(client, ADMIN)
    copied = client.cookies[COOKIE]
    async with httpx.AsyncClient(transport=client._transport,
                                 base_url="http://testserver") as other:
        await log_in(other, ADMIN)
        token = csrf_of((await client.get("/")).text)
        r = await client.post("/logout", data={"csrf": token})
        assert r.status_code == 303
        client.cookies.set(COOKIE, copied)  # the thief's copy
        assert (await client.get("/")).status_code == 303
        assert (await client.get("/account")).status_code == 303
        r = await client.post("/chat/send", headers={"x-csrf-token": token},
                              json={"messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 401 and "Log in again" in r.json()["error"]["message"]
        r = await client.post("/teams", data={"csrf": token, "name": "stolen"})
        assert r.status_code == 303 and "stolen" not in {t.name for t in rt.admin.teams.list()}
        assert (await other.get("/")).status_code == 200  # its own session is still on


async def test_static_assets_are_served(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _ = web
    r = await client.get("/static/vendor/htmx-2.0.4.min.js")
    assert r.status_code == 200 and "htmx" in r.text[:2000]
    assert (await client.get("/static/homeport.css")).status_code == 200


async def test_providers_page_is_for_admins(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    key, _ = rt.keys.create("audit", roles=("auditor",))
    await log_in(client, key)
    assert (await client.get("/providers")).status_code == 403
    client.cookies.clear()
    await log_in(client, ADMIN)
    r = await client.get("/providers")
    assert r.status_code == 200 and '<th scope="col">saturated</th>' in r.text
    live = await client.get("/providers/live")
    assert live.status_code == 200 and live.text.startswith('<div id="providers-live"')


async def test_admins_manage_teams_and_keys(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    await log_in(client, ADMIN)
    page = await client.get("/teams")
    token = csrf_of(page.text)
    r = await client.post("/teams", data={"csrf": token, "name": "legal", "budget": "25",
                                          "budget_period": "week", "rpm": "60"})
    assert r.status_code == 303
    team = rt.governance.teams.get("legal")
    assert team.limits.budget == 25 and team.limits.budget_period == "week"
    bad = await client.post("/teams", data={"csrf": token, "name": "legal", "rpm": "lots"})
    assert bad.status_code == 400 and "rpm must be a whole number" in bad.text
    made = await client.post("/keys", data={"csrf": token, "team": "legal", "name": "contracts",
                                            "role": "member", "models": ""})
    assert made.status_code == 200 and "copy it now" in made.text
    key = re.search(r"<code>(hp-[^<]+)</code>", made.text)
    assert key and rt.keys.lookup(hash_key(key[1])) is not None
    info = next(k for k in rt.keys.list() if k.team == "legal")
    assert (await client.post(f"/keys/{info.id}/revoke", data={"csrf": token})).status_code == 303
    assert rt.keys.lookup(hash_key(key[1])) is None
    actions = [r.data["action"] for r in rt.audit.query(kind="admin").records]
    assert {"create_team", "create_key", "revoke_key"} <= set(actions)
    assert (await client.post("/teams", data={"name": "x"})).status_code == 403  # no CSRF
