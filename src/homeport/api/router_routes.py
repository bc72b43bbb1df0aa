"""Routes of the privacy router: scan a text, explain a routing decision without calling a model."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import Field
from starlette.types import ASGIApp

from homeport.api.asgi import Endpoint, HttpRequest, authenticate, json_response
from homeport.api.openai_routes import declared_sensitivity
from homeport.api.parse import chat_request, validate
from homeport.api.schemas import ChatCompletionRequest, _Wire
from homeport.errors import InvalidRequest
from homeport.privacy.scanner import opaque_texts, text_sources
from homeport.routing import dispatch
from homeport.routing.router import Routing
from homeport.runtime import Runtime
from homeport.types import ChatRequest, Finding


class ScanRequest(_Wire):
    text: str = Field(max_length=200_000)


async def scan(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await authenticate(rt, request.headers.get("authorization"))
    body = validate(ScanRequest, await request.body(rt.settings.max_body_bytes))
    if not rt.settings.privacy.enabled:
        raise InvalidRequest("Scanning is turned off on this server (privacy.enabled).")
    ner = rt.settings.privacy.ner != "never"
    c = await asyncio.to_thread(rt.scanner.classify, [body.text], ner=ner)
    return json_response({"findings": [_finding(f) for f in c.findings[0]],
                          "sensitivity": str(c.detected)})


async def explain(rt: Runtime, request: HttpRequest) -> ASGIApp:
    caller = await authenticate(rt, request.headers.get("authorization"))
    req = chat_request(validate(ChatCompletionRequest, await request.body(
        rt.settings.max_body_bytes)))
    routing = await rt.router.route(req, caller, "chat", declared_sensitivity(request),
                                    full=True)
    return json_response(explanation(rt, routing, req))


def explanation(rt: Runtime, routing: Routing, req: ChatRequest) -> dict[str, Any]:
    """The decision, its reasons and findings as JSON (the API and `homeport route explain`)."""
    sources = [*text_sources(req), *(source for source, _ in opaque_texts(req))]
    d, ctx, c = routing.decision, routing.context, routing.privacy
    steps = dispatch.plan(d, c, rt.registry.providers, rt.settings.privacy.maskable_types())
    first = next((s for s in steps if s.action != dispatch.Action.WITHHOLD), None)
    a = ctx.assessment
    return {
        "object": "route.explanation",
        "route": f"{first.target.provider}/{first.target.model}" if first else None,
        "rule": d.rule,
        "reasons": d.reasons,
        "pseudonymize": d.pseudonymize,
        "candidates": [{
            "provider": s.target.provider, "model": s.target.model,
            "served_as": s.target.served_as,
            "tier": str(rt.registry.providers[s.target.provider].tier),
            "region": rt.registry.providers[s.target.provider].region,
            "clearance": str(s.clearance), "action": str(s.action)} for s in steps],
        "sensitivity": str(ctx.sensitivity),
        "sensitivity_sources": None if c is None else {
            "detected": str(c.detected), "declared": str(c.declared),
            "team": str(c.team_default), "knowledge": str(c.labels)},
        "entity_types": sorted(c.entity_types) if c else [],
        "findings": [] if c is None else [
            {**_finding(f), "source": src}
            for src, fs in zip(sources, c.findings, strict=True) for f in fs],
        "task": a.task if a else None,
        "task_confidence": a.task_confidence if a else None,
        "complexity": a.complexity if a else None,
        "complexity_threshold": ctx.complexity_threshold,
        "prompt_tokens": ctx.prompt_tokens,
        "ner": routing.ner,
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {"type": f.type, "start": f.start, "end": f.end, "score": round(f.score, 3)}


def endpoints(rt: Runtime) -> dict[str, Endpoint]:
    return {"/v1/privacy/scan": Endpoint(rt, scan, "POST", None),
            "/v1/route/explain": Endpoint(rt, explain, "POST", None)}
