"""Retrieval quality of Homeport's knowledge search: BM25, dense and hybrid on the Debian FAQ.

    .venv/bin/python bench/retrieval/corpus.py        # once: builds bench/retrieval/data
    nice .venv/bin/python bench/retrieval/run.py      # masked variant, default chunks, sweeps
    nice .venv/bin/python bench/retrieval/run.py --variant verbatim
    nice .venv/bin/python bench/retrieval/run.py --chunks 256:32,192:32,128:16 --no-sweep

Ingests the corpus (cached: see common.py) and asks every question of questions.jsonl:

1. The three modes through the real API (`KnowledgeService.search`, default weights):
   recall@1/5/10 and MRR@10.
2. A sweep of the fusion settings (lexical weight with dense weight 1.0, candidates per
   list) computed from the store's own ranked lists (`store.lexical`, `store.dense`,
   `store.titled`) fused with `search.fuse`, exactly what `Searcher.search` does (checked
   against the API's results for the default weights).
3. Two-fold cross-validation: the weights are chosen on one half of the questions and
   scored on the other, over several random splits.
4. Diagnostics: how often BM25 and dense find the answer (@5) alone or together, and
   where the first relevant chunk of each list sits.

A chunk is relevant when its body (Passage.text, the heading line excluded) is made of the
question's gold answer (metrics.relevant; DATASET.md). Results: results/run-<variant>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    HERE,
    KB,
    VARIANTS,
    cached_kb,
    caller,
    kb_chunks,
    machine,
    prepare_docs,
    questions,
    start,
    table,
)
from metrics import mrr_at, recall_at, relevant, summarise

RESULTS = HERE / "results"
K = 10
LEXICAL_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0)
CANDIDATES = (10, 20, 30, 50, 100, 200)
RRF_KS = (10, 30, 60, 100)
ALPHAS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7)
SPLITS = 10
Ranked = list[tuple[int, float]]


@dataclass
class Lists:
    """One question's ranked lists from the store, per `candidates` value."""

    lexical: dict[int, Ranked] = field(default_factory=dict)
    dense: dict[int, Ranked] = field(default_factory=dict)
    titled: Ranked = field(default_factory=list)


class Judge:
    """Relevance of a chunk to a question, from the chunk bodies held in memory."""

    def __init__(self, bodies: dict[int, str], qs: list[dict[str, Any]]):
        self.bodies = bodies
        self.answers = [q["answer"] for q in qs]
        self.cache: dict[tuple[int, int], bool] = {}

    def __call__(self, qi: int, chunk_id: int) -> bool:
        key = (qi, chunk_id)
        if key not in self.cache:
            # "›" + blank line: metrics.body() then judges exactly Passage.text, the body.
            self.cache[key] = relevant("›\n\n" + self.bodies[chunk_id], self.answers[qi])
        return self.cache[key]

    def ranked(self, qi: int, ids: list[int]) -> list[bool]:
        return [self(qi, i) for i in ids[:K]]


def paired_ci(a: list[bool], b: list[bool], rounds: int = 10_000,
              seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of mean(a) - mean(b) over the same questions."""
    rng = random.Random(seed)
    diff = [int(x) - int(y) for x, y in zip(a, b, strict=True)]
    n = len(diff)
    means = sorted(sum(rng.choices(diff, k=n)) / n for _ in range(rounds))
    return means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]


def fuse(lists: list[tuple[float, Ranked]], rrf_k: int = 60) -> list[int]:
    """search.fuse with a free RRF constant (search.RRF_K is 60)."""
    scores: dict[int, float] = {}
    for weight, ranked in lists:
        for rank, (chunk_id, _) in enumerate(ranked, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return [i for i, _ in sorted(scores.items(), key=lambda item: -item[1])]


def hybrid_ids(lists: Lists, lexical_w: float, dense_w: float, title_w: float,
               candidates: int, query: str, rrf_k: int = 60) -> list[int]:
    """What Searcher.search returns in hybrid mode (without a reranker)."""
    from homeport.knowledge.search import is_identifier

    boost = 2.0 if is_identifier(query) else 1.0
    return fuse([(lexical_w * boost, lists.lexical[candidates]), (title_w, lists.titled),
                 (dense_w, lists.dense[candidates])], rrf_k)[:K]


def score_rows(per_query: list[list[bool]]) -> list[float]:
    s = summarise(per_query)
    return [s["recall@1"], s["recall@5"], s["recall@10"], s["mrr@10"]]


METRIC_HEADER = ["recall@1", "recall@5", "recall@10", "MRR@10"]


async def evaluate(rt: Any, qs: list[dict[str, Any]], sweep: bool,
                   log: Callable[[str], None]) -> dict[str, Any]:
    svc = rt.knowledge
    store = svc.store
    kb = store.get(KB)
    bodies = {cid: text for cid, _, text in kb_chunks(rt)}
    judge = Judge(bodies, qs)
    w = svc.searcher.weights
    out: dict[str, Any] = {"chunks": len(bodies), "weights": [w.lexical, w.dense, w.title,
                                                             w.candidates]}

    # 1. The API, default weights.
    api: dict[str, list[list[int]]] = {}
    api_ms: dict[str, list[float]] = {}
    for mode in ("bm25", "dense", "hybrid"):
        api[mode], api_ms[mode] = [], []
        for q in qs:
            t = time.perf_counter()
            r = await svc.search(caller(), [KB], q["query"], K, mode)
            api_ms[mode].append((time.perf_counter() - t) * 1000)
            api[mode].append([p.chunk_id for p in r.passages])
    rows = {m: score_rows([judge.ranked(i, ids) for i, ids in enumerate(api[m])]) for m in api}
    out["modes"] = rows
    out["api_ms_p50"] = {m: statistics.median(v) for m, v in api_ms.items()}
    log(f"\n### Search modes through the API (weights lexical {w.lexical}, dense {w.dense}, "
        f"title {w.title}, candidates {w.candidates}; {len(qs)} questions, "
        f"{len(bodies)} chunks)\n")
    log(table(["mode", *METRIC_HEADER], [[m, *v] for m, v in rows.items()]))
    best_single = max(rows["bm25"][1], rows["dense"][1])
    log(f"\nhybrid recall@5 - best single mode: {rows['hybrid'][1] - best_single:+.3f} "
        "(target >= +0.05)")
    hit = {m: [recall_at(judge.ranked(i, ids), 5) > 0 for i, ids in enumerate(api[m])]
           for m in api}
    gains = sum(h and not d for h, d in zip(hit["hybrid"], hit["dense"], strict=True))
    losses = sum(d and not h for h, d in zip(hit["hybrid"], hit["dense"], strict=True))
    lo, hi = paired_ci(hit["hybrid"], hit["dense"])
    out["hybrid_vs_dense"] = {"gains": gains, "losses": losses, "ci95": [lo, hi]}
    log(f"hybrid vs dense @5: {gains} questions gained, {losses} lost; recall@5 difference "
        f"{(gains - losses) / len(qs):+.3f}, 95% CI [{lo:+.3f}, {hi:+.3f}] (paired bootstrap; "
        f"one question = {1 / len(qs):.3f})")

    # The store's lists, per candidates value, with the query vectors the API uses.
    vectors = [await svc._embed_query(kb.embed_model, q["query"]) for q in qs]
    cands = sorted({*CANDIDATES, w.candidates})
    lists = []
    for q, vec in zip(qs, vectors, strict=True):
        ql = Lists(titled=store.titled([kb.id], q["query"], 3))
        for c in cands:
            ql.lexical[c] = store.lexical([kb.id], q["query"], c)
            ql.dense[c] = store.dense([kb.id], vec, kb.dims, c)
        lists.append(ql)
    same = sum(hybrid_ids(ql, w.lexical, w.dense, w.title, w.candidates, q["query"]) == ids
               for ql, q, ids in zip(lists, qs, api["hybrid"], strict=True))
    out["offline_matches_api"] = same
    log(f"\noffline fusion reproduces the API's hybrid top-{K} for {same}/{len(qs)} questions")

    out["diagnostics"] = diagnostics(qs, lists, judge, w.candidates, log)
    if sweep:
        out["sweep"] = sweep_weights(qs, lists, judge, w, log)
    return out


def diagnostics(qs: list[dict[str, Any]], lists: list[Lists], judge: Judge, cand: int,
                log: Callable[[str], None]) -> dict[str, Any]:
    """Complementarity of the two lists: what fusion could gain at best."""
    first: dict[str, list[int | None]] = {"bm25": [], "dense": []}
    for qi, ql in enumerate(lists):
        for name, ranked in (("bm25", ql.lexical[cand]), ("dense", ql.dense[cand])):
            hit = next((r for r, (cid, _) in enumerate(ranked, 1) if judge(qi, cid)), None)
            first[name].append(hit)

    def found(name: str, qi: int, k: int) -> bool:
        r = first[name][qi]
        return r is not None and r <= k

    n = len(qs)
    both = sum(found("bm25", i, 5) and found("dense", i, 5) for i in range(n))
    only_b = sum(found("bm25", i, 5) and not found("dense", i, 5) for i in range(n))
    only_d = sum(found("dense", i, 5) and not found("bm25", i, 5) for i in range(n))
    neither = n - both - only_b - only_d
    in_cand = {m: sum(r is not None for r in first[m]) for m in first}
    log(f"\n### Complementarity (@5; candidates {cand})\n")
    log(table(["found by", "questions"], [["both", both], ["BM25 only", only_b],
                                          ["dense only", only_d], ["neither", neither],
                                          ["either (oracle recall@5)", f"{(n - neither) / n:.3f}"],
                                          [f"BM25 within top {cand}", in_cand["bm25"]],
                                          [f"dense within top {cand}", in_cand["dense"]]]))
    return {"both": both, "bm25_only": only_b, "dense_only": only_d, "neither": neither,
            "first_relevant_rank": first}


def sweep_weights(qs: list[dict[str, Any]], lists: list[Lists], judge: Judge, w: Any,
                  log: Callable[[str], None]) -> dict[str, Any]:
    def rrf(lw: float, c: int, rrf_k: int = 60) -> list[list[bool]]:
        return [judge.ranked(i, hybrid_ids(ql, lw, 1.0, w.title, c, q["query"], rrf_k))
                for i, (ql, q) in enumerate(zip(lists, qs, strict=True))]

    per = {(lw, c): rrf(lw, c) for c in CANDIDATES for lw in LEXICAL_WEIGHTS}
    grid = {f"{lw}:{c}": score_rows(v) for (lw, c), v in per.items()}
    log("\n### Fusion sweep: recall@5 (MRR@10) by lexical weight (dense 1.0) and candidates\n")
    header = ["lexical weight", *[f"cand {c}" for c in CANDIDATES]]
    rows = [[lw, *[f"{grid[f'{lw}:{c}'][1]:.3f} ({grid[f'{lw}:{c}'][3]:.3f})"
                   for c in CANDIDATES]] for lw in LEXICAL_WEIGHTS]
    log(table(header, rows))
    rrf_ks = {f"{lw}:{k}": score_rows(rrf(lw, w.candidates, k))
              for k in RRF_KS for lw in (0.3, 0.6, 1.0)}
    log(f"\nRRF constant (search.RRF_K, not a setting), candidates {w.candidates}: "
        "recall@5 (MRR@10)\n")
    log(table(["lexical weight", *[f"k={k}" for k in RRF_KS]],
              [[lw, *[f"{rrf_ks[f'{lw}:{k}'][1]:.3f} ({rrf_ks[f'{lw}:{k}'][3]:.3f})"
                      for k in RRF_KS]] for lw in (0.3, 0.6, 1.0)]))

    # Another fusion, for comparison (not in Homeport): a convex combination of the two
    # lists' min-max-normalised scores (BM25 and cosine), a chunk missing from a list scoring 0.
    def convex(alpha: float, c: int) -> list[list[bool]]:
        out = []
        for i, ql in enumerate(lists):
            fused: dict[int, float] = {}
            for share, ranked in ((alpha, ql.lexical[c]), (1 - alpha, ql.dense[c])):
                if not ranked:
                    continue
                hi, lo = ranked[0][1], ranked[-1][1]
                for cid, sc in ranked:
                    norm = (sc - lo) / (hi - lo) if hi > lo else 1.0
                    fused[cid] = fused.get(cid, 0.0) + share * norm
            out.append(judge.ranked(i, sorted(fused, key=lambda cid: -fused[cid])))
        return out

    conv = {(a, c): convex(a, c) for a in ALPHAS for c in (w.candidates, 200)}
    log("\nScore fusion (not in Homeport): alpha x minmax(BM25) + (1 - alpha) x minmax(cosine) "
        "over each list's top candidates; recall@5 (MRR@10)\n")
    log(table(["alpha", f"cand {w.candidates}", "cand 200"],
              [[a, *[f"{score_rows(conv[(a, c)])[1]:.3f} ({score_rows(conv[(a, c)])[3]:.3f})"
                     for c in (w.candidates, 200)]] for a in ALPHAS]))

    baselines = {"BM25": [judge.ranked(i, [cid for cid, _ in ql.lexical[w.candidates]])
                          for i, ql in enumerate(lists)],
                 "dense": [judge.ranked(i, [cid for cid, _ in ql.dense[w.candidates]])
                           for i, ql in enumerate(lists)]}
    default = (w.lexical, w.candidates)
    if default not in per:
        per[default] = rrf(*default)
    cv_rrf = cross_validate(
        {f"{lw}:{c}": v for (lw, c), v in per.items()}, f"{default[0]}:{default[1]}",
        baselines, SPLITS, log, "RRF, lexical weight:candidates",
        closeness=lambda label: -abs(math.log(max(float(label.split(":")[0]), 0.01)
                                              / max(w.lexical, 0.01))))
    cv_conv = cross_validate(
        {f"{a}:{c}": v for (a, c), v in conv.items()}, None, {}, SPLITS, log,
        "score fusion, alpha:candidates", closeness=lambda label: 0.0)
    return {"grid": grid, "rrf_k": rrf_ks,
            "convex": {f"{a}:{c}": score_rows(v) for (a, c), v in conv.items()},
            "cv": cv_rrf, "cv_convex": cv_conv}


def cross_validate(configs: dict[str, list[list[bool]]], default: str | None,
                   baselines: dict[str, list[list[bool]]], splits: int,
                   log: Callable[[str], None], what: str,
                   closeness: Callable[[str], float]) -> dict[str, Any]:
    """Choose a configuration on half the questions (recall@5, then MRR@10, then
    `closeness`), score it on the other half; `splits` random splits x 2 folds."""
    n = len(next(iter(configs.values())))

    def metric(rel: list[list[bool]], idx: list[int]) -> tuple[float, float]:
        return (sum(recall_at(rel[i], 5) for i in idx) / len(idx),
                sum(mrr_at(rel[i], 10) for i in idx) / len(idx))

    held: list[dict[str, Any]] = []
    for seed in range(splits):
        order = list(range(n))
        random.Random(seed).shuffle(order)
        halves = (order[: n // 2], order[n // 2:])
        for train, test in (halves, halves[::-1]):
            best = max(configs, key=lambda c: (*metric(configs[c], train), closeness(c)))
            row = {"seed": seed, "chosen": best, "test": metric(configs[best], test)}
            if default is not None:
                row["default"] = metric(configs[default], test)
            row.update({name: metric(rel, test) for name, rel in baselines.items()})
            held.append(row)

    def mean(key: str, j: int) -> float:
        return statistics.mean(h[key][j] for h in held)

    chosen: dict[str, int] = {}
    for h in held:
        chosen[h["chosen"]] = chosen.get(h["chosen"], 0) + 1
    rows = [[f"chosen on the other half ({what})", mean("test", 0), mean("test", 1)]]
    if default is not None:
        rows.append([f"default ({default})", mean("default", 0), mean("default", 1)])
    rows += [[name, mean(name, 0), mean(name, 1)] for name in baselines]
    log(f"\n### Two-fold cross-validation, {what} ({splits} random splits x 2 folds; chosen "
        "on one half by recall@5 then MRR@10, scored on the other)\n")
    log(table(["on the held-out half", "recall@5", "MRR@10"], rows))
    log("\nchosen (-> folds): " + ", ".join(
        f"{k} -> {v}" for k, v in sorted(chosen.items(), key=lambda kv: -kv[1])))
    return {"folds": held, "chosen": chosen,
            "mean": {r[0]: [r[1], r[2]] for r in rows}}


def parse_chunks(spec: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split(":") for part in spec.split(","))]


async def main_async(args: argparse.Namespace) -> None:
    lines: list[str] = []

    def log(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    qs = questions()
    variants = VARIANTS if args.variant == "both" else (args.variant,)
    results: dict[str, Any] = {"machine": machine(), "runs": []}
    for variant in variants:
        root, mask = prepare_docs(variant)
        if variant == "masked":
            log(f"masked variant: {mask.headings} question headings reduced to their number, "
                f"{mask.tocs} tables of contents removed")
        for tokens, overlap in parse_chunks(args.chunks):
            folder, ingest = await cached_kb(root, tokens, overlap, log=log,
                                             refresh=args.refresh)
            log(f"\n## {variant}, chunk_tokens {tokens}, chunk_overlap {overlap}: "
                f"{ingest['chunks']} chunks (cache {folder.name})")
            rt = await start(folder, tokens, overlap)
            try:
                res = await evaluate(rt, qs, args.sweep, log)
            finally:
                await rt.stop()
            results["runs"].append({"variant": variant, "chunk_tokens": tokens,
                                    "chunk_overlap": overlap, "ingest": ingest, **res})
    RESULTS.mkdir(exist_ok=True)
    name = args.out or f"run-{args.variant}.json"
    (RESULTS / name).write_text(json.dumps(results, indent=1, default=list) + "\n")
    (RESULTS / Path(name).with_suffix(".md").name).write_text("\n".join(lines) + "\n")
    print(f"\nwrote {RESULTS / name}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=(*VARIANTS, "both"), default="masked")
    parser.add_argument("--chunks", default="256:32",
                        help="chunk_tokens:chunk_overlap[,...]")
    parser.add_argument("--no-sweep", dest="sweep", action="store_false")
    parser.add_argument("--refresh", action="store_true", help="re-ingest cached corpora")
    parser.add_argument("--out", help="results file name (default run-<variant>.json)")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeport.runtime").setLevel(logging.ERROR)  # the throwaway admin key
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
