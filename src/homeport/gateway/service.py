"""The gateway: one typed entry per kind of work. Front doors (the API routes, the web pages,
the CLI) parse their input into these values, call here and encode the result; they never
route, dispatch or record themselves."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from homeport.errors import PermissionDenied
from homeport.gateway.chat import Answer, Chats, Exchange
from homeport.gateway.exchange import Exchanges
from homeport.privacy.scanner import opaque_texts, text_sources
from homeport.providers.registry import Registry
from homeport.routing import dispatch
from homeport.routing.router import Router, Routing
from homeport.settings import Settings
from homeport.telemetry.events import RequestRecord
from homeport.telemetry.logs import set_request_id
from homeport.types import Caller, ChatRequest, Finding, Target, TokenInput, new_id


@dataclass(slots=True)
class Embedded:
    id: str
    target: Target
    routing: Routing
    vectors: list[list[float]]
    prompt_tokens: int
    route: dict[str, str]  # where it ran and why (Exchanges.route_of)


class Gateway:
    def __init__(self, settings: Settings, registry: Registry, router: Router,
                 exchanges: Exchanges, chats: Chats):
        self.settings = settings
        self.registry = registry
        self.router = router
        self.exchanges = exchanges
        self.chats = chats

    async def chat(self, req: ChatRequest, ex: Exchange) -> Answer:
        """A chat completion (or, with `req.prompt`, a text completion), started."""
        _may_work(ex.caller)
        return await self.chats.answer(req, ex, "completions" if req.is_completion else "chat")

    async def embed(self, model: str, texts: list[str], ex: Exchange,
                    tokens: TokenInput | None = None) -> Embedded:
        """Vectors of `texts`; `tokens`: the same input as the client's token ids (`texts` are
        them decoded: what is scanned and what providers without token input read)."""
        _may_work(ex.caller)
        rid = new_id("emb")
        set_request_id(rid)
        target, routing, result = await self.exchanges.embed(model, texts, ex.caller, rid,
                                                             ex.declared, ex.traceparent,
                                                             tokens)
        return Embedded(rid, target, routing, result.vectors, result.prompt_tokens,
                        self.exchanges.route_of(target, routing))

    async def explain(self, req: ChatRequest, ex: Exchange) -> dict[str, Any]:
        """Where `req` would go and why, with every analysis run; nothing is sent."""
        routing = await self.router.route(req, ex.caller, "chat", ex.declared, full=True)
        return self.explanation(routing, req)

    def explanation(self, routing: Routing, req: ChatRequest) -> dict[str, Any]:
        """The decision, its reasons and findings as JSON."""
        providers = self.registry.providers
        sources = [*text_sources(req), *(source for source, _ in opaque_texts(req))]
        d, ctx, c = routing.decision, routing.context, routing.privacy
        steps = dispatch.plan(d, c, providers, self.settings.privacy.maskable_types())
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
                "tier": str(providers[s.target.provider].tier),
                "region": providers[s.target.provider].region,
                "clearance": str(s.clearance), "action": str(s.action)} for s in steps],
            "sensitivity": str(ctx.sensitivity),
            "sensitivity_sources": None if c is None else {
                "detected": str(c.detected), "declared": str(c.declared),
                "team": str(c.team_default), "knowledge": str(c.labels)},
            "entity_types": sorted(c.entity_types) if c else [],
            "findings": [] if c is None else [
                {**finding_json(f), "source": src}
                for src, fs in zip(sources, c.findings, strict=True) for f in fs],
            "task": a.task if a else None,
            "task_confidence": a.task_confidence if a else None,
            "complexity": a.complexity if a else None,
            "complexity_threshold": ctx.complexity_threshold,
            "prompt_tokens": ctx.prompt_tokens,
            "ner": routing.ner,
        }

    def record_failure(self, endpoint: str, caller: Caller | None, status: int,
                       error_type: str) -> None:
        """A request that failed before an exchange began (authentication, its body)."""
        self.exchanges.record(RequestRecord(
            id=new_id("req"), ts=time.time(), endpoint=endpoint, model_requested="",
            key_id=caller.key_id if caller else None, team=caller.team if caller else None,
            status=status, error_type=error_type))


def _may_work(caller: Caller) -> None:
    if caller.reads_only:
        raise PermissionDenied("auditor keys read the audit log and reports only; use a member "
                               "key to call models")


def finding_json(f: Finding) -> dict[str, Any]:
    return {"type": f.type, "start": f.start, "end": f.end, "score": round(f.score, 3)}
