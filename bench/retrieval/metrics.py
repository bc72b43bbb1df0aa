"""Relevance judgement and ranking metrics for the retrieval benchmark.

Relevance (see DATASET.md): a retrieved chunk is relevant to a question when its
BODY is made of the question's gold answer text.  Both texts are normalised to
word tokens (NFKC, lower case, runs of letters/digits; all punctuation and
whitespace ignored) and compared as word 3-grams:

    T = body 3-grams (counted with repetition)
    m = those that also occur in the answer
    A = distinct answer 3-grams

    relevant  <=>  m >= MIN_MATCH  and  (m >= SHARE * T  or  m >= COVER * A)

i.e. at least MIN_MATCH shared 3-grams, and either most of the body comes from the
answer (any chunk of a multi-chunk answer), or the body holds most of the answer (a
short answer sharing a chunk with other text).  check_metrics.py measures the margins:
own chunks score a share >= 0.79, other chunks a share <= 0.43 and a cover <= 0.49.

The body is the chunk text after the first blank line when the first line is a
"Title › Heading path" line, so a chunk that merely carries the question in its
heading path does not count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

N = 3
MIN_MATCH = 5
SHARE = 0.6
COVER = 0.8
_WORD = re.compile(r"[^\W_]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def words(text: str) -> list[str]:
    """Normalised word tokens: punctuation, case and whitespace ignored."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def grams(tokens: list[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + N]) for i in range(len(tokens) - N + 1)]


def body(chunk_text: str) -> str:
    """The chunk text after its first blank line when its first line is a
    "Title › Heading path" line (after that line if no blank line follows), else all."""
    text = chunk_text.lstrip()
    first = text.split("\n", 1)[0]
    if "›" not in first:
        return chunk_text
    parts = _BLANK_LINE.split(text, maxsplit=1)
    return parts[1] if len(parts) == 2 else text[len(first) :]


@lru_cache(maxsize=4096)
def _answer_grams(answer: str) -> frozenset[tuple[str, ...]]:
    return frozenset(grams(words(answer)))


def overlap(chunk_text: str, answer: str) -> tuple[int, int, int]:
    """(m, T, A) as defined in the module docstring."""
    gold = _answer_grams(answer)
    found = grams(words(body(chunk_text)))
    return sum(g in gold for g in found), len(found), len(gold)


def decide(m: int, t: int, a: int) -> bool:
    """The relevance rule on the counts returned by overlap()."""
    return m >= MIN_MATCH and (m >= SHARE * t or m >= COVER * a)


def relevant(chunk_text: str, answer: str) -> bool:
    """Whether a retrieved chunk carries (part of) the gold *answer*."""
    return decide(*overlap(chunk_text, answer))


def recall_at(ranked_relevance: list[bool], k: int) -> float:
    """Success@k: 1.0 when any of the first *k* results is relevant, else 0.0.

    Each question has one gold answer (possibly spread over several chunks), so this
    is the usual "recall@k" of single-answer QA retrieval, not the fraction of the
    relevant chunks found."""
    return 1.0 if any(ranked_relevance[:k]) else 0.0


def mrr_at(ranked_relevance: list[bool], k: int) -> float:
    """Reciprocal rank of the first relevant result within the first *k*, else 0."""
    return next((1.0 / (i + 1) for i, r in enumerate(ranked_relevance[:k]) if r), 0.0)


def summarise(per_query: list[list[bool]]) -> dict[str, float]:
    """Mean recall@1/5/10 and MRR@10 over questions; *n* is the number of questions.

    Each inner list is the relevance of one question's results, best first."""
    n = len(per_query)

    def mean(values: list[float]) -> float:
        return sum(values) / n if n else 0.0

    out = {f"recall@{k}": mean([recall_at(r, k) for r in per_query]) for k in (1, 5, 10)}
    out["mrr@10"] = mean([mrr_at(r, 10) for r in per_query])
    out["n"] = n
    return out
