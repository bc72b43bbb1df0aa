"""Imports point down only: no circle between top-level packages of src/homeport, and the front
doors (api, web, cli) are imported only by the app factory above them (and __main__)."""

from __future__ import annotations

import ast
from pathlib import Path

import homeport

PKG = Path(homeport.__file__).parent
FRONT_DOORS = {"api": {"app", "__main__"}, "web": {"app", "__main__"}, "cli": {"__main__"}}


def _unit(path: Path) -> str:
    return path.relative_to(PKG).parts[0].removesuffix(".py")


def _graph() -> dict[str, set[str]]:
    """unit -> the units it imports (lazy imports inside functions included)."""
    edges: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        unit = _unit(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level \
                else []
            for name in names:
                parts = name.split(".")
                if parts[0] == "homeport" and len(parts) > 1 and parts[1] != unit:
                    edges.setdefault(unit, set()).add(parts[1])
    return edges


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(edges.get(start, ()))
    while todo:
        unit = todo.pop()
        if unit == goal:
            return True
        if unit not in seen:
            seen.add(unit)
            todo.extend(edges.get(unit, ()))
    return False


def test_no_circles_between_packages() -> None:
    edges = _graph()
    circles = sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets
                     if _reaches(edges, b, a))
    assert circles == [], "imports that close a circle: " + ", ".join(circles)


def test_front_doors_are_imported_from_above_only() -> None:
    edges = _graph()
    wrong = sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets
                   if b in FRONT_DOORS and a not in FRONT_DOORS[b])
    assert wrong == [], "front doors imported from below: " + ", ".join(wrong)


def test_the_graph_is_read() -> None:
    """Both checks would pass on an empty graph."""
    edges = _graph()
    assert "gateway" in edges["api"] and "routing" in edges["gateway"]
