"""Ingestion throughput end to end vs the embedding runtime alone, on the same chunk texts.

    nice .venv/bin/python bench/retrieval/ingest_speed.py [--variant masked] [--rounds 1]

One process, one Runtime on a fresh data dir (deleted afterwards). Per round, in this order
so that drift (other work on the machine) shows up:

1. embedder alone, A: `encode_array(all texts)` in one call on the embedder's own thread
   (`provider.run`), sorted by length over the whole set: the runtime's best case;
2. embedder alone, B: the same texts in ingestion's batches (`knowledge.embed_batch`
   consecutive chunks of one file per call, document order): what ingestion can reach;
3. end to end: upload every file as one job -> job done (parse + chunk in the worker
   processes, embed, store, index, publish), in a new knowledge base.

The texts are what ingestion embeds ("heading line", blank line, body), read back from run.py's
cached knowledge base for the same documents and chunk settings (built first if missing).
Odd rounds run step 3 first. Also: parse + chunk alone (`extract`, serially in this process)
to show that stage's cost. ratio = end-to-end chunks/s / embedder-alone chunks/s, per round
(target >= 0.90); the summary is the median of the rounds' ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    DATA,
    HERE,
    KB,
    cached_kb,
    doc_files,
    ingest,
    machine,
    prepare_docs,
    start,
    table,
)

RESULTS = HERE / "results"


def embed_texts(folder: Path) -> list[tuple[str, int, str]]:
    """(document id, seq, embedded text) of every chunk of the cached knowledge base, in
    document order."""
    import sqlite3

    conn = sqlite3.connect(f"file:{folder / 'homeport.db'}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT document_id, seq, context, text FROM kb_chunks WHERE live "
                            "ORDER BY document_id, seq").fetchall()
    finally:
        conn.close()
    return [(d, s, f"{c}\n\n{t}" if c else t) for d, s, c, t in rows]


def extract_all(root: Path, tokens: int, overlap: int) -> tuple[float, int]:
    from homeport.knowledge.extract import extract
    from homeport.knowledge.parse import detect_format
    from homeport.providers.modelfiles import MINILM_TOKENIZER

    pieces = 0
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        for i, f in enumerate(doc_files(root)):
            out = Path(tmp) / f"{i}.jsonl"
            pieces += extract(f, detect_format(f.name), out, MINILM_TOKENIZER, tokens,
                              overlap).pieces
        return time.perf_counter() - t, pieces


async def main_async(args: argparse.Namespace) -> None:
    lines: list[str] = []

    def log(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    root, _ = prepare_docs(args.variant)
    tokens, overlap = args.chunk_tokens, args.chunk_overlap
    cached, _ = await cached_kb(root, tokens, overlap, log=log)
    chunks = embed_texts(cached)
    texts = [t for _, _, t in chunks]
    size = sum(f.stat().st_size for f in doc_files(root))
    work = Path(tempfile.mkdtemp(prefix="ingest-speed-", dir=DATA))
    rows: list[dict[str, Any]] = []
    try:
        rt = await start(work, tokens, overlap)
        batch = rt.knowledge.cfg.embed_batch
        provider = rt.registry.providers["local-embed"]
        batches: list[list[str]] = []
        for i, (doc, _, text) in enumerate(chunks):
            if not batches or len(batches[-1]) == batch or chunks[i - 1][0] != doc:
                batches.append([])
            batches[-1].append(text)
        await provider.run(lambda enc: enc.encode_array(texts[:64]))  # warm-up
        try:
            for r in range(args.rounds):
                if r % 2:  # odd rounds: end to end first, so drift does not favour one side
                    rt.knowledge.ingestor.progress.embed_s = 0.0
                    e2e = await ingest(rt, root, f"{KB}-{r}")
                t = time.perf_counter()
                await provider.run(lambda enc: enc.encode_array(texts))
                alone_a = time.perf_counter() - t
                t = time.perf_counter()
                for b in batches:
                    await provider.run(lambda enc, b=b: enc.encode_array(b))
                alone_b = time.perf_counter() - t
                if not r % 2:
                    rt.knowledge.ingestor.progress.embed_s = 0.0
                    e2e = await ingest(rt, root, f"{KB}-{r}")
                rows.append({"round": r, "alone_all_s": alone_a, "alone_batched_s": alone_b,
                             **e2e, "ratio": alone_a / e2e["seconds"],
                             "ratio_batched": alone_b / e2e["seconds"],
                             "load_avg": machine()["load_avg"]})
                print(json.dumps(rows[-1]), flush=True)
        finally:
            await rt.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    extract_s, pieces = extract_all(root, tokens, overlap)

    n = len(texts)
    med = {k: statistics.median(r[k] for r in rows)
           for k in ("alone_all_s", "alone_batched_s", "seconds", "embed_s")}
    assert all(r["chunks"] == n for r in rows), "the ingested chunk count differs from the cache"
    e2e_rate = n / med["seconds"]
    log(f"## Ingestion throughput: {len(doc_files(root))} files, {size / 1e6:.2f} MB, {n} "
        f"chunks (chunk_tokens {tokens}, overlap {overlap}, embed_batch {batch}, "
        f"ingest_workers {rt.knowledge.cfg.ingest_workers}); median of {len(rows)} round(s); "
        f"{machine()['cpu']}, {machine()['cores']} cores\n")
    log(table(["path", "seconds", "chunks/s", "MB/s", "ingest / this"], [
        ["embedder alone, one call over all texts (encode_array)", med["alone_all_s"],
         n / med["alone_all_s"], size / 1e6 / med["alone_all_s"],
         med["alone_all_s"] / med["seconds"]],
        [f"embedder alone, ingestion's batches of {batch}", med["alone_batched_s"],
         n / med["alone_batched_s"], size / 1e6 / med["alone_batched_s"],
         med["alone_batched_s"] / med["seconds"]],
        ["end to end: upload -> job done", med["seconds"], e2e_rate, size / 1e6 / med["seconds"],
         1.0],
        ["parse + chunk alone (extract, 1 process, serial)", extract_s, pieces / extract_s,
         size / 1e6 / extract_s, ""]]))
    log(table(["round", "order", "embedder alone s", "batched s", "end to end s",
               "ratio", "ratio (batched)", "load avg (1 min) after"],
              [[r["round"], "e2e first" if r["round"] % 2 else "alone first", r["alone_all_s"],
                r["alone_batched_s"], r["seconds"], r["ratio"], r["ratio_batched"],
                r["load_avg"][0]] for r in rows]))
    ratio = statistics.median(r["ratio"] for r in rows)
    ratio_b = statistics.median(r["ratio_batched"] for r in rows)
    log(f"\ntime inside embed calls during ingestion (summed over the workers, which wait on "
        f"one embedder thread): {med['embed_s']:.1f} s; ratio end-to-end / embedder alone, "
        f"median of the rounds' ratios: {ratio:.3f} (target >= 0.90); vs ingestion's own "
        f"batching: {ratio_b:.3f}")
    RESULTS.mkdir(exist_ok=True)
    result = {"machine": machine(), "files": len(doc_files(root)), "bytes": size, "chunks": n,
              "chunk_tokens": tokens, "chunk_overlap": overlap, "rounds": rows,
              "extract_s": extract_s, "ratio": ratio, "ratio_batched": ratio_b}
    (RESULTS / "ingest_speed.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / "ingest_speed.md").write_text("\n".join(lines) + "\n")
    print(f"\nwrote {RESULTS / 'ingest_speed.json'}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=("masked", "verbatim"), default="masked")
    parser.add_argument("--chunk-tokens", type=int, default=256)
    parser.add_argument("--chunk-overlap", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeport.runtime").setLevel(logging.ERROR)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
