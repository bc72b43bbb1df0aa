"""Task classifier and complexity score, on the real packaged MiniLM encoder."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from homeport.providers.embedder import EmbedderProvider, Encoder
from homeport.routing.classifier import (
    SEED_PATH,
    TASK_TYPES,
    TaskClassifier,
    bounded,
    calibrate_threshold,
)
from homeport.settings import EmbedderProvider as EmbedderConfig

Embed = Callable[[list[str]], np.ndarray]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    """Built the way EmbedderProvider.start() builds it: files verified, default config."""
    provider = EmbedderProvider(EmbedderConfig(type="embedder", name="minilm"))
    provider.verify()
    (model, _), (tokenizer, _) = provider.model_files()
    return Encoder(model, tokenizer, provider.cfg)


@pytest.fixture(scope="module")
def embed(encoder: Encoder) -> Embed:
    return lambda texts: np.asarray(encoder.encode(texts).vectors, dtype=np.float32)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("classifier-cache")


@pytest.fixture(scope="module")
def clf(embed: Embed, cache_dir: Path) -> TaskClassifier:
    c = TaskClassifier(embed, cache_dir)
    c.prepare()
    return c


# Obvious prompts, written for this test (in neither the seed set nor bench/router/heldout).
OBVIOUS = [
    ("Classify this review as positive or negative: 'Terrible battery, returned it.'",
     "classification"),
    ("Is this message spam? 'You won a free cruise, reply with your bank details!'",
     "classification"),
    ("Extract every email address from this text: 'write to ana@example.org or "
     "bob@example.net'", "extraction"),
    ("From this invoice text, pull out the invoice number and the total as JSON: "
     "'Invoice 7781, total due EUR 310.00'", "extraction"),
    ("Summarize this paragraph in one sentence: 'The board met on Monday and approved the "
     "budget, delayed the office move and hired a new CFO.'", "summarisation"),
    ("TL;DR of this post: 'I switched from a gas boiler to a heat pump last winter and my "
     "bills went down, although installation took three weeks.'", "summarisation"),
    ("Translate 'the meeting is cancelled' into Spanish.", "translation"),
    ("Please translate this sentence into German: 'Our office is closed on Friday.'",
     "translation"),
    ("hi, how are you doing today?", "chat"),
    ("What's a good gift for a coworker who is leaving?", "chat"),
    ("Write a Python function that returns the largest element of a list.", "code"),
    ("Fix this code:\n```python\ndef square(x):\n    return x * x + 1\n```", "code"),
    ("If 4 workers build a wall in 6 days, how many days do 8 workers need? Explain.",
     "reasoning"),
    ("Prove that the sum of two even numbers is even.", "reasoning"),
    ("Write a haiku about the first snow.", "creative_writing"),
    ("Write a short poem for my mother's birthday.", "creative_writing"),
]
TRIVIAL = ["hello!", "Translate 'good night' to French.", "What is 10 + 5?",
           "Is this review positive or negative? 'Loved it.'"]
HARD = [
    "Design a multi-region active-active payment ledger with exactly-once semantics, explain "
    "how you handle network partitions and clock skew, and implement the reconciliation "
    "service in Go with tests.",
    "Analyse whether a non-compete clause in an employment contract is enforceable under both "
    "English and Californian law, considering reasonableness, consideration and public "
    "policy, and reason step by step about how a court would weigh each factor.",
    "Prove that every finite group of prime order is cyclic, then derive the number of "
    "subgroups of a cyclic group of order n.",
]


def test_obvious_prompts_get_the_right_task(clf: TaskClassifier) -> None:
    got = clf.assess_many([text for text, _ in OBVIOUS])
    wrong = [(text[:50], task, a.task) for (text, task), a in zip(OBVIOUS, got, strict=True)
             if a.task != task]
    assert wrong == []
    assert all(0.0 < a.task_confidence <= 1.0 for a in got)
    assert {task for _, task in OBVIOUS} == set(TASK_TYPES)


def test_complexity_orders_trivial_below_hard(clf: TaskClassifier) -> None:
    trivial = [a.complexity for a in clf.assess_many(TRIVIAL)]
    hard = [a.complexity for a in clf.assess_many(HARD)]
    assert all(0.0 <= c <= 1.0 for c in trivial + hard)
    assert max(trivial) + 0.25 < min(hard), (trivial, hard)
    assert max(trivial) < 0.2 and np.mean(hard) > 0.5


def test_assess_is_one_embedding_call_and_matches_the_batch(clf: TaskClassifier) -> None:
    calls: list[list[str]] = []
    inner = clf.embed

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return inner(texts)

    clf.embed = counting
    try:
        single = clf.assess("Translate 'thank you' into Italian.")
        assert len(calls) == 1
        batch = clf.assess_many(["hi there", "Translate 'thank you' into Italian."])
        assert len(calls) == 2
    finally:
        clf.embed = inner
    assert batch[1].task == single.task == "translation"
    assert batch[1].complexity == pytest.approx(single.complexity, abs=1e-3)
    assert clf.assess_many([]) == []


def test_long_prompts_embed_a_bounded_window(clf: TaskClassifier) -> None:
    seen: list[str] = []
    inner = clf.embed
    clf.embed = lambda texts: seen.extend(texts) or inner(texts)  # type: ignore[func-returns-value]
    document = "\n\n".join(["The committee reviewed the budget and the hiring plan. " * 8] * 40)
    try:
        a = clf.assess(f"Summarise the following minutes in three bullets.\n\n{document}")
    finally:
        clf.embed = inner
    assert len(seen[0]) < 700 < len(document)
    assert seen[0].startswith("Summarise the following minutes in three bullets. … ")
    assert a.task == "summarisation"


def test_bounded_window_keeps_instruction_paragraphs() -> None:
    doc = "\n\n".join(["word " * 200] * 5)  # paragraphs longer than both budgets
    assert bounded("short text", (600, 300)) == "short text"
    assert bounded(doc, None) == doc
    assert bounded(f"{doc}\n\nWhich points need a decision?", (600, 300)).endswith(
        " … Which points need a decision?")
    assert len(bounded(doc, (600, 300))) <= 600 // 8 + 300 // 8 + 3


def test_prepare_is_required(embed: Embed) -> None:
    with pytest.raises(RuntimeError, match="prepare"):
        TaskClassifier(embed).assess("hello")


def test_seed_embeddings_are_cached(clf: TaskClassifier, embed: Embed, cache_dir: Path) -> None:
    calls: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return embed(texts)

    again = TaskClassifier(counting, cache_dir)
    again.prepare()
    assert calls == []  # nothing embedded: the seed vectors came from the cache
    assert clf._seeds is not None and again._seeds is not None
    np.testing.assert_array_equal(again._seeds, clf._seeds)
    prompt = "Write a limerick about a lazy cat."
    assert again.assess(prompt) == clf.assess(prompt)
    assert calls == [1]


def fake_embed(texts: list[str]) -> np.ndarray:
    """Deterministic unit vectors: fast, for the cache logic."""
    rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16))
            .standard_normal(16) for t in texts]
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)  # type: ignore[no-any-return]


def test_cache_key_follows_seed_file_and_model(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.jsonl"
    rows = [{"text": f"example {i} for {t}", "task": t, "complexity": (i % 5) / 4}
            for i, t in enumerate(TASK_TYPES * 3)]
    seeds.write_text("\n".join(json.dumps(r) for r in rows))
    cache = tmp_path / "cache"
    a = TaskClassifier(fake_embed, cache, model_id="m1", seed_path=seeds)
    a.prepare()
    (path,) = cache.glob("*.npy")
    assert path == a.cache_path(seeds.read_bytes())
    assert TaskClassifier(fake_embed, cache, model_id="m2").cache_path(b"x") != \
        TaskClassifier(fake_embed, cache, model_id="m1").cache_path(b"x")
    seeds.write_text(seeds.read_text() + "\n" + json.dumps(
        {"text": "one more", "task": "chat", "complexity": 0.0}))
    TaskClassifier(fake_embed, cache, model_id="m1", seed_path=seeds).prepare()
    assert len(list(cache.glob("*.npy"))) == 2  # a changed seed file is a new key


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text("\n".join(json.dumps({"text": f"t{i}", "task": t, "complexity": 0.5})
                               for i, t in enumerate(TASK_TYPES * 2)))
    clf = TaskClassifier(fake_embed, tmp_path, seed_path=seeds)
    path = clf.cache_path(seeds.read_bytes())
    assert path is not None
    path.write_bytes(b"\x93NUMPY garbage")
    clf.prepare()
    assert np.load(path).shape == (len(TASK_TYPES) * 2, 16)


def test_unknown_task_in_seed_file_is_rejected(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text(json.dumps({"text": "x", "task": "poetry", "complexity": 0.1}))
    with pytest.raises(ValueError, match="poetry"):
        TaskClassifier(fake_embed, seed_path=seeds).prepare()


def test_packaged_seed_set_is_well_formed() -> None:
    rows = [json.loads(line) for line in SEED_PATH.read_text().splitlines() if line.strip()]
    counts = Counter(r["task"] for r in rows)
    assert set(counts) == set(TASK_TYPES) and min(counts.values()) >= 40
    assert all(0.0 <= r["complexity"] <= 1.0 for r in rows)
    assert len({r["text"] for r in rows}) == len(rows)


# ------------------------------------------------------------------ calibrate_threshold
SCORES = [0.9, 0.1, 0.5, 0.3, 0.7, 0.0, 0.2, 0.8, 0.4, 0.6]


@pytest.mark.parametrize(("share", "expected"), [
    (0.8, 0.7), (0.7, 0.6), (0.5, 0.4), (0.1, 0.0), (0.15, 0.1), (1.0, 0.9)])
def test_threshold_keeps_the_asked_share_local(share: float, expected: float) -> None:
    thr = calibrate_threshold(SCORES, share)
    assert thr == expected
    assert sum(s <= thr for s in SCORES) / len(SCORES) >= share
    assert sum(s > thr for s in SCORES) == len(SCORES) - math.ceil(share * len(SCORES) - 1e-9)


def test_threshold_edge_cases() -> None:
    thr = calibrate_threshold(SCORES, 0.0)
    assert thr < 0.0 and not any(s <= thr for s in SCORES)  # everything is 'complex'
    assert calibrate_threshold(SCORES, 1.0) == max(SCORES)  # everything stays local
    assert calibrate_threshold([0.42], 0.5) == 0.42
    assert calibrate_threshold([0.5, 0.5, 0.5, 0.5, 0.9], 0.5) == 0.5  # ties: 4/5 local
    with pytest.raises(ValueError, match="at least one score"):
        calibrate_threshold([], 0.8)
    for bad in (-0.1, 1.1, math.nan):
        with pytest.raises(ValueError, match="local_share"):
            calibrate_threshold(SCORES, bad)
    with pytest.raises(ValueError, match="NaN"):
        calibrate_threshold([0.1, math.nan], 0.5)
