"""One exchange with a model: govern, decide, dispatch, price and record it.

`Gateway` (service.py) and the chat exchange (chat.py) call this. Governance (allowed models,
rate limits, budgets, the egress audit) wraps routing and dispatch; when a request ends it is
priced (economics) and handed to the observers (metrics, traces, access log) and the ledger.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from typing import Any, Protocol

from homeport.economics.cost import CostModel
from homeport.errors import HomeportError
from homeport.governance.service import Admission, Governance
from homeport.privacy.scanner import request_texts
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
    Tier,
    TokenInput,
    Usage,
    new_id,
)

log = logging.getLogger(__name__)
CLIENT_CLOSED = 499  # nginx's code for "client closed the request", recorded in the ledger
Observer = Callable[[RequestRecord], None]


class Recorder(Protocol):
    """Where request records go: the ledger's batched writer."""

    def submit(self, row: dict[str, Any]) -> None: ...


class Exchanges:
    def __init__(self, settings: Settings, registry: Registry, router: Router,
                 recorder: Recorder, governance: Governance, costs: CostModel,
                 observers: Sequence[Observer] = ()):
        self.settings = settings
        self.registry = registry
        self.router = router
        self.recorder = recorder
        self.governance = governance
        self.costs = costs
        self.observers = list(observers)
        self.unpriced: set[str] = set()  # cloud models warned about once

    async def open(self, req: ChatRequest, caller: Caller, endpoint: str, rid: str,
                   declared: Sensitivity = Sensitivity.PUBLIC,
                   labels: Sensitivity = Sensitivity.PUBLIC,
                   traceparent: str | None = None, allowed: bool = False) -> Routed:
        """Start a generation on the first cleared candidate that answers; errors are recorded.
        `labels`: the highest label of the knowledge passages in the request; `allowed`: the
        caller's right to the model was checked already."""
        call = Call(self, rid, endpoint, req.model, caller, req.stream, traceparent)
        with call.recording_failures():
            routing, steps = await call.govern_and_route(req, "chat", declared,
                                                         labels=labels, allowed=allowed)
            call.dispatched()
            opened = await dispatch.open_stream(steps, self.registry.providers, req,
                                                call.guard(routing))
        call.started(opened.target, opened.attempts, opened.masked is not None)
        return Routed(call, routing, opened, self.route_of(opened.target, routing))

    async def embed(self, model: str, texts: list[str], caller: Caller, rid: str,
                    declared: Sensitivity = Sensitivity.PUBLIC,
                    traceparent: str | None = None,
                    tokens: TokenInput | None = None) -> tuple[Target, Routing, EmbedResult]:
        call = Call(self, rid, "embeddings", model, caller, False, traceparent)
        with call.recording_failures():
            routing, steps = await call.govern_and_route(ChatRequest(model=model), "embedding",
                                                         declared, texts=texts)
            target, attempts, result = await dispatch.embed(
                steps, self.registry.providers, texts, call.guard(routing), tokens)
        call.started(target, attempts, False)
        call.usage = Usage(result.prompt_tokens, 0)
        call.finish(200)
        return target, routing, result

    def route_of(self, target: Target, routing: Routing) -> dict[str, str]:
        """Where an exchange ran and why, as the x-homeport-* headers say it."""
        d = routing.decision
        return {"route": f"{target.provider}/{target.model}",
                "tier": str(self.registry.providers[target.provider].tier),
                "rule": d.rule, "sensitivity": str(routing.context.sensitivity),
                "reason": "; ".join(d.reasons)}


    def record(self, record: RequestRecord) -> None:
        """A finished request: observers first (metrics, traces, log), then the ledger."""
        for observe in self.observers:
            observe(record)
        self.recorder.submit(record.row())


class Call:
    """Timing, governance and outcome of one request, turned into a priced RequestRecord."""

    def __init__(self, gw: Exchanges, rid: str, endpoint: str, model: str, caller: Caller,
                 stream: bool, traceparent: str | None = None):
        self._gw = gw
        self._t0 = time.perf_counter()
        self._dispatched: float | None = None
        self.caller = caller
        self.usage: Usage | None = None
        self.admission: Admission | None = None
        self.streamed_chars = 0  # answer text received, for usage estimates
        self.routing: Routing | None = None
        self.record = RequestRecord(id=rid, ts=time.time(), endpoint=endpoint,
                                    model_requested=model, key_id=caller.key_id,
                                    team=caller.team, stream=stream, traceparent=traceparent)
        self._done = False

    @contextlib.contextmanager
    def recording_failures(self) -> Iterator[None]:
        """A failure inside is recorded (a cancellation: the client left, 499) and raised; an
        unexpected one as a 500 the route records no more."""
        try:
            yield
        except HomeportError as e:
            self.finish(e.status, e)
            raise
        except Exception as e:
            self.finish(500, e)
            raise internal(e) from e
        except BaseException as e:
            self.finish(_status_of(e), e)
            raise

    def _ms(self) -> float:
        return round((time.perf_counter() - self._t0) * 1000, 3)

    async def govern_and_route(self, req: ChatRequest, kind: str, declared: Sensitivity,
                               texts: list[str] | None = None,
                               labels: Sensitivity = Sensitivity.PUBLIC,
                               allowed: bool = False) -> tuple[Routing, list[dispatch.Step]]:
        """Admit, route and plan (once): what each candidate may receive, the budget reserved
        on the cloud ones that may receive it."""
        gov = self._gw.governance
        if not allowed:
            gov.allow_model(self.caller, req.model)
        sent = texts if texts is not None else request_texts(req)
        estimate = sum(map(len, sent)) // 4
        if self._gw.settings.telemetry.log_prompts:
            self.record.prompt_text = "\n".join(sent)
        self.admission = await gov.admit(self.caller, estimate)
        routing = await self._gw.router.route(req, self.caller, kind, declared, texts=texts,
                                              labels=labels)
        self.routed(routing)
        steps = await self._planned(routing, req)
        self.record.reasons = "; ".join(routing.decision.reasons)[:2000]
        return routing, steps

    async def _planned(self, routing: Routing, req: ChatRequest) -> list[dispatch.Step]:
        gov, providers = self._gw.governance, self._gw.registry.providers
        assert self.admission is not None
        decision = routing.decision = gov.allowed_candidates(self.caller, routing.decision,
                                                             req.model)
        steps = dispatch.plan(decision, routing.privacy, providers,
                              self._gw.settings.privacy.maskable_types())
        paid = [s.target for s in steps if s.action != dispatch.Action.WITHHOLD
                and providers[s.target.provider].tier == Tier.CLOUD]
        chat = routing.context.kind == "chat"
        max_tokens = (req.max_tokens or gov.cfg.default_max_tokens) if chat else 0
        rest = [s for s in steps if s.target not in paid]  # local, or never sent
        spent = await gov.reserve(
            self.caller, paid, routing.context.prompt_tokens, max_tokens, self.admission,
            self.record.id, any(providers[s.target.provider].tier == Tier.LOCAL for s in rest))
        if spent is not None:
            routing.decision = dataclasses.replace(decision,
                                                   candidates=[s.target for s in rest],
                                                   reasons=[*decision.reasons, spent])
            return rest
        if chat and req.max_tokens is None and self.admission.reservation is not None:
            req.max_tokens = max_tokens  # the upstream may not write more than was reserved
        return steps

    def guard(self, routing: Routing) -> dispatch.Guard:
        return routing.guard(self._gw.settings, self.egress)

    async def egress(self, step: dispatch.Step, payload: Any, attempt: int) -> None:
        """Audit, durably, what is about to leave for `step`'s provider."""
        assert self.routing is not None
        privacy = self.routing.privacy
        await self._gw.governance.egress(
            self.record.id, self.caller, step.target, self.routing.decision.rule,
            self.routing.context.sensitivity,
            sorted(privacy.entity_types) if privacy is not None else [],
            step.action == dispatch.Action.MASK, payload, attempt)

    def dispatched(self) -> None:
        """Routing is done: a local provider's busy time starts here."""
        self._dispatched = time.perf_counter()

    def routed(self, routing: Routing) -> None:
        self.routing = routing
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
        elif r.provider is not None and self.admission is not None:
            # no usage (the client left, or the stream broke): estimate what was used, so a
            # cut-off cloud call is still paid for
            r.prompt_tokens = self.admission.estimate
            r.completion_tokens = -(-self.streamed_chars // 4)
        self._price()
        if self.admission is not None:
            self._gw.governance.settle(self.admission, r.cost, r.tier,
                                       r.prompt_tokens + r.completion_tokens)
        self._gw.record(r)

    def _price(self) -> None:
        """Cloud calls at list price, local ones at energy + amortisation; all of them also at
        the reference cloud model's price (what self-hosting saved)."""
        r, costs = self.record, self._gw.costs
        if r.provider is None or r.model_used is None:
            return
        provider = self._gw.registry.providers[r.provider]
        r.tier = str(provider.tier)
        if provider.tier == Tier.CLOUD:
            r.cost = costs.cloud(r.model_used, r.prompt_tokens, r.completion_tokens)
            if r.model_used in costs.unknown_models and r.model_used not in self._gw.unpriced:
                self._gw.unpriced.add(r.model_used)
                log.warning("no price for the cloud model %r: its calls cost 0 in reports; add "
                            "it under economics.prices", r.model_used)
        else:
            held = self.usage.busy_s if self.usage is not None else None
            busy = held if held is not None else \
                time.perf_counter() - (self._dispatched or self._t0)
            r.busy_s = round(busy, 4)
            r.cost, r.energy_wh = costs.local(busy, provider.load().slots or 1)
        r.cost_equivalent = costs.equivalent(r.prompt_tokens, r.completion_tokens)


class Collected:
    """A whole generation gathered from its chunks (for non-streaming responses)."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.calls: dict[int, dict[str, Any]] = {}
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self.logprobs: dict[str, Any] | None = None  # the pieces' logprobs, lists joined

    def add(self, chunk: Chunk) -> None:
        if chunk.text:
            self.text.append(chunk.text)
        for d in chunk.tool_calls or ():
            call = self.calls.setdefault(d.index, {
                "id": d.id or new_id("call"), "type": "function",
                "function": {"name": d.name or "", "arguments": ""}})
            if d.name and not call["function"]["name"]:
                call["function"]["name"] = d.name
            call["function"]["arguments"] += d.arguments
        self.finish_reason = chunk.finish_reason or self.finish_reason
        self.usage = chunk.usage or self.usage
        if chunk.logprobs:
            joined = self.logprobs = self.logprobs or {}
            for key, value in chunk.logprobs.items():
                if isinstance(value, list):
                    joined[key] = [*(joined.get(key) or []), *value]
                elif key not in joined:
                    joined[key] = value

    def finish(self) -> str:
        if self.calls and self.finish_reason in (None, "stop"):
            return "tool_calls"
        return self.finish_reason or "stop"


class Routed:
    """A started generation: iterate `chunks()`, then call `finish()` (the API does both)."""

    def __init__(self, call: Call, routing: Routing, opened: dispatch.Opened,
                 route: dict[str, str]):
        self.call = call
        self.routing = routing
        self.target = opened.target
        self.route = route  # where it ran and why (route_of)
        self._opened = opened

    def chunks(self) -> AsyncGenerator[Chunk, None]:
        return self._opened.chunks()

    @property
    def logs_answer(self) -> bool:
        """Whether the answer text goes to logs and traces (telemetry.log_prompts)."""
        return self.call.record.prompt_text is not None

    async def recorded(self) -> AsyncGenerator[Chunk, None]:
        """The chunks; when they end, fail or are abandoned (the client left), the outcome is
        recorded with the usage the last chunk reported."""
        status, error = 200, None  # type: int, BaseException | None
        answer: list[str] = []
        usage: Usage | None = None
        streamed = 0
        try:
            async with contextlib.aclosing(self.chunks()) as chunks:
                async for chunk in chunks:
                    streamed += len(chunk.text)
                    usage = chunk.usage or usage
                    if self.logs_answer:
                        answer.append(chunk.text)
                    yield chunk
        except HomeportError as e:
            status, error = e.status, e
            raise
        except (asyncio.CancelledError, GeneratorExit) as e:
            status, error = CLIENT_CLOSED, e
            raise
        except Exception as e:
            status, error = 500, e
            raise internal(e) from e
        except BaseException as e:
            status, error = 500, e
            raise
        finally:
            self.finish(status, error, usage, "".join(answer), streamed)

    async def collect(self) -> Collected:
        collected = Collected()
        async for chunk in self.recorded():
            collected.add(chunk)
        return collected

    def finish(self, status: int = 200, error: BaseException | None = None,
               usage: Usage | None = None, answer: str | None = None,
               streamed_chars: int = 0) -> None:
        """Record the outcome; `usage` as reported by the last chunk that carried it;
        `answer` only when `logs_answer`; `streamed_chars` of answer text received."""
        self.call.usage = usage
        self.call.streamed_chars = streamed_chars
        if self.logs_answer:
            self.call.record.answer_text = answer
        self.call.finish(status, error)


def internal(e: Exception) -> HomeportError:
    """An unexpected error of an exchange, logged and recorded already, as the 500 its client
    gets (the route records nothing more)."""
    log.error("an exchange failed inside Homeport", exc_info=e)
    wrapped = HomeportError("Internal error in Homeport; the server log has the details.")
    wrapped.recorded = True
    return wrapped


def _status_of(e: BaseException) -> int:
    """A cancelled request is the client's doing (499); anything else failed in Homeport."""
    return CLIENT_CLOSED if isinstance(e, asyncio.CancelledError) else 500
