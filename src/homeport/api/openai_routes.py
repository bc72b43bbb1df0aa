"""The OpenAI-compatible routes under /v1. Thin: authenticate, parse, call the gateway, encode."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp

from homeport.api import wire
from homeport.api.asgi import Endpoint, HttpRequest, json_response
from homeport.api.parse import chat_request, completion_request, validate
from homeport.api.schemas import ChatCompletionRequest, CompletionRequest, EmbeddingRequest
from homeport.api.streaming import ClientGone, EventStream, until_disconnect
from homeport.errors import HomeportError, InvalidRequest
from homeport.routing.router import Routing
from homeport.routing.service import CLIENT_CLOSED, Routed
from homeport.runtime import Runtime
from homeport.settings import AUTO_MODEL
from homeport.types import ChatRequest, Sensitivity, Target

log = logging.getLogger(__name__)


async def _authenticated_body(rt: Runtime, request: HttpRequest) -> bytes:
    request.caller = await rt.keys.authenticate(request.headers.get("authorization"))
    return await request.body(rt.settings.max_body_bytes)


SENSITIVITY_HEADER = "x-homeport-sensitivity"


def declared_sensitivity(request: HttpRequest) -> Sensitivity:
    """The caller's `x-homeport-sensitivity`: it can raise the level, never lower it."""
    value = request.headers.get(SENSITIVITY_HEADER)
    if value is None:
        return Sensitivity.PUBLIC
    try:
        return Sensitivity.parse(value)
    except ValueError as e:
        raise InvalidRequest(f"Invalid {SENSITIVITY_HEADER} header: {e}.",
                             param=SENSITIVITY_HEADER) from None


async def chat_completions(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    req = chat_request(validate(ChatCompletionRequest, raw))
    return await _generate(rt, request, req, "chat")


async def completions(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    req = completion_request(validate(CompletionRequest, raw))
    return await _generate(rt, request, req, "completions")


async def _generate(rt: Runtime, request: HttpRequest, req: ChatRequest,
                    endpoint: str) -> ASGIApp:
    assert request.caller is not None
    rid = wire.new_id("chatcmpl" if endpoint == "chat" else "cmpl")
    opening = rt.gateway.open(req, request.caller, endpoint, rid, declared_sensitivity(request))
    try:  # a client that leaves while its request waits for a model frees the queue slot
        if req.stream:
            routed = await until_disconnect(request.receive, opening)
        else:
            routed, collected = await until_disconnect(request.receive, _open_and_collect(opening))
    except ClientGone:
        return Response(status_code=CLIENT_CLOSED)
    headers = _route_headers(routed, rid)
    model = routed.target.served_as
    if req.stream:
        encoder = wire.StreamEncoder(rid, model, req.is_completion, req.include_usage)
        return EventStream(_sse(routed, encoder), headers)
    build = wire.text_completion if req.is_completion else wire.chat_completion
    return json_response(build(rid, int(time.time()), model, collected), headers=headers)


async def _open_and_collect(opening: Awaitable[Routed]) -> tuple[Routed, wire.Collected]:
    routed = await opening
    return routed, await _collect(routed)


async def _collect(routed: Routed) -> wire.Collected:
    collected = wire.Collected()
    status, error = 200, None  # type: int, BaseException | None
    try:
        async for chunk in routed.chunks():
            collected.add(chunk)
    except HomeportError as e:
        status, error = e.status, e
        raise
    except BaseException as e:
        status = CLIENT_CLOSED if isinstance(e, asyncio.CancelledError) else 500
        error = e
        raise
    finally:
        routed.finish(status, error, collected.usage)
    return collected


async def _sse(routed: Routed, encoder: wire.StreamEncoder) -> AsyncIterator[bytes]:
    status, error = 200, None  # type: int, BaseException | None
    try:
        head = encoder.start()  # sent with the first chunk: one write, not two
        async for chunk in routed.chunks():
            data = encoder.encode(chunk)
            if head and data:
                data, head = head + data, b""
            yield data
        yield head + encoder.end()
    except HomeportError as e:  # headers are sent: report in-band, as OpenAI does
        status, error = e.status, e
        yield wire.sse(e.to_dict())
    except Exception as e:
        log.exception("stream %s failed", routed.call.record.id)
        status, error = 500, e
        yield wire.sse(HomeportError("The stream failed inside Homeport.").to_dict())
    except BaseException as e:  # cancelled: the client went away
        status, error = CLIENT_CLOSED, e
        raise
    finally:
        routed.finish(status, error, encoder.usage)


def _route_headers(routed: Routed, rid: str) -> dict[str, str]:
    return {**route_headers(rid, routed.target, routed.routing),
            "x-homeport-attempts": str(routed.call.record.attempts)}


def route_headers(rid: str, target: Target, routing: Routing) -> dict[str, str]:
    d = routing.decision
    return {"x-request-id": rid, "x-homeport-route": f"{target.provider}/{target.model}",
            "x-homeport-rule": d.rule,
            SENSITIVITY_HEADER: str(routing.context.sensitivity),
            "x-homeport-reason": "; ".join(d.reasons).encode("ascii", "replace").decode()}


async def embeddings(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    assert request.caller is not None
    body = validate(EmbeddingRequest, raw)
    texts = [body.input] if isinstance(body.input, str) else body.input
    if any(not t for t in texts):
        raise InvalidRequest("'input' must not contain empty strings.", param="input")
    rid = wire.new_id("emb")
    target, routing, result = await rt.gateway.embed(body.model, texts, request.caller, rid,
                                                     declared_sensitivity(request))
    dims = len(result.vectors[0]) if result.vectors else 0
    if body.dimensions is not None and body.dimensions != dims:
        raise InvalidRequest(f"This model produces {dims}-dimensional vectors; 'dimensions' "
                             f"must be {dims} or omitted.", param="dimensions")
    return json_response(
        wire.embeddings(target.served_as, result.vectors, result.prompt_tokens,
                        body.encoding_format),
        headers=route_headers(rid, target, routing))


async def list_models(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await rt.keys.authenticate(request.headers.get("authorization"))
    virtual = [_model(rt, AUTO_MODEL, "homeport")] if _has_auto(rt) else []
    return json_response({"object": "list", "data": [
        *virtual, *(_model(rt, m.name, m.provider) for m in rt.registry.models)]})


async def get_model(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await rt.keys.authenticate(request.headers.get("authorization"))
    name = request.path.removeprefix(MODELS_PREFIX)
    if name == AUTO_MODEL and _has_auto(rt):
        return json_response(_model(rt, AUTO_MODEL, "homeport"))
    m = rt.registry.resolve(name)
    return json_response(_model(rt, m.name, m.provider))


def _has_auto(rt: Runtime) -> bool:
    r = rt.settings.routing
    return bool(r.auto) or any(rule.when.models and AUTO_MODEL in rule.when.models
                               for rule in r.rules)


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
