"""Check the relevance rule and the difficulty of the task without Homeport.

    .venv/bin/python bench/retrieval/check_metrics.py [--data bench/retrieval/data]

Builds ~150-word chunks shaped like the knowledge base's ("Title › Heading path",
blank line, body) from the gold answers (text lightly perturbed, as another HTML
text extractor would produce it) and from the distractor documents plus the FAQ's
own text outside the gold answers (its tables of contents, which repeat every
question, and its sections that are not in the question set), then reports:

* how many answer chunks are judged relevant to their own question (should be all);
* false positives: answer chunks of other questions, distractor chunks, and chunks
  that only repeat the question, judged relevant to a question;
* recall@k / MRR@10 of a small pure-Python BM25 over those chunks, queried with the
  question text, with and without the heading line indexed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import FAQ, HERE, block_text, is_section_or_titlepage, own_title
from metrics import COVER, SHARE, decide, overlap, relevant, summarise, words
from selectolax.lexbor import LexborHTMLParser

CHUNK_WORDS = 150


@dataclass(frozen=True)
class Chunk:
    heading: str  # "Title › Heading path"
    body: str
    qid: str | None  # the question whose answer this chunk is cut from

    @property
    def text(self) -> str:
        return f"{self.heading}\n\n{self.body}"


def split_words(tokens: list[str], size: int = CHUNK_WORDS) -> list[list[str]]:
    """*tokens* cut into ceil(len/size) chunks of near-equal length."""
    n = max(1, math.ceil(len(tokens) / size))
    step = len(tokens) / n
    return [tokens[round(i * step) : round((i + 1) * step)] for i in range(n)]


def perturb(tokens: list[str], rng: random.Random) -> str:
    """Re-join whitespace tokens as another extractor might: random line breaks,
    2% of word pairs glued together (inline markup without spaces), ASCII quotes."""
    out: list[str] = []
    for tok in tokens:
        if out and rng.random() < 0.02:
            out[-1] += tok
        else:
            out.append(tok)
    text = "".join(w + ("\n" if rng.random() < 0.08 else " ") for w in out)
    return text.translate(str.maketrans("“”‘’", "\"\"''"))


def answer_chunks(questions: list[dict[str, Any]], rng: random.Random) -> list[Chunk]:
    return [
        Chunk(" › ".join(q["path"]), perturb(part, rng), q["id"])
        for q in questions
        for part in split_words(q["answer"].split())
    ]


def paragraph_chunks(heading: str, text: str) -> list[Chunk]:
    """Lines (paragraphs) packed greedily into chunks of about CHUNK_WORDS words."""
    chunks: list[Chunk] = []
    buf: list[str] = []
    for line in text.splitlines():
        buf += line.split()
        if len(buf) >= CHUNK_WORDS:
            chunks += [Chunk(heading, " ".join(p), None) for p in split_words(buf)]
            buf = []
    if buf:
        chunks.append(Chunk(heading, " ".join(buf), None))
    return chunks


def distractor_chunks(docs: Path, question_ids: set[str]) -> list[Chunk]:
    """Every distractor document's text, plus the FAQ's own text outside the gold
    answers: its tables of contents and the sections that are not questions."""
    chunks: list[Chunk] = []
    for path in sorted(docs.rglob("*.html")):
        tree = LexborHTMLParser(path.read_text(encoding="utf-8", errors="replace"))
        title = tree.css_first("title")
        name = block_text(title) if title else path.name
        if path.parent.name != FAQ.name:
            if tree.body is not None:
                chunks += paragraph_chunks(f"{name} › {path.stem}", block_text(tree.body))
            continue
        for toc in tree.css("div.toc"):
            chunks += paragraph_chunks(f"{name} › Table of Contents", block_text(toc))
        for section in tree.css("div.section"):
            heading = own_title(section)
            anchor = heading.css_first("a[id]") if heading else None
            if heading and anchor and anchor.attributes.get("id") not in question_ids:
                text = block_text(section, skip=is_section_or_titlepage)
                chunks += paragraph_chunks(f"{name} › {block_text(heading)}", text)
    return chunks


class BM25:
    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths = []
        for i, text in enumerate(texts):
            tokens = words(text)
            self.lengths.append(len(tokens))
            for term, tf in Counter(tokens).items():
                self.postings[term].append((i, tf))
        self.avg = sum(self.lengths) / len(self.lengths)

    def search(self, query: str, k: int = 10) -> list[int]:
        n = len(self.lengths)
        scores: dict[int, float] = defaultdict(float)
        for term in set(words(query)):
            hits = self.postings.get(term, [])
            idf = math.log(1 + (n - len(hits) + 0.5) / (len(hits) + 0.5))
            for i, tf in hits:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
                scores[i] += idf * tf * (self.k1 + 1) / (tf + norm)
        return sorted(scores, key=lambda i: -scores[i])[:k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / "data", help="corpus.py --out")
    data = parser.parse_args().data
    questions = [json.loads(line) for line in (data / "questions.jsonl").open()]
    rng = random.Random(0)
    answers = answer_chunks(questions, rng)
    distractors = distractor_chunks(data / "docs", {q["id"] for q in questions})
    print(
        f"{len(questions)} questions; {len(answers)} answer chunks; "
        f"{len(distractors)} distractor chunks (~{CHUNK_WORDS} words each)"
    )

    # 1. Every answer chunk is relevant to its own question.
    by_id = {q["id"]: q for q in questions}
    own = [overlap(c.text, by_id[c.qid]["answer"]) for c in answers if c.qid]
    print(
        f"answer chunks relevant to their own question: {sum(decide(*o) for o in own)}/"
        f"{len(own)} (lowest body share {min(m / t for m, t, _ in own):.2f}; "
        f"rule: share >= {SHARE} or cover >= {COVER})"
    )
    question_only = [
        Chunk(" › ".join(q["path"]), f"{q['heading']} {q['query']}", q["id"]) for q in questions
    ]
    qo = sum(relevant(c.text, by_id[str(c.qid)]["answer"]) for c in question_only)
    print(f"question-only chunks relevant to their question: {qo}/{len(question_only)}")

    # 2. False positives: chunks judged relevant to a question they are not cut from.
    for label, chunks in (("other answers'", answers), ("distractor", distractors)):
        pairs = hits = 0
        share = cover = 0.0  # the closest calls
        for c in chunks:
            for q in questions:
                if q["id"] == c.qid:
                    continue
                m, t, a = overlap(c.text, q["answer"])
                pairs += 1
                if decide(m, t, a):
                    hits += 1
                    print(f"    false positive: {c.qid or c.heading!r} -> {q['id']}")
                elif m:
                    share, cover = max(share, m / t), max(cover, m / a)
        print(
            f"false positives, {label} chunks: {hits}/{pairs} pairs ({hits / pairs:.4%}); "
            f"highest share {share:.2f}, cover {cover:.2f} among the others"
        )

    # 3. BM25 baseline over all chunks, queried with the question text.
    chunks = answers + distractors
    for label, texts in (
        ("body only", [c.body for c in chunks]),
        ("heading line + body", [c.text for c in chunks]),
    ):
        index = BM25(texts)
        per_query = [
            [relevant(chunks[i].text, q["answer"]) for i in index.search(q["query"])]
            for q in questions
        ]
        scores = summarise(per_query)
        print(
            f"BM25 ({label}): "
            + ", ".join(f"{k} {v:.3f}" if k != "n" else f"n {v:.0f}" for k, v in scores.items())
        )


if __name__ == "__main__":
    main()
