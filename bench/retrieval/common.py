"""Shared pieces of the retrieval benchmarks: the corpus variants, a cached ingested
knowledge base, and an in-process Homeport runtime.

Corpus variants (see README.md):

* ``masked`` (the main one): the FAQ pages with every question heading replaced by its
  section number ("2.1.") and every table of contents removed; distractors as shipped.
  Written to ``data/variants/masked/`` (rebuilt each run; ``data/docs`` is untouched).
* ``verbatim``: ``data/docs`` as shipped (the question is the chunk's heading path).

Ingested knowledge bases are cached under ``data/cache/<key>/`` (a Homeport data dir),
``key`` = SHA-256 of the documents and the chunk settings, so re-running search experiments
does not re-embed. The cache also records a fingerprint of the source files that decide the
chunks and their vectors (parse, chunk, extract, embedder); when it differs from the current
source, a warning says so and ``--refresh`` rebuilds the cache.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import platform
import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import FAQ, NUMBERED, block_text, own_title
from selectolax.lexbor import LexborHTMLParser

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = HERE / "data"
VARIANTS = ("masked", "verbatim")
KB = "faq"
# Source files whose changes change the chunks or their vectors: part of the cache key.
SOURCES = ("knowledge/parse.py", "knowledge/chunk.py", "knowledge/extract.py",
           "providers/embedder.py", "providers/modelfiles.py")


# --- corpus variants ------------------------------------------------------------------------


@dataclass
class MaskStats:
    headings: int = 0  # question headings replaced by their number
    tocs: int = 0  # div.toc removed


def mask_faq_page(html: str, stats: MaskStats) -> str:
    """One FAQ page without the question text in headings and tables of contents.

    A numbered h2..h5 section title holding a "?" (every question, including the few the
    question set leaves out for their short answers) keeps its anchor and its number only:
    ``<h2 class="title"><a id="s2.1"></a>2.1.</h2>``. Every ``div.toc`` is removed. The
    answers themselves are untouched, including their cross-references to other questions
    ("see Section 12.1, “What other documentation exists…?”"), which are answer text."""
    tree = LexborHTMLParser(html)
    for toc in tree.css("div.toc"):
        toc.decompose()
        stats.tocs += 1
    for section in tree.css("div.section"):
        title = own_title(section)
        if title is None:
            continue
        match = NUMBERED.match(block_text(title))
        if match is None or "?" not in match.group(2):
            continue
        anchors = "".join(a.html or "" for a in title.css("a[id]"))
        title.inner_html = f"{anchors}{match.group(1)}."
        stats.headings += 1
    return tree.html or ""


def prepare_docs(variant: str, data: Path = DATA) -> tuple[Path, MaskStats]:
    """The folder of documents to ingest for `variant`."""
    src = data / "docs"
    if not (src / FAQ.name).is_dir():
        raise SystemExit(f"no corpus in {src}: run .venv/bin/python bench/retrieval/corpus.py")
    stats = MaskStats()
    if variant == "verbatim":
        return src, stats
    if variant != "masked":
        raise ValueError(variant)
    out = data / "variants" / "masked"
    shutil.rmtree(out, ignore_errors=True)
    for path in sorted(src.rglob("*")):
        if not path.is_file():
            continue
        target = out / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.name == FAQ.name and path.suffix == ".html":
            target.write_text(mask_faq_page(path.read_text(encoding="utf-8"), stats),
                              encoding="utf-8")
        else:
            shutil.copyfile(path, target)
    return out, stats


def doc_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def questions(data: Path = DATA) -> list[dict[str, Any]]:
    with (data / "questions.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


# --- runtime and cached ingestion ------------------------------------------------------------


def settings(data_dir: Path, chunk_tokens: int = 256, chunk_overlap: int = 32,
             **knowledge: Any) -> Any:
    from homeport.settings import Settings

    return Settings(data_dir=data_dir, embedded={"chat": None},
                    privacy={"ner": "never"},  # the local embedder is cleared for all data
                    knowledge={"chunk_tokens": chunk_tokens, "chunk_overlap": chunk_overlap,
                               **knowledge})


async def start(data_dir: Path, chunk_tokens: int = 256, chunk_overlap: int = 32,
                **knowledge: Any) -> Any:
    from homeport.runtime import Runtime

    rt = Runtime(settings(data_dir, chunk_tokens, chunk_overlap, **knowledge))
    await rt.start(wait_for_models=True)
    return rt


def caller() -> Any:
    from homeport.types import Caller

    return Caller("bench", "bench", frozenset({"admin"}))


async def ingest(rt: Any, root: Path, kb_name: str = KB, poll_s: float = 0.2) -> dict[str, Any]:
    """Upload every file under `root` as one job and wait for it: end-to-end figures."""
    from homeport.knowledge.service import Upload

    kb = await rt.knowledge.create(caller(), kb_name)
    files = doc_files(root)
    size = sum(f.stat().st_size for f in files)
    handles = [f.open("rb") for f in files]
    started = time.perf_counter()
    try:
        uploads = [Upload(str(f.relative_to(root)), h) for f, h in zip(files, handles,
                                                                        strict=True)]
        job_id = await rt.knowledge.upload(caller(), kb_name, uploads)
    finally:
        for h in handles:
            h.close()
    uploaded = time.perf_counter() - started
    while True:
        job = await rt.db.run(rt.knowledge.jobs.get, kb.id, job_id)
        if job["status"] in ("done", "failed", "cancelled"):
            break
        await asyncio.sleep(poll_s)
    seconds = time.perf_counter() - started
    failed = [f"{f['name']}: {f['error']}" for f in job["files"] if f["status"] == "failed"]
    if job["status"] != "done" or failed:
        raise RuntimeError(f"ingestion {job['status']}: {failed or job['error']}")
    chunks = job["progress"]["chunks"]
    return {"files": len(files), "bytes": size, "chunks": chunks, "seconds": seconds,
            "upload_s": uploaded, "mb_per_s": size / 1e6 / seconds,
            "chunks_per_s": chunks / seconds, "embed_s": rt.knowledge.ingestor.progress.embed_s}


def cache_key(root: Path, chunk_tokens: int, chunk_overlap: int) -> str:
    h = hashlib.sha256(f"chunks {chunk_tokens} {chunk_overlap}\n".encode())
    for f in doc_files(root):
        h.update(f"{f.relative_to(root)}\n".encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:16]


def source_fingerprint() -> str:
    h = hashlib.sha256()
    for name in SOURCES:
        h.update(name.encode())
        h.update((REPO / "src" / "homeport" / name).read_bytes())
    return h.hexdigest()[:16]


async def cached_kb(root: Path, chunk_tokens: int = 256, chunk_overlap: int = 32,
                    data: Path = DATA, log: Any = print,
                    refresh: bool = False) -> tuple[Path, dict[str, Any]]:
    """A Homeport data dir holding knowledge base `faq` with every file under `root`
    ingested; built (minutes: every chunk is embedded) only when not cached yet."""
    key = cache_key(root, chunk_tokens, chunk_overlap)
    folder = data / "cache" / key
    meta = folder / "ingest.json"
    if meta.exists() and not refresh:
        stats = json.loads(meta.read_text())
        if stats.get("source") != source_fingerprint():
            log(f"warning: cache {key} was built from other parse/chunk/embedder source "
                "files than the current ones; --refresh rebuilds it")
        return folder, stats
    tmp = data / "cache" / f"{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    log(f"ingesting {root} (chunk_tokens={chunk_tokens}, overlap={chunk_overlap}) into "
        f"{folder} ...")
    rt = await start(tmp, chunk_tokens, chunk_overlap)
    try:
        stats = await ingest(rt, root)
    finally:
        await rt.stop()
    stats.update(root=str(root), chunk_tokens=chunk_tokens, chunk_overlap=chunk_overlap,
                 key=key, source=source_fingerprint(), machine=machine())
    (tmp / "ingest.json").write_text(json.dumps(stats, indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    log(f"ingested {stats['chunks']} chunks from {stats['files']} files in "
        f"{stats['seconds']:.0f} s ({stats['chunks_per_s']:.1f} chunks/s)")
    return folder, stats


def kb_chunks(rt: Any, kb_name: str = KB) -> list[tuple[int, str, str]]:
    """(chunk id, context, text) of every live chunk of the knowledge base."""
    from sqlalchemy import select

    from homeport.storage.schema import kb_chunks as t

    kb = rt.knowledge.store.get(kb_name)
    with rt.db.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.context, t.c.text)
                            .where(t.c.kb_id == kb.id, t.c.live).order_by(t.c.id)).all()
    return [(int(r[0]), r[1], r[2]) for r in rows]


# --- reporting ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "load_avg": os.getloadavg(), "time": time.strftime("%Y-%m-%d %H:%M:%S")}


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, by linear interpolation."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 1000) - 1]


def table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)
