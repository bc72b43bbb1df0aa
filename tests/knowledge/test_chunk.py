"""Chunking with the real MiniLM tokenizer: bounds, structure, overlap, determinism."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from homeport.knowledge.chunk import Piece, chunk
from homeport.knowledge.extract import token_counter
from homeport.knowledge.parse import Block, ParsedDocument, parse
from homeport.providers.modelfiles import MINILM_TOKENIZER

SENTENCES = [f"Sentence number {i} explains how the {w} part of the system behaves." for i, w in
             enumerate(("ingest", "search", "router", "budget", "audit", "privacy", "storage",
                        "metrics", "agent", "memory") * 6)]


@pytest.fixture(scope="module")
def count() -> Callable[[str], int]:
    return token_counter(MINILM_TOKENIZER)


def doc(*blocks: Block, title: str = "Manual") -> ParsedDocument:
    return ParsedDocument(title, "text", iter(blocks))


def H(text: str, level: int = 1) -> Block:
    return Block("heading", text, level)


def T(text: str) -> Block:
    return Block("text", text)


def pieces(d: ParsedDocument, count: Callable[[str], int], max_tokens: int = 256,
           overlap: int = 32) -> list[Piece]:
    out = list(chunk(d, count, max_tokens, overlap))
    assert [p.seq for p in out] == list(range(len(out)))
    for p in out:  # the bound covers the whole embedded text, and `tokens` is exact
        assert p.tokens == count(p.embed_text(d.title)) <= max_tokens, p
    return out


def test_heading_paths_and_sections_never_mixed(count: Callable[[str], int]) -> None:
    d = doc(T("Preface text."), H("Manual"), T("Intro."), H("Install", 2), H("Linux", 3),
            T("apt install it."), H("Windows", 3), T("Run the installer."), H("Usage", 2),
            T("Start it."), H("Empty section"), H("Appendix", 1), T("Notes."))
    ps = pieces(d, count)
    assert [(p.headings, p.text) for p in ps] == [
        ((), "Preface text."), (("Manual",), "Intro."),
        (("Manual", "Install", "Linux"), "apt install it."),
        (("Manual", "Install", "Windows"), "Run the installer."),
        (("Manual", "Usage"), "Start it."), (("Appendix",), "Notes.")]
    # the title is not repeated when it is the top heading
    assert ps[0].embed_text("Manual") == "Manual\n\nPreface text."
    assert ps[2].embed_text("Manual") == "Manual › Install › Linux\n\napt install it."
    assert ps[5].embed_text("Manual") == "Manual › Appendix\n\nNotes."
    assert ps[5].embed_text("") == "Appendix\n\nNotes."


def test_paragraphs_packed_greedily(count: Callable[[str], int]) -> None:
    paras = [" ".join(SENTENCES[i:i + 2]) for i in range(0, 40, 2)]
    ps = pieces(doc(H("S"), *map(T, paras)), count, max_tokens=128, overlap=0)
    assert 1 < len(ps) < len(paras)
    assert "\n\n".join(p.text for p in ps) == "\n\n".join(paras)  # nothing lost or repeated
    for a, b in itertools.pairwise(ps):  # a piece is closed only when the next paragraph
        first = b.text.split("\n\n")[0]  # would not fit
        assert a.tokens + count(first) - 2 > 128


def test_oversized_paragraph_split_on_sentences_with_overlap(count: Callable[[str], int]) -> None:
    body = " ".join(SENTENCES)
    ps = pieces(doc(H("Long"), T(body), H("Next"), T(body)), count, max_tokens=96, overlap=24)
    first = [p for p in ps if p.headings == ("Long",)]
    assert len(first) > 3
    for a, b in itertools.pairwise(first):
        # the next piece opens with whole sentences from the end of the previous one
        shared = [s for s in SENTENCES if s in b.text and s in a.text]
        assert shared and a.text.endswith(shared[-1]) and b.text.startswith(shared[0])
        assert count(" ".join(shared)) - 2 <= 24
        # pieces are whole sentences
        assert b.text.startswith("Sentence number") and b.text.endswith(".")
    # every sentence is kept, in order
    seen = [s for p in first for s in SENTENCES if s in p.text]
    assert sorted(set(seen), key=SENTENCES.index) == SENTENCES
    # no overlap across sections
    nxt = next(p for p in ps if p.headings == ("Next",))
    assert nxt.text.startswith(SENTENCES[0])


def test_giant_sentence_and_word(count: Callable[[str], int]) -> None:
    words = " ".join(f"word{i}" for i in range(3000))  # no sentence end at all
    blob = "x" * 5000 + " " + "Ωμέγα" * 400  # one 'word' of 5000 chars, then 2000 chars
    ps = pieces(doc(T(words), T(blob), T("end.")), count, max_tokens=64, overlap=8)
    text = " ".join(p.text for p in ps)
    assert all(f"word{i}" in text for i in (0, 1500, 2999))
    assert "x" * 5000 in text  # WordPiece counts an over-long word as one [UNK]
    assert ps[-1].text.endswith("end.")


def test_code_kept_whole_or_split_on_lines(count: Callable[[str], int]) -> None:
    small = "def f(x):\n    return x + 1\n\n\nprint(f(2))"
    big = "\n".join(f"    value_{i} = compute({i}, name='item {i}')  # step {i}" for i in range(80))
    ps = pieces(doc(H("Code"), T("Before."), Block("code", small), Block("code", big)), count,
                max_tokens=128, overlap=16)
    assert any(small in p.text for p in ps)  # whole, blank lines and indentation kept
    lines = big.split("\n")
    parts = [[ln for ln in p.text.split("\n") if "value_" in ln] for p in ps]
    assert sum(1 for part in parts if part) > 2
    # split on line boundaries only, nothing repeated (no prose overlap into code)
    assert [ln for part in parts for ln in part] == lines
    for p in ps:
        assert p.text.count("value_") == sum(ln in p.text.split("\n") for ln in lines)


def test_table_split_repeats_header(count: Callable[[str], int]) -> None:
    header = "Region | Owner | Budget"
    rows = [f"region-{i} | team {i} | {i * 1000} EUR" for i in range(60)]
    small = "A | B\n1 | 2"
    ps = pieces(doc(H("Data"), Block("table", small), Block("table", "\n".join([header, *rows]))),
                count, max_tokens=96)
    assert ps[0].text.startswith(small + "\n\n" + header)  # small table kept whole
    with_rows = [p.text.split("\n") for p in ps if "region-" in p.text]
    assert len(with_rows) > 2
    for lines in with_rows:  # the header row right before each piece's first row
        first = next(i for i, ln in enumerate(lines) if ln.startswith("region-"))
        assert lines[first - 1] == header
    assert [ln for lines in with_rows for ln in lines if ln.startswith("region-")] == rows


def test_deterministic_and_lazy(count: Callable[[str], int], tmp_path: Path) -> None:
    md = "\n\n".join(f"# Part {i}\n\n" + " ".join(SENTENCES[i:i + 30]) for i in range(20))
    (tmp_path / "d.md").write_text(md)
    runs = [list(chunk(parse(tmp_path / "d.md", "markdown"), count, 64, 16)) for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) > 20

    consumed = 0

    def endless() -> Iterator[Block]:
        nonlocal consumed
        for i in itertools.count():
            consumed += 1
            yield H(f"Section {i}") if i % 3 == 0 else T(SENTENCES[i % 60])

    first = list(itertools.islice(chunk(doc(title="t"), count), 0))  # no work before asked
    assert first == [] and consumed == 0
    got = list(itertools.islice(chunk(ParsedDocument("t", "text", endless()), count), 5))
    assert len(got) == 5 and consumed < 30  # pieces come out as sections complete


def test_long_headings_are_fitted(count: Callable[[str], int]) -> None:
    blocks = [H(f"Level {n} " + "very long words " * 40, n) for n in range(1, 8)]
    ps = pieces(doc(*blocks, T("Body text."), title="Handbook " * 30), count, max_tokens=128,
                overlap=8)
    assert len(ps) == 1 and ps[0].text == "Body text."
    assert ps[0].headings and ps[0].headings[-1].startswith("Level 7 very")  # deepest kept
    assert all(len(h) <= 100 for h in ps[0].headings)


def test_bad_arguments(count: Callable[[str], int]) -> None:
    with pytest.raises(ValueError):
        list(chunk(doc(T("x")), count, max_tokens=8))
