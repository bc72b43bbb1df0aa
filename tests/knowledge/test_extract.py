"""extract(): parse + chunk a real file into JSON lines, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fpdf import FPDF

from homeport.knowledge.extract import Extracted, extract, token_counter
from homeport.knowledge.parse import ParseError, parse
from homeport.providers.modelfiles import MINILM_TOKENIZER

STEPS = " ".join(f"Step {i} tells the operator what to check next." for i in range(80))
MD = f"# Guide\n\n{STEPS}\n\n## Commands\n\n```sh\nhomeport serve\nhomeport ingest ./docs\n```\n"


def test_extract_writes_jsonl(tmp_path: Path) -> None:
    src, out = tmp_path / "guide.md", tmp_path / "out" / "guide.jsonl"
    src.write_text(MD)
    out.parent.mkdir()
    result = extract(src, "markdown", out, MINILM_TOKENIZER, max_tokens=128, overlap=16)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    chars = sum(len(b.text) for b in parse(src, "markdown").blocks)
    assert result == Extracted("Guide", "markdown", len(rows), chars)
    assert sorted(p.name for p in out.parent.iterdir()) == ["guide.jsonl"]  # no .part left
    count = token_counter(MINILM_TOKENIZER)
    assert [r["seq"] for r in rows] == list(range(len(rows)))
    for r in rows:
        assert set(r) == {"seq", "text", "headings", "page", "offset", "tokens", "embed"}
        assert r["tokens"] == count(r["embed"]) <= 128
        assert r["embed"].endswith("\n\n" + r["text"])
    assert rows[0]["embed"].startswith("Guide\n\nStep 0 tells")
    assert rows[-1]["headings"] == ["Guide", "Commands"]
    assert rows[-1]["text"] == "homeport serve\nhomeport ingest ./docs"
    assert rows[-1]["embed"].startswith("Guide › Commands\n\n")
    # the same file gives the same lines (resumed ingestion relies on it)
    again = tmp_path / "again.jsonl"
    extract(src, "markdown", again, MINILM_TOKENIZER, max_tokens=128, overlap=16)
    assert again.read_bytes() == out.read_bytes()


def test_extract_pdf_pages(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(1, 4):
        pdf.add_page()
        pdf.multi_cell(0, 5, text=f"Page {n} says hello. " * 30)
    pdf.output(str(tmp_path / "p.pdf"))
    extract(tmp_path / "p.pdf", "pdf", tmp_path / "p.jsonl", MINILM_TOKENIZER)
    rows = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [r["page"] for r in rows] == [1, 2, 3]
    assert all(f"Page {r['page']} says hello." in r["text"] for r in rows)


def test_empty_and_failed_documents_leave_nothing(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    (tmp_path / "empty.md").write_text("---\ntitle: x\n---\n\n# Only a heading\n")
    with pytest.raises(ParseError, match="no text found"):
        extract(tmp_path / "empty.md", "markdown", out, MINILM_TOKENIZER)
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50, style="F")
    pdf.output(str(tmp_path / "scan.pdf"))
    out.write_text("previous result\n")
    with pytest.raises(ParseError, match="no text layer"):  # fails while pieces are written
        extract(tmp_path / "scan.pdf", "pdf", out, MINILM_TOKENIZER)
    assert out.read_text() == "previous result\n"  # untouched
    (tmp_path / "bad.docx").write_bytes(b"nope")
    with pytest.raises(ParseError, match="not a valid DOCX"):
        extract(tmp_path / "bad.docx", "docx", tmp_path / "d.jsonl", MINILM_TOKENIZER)
    assert sorted(p.name for p in tmp_path.iterdir() if ".jsonl" in p.name) == ["o.jsonl"]


def test_non_utf8_text(tmp_path: Path) -> None:
    (tmp_path / "legacy.txt").write_bytes("Prix: 12 €, déjà vu.\n\nZweiter Absatz: Größe.".encode(
        "cp1252"))
    result = extract(tmp_path / "legacy.txt", "text", tmp_path / "l.jsonl", MINILM_TOKENIZER)
    rows = [json.loads(line) for line in (tmp_path / "l.jsonl").read_text().splitlines()]
    assert result.title == "legacy" and result.pieces == 1
    assert rows[0]["text"] == "Prix: 12 €, déjà vu.\n\nZweiter Absatz: Größe."
