"""/v1/memory: long-term facts about users, their stored conversations, export and erasure.

A team's keys see the memories of their team's users; export and erasure (every team, every
conversation) are admin actions.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from homeport.api.asgi import authenticated
from homeport.errors import InvalidRequest, PermissionDenied
from homeport.runtime import Runtime
from homeport.types import Caller
from homeport.wire.http import json_response, validate
from homeport.wire.openai_schemas import _Wire

User = Annotated[str, Field(min_length=1, max_length=200)]


class AddMemory(_Wire):
    user: User
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class SearchMemory(_Wire):
    user: User
    query: Annotated[str, Field(min_length=1, max_length=10_000)]
    k: Annotated[int, Field(ge=1, le=50)] = 5


def _user(request: Request) -> str:
    user = request.query_params.get("user", "")
    if not user:
        raise InvalidRequest("the query parameter 'user' is required", param="user")
    return user


def _admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise PermissionDenied("exporting or erasing a user's data needs an admin key")


async def add(rt: Runtime, caller: Caller, request: Request) -> Response:
    body = validate(AddMemory, await request.body())
    return json_response((await rt.memory.facts.add(caller, body.user, body.text)).to_dict())


async def list_memories(rt: Runtime, caller: Caller, request: Request) -> Response:
    memories = await rt.memory.facts.of_user(caller, _user(request))
    return json_response({"object": "list", "data": [m.to_dict() for m in memories]})


async def delete_memory(rt: Runtime, caller: Caller, request: Request) -> Response:
    await rt.memory.facts.delete(caller, _user(request), request.path_params["id"])
    return json_response({"id": request.path_params["id"], "object": "memory.deleted",
                          "deleted": True})


async def search(rt: Runtime, caller: Caller, request: Request) -> Response:
    body = validate(SearchMemory, await request.body())
    found = await rt.memory.facts.recall(caller, body.user, body.query, body.k)
    return json_response({"object": "list", "results": [
        {"id": p.document_id, "text": p.text, "score": p.score,
         "sensitivity": p.label or "public"} for p in found.passages]})


async def conversations(rt: Runtime, caller: Caller, request: Request) -> Response:
    team = None if caller.is_admin else caller.team
    data = await rt.db.run(rt.memory.conversations.of_user, team, _user(request))
    return json_response({"object": "list", "data": data})


async def export(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    return json_response(await rt.memory.export(_user(request)))


async def forget(rt: Runtime, caller: Caller, request: Request) -> Response:
    _admin(caller)
    user = _user(request)
    erased = await rt.memory.forget(user)
    return json_response({"object": "memory.erased", "user": user, "deleted": erased})


def routes() -> list[BaseRoute]:
    base = "/v1/memory"
    return [
        Route(base, authenticated(add), methods=["POST"]),
        Route(base, authenticated(list_memories), methods=["GET"]),
        Route(base, authenticated(forget), methods=["DELETE"]),
        Route(base + "/search", authenticated(search), methods=["POST"]),
        Route(base + "/export", authenticated(export), methods=["GET"]),
        Route(base + "/conversations", authenticated(conversations), methods=["GET"]),
        Route(base + "/{id}", authenticated(delete_memory), methods=["DELETE"]),
    ]
