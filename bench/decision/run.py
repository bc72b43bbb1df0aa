"""Routing decision latency: `await router.route(req, caller, "chat")`, data scan included.

    .venv/bin/python bench/decision/run.py [--scale 1.0] [--json out.json]

Runtime(settings) is built as `homeport serve` builds it (temp data_dir) but never started: no
llama weights load and nothing is sent (cloud providers point at an unreachable base_url). The
NER model is loaded before timing, as Runtime._warm_router does at start; the task assessor's
embedder is started with runtime.start_assessor() for the task-rule section only. Each call is
timed with perf_counter_ns around the await, on one event loop, GC as normal, after warm-up;
requests cycle through four domains (prompts.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from prompts import DOMAINS, SYSTEM, VARIANTS, prompt  # noqa: E402

from homeport.privacy.scanner import Classification, request_texts  # noqa: E402
from homeport.routing.policy import RoutingContext  # noqa: E402
from homeport.runtime import Runtime  # noqa: E402
from homeport.settings import Settings  # noqa: E402
from homeport.types import Caller, ChatRequest, Message  # noqa: E402

SIZES = {"short": "~100 tok", "long": "~1,000 tok"}
CLOUD_MODELS = ["gpt-4o-mini", "gpt-4o"]
UNREACHABLE = "http://127.0.0.1:9/v1"  # discard port: nothing is ever sent in this benchmark


@dataclass(frozen=True)
class Scenario:
    name: str
    model: str
    team: str


SCENARIOS = (
    Scenario("auto -> local (auto-small)", "auto", "eng"),
    Scenario("team rule -> local", "gpt-4o", "clinical"),
    Scenario("cloud model", "gpt-4o-mini", "eng"),
    Scenario("cloud model, pseudonymised team", "gpt-4o-mini", "legal"),
)

TASK_RULE = {"name": "code-to-cloud", "when": {"models": ["auto"], "tasks": ["code", "reasoning"],
                                               "max_sensitivity": "internal"},
             "route": ["gpt-4o"]}


def make_settings(data_dir: Path, ner: str, task_rule: bool = False) -> Settings:
    """A realistic config: embedded local model (not started), two cloud deployments, rules."""
    rules: list[dict[str, Any]] = [
        {"name": "restricted-local", "when": {"min_sensitivity": "restricted"},
         "route": ["local"]},
        {"name": "clinical-local", "when": {"teams": ["clinical"]}, "route": ["local"]},
        {"name": "legal-masked", "when": {"teams": ["legal"], "models": CLOUD_MODELS},
         "route": ["requested"], "pseudonymize": True},
        {"name": "pii-eu", "when": {"entities": ["PERSON", "EMAIL", "PHONE", "ADDRESS",
                                                 "DATE_OF_BIRTH"], "models": CLOUD_MODELS},
         "route": ["gpt-4o-eu", "local"]},
        *([TASK_RULE] if task_rule else []),
        {"name": "auto-small", "when": {"models": ["auto"], "max_prompt_tokens": 3000},
         "route": ["local"]},
        {"name": "auto-large", "when": {"models": ["auto"]}, "route": ["gpt-4o-mini"]},
    ]
    return Settings(
        data_dir=data_dir,
        providers=[
            {"type": "openai", "name": "openai", "base_url": UNREACHABLE, "api_key": "unused"},
            {"type": "openai", "name": "azure-eu", "base_url": UNREACHABLE, "api_key": "unused",
             "clearance": "confidential", "region": "eu-west-1"},
        ],
        models=[
            {"name": "gpt-4o-mini", "provider": "openai", "fallbacks": ["gpt-4o-eu"]},
            {"name": "gpt-4o", "provider": "openai", "fallbacks": ["gpt-4o-eu"]},
            {"name": "gpt-4o-eu", "provider": "azure-eu", "upstream_model": "gpt-4o"},
        ],
        # the scan cache is off: every timed request is scanned in full, as a first sight is
        # (the conversation figures of bench/gateway show what the cache saves)
        privacy={"ner": ner, "team_sensitivity": {"clinical": "confidential"},
                 "pseudonymize": {"teams": ["legal"]}, "scan_cache_texts": 0},
        routing={"rules": rules, "overflow": {"to": ["gpt-4o-mini"], "max_pending": 4}},
    )


def request(model: str, domain: str, size: str, variant: str) -> ChatRequest:
    return ChatRequest(model=model, messages=[Message("system", SYSTEM),
                                              Message("user", prompt(domain, size, variant))])


def caller(team: str) -> Caller:
    return Caller(key_id="bench", team=team)


# -- statistics and timing -----------------------------------------------------------------------


@dataclass
class Samples:
    """Per call: wall time, and the process's CPU time (all threads; immune to preemption)."""

    wall: list[int] = field(default_factory=list)
    cpu: list[int] = field(default_factory=list)


@dataclass
class Row:
    label: str
    size: str
    samples: Samples
    note: str = ""

    def stats(self) -> dict[str, float]:
        wall, cpu = np.array(self.samples.wall) / 1e6, np.array(self.samples.cpu) / 1e6
        return {"n": len(wall), **{f"p{q}": float(np.percentile(wall, q)) for q in (50, 95, 99)},
                "max": float(wall.max()), "cpu_p50": float(np.percentile(cpu, 50)),
                "cpu_p99": float(np.percentile(cpu, 99))}


async def time_route(rt: Runtime, cases: list[tuple[ChatRequest, Caller]], n: int,
                     warm: int) -> tuple[Samples, Counter[str], Counter[str]]:
    """Time router.route per call, and count how often NER ran and which rule decided."""
    route = rt.router.route
    for i in range(warm):
        req, who = cases[i % len(cases)]
        await route(req, who, "chat")
    out = Samples()
    ner: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for i in range(n):
        req, who = cases[i % len(cases)]
        c0, t0 = time.process_time_ns(), time.perf_counter_ns()
        r = await route(req, who, "chat")
        out.wall.append(time.perf_counter_ns() - t0)
        out.cpu.append(time.process_time_ns() - c0)
        ner[r.ner] += 1
        rules[r.decision.rule] += 1
    return out, ner, rules


def time_sync(fn: Callable[[int], object], n: int, warm: int) -> Samples:
    for i in range(warm):
        fn(i)
    out = Samples()
    for i in range(n):
        c0, t0 = time.process_time_ns(), time.perf_counter_ns()
        fn(i)
        out.wall.append(time.perf_counter_ns() - t0)
        out.cpu.append(time.process_time_ns() - c0)
    return out


def summary(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v * 100 // sum(counter.values())}%" for k, v in counter.most_common())


# -- sections ------------------------------------------------------------------------------------


async def route_rows(rt: Runtime, mode: str, scenarios: Iterable[Scenario],
                     variants: Iterable[str], fast: int, slow: dict[str, int]) -> list[Row]:
    rows = []
    for sc in scenarios:
        for variant in variants:
            for size in SIZES:
                cases = [(request(sc.model, d, size, variant), caller(sc.team)) for d in DOMAINS]
                probe = await rt.router.route(*cases[0], "chat")
                n = slow[size] if probe.ner == "ran" else fast
                got, ner, rules = await time_route(rt, cases, n, warm=max(20, n // 10))
                rows.append(Row(f"ner={mode}: {sc.name}, {variant}", size, got,
                                f"ner {summary(ner)}; rule {summary(rules)}"))
    return rows


def breakdown_rows(rt: Runtime, fast: int, slow: dict[str, int]) -> list[Row]:
    """The parts of one decision, timed alone (synchronously, on the calling thread)."""
    rows: list[Row] = []
    scanner, policy, router = rt.scanner, rt.policy, rt.router
    loads = {n: p.load() for n, p in rt.registry.providers.items()}
    for size in SIZES:
        for variant in VARIANTS:
            texts = [request_texts(request("auto", d, size, variant)) for d in DOMAINS]

            def scan(i: int, texts: list[list[str]] = texts) -> object:
                return scanner.classify(texts[i % 4], team="eng")

            rows.append(Row(f"scan (patterns): scanner.classify, {variant}", size,
                            time_sync(scan, fast, 200)))
        cases: list[tuple[ChatRequest, RoutingContext]] = []
        for sc in SCENARIOS:
            who = caller(sc.team)
            for variant in VARIANTS:
                for d in DOMAINS:
                    req = request(sc.model, d, size, variant)
                    req_texts = request_texts(req)
                    cases.append((req, RoutingContext(
                        who, "chat", loads, privacy=scanner.classify(req_texts, team=who.team),
                        prompt_tokens=sum(len(t) for t in req_texts) // 4,
                        budget_remaining=router.budget_remaining(who),
                        complexity_threshold=router.complexity_threshold or 0.5)))

        def decide(i: int, cases: list[tuple[ChatRequest, RoutingContext]] = cases) -> object:
            return policy.decide(*cases[i % len(cases)])

        rows.append(Row("policy.decide alone (4 scenarios x 3 variants)", size,
                        time_sync(decide, fast, 200)))
        clean = [request_texts(request("auto", d, size, "clean")) for d in DOMAINS]
        found = [scanner.classify(t) for t in clean]

        def ner(i: int, clean: list[list[str]] = clean,
                found: list[Classification] = found) -> object:
            return scanner.add_ner(found[i % 4], clean[i % 4])

        rows.append(Row("NER alone: scanner.add_ner (sync, no thread hop), clean", size,
                        time_sync(ner, slow[size], 10)))
    return rows


async def assessor_rows(data_dir: Path, fast: int, slow: dict[str, int]
                        ) -> tuple[list[Row], float]:
    rt = Runtime(make_settings(data_dir, "never", task_rule=True))
    t0 = time.perf_counter()
    assessor = await rt.start_assessor()
    started = time.perf_counter() - t0
    assert assessor is not None
    rows: list[Row] = []
    for size in SIZES:
        texts = [prompt(d, size, "clean") for d in DOMAINS]
        for t in texts:
            await assessor(t)
        alone = Samples()
        for i in range(slow[size]):
            c0, t0 = time.process_time_ns(), time.perf_counter_ns()
            await assessor(texts[i % 4])
            alone.wall.append(time.perf_counter_ns() - t0)
            alone.cpu.append(time.process_time_ns() - c0)
        rows.append(Row("assessor alone: await runtime.assessor(text)", size, alone))
        # auto + restricted: restricted-local (before the task rule) decides, whatever the task
        for sc, variant, n in ((SCENARIOS[0], "clean", slow[size]),
                               (SCENARIOS[0], "restricted", slow[size]),
                               (SCENARIOS[2], "clean", fast)):
            cases = [(request(sc.model, d, size, variant), caller(sc.team)) for d in DOMAINS]
            probe = await rt.router.route(*cases[0], "chat")
            embeds = "embeds" if probe.context.assessment is not None else "no embedding"
            got, _, rules = await time_route(rt, cases, n, warm=max(20, n // 10))
            rows.append(Row(f"ner=never + task rule: {sc.name}, {variant} ({embeds})", size,
                            got, f"rule {summary(rules)}"))
    await rt.stop()
    return rows, started


# -- report --------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    labels = list(dict.fromkeys(r.label for r in rows))
    by = {(r.label, r.size): r for r in rows}
    head = ["case", *(f"{SIZES[s]} {q}" for s in SIZES
                      for q in ("p50", "p95", "p99", "max", "cpu p50/p99")), "n", "what happened"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label in labels:
        cells, notes, ns = [label], [], []
        for size in SIZES:
            row = by.get((label, size))
            if row is None:
                cells += ["-"] * 5
                continue
            s = row.stats()
            cells += [*(f"{s[q]:.3f}" for q in ("p50", "p95", "p99", "max")),
                      f"{s['cpu_p50']:.3f} / {s['cpu_p99']:.3f}"]
            ns.append(str(s["n"]))
            if row.note and row.note not in notes:
                notes.append(row.note)
        lines.append("| " + " | ".join([*cells, "/".join(ns), " / ".join(notes)]) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    return (f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {cpu}, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
            f"load average {os.getloadavg()[0]:.2f}")


def code_state() -> str:
    """The commit measured, and the src/ files that differ from it (others edit in parallel)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True,
                              check=False).stdout.rstrip("\n")

    dirty = [line[3:] for line in git("status", "--porcelain", "--", "../../src").splitlines()]
    return f"commit {git('rev-parse', '--short', 'HEAD') or '?'}" + (
        f", src/ changes not committed: {', '.join(dirty)}" if dirty else ", src/ clean")


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply iteration counts")
    ap.add_argument("--json", type=Path, help="also write every row's stats here")
    args = ap.parse_args()
    fast = int(1500 * args.scale)  # calls without NER or embedding (sub-millisecond)
    slow = {"short": int(100 * args.scale), "long": int(40 * args.scale)}  # with NER/embedding
    started = time.perf_counter()
    print(f"machine: {machine()}\ncode: {code_state()}\n")
    rows: list[Row] = []
    extra: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="homeport-bench-") as tmp:
        for mode in ("never", "auto", "always"):
            t0 = time.perf_counter()
            rt = Runtime(make_settings(Path(tmp) / mode, mode))
            built = time.perf_counter() - t0
            if mode != "never":
                t0 = time.perf_counter()
                await asyncio.to_thread(rt.scanner.ner)  # as Runtime._warm_router does
                print(f"ner={mode}: Runtime() {built * 1000:.0f} ms, NER load "
                      f"{time.perf_counter() - t0:.1f} s")
            if mode == "always":  # NER's cost does not depend on the route: one scenario
                rows += await route_rows(rt, mode, SCENARIOS[2:3], VARIANTS[:2], fast, slow)
            else:
                rows += await route_rows(rt, mode, SCENARIOS, VARIANTS, fast, slow)
            if mode == "always":
                extra += breakdown_rows(rt, fast, slow)
            await rt.stop()
        assess, assessor_start = await assessor_rows(Path(tmp) / "assess", fast, slow)
    print(f"assessor start (embedder load + seed embeddings): {assessor_start:.1f} s\n")
    print("## router.route, ms\n")
    print(table(rows))
    print("\n## parts, ms\n")
    print(table(extra))
    print("\n## task assessment (rules on task type), ms\n")
    print(table(assess))
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s, load average at the end "
          f"{os.getloadavg()[0]:.2f}")
    if args.json:
        table_rows = [{"case": r.label, "size": r.size, **r.stats(), "note": r.note}
                      for r in rows + extra + assess]
        args.json.write_text(json.dumps({"machine": machine(), "code": code_state(),
                                         "rows": table_rows}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
