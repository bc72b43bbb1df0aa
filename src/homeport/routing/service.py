"""The gateway service: decide, dispatch, and record every request. The API and CLI call this."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

from homeport.errors import HomeportError
from homeport.providers.registry import Registry
from homeport.routing import dispatch
from homeport.routing.router import Router, Routing
from homeport.settings import Settings
from homeport.telemetry.events import RequestRecord
from homeport.types import (
    Caller,
    ChatRequest,
    Chunk,
    EmbedResult,
    Sensitivity,
    Target,
    Usage,
)

CLIENT_CLOSED = 499  # nginx's code for "client closed the request", recorded in the ledger


class Recorder(Protocol):
    """Where request records go: the ledger's batched writer."""

    def submit(self, row: dict[str, Any]) -> None: ...


class Gateway:
    def __init__(self, settings: Settings, registry: Registry, router: Router,
                 recorder: Recorder):
        self.settings = settings
        self.registry = registry
        self.router = router
        self.recorder = recorder

    async def open(self, req: ChatRequest, caller: Caller, endpoint: str, rid: str,
                   declared: Sensitivity = Sensitivity.PUBLIC,
                   labels: Sensitivity = Sensitivity.PUBLIC) -> Routed:
        """Start a generation on the first cleared candidate that answers; errors are recorded.
        `labels`: the highest label of the knowledge passages in the request."""
        call = Call(self, rid, endpoint, req.model, caller, req.stream)
        try:
            routing = await self.router.route(req, caller, "chat", declared, labels=labels)
            call.routed(routing)
            opened = await dispatch.open_stream(routing.decision, self.registry.providers, req,
                                                routing.guard(self.settings))
        except HomeportError as e:
            call.finish(e.status, e)
            raise
        except BaseException as e:  # cancelled: the client left while waiting for a model
            call.finish(CLIENT_CLOSED, e)
            raise
        call.started(opened.target, opened.attempts, opened.masked is not None)
        return Routed(call, routing, opened)

    async def embed(self, model: str, texts: list[str], caller: Caller, rid: str,
                    declared: Sensitivity = Sensitivity.PUBLIC,
                    ) -> tuple[Target, Routing, EmbedResult]:
        call = Call(self, rid, "embeddings", model, caller, False)
        try:
            routing = await self.router.route(ChatRequest(model=model), caller, "embedding",
                                              declared, texts=texts)
            call.routed(routing)
            target, attempts, result = await dispatch.embed(
                routing.decision, self.registry.providers, texts, routing.guard(self.settings))
        except HomeportError as e:
            call.finish(e.status, e)
            raise
        except BaseException as e:
            call.finish(CLIENT_CLOSED, e)
            raise
        call.started(target, attempts, False)
        call.usage = Usage(result.prompt_tokens, 0)
        call.finish(200)
        return target, routing, result


class Call:
    """Timing and outcome of one request, turned into a RequestRecord when it ends."""

    def __init__(self, gw: Gateway, rid: str, endpoint: str, model: str, caller: Caller,
                 stream: bool):
        self._gw = gw
        self._t0 = time.perf_counter()
        self.usage: Usage | None = None
        self.record = RequestRecord(id=rid, ts=time.time(), endpoint=endpoint,
                                    model_requested=model, key_id=caller.key_id,
                                    team=caller.team, stream=stream)
        self._done = False

    def _ms(self) -> float:
        return round((time.perf_counter() - self._t0) * 1000, 3)

    def routed(self, routing: Routing) -> None:
        r, d = self.record, routing.decision
        r.rule = d.rule
        r.reasons = "; ".join(d.reasons)[:2000]
        if routing.privacy is not None:
            r.sensitivity = str(routing.privacy.effective)
            r.entity_types = ",".join(sorted(routing.privacy.entity_types)) or None
        if routing.context.assessment is not None:
            r.task = routing.context.assessment.task

    def started(self, target: Target, attempts: int, pseudonymized: bool) -> None:
        self.record.provider, self.record.model_used = target.provider, target.model
        self.record.attempts = attempts
        self.record.pseudonymized = pseudonymized
        self.record.ttft_ms = self._ms()

    def finish(self, status: int, error: BaseException | None = None) -> None:
        if self._done:
            return
        self._done = True
        r = self.record
        r.status, r.latency_ms = status, self._ms()
        r.error_type = type(error).__name__ if error is not None else None
        if isinstance(error, HomeportError):
            error.recorded = True
        if self.usage is not None:
            r.prompt_tokens, r.completion_tokens = (self.usage.prompt_tokens,
                                                    self.usage.completion_tokens)
        self._gw.recorder.submit(r.row())


class Routed:
    """A started generation: iterate `chunks()`, then call `finish()` (the API does both)."""

    def __init__(self, call: Call, routing: Routing, opened: dispatch.Opened):
        self.call = call
        self.routing = routing
        self.target = opened.target
        self._opened = opened

    def chunks(self) -> AsyncIterator[Chunk]:
        return self._opened.chunks()

    def finish(self, status: int = 200, error: BaseException | None = None,
               usage: Usage | None = None) -> None:
        """Record the outcome; `usage` as reported by the last chunk that carried it."""
        self.call.usage = usage
        self.call.finish(status, error)
