"""Router task classifier: held-out accuracy, complexity AUC, long prompts, latency.

    .venv/bin/python bench/router/run.py [--json out.json] [--rounds 300]

Uses the packaged all-MiniLM-L6-v2 int8 encoder exactly as EmbedderProvider.start() builds it
(SHA-256 verified, default EmbedderConfig) and the packaged seed set. heldout.jsonl was written
separately from the seed set (other domains and phrasings); nothing here trains on it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer

from homeport.providers.embedder import Encoder
from homeport.providers.modelfiles import MINILM_ONNX, MINILM_TOKENIZER, locate, verify
from homeport.routing import classifier
from homeport.routing.classifier import (
    DEFAULT_WINDOW,
    TASK_TYPES,
    Embed,
    TaskClassifier,
    _rule_votes,
    calibrate_threshold,
)
from homeport.settings import EmbedderProvider

HERE = Path(__file__).resolve().parent
SHORT = {t: t[:5] for t in TASK_TYPES}

# Neutral long context pasted into prompts for the long-prompt test (~710 MiniLM tokens).
FILLER = "\n\n".join([
    "The facilities committee met on Tuesday to review the building programme for the coming "
    "year. The east wing roof will be replaced in spring, which means the third-floor meeting "
    "rooms will be closed for about six weeks and teams that use them will move to the "
    "temporary space on the ground floor.",
    "Energy use across the site fell by eight percent compared with last year, mainly thanks "
    "to the new heat pumps and the lighting upgrade in the warehouse. The committee asked for "
    "monthly figures per building so that the savings can be tracked against the original "
    "business case, which assumed a payback period of just under five years.",
    "Several staff raised the shortage of bicycle parking near the main entrance. Facilities "
    "will install forty additional stands before the summer and review demand again in "
    "September. Car park permits will be reissued in June with the same allocation rules as "
    "last year, and contractors will continue to use the overflow area behind the canteen.",
    "The canteen contract comes up for renewal in October. A short survey will go out next "
    "month asking about opening hours, menu variety and prices; results will feed into the "
    "tender specification. Two suppliers have already expressed interest in bidding, and the "
    "procurement team will publish the timetable once the specification is agreed.",
] * 3)
ONE_BLOCK = FILLER.replace("\n\n", " ")
BOUNDED = classifier.bounded
TOKENIZER = Tokenizer.from_file(str(MINILM_TOKENIZER))
TOKENIZER.no_padding()  # the file pads to 128; we count real tokens
TOKENIZER.no_truncation()


def char_window(text: str, window: tuple[int, int] | None) -> str:
    """The simpler alternative: first and last characters, whatever the paragraphs."""
    if window is None or len(text) <= sum(window):
        return text
    head, tail = window
    return f"{text[:head].rsplit(' ', 1)[0]} … {text[-tail:].split(' ', 1)[-1]}"


def load_encoder() -> Encoder:
    cfg = EmbedderProvider(type="embedder", name="bench")
    verify(locate(MINILM_ONNX), MINILM_ONNX.sha256)  # what EmbedderProvider.start() does
    return Encoder(locate(MINILM_ONNX), MINILM_TOKENIZER, cfg)


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs), q))


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    p, n = scores[positive], scores[~positive]
    return float((p[:, None] > n[None]).mean() + 0.5 * (p[:, None] == n[None]).mean())


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def accuracy_table(rows: list[dict[str, Any]], preds: dict[str, list[str]]) -> str:
    gold = [r["task"] for r in rows]
    head = "| variant | all | " + " | ".join(SHORT[t] for t in TASK_TYPES) + " |"
    lines = [head, "|" + "---|" * (len(TASK_TYPES) + 2)]
    for name, pred in preds.items():
        ok = [p == g for p, g in zip(pred, gold, strict=True)]
        per = [np.mean([o for o, g in zip(ok, gold, strict=True) if g == t]) for t in TASK_TYPES]
        lines.append(f"| {name} | **{np.mean(ok):.3f}** | "
                     + " | ".join(f"{v:.2f}" for v in per) + " |")
    return "\n".join(lines)


def confusion(rows: list[dict[str, Any]], pred: list[str]) -> str:
    m = np.zeros((len(TASK_TYPES), len(TASK_TYPES)), dtype=int)
    for r, p in zip(rows, pred, strict=True):
        m[TASK_TYPES.index(r["task"]), TASK_TYPES.index(p)] += 1
    lines = ["| gold \\ predicted | " + " | ".join(SHORT[t] for t in TASK_TYPES) + " |",
             "|" + "---|" * (len(TASK_TYPES) + 1)]
    for t, row in zip(TASK_TYPES, m, strict=True):
        lines.append(f"| {t} | " + " | ".join(str(v) if v else "." for v in row) + " |")
    return "\n".join(lines)


def n_tokens(text: str, special: bool = False) -> int:
    """MiniLM tokens, untruncated (the Encoder's own tokenizer stops at max_tokens)."""
    return len(TOKENIZER.encode(text, add_special_tokens=special).ids)


def prompt_of_tokens(n: int, first: str, body: str, last: str = "") -> str:
    """first + part of body + last, exactly n MiniLM tokens long (without CLS/SEP)."""
    def count(body_part: str) -> int:
        return n_tokens(first + body_part + last)

    words = body.split(" ")
    lo, hi = 0, len(words)
    while lo < hi:  # fewest body words that reach n tokens
        mid = (lo + hi) // 2
        if count(" ".join(words[:mid])) >= n:
            hi = mid
        else:
            lo = mid + 1
    part = " ".join(words[:lo])
    while count(part) > n:
        part = part[:-1]
    return first + part + last


def row(name: str, embedded: int, ms: list[float], embed_ms: list[float]) -> None:
    print(f"| {name} | {embedded} | {statistics.median(ms):.1f} | {pct(ms, 99):.1f} | "
          f"{statistics.median(embed_ms):.1f} |")
    LATENCY[name] = {"embedded_tokens": embedded, "p50": statistics.median(ms),
                     "p99": pct(ms, 99), "embed_p50": statistics.median(embed_ms)}


LATENCY: dict[str, Any] = {}
SECTIONS = ["accuracy", "long", "latency"]


def timed(fn: Any, rounds: int) -> list[float]:
    fn()
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", type=Path, default=HERE / "heldout.jsonl")
    ap.add_argument("--rounds", type=int, default=300, help="assess() calls per latency cell")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS,
                    help="run only these sections")
    args = ap.parse_args()
    results: dict[str, Any] = {}

    enc = load_encoder()
    embed_calls = [0]

    def embed(texts: list[str]) -> np.ndarray:
        embed_calls[0] += 1
        return np.asarray(enc.encode(texts).vectors, dtype=np.float32)

    with tempfile.TemporaryDirectory() as cache:
        t = time.perf_counter()
        clf = TaskClassifier(embed, Path(cache))
        clf.prepare()
        cold = time.perf_counter() - t
        t = time.perf_counter()
        TaskClassifier(embed, Path(cache)).prepare()
        warm = time.perf_counter() - t
    results["prepare_s"] = {"cold": round(cold, 2), "cached": round(warm, 3)}
    results["ridge_alphas"] = clf.alphas
    print(f"prepare(): {cold:.2f} s cold (embeds the seed set), {warm * 1000:.0f} ms from the "
          f"cache; ridge penalties chosen {clf.alphas}\n")

    rows = [json.loads(line) for line in args.heldout.read_text().splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    if "accuracy" in args.only:
        accuracy(clf, rows, results)
    if "long" in args.only:
        long_prompts(embed, rows, results)
    if "latency" in args.only:
        latency(clf, embed, embed_calls, texts, args.rounds, results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def accuracy(clf: TaskClassifier, rows: list[dict[str, Any]], results: dict[str, Any]) -> None:
    texts = [r["text"] for r in rows]
    gold = [r["task"] for r in rows]
    variants = {"kNN only": (0.0, False), "kNN + rules": (0.0, True),
                "kNN + linear": (0.7, False), "kNN + linear + rules (default)": (0.7, True)}
    preds: dict[str, list[str]] = {}
    for name, (lw, rules) in variants.items():
        clf.linear_weight, clf.heuristics = lw, rules
        preds[name] = [a.task for a in clf.assess_many(texts)]
    clf.linear_weight, clf.heuristics = 0.7, True
    print(f"## Task accuracy on {len(rows)} held-out prompts\n")
    print(accuracy_table(rows, preds) + "\n")
    final = preds["kNN + linear + rules (default)"]
    print("Confusion matrix (default):\n\n" + confusion(rows, final) + "\n")
    fired = sum(bool(_rule_votes(t)) for t in texts)
    print(f"rules fired on {fired}/{len(texts)} held-out prompts\n")
    results["task_accuracy"] = {
        name: float(np.mean([p == g for p, g in zip(pred, gold, strict=True)]))
        for name, pred in preds.items()}
    results["misclassified"] = [f"{g} -> {p}: {t[:90]}" for t, g, p in
                                zip(texts, gold, final, strict=True) if g != p]

    # ----------------------------------------------------------- complexity
    assessed = clf.assess_many(texts)
    score = np.array([a.complexity for a in assessed])
    label = np.array([r["complexity"] for r in rows])
    positive = label >= 0.5
    cx = {"auc_at_0.5": auc(score, positive), "spearman": spearman(score, label),
          "mae": float(np.abs(score - label).mean()), "n_complex": int(positive.sum())}
    print(f"## Complexity\n\nAUC (labels binarised at 0.5; {cx['n_complex']} complex of "
          f"{len(rows)}): **{cx['auc_at_0.5']:.3f}**; Spearman {cx['spearman']:.3f}; "
          f"MAE {cx['mae']:.3f}\n")
    print("| local share asked | threshold | complex prompts kept local | simple sent out |")
    print("|---|---|---|---|")
    for share in (0.5, 0.7, 0.8):
        thr = calibrate_threshold(score.tolist(), share)
        local = score <= thr
        print(f"| {share:.0%} | {thr:.3f} | {(local & positive).sum()}/{positive.sum()} | "
              f"{(~local & ~positive).sum()}/{(~positive).sum()} |")
        cx[f"threshold_{share}"] = thr
    results["complexity"] = cx
    print()



def long_prompts(embed: Embed, rows: list[dict[str, Any]], results: dict[str, Any]) -> None:
    texts = [r["text"] for r in rows]
    gold = [r["task"] for r in rows]
    print("## Long prompts: held-out prompt + ~710-token pasted document\n")
    print("Document as paragraphs (blank lines) or as one block; prompt before or after it.\n")
    windows: dict[str, Any] = {
        "default: first/last paragraph": (DEFAULT_WINDOW, classifier.bounded),
        "plain chars: head 600 + tail 200": ((600, 200), char_window),
        "none: encoder truncates at 256 tokens": (None, classifier.bounded)}
    layouts: dict[str, Callable[[str], str]] = {
        "as is": lambda t: t,
        "prompt first, paragraphs": lambda t: f"{t}\n\n{FILLER}",
        "prompt last, paragraphs": lambda t: f"{FILLER}\n\n{t}",
        "prompt first, one block": lambda t: f"{t}\n\n{ONE_BLOCK}",
        "prompt last, one block": lambda t: f"{ONE_BLOCK}\n\n{t}"}
    print("| window | " + " | ".join(layouts) + " |")
    print("|---|" + "---|" * len(layouts))
    results["long"] = {}
    for wname, (window, fn) in windows.items():
        classifier.bounded = fn  # the strategy under test, for seeds and prompts alike
        wclf = TaskClassifier(embed, window=window)
        wclf.prepare()
        accs = []
        for variant in layouts.values():
            got = wclf.assess_many([variant(t) for t in texts])
            accs.append(float(np.mean([a.task == g for a, g in zip(got, gold, strict=True)])))
        classifier.bounded = BOUNDED
        print(f"| {wname} | " + " | ".join(f"{a:.3f}" for a in accs) + " |")
        results["long"][wname] = accs
    print()



def latency(clf: TaskClassifier, embed: Embed, embed_calls: list[int], texts: list[str],
            rounds: int, results: dict[str, Any]) -> None:
    load = os.getloadavg()
    print(f"## Latency of assess() ({rounds} calls each; {os.cpu_count()} CPUs, load average "
          f"{load[0]:.2f} at the start)\n")
    print("| prompt | tokens embedded (with CLS/SEP) | p50 ms | p99 ms | embedding alone p50 |")
    print("|---|---|---|---|---|")
    ask = "Please read the notes below and tell me which points need a decision.\n\n"
    cells = {  # name: (window, first, body, last)
        "20 tokens": (DEFAULT_WINDOW, ask, FILLER, ""),
        "100 tokens": (DEFAULT_WINDOW, ask, FILLER, ""),
        "1000 tokens": (DEFAULT_WINDOW, ask, FILLER * 2, ""),
        "1000 tokens, no window": (None, ask, FILLER * 2, ""),
        # the most the default window embeds: a first paragraph just under 600 characters and
        # a last one just under 300
        "1000 tokens, window worst case": (
            DEFAULT_WINDOW, ONE_BLOCK[:598].rsplit(" ", 1)[0] + "\n\n", ONE_BLOCK * 2,
            "\n\n" + ONE_BLOCK[1000:1298].rsplit(" ", 1)[0]),
    }
    for name, (window, first, body, last) in cells.items():
        prompt = prompt_of_tokens(int(name.split()[0]), first, body, last)
        clf.window = window
        embedded = min(n_tokens(classifier.bounded(prompt, window), True), 256)
        before = embed_calls[0]
        ms = timed(lambda p=prompt: clf.assess(p), rounds)
        assert embed_calls[0] - before == rounds + 2  # one embedding call per assess()
        window_text = classifier.bounded(prompt, window)
        row(name, embedded, ms, timed(lambda t=window_text: embed([t]), rounds))
    clf.window = DEFAULT_WINDOW
    batch = texts[:32]
    ms = timed(lambda: clf.assess_many(batch), max(rounds // 10, 10))
    rules_us = timed(lambda: [_rule_votes(t) for t in texts], 20)
    print(f"\nassess_many of 32 held-out prompts: p50 {statistics.median(ms):.0f} ms "
          f"({statistics.median(ms) / 32:.1f} ms per prompt); lexical rules alone: "
          f"{statistics.median(rules_us) * 1000 / len(texts):.0f} µs per prompt")
    results["latency_ms"] = {**LATENCY, "assess_many_32_p50": statistics.median(ms),
                             "loadavg_start": load, "loadavg_end": os.getloadavg()}
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
