"""Routes of the privacy router: scan a text, explain a routing decision without calling a model."""

from __future__ import annotations

import asyncio

from pydantic import Field
from starlette.types import ASGIApp

from homeport.api.asgi import Endpoint, authenticate
from homeport.errors import InvalidRequest
from homeport.gateway.service import finding_json
from homeport.runtime import Runtime
from homeport.wire.headers import exchange_of
from homeport.wire.http import HttpRequest, json_response, validate
from homeport.wire.openai_parse import chat_request
from homeport.wire.openai_schemas import ChatCompletionRequest, _Wire


class ScanRequest(_Wire):
    text: str = Field(max_length=200_000)


async def scan(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await authenticate(rt, request.headers.get("authorization"))
    body = validate(ScanRequest, await request.body(rt.settings.max_body_bytes))
    if not rt.settings.privacy.enabled:
        raise InvalidRequest("Scanning is turned off on this server (privacy.enabled).")
    ner = rt.settings.privacy.ner != "never"
    c = await asyncio.to_thread(rt.scanner.classify, [body.text], ner=ner)
    return json_response({"findings": [finding_json(f) for f in c.findings[0]],
                          "sensitivity": str(c.detected)})


async def explain(rt: Runtime, request: HttpRequest) -> ASGIApp:
    caller = await authenticate(rt, request.headers.get("authorization"))
    req = chat_request(validate(ChatCompletionRequest, await request.body(
        rt.settings.max_body_bytes)))
    return json_response(await rt.gateway.explain(req, exchange_of(request, caller)))


def endpoints(rt: Runtime) -> dict[str, Endpoint]:
    return {"/v1/privacy/scan": Endpoint(rt, scan, "POST", None),
            "/v1/route/explain": Endpoint(rt, explain, "POST", None)}
