"""Peak RSS and speed of Homeport's Encoder by batch size (one process per setting).

    .venv/bin/python bench/embeddings/batch_memory.py            # 256- and 128-token texts
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time


def worker(batch: int, words_per_text: int) -> None:
    from homeport.providers.embedder import Encoder
    from homeport.providers.modelfiles import MINILM_ONNX, MINILM_TOKENIZER, locate
    from homeport.settings import EmbedderProvider

    cfg = EmbedderProvider(type="embedder", name="e", batch_size=batch)
    enc = Encoder(locate(MINILM_ONNX), MINILM_TOKENIZER, cfg)
    words = ("the quick brown fox jumps over the lazy dog while homeport ingests many "
             "documents " * 40).split()
    texts = [" ".join(words[i:i + words_per_text]) for i in range(256)]
    enc.encode(texts[:batch])  # warm-up
    t = time.perf_counter()
    enc.encode(texts)
    rate = len(texts) / (time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| ~{words_per_text * 1.0:.0f} words | {batch} | {rate:.1f} | {rss:.0f} |")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        worker(int(sys.argv[1]), int(sys.argv[2]))
    else:
        print("| text | batch | emb/s | peak RSS MiB |\n|---|---|---|---|")
        for words in (260, 120):
            for batch in (32, 16, 8, 4):
                subprocess.run([sys.executable, __file__, str(batch), str(words)], check=True)
