"""Policy: a pure function from a request and its context to an ordered list of targets.

Today it resolves the requested model and its configured fallbacks (those whose provider can
serve the kind of request: chat, completions, embeddings); the privacy router adds
rules (sensitivity, task, budget, saturation) here without touching dispatch or the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from homeport.errors import InvalidRequest
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
        need = "embeddings" if ctx.kind == "embedding" else \
            "completions" if req.is_completion else "chat"
        candidates: list[Target] = []
        reasons: list[str] = []
        for m in [model, *(self._registry.get(name) for name in model.fallbacks)]:
            target = Target(m.provider, m.upstream_model or m.name, m.name)
            capabilities = self._registry.providers[m.provider].capabilities
            if m.kind != ctx.kind or target in candidates or not getattr(capabilities, need):
                continue
            candidates.append(target)
            reasons.append(f"{'model' if m is model else 'fallback'} {m.name} -> {m.provider}")
        if not candidates:
            raise InvalidRequest(f"The model '{req.model}' cannot serve {need} requests; use "
                                 "another model.", param="model")
        return Decision(candidates=candidates, rule="requested-model", reasons=reasons)
