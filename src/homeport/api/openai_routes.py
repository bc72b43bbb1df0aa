"""The OpenAI-compatible routes under /v1. Thin: authenticate, parse, call the gateway, encode."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp

from homeport.api.asgi import Endpoint, authenticate
from homeport.errors import InvalidRequest
from homeport.gateway.chat import Answer, Exchange
from homeport.gateway.exchange import CLIENT_CLOSED, Collected
from homeport.runtime import Runtime
from homeport.settings import AUTO_MODEL
from homeport.types import ChatRequest
from homeport.wire import openai as wire
from homeport.wire.headers import answer_headers, exchange_of, route_headers
from homeport.wire.http import HttpRequest, json_response, validate
from homeport.wire.openai_parse import chat_request, completion_request
from homeport.wire.openai_schemas import (
    ChatCompletionRequest,
    CompletionRequest,
    EmbeddingRequest,
)
from homeport.wire.openai_tokens import embedding_input
from homeport.wire.streaming import ClientGone, EventStream, until_disconnect

log = logging.getLogger(__name__)


async def _authenticated_body(rt: Runtime, request: HttpRequest) -> bytes:
    request.caller = await authenticate(rt, request.headers.get("authorization"))
    return await request.body(rt.settings.max_body_bytes)


async def chat_completions(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    assert request.caller is not None
    req = chat_request(validate(ChatCompletionRequest, raw))
    return await answer_response(rt, request, req, exchange_of(request, request.caller))


async def completions(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    assert request.caller is not None
    req = completion_request(validate(CompletionRequest, raw))
    return await answer_response(rt, request, req, exchange_of(request, request.caller))


async def answer_response(rt: Runtime, request: HttpRequest, req: ChatRequest,
                          ex: Exchange) -> ASGIApp:
    """The answer as OpenAI's JSON or event stream."""
    started = await start_answer(rt, request, req, ex)
    if started is None:
        return Response(status_code=CLIENT_CLOSED)
    answer, collected = started
    headers = answer_headers(answer)
    model = answer.routed.target.served_as
    if collected is None:
        encoder = wire.StreamEncoder(answer.id, model, req.is_completion, req.include_usage,
                                     answer.citations)
        return EventStream(wire.event_stream(answer, encoder), headers)
    build = wire.text_completion if req.is_completion else wire.chat_completion
    body = build(answer.id, int(time.time()), model, collected)
    if answer.citations:
        body["citations"] = answer.citations
    return json_response(body, headers=headers)


async def start_answer(rt: Runtime, request: HttpRequest, req: ChatRequest,
                       ex: Exchange) -> tuple[Answer, Collected | None] | None:
    """The answer started (streams) or whole (JSON); None when the client left first (a
    client that leaves while it waits for a model frees its queue slot)."""
    async def whole() -> tuple[Answer, Collected | None]:
        answer = await rt.gateway.chat(req, ex)
        return answer, None if req.stream else await answer.collect()

    try:
        return await until_disconnect(request.receive, whole())
    except ClientGone:
        return None


async def embeddings(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    assert request.caller is not None
    body = validate(EmbeddingRequest, raw)
    texts, tokens = embedding_input(body.input)
    if any(not t for t in texts):
        raise InvalidRequest("'input' must not contain empty strings.", param="input")
    done = await rt.gateway.embed(body.model, texts, exchange_of(request, request.caller),
                                  tokens)
    dims = len(done.vectors[0]) if done.vectors else 0
    if body.dimensions is not None and body.dimensions != dims:
        raise InvalidRequest(f"This model produces {dims}-dimensional vectors; 'dimensions' "
                             f"must be {dims} or omitted.", param="dimensions")
    return json_response(
        wire.embeddings(done.target.served_as, done.vectors, done.prompt_tokens,
                        body.encoding_format),
        headers=route_headers(done.id, done.route))


async def list_models(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await authenticate(rt, request.headers.get("authorization"))
    virtual = [_model(rt, AUTO_MODEL, "homeport")] if rt.settings.routing.offers_auto() else []
    return json_response({"object": "list", "data": [
        *virtual, *(_model(rt, m.name, m.provider) for m in rt.registry.models)]})


async def get_model(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await authenticate(rt, request.headers.get("authorization"))
    name = request.path.removeprefix(MODELS_PREFIX)
    if name == AUTO_MODEL and rt.settings.routing.offers_auto():
        return json_response(_model(rt, AUTO_MODEL, "homeport"))
    m = rt.registry.resolve(name)
    return json_response(_model(rt, m.name, m.provider))


def _model(rt: Runtime, name: str, provider: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": rt.registry.created, "owned_by": provider}


MODELS_PREFIX = "/v1/models/"


def endpoints(rt: Runtime) -> tuple[dict[str, Endpoint], dict[str, Endpoint]]:
    """(exact paths, path prefixes) -> Endpoint, for ApiFront."""
    return ({
        "/v1/chat/completions": Endpoint(rt, chat_completions, "POST", "chat"),
        "/v1/completions": Endpoint(rt, completions, "POST", "completions"),
        "/v1/embeddings": Endpoint(rt, embeddings, "POST", "embeddings"),
        "/v1/models": Endpoint(rt, list_models, "GET", None),
    }, {MODELS_PREFIX: Endpoint(rt, get_model, "GET", None)})
