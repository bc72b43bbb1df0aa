"""Knowledge bases as callers see them: who may read or change what, uploads, search.

The API, the CLI and chat retrieval all go through this. A caller only ever sees knowledge
bases it may read (others answer 404, as if they did not exist); changes need the owning
team or an admin. Names are unique within a team: a caller names a base by its id (`kb_...`),
by `team/name`, or by a plain name: its own team's base of that name, else the one base of
that name shared with it (several: a 400 that lists them as `team/name`). Embedding uses the
knowledge base's own model, whose provider must be cleared for the base's label and, below
restricted clearance, for what each chunk contains.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

import numpy as np

from homeport.errors import InvalidRequest, NotCleared, NotFound, PermissionDenied
from homeport.knowledge.indexes import index_for
from homeport.knowledge.ingest import Ingestor
from homeport.knowledge.jobs import JobStore
from homeport.knowledge.parse import detect_format
from homeport.knowledge.search import Mode, Searcher, Weights
from homeport.knowledge.store import (
    Document,
    KnowledgeBase,
    KnowledgeStore,
    Passage,
    check_name,
)
from homeport.providers.base import Provider
from homeport.providers.modelfiles import MINILM_TOKENIZER
from homeport.providers.registry import Registry
from homeport.settings import Settings
from homeport.storage.db import Database
from homeport.types import Caller, Sensitivity

_UNSAFE = re.compile(r"[\x00-\x1f\\]")


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str  # may hold a relative folder path
    file: BinaryIO


@dataclass(frozen=True, slots=True)
class Retrieved:
    passages: list[Passage]
    names: dict[str, str]  # kb id -> name
    label: Sensitivity  # the highest label among the passages' knowledge bases


# (caller, action, knowledge base names, details) -> recorded in the audit log
AccessAudit = Callable[[Caller, str, list[str], dict[str, Any]], Awaitable[None]]


class ModelDispatch(Protocol):
    """How knowledge reaches models (the gateway's, through the dispatch choke point)."""

    @property
    def rerank_candidates(self) -> int: ...  # fused passages reranking wants; 0: no reranker

    async def embed(self, model: str, texts: list[str], floor: Sensitivity, what: str,
                    details: dict[str, Any]) -> list[list[float]]: ...

    async def rerank(self, query: str, passages: list[Passage],
                     floor: Sensitivity) -> list[Passage]: ...

    async def close(self) -> None: ...


class KnowledgeService:
    def __init__(self, settings: Settings, db: Database, registry: Registry,
                 models: ModelDispatch, audit: AccessAudit | None = None):
        self.settings = settings
        self.cfg = settings.knowledge
        self.registry = registry
        self.models = models
        self.audit = audit  # governance records knowledge access with it
        self.store = KnowledgeStore(db, index_for(db.dialect, self.cfg.search.vector_memory_mb))
        self.jobs = JobStore(db)
        self.uploads = settings.data_dir / "uploads"
        s = self.cfg.search
        self.searcher = Searcher(self.store, self._embed_query,
                                 Weights(s.lexical_weight, s.dense_weight, s.title_weight,
                                         s.candidates))
        self.ingestor = Ingestor(self.store, self.jobs, self.embed_texts, self.cfg,
                                 settings.data_dir / "ingest", self._tokenizer())
        self._dims: dict[str, int] = {}

    async def access(self, caller: Caller, action: str, kbs: Sequence[KnowledgeBase],
                     **details: Any) -> None:
        """Record who touched which knowledge (the audit log; durable when this returns)."""
        if self.audit is not None:
            await self.audit(caller, action, [kb.name for kb in kbs],
                             {"kb_ids": [kb.id for kb in kbs], **details})

    async def close(self) -> None:
        await self.ingestor.close()
        await self.models.close()

    # --- knowledge bases ---

    async def create(self, caller: Caller, name: str, sensitivity: Sensitivity | None = None,
                     readers: Sequence[str] = ()) -> KnowledgeBase:
        check_name(name)
        label = self.cfg.default_sensitivity if sensitivity is None else sensitivity
        model = self.cfg.embedding_model
        provider = self._provider(model)
        if provider.clearance < label:
            raise NotCleared(f"the embedding model {model!r} runs on {provider.name!r}, cleared "
                             f"up to {provider.clearance}; a {label} knowledge base needs a "
                             "provider cleared for it (set knowledge.embedding_model)",
                             param="sensitivity")
        dims = await self.dimensions(model)
        kb = await self.store.db.run(lambda: self.store.create(
            name, caller.team, label, list(readers), model, dims, caller.key_id))
        await self.access(caller, "create", [kb], sensitivity=str(label))
        return kb

    async def readable(self, caller: Caller) -> list[KnowledgeBase]:
        return [kb for kb in await self.store.db.run(self.store.bases)
                if kb.readable_by(caller)]

    async def get(self, caller: Caller, ref: str) -> KnowledgeBase:
        """The base `ref` names for `caller`: its id, `team/name` or a name (see above)."""
        kb = await self.store.db.run(self._resolve, caller, ref)
        if kb is None or not self._visible(kb, caller):
            raise NotFound(f"no knowledge base {ref!r} that this key may read; list them with "
                           "GET /v1/knowledge", param="knowledge")
        return kb

    def _resolve(self, caller: Caller, ref: str) -> KnowledgeBase | None:
        if ref.startswith("kb_"):  # an id (names never start so)
            return self.store.get(ref)
        team, _, name = ref.rpartition("/")  # names hold no '/'; team names may
        if team:
            return self.store.find(team, name)
        own = self.store.find(caller.team, name)
        if own is not None:
            return own
        shared = [kb for kb in self.store.named(name) if self._visible(kb, caller)]
        if len(shared) > 1:  # all readable by the caller: naming them reveals nothing
            raise InvalidRequest(
                f"{len(shared)} knowledge bases named {name!r} are shared with this key: "
                f"{', '.join(kb.qualified for kb in shared)}; name one as team/name, or by "
                "its id", param="knowledge")
        return shared[0] if shared else None

    @staticmethod
    def _visible(kb: KnowledgeBase, caller: Caller) -> bool:
        return kb.kind == "documents" and kb.readable_by(caller)

    async def editable(self, caller: Caller, ref: str) -> KnowledgeBase:
        kb = await self.get(caller, ref)  # readable: saying whose it is reveals nothing
        if not (caller.is_admin or caller.team == kb.team):
            raise PermissionDenied(f"knowledge base {ref!r} belongs to team {kb.team!r};"
                                          " only that team or an admin may change it")
        return kb

    async def delete(self, caller: Caller, name: str) -> KnowledgeBase:
        kb = await self.editable(caller, name)
        await self.access(caller, "delete", [kb])
        staged = await self.store.db.run(self.jobs.staged_paths, kb.id)
        await self.store.db.run(self.store.drop, kb)
        await asyncio.to_thread(_remove, staged)
        return kb

    # --- ingestion ---

    async def upload(self, caller: Caller, name: str, uploads: Iterable[Upload]) -> str:
        """Stage the files on disk and queue a job for them; returns the job id."""
        kb = await self.editable(caller, name)
        staged: list[tuple[str, str, int]] = []
        folder = self.uploads / secrets.token_hex(8)
        try:
            for i, up in enumerate(uploads):
                source = clean_source(up.filename)
                detect_format(source)  # unsupported types are refused before anything runs
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{i:05d}{PurePosixPath(source).suffix.lower()}"
                size = await asyncio.to_thread(_copy, up.file, path,
                                               self.cfg.max_upload_mb * 1024 * 1024, source)
                staged.append((source, str(path), size))
            if not staged:
                raise InvalidRequest("no files: send one or more files in the multipart field "
                                     "'file'", param="file")
            # recorded before the job exists: an upload is never queued unrecorded
            await self.access(caller, "upload", [kb], files=[source for source, _, _ in staged])
            job_id = await self.store.db.run(self.jobs.create, kb.id, caller.key_id, staged)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self.ingestor.wake()
        return job_id

    async def delete_document(self, caller: Caller, name: str, doc_id: str) -> Document:
        kb = await self.editable(caller, name)
        doc = await self.store.db.run(self.store.document, kb.id, doc_id)
        await self.access(caller, "delete_document", [kb], document=doc.id)
        await self.store.db.run(self.store.remove_document, kb, doc.id)
        return doc

    async def cancel(self, caller: Caller, name: str, job_id: str) -> dict[str, Any]:
        """Cancel a job's unfinished files and remove their uploads; returns the job."""
        kb = await self.editable(caller, name)
        await self.store.db.run(self.jobs.get, kb.id, job_id)  # NotFound if not this base's
        staged = await self.store.db.run(self.jobs.cancel, job_id)
        await asyncio.to_thread(_remove, staged)
        return await self.store.db.run(self.jobs.get, kb.id, job_id)

    # --- search ---

    async def search(self, caller: Caller, names: Sequence[str], query: str, k: int,
                     mode: Mode = "hybrid") -> Retrieved:
        if not query.strip():
            raise InvalidRequest("query must not be empty", param="query")
        kbs = [await self.get(caller, n) for n in dict.fromkeys(names)]
        passages: list[Passage] = []
        by_model: dict[tuple[str, int], list[KnowledgeBase]] = {}
        for kb in kbs:
            by_model.setdefault((kb.embed_model, kb.dims), []).append(kb)
        rerank = mode == "hybrid" and self.models.rerank_candidates > 0
        n = max(k, self.models.rerank_candidates) if rerank else k
        for (_, dims), group in by_model.items():
            passages += await self.searcher.search([kb.id for kb in group], dims, query, n,
                                                   mode, group[0].embed_model)
        if len(by_model) > 1:  # scores of different models do not compare; interleave by rank
            passages.sort(key=lambda p: -p.score)
        labels = {kb.id: kb.sensitivity for kb in kbs}
        if rerank:
            level = max((passage_label(p, labels[p.kb_id]) for p in passages),
                        default=Sensitivity.PUBLIC)
            passages = await self.models.rerank(query, passages, level)
        passages = passages[:k]
        await self.access(caller, "search", kbs, mode=mode,
                          documents=sorted({p.document_id for p in passages}))
        return Retrieved(passages, {kb.id: kb.name for kb in kbs},
                         max((passage_label(p, labels[p.kb_id]) for p in passages),
                             default=Sensitivity.PUBLIC))

    # --- embedding ---

    async def _embed_query(self, model: str, text: str) -> np.ndarray:
        vectors = await self.models.embed(model, [text], Sensitivity.PUBLIC, "the query",
                                          {"purpose": "query_embedding"})
        return np.asarray(vectors[0], dtype=np.float32)

    async def embed_texts(self, kb: KnowledgeBase, texts: list[str]) -> np.ndarray:
        """Vectors of `texts` for `kb`, from a provider cleared for what they hold."""
        vectors = await self.models.embed(
            kb.embed_model, texts, kb.sensitivity, "the document",
            {"purpose": "knowledge_embedding", "knowledge_base": kb.name, "team": kb.team,
             "sensitivity": str(kb.sensitivity)})
        return np.asarray(vectors, dtype=np.float32)

    async def dimensions(self, model: str) -> int:
        if model not in self._dims:
            self._dims[model] = int((await self._embed_query(model, "dimensions")).shape[0])
        return self._dims[model]

    def _provider(self, model: str) -> Provider:
        return self.registry.providers[self.registry.resolve(model, "embedding").provider]

    def _tokenizer(self) -> Path:
        """The tokenizer that sizes chunks: the embedder's own when configured."""
        for p in self.settings.all_providers():
            if p.type == "embedder" and getattr(p, "tokenizer_path", None):
                model = self.registry.find(self.cfg.embedding_model)
                if model is not None and model.provider == p.name:
                    return Path(p.tokenizer_path)
        return MINILM_TOKENIZER


def passage_label(p: Passage, base: Sensitivity) -> Sensitivity:
    """A passage's label: its knowledge base's, raised by its document's own (memories)."""
    return max(base, Sensitivity.parse(p.label)) if p.label else base


def clean_source(filename: str) -> str:
    """A safe, relative document name from an uploaded file name (folder paths kept)."""
    parts = [p for p in PurePosixPath(filename.replace("\\", "/")).parts
             if p not in ("", ".", "..", "/")]
    source = "/".join(parts)
    if not source or _UNSAFE.search(source) or len(source) > 1000:
        raise InvalidRequest(f"invalid file name {filename!r}", param="file")
    return source


def _copy(src: BinaryIO, dest: Path, limit: int, name: str) -> int:
    size = 0
    with dest.open("wb") as out:
        while block := src.read(1 << 20):
            size += len(block)
            if size > limit:
                raise InvalidRequest(f"{name} is larger than knowledge.max_upload_mb "
                                     f"({limit // (1024 * 1024)} MB)", param="file")
            out.write(block)
    return size


def _remove(paths: list[str]) -> None:
    """Delete staged uploads (some may be gone already)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
