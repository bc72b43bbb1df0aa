"""/v1/knowledge: knowledge bases, document uploads, ingestion jobs, search. Thin: parse,
call the knowledge service, encode. Starlette routes (path parameters, multipart uploads)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from homeport.api.asgi import authenticated
from homeport.runtime import Runtime
from homeport.types import Caller, Sensitivity
from homeport.wire.http import json_response, validate
from homeport.wire.openai_schemas import _Wire
from homeport.wire.uploads import upload_files


class CreateKnowledgeBase(_Wire):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    sensitivity: Sensitivity | None = None
    readers: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]],
                       Field(max_length=200)] = Field(default_factory=list)

    @field_validator("sensitivity", mode="before")
    @classmethod
    def _parse(cls, v: Any) -> Any:
        return Sensitivity.parse(v) if isinstance(v, str) else v


class SearchRequest(_Wire):
    query: Annotated[str, Field(min_length=1, max_length=10_000)]
    k: Annotated[int, Field(ge=1, le=100)] = 5
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"


async def create_kb(rt: Runtime, caller: Caller, request: Request) -> Response:
    body = validate(CreateKnowledgeBase, await request.body())
    kb = await rt.knowledge.create(caller, body.name, body.sensitivity, body.readers)
    return json_response(kb.to_dict())


async def list_kbs(rt: Runtime, caller: Caller, request: Request) -> Response:
    return json_response({"object": "list",
                          "data": [kb.to_dict() for kb in await rt.knowledge.readable(caller)]})


async def get_kb(rt: Runtime, caller: Caller, request: Request) -> Response:
    return json_response((await rt.knowledge.get(caller, request.path_params["kb"])).to_dict())


async def delete_kb(rt: Runtime, caller: Caller, request: Request) -> Response:
    kb = await rt.knowledge.delete(caller, request.path_params["kb"])
    return json_response({"id": kb.id, "name": kb.name, "object": "knowledge_base.deleted",
                          "deleted": True})


async def upload(rt: Runtime, caller: Caller, request: Request) -> Response:
    return await upload_files(rt.knowledge, caller, request)


async def job(rt: Runtime, caller: Caller, request: Request) -> Response:
    kb = await rt.knowledge.get(caller, request.path_params["kb"])
    return json_response(await rt.db.run(rt.knowledge.jobs.get, kb.id,
                                         request.path_params["job"]))


async def cancel_job(rt: Runtime, caller: Caller, request: Request) -> Response:
    return json_response(await rt.knowledge.cancel(caller, request.path_params["kb"],
                                                   request.path_params["job"]))


async def documents(rt: Runtime, caller: Caller, request: Request) -> Response:
    kb = await rt.knowledge.get(caller, request.path_params["kb"])
    docs = await rt.db.run(rt.knowledge.store.documents, kb.id)
    return json_response({"object": "list", "data": [d.to_dict() for d in docs]})


async def document(rt: Runtime, caller: Caller, request: Request) -> Response:
    kb = await rt.knowledge.get(caller, request.path_params["kb"])
    doc = await rt.db.run(rt.knowledge.store.document, kb.id, request.path_params["doc"])
    body = doc.to_dict()
    if request.query_params.get("include") == "chunks":
        await rt.knowledge.access(caller, "read_document", [kb], document=doc.id)
        body["chunks"] = [{"id": p.chunk_id, "text": p.text, "location": p.location()}
                          for p in await rt.db.run(rt.knowledge.store.chunks, doc.id)]
    return json_response(body)


async def delete_document(rt: Runtime, caller: Caller, request: Request) -> Response:
    doc = await rt.knowledge.delete_document(caller, request.path_params["kb"],
                                             request.path_params["doc"])
    return json_response({"id": doc.id, "object": "knowledge.document.deleted", "deleted": True})


async def search(rt: Runtime, caller: Caller, request: Request) -> Response:
    body = validate(SearchRequest, await request.body())
    found = await rt.knowledge.search(caller, [request.path_params["kb"]], body.query, body.k,
                                      body.mode)
    return json_response({"object": "list", "results": [
        {"text": p.text, "source": p.source, "title": p.title, "score": p.score,
         "document_id": p.document_id, "chunk_id": p.chunk_id, "location": p.location()}
        for p in found.passages]})


def routes() -> list[BaseRoute]:
    base = "/v1/knowledge"
    return [
        Route(base, authenticated(create_kb), methods=["POST"]),
        Route(base, authenticated(list_kbs), methods=["GET"]),
        Route(base + "/{kb}", authenticated(get_kb), methods=["GET"]),
        Route(base + "/{kb}", authenticated(delete_kb), methods=["DELETE"]),
        Route(base + "/{kb}/documents", authenticated(upload, upload=True), methods=["POST"]),
        Route(base + "/{kb}/documents", authenticated(documents), methods=["GET"]),
        Route(base + "/{kb}/documents/{doc}", authenticated(document), methods=["GET"]),
        Route(base + "/{kb}/documents/{doc}", authenticated(delete_document), methods=["DELETE"]),
        Route(base + "/{kb}/jobs/{job}", authenticated(job), methods=["GET"]),
        Route(base + "/{kb}/jobs/{job}", authenticated(cancel_job), methods=["DELETE"]),
        Route(base + "/{kb}/jobs/{job}/cancel", authenticated(cancel_job), methods=["POST"]),
        Route(base + "/{kb}/search", authenticated(search), methods=["POST"]),
    ]
