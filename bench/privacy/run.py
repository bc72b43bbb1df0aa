"""Recall, precision and latency of Homeport's privacy detectors on the generated data set.

    .venv/bin/python bench/privacy/run.py            # full run (~1 minute)
    .venv/bin/python bench/privacy/run.py --quick    # fewer samples and timing rounds

A finding is a true positive when its type matches a labeled span it overlaps. Pattern types
are scored on PatternDetector's findings, PERSON and LOCATION on NerDetector's (with and
without its name rules). NER findings inside a labeled ADDRESS are ignored (the city in an
address is a place too). Results also go to bench/privacy/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from dataset import Sample, build  # noqa: E402
from filler import prose  # noqa: E402

from homeport.entities import ADDRESS, NER_TYPES, PATTERN_TYPES  # noqa: E402
from homeport.privacy.ner import NerDetector  # noqa: E402
from homeport.privacy.recognizers import PatternDetector  # noqa: E402
from homeport.types import Finding  # noqa: E402

Span = tuple[int, int, str]


def score(samples: Sequence[Sample], predictions: Sequence[Sequence[Span]],
          types: Sequence[str]) -> dict[str, dict[str, float]]:
    gold_n: dict[str, int] = defaultdict(int)
    gold_hit: dict[str, int] = defaultdict(int)
    pred_n: dict[str, int] = defaultdict(int)
    pred_hit: dict[str, int] = defaultdict(int)
    for sample, preds in zip(samples, predictions, strict=True):
        gold = [s for s in sample.spans if s[2] in types]
        for gs, ge, gt in gold:
            gold_n[gt] += 1
            gold_hit[gt] += any(pt == gt and ps < ge and gs < pe for ps, pe, pt in preds)
        for ps, pe, pt in preds:
            if pt not in types:
                continue
            pred_n[pt] += 1
            pred_hit[pt] += any(pt == gt and ps < ge and gs < pe for gs, ge, gt in gold)
    out = {}
    for t in types:
        r = gold_hit[t] / gold_n[t] if gold_n[t] else float("nan")
        p = pred_hit[t] / pred_n[t] if pred_n[t] else float("nan")
        f1 = 2 * p * r / (p + r) if p + r > 0 else float("nan")
        out[t] = {"support": gold_n[t], "predicted": pred_n[t], "recall": r, "precision": p,
                  "f1": f1}
    return out


def _spans(findings: Sequence[Finding]) -> list[Span]:
    return [(f.start, f.end, f.type) for f in findings]


def _drop_inside_address(sample: Sample, spans: list[Span]) -> list[Span]:
    addresses = [(s, e) for s, e, t in sample.spans if t == ADDRESS]
    return [p for p in spans if not any(p[0] < e and s < p[1] for s, e in addresses)]


def timings(fn: Callable[[str], object], text: str, rounds: int) -> dict[str, float]:
    fn(text)  # warm up
    xs = []
    for _ in range(rounds):
        t = time.perf_counter_ns()
        fn(text)
        xs.append((time.perf_counter_ns() - t) / 1000)
    xs.sort()
    return {"p50_us": xs[len(xs) // 2], "p99_us": xs[min(len(xs) - 1, int(len(xs) * 0.99))],
            "mean_us": statistics.fmean(xs)}


def latency(pd: PatternDetector, ner: NerDetector, samples: Sequence[Sample],
            quick: bool) -> dict[str, dict[str, object]]:
    dense = " ".join(s.text.replace("\n", " ") for s in samples if s.domain != "negative")
    texts = {
        "100 tokens, no entities": prose(100, 1),
        "1000 tokens, no entities": prose(1000, 2),
        "100 tokens, entity-dense": dense[: dense.rfind(" ", 0, 520)],
        "1000 tokens, entity-dense": dense[: dense.rfind(" ", 0, 5200)],
    }
    out: dict[str, dict[str, object]] = {}
    for name, text in texts.items():
        long = name.startswith("1000")
        rounds = (200 if long else 1000) if quick else (1000 if long else 5000)
        out[name] = {
            "chars": len(text), "words": len(text.split()),
            "findings": len(pd.detect(text)),
            "pattern": timings(pd.detect, text, rounds),
            "ner": timings(ner.detect, text, 10 if quick else 30),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=20240611)
    args = ap.parse_args()
    samples = build(args.seed, 100 if args.quick else 500)
    pd, ner = PatternDetector(), NerDetector()
    t0 = time.perf_counter()
    ner.load()
    load_s = time.perf_counter() - t0

    pattern_preds = [_spans(pd.detect(s.text)) for s in samples]
    ner_preds, spacy_preds = [], []
    nlp = ner._nlp
    for s in samples:
        ner_preds.append(_drop_inside_address(s, _spans(ner.detect(s.text))))
        raw = [(e.start_char, e.end_char, {"PERSON": "PERSON"}.get(e.label_, "LOCATION"))
               for e in nlp(s.text).ents if e.label_ in ("PERSON", "GPE", "LOC", "FAC")]
        spacy_preds.append(_drop_inside_address(s, raw))

    result = {
        "samples": len(samples),
        "labeled_spans": sum(len(s.spans) for s in samples),
        "pattern": score(samples, pattern_preds, PATTERN_TYPES),
        "ner": score(samples, ner_preds, NER_TYPES),
        "ner_spacy_only": score(samples, spacy_preds, NER_TYPES),
        "ner_load_s": load_s,
        "latency": latency(pd, ner, samples, args.quick),
        "load_average_1m": os.getloadavg()[0],  # other work on the machine inflates latency
        "cpus": os.cpu_count(),
    }
    print(f"{result['samples']} samples, {result['labeled_spans']} labeled spans\n")
    print(f"{'type':<14}{'support':>8}{'recall':>9}{'precision':>11}{'F1':>7}")
    for section in ("pattern", "ner", "ner_spacy_only"):
        for t, m in result[section].items():  # type: ignore[attr-defined]
            label = t if section != "ner_spacy_only" else f"{t} (spaCy)"
            print(f"{label:<14}{m['support']:>8}{m['recall']:>9.4f}{m['precision']:>11.4f}"
                  f"{m['f1']:>7.4f}")
    print(f"\nNER model load: {load_s:.2f} s; load average {result['load_average_1m']:.2f} "
          f"on {result['cpus']} CPUs")
    for name, m in result["latency"].items():  # type: ignore[attr-defined]
        p, n = m["pattern"], m["ner"]
        print(f"{name:<27} {m['chars']:>5} chars  pattern p50 {p['p50_us']:8.1f} us"
              f"  p99 {p['p99_us']:8.1f} us   NER p50 {n['p50_us'] / 1000:6.2f} ms"
              f"  p99 {n['p99_us'] / 1000:6.2f} ms")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
