"""The one place requests reach providers: the clearance choke point, then fallback in order.

Every path (first choice, fallback, retry, overflow, `auto`, streaming, embeddings) goes through
`plan`: a candidate whose clearance is below the request's sensitivity is withheld — or, when
policy allows, gets the request with the sensitive entities replaced by placeholders (restored
in the response). A candidate is abandoned for the next only on retriable failures and only
before its first chunk. When candidates were withheld and every cleared one failed, the request
waits for cleared capacity up to `queue_timeout_s`, then fails closed with 503.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from homeport.errors import (
    RETRIABLE,
    HomeportError,
    NoClearedProvider,
    NotCleared,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from homeport.knowledge.rerank import Reranker
from homeport.knowledge.store import Passage
from homeport.privacy.pseudonymize import Pseudonymizer, StreamRestorer
from homeport.privacy.scanner import Classification, with_texts
from homeport.providers.base import Provider
from homeport.types import (
    ChatRequest,
    Chunk,
    Decision,
    EmbedResult,
    Message,
    Sensitivity,
    Target,
    Tier,
    TokenInput,
    ToolCallDelta,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class Action(enum.StrEnum):
    SEND = "send"  # cleared for the content as it is
    MASK = "mask"  # cleared once the allowed entity types are replaced by placeholders
    WITHHOLD = "withhold"  # never gets this content


@dataclass(frozen=True, slots=True)
class Step:
    target: Target
    action: Action
    clearance: Sensitivity


def action(clearance: Sensitivity, privacy: Classification | None, pseudonymize: bool,
           maskable: Collection[str]) -> Action:
    """What a provider with `clearance` may receive of this content: the one clearance rule."""
    if privacy is None or privacy.effective <= clearance:
        return Action.SEND
    if pseudonymize and privacy.residual(maskable) <= clearance:
        return Action.MASK
    return Action.WITHHOLD


def plan(decision: Decision, privacy: Classification | None, providers: dict[str, Provider],
         maskable: Collection[str]) -> list[Step]:
    """What each candidate may receive. `maskable`: entity types policy lets us pseudonymise."""
    return [Step(t, action(providers[t.provider].clearance, privacy, decision.pseudonymize,
                           maskable), providers[t.provider].clearance)
            for t in decision.candidates]


Egress = Callable[["Step", Any, int], Awaitable[None]]


@dataclass(slots=True)
class Guard:
    """Everything dispatch needs to keep content where policy says."""

    privacy: Classification | None
    maskable: Collection[str]
    queue_timeout_s: float
    texts: list[str]  # the request's texts, in `request_texts` order
    # awaited before anything is sent to a provider (the durable audit record); its failure
    # stops the attempt: nothing leaves unrecorded
    egress: Egress | None = None
    attempt: int = 0  # attempts audited so far


@dataclass(slots=True)
class Opened:
    """A generation that has started on `target`; iterate `chunks()` for the rest."""

    target: Target
    attempts: int
    first: Chunk | None
    rest: AsyncIterator[Chunk]
    masked: Pseudonymizer | None = None

    async def chunks(self) -> AsyncGenerator[Chunk, None]:
        try:
            if self.first is None:
                return
            if self.masked is None:
                yield self.first
                async for chunk in self.rest:
                    yield chunk
            else:
                async for chunk in _restored(self.masked, self.first, self.rest):
                    yield chunk
        finally:
            await self.rest.aclose()  # type: ignore[attr-defined]


async def open_stream(steps: list[Step], providers: dict[str, Provider], req: ChatRequest,
                      guard: Guard) -> Opened:
    """`steps`: the plan (`plan`) of the decision, computed once by the caller."""
    masked: tuple[ChatRequest, Pseudonymizer] | None = None  # built once, when first needed

    async def attempt(step: Step) -> Opened:
        nonlocal masked
        r, pseudo = req, None
        if step.action == Action.MASK:
            masked = masked or _mask(req, guard)
            r, pseudo = masked
        await _audit(guard, step, r, providers[step.target.provider])
        stream = providers[step.target.provider].stream(r, step.target.model)
        try:
            first: Chunk | None = await anext(stream)
        except StopAsyncIteration:
            first = None
        except BaseException:
            await stream.aclose()  # type: ignore[attr-defined]
            raise
        return Opened(step.target, 0, first, stream, pseudo)

    opened, attempts = await _first_cleared(steps, attempt, guard)
    opened.attempts = attempts
    return opened


async def embed(steps: list[Step], providers: dict[str, Provider], texts: list[str],
                guard: Guard, tokens: TokenInput | None = None) -> tuple[Target, int, EmbedResult]:
    """`tokens`: the input as the client's token ids (`texts` are them decoded, what was
    scanned); a provider gets what it reads."""
    assert all(s.action != Action.MASK for s in steps), "embeddings are never pseudonymised"

    async def attempt(step: Step) -> tuple[Target, EmbedResult]:
        await _audit(guard, step, texts if tokens is None else tokens,
                     providers[step.target.provider])
        return step.target, await providers[step.target.provider].embed(
            texts, step.target.model, tokens)

    (target, result), attempts = await _first_cleared(steps, attempt, guard)
    return target, attempts, result


async def embed_cleared(provider: Provider, model: str, texts: list[str], level: Sensitivity,
                        egress: Callable[[], Awaitable[None]] | None, what: str) -> EmbedResult:
    """Knowledge embeddings (ingestion, queries): one provider and model, the knowledge base's
    own (vectors of one base come from one model: no fallback). Refused when `level` is above
    its clearance; `egress` (the durable audit record) is awaited first when `audited`. `what`
    names the content in the refusal."""
    if level > provider.clearance:
        raise NotCleared(f"{what} holds {level} data; the embedding provider {provider.name!r} "
                         f"is cleared up to {provider.clearance}: nothing was sent")
    if egress is not None and audited(provider, level):
        await egress()
    return await provider.embed(texts, model)


async def rerank_cleared(reranker: Reranker, query: str, passages: list[Passage],
                         level: Sensitivity,
                         egress: Callable[[list[str]], Awaitable[None]] | None) -> list[Passage]:
    """`passages` reordered by the rerank server, or as they are when it may not see them
    (`level` above its clearance) or does not answer: search never fails because of it."""
    if len(passages) < 2:
        return passages
    if level > reranker.cfg.clearance:
        log.info("rerank skipped: %s content, reranker cleared up to %s", level,
                 reranker.cfg.clearance)
        return passages
    if egress is not None:
        await egress([query, *(p.text for p in passages)])
    return await reranker.rerank(query, passages)


async def smoke_test(provider: Provider, model: str, kind: str) -> str:
    """A fixed, public prompt to one provider (`homeport doctor`): what it answered."""
    if kind == "chat":
        req = ChatRequest(model=model, messages=[Message("user", "Say hi.")], max_tokens=4,
                          stream=True)
        return "".join([c.text async for c in provider.stream(req, model)])
    result = await provider.embed(["hello world"], model)
    return f"{len(result.vectors[0])}-dim vectors"


def audited(provider: Provider, level: Sensitivity) -> bool:
    """Whether content of `level` gets the durable egress record before it goes to `provider`:
    always for a cloud-tier provider; for a local-tier one (in this process, or a model server
    on the team's own network: no third party) only above public, so the audit log shows where
    sensitive data went. The request ledger records where everything ran."""
    return provider.tier == Tier.CLOUD or level > Sensitivity.PUBLIC


async def _audit(guard: Guard, step: Step, payload: Any, provider: Provider) -> None:
    """The egress record (when `audited`), durable before anything is sent; meanwhile the
    request counts as in flight on `provider`, so concurrent routing sees the load it is about
    to get."""
    level = guard.privacy.effective if guard.privacy is not None else Sensitivity.PUBLIC
    if guard.egress is None or not audited(provider, level):
        return
    guard.attempt += 1
    provider.dispatching += 1
    try:
        await guard.egress(step, payload, guard.attempt)
    finally:
        provider.dispatching -= 1


async def _first_cleared(steps: list[Step], attempt: Callable[[Step], Awaitable[T]],
                         guard: Guard) -> tuple[T, int]:
    """Try the steps that may see the content, in order; wait for them if others were withheld."""
    cleared = [s for s in steps if s.action != Action.WITHHOLD]
    withheld = [s for s in steps if s.action == Action.WITHHOLD]
    if not cleared:
        raise NoClearedProvider(_closed_message(guard, withheld, []))
    deadline = time.monotonic() + guard.queue_timeout_s
    attempts, pause = 0, 0.05
    failures: list[tuple[Target, HomeportError]] = []
    while True:
        for step in cleared:
            left = deadline - time.monotonic()
            if withheld and attempts and left <= 0:
                break  # failing closed: waiting for cleared capacity ends at the deadline
            attempts += 1
            try:
                async with asyncio.timeout(max(left, 0.001) if withheld and attempts > 1
                                           else None):
                    return await attempt(step), attempts
            except TimeoutError:
                failures.append((step.target, UpstreamTimeout(
                    f"no answer within privacy.queue_timeout_s ({guard.queue_timeout_s:g} s)")))
            except RETRIABLE as e:
                log.warning("provider %s failed, trying next: %s", step.target.provider,
                            e.message)
                failures.append((step.target, e))
        if not withheld:
            raise _exhausted(failures)
        left = deadline - time.monotonic()
        if left <= 0:
            raise NoClearedProvider(_closed_message(guard, withheld, failures))
        await asyncio.sleep(min(pause, left))  # fail closed: wait for cleared capacity
        pause = min(pause * 2, 1.0)


def _mask(req: ChatRequest, guard: Guard) -> tuple[ChatRequest, Pseudonymizer]:
    assert guard.privacy is not None
    pseudo = Pseudonymizer()
    pseudo.reserve(*guard.texts)
    findings = guard.privacy.findings[:len(guard.texts)]  # the opaque texts follow
    texts = [pseudo.mask(t, fs, guard.maskable)
             for t, fs in zip(guard.texts, findings, strict=True)]
    return with_texts(req, texts), pseudo


async def _restored(pseudo: Pseudonymizer, first: Chunk,
                    rest: AsyncIterator[Chunk]) -> AsyncIterator[Chunk]:
    """The provider's chunks with placeholders turned back into the originals, also when a
    placeholder is split across chunks (text and tool-call arguments alike)."""
    text = pseudo.restorer()
    args: dict[int, StreamRestorer] = {}

    async def chunks() -> AsyncIterator[Chunk]:
        yield first
        async for c in rest:
            yield c

    async for chunk in chunks():
        final = chunk.finish_reason is not None
        chunk.text = text.feed(chunk.text) + (text.flush() if final else "")
        for call in chunk.tool_calls or ():
            r = args.setdefault(call.index, pseudo.restorer(json_escape=True))
            call.arguments = r.feed(call.arguments)
        if final:
            _flush_arguments(chunk, args)
        yield chunk
    tail = Chunk(text=text.flush())
    _flush_arguments(tail, args)
    if tail.text or tail.tool_calls:
        yield tail


def _flush_arguments(chunk: Chunk, restorers: dict[int, StreamRestorer]) -> None:
    """Add what each tool call's restorer still holds to `chunk`."""
    by_index = {c.index: c for c in chunk.tool_calls or ()}
    for index, r in restorers.items():
        held = r.flush()
        if not held:
            continue
        if index in by_index:
            by_index[index].arguments += held
        else:
            chunk.tool_calls = [*(chunk.tool_calls or ()), ToolCallDelta(index, arguments=held)]


def _closed_message(guard: Guard, withheld: list[Step],
                    failures: list[tuple[Target, HomeportError]]) -> str:
    p = guard.privacy
    level = p.effective if p else Sensitivity.PUBLIC
    why = p.explain() if p else str(level)
    parts = [f"This request's content is {level} ({why}) and no provider cleared for it could "
             "take it"]
    if failures:
        parts[0] += f" within {guard.queue_timeout_s:g} s; last: {failures[-1][1].message}"
    parts.append("It was not sent to " + ", ".join(
        f"{s.target.provider} (clearance {s.clearance})" for s in withheld))
    parts.append("Retry later, add capacity to a cleared provider, or route this content to "
                 "one (routing.rules, routing.cleared_fallbacks).")
    return ". ".join(parts)


def _exhausted(failures: list[tuple[Target, HomeportError]]) -> HomeportError:
    """The last failure, its message listing every attempt."""
    if not failures:
        return UpstreamUnavailable("No provider is available for this request.")
    last = failures[-1][1]
    if len(failures) > 1:
        tried = "; ".join(f"{t.provider}: {e.message}" for t, e in failures)
        last.message = f"All {len(failures)} providers failed. {tried}"
    return last
