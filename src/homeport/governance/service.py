"""Governance on the request path: who may use which model, rate limits, budgets, egress audit.

For each request the gateway calls, in order: `allow_model` (the key's allowed models),
`admit` (rate limits, per key and team), `allowed_candidates` (the decision narrowed to allowed
models), `reserve` (the largest cost of the planned cloud targets against the team's and key's
budgets; when a budget is spent either local candidates only or 429), `egress` (the durable
audit record, before any byte leaves), and when the request ends `settle` (actual cost, extra
tokens).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select

from homeport.background import Background
from homeport.economics.cost import CostModel
from homeport.errors import BudgetExceeded, PermissionDenied
from homeport.governance.audit import AuditLog
from homeport.governance.budgets import Budgets, BudgetScope, Exhausted, Reservation
from homeport.governance.keys import KeyStore
from homeport.governance.limits import Limits
from homeport.governance.ratelimit import RateScope, rate_limiter
from homeport.governance.teams import TeamStore, limits_of
from homeport.providers.base import Provider
from homeport.providers.registry import Registry
from homeport.settings import AUTO_MODEL, Settings
from homeport.storage.db import Database
from homeport.storage.schema import api_keys, teams
from homeport.types import Caller, Decision, Sensitivity, Target, Tier

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Admission:
    """What governance holds for one request until it ends."""

    scopes: list[RateScope]
    estimate: int  # tokens charged at admission
    reservation: Reservation | None = None


class Governance:
    def __init__(self, settings: Settings, db: Database, keys: KeyStore, registry: Registry,
                 costs: CostModel):
        self.settings = settings
        self.cfg = settings.governance
        self.db = db
        self.keys = keys
        self.teams = TeamStore(db)
        self.registry = registry
        self.costs = costs
        self.audit = AuditLog(db, fsync=self.cfg.audit_fsync)
        self.limiter = rate_limiter(self.cfg.redis_url)
        self.budgets = Budgets(db, self.cfg, settings.economics.currency)
        self._limits: dict[str, tuple[float, Limits, Limits]] = {}
        self.tasks = Background("settling a request")

    def start(self) -> None:
        self.audit.start()

    async def close(self) -> None:
        await self.tasks.close()
        await self.limiter.close()
        await self.budgets.close()
        await self.audit.close()

    # --- the request path -----------------------------------------------------------------

    def allow_model(self, caller: Caller, model: str) -> None:
        """403 unless the key may ask for `model` (by name, alias or `auto`)."""
        allowed = caller.allowed_models
        if allowed is None or model in allowed or self._canonical(model) in self._names(allowed):
            return
        raise PermissionDenied(f"this API key may not use the model {model!r}; it may use: "
                               f"{', '.join(sorted(allowed))}", param="model")

    async def admit(self, caller: Caller, prompt_tokens: int) -> Admission:
        """Rate limits: 1 request and the prompt's estimated tokens, or 429."""
        team, key = await self.limits(caller)
        scopes = [RateScope(f"team:{caller.team}", team.rpm, team.tpm),
                  RateScope(f"key:{caller.key_id}", key.rpm, key.tpm)]
        scopes = [s for s in scopes if s.rpm is not None or s.tpm is not None]
        if scopes:
            await self.limiter.admit(scopes, prompt_tokens)
        return Admission(scopes, prompt_tokens)

    async def budget_remaining(self, caller: Caller) -> float | None:
        return await self.budgets.remaining(await self._budget_scopes(caller))

    def allowed_candidates(self, caller: Caller, decision: Decision,
                           requested: str) -> Decision:
        """The decision narrowed to the key's models (403 when none is left)."""
        allowed = caller.allowed_models
        if allowed is None or (requested == AUTO_MODEL and AUTO_MODEL in allowed):
            return decision  # `auto` allowed: whatever the router picks for it
        names = self._names(allowed)
        kept = [t for t in decision.candidates if t.served_as in names]
        if not kept:
            raise PermissionDenied(
                f"this request routes to {', '.join(t.served_as for t in decision.candidates)}, "
                f"none of which this API key may use (it may use {', '.join(sorted(names))})",
                param="model")
        if len(kept) == len(decision.candidates):
            return decision
        return dataclasses.replace(decision, candidates=kept)

    async def reserve(self, caller: Caller, paid: list[Target], prompt_tokens: int,
                      max_tokens: int, admission: Admission, rid: str,
                      local_left: bool) -> str | None:
        """Reserve the largest cost of the cloud targets that may receive the content
        (`max_tokens` of output each) against the team's and key's budgets. None: reserved (in
        `admission`), or nothing to reserve; a reason: a budget is spent, says "local models
        only" and `local_left` (a local candidate remains); otherwise 429."""
        scopes = await self._budget_scopes(caller) if paid else []
        if not scopes:
            return None
        amount = max(self.costs.max_cloud(t.model, prompt_tokens, max_tokens) for t in paid)
        try:
            admission.reservation = await self.budgets.reserve(scopes, amount, rid)
        except Exhausted as e:
            if e.on_exhausted == "local" and local_left:
                return f"{e.scope.kind} {e.scope.id!r} budget spent: local models only"
            wait = max(1.0, e.resets_at.timestamp() - time.time())
            raise BudgetExceeded(e.message(self.settings.economics.currency),
                                 retry_after=wait) from None
        return None

    async def egress(self, rid: str, caller: Caller, target: Target, rule: str,
                     sensitivity: Sensitivity, entity_types: list[str], pseudonymized: bool,
                     payload: Any, attempt: int) -> None:
        """The audit record of content leaving for a provider: durable when this returns."""
        await self._egress(self.registry.providers[target.provider], target.model, payload, {
            "request_id": rid, "rule": rule, "sensitivity": str(sensitivity),
            "entity_types": sorted(entity_types), "pseudonymized": pseudonymized,
            "attempt": attempt}, actor=caller.key_id, team=caller.team)

    async def knowledge_egress(self, provider: Provider, model: str, texts: list[str],
                               details: dict[str, Any]) -> None:
        """Knowledge text sent to an embedding provider outside this process (ingestion and
        query embeddings), recorded before it leaves."""
        await self._egress(provider, model, texts, {**details, "texts": len(texts)},
                           team=details.get("team"))

    async def _egress(self, provider: Provider, model: str, payload: Any,
                      details: dict[str, Any], actor: str | None = None,
                      team: str | None = None) -> None:
        await self.audit.record("egress", {
            **details, "provider": provider.name, "region": provider.region,
            "tier": str(provider.tier), "model": model,
            "payload_sha256": payload_hash(payload)}, actor=actor, team=team)

    async def rerank_egress(self, texts: list[str]) -> None:
        """Passages sent to the rerank server (knowledge.rerank), recorded before they leave."""
        rerank = self.settings.knowledge.rerank
        assert rerank is not None
        await self.audit.record("egress", {
            "purpose": "rerank", "provider": rerank.base_url, "model": rerank.model,
            "texts": len(texts), "payload_sha256": payload_hash(texts)})

    def settle(self, admission: Admission, cost: float | None, tier: str | None,
               used_tokens: int) -> None:
        """After the request: settle the budget and the tokens beyond the estimate (a task only
        when there is something to settle: most requests have neither)."""
        extra = bool(admission.scopes) and used_tokens != admission.estimate
        if admission.reservation is not None or extra:
            self.tasks.run(self._settle(admission, cost if tier == Tier.CLOUD else None,
                                         used_tokens))

    async def _settle(self, admission: Admission, cloud_cost: float | None,
                      used_tokens: int) -> None:
        if admission.reservation is not None:
            if cloud_cost is None:
                await self.budgets.release(admission.reservation)
            else:
                await self.budgets.settle(admission.reservation, cloud_cost)
        extra = used_tokens - admission.estimate
        if admission.scopes and extra:
            await self.limiter.consume(admission.scopes, extra)

    # --- limits of a caller ---------------------------------------------------------------

    async def limits(self, caller: Caller) -> tuple[Limits, Limits]:
        """(team limits, key limits), cached for governance.key_limits_ttl_s."""
        now = time.monotonic()
        cached = self._limits.get(caller.key_id)
        if cached is not None and cached[0] > now:
            return cached[1], cached[2]
        team, key = await self.db.run(self._read_limits, caller)
        if len(self._limits) > 10_000:
            self._limits.clear()
        self._limits[caller.key_id] = (now + self.cfg.key_limits_ttl_s, team, key)
        return team, key

    def _read_limits(self, caller: Caller) -> tuple[Limits, Limits]:
        with self.db.engine.connect() as conn:
            t = conn.execute(select(teams).where(teams.c.name == caller.team)).mappings().first()
            k = conn.execute(select(api_keys).where(api_keys.c.id == caller.key_id)
                             ).mappings().first()
        return (limits_of(t) if t else Limits()), (limits_of(k) if k else Limits())

    def forget_limits(self) -> None:
        """An admin changed limits: read them again on the next request."""
        self._limits.clear()

    async def _budget_scopes(self, caller: Caller) -> list[BudgetScope]:
        team, key = await self.limits(caller)
        out = []
        default = self.cfg.on_budget_exhausted
        if team.budget is not None:
            out.append(BudgetScope("team", caller.team, team.budget,
                                   team.budget_period or "month", team.on_exhausted or default))
        if key.budget is not None:
            out.append(BudgetScope("key", caller.key_id, key.budget,
                                   key.budget_period or "month", key.on_exhausted or default))
        return out

    # --- models ---------------------------------------------------------------------------

    def _canonical(self, name: str) -> str:
        if name == AUTO_MODEL:
            return name
        model = self.registry.find(name)
        return model.name if model is not None else name

    def _names(self, allowed: frozenset[str]) -> set[str]:
        return {self._canonical(n) for n in allowed}


def payload_hash(payload: Any) -> str:
    """SHA-256 of exactly what was sent (requests are dataclasses; orjson encodes them; what
    it cannot, such as integers beyond 64 bits, falls back to the standard library)."""
    try:
        encoded = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        encoded = json.dumps(dataclasses.asdict(payload) if dataclasses.is_dataclass(payload)
                             and not isinstance(payload, type) else payload,
                             sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()
