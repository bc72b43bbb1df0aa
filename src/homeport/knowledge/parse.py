"""An uploaded file -> its title and a stream of structural blocks, one maintained library
per format; any failure, on opening or while blocks are read, becomes a `ParseError` with a
reason. `Block.offset` counts characters of the extracted text: the decoded source (text,
Markdown), the page texts in a row (PDF), the blocks joined by blank lines (the others)."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from homeport.errors import UnsupportedFormat

FORMATS: dict[str, str] = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".rst": "rst", ".rest": "rst",
    ".txt": "text", ".text": "text", ".log": "text", ".csv": "csv", ".tsv": "csv",
}

Kind = Literal["heading", "text", "code", "table"]
Raw = tuple[Kind, str, int]  # (kind, text, level) before offsets are assigned
Parsed = tuple[str, Iterator["Block"]]  # what a format's parser returns: title, blocks
Box = tuple[float, float, float]  # PDF: bottom, top, right of one text line

_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u00ad\ufffe\ufeff]")
_END = ".!?:;\"”’)"  # a line ending in one of these may end a paragraph
_DROP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "head",
         "svg", "iframe", "object", "canvas", "button", "select"}  # HTML: not content
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "section", "article",
           "main", "figure", "figcaption", "address", "details", "summary", "hr", "body",
           "center", "form", "fieldset", "caption", "pre", "table", *_HEADINGS}


class ParseError(Exception):
    """The file cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str
    level: int = 0            # headings: 1 = top
    page: int | None = None   # 1-based (PDF only)
    offset: int = 0


@dataclass(slots=True)
class ParsedDocument:
    title: str
    format: str
    blocks: Iterator[Block]


def detect_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormat(f"unsupported file type {suffix or '(none)'!r}: upload one of "
                                + ", ".join(sorted(FORMATS)), param="file")
    return FORMATS[suffix]


def parse(path: Path, fmt: str, name: str | None = None) -> ParsedDocument:
    """`name`: the document's own file name (the title when it has none), if `path` differs."""
    if fmt not in _PARSERS:
        raise UnsupportedFormat(f"unsupported format {fmt!r}; one of {sorted(_PARSERS)}")
    with _reasons(fmt, path):
        title, blocks = _PARSERS[fmt](path)
    stem = PurePosixPath(name).stem if name else path.stem
    return ParsedDocument(_norm(title) or stem, fmt, _guard(blocks, fmt, path))


def _guard(blocks: Iterator[Block], fmt: str, path: Path) -> Iterator[Block]:
    with _reasons(fmt, path):
        yield from blocks


@contextmanager
def _reasons(fmt: str, path: Path) -> Iterator[None]:
    """A library's failure on a bad file -> ParseError (naming the file, not where it lies)."""
    try:
        yield
    except ParseError:
        raise
    except Exception as e:
        raise ParseError(f"cannot read this {fmt} file ({_reason(e, path)})") from e


def _reason(e: Exception, path: Path) -> str:
    return str(e).replace(str(path), path.name) or type(e).__name__


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


def _offsets(raws: Iterable[Raw]) -> Iterator[Block]:
    """Blocks of the non-empty raw items, offsets counted as if joined by blank lines."""
    off = 0
    for kind, text, level in raws:
        if text:
            yield Block(kind, text, level, None, off)
            off += len(text) + 2


def _paragraphs(source: Path | str, most: int = 64 * 1024) -> Parsed:
    """Paragraphs between blank lines (one without any is cut at `most` characters)."""
    def blocks() -> Iterator[Block]:
        para: list[str] = []
        size = start = off = 0
        with (source.open(encoding=_encoding(source), newline="") if isinstance(source, Path)
              else io.StringIO(source, newline="")) as lines:
            for line in lines:
                if line.strip():
                    start = start if para else off
                    para.append(line)
                    size += len(line)
                if para and (not line.strip() or size > most):
                    if text := _norm(" ".join(para)):
                        yield Block("text", text, offset=start)
                    para, size = [], 0
                off += len(line)
        if text := _norm(" ".join(para)):
            yield Block("text", text, offset=start)
    return "", blocks()


def _csv(path: Path, rows_per_block: int = 8) -> Parsed:
    """Rows as "column: value; ..." (self-describing), a few rows per block."""
    def blocks() -> Iterator[Block]:
        with path.open(encoding=_encoding(path), newline="") as f:
            sample, tsv = f.read(64 * 1024), path.suffix.lower() == ".tsv"
            f.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters="\t" if tsv else ",;\t|")
            except csv.Error:
                dialect = csv.excel_tab if tsv else csv.excel
            reader = csv.reader(f, dialect)
            header = [_norm(h) for h in next(reader, [])]
            lines = (line for cells in reader if (line := "; ".join(
                f"{(header[i] if i < len(header) else '') or f'column {i + 1}'}: {v}"
                for i, c in enumerate(cells) if (v := _norm(c)))))
            off = 0
            while group := "\n".join(itertools.islice(lines, rows_per_block)):
                yield Block("table", group, offset=off)
                off += len(group) + 2
    return "", blocks()


def _pdf(path: Path) -> Parsed:
    import pypdfium2 as pdfium
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ParseError("encrypted PDF: remove the password and upload again") from e
        raise ParseError(f"not a valid PDF file ({e})") from e
    try:
        toc: dict[int, list[tuple[int, str]]] = {}  # page index -> bookmarks (level, title)
        for bm in doc.get_toc():
            dest = bm.get_dest()
            index = dest.get_index() if dest is not None else None
            if index is not None and (name := _norm(bm.get_title())):
                toc.setdefault(index, []).append((bm.level + 1, name))
        title = _norm(doc.get_metadata_value("Title") or "")
        if not title and len(doc):
            title = next((ln for ln in _page_text(doc, 0)[0].splitlines() if ln.strip()), "")
    except BaseException:
        doc.close()
        raise

    def blocks() -> Iterator[Block]:  # page by page; the document is closed at the end
        with closing(doc):
            base, found = 0, False
            for i in range(len(doc)):
                text, boxes = _page_text(doc, i)
                paras = _pdf_paragraphs(text, boxes)
                for b in _place_headings(paras, toc.get(i, []), i + 1, base):
                    found = found or b.kind == "text"
                    yield b
                base += len(text) + 1
            if not found:
                raise ParseError("no text found: the PDF has no text layer (scanned images); "
                                 "OCR is not supported")
    return title, blocks()


def _page_text(doc: Any, index: int) -> tuple[str, list[Box]]:
    """The page's text, and the box of each non-blank line (found in the char-indexed text)."""
    with closing(doc[index]) as page, closing(page.get_textpage()) as textpage:
        boxes: list[Box] = []
        for m in re.finditer(r"[^\r\n]*\S[^\r\n]*", textpage.get_text_range()):
            line = m.group()
            _, bottom, _, top = textpage.get_charbox(
                m.start() + len(line) - len(line.lstrip()), loose=True)
            boxes.append((bottom, top, textpage.get_charbox(m.start() + len(line.rstrip()) - 1)[2]))
        return str(textpage.get_text_bounded()), boxes


def _pdf_paragraphs(text: str, boxes: list[Box]) -> list[tuple[int, str]]:
    """(offset, text) paragraphs. A line ends one when clearly shorter than the page's usual
    line (ending a sentence, or very short like a heading); where the line boxes match the
    lines, also before a wider gap, a jump up (next column) or a change of font size."""
    lines, off = [], 0
    for raw in text.splitlines(keepends=True):
        if raw.strip():
            lines.append((off, raw.strip()))
        off += len(raw)
    lengths = sorted(len(s) for _, s in lines)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    breaks = [len(s) < width * (0.8 if s[-1] in _END else 0.5) for _, s in lines]
    if len(boxes) == len(lines) > 1:
        gaps = sorted(g for a, b in itertools.pairwise(boxes) if (g := a[0] - b[0]) > 0)
        pitch = gaps[len(gaps) // 2] if gaps else 0.0  # the usual distance between lines
        right = sorted(b[2] for b in boxes)[int(len(boxes) * 0.9)]
        for i, (a, b) in enumerate(itertools.pairwise(boxes)):
            short = a[2] < right * (0.8 if lines[i][1][-1] in _END else 0.5)
            breaks[i] = breaks[i] or short or a[0] - b[0] > 1.3 * pitch or b[0] > a[0] \
                or abs((a[1] - a[0]) - (b[1] - b[0])) > 0.2 * (a[1] - a[0])
    paras: list[tuple[int, str]] = []
    cur: list[str] = []
    start = 0
    for i, (off, line) in enumerate(lines):
        start = start if cur else off
        if cur and cur[-1][-1] in "-\x02\xad" and cur[-1][-2:-1].isalpha() and line[0].islower():
            cur[-1] = cur[-1][:-1] + line  # re-join a word hyphenated across lines
        else:
            cur.append(line)
        if breaks[i] or i == len(lines) - 1:
            if (para := _norm(" ".join(cur))) and not para.isdigit():  # not a page number
                paras.append((start, para))
            cur = []
    return paras


def _place_headings(paras: list[tuple[int, str]], heads: list[tuple[int, str]],
                    page: int, base: int) -> Iterator[Block]:
    """Bookmarks become headings before the first paragraph starting with their title (one that
    is just the title, maybe numbered, is the heading itself), else after the previous one."""
    def match(text: str, name: str) -> tuple[bool, bool]:  # (starts with name, is name)
        name = name.casefold()
        for t in (text.casefold(), re.sub(r"^(?:\d+\.)*\d+\.?\s+", "", text.casefold())):
            if t[:len(name)] == name and not t[len(name):len(name) + 1].isalnum():
                return True, len(t) == len(name)
        return False, False
    j = 0
    for level, name in heads:
        k = next((k for k in range(j, len(paras)) if match(paras[k][1], name)[0]), j)
        yield from (Block("text", t, 0, page, base + off) for off, t in paras[j:k])
        off = paras[min(k, len(paras) - 1)][0] if paras else 0
        yield Block("heading", name, level, page, base + off)
        j = k + 1 if k < len(paras) and match(paras[k][1], name)[1] else k
    yield from (Block("text", t, 0, page, base + off) for off, t in paras[j:])


def _docx(path: Path) -> Parsed:
    import docx
    from docx.table import Table
    try:
        d = docx.Document(str(path))
    except Exception as e:
        raise ParseError(f"not a valid DOCX file ({_reason(e, path)})") from e
    raws: list[Raw] = []  # (empty items are dropped by _offsets)
    for item in d.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(item, Table):
            cells = [{id(c._tc): _norm(c.text) for c in row.cells} for row in item.rows]
            raws.append(("table", "\n".join(  # a merged cell repeats: kept once
                " | ".join(r.values()) for r in cells if any(r.values())), 0))
        elif text := _norm(item.text):
            style = (item.style.name if item.style is not None else "") or ""
            m = re.fullmatch(r"heading (\d)", style, re.I)
            level = int(m[1]) if m else int(style == "Title")
            raws.append(("heading" if level else "text", text, level))
    title = _norm(d.core_properties.title or "")
    return title or next((t for k, t, _ in raws if k == "heading" and t), ""), _offsets(raws)


def _html_raws(root: Any) -> Iterator[Raw]:
    """Depth-first walk without recursion (deep pages cannot overflow the stack): block
    elements end the running text; headings, pre and tables become blocks of their own.
    Items may be empty (`_offsets` drops them)."""
    buf: list[str] = []
    stack: list[Any] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        tag = node.tag if node is not None else None  # None: the end of a block element
        if tag == "-text":
            buf.append(node.text_content or "")
            continue
        if tag is not None and (tag in _DROP or tag.startswith("-")):
            continue
        if tag is None or tag in _BLOCKS:
            yield "text", _norm("".join(buf)), 0
            buf = []
        if tag is None:
            continue
        if tag in _HEADINGS:
            yield "heading", _norm(node.text(deep=True, separator=" ")), int(tag[1])
        elif tag == "pre":
            yield "code", node.text(deep=True).strip("\n"), 0
        elif tag == "table":
            rows = [" | ".join(_norm(c.text(deep=True, separator=" ")) for c in tr.css("th, td"))
                    for tr in node.css("tr")]
            yield "table", "\n".join(r for r in rows if r.strip(" |")), 0
        else:
            if tag == "br":
                buf.append(" ")
            if tag in _BLOCKS:
                stack.append(None)
            stack.extend(reversed(list(node.iter(include_text=True))))
    yield "text", _norm("".join(buf)), 0


def _html(path: Path) -> Parsed:
    from selectolax.lexbor import LexborHTMLParser
    tree = LexborHTMLParser(path.read_text(encoding=_encoding(path)))
    node = tree.css_first("title") or tree.css_first("h1")
    title = node.text(deep=True, separator=" ") if node is not None else ""
    return title, _offsets(_html_raws(tree.body))


def _markdown(path: Path) -> Parsed:
    from markdown_it import MarkdownIt
    from selectolax.lexbor import LexborHTMLParser

    def _inline(tok: Any) -> str:  # plain text: text, code, image alt; breaks as spaces
        return _norm("".join(c.content if c.type in ("text", "code_inline", "image") else " "
                             for c in tok.children or () if c.type in
                             ("text", "code_inline", "image", "softbreak", "hardbreak")))
    source = original = path.read_text(encoding=_encoding(path))
    title = ""
    front = r"---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)"
    if m := re.match(front, source, re.S):  # front matter: blanked out, keeping line numbers
        if t := re.search(r"^title:\s*(.+?)\s*$", m[1] or "", re.M):
            title = t[1].strip("'\"")
        source = "\n" * m[0].count("\n") + source[m.end():]
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    starts = [0, *itertools.accumulate(len(ln) for ln in original.splitlines(keepends=True))]
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        off = starts[min(tok.map[0], len(starts) - 1)] if tok.map else 0
        if tok.type in ("heading_open", "paragraph_open") and (text := _inline(tokens[i + 1])):
            level = int(tok.tag[1]) if tok.type == "heading_open" else 0
            blocks.append(Block("heading" if level else "text", text, level, None, off))
        elif tok.type in ("fence", "code_block") and (text := tok.content.strip("\n")):
            blocks.append(Block("code", text, 0, None, off))
        elif tok.type == "html_block":
            blocks += (Block(k, t, lv, None, off)
                       for k, t, lv in _html_raws(LexborHTMLParser(tok.content).body) if t)
        elif tok.type == "table_open":
            rows: list[list[str]] = []
            while tokens[i].type != "table_close":
                i += 1
                if tokens[i].type == "tr_open":
                    rows.append([])
                elif tokens[i].type == "inline":
                    rows[-1].append(_inline(tokens[i]))
            blocks.append(Block("table", "\n".join(" | ".join(r) for r in rows), 0, None, off))
        i += 1
    top = min((b.level for b in blocks if b.kind == "heading"), default=0)
    title = title or next((b.text for b in blocks if b.kind == "heading" and b.level == top), "")
    return title, iter(blocks)


def _rst(path: Path) -> Parsed:
    from docutils import nodes
    from docutils.core import publish_doctree
    source = path.read_text(encoding=_encoding(path))
    skip = (nodes.comment, nodes.substitution_definition, nodes.target, nodes.raw,
            nodes.system_message, nodes.pending, nodes.label, nodes.image, nodes.transition)
    raws: list[Raw] = []
    try:
        tree = publish_doctree(source, settings_overrides={  # no includes, no raw, no messages
            "report_level": 5, "halt_level": 5, "file_insertion_enabled": False,
            "raw_enabled": False, "doctitle_xform": False, "_disable_config": True,
            "line_length_limit": 1 << 30, "warning_stream": io.StringIO()})
        stack: list[tuple[Any, int]] = [(c, 0) for c in reversed(tree.children)]
        while stack:
            node, depth = stack.pop()
            if isinstance(node, skip):
                continue
            if isinstance(node, nodes.title) and isinstance(node.parent, nodes.section):
                raws.append(("heading", _norm(node.astext()), depth))
            elif isinstance(node, (nodes.literal_block, nodes.doctest_block)):
                raws.append(("code", node.astext().strip("\n"), 0))
            elif isinstance(node, nodes.table):
                raws.append(("table", "\n".join(" | ".join(_norm(e.astext()) for e in r.children)
                                                for r in node.findall(nodes.row)), 0))
            elif isinstance(node, (nodes.TextElement, nodes.Text)):
                raws.append(("text", _norm(node.astext()), 0))
            elif isinstance(node, nodes.Element):
                inner = depth + 1 if isinstance(node, nodes.section) else depth
                stack.extend((c, inner) for c in reversed(node.children))
    except Exception:  # malformed input must not fail the upload: read it as plain text
        return _paragraphs(source)
    if 3 * sum(len(t.split()) for _, t, _ in raws) < len(source.split()):
        return _paragraphs(source)  # most text went into (suppressed) error messages
    return next((t for k, t, lv in raws if k == "heading" and lv == 1 and t), ""), _offsets(raws)


_PARSERS: dict[str, Callable[[Path], Parsed]] = {
    "pdf": _pdf, "docx": _docx, "html": _html, "markdown": _markdown, "rst": _rst,
    "text": _paragraphs, "csv": _csv,
}
