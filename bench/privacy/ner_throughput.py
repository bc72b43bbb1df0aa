"""NER throughput under concurrency: texts/s, latency, CPU cores and memory.

    .venv/bin/python bench/privacy/ner_throughput.py                 # every config, 3 rounds
    .venv/bin/python bench/privacy/ner_throughput.py --configs batch,pool2 --rounds 5
    .venv/bin/python bench/privacy/ner_throughput.py --quick          # 1 round, short cells

`c` caller threads (c = 1, 4, 16; the router runs NER in worker threads the same way, with
`asyncio.to_thread(scanner.add_ner, ...)`) each call `Scanner.add_ner` on fresh texts until a
cell's time is up. Every text is unique (a running reference number) and the content cache
is off (`scan_cache_texts=0`), so each call runs NER. Two workloads: `short` (~40-word
prompts) and `long` (~1,000-token prompts), half of each with names and places in them.

Each (round, config) runs in a process of its own (fresh model load, clean memory figures);
configs run interleaved, in a rotated order each round, because the machine is shared: the
figures reported are medians over rounds, with the load average seen during each round.
Cores: CPU seconds (this process and its children, i.e. NER worker processes) per wall
second. RSS: this process plus its children, at the end of the cell (MiB). `--interleaved`
loads every config in one process and alternates them cell by cell (seconds apart rather
than minutes: the fairest comparison on a shared machine; its memory columns are the sum
of all configs, so take memory from the default mode).

Configs: `lock` emulates the code before batching (spaCy called one text at a time behind a
lock, post-processing in the callers' threads); `batch` is `ner_workers: 0` (one thread
owns spaCy and runs what callers queued together with `nlp.pipe`); `poolN` is
`ner_workers: N` (N spaCy processes; `poolNx1`: the same, each text sent on its own,
unbatched). `--check` (round 1) also compares every config's
findings on the same texts, called concurrently, with `lock`'s. Results go to
bench/privacy/results/ner_throughput.json (git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from filler import prose  # noqa: E402
from identities import CITIES, NAMES, name_variant, person  # noqa: E402

CONFIGS = ("lock", "batch", "pool1", "pool2")
LEVELS = (1, 4, 16)
WORKLOADS = {"short": 45, "long": 1000}  # prose tokens (about 5 characters each)
RESULTS = HERE / "results" / "ner_throughput.json"


# ---------------------------------------------------------------- texts


def text(workload: str, i: int) -> str:
    """The i-th text of a workload: unique, and with names in every other one."""
    r = random.Random(i * 7919 + len(workload))
    body = prose(WORKLOADS[workload], seed=i)
    ref = f"Reference {i:07d}-{r.randrange(10**6):06d}."
    if i % 2:
        return f"{ref} {body}"
    sentences = body.split(". ")
    for _ in range(1 if workload == "short" else 6):
        p, q = person(r), person(r)
        at = r.randrange(len(sentences) + 1)
        sentences.insert(at, f"Please ask {name_variant(r, p)} to call {q.full} in "
                             f"{r.choice(CITIES)} about it")
    return f"{ref} {'. '.join(sentences)}"


assert len(NAMES) > 5  # identities loaded


# ---------------------------------------------------------------- one config, in its own process


class _LockedSpacy:
    """The code before batching: spaCy called on one piece at a time, behind a lock."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self._lock = threading.Lock()

    def submit(self, piece: str) -> Future[Any]:
        from homeport.privacy.ner_pool import entities

        done: Future[Any] = Future()
        with self._lock:
            done.set_result(entities(self._nlp(piece)))
        return done

    def close(self) -> None:
        pass


def scanner_for(config: str) -> Any:
    from homeport.privacy.scanner import Scanner
    from homeport.settings import PrivacyConfig

    if config == "current":  # whatever the checked-out code does by default
        return Scanner(PrivacyConfig(scan_cache_texts=0))
    pool, _, most = config.removeprefix("pool").partition("x")
    workers = int(pool) if config.startswith("pool") else 0
    scanner = Scanner(PrivacyConfig(scan_cache_texts=0, ner_workers=workers))
    if config == "lock":
        detector = scanner.ner()
        detector._engine.close()
        detector._engine = _LockedSpacy(detector._nlp)
    elif most:  # poolNxM: batches of at most M texts (x1: each text on its own)
        scanner.ner()._pool.batcher.max_items = int(most)
    return scanner


def _cpu(procs: dict[int, Any]) -> float:
    total = 0.0
    for p in procs.values():
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except Exception:  # a child that exited
            pass
    return total


def _procs() -> dict[int, Any]:
    import psutil

    me = psutil.Process()
    return {p.pid: p for p in [me, *me.children(recursive=True)]}


def _memory(procs: dict[int, Any]) -> tuple[float, float]:
    rss = pss = 0.0
    for p in procs.values():
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except Exception:
            pass
    return rss / 2**20, pss / 2**20


def cell(scanner: Any, workload: str, c: int, seconds: float, first: int) -> dict[str, Any]:
    """c callers calling add_ner on fresh texts for `seconds`."""
    from homeport.privacy.scanner import Classification

    counter = itertools.count(first)
    latencies: list[float] = []
    lock = threading.Lock()
    procs = _procs()
    start = time.perf_counter()
    deadline = start + seconds
    cpu0 = _cpu(procs)
    last_done = [start]

    def caller() -> None:
        mine = []
        while time.perf_counter() < deadline:
            t = text(workload, next(counter))
            c0 = Classification(scanner.levels, [[]])
            t0 = time.perf_counter()
            scanner.add_ner(c0, [t])
            t1 = time.perf_counter()
            mine.append(t1 - t0)
        with lock:
            latencies.extend(mine)
            last_done[0] = max(last_done[0], time.perf_counter())

    threads = [threading.Thread(target=caller) for _ in range(c)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = last_done[0] - start
    cpu = _cpu(procs) - cpu0
    rss, pss = _memory(_procs())
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 \
        else [latencies[0]] * 99
    return {"workload": workload, "c": c, "texts": len(latencies),
            "texts_s": len(latencies) / wall, "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000,
            "cores": cpu / wall, "rss_mib": rss, "pss_mib": pss,
            "load1": os.getloadavg()[0]}


def check_texts() -> list[str]:
    from dataset import build

    sentences = [s.text for s in build(per_domain=60)]
    return sentences + [text("long", i) for i in range(12)] + [text("short", i) for i in range(40)]


def findings_digest(scanner: Any, texts: list[str], c: int) -> str:
    """A digest of every text's NER findings, computed by `c` concurrent callers."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(c) as pool:
        found = list(pool.map(scanner.ner_findings, texts))
    return hashlib.sha256(repr(found).encode()).hexdigest()[:16]


def run_one(config: str, seconds: dict[str, float], check: bool) -> dict[str, Any]:
    import psutil

    t0 = time.perf_counter()
    scanner = scanner_for(config)
    scanner.ner()
    load_s = time.perf_counter() - t0
    rss_idle, pss_idle = _memory(_procs())
    out: dict[str, Any] = {"config": config, "load_s": load_s, "rss_idle_mib": rss_idle,
                           "pss_idle_mib": pss_idle, "cpus": psutil.cpu_count(),
                           "cells": []}
    if check:
        texts = check_texts()
        out["digest_serial"] = findings_digest(scanner, texts, 1)
        out["digest_c16"] = findings_digest(scanner, texts, 16)
    for i in range(8):  # warm-up
        scanner.ner_findings(text("short", 10**8 + i))
    first = 0
    for workload, secs in seconds.items():
        for c in LEVELS:
            out["cells"].append(cell(scanner, workload, c, secs, first))
            first += 10**6
    t1 = time.perf_counter()
    scanner.close() if hasattr(scanner, "close") else None
    out["close_s"] = time.perf_counter() - t1
    return out


def interleaved(configs: list[str], seconds: dict[str, float],
                rounds: int) -> list[dict[str, Any]]:
    """Every config loaded in this process; each cell (workload, c) run for each config in
    turn, in a rotated order, `rounds` times: configs seconds apart see the same load."""
    scanners = {}
    runs = []
    for config in configs:
        t0 = time.perf_counter()
        scanners[config] = scanner_for(config)
        scanners[config].ner()
        runs.append({"config": config, "load_s": time.perf_counter() - t0, "cells": [],
                     "rss_idle_mib": 0.0, "pss_idle_mib": 0.0, "close_s": 0.0,
                     "cpus": os.cpu_count()})
        for i in range(8):
            scanners[config].ner_findings(text("short", 10**8 + i))
    first = 0
    for r in range(rounds):
        for workload, secs in seconds.items():
            for c in LEVELS:
                k = (r + c) % len(configs)
                for run in runs[k:] + runs[:k]:
                    run["cells"].append(cell(scanners[run["config"]], workload, c, secs,
                                             first))
                    first += 10**5
        print(f"round {r + 1}: load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    for scanner in scanners.values():
        scanner.close()
    return runs


# ---------------------------------------------------------------- rounds, in the parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--short-s", type=float, default=4.0, help="seconds per short cell")
    ap.add_argument("--long-s", type=float, default=8.0, help="seconds per long cell")
    ap.add_argument("--quick", action="store_true", help="1 round, 2 s / 4 s cells")
    ap.add_argument("--check", action="store_true", help="compare findings (round 1)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--interleaved", action="store_true",
                    help="every config in this one process, alternating cell by cell")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.short_s, args.long_s = 1, 2.0, 4.0
    seconds = {"short": args.short_s, "long": args.long_s}
    if args.one:
        print(json.dumps(run_one(args.one, seconds, args.check)))
        return
    configs = args.configs.split(",")
    if args.interleaved:
        runs = interleaved(configs, seconds, args.rounds)
        report(runs, configs)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"runs": runs}, indent=1))
        return
    runs: list[dict[str, Any]] = []
    for r in range(args.rounds):
        order = configs[r % len(configs):] + configs[: r % len(configs)]
        for config in order:
            load = os.getloadavg()[0]
            cmd = [sys.executable, __file__, "--one", config, "--short-s", str(args.short_s),
                   "--long-s", str(args.long_s), *(["--check"] if args.check and r == 0 else [])]
            res = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if res.returncode:
                print(res.stderr, file=sys.stderr)
                raise SystemExit(f"{config} failed")
            one = json.loads(res.stdout.strip().splitlines()[-1])
            one.update(round=r, load_before=load, load_after=os.getloadavg()[0])
            runs.append(one)
            print(f"round {r + 1} {config}: load {load:.2f} -> {one['load_after']:.2f}, "
                  f"model load {one['load_s']:.2f}s, "
                  + ", ".join(f"{x['workload']}@{x['c']} {x['texts_s']:.1f}/s"
                              for x in one["cells"]), file=sys.stderr)
    report(runs, configs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": runs}, indent=1))


def report(runs: list[dict[str, Any]], configs: list[str]) -> None:
    med = statistics.median
    loads = [x["load1"] for r in runs for x in r["cells"]]
    print(f"{len(runs)} runs; load average (1 min) during cells: median {med(loads):.2f}, "
          f"range {min(loads):.2f}-{max(loads):.2f}; {runs[0]['cpus']} CPUs\n")
    print("| config | workload | c | texts/s | best round | p50 ms | p99 ms | cores "
          "| CPU ms/text | RSS MiB | PSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workload in WORKLOADS:
        for c in LEVELS:
            for config in configs:
                cells = [x for r in runs if r["config"] == config for x in r["cells"]
                         if x["workload"] == workload and x["c"] == c]
                if not cells:
                    continue
                print(f"| {config} | {workload} | {c} | "
                      f"{med(x['texts_s'] for x in cells):.1f} | "
                      f"{max(x['texts_s'] for x in cells):.1f} | "
                      f"{med(x['p50_ms'] for x in cells):.1f} | "
                      f"{med(x['p99_ms'] for x in cells):.1f} | "
                      f"{med(x['cores'] for x in cells):.2f} | "
                      f"{med(1000 * x['cores'] / x['texts_s'] for x in cells):.1f} | "
                      f"{med(x['rss_mib'] for x in cells):.0f} | "
                      f"{med(x['pss_mib'] for x in cells):.0f} |")
    print("\n| config | model load s | idle RSS MiB | idle PSS MiB | close s | findings |")
    print("|---|---:|---:|---:|---:|---|")
    reference = next((r.get("digest_serial") for r in runs
                      if r["config"] in ("lock", "current") and "digest_serial" in r), None)
    for config in configs:
        rs = [r for r in runs if r["config"] == config]
        digests = {r[k] for r in rs for k in ("digest_serial", "digest_c16") if k in r}
        same = "not checked" if not digests else \
            ("same as lock" if digests == {reference} else f"DIFFERENT {sorted(digests)}")
        print(f"| {config} | {med(r['load_s'] for r in rs):.2f} | "
              f"{med(r['rss_idle_mib'] for r in rs):.0f} | "
              f"{med(r['pss_idle_mib'] for r in rs):.0f} | "
              f"{med(r['close_s'] for r in rs):.2f} | {same} |")


if __name__ == "__main__":
    main()
