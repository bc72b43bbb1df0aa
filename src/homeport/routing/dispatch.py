"""The one place requests reach providers: candidates are tried in order until one starts.

A candidate is abandoned for the next only on retriable failures (connection errors, 5xx,
timeouts, a full local queue) and only before its first chunk: once bytes flow to the client,
a failure ends the stream. Clearance checks belong here (privacy router issue).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from homeport.errors import RETRIABLE, HomeportError, UpstreamUnavailable
from homeport.providers.base import Provider
from homeport.types import ChatRequest, Chunk, Decision, EmbedResult, Target

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Opened:
    """A generation that has started on `target`; iterate `chunks()` for the rest."""

    target: Target
    attempts: int
    first: Chunk | None
    rest: AsyncIterator[Chunk]

    async def chunks(self) -> AsyncIterator[Chunk]:
        try:
            if self.first is not None:
                yield self.first
                async for chunk in self.rest:
                    yield chunk
        finally:
            await self.rest.aclose()  # type: ignore[attr-defined]


async def open_stream(decision: Decision, providers: dict[str, Provider],
                      req: ChatRequest) -> Opened:
    failures: list[tuple[Target, HomeportError]] = []
    for attempt, target in enumerate(decision.candidates, 1):
        stream = providers[target.provider].stream(req, target.model)
        try:
            first: Chunk | None = await anext(stream)
        except StopAsyncIteration:
            first = None
        except RETRIABLE as e:
            await stream.aclose()  # type: ignore[attr-defined]
            log.warning("provider %s failed, trying next: %s", target.provider, e.message)
            failures.append((target, e))
            continue
        except BaseException:
            await stream.aclose()  # type: ignore[attr-defined]
            raise
        return Opened(target, attempt, first, stream)
    raise _exhausted(failures)


async def embed(decision: Decision, providers: dict[str, Provider],
                texts: list[str]) -> tuple[Target, int, EmbedResult]:
    failures: list[tuple[Target, HomeportError]] = []
    for attempt, target in enumerate(decision.candidates, 1):
        try:
            return target, attempt, await providers[target.provider].embed(texts, target.model)
        except RETRIABLE as e:
            failures.append((target, e))
    raise _exhausted(failures)


def _exhausted(failures: list[tuple[Target, HomeportError]]) -> HomeportError:
    """The last failure, its message listing every attempt."""
    if not failures:
        return UpstreamUnavailable("No provider is available for this request.")
    last = failures[-1][1]
    if len(failures) > 1:
        tried = "; ".join(f"{t.provider}: {e.message}" for t, e in failures)
        last.message = f"All {len(failures)} providers failed. {tried}"
    return last
