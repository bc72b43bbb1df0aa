"""/v1/admin: teams, keys (scopes and limits), users (web logins), routing rules and providers'
live load. Admin keys only; every
change is recorded in the audit log by governance.admin."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from homeport.api.asgi import authenticated
from homeport.errors import PermissionDenied
from homeport.governance.teams import MAX_RATE
from homeport.routing.policy import provider_status
from homeport.routing.rules import parse_rules
from homeport.runtime import Runtime
from homeport.types import Caller
from homeport.wire.http import json_response, validate

Name = Annotated[str, Field(min_length=1, max_length=200)]
Names = Annotated[list[Name], Field(max_length=1000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Limits(_Body):
    budget: Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)] | None = None
    budget_period: Literal["day", "week", "month"] | None = None
    on_exhausted: Literal["local", "reject"] | None = None
    rpm: Annotated[int, Field(ge=1, le=MAX_RATE)] | None = None
    tpm: Annotated[int, Field(ge=1, le=MAX_RATE)] | None = None


class TeamBody(_Limits):
    name: Name
    description: Annotated[str, Field(max_length=1000)] = ""


class TeamChange(_Limits):
    description: Annotated[str, Field(max_length=1000)] | None = None


class KeyBody(_Limits):
    team: Name
    name: Annotated[str, Field(max_length=200)] = ""
    roles: Annotated[list[Literal["admin", "member", "auditor"]], Field(min_length=1)] = \
        Field(default=["member"])
    allowed_models: Names | None = None
    allowed_knowledge_bases: Names | None = None


class KeyChange(_Limits):
    name: Annotated[str, Field(max_length=200)] | None = None
    roles: Annotated[list[Literal["admin", "member", "auditor"]], Field(min_length=1)] | None = \
        None
    allowed_models: Names | None = None
    allowed_knowledge_bases: Names | None = None


class UserBody(_Body):
    name: Name
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    team: Name
    roles: Annotated[list[Literal["admin", "member", "auditor"]], Field(min_length=1)] = \
        Field(default=["member"])
    allowed_models: Names | None = None
    allowed_knowledge_bases: Names | None = None


class PasswordChange(_Body):
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class RulesBody(_Body):
    model_config = ConfigDict(extra="forbid", strict=False)
    rules: Annotated[list[Any], Field(max_length=1000)]


def _admin(caller: Caller) -> str:
    if not caller.is_admin:
        raise PermissionDenied("this needs an admin key")
    return caller.key_id


def _changes(body: BaseModel) -> dict[str, Any]:
    """The fields the client sent (null clears a limit)."""
    changes = {k: getattr(body, k) for k in body.model_fields_set}
    if "allowed_knowledge_bases" in changes:
        changes["allowed_kbs"] = changes.pop("allowed_knowledge_bases")
    return changes


async def _changed(rt: Runtime, response: dict[str, Any]) -> Response:
    rt.governance.forget_limits()
    return json_response(response)


async def list_teams(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    teams = await rt.db.run(rt.governance.teams.list)
    return json_response({"object": "list", "data": [t.to_dict() for t in teams]})


async def create_team(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    body = validate(TeamBody, await request.body())
    limits = _changes(body)
    limits.pop("name"), limits.pop("description", None)
    team = await rt.db.run(lambda: rt.admin.create_team(actor, body.name, body.description,
                                                        **limits))
    return await _changed(rt, team.to_dict())


async def get_team(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    team = await rt.db.run(rt.governance.teams.get, request.path_params["team"])
    return json_response(team.to_dict())


async def update_team(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    changes = _changes(validate(TeamChange, await request.body()))
    description = changes.pop("description", None)
    team = await rt.db.run(lambda: rt.admin.update_team(actor, request.path_params["team"],
                                                        description, **changes))
    return await _changed(rt, team.to_dict())


async def delete_team(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    team = await rt.db.run(rt.admin.delete_team, actor, request.path_params["team"])
    return await _changed(rt, {"name": team.name, "object": "team", "deleted": True})


async def list_keys(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    revoked = request.query_params.get("include_revoked") in ("1", "true")
    keys = await rt.db.run(rt.keys.list, revoked, request.query_params.get("team"))
    return json_response({"object": "list", "data": [k.to_dict() for k in keys]})


async def create_key(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    body = validate(KeyBody, await request.body())
    changes = _changes(body)
    for field in ("team", "name", "roles"):
        changes.pop(field, None)
    key, info = await rt.db.run(lambda: rt.admin.create_key(
        actor, body.team, body.name, tuple(body.roles), **changes))
    return await _changed(rt, {**info.to_dict(), "key": key})


async def get_key(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    return json_response((await rt.db.run(rt.keys.get, request.path_params["key"])).to_dict())


async def update_key(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    changes = _changes(validate(KeyChange, await request.body()))
    info = await rt.db.run(lambda: rt.admin.update_key(actor, request.path_params["key"],
                                                       **changes))
    return await _changed(rt, info.to_dict())


async def revoke_key(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    info = await rt.db.run(rt.admin.revoke_key, actor, request.path_params["key"])
    return await _changed(rt, info.to_dict())


async def list_users(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    users = await rt.db.run(rt.admin.users.all)
    return json_response({"object": "list", "data": [u.to_dict() for u in users]})


async def create_user(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    body = validate(UserBody, await request.body())
    user = await rt.db.run(lambda: rt.admin.create_user(
        actor, body.name, body.password, body.team, tuple(body.roles),
        allowed_models=body.allowed_models, allowed_kbs=body.allowed_knowledge_bases))
    return json_response(user.to_dict())


async def update_user(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    body = validate(PasswordChange, await request.body())
    user = await rt.db.run(rt.admin.set_password, actor, request.path_params["user"],
                           body.password)
    return json_response(user.to_dict())


async def delete_user(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    user = await rt.db.run(rt.admin.delete_user, actor, request.path_params["user"])
    return json_response({"name": user.name, "object": "user", "deleted": True})


def rules_body(rt: Runtime) -> dict[str, Any]:
    rules = rt.settings.routing.rules
    return {"object": "routing.rules", "version": rt.rules.version,
            "source": "saved" if rt.rules.version else "config",
            "rules": [r.model_dump(mode="json", exclude_none=True) for r in rules]}


async def get_rules(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    return json_response(rules_body(rt))


async def set_rules(rt: Runtime, caller: Caller, request: Request) -> Response:
    actor = _admin(caller)
    rules = parse_rules(validate(RulesBody, await request.body()).rules, rt.settings)
    await rt.db.run(rt.admin.set_rules, actor, rules)
    return json_response(rules_body(rt))


async def providers(rt: Runtime, caller: Caller, request: Request) -> Response:
    """Providers and their live load (the admin console's saturation view)."""
    _admin(caller)
    data = provider_status(rt.registry.providers, rt.settings.routing.overflow)
    return json_response({"object": "list", "data": data})


def routes() -> list[BaseRoute]:
    base = "/v1/admin"
    return [
        Route(base + "/teams", authenticated(list_teams), methods=["GET"]),
        Route(base + "/teams", authenticated(create_team), methods=["POST"]),
        Route(base + "/teams/{team}", authenticated(get_team), methods=["GET"]),
        Route(base + "/teams/{team}", authenticated(update_team), methods=["PATCH"]),
        Route(base + "/teams/{team}", authenticated(delete_team), methods=["DELETE"]),
        Route(base + "/keys", authenticated(list_keys), methods=["GET"]),
        Route(base + "/keys", authenticated(create_key), methods=["POST"]),
        Route(base + "/keys/{key}", authenticated(get_key), methods=["GET"]),
        Route(base + "/keys/{key}", authenticated(update_key), methods=["PATCH"]),
        Route(base + "/keys/{key}", authenticated(revoke_key), methods=["DELETE"]),
        Route(base + "/users", authenticated(list_users), methods=["GET"]),
        Route(base + "/users", authenticated(create_user), methods=["POST"]),
        Route(base + "/users/{user}", authenticated(update_user), methods=["PATCH"]),
        Route(base + "/users/{user}", authenticated(delete_user), methods=["DELETE"]),
        Route(base + "/routing/rules", authenticated(get_rules), methods=["GET"]),
        Route(base + "/routing/rules", authenticated(set_rules), methods=["PUT"]),
        Route(base + "/providers", authenticated(providers), methods=["GET"]),
    ]

