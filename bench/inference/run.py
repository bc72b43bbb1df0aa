"""Embedded inference: tokens/s through Homeport vs llama-cpp-python called directly.

Homeport runs with its default config (the embedded SmolLM2-135M-Instruct Q4_1 chat model);
the baseline (direct.py) is a separate process that loads the same GGUF with the same
llama.cpp settings. Both get the same prompts, max_tokens, temperature 0, a fixed seed and a
logit_bias banning SmolLM2's end-of-text tokens (0, 1, 2), so both generate exactly max_tokens.
Requests run one at a time, alternating target order round by round.

    .venv/bin/python bench/inference/run.py            # full run (~3 minutes)
    .venv/bin/python bench/inference/run.py --quick    # ~1-minute smoke run

Per request: time to first token (TTFT), decode tokens/s = completion tokens / (last token
time - first token time), end-to-end tokens/s = completion tokens / (stream end - request
start). Homeport is timed by its client (aiohttp, streaming SSE), direct.py in-process.
Results: bench/inference/results/<timestamp>.json (+ latest.json) and a table on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp
import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = ROOT / ".venv"
ADMIN_KEY = "hp-bench-admin-key-0123456789abcdef"
BAN_EOT = {"0": -100.0, "1": -100.0, "2": -100.0}  # <|endoftext|>, <|im_start|>, <|im_end|>
SEED = 1234
PROMPTS = [
    "Write a short story about a lighthouse keeper who finds a message in a bottle.",
    "Explain how a refrigerator keeps food cold, step by step.",
    "List some practical tips for learning a new language as an adult.",
    "Describe a busy city market in the early morning.",
]


def messages(prompt: str) -> list[dict]:
    return [{"role": "user", "content": prompt}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before {url} answered")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f}s")


class Direct:
    """direct.py as a persistent child process, one request at a time over stdin/stdout."""

    def __init__(self, log: Path, n_threads: int | None = None):
        self.proc = subprocess.Popen(
            [str(VENV / "bin" / "python"), str(HERE / "direct.py"),
             *([str(n_threads)] if n_threads else [])], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=open(log, "wb"), text=True,  # noqa: SIM115
            start_new_session=True)
        ready = self._read()
        self.settings = ready["settings"]
        self.pid = ready["pid"]

    def _read(self) -> dict:
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"direct.py exited ({self.proc.poll()}); see its log")
        return json.loads(line)

    def generate(self, prompt: str, max_tokens: int) -> dict:
        self.proc.stdin.write(json.dumps({  # type: ignore[union-attr]
            "messages": messages(prompt), "max_tokens": max_tokens, "seed": SEED,
            "logit_bias": BAN_EOT}) + "\n")
        self.proc.stdin.flush()  # type: ignore[union-attr]
        r = self._read()
        return {"ttft_s": r["ttft_s"], "first_s": r["first_s"], "last_s": r["last_s"],
                "end_s": r["end_s"], "chunks": r["chunks"], "finish_reason": r["finish_reason"],
                "completion_tokens": max_tokens if r["finish_reason"] == "length" else None,
                "text": r["text"]}

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.stdin.close()  # type: ignore[union-attr]
            self.proc.wait(10)
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)


async def homeport_generate(session: aiohttp.ClientSession, url: str, prompt: str,
                            max_tokens: int) -> dict:
    """One streamed generation; retried once if the server had just closed the idle pooled
    connection (uvicorn's 5 s keep-alive timeout racing the next request)."""
    try:
        return await _homeport_generate(session, url, prompt, max_tokens)
    except aiohttp.ServerDisconnectedError:
        return await _homeport_generate(session, url, prompt, max_tokens)


async def _homeport_generate(session: aiohttp.ClientSession, url: str, prompt: str,
                             max_tokens: int) -> dict:
    body = {"model": "local", "messages": messages(prompt), "max_tokens": max_tokens,
            "temperature": 0, "seed": SEED, "logit_bias": BAN_EOT, "stream": True,
            "stream_options": {"include_usage": True}}
    t0 = time.perf_counter()
    first = last = None
    chunks, finish, usage, text = 0, None, None, []
    async with session.post(url, json=body,
                            headers={"authorization": f"Bearer {ADMIN_KEY}"}) as resp:
        if resp.status != 200:
            raise RuntimeError(f"Homeport answered {resp.status}: {await resp.text()}")
        rid = resp.headers.get("x-request-id")
        async for raw in resp.content:
            line = raw.strip()
            if not line.startswith(b"data:") or line == b"data: [DONE]":
                continue
            obj = json.loads(line[5:])
            if obj.get("usage"):
                usage = obj["usage"]
            for choice in obj.get("choices") or []:
                content = (choice.get("delta") or {}).get("content")
                if content:
                    now = time.perf_counter()
                    first = first if first is not None else now
                    last = now
                    chunks += 1
                    text.append(content)
                finish = choice.get("finish_reason") or finish
    t_end = time.perf_counter()
    return {"ttft_s": None if first is None else first - t0,
            "first_s": None if first is None else first - t0,
            "last_s": None if last is None else last - t0, "end_s": t_end - t0,
            "chunks": chunks, "finish_reason": finish, "request_id": rid,
            "completion_tokens": (usage or {}).get("completion_tokens"),
            "prompt_tokens": (usage or {}).get("prompt_tokens"), "text": "".join(text)}


def derive(r: dict) -> dict:
    n = r["completion_tokens"]
    ok = n is not None and r["first_s"] is not None and r["last_s"] > r["first_s"]
    return {**r, "ttft_ms": None if r["ttft_s"] is None else round(r["ttft_s"] * 1000, 2),
            "decode_tps": round(n / (r["last_s"] - r["first_s"]), 2) if ok else None,
            "e2e_tps": round(n / r["end_s"], 2) if n else None}


def busy_seconds() -> float:
    t = psutil.cpu_times()  # irq/softirq left out: loopback traffic is charged there
    return t.user + t.nice + t.system


def ours_seconds(ours: list[psutil.Process]) -> float:
    total = 0.0
    for p in ours:
        with contextlib.suppress(psutil.Error):
            for q in [p, *p.children(recursive=True)]:
                t = q.cpu_times()
                total += t.user + t.system
    return total


def foreign_cores(ours: list[psutil.Process], seconds: float) -> float:
    """Cores used by processes other than this benchmark's over `seconds` (blocking)."""
    b0, o0 = busy_seconds(), ours_seconds(ours)
    time.sleep(seconds)
    return max(0.0, (busy_seconds() - b0) - (ours_seconds(ours) - o0)) / seconds


def med(xs: list) -> float | None:
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 2) if xs else None


def vm_hwm_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


async def run(args: argparse.Namespace, workdir: Path, results: Path, stamp: str) -> dict:
    port = free_port()
    log = open(workdir / "homeport.log", "wb")  # noqa: SIM115
    serve = [str(VENV / "bin" / "homeport"), "serve"]
    if args.what_if:  # Homeport with candidate fixes monkeypatched in (see ../gateway)
        serve = [str(VENV / "bin" / "python"), str(HERE.parent / "gateway" / "homeport_whatif.py"),
                 "serve"]
    hp = subprocess.Popen([*serve, "--port", str(port), "--data-dir", str(workdir / "hp-data")],
                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                          env={**os.environ, "HOMEPORT_ADMIN_KEY": ADMIN_KEY,
                               "HOMEPORT_LOG_LEVEL": "warning",
                               "HP_WHATIF": args.what_if or "",
                               **({"HOMEPORT_EMBEDDED__CHAT__N_THREADS": str(args.n_threads)}
                                  if args.n_threads else {})})
    direct = None
    try:
        wait_http(f"http://127.0.0.1:{port}/readyz", 180, hp)
        direct = Direct(workdir / "direct.log", args.n_threads)
        ours = [psutil.Process(hp.pid), psutil.Process(direct.pid), psutil.Process()]
        url = f"http://127.0.0.1:{port}/v1/chat/completions"
        prompts = PROMPTS[:args.prompts]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
            # warm-up: one generation each (page cache, llama.cpp buffers), not recorded
            await homeport_generate(session, url, prompts[0], 16)
            direct.generate(prompts[0], 16)
            per: list[dict] = []
            for rnd in range(args.rounds):
                quiet = foreign_cores(ours, 1.0)
                waited = 0.0
                while quiet > 0.25 and waited < args.quiet_wait:
                    print(f"  machine busy with other work ({quiet:.2f} cores); waiting ...",
                          flush=True)
                    time.sleep(4)
                    waited += 5
                    quiet = foreign_cores(ours, 1.0)
                order = ["homeport", "direct"] if rnd % 2 == 0 else ["direct", "homeport"]
                for i, prompt in enumerate(prompts):
                    order_i = order if i % 2 == 0 else order[::-1]
                    pair: dict = {"round": rnd + 1, "prompt": i, "order": order_i,
                                  "loadavg": [round(x, 2) for x in os.getloadavg()],
                                  "other_load_cores_before_round": round(quiet, 3)}
                    b0, o0 = busy_seconds(), ours_seconds(ours)
                    t0 = time.perf_counter()
                    for name in order_i:
                        proc = ours[0] if name == "homeport" else ours[1]
                        c0 = ours_seconds([proc])
                        if name == "homeport":
                            pair[name] = derive(await homeport_generate(session, url, prompt,
                                                                        args.max_tokens))
                        else:
                            pair[name] = derive(direct.generate(prompt, args.max_tokens))
                        pair[name]["server_cpu_s"] = round(ours_seconds([proc]) - c0, 3)
                    el = time.perf_counter() - t0
                    pair["other_load_cores"] = round(max(0.0, (busy_seconds() - b0) - (
                        ours_seconds(ours) - o0)) / el, 3)
                    per.append(pair)
                    h, d = pair["homeport"], pair["direct"]
                    print(f"round {rnd + 1}/{args.rounds} prompt {i}: "
                          f"homeport {h['decode_tps']} tok/s ttft {h['ttft_ms']} ms | "
                          f"direct {d['decode_tps']} tok/s ttft {d['ttft_ms']} ms | "
                          f"same text: {h['text'] == d['text']} "
                          f"[other load {pair['other_load_cores']:.2f} cores]", flush=True)
        rss = {"homeport": vm_hwm_mb(hp.pid), "direct": vm_hwm_mb(direct.pid)}
    finally:
        if direct is not None:
            direct.close()
        if hp.poll() is None:
            os.killpg(hp.pid, signal.SIGTERM)
            try:
                hp.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(hp.pid, signal.SIGKILL)
    # Homeport's own ledger (flushed at its graceful stop): ttft_ms is measured inside the
    # server, from routing start to the first token reaching the event loop.
    ledger = ledger_ttft(workdir / "hp-data" / "homeport.db")
    for pair in per:
        h = pair["homeport"]
        h["server_ttft_ms"] = ledger.get(h.get("request_id") or "")
    return {"per_request": per, "direct_settings": direct.settings, "peak_rss_mb": rss}


def ledger_ttft(db: Path) -> dict[str, float]:
    if not db.exists():
        return {}
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return {rid: ttft for rid, ttft in conn.execute(
                "SELECT id, ttft_ms FROM requests WHERE ttft_ms IS NOT NULL")}
    except sqlite3.Error:
        return {}


def summarise(per: list[dict], max_tokens: int) -> dict:
    out: dict = {}
    for name in ("homeport", "direct"):
        rs = [p[name] for p in per]
        out[name] = {"decode_tps_median": med([r["decode_tps"] for r in rs]),
                     "e2e_tps_median": med([r["e2e_tps"] for r in rs]),
                     "ttft_ms_median": med([r["ttft_ms"] for r in rs]),
                     "requests": len(rs),
                     "all_exactly_max_tokens": all(r["completion_tokens"] == max_tokens
                                                   for r in rs)}
    for name in ("homeport", "direct"):  # generations 2x slower than usual (see README)
        m = out[name]["decode_tps_median"] or 0
        out[name]["slow_outliers"] = sum(1 for p in per if (p[name]["decode_tps"] or 0) < m / 2)
    out["homeport"]["server_ttft_ms_median"] = med([p["homeport"].get("server_ttft_ms")
                                                    for p in per])
    pairs = [(p["homeport"], p["direct"]) for p in per]
    out["paired"] = {
        "decode_ratio_median": med([h["decode_tps"] / d["decode_tps"] for h, d in pairs
                                    if h["decode_tps"] and d["decode_tps"]]),
        "e2e_ratio_median": med([h["e2e_tps"] / d["e2e_tps"] for h, d in pairs
                                 if h["e2e_tps"] and d["e2e_tps"]]),
        "ttft_added_ms_median": med([h["ttft_ms"] - d["ttft_ms"] for h, d in pairs
                                     if h["ttft_ms"] is not None and d["ttft_ms"] is not None]),
        # where the added TTFT goes: inside the server (routing start -> first token on the
        # event loop, vs direct's call -> first token) and outside it (HTTP in and out, auth,
        # parsing, SSE write, the client process being scheduled)
        "server_ttft_added_ms_median": med([h["server_ttft_ms"] - d["ttft_ms"] for h, d in pairs
                                            if h.get("server_ttft_ms") is not None
                                            and d["ttft_ms"] is not None]),
        "client_minus_server_ttft_ms_median": med([h["ttft_ms"] - h["server_ttft_ms"]
                                                   for h, _ in pairs
                                                   if h.get("server_ttft_ms") is not None]),
        "identical_text": sum(h["text"] == d["text"] for h, d in pairs),
        "pairs": len(pairs)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="Homeport embedded inference benchmark.")
    ap.add_argument("--quick", action="store_true", help="~1-minute smoke run")
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 5; quick 1)")
    ap.add_argument("--max-tokens", type=int, help="tokens per generation (default 128; "
                    "quick 64)")
    ap.add_argument("--prompts", type=int, help=f"prompts per round (1-{len(PROMPTS)}; default "
                    f"{len(PROMPTS)}; quick 2)")
    ap.add_argument("--quiet-wait", type=float, default=60.0, metavar="S",
                    help="before each round wait up to S seconds for other processes to use "
                    "< 0.25 cores (default 60; 0 = don't wait)")
    ap.add_argument("--what-if", nargs="?", const="nodelay,uvloop", metavar="FIXES",
                    help="run Homeport through ../gateway/homeport_whatif.py with candidate "
                    "fixes monkeypatched in (default: nodelay,uvloop); not the headline figure")
    ap.add_argument("--n-threads", type=int, metavar="N",
                    help="experiment: llama.cpp threads for both sides (default: Homeport's "
                    "default, all cores)")
    args = ap.parse_args()
    args.rounds = args.rounds or (1 if args.quick else 5)
    args.max_tokens = args.max_tokens or (64 if args.quick else 128)
    args.prompts = min(len(PROMPTS), args.prompts or (2 if args.quick else len(PROMPTS)))

    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix="hp-bench-inf-"))
    print(f"load average before start: {[round(x, 2) for x in os.getloadavg()]}", flush=True)
    t0 = time.time()
    try:
        raw = asyncio.run(run(args, workdir, results, stamp))
    finally:
        for log in workdir.glob("*.log"):
            shutil.copy(log, results / f"{stamp}-{log.name}")
        shutil.rmtree(workdir, ignore_errors=True)
    summary = summarise(raw["per_request"], args.max_tokens)
    p = summary["paired"]
    verdicts = [
        {"target": "decode tokens/s through Homeport >= 95% of direct",
         "value": p["decode_ratio_median"], "met": p["decode_ratio_median"] is not None
         and p["decode_ratio_median"] >= 0.95},
        {"target": "end-to-end tokens/s through Homeport >= 95% of direct",
         "value": p["e2e_ratio_median"], "met": p["e2e_ratio_median"] is not None
         and p["e2e_ratio_median"] >= 0.95},
        {"target": "time to first token added <= 5 ms (median of paired differences)",
         "value": p["ttft_added_ms_median"], "met": p["ttft_added_ms_median"] is not None
         and p["ttft_added_ms_median"] <= 5.0},
    ]
    other = [r["other_load_cores"] for r in raw["per_request"]]
    doc = {"benchmark": "inference", "when": stamp, "quick": args.quick, "rounds": args.rounds,
           "what_if": args.what_if, "n_threads_override": args.n_threads,
           "max_tokens": args.max_tokens, "prompts": PROMPTS[:args.prompts], "seed": SEED,
           "logit_bias": BAN_EOT, "direct_settings": raw["direct_settings"],
           "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "cpu_model": next((ln.split(":", 1)[1].strip() for ln in
                                          Path("/proc/cpuinfo").read_text().splitlines()
                                          if ln.startswith("model name")), None)},
           "wall_s": round(time.time() - t0, 1), "peak_rss_mb": raw["peak_rss_mb"],
           "other_load_cores": {"median": med(other), "max": max(other),
                                "pairs_above_0.25": sum(x > 0.25 for x in other)},
           "loadavg": [r["loadavg"] for r in raw["per_request"]],
           "summary": summary, "verdicts": verdicts,
           "per_request": [{**r, **{n: {k: v for k, v in r[n].items() if k != "text"}
                                    for n in ("homeport", "direct")}}
                           for r in raw["per_request"]],
           "sample_text": raw["per_request"][0]["direct"]["text"][:400]}
    path = results / f"{stamp}.json"
    path.write_text(json.dumps(doc, indent=1))
    (results / "latest.json").write_text(json.dumps(doc, indent=1))

    h, d = summary["homeport"], summary["direct"]
    print("\n| target | decode tok/s (median) | end-to-end tok/s (median) | TTFT ms (median) |"
          " requests | exactly max_tokens |")
    print("|---|---:|---:|---:|---:|---|")
    for name, s in (("Homeport (HTTP, SSE)", h), ("llama-cpp-python direct", d)):
        print(f"| {name} | {s['decode_tps_median']} | {s['e2e_tps_median']} | "
              f"{s['ttft_ms_median']} | {s['requests']} | {s['all_exactly_max_tokens']} |")
    print(f"\npaired (same round and prompt): decode ratio {p['decode_ratio_median']}, "
          f"end-to-end ratio {p['e2e_ratio_median']}, TTFT added {p['ttft_added_ms_median']} ms, "
          f"identical text {p['identical_text']}/{p['pairs']}")
    print(f"TTFT added, split: inside Homeport (ledger ttft - direct ttft) "
          f"{p['server_ttft_added_ms_median']} ms; outside (client ttft - ledger ttft) "
          f"{p['client_minus_server_ttft_ms_median']} ms")
    for v in verdicts:
        print(f"{'MET' if v['met'] else 'MISSED':7} {v['target']}: {v['value']}")
    print(f"CPU used by other processes during the pairs (cores): {doc['other_load_cores']}; "
          f"peak RSS MB {raw['peak_rss_mb']}")
    print(f"wall {doc['wall_s']} s; results: {path}")


if __name__ == "__main__":
    main()
