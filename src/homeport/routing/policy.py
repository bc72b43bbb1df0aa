"""Policy: a pure function from a request and its context to an ordered list of targets.

Ordered, named rules from the config decide first (the first whose conditions hold); without a
match, the requested model and its fallbacks (for the virtual model `auto`: `routing.auto`).
Then overflow (a saturated local first choice lets cleared cloud models go first) and, when no
candidate may see the content, the cleared fallbacks. Clearance itself is enforced in dispatch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeport.errors import InvalidRequest
from homeport.privacy.scanner import Classification
from homeport.providers.base import Provider
from homeport.providers.registry import Registry
from homeport.routing import dispatch
from homeport.routing.classifier import Assessment
from homeport.settings import (
    AUTO_MODEL,
    REQUESTED,
    OverflowConfig,
    PrivacyConfig,
    RoutingConfig,
    RuleCondition,
    RuleConfig,
)
from homeport.types import Caller, ChatRequest, Decision, Load, Sensitivity, Target, Tier

DEFAULT_COMPLEXITY_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class RoutingContext:
    caller: Caller
    kind: str  # chat | embedding
    loads: dict[str, Load] = field(default_factory=dict)
    privacy: Classification | None = None  # None: not scanned (privacy disabled)
    assessment: Assessment | None = None  # set when a rule needs task or complexity
    prompt_tokens: int = 0  # estimated
    budget_remaining: float | None = None  # None: no budget configured (governance fills it)
    complexity_threshold: float = DEFAULT_COMPLEXITY_THRESHOLD

    @property
    def sensitivity(self) -> Sensitivity:
        return self.privacy.effective if self.privacy else Sensitivity.PUBLIC


class Policy:
    def __init__(self, registry: Registry, routing: RoutingConfig | None = None,
                 privacy: PrivacyConfig | None = None):
        self._registry = registry
        self.routing = routing or RoutingConfig(auto=[], cleared_fallbacks=[])
        self.privacy = privacy or PrivacyConfig()

    def uses_assessment(self) -> bool:
        """Whether some chat rule asks for the task type or complexity."""
        return any(_uses_assessment(r.when) and r.when.kind != "embedding"
                   for r in self.routing.rules)

    def reads_findings(self) -> bool:
        """Whether some rule looks at the sensitivity or the entity types found."""
        return any(r.when.min_sensitivity is not None or r.when.max_sensitivity is not None
                   or r.when.entities is not None for r in self.routing.rules)

    def uses_budget(self) -> bool:
        """Whether some rule looks at the remaining budget."""
        return any(r.when.max_budget_remaining is not None for r in self.routing.rules)

    def needs_assessment(self, req: ChatRequest, ctx: RoutingContext) -> bool:
        """Whether deciding `req` in `ctx` reaches a rule that asks for the task or complexity:
        rules are walked in order, and one that holds without them ends the walk."""
        for r in self.routing.rules:
            if _uses_assessment(r.when):
                if self._holds(r.when, req, ctx, assessed=False):
                    return True
            elif self._holds(r.when, req, ctx):
                return False
        return False

    def decide(self, req: ChatRequest, ctx: RoutingContext) -> Decision:
        need = "embeddings" if ctx.kind == "embedding" else \
            "completions" if req.is_completion else "chat"
        rule = next((r for r in self.routing.rules if self._holds(r.when, req, ctx)), None)
        if rule is not None:
            names = self._expand(rule.route, req, ctx)
            reasons = [f"rule {rule.name}: {describe(rule.when)}"]
        else:
            names = self._expand([REQUESTED], req, ctx)
            reasons = [f"model {req.model}"]
        candidates = self._targets(names, ctx.kind, need)
        if not candidates:
            message = (f"Routing rule '{rule.name}' sends '{req.model}' to models that cannot "
                       f"serve {need} requests; fix routing.rules." if rule else
                       f"The model '{req.model}' cannot serve {need} requests; use another "
                       "model.")
            raise InvalidRequest(message, param="model")
        candidates = self._overflow(candidates, ctx, need, reasons)
        # placeholders would change what vectors mean: embeddings go whole or not at all
        pseudonymize = ctx.kind != "embedding" and self._pseudonymize(rule, ctx.caller)
        if ctx.privacy is not None and not any(
                self.may_see(t, ctx.privacy, pseudonymize) for t in candidates):
            added = [t for t in self._targets(self.routing.cleared_fallbacks, ctx.kind, need)
                     if t not in candidates and self.may_see(t, ctx.privacy, pseudonymize)]
            if added:
                candidates += added
                reasons.append(f"no candidate is cleared for {ctx.sensitivity} content: "
                               f"rerouted to {', '.join(t.served_as for t in added)}")
        reasons.append("to " + " > ".join(f"{t.provider}/{t.model}" for t in candidates))
        return Decision(candidates, rule.name if rule else "requested-model", reasons,
                        pseudonymize)

    def may_see(self, target: Target, c: Classification, pseudonymize: bool) -> bool:
        """Whether `target`'s provider may receive this content (masked, if allowed)."""
        clearance = self._registry.providers[target.provider].clearance
        return dispatch.action(clearance, c, pseudonymize,
                               self.privacy.maskable_types()) != dispatch.Action.WITHHOLD

    def _pseudonymize(self, rule: RuleConfig | None, caller: Caller) -> bool:
        if rule is not None and rule.pseudonymize is not None:
            return rule.pseudonymize
        cfg = self.privacy.pseudonymize
        return cfg.enabled or caller.team in cfg.teams

    # -- rules ---------------------------------------------------------------------------------

    def _may_apply(self, w: RuleCondition, req: ChatRequest, kind: str) -> bool:
        return (w.kind is None or w.kind == kind) and (w.models is None or
                                                         self._model_in(req.model, w.models))

    def _holds(self, w: RuleCondition, req: ChatRequest, ctx: RoutingContext,
               assessed: bool = True) -> bool:
        """Whether `w` holds; with `assessed` False, task and complexity are not checked."""
        if not self._may_apply(w, req, ctx.kind):
            return False
        level = ctx.sensitivity
        if w.min_sensitivity is not None and level < w.min_sensitivity:
            return False
        if w.max_sensitivity is not None and level > w.max_sensitivity:
            return False
        if w.entities is not None:
            found = ctx.privacy.entity_types if ctx.privacy else frozenset()
            if not found.intersection(w.entities):
                return False
        if w.teams is not None and ctx.caller.team not in w.teams:
            return False
        if w.min_prompt_tokens is not None and ctx.prompt_tokens < w.min_prompt_tokens:
            return False
        if w.max_prompt_tokens is not None and ctx.prompt_tokens > w.max_prompt_tokens:
            return False
        if assessed and _uses_assessment(w) and not self._assessment_holds(w, ctx.assessment,
                                                              ctx.complexity_threshold):
            return False
        if w.max_budget_remaining is not None and (
                ctx.budget_remaining is None or ctx.budget_remaining > w.max_budget_remaining):
            return False
        return w.saturated is None or w.saturated == self._locals_saturated(req, ctx)

    @staticmethod
    def _assessment_holds(w: RuleCondition, a: Assessment | None, threshold: float) -> bool:
        if a is None:
            return False
        if w.tasks is not None and a.task not in w.tasks:
            return False
        if w.min_complexity is not None and a.complexity < w.min_complexity:
            return False
        if w.max_complexity is not None and a.complexity > w.max_complexity:
            return False
        return w.complex is None or w.complex == (a.complexity > threshold)

    def _model_in(self, requested: str, names: list[str]) -> bool:
        """Whether the requested model is one of `names`, by name or through an alias."""
        if requested in names:
            return True
        if requested == AUTO_MODEL:
            return False
        model = self._registry.find(requested)
        return model is not None and any(self._registry.find(n) is model for n in names)

    # -- candidates ----------------------------------------------------------------------------

    def _expand(self, route: list[str], req: ChatRequest, ctx: RoutingContext) -> list[str]:
        """Model names in order, `requested` replaced by the requested model (or `auto`'s list),
        each followed by its configured fallbacks."""
        names: list[str] = []
        for name in route:
            if name != REQUESTED:
                names.append(name)
            elif req.model == AUTO_MODEL:
                if not self.routing.auto:
                    raise InvalidRequest("The model 'auto' has no models configured "
                                         "(routing.auto).", param="model")
                names.extend(self.routing.auto)
            else:
                names.append(self._registry.resolve(req.model, ctx.kind).name)
        return [n for name in names for n in (name, *self._registry.get(name).fallbacks)]

    def _targets(self, names: Iterable[str], kind: str, need: str) -> list[Target]:
        out: list[Target] = []
        for name in names:
            m = self._registry.get(name)
            target = Target(m.provider, m.upstream_model or m.name, m.name)
            capabilities = self._registry.providers[m.provider].capabilities
            if m.kind == kind and target not in out and getattr(capabilities, need):
                out.append(target)
        return out

    def _overflow(self, candidates: list[Target], ctx: RoutingContext, need: str,
                  reasons: list[str]) -> list[Target]:
        cfg = self.routing.overflow
        first = candidates[0]
        if not cfg.to or self._registry.providers[first.provider].tier != Tier.LOCAL:
            return candidates
        load = ctx.loads.get(first.provider)
        why = saturation(load, cfg) if load is not None else None
        if why is None:
            return candidates
        extra = [t for t in self._targets(cfg.to, ctx.kind, need) if t not in candidates]
        if extra:
            reasons.append(f"overflow: {first.provider} saturated ({why})")
        return [*extra, *candidates]

    def _locals_saturated(self, req: ChatRequest, ctx: RoutingContext) -> bool:
        """Every local provider serving this kind of request is saturated (False if none)."""
        local = [n for n, p in self._registry.providers.items() if p.tier == Tier.LOCAL and
                 (p.capabilities.embeddings if ctx.kind == "embedding" else p.capabilities.chat)]
        return bool(local) and all(
            saturation(ctx.loads.get(n, Load()), self.routing.overflow) is not None
            for n in local)


def saturation(load: Load, cfg: OverflowConfig) -> str | None:
    """Why a provider with `load` counts as saturated, or None if it has room."""
    pending = load.in_flight + load.queued
    limit = cfg.max_pending if cfg.max_pending is not None else load.slots
    if limit is not None and pending >= limit:
        return f"{load.in_flight} in flight, {load.queued} queued, limit {limit}"
    if cfg.latency_budget_ms is not None and load.avg_service_s and load.slots:
        waves = max(0, pending - load.slots + 1) / load.slots
        wait_ms = waves * load.avg_service_s * 1000
        if wait_ms > cfg.latency_budget_ms:
            return f"predicted wait {wait_ms:.0f} ms > {cfg.latency_budget_ms:.0f} ms"
    return None


def provider_status(providers: Mapping[str, Provider],
                    cfg: OverflowConfig) -> list[dict[str, Any]]:
    """Each provider's tier, clearance, region, readiness and live load (admin views)."""
    out = []
    for name, p in providers.items():
        load = p.load()
        out.append({"name": name, "tier": str(p.tier), "clearance": str(p.clearance),
                    "region": p.region, "ready": p.ready(), "in_flight": load.in_flight,
                    "queued": load.queued, "slots": load.slots,
                    "saturated": saturation(load, cfg) is not None})
    return out


def _uses_assessment(w: RuleCondition) -> bool:
    return (w.tasks is not None or w.min_complexity is not None or w.max_complexity is not None
            or w.complex is not None)


def describe(w: RuleCondition) -> str:
    """A rule's conditions in one line, e.g. `entities=API_KEY, models=auto`."""
    set_fields = w.model_dump(exclude_none=True)
    return ", ".join(f"{k}={_short(v)}" for k, v in set_fields.items()) or "always"


def _short(v: object) -> str:
    if isinstance(v, list):
        return "|".join(str(x) for x in v)
    return str(v)
