"""The embedded embedding provider: a BERT-style ONNX encoder on onnxruntime.

Mean pooling over the attention mask, then L2 normalisation: what sentence-transformers does
for all-MiniLM-L6-v2. Batches run in one worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from homeport.errors import InvalidRequest, NotReady
from homeport.providers.base import Capabilities, Provider
from homeport.providers.modelfiles import (
    MINILM_ONNX,
    MINILM_TOKENIZER,
    MINILM_TOKENIZER_SHA256,
    locate,
    verify,
)
from homeport.settings import EmbedderProvider as Config
from homeport.types import ChatRequest, Chunk, EmbedResult, TokenInput

log = logging.getLogger(__name__)
T = TypeVar("T")


class EmbedderProvider(Provider):
    capabilities = Capabilities(chat=False, completions=False, embeddings=True, tools=False,
                                json_schema=False)
    in_process = True

    def __init__(self, cfg: Config):
        super().__init__(cfg.name, tier=cfg.effective_tier(),
                         clearance=cfg.effective_clearance(), region=cfg.region)
        self.cfg = cfg
        self._encoder: Encoder | None = None
        self._verified = False
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=f"embed-{cfg.name}")

    def model_files(self) -> list[tuple[Path, str | None]]:
        """(path, expected SHA-256) of the ONNX model and its tokenizer."""
        model: tuple[Path, str | None]
        if self.cfg.model_path is None:
            model = (locate(MINILM_ONNX), self.cfg.sha256 or MINILM_ONNX.sha256)
        else:
            model = (Path(self.cfg.model_path), self.cfg.sha256)
        if self.cfg.tokenizer_path is None:
            return [model, (MINILM_TOKENIZER, MINILM_TOKENIZER_SHA256)]
        return [model, (Path(self.cfg.tokenizer_path), None)]

    def verify(self) -> None:
        """Check the model and tokenizer files once (their SHA-256 when known)."""
        if not self._verified:
            for path, sha in self.model_files():
                verify(path, sha)
            self._verified = True

    async def start(self) -> None:
        await asyncio.to_thread(self.verify)
        (model, _), (tokenizer, _) = self.model_files()
        self._encoder = await asyncio.to_thread(Encoder, model, tokenizer, self.cfg)
        log.info("loaded embedding model %s", model.name)

    def ready(self) -> bool:
        return self._encoder is not None

    async def close(self) -> None:
        self._encoder = None
        self._thread.shutdown(wait=False)

    async def stream(self, req: ChatRequest, model: str) -> AsyncIterator[Chunk]:
        raise InvalidRequest(f"{model!r} is an embedding model; use /v1/embeddings", param="model")
        yield Chunk()  # pragma: no cover - makes this an async generator

    async def embed(self, texts: list[str], model: str,
                    tokens: TokenInput | None = None) -> EmbedResult:
        return await self.run(lambda encoder: encoder.encode(texts))

    async def run(self, fn: Callable[[Encoder], T]) -> T:
        """`fn(encoder)` on the model's own thread (the encoder is not thread-safe)."""
        encoder = self._encoder
        if encoder is None:
            raise NotReady(f"the embedding model {self.name!r} is still loading; retry shortly")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, fn, encoder)


class Encoder:
    """Tokenizer + ONNX session; `encode` is blocking and not thread-safe (one thread uses it)."""

    def __init__(self, model: Path, tokenizer: Path, cfg: Config):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(cfg.max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in a batch
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = cfg.n_threads or os.cpu_count() or 1
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), opts, providers=_ort_providers(ort))
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.batch_size = cfg.batch_size
        self.last_tokens = 0  # tokens of the last encode_array call

    def encode(self, texts: list[str]) -> EmbedResult:
        vectors = self.encode_array(texts)
        return EmbedResult(vectors=vectors.tolist(), prompt_tokens=self.last_tokens)

    def encode_array(self, texts: list[str]) -> Any:
        """L2-normalised embeddings as a (len(texts), dims) float32 numpy array."""
        import numpy as np

        tokens = 0
        # Similar lengths together: less padding, fewer wasted FLOPs.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[Any] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            enc = self.tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            tokens += int(mask.sum())
            for row, i in zip(pooled, idx, strict=True):
                out[i] = row
        self.last_tokens = tokens
        return np.array(out, dtype=np.float32).reshape(len(texts), -1)


def _ort_providers(ort: Any) -> list[str]:
    available = ort.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]
