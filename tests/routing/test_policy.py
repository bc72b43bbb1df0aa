"""Policy and dispatch planning: pure functions, no I/O."""

from __future__ import annotations

from typing import Any

import pytest

from homeport.entities import DEFAULT_SENSITIVITY
from homeport.errors import InvalidRequest, ModelNotFound
from homeport.privacy.scanner import Classification
from homeport.providers.registry import Registry
from homeport.routing import dispatch
from homeport.routing.classifier import Assessment
from homeport.routing.policy import Policy, RoutingContext
from homeport.settings import Settings
from homeport.types import Caller, ChatRequest, Finding, Load, Message, Sensitivity

CALLER = Caller("k1", "research")


def make(**routing: Any) -> tuple[Policy, Registry, Settings]:
    settings = Settings(
        embedded={"embeddings": None},
        providers=[{"type": "openai", "name": "cloud", "base_url": "http://127.0.0.1:9/v1"},
                   {"type": "openai", "name": "eu-cloud", "base_url": "http://127.0.0.1:9/v1",
                    "clearance": "confidential"}],
        models=[{"name": "gpt", "provider": "cloud", "fallbacks": ["local"]},
                {"name": "mini", "provider": "cloud", "upstream_model": "gpt-mini"},
                {"name": "eu", "provider": "eu-cloud"},
                {"name": "cloud-embed", "provider": "cloud", "kind": "embedding"}],
        routing=routing,
        privacy=routing.pop("privacy", {}) if "privacy" in routing else {})
    registry = Registry(settings)
    return Policy(registry, settings.routing, settings.privacy), registry, settings


def found(*types: str, declared: Sensitivity = Sensitivity.PUBLIC) -> Classification:
    return Classification(dict(DEFAULT_SENSITIVITY),
                          [[Finding(t, 0, 1, 1.0) for t in types]], declared=declared)


def ctx(privacy: Classification | None = None, **kw: Any) -> RoutingContext:
    return RoutingContext(kw.pop("caller", CALLER), kw.pop("kind", "chat"), privacy=privacy,
                          **kw)


def req(model: str = "gpt", text: str = "hi") -> ChatRequest:
    return ChatRequest(model=model, messages=[Message("user", text)])


def route(d: Any) -> list[str]:
    return [t.served_as for t in d.candidates]


def test_without_rules_the_requested_model_and_its_fallbacks() -> None:
    policy, _, _ = make()
    d = policy.decide(req("gpt"), ctx(found()))
    assert route(d) == ["gpt", "local"] and d.rule == "requested-model"
    assert route(policy.decide(req("auto"), ctx(found()))) == ["local"]
    with pytest.raises(ModelNotFound):
        policy.decide(req("nope"), ctx(found()))


def test_first_matching_rule_wins_in_order() -> None:
    policy, _, _ = make(rules=[
        {"name": "secrets", "when": {"entities": ["API_KEY"]}, "route": ["local"]},
        {"name": "legal", "when": {"teams": ["legal"]}, "route": ["eu"]},
        {"name": "auto-cheap", "when": {"models": ["auto"], "max_prompt_tokens": 100},
         "route": ["mini"]},
        {"name": "rest", "route": ["requested"]},
    ])
    assert policy.decide(req("gpt"), ctx(found("API_KEY"))).rule == "secrets"
    legal = policy.decide(req("gpt"), ctx(found("API_KEY"), caller=Caller("k", "legal")))
    assert legal.rule == "secrets"
    assert policy.decide(req("gpt"), ctx(found(), caller=Caller("k", "legal"))).rule == "legal"
    d = policy.decide(req("auto"), ctx(found(), prompt_tokens=50))
    assert (d.rule, route(d)) == ("auto-cheap", ["mini"])
    d = policy.decide(req("auto"), ctx(found(), prompt_tokens=500))
    assert (d.rule, route(d)) == ("rest", ["local"])  # `requested` for auto = routing.auto
    assert route(policy.decide(req("gpt"), ctx(found()))) == ["gpt", "local"]


def test_model_condition_matches_aliases_and_names() -> None:
    policy, _, _ = make(rules=[{"name": "r", "when": {"models": ["local"]}, "route": ["mini"]}])
    assert policy.decide(req("SmolLM2-135M-Instruct"), ctx(found())).rule == "r"
    assert policy.decide(req("gpt"), ctx(found())).rule == "requested-model"


def test_sensitivity_conditions_use_the_effective_level() -> None:
    policy, _, _ = make(rules=[
        {"name": "restricted", "when": {"min_sensitivity": "restricted"}, "route": ["local"]},
        {"name": "low", "when": {"max_sensitivity": "internal"}, "route": ["mini"]}])
    assert policy.decide(req(), ctx(found("SSN"))).rule == "restricted"
    assert policy.decide(req(), ctx(found(declared=Sensitivity.RESTRICTED))).rule == "restricted"
    assert policy.decide(req(), ctx(found("IP"))).rule == "low"
    assert policy.decide(req(), ctx(found("EMAIL"))).rule == "requested-model"


def test_task_and_complexity_conditions() -> None:
    policy, _, _ = make(rules=[
        {"name": "hard-code", "when": {"tasks": ["code"], "complex": True}, "route": ["gpt"]},
        {"name": "very-simple", "when": {"max_complexity": 0.2}, "route": ["local"]}])
    assert policy.needs_assessment(req("auto"), ctx(found()))
    assert policy.uses_assessment()
    hard = Assessment("code", 0.9, 0.8)
    assert policy.decide(req("auto"), ctx(found(), assessment=hard)).rule == "hard-code"
    easy = Assessment("code", 0.9, 0.1)
    assert policy.decide(req("auto"), ctx(found(), assessment=easy)).rule == "very-simple"
    assert policy.decide(req("auto"), ctx(found(), assessment=easy,
                                          complexity_threshold=0.05)).rule == "hard-code"
    assert policy.decide(req("auto"), ctx(found())).rule == "requested-model"  # not assessed


def test_assessment_is_needed_only_when_a_task_rule_is_reached() -> None:
    policy, _, _ = make(rules=[
        {"name": "restricted", "when": {"min_sensitivity": "restricted"}, "route": ["local"]},
        {"name": "code", "when": {"models": ["auto"], "tasks": ["code"]}, "route": ["gpt"]},
        {"name": "rest", "route": ["requested"]}])
    assert not policy.needs_assessment(req("auto"), ctx(found("SSN")))  # decided before
    assert policy.needs_assessment(req("auto"), ctx(found()))
    assert not policy.needs_assessment(req("gpt"), ctx(found()))  # the task rule is for auto


def test_budget_hook_condition() -> None:
    policy, _, _ = make(rules=[{"name": "broke", "when": {"max_budget_remaining": 0},
                                "route": ["local"]}])
    assert policy.decide(req(), ctx(found(), budget_remaining=0.0)).rule == "broke"
    assert policy.decide(req(), ctx(found(), budget_remaining=5.0)).rule == "requested-model"
    assert policy.decide(req(), ctx(found())).rule == "requested-model"  # no budgets


def test_overflow_puts_cleared_cloud_first_when_local_is_saturated() -> None:
    policy, _, _ = make(auto=["local"], overflow={"to": ["mini"], "max_pending": 2},
                        rules=[{"name": "busy", "when": {"saturated": True, "teams": ["x"]},
                                "route": ["eu"]}])
    idle = {"local": Load(in_flight=1, slots=1)}
    busy = {"local": Load(in_flight=1, queued=1, slots=1)}
    assert route(policy.decide(req("auto"), ctx(found(), loads=idle))) == ["local"]
    d = policy.decide(req("auto"), ctx(found(), loads=busy))
    assert route(d) == ["mini", "local"] and any("overflow" in r for r in d.reasons)
    assert policy.decide(req("auto"), ctx(found(), loads=busy,
                                          caller=Caller("k", "x"))).rule == "busy"


def test_overflow_on_predicted_wait() -> None:
    policy, _, _ = make(overflow={"to": ["mini"], "max_pending": 100, "latency_budget_ms": 500})
    slow = {"local": Load(in_flight=1, queued=1, slots=1, avg_service_s=1.0)}
    assert route(policy.decide(req("auto"), ctx(found(), loads=slow)))[0] == "mini"
    fast = {"local": Load(in_flight=1, queued=1, slots=1, avg_service_s=0.1)}
    assert route(policy.decide(req("auto"), ctx(found(), loads=fast)))[0] == "local"


def test_restricted_content_asked_of_the_cloud_is_rerouted_to_cleared_fallbacks() -> None:
    policy, _, _ = make()
    d = policy.decide(req("mini"), ctx(found("SSN")))
    assert route(d) == ["mini", "local"] and "rerouted" in d.reasons[-2]
    assert route(policy.decide(req("mini"), ctx(found()))) == ["mini"]
    policy, _, _ = make(cleared_fallbacks=[])
    assert route(policy.decide(req("mini"), ctx(found("SSN")))) == ["mini"]


def test_plan_withholds_sends_or_masks_by_clearance() -> None:
    policy, registry, settings = make(privacy={"pseudonymize": {"enabled": True}})
    maskable = settings.privacy.maskable_types()
    d = policy.decide(req("eu"), ctx(found("PERSON")))
    steps = dispatch.plan(d, found("PERSON"), registry.providers, maskable)
    assert [s.action for s in steps] == ["send"]  # eu-cloud is cleared for confidential
    d = policy.decide(req("gpt"), ctx(found("PERSON")))
    assert d.pseudonymize
    steps = dispatch.plan(d, found("PERSON"), registry.providers, maskable)
    assert [(s.target.provider, s.action) for s in steps] == [("cloud", "mask"),
                                                              ("local", "send")]
    steps = dispatch.plan(d, found("PERSON", "SSN"), registry.providers, maskable)
    assert [s.action for s in steps] == ["withhold", "send"]  # restricted types never masked
    declared = found("PERSON", declared=Sensitivity.CONFIDENTIAL)
    assert dispatch.plan(d, declared, registry.providers, maskable)[0].action == "withhold"
    e = policy.decide(req("cloud-embed"), ctx(found("PERSON"), kind="embedding"))
    assert not e.pseudonymize  # embeddings are sent whole or not at all
    assert dispatch.plan(e, found("PERSON"), registry.providers, maskable)[0].action == \
        "withhold"


def test_maskable_types_follow_the_configured_levels() -> None:
    _, _, settings = make(privacy={"sensitivity": {"EMAIL": "restricted"}})
    assert "EMAIL" not in settings.privacy.maskable_types()
    assert "PERSON" in settings.privacy.maskable_types()
    assert "SSN" not in settings.privacy.maskable_types()


def test_types_found_in_opaque_fields_are_never_masked_away() -> None:
    c = Classification(dict(DEFAULT_SENSITIVITY), [[Finding("PERSON", 0, 1, 1.0)],
                                                   [Finding("EMAIL", 0, 1, 1.0)]], maskable=1)
    assert c.residual({"PERSON", "EMAIL"}) == Sensitivity.CONFIDENTIAL
    assert c.residual({"PERSON"}) == Sensitivity.CONFIDENTIAL
    only_masked = Classification(dict(DEFAULT_SENSITIVITY), [[Finding("PERSON", 0, 1, 1.0)],
                                                             []], maskable=1)
    assert only_masked.residual({"PERSON"}) == Sensitivity.PUBLIC


def test_rule_can_turn_pseudonymisation_on_and_off() -> None:
    policy, _, _ = make(rules=[{"name": "mask", "when": {"teams": ["research"]},
                                "route": ["gpt"], "pseudonymize": True}],
                        privacy={"pseudonymize": {"teams": ["sales"]}})
    assert policy.decide(req(), ctx(found())).pseudonymize
    assert policy.decide(req(), ctx(found(), caller=Caller("k", "sales"))).pseudonymize
    assert not policy.decide(req(), ctx(found(), caller=Caller("k", "ops"))).pseudonymize


def test_embeddings_only_go_to_embedding_models() -> None:
    policy, _, _ = make()
    with pytest.raises(InvalidRequest):
        policy.decide(req("auto"), ctx(found(), kind="embedding"))
