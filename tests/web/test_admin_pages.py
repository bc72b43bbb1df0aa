"""Admin pages in-process: users with passwords (and logging in with them), key scopes and
limits, routing rules edited with validation, all through the audited admin service."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from homeport.governance.users import password_matches
from homeport.runtime import Runtime
from homeport.storage.schema import users
from homeport.web.session import COOKIE
from tests.web.conftest import ADMIN, csrf_of, log_in

PASSWORD = "correct horse battery"


async def password_login(client: httpx.AsyncClient, name: str, password: str) -> httpx.Response:
    form = await client.get("/login")
    return await client.post("/login", data={"username": name, "password": password,
                                             "csrf": csrf_of(form.text)})


async def admin_csrf(client: httpx.AsyncClient) -> str:
    await log_in(client, ADMIN)
    return csrf_of((await client.get("/teams")).text)


async def test_an_admin_creates_a_user_who_logs_in_with_a_password(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    csrf = await admin_csrf(client)
    r = await client.post("/users", data={"csrf": csrf, "name": "dr.jones", "password": PASSWORD,
                                          "team": "radiology", "role": "member",
                                          "models": "gpt-4o"})
    assert r.status_code == 303
    assert "dr.jones" in (await client.get("/teams")).text
    with rt.db.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert PASSWORD not in stored and password_matches(PASSWORD, stored)
    client.cookies.clear()
    r = await password_login(client, "dr.jones", PASSWORD)
    assert r.status_code == 303 and COOKIE in client.cookies
    account = await client.get("/account")
    assert account.status_code == 200 and "radiology" in account.text and "dr.jones" in account.text
    assert 'href="/teams"' not in account.text  # a member sees no admin pages
    assert (await client.get("/teams")).status_code == 403
    user = rt.admin.users.get("dr.jones")
    assert rt.keys.get(user.key_id).allowed_models == ("gpt-4o",)


async def test_wrong_passwords_are_refused_and_throttled(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    rt.admin.create_user("cli", "nurse", PASSWORD, "ward")
    r = await password_login(client, "nurse", "wrong password")
    assert r.status_code == 401 and "Wrong username or password" in r.text
    r = await password_login(client, "nobody", PASSWORD)
    assert r.status_code == 401 and "Wrong username or password" in r.text  # no user enumeration
    for _ in range(9):
        await password_login(client, "nurse", "wrong password")
    r = await password_login(client, "nurse", PASSWORD)  # right, but too many failures
    assert r.status_code == 429 and "Wait" in r.text


async def test_a_new_password_or_deleting_the_user_ends_sessions(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    rt.admin.create_user("cli", "clerk", PASSWORD, "records")
    assert (await password_login(client, "clerk", PASSWORD)).status_code == 303
    assert (await client.get("/account")).status_code == 200
    rt.admin.set_password("cli", "clerk", "another long password")
    assert (await client.get("/account")).status_code == 303  # back to the login page
    assert (await password_login(client, "clerk", PASSWORD)).status_code == 401
    assert (await password_login(client, "clerk", "another long password")).status_code == 303
    key_id = rt.admin.users.get("clerk").key_id
    rt.admin.delete_user("cli", "clerk")
    assert (await client.get("/account")).status_code == 303
    assert rt.keys.get(key_id).revoked_at is not None  # the user's key is revoked too


async def test_bad_user_input_says_what_to_fix(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _ = web
    csrf = await admin_csrf(client)
    short = await client.post("/users", data={"csrf": csrf, "name": "x", "password": "short",
                                              "team": "t"})
    assert short.status_code == 400 and "10 to 1024 characters" in short.text
    bad_name = await client.post("/users", data={"csrf": csrf, "name": "a b",
                                                 "password": PASSWORD, "team": "t"})
    assert bad_name.status_code == 400 and "username" in bad_name.text
    bad_role = await client.post("/users", data={"csrf": csrf, "name": "ok", "team": "t",
                                                 "password": PASSWORD, "role": "root"})
    assert bad_role.status_code == 400 and "role is one of" in bad_role.text
    assert "Traceback" not in short.text + bad_name.text + bad_role.text


async def test_key_scopes_and_limits_are_edited_and_audited(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    _, info = rt.keys.create("legal")
    await log_in(client, ADMIN)
    form = await client.get(f"/keys/{info.id}")
    assert form.status_code == 200 and 'name="kbs"' in form.text
    r = await client.post(f"/keys/{info.id}", data={
        "csrf": csrf_of(form.text), "name": "contracts bot", "role": "member",
        "models": "gpt-4o", "kbs": "contracts, policies", "budget": "25", "budget_period": "week",
        "on_exhausted": "reject", "rpm": "60", "tpm": ""})
    assert r.status_code == 303
    changed = rt.keys.get(info.id)
    assert changed.name == "contracts bot" and changed.allowed_models == ("gpt-4o",)
    assert changed.allowed_kbs == ("contracts", "policies")
    assert (changed.limits.budget, changed.limits.budget_period, changed.limits.rpm,
            changed.limits.tpm) == (25.0, "week", 60, None)
    bad = await client.post(f"/keys/{info.id}", data={"csrf": csrf_of(form.text),
                                                      "role": "member", "rpm": "lots"})
    assert bad.status_code == 400 and "rpm must be a whole number" in bad.text
    unknown = await client.post(f"/keys/{info.id}", data={"csrf": csrf_of(form.text),
                                                          "role": "member", "models": "gpt-9"})
    assert unknown.status_code == 400 and "unknown model &#39;gpt-9&#39;" in unknown.text
    records = rt.audit.query(kind="admin", limit=10).records
    assert any(r.data["action"] == "update_key" and r.data["target"] == info.id for r in records)


RULES = """\
- name: secrets-stay-home
  when: {entities: [API_KEY]}
  route: [requested]
"""


async def test_routing_rules_are_validated_saved_applied_and_audited(
        web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    await log_in(client, ADMIN)
    page = await client.get("/routing")
    assert page.status_code == 200 and "From the configuration file" in page.text
    csrf = csrf_of(page.text)
    check = await client.post("/routing/check", data={"rules": RULES},
                              headers={"x-csrf-token": csrf, "hx-request": "true"})
    assert check.status_code == 200 and "Valid: 1 rule" in check.text
    wrong = RULES.replace("API_KEY", "API_KEYS")
    bad = await client.post("/routing/check", data={"rules": wrong},
                            headers={"x-csrf-token": csrf, "hx-request": "true"})
    assert bad.status_code == 400 and "rules.0.when.entities" in bad.text
    assert rt.settings.routing.rules == []
    saved = await client.post("/routing", data={"csrf": csrf, "rules": wrong})
    assert saved.status_code == 400 and "API_KEYS" in saved.text  # what was typed stays
    assert rt.settings.routing.rules == []
    not_yaml = await client.post("/routing", data={"csrf": csrf, "rules": "- name: [x"})
    assert not_yaml.status_code == 400 and "not valid YAML" in not_yaml.text
    unknown = await client.post("/routing", data={"csrf": csrf, "rules": RULES.replace(
        "[requested]", "[gpt-9]")})
    assert unknown.status_code == 400 and "unknown model &#39;gpt-9&#39;" in unknown.text
    ok = await client.post("/routing", data={"csrf": csrf, "rules": RULES})
    assert ok.status_code == 303
    assert [r.name for r in rt.settings.routing.rules] == ["secrets-stay-home"]
    shown = await client.get("/routing")
    assert "Saved version 1" in shown.text and "entities=API_KEY" in shown.text
    record = rt.audit.query(kind="admin", limit=1).records[0]
    assert record.data["action"] == "set_routing_rules"
    assert record.data["details"]["rules"][0]["name"] == "secrets-stay-home"
    # another replica on the same database picks the saved rules up
    other = Runtime(rt.settings.model_copy(deep=True))
    assert other.rules.refresh() and other.settings.routing.rules[0].name == "secrets-stay-home"
    restored = await client.post("/routing/restore", data={"csrf": csrf})
    assert restored.status_code == 303 and rt.settings.routing.rules == []
    assert "Saved version 2" in (await client.get("/routing")).text
    assert other.rules.refresh() and other.settings.routing.rules == []
    other.db.close()


async def test_members_cannot_reach_admin_pages(web: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, rt = web
    key, _ = rt.keys.create("radiology")
    await log_in(client, key)
    for path in ("/teams", "/routing", "/providers"):
        r = await client.get(path)
        assert r.status_code == 403 and "for admins" in r.text
    csrf = csrf_of((await client.get("/account")).text)
    r = await client.post("/routing", data={"csrf": csrf, "rules": RULES})
    assert r.status_code == 403 and rt.settings.routing.rules == []
