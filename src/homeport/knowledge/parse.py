"""Turn an uploaded file into a title and a stream of structural blocks.

One function per format, each on a maintained library (pypdfium2, python-docx, selectolax,
markdown-it-py, docutils, csv). A parser returns `(title, blocks)`; `parse` wraps every
third-party failure, now or while the blocks are read, into `ParseError` with a clear reason.

`Block.offset` is the block's character offset in the document's extracted text: the decoded
source for text and Markdown, the concatenated page texts for PDF, and the blocks joined by
blank lines for the other formats.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from homeport.errors import InvalidRequest

FORMATS: dict[str, str] = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".rst": "rst", ".rest": "rst",
    ".txt": "text", ".text": "text", ".log": "text", ".csv": "csv", ".tsv": "csv",
}

Kind = Literal["heading", "text", "code", "table"]
Raw = tuple[Kind, str, int]  # (kind, text, level) before offsets are assigned


class UnsupportedFormat(InvalidRequest):
    code = "unsupported_format"


class ParseError(Exception):
    """The file cannot be read; the message says why in words a user can act on."""


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str
    level: int = 0
    page: int | None = None
    offset: int = 0


@dataclass(slots=True)
class ParsedDocument:
    title: str
    format: str
    blocks: Iterator[Block]


def detect_format(filename: str) -> str:
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise UnsupportedFormat(
            f"unsupported file type {Path(filename).suffix or '(none)'!r}: upload one of "
            + ", ".join(sorted(FORMATS)), param="file")
    return fmt


def parse(path: Path, fmt: str) -> ParsedDocument:
    parser = _PARSERS.get(fmt)
    if parser is None:
        raise UnsupportedFormat(f"unsupported format {fmt!r}; one of {sorted(_PARSERS)}")
    try:
        title, blocks = parser(path)
    except ParseError:
        raise
    except Exception as e:
        raise ParseError(f"cannot read this {fmt} file ({e})") from e
    return ParsedDocument(_norm(title) or path.stem, fmt, _guard(blocks, fmt))


def _guard(blocks: Iterator[Block], fmt: str) -> Iterator[Block]:
    try:
        yield from blocks
    except ParseError:
        raise
    except Exception as e:
        raise ParseError(f"cannot read this {fmt} file ({e})") from e


# -- helpers ---------------------------------------------------------------------------------

_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u00ad\ufffe\ufeff]")


def _norm(text: str) -> str:
    """Collapse whitespace; drop control characters and soft hyphens."""
    return " ".join(_JUNK.sub("", text).split())


def _encoding(path: Path) -> str:
    """UTF-8 (BOM or not) when the whole file decodes, else cp1252, else latin-1 (never fails)."""
    for enc in ("utf-8-sig", "cp1252"):
        dec = codecs.getincrementaldecoder(enc)()
        try:
            with path.open("rb") as f:
                while data := f.read(1 << 20):
                    dec.decode(data)
            dec.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _read_text(path: Path) -> str:
    return path.read_text(encoding=_encoding(path))


def _offsets(raws: Iterable[Raw]) -> Iterator[Block]:
    """Blocks from raw items, offsets counted as if joined by blank lines."""
    off = 0
    for kind, text, level in raws:
        yield Block(kind, text, level, None, off)
        off += len(text) + 2


def _row(cells: Iterable[str]) -> str:
    return " | ".join(cells)


# -- plain text ------------------------------------------------------------------------------

_PARA_MAX = 64 * 1024  # a file without blank lines is cut at line ends into bounded paragraphs


def _paragraphs(lines: Iterable[str]) -> Iterator[Block]:
    para: list[str] = []
    size = start = off = 0
    for line in lines:
        if line.strip():
            if not para:
                start = off
            para.append(line)
            size += len(line)
        if para and (not line.strip() or size > _PARA_MAX):
            if text := _norm(" ".join(para)):
                yield Block("text", text, offset=start)
            para, size = [], 0
        off += len(line)
    if para and (text := _norm(" ".join(para))):
        yield Block("text", text, offset=start)


def _text(path: Path) -> tuple[str, Iterator[Block]]:
    def blocks() -> Iterator[Block]:
        with path.open(encoding=_encoding(path), newline="") as f:
            yield from _paragraphs(f)
    return "", blocks()


# -- CSV / TSV -------------------------------------------------------------------------------

_ROWS_CHARS = 300  # rows are grouped into blocks of about this many characters


def _csv(path: Path) -> tuple[str, Iterator[Block]]:
    def blocks() -> Iterator[Block]:
        with path.open(encoding=_encoding(path), newline="") as f:
            sample = f.read(64 * 1024)
            f.seek(0)
            tsv = path.suffix.lower() == ".tsv"
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters="\t" if tsv else ",;\t|")
            except csv.Error:
                dialect = csv.excel_tab if tsv else csv.excel
            reader = csv.reader(f, dialect)
            header = [_norm(h) for h in next(reader, [])]
            group: list[str] = []
            size = off = 0
            for cells in reader:
                names = header + [f"column {i + 1}" for i in range(len(header), len(cells))]
                line = "; ".join(f"{names[i] or f'column {i + 1}'}: {v}"
                                 for i, c in enumerate(cells) if (v := _norm(c)))
                if line:
                    group.append(line)
                    size += len(line) + 1
                if group and size >= _ROWS_CHARS:
                    yield Block("table", "\n".join(group), offset=off)
                    off, group, size = off + size + 1, [], 0
            if group:
                yield Block("table", "\n".join(group), offset=off)
    return "", blocks()


# -- PDF -------------------------------------------------------------------------------------

_NO_TEXT = "no text found: the PDF has no text layer (scanned images); OCR is not supported"


def _pdf(path: Path) -> tuple[str, Iterator[Block]]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ParseError("encrypted PDF: remove the password and upload again") from e
        raise ParseError(f"not a valid PDF file ({e})") from e
    try:
        toc: dict[int, list[tuple[int, str]]] = {}
        for bm in doc.get_toc():
            dest = bm.get_dest()
            index = dest.get_index() if dest is not None else None
            if index is not None and (name := _norm(bm.get_title())):
                toc.setdefault(index, []).append((bm.level + 1, name))
        title = _norm(doc.get_metadata_value("Title") or "")
        if not title and len(doc):
            title = next((_norm(ln) for ln in _page_text(doc, 0)[0].splitlines() if ln.strip()), "")
    except BaseException:
        doc.close()
        raise
    return title, _pdf_blocks(doc, toc)


Box = tuple[float, float, float]  # bottom, top, right of one visual line


def _page_text(doc: Any, index: int) -> tuple[str, list[Box]]:
    """The page's text and the boxes of its visual lines (text runs merged per line)."""
    page = doc[index]
    try:
        textpage = page.get_textpage()
        try:
            boxes: list[Box] = []
            for i in range(textpage.count_rects()):
                _, bottom, right, top = textpage.get_rect(i)
                if boxes and min(top, boxes[-1][1]) - max(bottom, boxes[-1][0]) > 0.5 * min(
                        top - bottom, boxes[-1][1] - boxes[-1][0]):  # same line
                    bottom, top = min(bottom, boxes[-1][0]), max(top, boxes[-1][1])
                    boxes[-1] = (bottom, top, max(right, boxes[-1][2]))
                else:
                    boxes.append((bottom, top, right))
            return str(textpage.get_text_bounded()), boxes
        finally:
            textpage.close()
    finally:
        page.close()


def _pdf_blocks(doc: Any, toc: dict[int, list[tuple[int, str]]]) -> Iterator[Block]:
    try:
        base, found = 0, False
        for i in range(len(doc)):
            text, boxes = _page_text(doc, i)
            for b in _place_headings(_pdf_paragraphs(text, boxes), toc.get(i, []), i + 1, base):
                found = found or b.kind == "text"
                yield b
            base += len(text) + 1
        if not found:
            raise ParseError(_NO_TEXT)
    finally:
        doc.close()


def _pdf_paragraphs(text: str, boxes: list[Box]) -> list[tuple[int, str]]:
    """(offset, text) paragraphs. A line ends a paragraph when it is clearly shorter than the
    page's usual line (and ends a sentence, or is very short, like a heading); where the line
    boxes match the text lines, also at a wider gap or a change of font size."""
    lines, off = [], 0
    for raw in text.splitlines(keepends=True):
        if raw.strip():
            lines.append((off, raw.strip()))
        off += len(raw)
    lengths = sorted(len(s) for _, s in lines)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    breaks = [False] * len(lines)  # breaks[i]: a paragraph ends after line i
    if len(boxes) == len(lines) > 1:
        pitch = sorted(a[0] - b[0] for a, b in itertools.pairwise(boxes))[len(boxes) // 2 - 1]
        right = sorted(b[2] for b in boxes)[int(len(boxes) * 0.9)]
        for i, (a, b) in enumerate(itertools.pairwise(boxes)):
            ha, hb = a[1] - a[0], b[1] - b[0]
            breaks[i] = (a[0] - b[0] > 1.3 * pitch or b[0] > a[0] or abs(ha - hb) > 0.2 * ha
                         or a[2] < right * (0.8 if lines[i][1][-1] in _END else 0.5))
    paras: list[tuple[int, str]] = []
    cur: list[str] = []
    for i, (off, line) in enumerate(lines):
        if not cur:
            start = off
        if cur and cur[-1][-1] in "-\x02\xad" and cur[-1][-2:-1].isalpha() and line[0].islower():
            cur[-1] = cur[-1][:-1] + line  # re-join a word hyphenated across lines
        else:
            cur.append(line)
        if breaks[i] or len(line) < width * (0.8 if line[-1] in _END else 0.5) \
                or i == len(lines) - 1:
            if para := _norm(" ".join(cur)):
                paras.append((start, para))
            cur = []
    return paras


_END = ".!?:;\"”’)"


def _place_headings(paras: list[tuple[int, str]], heads: list[tuple[int, str]],
                    page: int, base: int) -> Iterator[Block]:
    """Bookmarks become headings before the paragraph that starts with their title on their
    page (a paragraph that is just the title, maybe numbered, is the heading itself), or at
    the top of the rest of the page when none does."""
    j = 0
    for level, name in heads:
        k = next((k for k in range(j, len(paras)) if _starts(paras[k][1], name)), j)
        for off, text in paras[j:k]:
            yield Block("text", text, 0, page, base + off)
        off = paras[k][0] if k < len(paras) else (paras[-1][0] if paras else 0)
        yield Block("heading", name, level, page, base + off)
        j = k + 1 if k < len(paras) and _is_title(paras[k][1], name) else k
    for off, text in paras[j:]:
        yield Block("text", text, 0, page, base + off)


def _starts(text: str, name: str) -> bool:
    head = text[:len(name)]
    return head.casefold() == name.casefold() and not text[len(name):len(name) + 1].isalnum()


def _is_title(text: str, name: str) -> bool:
    text = re.sub(r"^(?:\d+\.)*\d+\.?\s+", "", text) if not _starts(text, name) else text
    return text.casefold() == name.casefold()


# -- DOCX ------------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"heading (\d)", re.I)


def _docx(path: Path) -> tuple[str, Iterator[Block]]:
    import docx
    from docx.table import Table

    try:
        d = docx.Document(str(path))
    except Exception as e:
        raise ParseError(f"not a valid DOCX file ({e})") from e
    raws: list[Raw] = []
    for item in d.iter_inner_content():
        if isinstance(item, Table):
            rows = []
            for row in item.rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell repeats: keep it once
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(_norm(cell.text))
                if any(cells):
                    rows.append(_row(cells))
            if rows:
                raws.append(("table", "\n".join(rows), 0))
        elif text := _norm(item.text):
            style = item.style.name if item.style is not None else ""
            m = _HEADING_STYLE.fullmatch(style or "")
            if m or style == "Title":
                raws.append(("heading", text, int(m.group(1)) if m else 1))
            else:
                raws.append(("text", text, 0))
    title = _norm(d.core_properties.title or "")
    title = title or next((t for k, t, _ in raws if k == "heading"), "")
    return title, _offsets(raws)


# -- HTML ------------------------------------------------------------------------------------

_DROP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "head",
         "svg", "iframe", "object", "canvas", "button", "select"}
_BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "section", "article",
           "main", "figure", "figcaption", "address", "details", "summary", "hr", "body",
           "center", "form", "fieldset", "caption"}


def _html_raws(root: Any) -> Iterator[Raw]:
    """Depth-first walk (no recursion, so deep pages cannot overflow the stack): block
    elements end the running text, headings/pre/tables become their own blocks."""
    buf: list[str] = []
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        tag = node.tag if node is not None else None
        if tag == "-text":
            buf.append(node.text_content or "")
            continue
        if tag is not None and (tag in _DROP or tag.startswith("-")):
            continue
        if tag is None or tag in _BLOCKS or tag in ("pre", "table") or _is_heading(tag):
            if text := _norm(" ".join(buf)):
                yield "text", text, 0
            buf = []
        if tag is None:
            continue
        if _is_heading(tag):
            if text := _norm(node.text(deep=True, separator=" ")):
                yield "heading", text, int(tag[1])
        elif tag == "pre":
            if text := node.text(deep=True).strip("\n"):
                yield "code", text, 0
        elif tag == "table":
            rows = [_row(_norm(c.text(deep=True, separator=" ")) for c in tr.css("th, td"))
                    for tr in node.css("tr")]
            if rows := [r for r in rows if r.strip(" |")]:
                yield "table", "\n".join(rows), 0
        else:
            if tag == "br":
                buf.append(" ")
            if tag in _BLOCKS:
                stack.append(None)  # marker: flush the text when this element ends
            stack.extend(reversed(list(node.iter(include_text=True))))
    if text := _norm(" ".join(buf)):
        yield "text", text, 0


def _is_heading(tag: str) -> bool:
    return len(tag) == 2 and tag[0] == "h" and tag[1] in "123456"


def _html(path: Path) -> tuple[str, Iterator[Block]]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_read_text(path))
    node = tree.css_first("title") or tree.css_first("h1")
    title = _norm(node.text(deep=True, separator=" ")) if node is not None else ""
    return title, _offsets(_html_raws(tree.body) if tree.body is not None else ())


# -- Markdown --------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def _markdown(path: Path) -> tuple[str, Iterator[Block]]:
    from markdown_it import MarkdownIt

    source = original = _read_text(path)
    title = ""
    if m := _FRONT.match(source):  # front matter: blank it out, keep line numbers
        if t := re.search(r"^title:\s*(.+?)\s*$", m.group(1) or "", re.M):
            title = t.group(1).strip("'\"")
        source = "\n" * m.group(0).count("\n") + source[m.end():]
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    starts = [0]
    for line in original.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        off = starts[min(tok.map[0], len(starts) - 1)] if tok.map else 0
        if tok.type == "heading_open" and (text := _inline(tokens[i + 1])):
            blocks.append(Block("heading", text, int(tok.tag[1]), None, off))
        elif tok.type == "paragraph_open" and (text := _inline(tokens[i + 1])):
            blocks.append(Block("text", text, 0, None, off))
        elif tok.type in ("fence", "code_block") and (text := tok.content.strip("\n")):
            blocks.append(Block("code", text, 0, None, off))
        elif tok.type == "html_block":
            from selectolax.lexbor import LexborHTMLParser

            body = LexborHTMLParser(tok.content).body
            for kind, text, level in _html_raws(body) if body is not None else ():
                blocks.append(Block(kind, text, level, None, off))
        elif tok.type == "table_open":
            rows: list[list[str]] = []
            while tokens[i].type != "table_close":
                i += 1
                if tokens[i].type == "tr_open":
                    rows.append([])
                elif tokens[i].type == "inline":
                    rows[-1].append(_inline(tokens[i]))
            blocks.append(Block("table", "\n".join(map(_row, rows)), 0, None, off))
        i += 1
    heads = [b for b in blocks if b.kind == "heading"]
    top = min((b.level for b in heads), default=0)
    title = title or next((b.text for b in heads if b.level == top), "")
    return title, iter(blocks)


def _inline(tok: Any) -> str:
    parts = [c.content if c.type in ("text", "code_inline", "image") else " "
             for c in tok.children or () if c.type in ("text", "code_inline", "image")
             or c.type.endswith("break")]
    return _norm("".join(parts))


# -- reStructuredText ------------------------------------------------------------------------

_RST_SETTINGS = {"report_level": 5, "halt_level": 5, "file_insertion_enabled": False,
                 "raw_enabled": False, "doctitle_xform": False, "_disable_config": True}


def _rst(path: Path) -> tuple[str, Iterator[Block]]:
    source = _read_text(path)
    try:
        raws = list(_rst_raws(source))
    except Exception:  # malformed input must never fail the upload: read it as plain text
        return "", _paragraphs(io.StringIO(source, newline=""))
    title = next((t for k, t, lv in raws if k == "heading" and lv == 1), "")
    return title, _offsets(raws)


def _rst_raws(source: str) -> Iterator[Raw]:
    from docutils import nodes
    from docutils.core import publish_doctree

    settings = {**_RST_SETTINGS, "warning_stream": io.StringIO()}
    tree = publish_doctree(source, settings_overrides=settings)
    skip = (nodes.comment, nodes.substitution_definition, nodes.target, nodes.raw,
            nodes.system_message, nodes.pending, nodes.label, nodes.image, nodes.transition)
    stack: list[tuple[Any, int]] = [(c, 0) for c in reversed(tree.children)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, skip):
            continue
        if isinstance(node, nodes.title) and isinstance(node.parent, nodes.section):
            if text := _norm(node.astext()):
                yield "heading", text, depth
        elif isinstance(node, (nodes.literal_block, nodes.doctest_block)):
            if text := node.astext().strip("\n"):
                yield "code", text, 0
        elif isinstance(node, nodes.table):
            rows = [_row(_norm(e.astext()) for e in r.children) for r in node.findall(nodes.row)]
            if rows:
                yield "table", "\n".join(rows), 0
        elif isinstance(node, (nodes.TextElement, nodes.Text)):
            if text := _norm(node.astext()):
                yield "text", text, 0
        elif isinstance(node, nodes.Element):
            inner = depth + 1 if isinstance(node, nodes.section) else depth
            stack.extend((c, inner) for c in reversed(node.children))


_PARSERS: dict[str, Callable[[Path], tuple[str, Iterator[Block]]]] = {
    "pdf": _pdf, "docx": _docx, "html": _html, "markdown": _markdown, "rst": _rst,
    "text": _text, "csv": _csv,
}
