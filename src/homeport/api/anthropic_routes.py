"""Anthropic's Messages API front door, `POST /v1/messages`: Claude clients and the `anthropic`
SDKs reach every configured model under the same routing, privacy, budgets and audit. Thin:
authenticate (x-api-key or a bearer key), parse, call the gateway, encode; every error,
authentication included, in Anthropic's error shape."""

from __future__ import annotations

import logging

from starlette.responses import Response
from starlette.types import ASGIApp

from homeport.api.asgi import ANY_METHOD, Endpoint, authenticate
from homeport.api.openai_routes import start_answer
from homeport.errors import AuthenticationFailed, HomeportError, NotFound
from homeport.gateway.exchange import CLIENT_CLOSED
from homeport.runtime import Runtime
from homeport.wire import anthropic as wire
from homeport.wire.headers import answer_headers, exchange_of
from homeport.wire.http import HttpRequest, json_response
from homeport.wire.streaming import EventStream

log = logging.getLogger(__name__)


def credentials(request: HttpRequest) -> str:
    """The key as an Authorization value: Anthropic's `x-api-key`, else `Authorization`."""
    key = request.headers.get("x-api-key", "").strip()
    if key:
        return f"Bearer {key}"
    authorization: str | None = request.headers.get("authorization")
    if not authorization:
        raise AuthenticationFailed("Missing API key: send your Homeport key as 'x-api-key: KEY' "
                                   "or 'Authorization: Bearer KEY'.")
    return authorization


async def messages(rt: Runtime, request: HttpRequest) -> ASGIApp:
    # anthropic-version and anthropic-beta are accepted and ignored: one version is spoken
    request.caller = await authenticate(rt, credentials(request))
    req = wire.chat_request(wire.parse(await request.body(rt.settings.max_body_bytes)))
    started = await start_answer(rt, request, req, exchange_of(request, request.caller))
    if started is None:
        return Response(status_code=CLIENT_CLOSED)
    answer, collected = started
    headers = answer_headers(answer)
    mid, model = wire.message_id(answer.id), answer.routed.target.served_as
    if collected is None:
        return EventStream(wire.event_stream(answer, wire.StreamEncoder(mid, model)), headers)
    try:
        body = wire.message(mid, model, collected)
    except HomeportError as e:  # tool arguments that are not JSON: the exchange is recorded
        e.recorded = True
        raise
    return json_response(body, headers=headers)


async def not_offered(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await authenticate(rt, credentials(request))
    raise NotFound(f"{request.path} is not offered by Homeport; POST /v1/messages is.")


MESSAGES_PREFIX = "/v1/messages/"  # count_tokens and message batches: not offered


def endpoints(rt: Runtime) -> tuple[dict[str, Endpoint], dict[str, Endpoint]]:
    """(exact paths, path prefixes) -> Endpoint, for ApiFront."""
    return ({"/v1/messages": Endpoint(rt, messages, "POST", "chat", wire.error_response)},
            {MESSAGES_PREFIX: Endpoint(rt, not_offered, ANY_METHOD, None, wire.error_response)})
