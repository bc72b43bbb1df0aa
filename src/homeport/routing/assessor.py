"""Task type and complexity of prompts, computed on the embedded embedding model's thread."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from homeport.providers.embedder import EmbedderProvider
from homeport.routing.classifier import Assessment, TaskClassifier


class TaskAssessor:
    """Lazily prepares a TaskClassifier (seed embeddings cached in `cache_dir`) and runs it where
    the encoder lives, so requests never embed on the event loop."""

    def __init__(self, embedder: EmbedderProvider, cache_dir: Path):
        self.embedder = embedder
        self.cache_dir = cache_dir
        self._classifier: TaskClassifier | None = None
        self._lock = asyncio.Lock()

    async def prepare(self) -> TaskClassifier:
        async with self._lock:
            if self._classifier is None:
                path, sha256 = self.embedder.model_files()[0]
                stat = path.stat()  # without a pinned hash, a changed file changes the key
                model_id = f"{path}:{sha256 or f'{stat.st_size}:{stat.st_mtime_ns}'}"

                def build(encoder: Any) -> TaskClassifier:
                    clf = TaskClassifier(encoder.encode_array, self.cache_dir, model_id=model_id)
                    clf.prepare()
                    return clf

                self._classifier = await self.embedder.run(build)
            return self._classifier

    async def __call__(self, text: str) -> Assessment:
        clf = await self.prepare()
        return await self.embedder.run(lambda _: clf.assess(text))

    async def many(self, texts: list[str]) -> list[Assessment]:
        clf = await self.prepare()
        return await self.embedder.run(lambda _: clf.assess_many(texts))


def read_prompts(path: Path) -> list[str]:
    """Prompts from a file: JSON lines with `text`, `prompt` or chat `messages` (the last user
    message counts), or else one prompt per line."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{path} holds no prompts")
    if not lines[0].lstrip().startswith("{"):
        return lines
    prompts = []
    for n, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
        except ValueError as e:
            raise ValueError(f"{path}:{n}: not valid JSON ({e})") from None
        text = row.get("text") or row.get("prompt") if isinstance(row, dict) else None
        if text is None and isinstance(row, dict) and isinstance(row.get("messages"), list):
            users = [m.get("content") for m in row["messages"]
                     if isinstance(m, dict) and m.get("role") == "user"]
            text = users[-1] if users else None
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path}:{n}: needs a `text`, `prompt` or `messages` with a user "
                             "message")
        prompts.append(text)
    return prompts
