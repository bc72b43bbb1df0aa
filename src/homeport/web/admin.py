"""Admin pages: teams and their limits, keys (scopes and limits), users with passwords, and
providers with their live load. Every change goes through governance.admin, which audits it."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from homeport.errors import InvalidRequest
from homeport.routing.policy import provider_status
from homeport.web.pages import Visit, number, words

ROLES = ("member", "auditor", "admin")


def _providers(visit: Visit) -> list[dict[str, Any]]:
    return provider_status(visit.rt.registry.providers, visit.rt.settings.routing.overflow)


async def providers(visit: Visit) -> Response:
    return visit.render("providers.html", "providers", providers=_providers(visit))


async def providers_live(visit: Visit) -> Response:
    return visit.fragment("providers_table.html", providers=_providers(visit))


async def teams(visit: Visit, new_key: dict[str, str] | None = None) -> Response:
    rt = visit.rt
    listed_teams, keys, users = await rt.db.run(lambda: (
        rt.admin.teams.list(), rt.keys.list(), rt.admin.users.all()))
    return visit.render("teams.html", "teams", teams=listed_teams, keys=keys,
                        users=users, roles=ROLES, new_key=new_key)


def _limits(form: FormData) -> dict[str, Any]:
    return {"budget": number(form, "budget", float), "rpm": number(form, "rpm", int),
            "tpm": number(form, "tpm", int),
            "budget_period": str(form.get("budget_period") or "") or None,
            "on_exhausted": str(form.get("on_exhausted") or "") or None}


async def save_team(visit: Visit) -> Response:
    form = await visit.request.form()
    rt, actor = visit.rt, visit.caller.key_id
    name = str(form.get("name") or "").strip()
    limits = _limits(form)
    exists = name in {t.name for t in await rt.db.run(rt.admin.teams.list)}
    if exists:
        await rt.db.run(lambda: rt.admin.update_team(actor, name, None, **limits))
    else:
        await rt.db.run(lambda: rt.admin.create_team(
            actor, name, "", **{k: v for k, v in limits.items() if v is not None}))
    rt.governance.forget_limits()
    return RedirectResponse("/teams", status_code=303)


def _role(form: FormData) -> tuple[str, ...]:
    role = str(form.get("role") or "member")
    if role not in ROLES:
        raise InvalidRequest(f"role is one of {', '.join(ROLES)}", param="role")
    return (role,)


def _scopes(form: FormData) -> dict[str, Any]:
    """Allowed models and knowledge bases: empty means any."""
    return {"allowed_models": words(form, "models") or None,
            "allowed_kbs": words(form, "kbs") or None}


async def create_key(visit: Visit) -> Response:
    form = await visit.request.form()
    rt = visit.rt
    limits = {k: v for k, v in _limits(form).items() if v is not None}
    key, info = await rt.db.run(lambda: rt.admin.create_key(
        visit.caller.key_id, str(form.get("team") or ""), str(form.get("name") or ""),
        _role(form), **_scopes(form), **limits))
    return await teams(visit, {"team": info.team, "key": key})


async def edit_key(visit: Visit) -> Response:
    info = await visit.rt.db.run(visit.rt.keys.get, visit.request.path_params["key"])
    return visit.render("key.html", "teams", key=info, roles=ROLES)


async def save_key(visit: Visit) -> Response:
    form = await visit.request.form()
    rt, key_id = visit.rt, visit.request.path_params["key"]
    changes = {"name": str(form.get("name") or ""), "roles": _role(form), **_scopes(form),
               **_limits(form)}
    await rt.db.run(lambda: rt.admin.update_key(visit.caller.key_id, key_id, **changes))
    rt.governance.forget_limits()
    return RedirectResponse("/teams", status_code=303)


async def revoke_key(visit: Visit) -> Response:
    await visit.rt.db.run(visit.rt.admin.revoke_key, visit.caller.key_id,
                          visit.request.path_params["key"])
    return RedirectResponse("/teams", status_code=303)


async def create_user(visit: Visit) -> Response:
    form = await visit.request.form()
    rt = visit.rt
    await rt.db.run(lambda: rt.admin.create_user(
        visit.caller.key_id, str(form.get("name") or "").strip(),
        str(form.get("password") or ""), str(form.get("team") or ""), _role(form),
        **_scopes(form)))
    return RedirectResponse("/teams", status_code=303)


async def set_password(visit: Visit) -> Response:
    form = await visit.request.form()
    await visit.rt.db.run(visit.rt.admin.set_password, visit.caller.key_id,
                          visit.request.path_params["user"], str(form.get("password") or ""))
    return RedirectResponse("/teams", status_code=303)


async def delete_user(visit: Visit) -> Response:
    await visit.rt.db.run(visit.rt.admin.delete_user, visit.caller.key_id,
                          visit.request.path_params["user"])
    return RedirectResponse("/teams", status_code=303)
