"""Build the retrieval benchmark corpus from Debian documentation packages.

    .venv/bin/python bench/retrieval/corpus.py [--out bench/retrieval/data]

Downloads (``apt-get download``, cached under OUT/debs) the Debian FAQ and three
distractor manuals, extracts them, and writes:

* ``OUT/docs/<package>/<file>``  the documents to ingest, copied byte for byte;
* ``OUT/questions.jsonl``        one line per FAQ question, with its gold answer;
* ``OUT/manifest.json``          package versions, file counts and sizes.

The packages are GPL-licensed: the output is never committed (see DATASET.md).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

HERE = Path(__file__).resolve().parent
MIN_ANSWER_WORDS = 15


@dataclass(frozen=True)
class Source:
    package: str
    folder: str  # inside the extracted package
    pattern: str  # glob in that folder
    exclude: frozenset[str] = frozenset()
    required: bool = False

    @property
    def name(self) -> str:  # sub-folder of docs/
        return self.package.removesuffix("-en")


FAQ = Source("debian-faq", "usr/share/doc/debian/FAQ", "*.en.html", required=True)
SOURCES = (
    FAQ,
    Source("harden-doc", "usr/share/doc/harden-doc/html/en-US", "*.html"),
    Source("debian-reference-en", "usr/share/debian-reference", "*.en.html"),
    Source(
        "developers-reference",
        "usr/share/developers-reference",
        "*.html",
        # search.html is a JavaScript page; developers-reference.html is the whole
        # manual again on one page.
        exclude=frozenset({"search.html", "developers-reference.html"}),
    ),
)

# Elements whose text starts on a new line in the extracted text.
BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "ul"),
    }
)
SKIP = frozenset({"script", "style", "template"})
BREAK = "\x00"
NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+(.*)$", re.S)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def fetch(package: str, debs: Path) -> Path | None:
    """The cached .deb of *package*, downloaded first when absent."""
    cached = sorted(debs.glob(f"{package}_*.deb"))
    if not cached:
        run = subprocess.run(
            ["apt-get", "download", package], cwd=debs, capture_output=True, text=True
        )
        cached = sorted(debs.glob(f"{package}_*.deb"))
        if run.returncode != 0 or not cached:
            warn(f"apt-get download {package} failed: {run.stderr.strip()}")
            return None
    return cached[-1]


def deb_field(deb: Path, field: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), field], check=True, capture_output=True, text=True
    ).stdout.strip()


def block_text(node: LexborNode, skip: Callable[[LexborNode], bool] = lambda _: False) -> str:
    """Text of *node*: one line per block element (source line breaks are mere
    whitespace), whitespace collapsed, *skip*ped sub-trees left out."""
    parts: list[str] = []

    def walk(parent: LexborNode) -> None:
        for child in parent.iter(include_text=True):
            if child.is_text_node:
                parts.append(child.text_content or "")
            elif child.is_element_node and child.tag not in SKIP and not skip(child):
                if child.tag in BLOCKS:
                    parts.append(BREAK)
                walk(child)

    walk(node)
    lines = (" ".join(line.split()) for line in "".join(parts).split(BREAK))
    return "\n".join(line for line in lines if line)


def own_title(section: LexborNode) -> LexborNode | None:
    """The h2..h5 title of a DocBook ``div.section`` (in its own div.titlepage)."""
    for child in section.iter():
        if child.tag == "div" and "titlepage" in (child.attributes.get("class") or ""):
            return child.css_first("h2, h3, h4, h5")
    return None


def is_section_or_titlepage(node: LexborNode) -> bool:
    classes = (node.attributes.get("class") or "").split()
    return node.tag == "div" and ("section" in classes or "titlepage" in classes)


def ancestors(node: LexborNode) -> list[str]:
    """Titles of the div.sections enclosing *node*, outermost first."""
    titles: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.tag == "div" and "section" in (parent.attributes.get("class") or "").split():
            title = own_title(parent)
            if title is not None:
                titles.insert(0, block_text(title))
        parent = parent.parent
    return titles


@dataclass(frozen=True)
class Question:  # one line of questions.jsonl
    id: str  # the section's anchor id (unique in the FAQ)
    query: str  # the question heading without its "N.M." number
    doc: str  # the FAQ file, relative to docs/
    anchor: str  # the section's id: docs/<doc>#<anchor>
    answer: str  # the section's own text: one line per block element
    words: int  # len(answer.split())
    heading: str  # the heading as shown, number included
    chapter: str  # the chapter's h1
    path: list[str]  # headings from the chapter's h1 down to this question


@dataclass(frozen=True)
class Package:  # one entry of manifest.json
    version: str
    deb: str
    docs: str
    files: int
    bytes: int


def faq_questions(path: Path, doc: str) -> Iterator[Question]:
    """The questions of one FAQ chapter: every div.section whose title asks something."""
    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    h1 = tree.css_first("h1.title")
    chapter = block_text(h1) if h1 else ""
    for section in tree.css("div.section"):
        title = own_title(section)
        anchor = title.css_first("a[id]") if title else None
        anchor_id = anchor.attributes.get("id") if anchor else None
        match = NUMBERED.match(block_text(title)) if title else None
        if title is None or not anchor_id or match is None:
            continue
        heading = block_text(title)
        query = " ".join(match.group(2).split())
        if "?" not in query:  # "16.1. Authors", "8.1.1. dpkg": headings, not questions
            continue
        answer = block_text(section, skip=is_section_or_titlepage)
        words = len(answer.split())
        if words >= MIN_ANSWER_WORDS:
            path_ = [chapter, *ancestors(section), heading]
            yield Question(anchor_id, query, doc, anchor_id, answer, words, heading, chapter, path_)


def build(out: Path) -> None:
    debs, docs = out / "debs", out / "docs"
    debs.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(docs, ignore_errors=True)
    manifest: dict[str, Package] = {}
    questions: list[Question] = []
    with tempfile.TemporaryDirectory() as tmp:
        for source in SOURCES:
            deb = fetch(source.package, debs)
            if deb is None:
                if source.required:
                    sys.exit(f"error: {source.package} is required")
                continue
            root = Path(tmp) / source.package
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
            files = sorted(
                f
                for f in (root / source.folder).glob(source.pattern)
                if f.is_file() and not f.is_symlink() and f.name not in source.exclude
            )
            target = docs / source.name
            target.mkdir(parents=True)
            for f in files:
                shutil.copyfile(f, target / f.name)
                if source is FAQ:
                    questions += faq_questions(f, f"{source.name}/{f.name}")
            manifest[source.package] = Package(
                deb_field(deb, "Version"),
                deb.name,
                f"docs/{source.name}",
                len(files),
                sum(f.stat().st_size for f in files),
            )
    assert len({q.id for q in questions}) == len(questions), "FAQ anchors are not unique"
    with (out / "questions.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(asdict(q), ensure_ascii=False) + "\n" for q in questions)
    manifest_json = {name: asdict(p) for name, p in manifest.items()}
    (out / "manifest.json").write_text(json.dumps(manifest_json, indent=2) + "\n")

    for name, p in manifest.items():
        print(f"{name:22} {p.version:10} {p.files:4} files {p.bytes / 1e6:5.2f} MB")
    n_bytes = sum(p.bytes for p in manifest.values())
    words = sorted(q.words for q in questions)
    print(
        f"docs: {sum(p.files for p in manifest.values())} files, {n_bytes / 1e6:.2f} MB in {docs}"
        f"\nquestions: {len(questions)} in {out / 'questions.jsonl'} (answer words: "
        f"min {words[0]}, median {words[len(words) // 2]}, max {words[-1]})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "data", help="output folder")
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
