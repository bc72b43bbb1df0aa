"""Policy: a pure function from a request and its context to an ordered list of targets.

Today it resolves the requested model and its configured fallbacks; the privacy router adds
rules (sensitivity, task, budget, saturation) here without touching dispatch or the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from homeport.providers.registry import Registry
from homeport.types import Caller, ChatRequest, Decision, Load, Target


@dataclass(frozen=True, slots=True)
class RoutingContext:
    caller: Caller
    kind: str  # chat | embedding
    loads: dict[str, Load] = field(default_factory=dict)


class Policy:
    def __init__(self, registry: Registry):
        self._registry = registry

    def decide(self, req: ChatRequest, ctx: RoutingContext) -> Decision:
        model = self._registry.resolve(req.model, ctx.kind)
        candidates = [Target(model.provider, model.upstream_model or model.name, model.name)]
        reasons = [f"model {model.name} -> {model.provider}"]
        for name in model.fallbacks:
            fb = self._registry.get(name)
            target = Target(fb.provider, fb.upstream_model or fb.name, fb.name)
            if fb.kind == ctx.kind and target not in candidates:
                candidates.append(target)
                reasons.append(f"fallback {fb.name} -> {fb.provider}")
        return Decision(candidates=candidates, rule="requested-model", reasons=reasons)
