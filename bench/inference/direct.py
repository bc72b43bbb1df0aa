"""The baseline: llama-cpp-python called directly, in its own process, with the settings
Homeport's embedded provider uses (homeport.providers.llamacpp.load_llama: n_ctx, n_batch,
n_threads = configured or os.cpu_count(), n_gpu_layers, chat_format, and its OpenMP
environment OPENMP_ENV; the model file from
homeport.providers.modelfiles.locate(SMOLLM2_GGUF)). Only the defaults and the model path
are read from Homeport; generation is plain `llama_cpp.Llama.create_chat_completion`.

Protocol (driven by run.py): prints one JSON line {"ready": ...} after loading, then for each
JSON request line on stdin ({"messages", "max_tokens", "seed", "logit_bias"}) one JSON result
line: time to first token, first/last token times, chunk count, finish reason, text.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    from homeport.providers.llamacpp import OPENMP_ENV

    for name, value in OPENMP_ENV.items():  # the OpenMP settings Homeport runs llama.cpp with
        os.environ.setdefault(name, value)
    from llama_cpp import Llama

    from homeport.providers.modelfiles import SMOLLM2_GGUF, locate
    from homeport.settings import LlamaCppConfig

    cfg = LlamaCppConfig()  # Homeport's defaults, as the default config uses them
    if len(sys.argv) > 1:  # run.py --n-threads: an experiment, set on both sides alike
        cfg.n_threads = int(sys.argv[1])
    path = locate(SMOLLM2_GGUF)
    settings = {"model_path": str(path), "n_ctx": cfg.n_ctx, "n_batch": cfg.n_batch,
                "n_threads": cfg.n_threads or os.cpu_count(), "n_gpu_layers": cfg.n_gpu_layers,
                "chat_format": cfg.chat_format}
    llm = Llama(**settings, verbose=False)
    print(json.dumps({"ready": True, "pid": os.getpid(), "settings": settings}), flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        t0 = time.perf_counter()
        first = last = None
        chunks, finish, text = 0, None, []
        stream = llm.create_chat_completion(
            messages=req["messages"], max_tokens=req["max_tokens"], temperature=0.0,
            seed=req["seed"], stream=True, stop=None,
            logit_bias={int(k): float(v) for k, v in req["logit_bias"].items()})
        for part in stream:
            choice = part["choices"][0]
            content = choice["delta"].get("content")
            if content:
                now = time.perf_counter()
                first = first if first is not None else now
                last = now
                chunks += 1
                text.append(content)
            finish = choice.get("finish_reason") or finish
        t_end = time.perf_counter()
        print(json.dumps({"ttft_s": None if first is None else first - t0,
                          "first_s": None if first is None else first - t0,
                          "last_s": None if last is None else last - t0,
                          "end_s": t_end - t0, "chunks": chunks, "finish_reason": finish,
                          "text": "".join(text)}), flush=True)


if __name__ == "__main__":
    main()
