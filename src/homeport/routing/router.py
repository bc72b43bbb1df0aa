"""The router: scan the request, assess its task when a rule asks, decide, and say why.

Pattern recognisers always run (microseconds). NER (milliseconds) runs when `privacy.ner` is
`always`, or under `auto` only when the entities it could add might change the decision or
what a candidate may receive; task assessment (an embedding) only when a rule that could apply
asks for the task type or complexity.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeport.entities import NER_TYPES
from homeport.privacy.scanner import Classification, Scanner, opaque_texts, request_texts
from homeport.providers.registry import Registry
from homeport.routing import dispatch
from homeport.routing.classifier import Assessment
from homeport.routing.policy import DEFAULT_COMPLEXITY_THRESHOLD, Policy, RoutingContext
from homeport.settings import Settings
from homeport.types import Caller, ChatRequest, Decision, Finding, Sensitivity

Assess = Callable[[str], Awaitable[Assessment]]
INLINE_SCAN_CHARS = 32_000  # longer texts are scanned in a worker thread
BudgetHook = Callable[[Caller], Awaitable[float | None]]


async def _no_budget(caller: Caller) -> float | None:
    return None


@dataclass(slots=True)
class Routing:
    """A decision and everything it was made from."""

    decision: Decision
    context: RoutingContext
    texts: list[str]
    ner: str  # ran | skipped | off

    @property
    def privacy(self) -> Classification | None:
        return self.context.privacy

    def guard(self, settings: Settings, egress: dispatch.Egress | None = None) -> dispatch.Guard:
        return dispatch.Guard(self.privacy, settings.privacy.maskable_types(),
                              settings.privacy.queue_timeout_s, self.texts, egress)


class Router:
    def __init__(self, settings: Settings, registry: Registry, policy: Policy,
                 scanner: Scanner, assess: Assess | None = None,
                 complexity_threshold: float | None = None,
                 budget_remaining: BudgetHook | None = None):
        self.settings = settings
        self.registry = registry
        self.policy = policy
        self.scanner = scanner
        self.assess = assess
        self.complexity_threshold = complexity_threshold
        self.budget_remaining = budget_remaining or _no_budget  # governance's budgets

    async def route(self, req: ChatRequest, caller: Caller, kind: str,
                    declared: Sensitivity = Sensitivity.PUBLIC, *,
                    texts: list[str] | None = None, full: bool = False,
                    labels: Sensitivity = Sensitivity.PUBLIC) -> Routing:
        """Decide where `req` goes. `labels`: of knowledge passages attached to it. `full`
        (explain) runs every analysis, needed or not."""
        opaque = [] if texts is not None else [t for _, t in opaque_texts(req)]
        texts = request_texts(req) if texts is None else texts
        scanned = [*texts, *opaque]
        cfg = self.settings.privacy
        # Without detection (privacy.enabled false) the declared and team levels still count.
        scan = functools.partial(self.scanner.classify, texts, opaque=opaque, declared=declared,
                                 team=caller.team, labels=labels)
        # a long prompt would hold the event loop for milliseconds
        privacy = scan() if sum(map(len, scanned)) < INLINE_SCAN_CHARS else \
            await asyncio.to_thread(scan)
        ctx = RoutingContext(
            caller, kind, {n: p.current_load() for n, p in self.registry.providers.items()},
            privacy=privacy, prompt_tokens=sum(len(t) for t in texts) // 4,
            budget_remaining=await self.budget_remaining(caller)
            if self.policy.uses_budget() else None,
            complexity_threshold=(DEFAULT_COMPLEXITY_THRESHOLD if self.complexity_threshold
                                  is None else self.complexity_threshold))
        ctx = await self._assessed(req, ctx, full)
        decision = self.policy.decide(req, ctx)
        if not cfg.enabled or cfg.ner == "never":
            return Routing(decision, ctx, texts, "off")
        if not full and cfg.ner == "auto" and not self._ner_matters(req, ctx, decision):
            return Routing(decision, ctx, texts, "skipped")
        privacy = await asyncio.to_thread(self.scanner.add_ner, privacy, scanned)
        ctx = await self._assessed(req, dataclasses.replace(ctx, privacy=privacy), full)
        return Routing(self.policy.decide(req, ctx), ctx, texts, "ran")

    async def _assessed(self, req: ChatRequest, ctx: RoutingContext,
                        full: bool) -> RoutingContext:
        """`ctx` with the task assessment, when the decision needs it (or `full`)."""
        if self.assess is None or ctx.kind != "chat" or ctx.assessment is not None:
            return ctx
        if not (full or self.policy.needs_assessment(req, ctx)):
            return ctx
        return dataclasses.replace(ctx, assessment=await self.assess(_task_text(req)))

    def _ner_matters(self, req: ChatRequest, ctx: RoutingContext, decision: Decision) -> bool:
        """Whether NER's entities could change the decision or what a candidate receives: we
        suppose it finds each combination of NER types and compare. Masking needs the real
        spans, so any candidate that would get masked content needs NER too."""
        privacy = ctx.privacy
        assert privacy is not None
        maskable = self.settings.privacy.maskable_types()
        providers = self.registry.providers
        levels = self.scanner.levels
        ceiling = max(privacy.effective, *(levels[t] for t in NER_TYPES))
        if not self.policy.reads_findings() and all(
                providers[t.provider].clearance >= ceiling for t in decision.candidates):
            return False  # no rule reads what NER finds, and every candidate may see it anyway
        now = dispatch.plan(decision, privacy, providers, maskable)
        if any(s.action == dispatch.Action.MASK for s in now):
            return True
        for n in range(1, len(NER_TYPES) + 1):
            for types in itertools.combinations(NER_TYPES, n):
                findings = [*privacy.findings] or [[]]
                findings[0] = [*findings[0], *(Finding(t, 0, 0, 0.0) for t in types)]
                then_ctx = dataclasses.replace(
                    ctx, privacy=privacy.with_findings(findings, ner_done=False))
                if ctx.assessment is None and self.policy.needs_assessment(req, then_ctx):
                    return True  # the entities could lead to a rule on the task
                other = self.policy.decide(req, then_ctx)
                if (other.candidates, other.rule, other.pseudonymize) != (
                        decision.candidates, decision.rule, decision.pseudonymize):
                    return True
                then = dispatch.plan(decision, then_ctx.privacy, providers, maskable)
                if any(a.action != b.action for a, b in zip(now, then, strict=True)):
                    return True
        return False


def _task_text(req: ChatRequest) -> str:
    """What the task classifier reads: the prompt, or the last user message."""
    if req.prompt is not None:
        return req.prompt
    for m in reversed(req.messages):
        if m.role == "user":
            return m.text()
    return req.messages[-1].text() if req.messages else ""
