"""The composition root: everything a running Homeport holds, built from Settings, no globals.

`prepare()` (blocking) migrates the database and makes sure an admin key exists; `start()`
starts the ledger writer and loads models in the background (readiness flips when done);
`stop()` drains the ledger and releases everything. The API and the CLI both use it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from homeport.background import Background
from homeport.economics.cost import CostModel
from homeport.economics.prices import PriceCatalog
from homeport.economics.reports import Reports
from homeport.economics.rollup import DAY, Rollup
from homeport.gateway.chat import Chats
from homeport.gateway.exchange import Exchanges
from homeport.gateway.knowledge_io import KnowledgeDispatch
from homeport.gateway.service import Gateway
from homeport.governance.admin import Admin
from homeport.governance.keys import KeyStore
from homeport.governance.service import Governance
from homeport.knowledge.service import KnowledgeService
from homeport.memory.service import MemoryService
from homeport.privacy.scanner import Scanner
from homeport.providers.embedder import EmbedderProvider
from homeport.providers.registry import Registry
from homeport.routing.assessor import TaskAssessor
from homeport.routing.calibration import load_threshold
from homeport.routing.policy import Policy
from homeport.routing.router import Router
from homeport.routing.rules import RuleStore
from homeport.settings import Settings
from homeport.storage.db import Database
from homeport.storage.schema import requests
from homeport.storage.writer import BatchedWriter
from homeport.telemetry.logs import access_log
from homeport.telemetry.metrics import Metrics
from homeport.telemetry.tracing import Tracing
from homeport.types import Caller

log = logging.getLogger(__name__)
ASSESSOR_EMBEDDER = "local-embed"  # the embedded embedding model also classifies prompts


class Runtime:
    def __init__(self, settings: Settings, on_fatal: Callable[[], None] | None = None):
        self.settings = settings
        self.on_fatal = on_fatal  # called when loading fails (`serve` stops the server)
        self.db = Database(settings.url())
        self.keys = KeyStore(self.db, ttl=settings.key_cache_ttl_s)
        self.registry = Registry(settings)
        self.policy = Policy(self.registry, settings.routing, settings.privacy)
        self.scanner = Scanner(settings.privacy)
        self.assessor = _assessor(self.registry, settings)
        self.ledger = BatchedWriter(self.db, requests, settings.writer)
        self.costs = CostModel(settings.economics, PriceCatalog(settings.economics))
        self.reports = Reports(self.db, settings)
        self.governance = Governance(settings, self.db, self.keys, self.registry, self.costs)
        self.router = Router(settings, self.registry, self.policy, self.scanner,
                             assess=self.assessor,
                             complexity_threshold=load_threshold(settings.data_dir)
                             if settings.routing.complexity_threshold is None
                             else settings.routing.complexity_threshold,
                             budget_remaining=self.governance.budget_remaining)
        self.audit = self.governance.audit
        self.metrics = Metrics(settings, self.registry.providers) \
            if settings.telemetry.metrics else None
        self.rules = RuleStore(self.db, settings,
                               [self.metrics.rules_changed] if self.metrics else [])
        self.admin = Admin(self.db, self.keys, self.governance.teams, self.governance.audit,
                           settings.model_names, self.rules)
        self.tracing = Tracing(settings.telemetry)
        log_prompts = settings.telemetry.log_prompts
        observers = [*([self.metrics.observe] if self.metrics else []),
                     *([self.tracing.observe] if self.tracing.enabled else []),
                     lambda record: access_log(record, log_prompts)]
        exchanges = Exchanges(settings, self.registry, self.router, self.ledger,
                              self.governance, self.costs, observers)
        self.knowledge = KnowledgeService(
            settings, self.db, self.registry,
            KnowledgeDispatch(self.registry, self.scanner, self.governance,
                              settings.knowledge.rerank),
            audit=self._knowledge_access)
        self.memory = MemoryService(settings.memory, self.knowledge, self.scanner)
        self.background = Background("background work of a request")
        self.gateway = Gateway(settings, self.registry, self.router, exchanges,
                               Chats(settings, exchanges, self.registry, self.knowledge,
                                     self.memory, self.background))
        self.prepared = False
        self.router_ready = False
        self.database_ready = False
        self.startup_error: str | None = None
        self._loading: asyncio.Task[None] | None = None
        self._following: asyncio.Task[None] | None = None

    def prepare(self) -> str | None:
        """Migrate and ensure an admin key. Returns a newly generated admin key, if any."""
        self.db.migrate()
        self.rules.refresh()  # rules saved from the UI or the admin API replace configured ones
        new_key = self.keys.ensure_admin(self.settings.admin_key)
        self.prepared = self.database_ready = True
        return new_key

    async def start(self, wait_for_models: bool = False) -> None:
        if not self.prepared:
            new_key = await asyncio.to_thread(self.prepare)
            if new_key:
                log.warning("generated an admin API key (shown once): %s", new_key)
        self.ledger.start()
        self.governance.start()
        self._following = asyncio.create_task(self.rules.follow())
        self._loading = asyncio.create_task(self._load_models())
        if wait_for_models:
            await self._loading
            if self.startup_error:
                raise RuntimeError(self.startup_error)

    async def _load_models(self) -> None:
        try:
            await self.registry.start()
            self.knowledge.ingestor.start()  # resumes jobs a stopped server left unfinished
            self.memory.start()
            await self._warm_router()
            await asyncio.to_thread(self._warm_reports)
        except Exception as e:
            self.startup_error = f"loading models failed: {e}"
            log.error("%s", self.startup_error)
            if self.on_fatal is not None:
                self.on_fatal()

    async def _warm_router(self) -> None:
        """Load what the router will need before the first request does: NER, the classifier."""
        privacy = self.settings.privacy
        if privacy.enabled and privacy.ner != "never":
            await asyncio.to_thread(self.scanner.ner)
        if self.assessor is not None and self.policy.uses_assessment():
            await self.assessor.prepare()
        self.router_ready = True

    def _warm_reports(self) -> None:
        """Roll up the last 90 days of the ledger now, so the first report is fast."""
        lag = 3600.0
        first = int((time.time() - 90 * DAY) // DAY)
        try:
            Rollup(self.db, lag_s=lag, build_budget_s=60).ensure(
                first, int((time.time() - lag) // DAY))
        except Exception:
            log.exception("rolling up the ledger failed; reports will read it directly")

    async def start_assessor(self) -> TaskAssessor | None:
        """For commands: start only the embedding model the task assessor uses."""
        if self.assessor is not None:
            await self.assessor.embedder.start()
            await self.assessor.prepare()
        return self.assessor

    def readiness(self) -> dict[str, bool]:
        checks = {"database": self.database_ready, "router": self.router_ready}
        for name, provider in self.registry.providers.items():
            checks[f"provider:{name}"] = provider.ready()
        return checks

    async def stop(self) -> None:
        for task in (self._loading, self._following):
            if task is not None and not task.done():
                task.cancel()
        await self.background.close()
        await self.knowledge.close()
        await self.memory.close()
        await asyncio.to_thread(self.scanner.close)  # NER's thread or worker processes
        await self.ledger.close()
        await self.governance.close()
        self.tracing.shutdown()
        await self.registry.close()
        self.db.close()

    async def _knowledge_access(self, caller: Caller, action: str, kbs: list[str],
                                details: dict[str, object]) -> None:
        await self.governance.audit.record("knowledge", {"action": action, "kbs": kbs,
                                                         **details},
                                           actor=caller.key_id, team=caller.team)


def _assessor(registry: Registry, settings: Settings) -> TaskAssessor | None:
    embedder = registry.providers.get(ASSESSOR_EMBEDDER)
    if not isinstance(embedder, EmbedderProvider):
        return None
    return TaskAssessor(embedder, settings.data_dir / "cache")
