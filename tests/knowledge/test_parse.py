"""Parsing real files of every supported format, generated in tmp_path."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from homeport.errors import InvalidRequest, UnsupportedFormat
from homeport.knowledge.parse import FORMATS, Block, ParseError, detect_format, parse

PROSE = ("Retrieval works best on clean paragraphs. Each chunk should hold one idea. "
         "Long documents are split by section before they are embedded. ")


def blocks(path: Path, fmt: str | None = None) -> tuple[str, list[Block]]:
    doc = parse(path, fmt or detect_format(path.name))
    out = list(doc.blocks)
    offsets = [b.offset for b in out]
    assert offsets == sorted(offsets), "offsets increase in document order"
    return doc.title, out


def outline(bs: list[Block]) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in bs]


# -- formats ---------------------------------------------------------------------------------

def test_detect_format() -> None:
    assert detect_format("Report.PDF") == "pdf"
    assert detect_format("a/b/notes.markdown") == "markdown"
    assert detect_format("data.tsv") == "csv"
    assert {FORMATS[s] for s in (".htm", ".xhtml", ".html")} == {"html"}
    with pytest.raises(UnsupportedFormat) as e:
        detect_format("setup.exe")
    assert isinstance(e.value, InvalidRequest) and e.value.status == 400
    assert ".pdf" in e.value.message and ".docx" in e.value.message
    with pytest.raises(UnsupportedFormat):
        detect_format("README")


# -- PDF -------------------------------------------------------------------------------------

def make_pdf(path: Path, *, title: str | None = "Field Manual", toc: bool = True) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    for n, (chapter, section) in enumerate([("Setup", "Hardware"), ("Operation", "Daily checks"),
                                            ("Maintenance", "Cleaning")], start=1):
        pdf.add_page()
        if toc:
            pdf.start_section(chapter)
        pdf.set_font("Helvetica", size=16)
        pdf.cell(text=chapter, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 5, text=f"Chapter {n} introduction. " + PROSE * 3)
        pdf.ln(6)
        if toc:
            pdf.start_section(section, level=1)
        pdf.multi_cell(0, 5, text=f"{section} details follow. " + PROSE * 2)
        pdf.ln(6)
        pdf.multi_cell(0, 5, text="A sentence with a hyphen-\nated word and an end.")
        pdf.text(100, 285, str(n))  # a page number in the footer
    pdf.output(str(path))
    return path


def test_pdf_pages_bookmarks_and_paragraphs(tmp_path: Path) -> None:
    title, bs = blocks(make_pdf(tmp_path / "manual.pdf"))
    assert title == "Field Manual"
    assert all(b.page is not None for b in bs)
    heads = [(b.text, b.level, b.page) for b in bs if b.kind == "heading"]
    assert heads == [("Setup", 1, 1), ("Hardware", 2, 1), ("Operation", 1, 2),
                     ("Daily checks", 2, 2), ("Maintenance", 1, 3), ("Cleaning", 2, 3)]
    texts = [b for b in bs if b.kind == "text"]
    # the chapter line became the heading, not a paragraph; paragraphs are split apart
    assert not any(b.text == "Setup" for b in texts)
    page2 = [b.text for b in texts if b.page == 2]
    assert page2[0].startswith("Chapter 2 introduction.") and page2[0].endswith("embedded.")
    assert page2[1].startswith("Daily checks details follow.")
    assert page2[2] == "A sentence with a hyphenated word and an end."
    assert len(page2) == 3  # the page number is no paragraph
    # a heading sits right before its paragraph, in order
    i = outline(bs).index(("heading", "Daily checks"))
    assert bs[i + 1].text.startswith("Daily checks details follow.")


def test_pdf_without_metadata_or_bookmarks(tmp_path: Path) -> None:
    title, bs = blocks(make_pdf(tmp_path / "plain.pdf", title=None, toc=False))
    assert title == "Setup"  # first line of the first page
    assert {b.kind for b in bs} == {"text"} and {b.page for b in bs} == {1, 2, 3}


def test_pdf_encrypted(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica")
    pdf.cell(text="classified")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(ParseError, match="encrypted PDF: remove the password"):
        parse(tmp_path / "locked.pdf", "pdf")


def test_pdf_corrupt_and_scanned(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    with pytest.raises(ParseError, match="not a valid PDF"):
        parse(tmp_path / "bad.pdf", "pdf")
    pdf = FPDF()  # a page with only a drawing: no text layer
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")
    pdf.output(str(tmp_path / "scan.pdf"))
    doc = parse(tmp_path / "scan.pdf", "pdf")
    with pytest.raises(ParseError, match="no text layer"):
        list(doc.blocks)


# -- DOCX ------------------------------------------------------------------------------------

def test_docx(tmp_path: Path) -> None:
    d = docx.Document()
    d.core_properties.title = "Onboarding Handbook"
    d.add_paragraph("Handbook", style="Title")
    d.add_heading("First week", level=1)
    d.add_paragraph("Meet   the team\tand set up your laptop.")
    d.add_paragraph("Collect your badge", style="List Bullet")
    d.add_heading("Accounts", level=2)
    table = d.add_table(rows=3, cols=2)
    for r, row in enumerate([("System", "Owner"), ("Mail", "IT"), ("Wiki", "Docs")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("After the table.")
    merged = d.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Both"
    merged.cell(1, 0).text, merged.cell(1, 1).text = "x", "y"
    d.save(str(tmp_path / "hb.docx"))
    title, bs = blocks(tmp_path / "hb.docx")
    assert title == "Onboarding Handbook"
    assert outline(bs) == [
        ("heading", "Handbook"), ("heading", "First week"),
        ("text", "Meet the team and set up your laptop."), ("text", "Collect your badge"),
        ("heading", "Accounts"), ("table", "System | Owner\nMail | IT\nWiki | Docs"),
        ("text", "After the table."), ("table", "Both\nx | y")]
    assert [b.level for b in bs if b.kind == "heading"] == [1, 1, 2]


def test_docx_title_fallback_and_corrupt(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Preamble.")
    d.add_heading("Real Title", level=1)
    d.save(str(tmp_path / "x.docx"))
    assert parse(tmp_path / "x.docx", "docx").title == "Real Title"
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(ParseError, match="not a valid DOCX file") as e:
        parse(tmp_path / "bad.docx", "docx")
    assert str(tmp_path) not in str(e.value)  # the reason names the file, not where it lies


# -- HTML ------------------------------------------------------------------------------------

HTML = """<!doctype html><html><head><title>Ops Guide</title><style>p{color:red}</style></head>
<body><nav>Home | About</nav><header>Site banner</header>
<h1>Deploy</h1><div>Loose text in a <b>div</b>.<p>A   real
paragraph.</p>Trailing text.</div><!-- a comment -->
<h2>Steps</h2><ul><li>Build<ul><li>Nested step</li></ul></li><li>Ship</li></ul>
<pre><code>def main():
    return 0</code></pre>
<table><tr><th>Env</th><th>URL</th></tr><tr><td>prod</td><td>https://x</td></tr></table>
<aside>Related links</aside><script>alert("x")</script><footer>(c) 2024</footer></body></html>"""


def test_html(tmp_path: Path) -> None:
    (tmp_path / "g.html").write_text(HTML)
    title, bs = blocks(tmp_path / "g.html")
    assert title == "Ops Guide"
    assert outline(bs) == [
        ("heading", "Deploy"), ("text", "Loose text in a div."), ("text", "A real paragraph."),
        ("text", "Trailing text."), ("heading", "Steps"), ("text", "Build"),
        ("text", "Nested step"), ("text", "Ship"), ("code", "def main():\n    return 0"),
        ("table", "Env | URL\nprod | https://x")]
    assert [b.level for b in bs if b.kind == "heading"] == [1, 2]


# -- Markdown --------------------------------------------------------------------------------

MD = """---
title: "Runbook"
owner: ops
---
# Database

Backups run **nightly** at `02:00`.
See [the docs](https://example.com).

## Restore

```sql
SELECT 1;

SELECT 2;
```

| Step | Who |
|------|-----|
| stop | ops |
|      | dba |

- first item
- second item

<div>Some <em>html</em> block</div>
"""


def test_markdown(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text(MD)
    title, bs = blocks(tmp_path / "r.md")
    assert title == "Runbook"  # front matter title
    assert outline(bs) == [
        ("heading", "Database"), ("text", "Backups run nightly at 02:00. See the docs."),
        ("heading", "Restore"), ("code", "SELECT 1;\n\nSELECT 2;"),
        ("table", "Step | Who\nstop | ops\n | dba"), ("text", "first item"),
        ("text", "second item"), ("text", "Some html block")]
    assert "owner" not in " ".join(b.text for b in bs)
    assert MD[bs[0].offset:].startswith("# Database")  # offsets point into the source
    (tmp_path / "n.md").write_text("## Only second level\n\ntext\n")
    assert parse(tmp_path / "n.md", "markdown").title == "Only second level"


# -- reStructuredText ------------------------------------------------------------------------

RST = """Service Manual
==============

Intro *text*.

Install
-------

Run::

    pip install thing
      --flag

Details
~~~~~~~

- bullet one
- bullet two

+------+------+
| Key  | Val  |
+======+======+
| a    | 1    |
+------+------+

.. include:: /etc/passwd

.. raw:: html

   <script>alert(1)</script>
"""


def test_rst(tmp_path: Path) -> None:
    (tmp_path / "m.rst").write_text(RST)
    title, bs = blocks(tmp_path / "m.rst")
    assert title == "Service Manual"
    assert [(b.text, b.level) for b in bs if b.kind == "heading"] == [
        ("Service Manual", 1), ("Install", 2), ("Details", 3)]
    assert ("code", "pip install thing\n  --flag") in outline(bs)
    assert ("table", "Key | Val\na | 1") in outline(bs)
    assert ("text", "bullet one") in outline(bs)
    joined = " ".join(b.text for b in bs)
    assert "root:" not in joined and "script" not in joined  # no file includes, no raw


def test_rst_malformed_never_raises(tmp_path: Path) -> None:
    bad = "Title\n===\n\n.. unknown-directive::\n\n   body\n\n`unclosed *emph\n\n" \
          "+---+\n| broken table\n\n====\nx\n" + ".. [#] " * 50 + "\n" + "-" * 3 + "\n"
    (tmp_path / "bad.rst").write_text(bad)
    _, bs = blocks(tmp_path / "bad.rst")
    assert any("unclosed" in b.text for b in bs)
    # content docutils would only report as an error is not lost: plain text instead
    (tmp_path / "table.rst").write_text("+-----+-----+\n| key | value\n+-----+\n")
    assert "key | value" in " ".join(b.text for b in blocks(tmp_path / "table.rst")[1])
    (tmp_path / "long.rst").write_text("Title\n=====\n\n" + "word " * 5000 + "\n")
    assert blocks(tmp_path / "long.rst")[1][1].text.count("word") == 5000


# -- text and CSV ----------------------------------------------------------------------------

def test_text_encodings_and_paragraphs(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_bytes("Café   crème\nbrûlée\n\n\nNext “para”.\r\n".encode("cp1252"))
    title, bs = blocks(tmp_path / "w.txt")
    assert title == "w"
    assert outline(bs) == [("text", "Café crème brûlée"), ("text", "Next “para”.")]
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbfBOM first\n\n\x81\x8d odd bytes")
    assert [b.text for b in blocks(tmp_path / "b.txt")[1]] == ["ï»¿BOM first", "\x81\x8d odd bytes"]
    (tmp_path / "u.txt").write_bytes("\ufeffUTF-8 with BOM — ok".encode())
    assert [b.text for b in blocks(tmp_path / "u.txt")[1]] == ["UTF-8 with BOM — ok"]


def test_csv_rows_are_self_describing(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("name;age;city\nAnn;31;Paris\nBob;;Rome\n" + "".join(
        f"P{i};{i};Town {i}\n" for i in range(40)))
    title, bs = blocks(tmp_path / "p.csv")
    assert title == "p" and len(bs) > 1 and {b.kind for b in bs} == {"table"}
    rows = [r for b in bs for r in b.text.split("\n")]
    assert rows[:2] == ["name: Ann; age: 31; city: Paris", "name: Bob; city: Rome"]
    assert len(rows) == 42 and all(r.startswith("name: ") for r in rows)
    (tmp_path / "t.tsv").write_text("a\tb\n1\t2\t3\n")
    assert [b.text for b in blocks(tmp_path / "t.tsv")[1]] == ["a: 1; b: 2; column 3: 3"]


def test_empty_files_give_no_blocks(tmp_path: Path) -> None:
    for name in ("e.txt", "e.md", "e.html", "e.rst", "e.csv"):
        (tmp_path / name).write_text("  \n\n")
        title, bs = blocks(tmp_path / name)
        assert (title, bs) == ("e", [])
