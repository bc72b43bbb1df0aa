"""Dispatch is the only code that hands content to a model: every call of a generation,
embedding or rerank method in src/ is either in routing/dispatch.py or on an object known to
lead there (the gateway, knowledge's model dispatch, the functions they hand down)."""

from __future__ import annotations

import ast
from pathlib import Path

import homeport

SRC = Path(homeport.__file__).parent
MODEL_METHODS = {"stream", "embed", "rerank"}
CHOKE_POINT = "routing/dispatch.py"
# (file, called function) of calls that are not provider calls, and why
LEADS_TO_DISPATCH = {
    ("api/openai_routes.py", "rt.gateway.embed"),  # Gateway.embed -> Exchanges.embed
    ("gateway/service.py", "self.exchanges.embed"),  # Exchanges.embed -> dispatch.embed
    ("gateway/exchange.py", "dispatch.embed"),  # the module itself
    ("knowledge/service.py", "self.models.embed"),  # the gateway's KnowledgeDispatch
    ("knowledge/service.py", "self.models.rerank"),
    ("knowledge/ingest.py", "self.embed"),  # KnowledgeService.embed_texts
    ("knowledge/search.py", "self.embed"),  # KnowledgeService._embed_query
    # the embedded embedding model's encoder, on its own thread: nothing leaves the process
    ("routing/classifier.py", "self.embed"),
}


def _calls(path: Path) -> list[tuple[int, str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, ast.unparse(node.func.value), node.func.attr)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in MODEL_METHODS]


def _sources() -> list[tuple[str, Path]]:
    return [(path.relative_to(SRC).as_posix(), path) for path in sorted(SRC.rglob("*.py"))
            if "providers" not in path.relative_to(SRC).parts]  # providers' own internals


def test_only_dispatch_calls_models() -> None:
    outside = [f"{name}:{line} {receiver}.{method}()"
               for name, path in _sources() if name != CHOKE_POINT
               for line, receiver, method in _calls(path)
               if (name, f"{receiver}.{method}") not in LEADS_TO_DISPATCH]
    assert outside == [], "model calls outside routing/dispatch.py: " + ", ".join(outside)


def test_the_scan_sees_the_calls() -> None:
    """The scan would pass on a renamed method: the choke point's own calls must show, and
    every listed exception must still exist (a stale list hides nothing)."""
    found = {(name, f"{receiver}.{method}") for name, path in _sources()
             for _, receiver, method in _calls(path)}
    assert {m for _, _, m in _calls(SRC / CHOKE_POINT)} == MODEL_METHODS
    assert found >= LEADS_TO_DISPATCH, LEADS_TO_DISPATCH - found


def test_providers_stay_behind_the_registry() -> None:
    """Outside dispatch, nothing above providers/ calls into a provider it took from the
    registry (`registry.providers[...]`) to generate or embed."""
    for name, path in _sources():
        if name == CHOKE_POINT:
            continue
        for _, receiver, _ in _calls(path):
            assert "providers[" not in receiver and "provider" not in receiver.split(".")[-1], \
                f"{name}: {receiver}"
