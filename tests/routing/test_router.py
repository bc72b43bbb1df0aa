"""The router in-process: NER and the task assessment run only when they can matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeport.routing.classifier import Assessment
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.types import Caller, ChatRequest, Message, Sensitivity

CALLER = Caller("k", "team")


def runtime(tmp_path: Path, **routing: Any) -> tuple[Runtime, list[str]]:
    settings = Settings(
        data_dir=tmp_path, embedded={"embeddings": None},
        providers=[{"type": "openai", "name": "cloud", "base_url": "http://127.0.0.1:9/v1"}],
        models=[{"name": "gpt", "provider": "cloud"}], routing=routing)
    rt = Runtime(settings)
    assessed: list[str] = []

    async def assess(text: str) -> Assessment:
        assessed.append(text)
        return Assessment("code", 0.9, 0.7)

    rt.router.assess = assess
    return rt, assessed


def ask(model: str, text: str) -> ChatRequest:
    return ChatRequest(model=model, messages=[Message("system", "Be brief."),
                                              Message("user", text)])


async def test_ner_is_skipped_when_the_route_is_local_anyway(tmp_path: Path) -> None:
    rt, _ = runtime(tmp_path)
    routing = await rt.router.route(ask("local", "Call Dr. Amelia Watson today."), CALLER, "chat")
    assert routing.ner == "skipped"
    assert routing.context.sensitivity == Sensitivity.PUBLIC  # nothing looked for names


async def test_ner_runs_when_the_content_could_go_to_the_cloud(tmp_path: Path) -> None:
    rt, _ = runtime(tmp_path)
    routing = await rt.router.route(ask("gpt", "Call Dr. Amelia Watson today."), CALLER, "chat")
    assert routing.ner == "ran"
    assert "PERSON" in routing.context.privacy.entity_types  # type: ignore[union-attr]
    assert [t.served_as for t in routing.decision.candidates] == ["gpt", "local"]
    plain = await rt.router.route(ask("gpt", "What is 2 + 2?"), CALLER, "chat")
    assert plain.ner == "ran" and [t.served_as for t in plain.decision.candidates] == ["gpt"]


async def test_ner_is_skipped_when_patterns_already_keep_it_local(tmp_path: Path) -> None:
    rt, _ = runtime(tmp_path)
    routing = await rt.router.route(ask("gpt", "Card 4111 1111 1111 1111, Amelia Watson."),
                                    CALLER, "chat")
    assert routing.ner == "skipped"
    assert [t.served_as for t in routing.decision.candidates] == ["gpt", "local"]


async def test_the_task_is_assessed_only_when_a_rule_needs_it(tmp_path: Path) -> None:
    rt, assessed = runtime(tmp_path, rules=[
        {"name": "secrets", "when": {"entities": ["CREDIT_CARD"]}, "route": ["local"]},
        {"name": "code", "when": {"models": ["auto"], "tasks": ["code"]}, "route": ["gpt"]}])
    r = await rt.router.route(ask("auto", "Card 4111 1111 1111 1111."), CALLER, "chat")
    assert r.decision.rule == "secrets" and assessed == []
    r = await rt.router.route(ask("gpt", "Sort a list in Python."), CALLER, "chat")
    assert r.decision.rule == "requested-model" and assessed == []
    r = await rt.router.route(ask("auto", "Sort a list in Python."), CALLER, "chat")
    assert r.decision.rule == "code" and assessed == ["Sort a list in Python."]
    full = await rt.router.route(ask("gpt", "Hi"), CALLER, "chat", full=True)
    assert full.context.assessment is not None and full.ner == "ran"
