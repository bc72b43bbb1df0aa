"""Search latency on >= 100,000 chunks (CPU, query embedding excluded) and the recall of the
SQLite engine's quantised dense search against exact brute force.

    nice .venv/bin/python bench/retrieval/latency.py [--target 100000] [--rounds 2]

The knowledge base: the real ingested corpus (run.py's cache, masked variant, default chunk
settings) padded with synthetic chunks, inserted directly through the store
(`begin_version` / `add_chunks` / `publish`, 1,000 chunks per document; so both indexes are
built exactly as ingestion builds them). Embedding 100k texts for real would take hours on
this CPU, so:

* synthetic text: whole sentences drawn at random from the real chunks until a length drawn
  from the real chunks' word counts is reached; heading line: a real chunk's, at random;
* synthetic vector: normalise(e_a + u * e_b + sigma * g): e_a, e_b two real chunk
  embeddings at random, u ~ U(0, 0.5), g standard normal noise (sigma: --sigma). They lie
  among the real vectors rather than spread uniformly; the script prints how close the
  nearest neighbours are, real-only vs padded, to judge that.

The padded data dir is cached beside the base one (data/cache/<key>-pad<target>).

Measured per query (interleaved, after a warm-up pass; the 119 questions plus 119 queries
cut from the answers' first sentences, <= 12 words; --rounds passes): `store.lexical`
(n = candidates), `store.dense` (n = candidates, pre-computed query vector) and the whole
hybrid search (`Searcher.search` with the query embedding replaced by a lookup: both lists,
the title lookup, fusion and the passage fetch, through the event loop and worker threads as
in the server). Then recall@10 of `store.dense` vs exact numpy top-10 and its latency, for
oversample 5 / 10 / 20 and n = 10 and n = candidates, and store.dense's two SQL statements
timed apart. What-ifs (not Homeport code): the two lists fetched concurrently, the bit KNN
done in numpy, and sign bits of mean-centred vectors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import (
    HERE,
    KB,
    cached_kb,
    kb_chunks,
    machine,
    pct,
    prepare_docs,
    questions,
    start,
    table,
)

RESULTS = HERE / "results"
DOC_CHUNKS = 1000
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def vectors(rt: Any) -> tuple[np.ndarray, np.ndarray]:
    """(ids, float32 matrix) of every live chunk of the knowledge base."""
    from sqlalchemy import select

    from homeport.storage.schema import kb_chunks as t

    kb = rt.knowledge.store.get(KB)
    with rt.db.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.embedding).where(t.c.kb_id == kb.id, t.c.live)
                            .order_by(t.c.id)).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    return ids, mat


def synthesise(real: list[tuple[int, str, str]], vecs: np.ndarray, n: int, sigma: float,
               rng: random.Random) -> tuple[list[tuple[str, str]], np.ndarray]:
    sentences = [s for _, _, text in real for s in _SENTENCE.split(text) if len(s.split()) > 2]
    lengths = [len(text.split()) for _, _, text in real]
    contexts = [c for _, c, _ in real if c]
    texts: list[tuple[str, str]] = []
    for _ in range(n):
        want, parts, got = rng.choice(lengths), [], 0
        while got < want:
            s = rng.choice(sentences)
            parts.append(s)
            got += len(s.split())
        texts.append((rng.choice(contexts), " ".join(parts)))
    nrng = np.random.default_rng(rng.randrange(2**32))
    a = nrng.integers(0, len(vecs), n)
    b = nrng.integers(0, len(vecs), n)
    u = nrng.uniform(0, 0.5, (n, 1)).astype(np.float32)
    out = vecs[a] + u * vecs[b] + sigma * nrng.standard_normal((n, vecs.shape[1]),
                                                               dtype=np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return texts, out.astype(np.float32)


async def padded_kb(base: Path, target: int, sigma: float, seed: int) -> tuple[Path, int]:
    from homeport.knowledge.store import NewChunk

    folder = base.with_name(f"{base.name}-pad{target}-s{sigma:g}")
    meta = folder / "padded.json"
    if meta.exists():
        return folder, json.loads(meta.read_text())["chunks"]
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in base.glob("homeport.db*"):
        shutil.copyfile(f, tmp / f.name)
    rt = await start(tmp)
    try:
        store = rt.knowledge.store
        kb = store.get(KB)
        real = kb_chunks(rt)
        _, vecs = vectors(rt)
        need = max(0, target - len(real))
        print(f"padding {len(real)} real chunks with {need} synthetic ones ...", flush=True)
        rng = random.Random(seed)
        t0 = time.perf_counter()
        for d, start_at in enumerate(range(0, need, DOC_CHUNKS)):
            m = min(DOC_CHUNKS, need - start_at)
            texts, vs = synthesise(real, vecs, m, sigma, rng)
            source = f"synthetic/{d:04d}.txt"
            doc_id, gen = store.begin_version(kb.id, source, "text")
            chunks = [NewChunk(i, c, t, None, 0, 0) for i, (c, t) in enumerate(texts)]
            store.add_chunks(kb.id, doc_id, gen, chunks, vs)
            store.publish(kb, doc_id, gen, title=source, fmt="text", content_hash="synthetic",
                          size=sum(len(t) for _, t in texts), chunks=m)
        total = len(real) + need
        print(f"padded to {total} chunks in {time.perf_counter() - t0:.0f} s", flush=True)
    finally:
        await rt.stop()
    (tmp / "padded.json").write_text(json.dumps({"chunks": total, "sigma": sigma,
                                                 "seed": seed, "base": base.name}) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder, total


def bench_queries(qs: list[dict[str, Any]], want: int) -> list[str]:
    """The questions, then queries cut from the answers' first sentences (<= 12 words)."""
    extra = [" ".join(_SENTENCE.split(q["answer"].split("\n")[0])[0].split()[:12]) for q in qs]
    out = list(dict.fromkeys([q["query"] for q in qs] + [e for e in extra if e]))
    return (out * (want // len(out) + 1))[:max(want, len(out))]


def ms(seconds: list[float]) -> list[float]:
    return [s * 1000 for s in seconds]


def summary(values_ms: list[float]) -> list[float]:
    return [statistics.median(values_ms), pct(values_ms, 0.95), max(values_ms)]


async def measure(rt: Any, queries: list[str], qvecs: np.ndarray, rounds: int,
                  log: Any) -> dict[str, Any]:
    svc = rt.knowledge
    store, searcher = svc.store, svc.searcher
    kb = store.get(KB)
    ids = [kb.id]
    cand = searcher.weights.candidates
    lookup = {q: qvecs[i] for i, q in enumerate(queries)}

    async def embed(_model: str, text: str) -> np.ndarray:
        return lookup[text]

    searcher.embed = embed  # the query embedding is excluded from the timings
    times: dict[str, list[float]] = {"lexical": [], "dense": [], "hybrid": [],
                                     "parallel": []}
    for r in range(rounds + 1):  # round 0 warms caches, not recorded
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            store.lexical(ids, q, cand)
            t1 = time.perf_counter()
            store.dense(ids, qvecs[i], kb.dims, cand)
            t2 = time.perf_counter()
            await searcher.search(ids, kb.dims, q, 10, "hybrid", kb.embed_model)
            t3 = time.perf_counter()
            await asyncio.gather(asyncio.to_thread(store.lexical, ids, q, cand),
                                 asyncio.to_thread(store.dense, ids, qvecs[i], kb.dims, cand))
            t4 = time.perf_counter()
            if r:
                times["lexical"].append(t1 - t0)
                times["dense"].append(t2 - t1)
                times["hybrid"].append(t3 - t2)
                times["parallel"].append(t4 - t3)
    rows = {k: summary(ms(v)) for k, v in times.items()}
    log(f"\n### Latency, {len(queries)} queries x {rounds} rounds, candidates {cand}, "
        f"oversample {store.index.oversample} (ms)\n")
    log(table(["operation", "p50", "p95", "max"], [
        ["store.lexical (FTS5 BM25)", *rows["lexical"]],
        ["store.dense (bit KNN + exact rescoring)", *rows["dense"]],
        ["hybrid search (both lists, title lookup, fusion, passages)", *rows["hybrid"]],
        ["what-if: store.lexical and store.dense run concurrently (2 threads)",
         *rows["parallel"]]]))
    return {"ms": rows, "n": len(times["hybrid"])}


def dense_recall(rt: Any, qvecs: np.ndarray, all_ids: np.ndarray, mat: np.ndarray,
                 log: Any) -> dict[str, Any]:
    store = rt.knowledge.store
    kb = store.get(KB)
    cand = rt.knowledge.searcher.weights.candidates
    exact = np.argsort(-(qvecs @ mat.T), axis=1)[:, :10]
    exact_ids = [set(all_ids[row].tolist()) for row in exact]
    out: dict[str, Any] = {}
    rows = []
    saved = store.index.oversample
    try:
        for over in (5, 10, 20):
            store.index.oversample = over
            for n in (10, cand):
                rec, lat = [], []
                for qi, v in enumerate(qvecs):
                    store.dense([kb.id], v, kb.dims, n)  # warm
                    t = time.perf_counter()
                    got = store.dense([kb.id], v, kb.dims, n)
                    lat.append((time.perf_counter() - t) * 1000)
                    rec.append(len({i for i, _ in got[:10]} & exact_ids[qi]) / 10)
                s = summary(lat)
                out[f"{over}:{n}"] = {"recall@10": statistics.mean(rec), "ms": s,
                                      "min_recall": min(rec)}
                rows.append([over, n, n * over, statistics.mean(rec), min(rec), s[0], s[1]])
    finally:
        store.index.oversample = saved
    log(f"\n### Dense recall@10 of store.dense vs exact brute force ({len(all_ids)} chunks, "
        f"{len(qvecs)} queries)\n")
    log(table(["oversample", "n", "bit-KNN candidates", "recall@10", "worst query",
               "p50 ms", "p95 ms"], rows))
    return out


def breakdown(rt: Any, qvecs: np.ndarray, mat: np.ndarray, log: Any) -> dict[str, Any]:
    """store.dense's two statements timed apart (same SQL as SqliteIndex.dense): the bit KNN
    over vec0, and the fetch of the candidates' float vectors from kb_chunks + rescoring;
    and, as a what-if, the same bit KNN done in numpy on the same sign bits held in memory."""
    from homeport.knowledge.indexes import _rescore

    store = rt.knowledge.store
    kb = store.get(KB)
    n = rt.knowledge.searcher.weights.candidates
    res: dict[str, Any] = {}
    rows = []
    for over in (5, 10, 20):
        knn, fetch = [], []
        with rt.db.engine.connect() as conn:
            for r in range(2):
                for v in qvecs:
                    q = np.ascontiguousarray(v, dtype=np.float32)
                    t0 = time.perf_counter()
                    cands = conn.exec_driver_sql(
                        f"SELECT rowid FROM kb_vec_{kb.dims} WHERE emb MATCH "
                        "vec_quantize_binary(?) AND k = ? AND kb IN (?)",
                        (q.tobytes(), n * over, kb.id)).all()
                    t1 = time.perf_counter()
                    ids = [int(c[0]) for c in cands]
                    got = conn.exec_driver_sql(
                        f"SELECT id, embedding FROM kb_chunks WHERE id IN "
                        f"({','.join('?' * len(ids))})", tuple(ids)).all()
                    _rescore(got, q, n)
                    t2 = time.perf_counter()
                    if r:
                        knn.append((t1 - t0) * 1000)
                        fetch.append((t2 - t1) * 1000)
        words = np.packbits(mat > 0, axis=1).view(np.uint64)
        qwords = np.packbits(qvecs > 0, axis=1).view(np.uint64)
        numpy_ms = []
        for qw in qwords:
            t0 = time.perf_counter()
            ham = np.bitwise_count(words ^ qw).sum(axis=1)
            np.argpartition(ham, n * over)[: n * over]
            numpy_ms.append((time.perf_counter() - t0) * 1000)
        res[str(over)] = {"knn_ms": summary(knn), "fetch_rescore_ms": summary(fetch),
                          "numpy_knn_ms": summary(numpy_ms)}
        rows.append([over, n * over, *summary(knn)[:2], *summary(fetch)[:2],
                     *summary(numpy_ms)[:2]])
    log(f"\n### store.dense split in two (n = {n}; ms)\n")
    log(table(["oversample", "candidates", "bit KNN p50", "bit KNN p95",
               "fetch + rescore p50", "fetch + rescore p95", "what-if: numpy bit KNN p50",
               "p95"], rows))
    return res


def simulate_bits(qvecs: np.ndarray, mat: np.ndarray, log: Any) -> dict[str, Any]:
    """What-if, in numpy: recall@10 of bit KNN + exact rescoring with sign bits of the raw
    vectors (what vec_quantize_binary does) vs of mean-centred vectors."""
    exact = np.argsort(-(qvecs @ mat.T), axis=1)[:, :10]
    mean = mat.mean(axis=0)
    popcount = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint16)
    res: dict[str, Any] = {}
    rows = []
    for label, shift in (("raw (as stored)", 0.0), ("mean-centred", mean)):
        bits = np.packbits(mat - shift > 0, axis=1)
        qbits = np.packbits(qvecs - shift > 0, axis=1)
        recall: dict[tuple[int, int], list[float]] = {}
        for qi, qb in enumerate(qbits):
            ham = popcount[np.bitwise_xor(bits, qb)].sum(axis=1)
            order = np.argsort(ham, kind="stable")
            for over in (5, 10, 20):
                for n in (10, 50):
                    cand = order[: n * over]
                    top = cand[np.argsort(-(mat[cand] @ qvecs[qi]))[:10]]
                    recall.setdefault((over, n), []).append(
                        len(set(top.tolist()) & set(exact[qi].tolist())) / 10)
        for (over, n), v in recall.items():
            res[f"{label}:{over}:{n}"] = statistics.mean(v)
            rows.append([label, over, n, statistics.mean(v)])
    log("\n### What-if (numpy): recall@10 of 1-bit KNN + exact rescoring, raw vs mean-centred "
        "sign bits\n")
    log(table(["bits of", "oversample", "n", "recall@10"], rows))
    return res


def neighbourhood(qvecs: np.ndarray, mat: np.ndarray, n_real: int, log: Any) -> dict[str, Any]:
    """Cosine of each query's top-1 / top-10 neighbour, real chunks only vs padded."""
    res = {}
    for label, m in (("real", mat[:n_real]), ("padded", mat)):
        sims = -np.sort(-(qvecs @ m.T), axis=1)
        res[label] = [float(np.median(sims[:, 0])), float(np.median(sims[:, 9]))]
    real = mat[:n_real]
    nn = -np.sort(-(real @ real.T), axis=1)[:, 1]  # each real chunk's closest other
    syn = mat[n_real:][:5000]
    nn_syn = (syn @ real.T).max(axis=1)
    log(f"\nneighbourhood: median query->top-1 / top-10 cosine: real-only "
        f"{res['real'][0]:.3f} / {res['real'][1]:.3f}, padded {res['padded'][0]:.3f} / "
        f"{res['padded'][1]:.3f}; median nearest-real cosine of a real chunk "
        f"{np.median(nn):.3f}, of a synthetic chunk {np.median(nn_syn):.3f}")
    return {"query_top1_top10": res, "real_nn": float(np.median(nn)),
            "synthetic_nn": float(np.median(nn_syn))}


async def main_async(args: argparse.Namespace) -> None:
    lines: list[str] = []

    def log(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    root, _ = prepare_docs("masked")
    base, _ = await cached_kb(root, log=log)
    folder, total = await padded_kb(base, args.target, args.sigma, args.seed)
    qs = questions()
    queries = bench_queries(qs, args.queries)
    rt = await start(folder)
    try:
        kb = rt.knowledge.store.get(KB)
        qvecs = np.stack([await rt.knowledge._embed_query(kb.embed_model, q) for q in queries])
        all_ids, mat = vectors(rt)
        n_real = int(json.loads((base / "ingest.json").read_text())["chunks"])
        log(f"## {total} chunks ({n_real} real), {len(queries)} queries; machine "
            f"{machine()['cpu']}, {machine()['cores']} cores, load {machine()['load_avg']}")
        res = {"chunks": total, "real": n_real, "machine": machine(),
               "neighbourhood": neighbourhood(qvecs, mat, n_real, log)}
        res["latency"] = await measure(rt, queries, qvecs, args.rounds, log)
        res["dense_recall"] = dense_recall(rt, qvecs, all_ids, mat, log)
        res["dense_breakdown"] = breakdown(rt, qvecs, mat, log)
        res["bits_whatif"] = simulate_bits(qvecs, mat, log)
        res["machine_after"] = machine()
    finally:
        await rt.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latency.json").write_text(json.dumps(res, indent=1) + "\n")
    (RESULTS / "latency.md").write_text("\n".join(lines) + "\n")
    print(f"\nwrote {RESULTS / 'latency.json'}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=int, default=100_000, help="chunks in the KB")
    parser.add_argument("--queries", type=int, default=238)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sigma", type=float, default=0.04, help="noise per dimension")
    parser.add_argument("--seed", type=int, default=0)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("homeport.runtime").setLevel(logging.ERROR)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
