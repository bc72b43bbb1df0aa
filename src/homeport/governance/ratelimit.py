"""Rate limits per minute: requests (rpm) and tokens (tpm) per scope ("key:ID", "team:NAME").

Algorithm: GCRA (generic cell rate algorithm), a token bucket of capacity L that refills L/60
per second, kept as ONE number per counter: `tat`, the time at which the bucket is full again.
A unit costs T = 60/L s; charging n units sets tat' = max(tat, now) + n*T, admitted iff
tat' - now <= 60 s. Chosen over a two-field bucket because: one value per counter (one Redis
key, no refill bookkeeping), the exact wait (tat' - now - 60) is the Retry-After, debt from
`consume()` is just a tat further ahead, and a key can expire exactly when its bucket is full
again (absent == full), so Redis holds nothing for idle scopes.

Two backends, the same arithmetic: in-process (one node) and Redis (one Lua script, atomic
across all scopes, on the Redis server's clock so replicas' clocks do not matter).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from homeport.errors import NotReady, RateLimited

log = logging.getLogger(__name__)

WINDOW = 60.0  # seconds: limits are per minute
_EPS = 1e-5  # seconds of float slack (Redis time as a double has ~0.2 µs resolution)


@dataclass(frozen=True, slots=True)
class RateScope:
    name: str  # "key:ID" | "team:NAME"
    rpm: int | None = None
    tpm: int | None = None


class RateLimiter(Protocol):
    async def admit(self, scopes: list[RateScope], tokens: int) -> None:
        """Take 1 request and `tokens` from every scope, all or nothing, or raise RateLimited."""

    async def consume(self, scopes: list[RateScope], tokens: int) -> None:
        """Charge tokens used beyond the estimate (may go into debt; never raises)."""

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class _Counter:
    key: str
    scope: str
    limit: int
    unit: str  # requests | tokens
    cost: float

    @property
    def interval(self) -> float:
        return WINDOW / self.limit


def _counters(scopes: list[RateScope], tokens: int, *, requests: bool) -> list[_Counter]:
    out = []
    for s in scopes:
        if requests and s.rpm is not None:
            out.append(_Counter(f"{s.name}:rpm", s.name, s.rpm, "requests", 1))
        if s.tpm is not None:
            out.append(_Counter(f"{s.name}:tpm", s.name, s.tpm, "tokens", tokens))
    return out


def _step(tat: float, now: float, c: _Counter) -> float:
    """GCRA: the new full-again time after charging c.cost (a refund never goes below now)."""
    return max(max(tat, now) + c.cost * c.interval, now)


def _label(scope: str) -> str:
    kind, _, ident = scope.partition(":")
    return f"{kind} {ident!r}" if ident else repr(scope)


def _check_fits(counters: list[_Counter]) -> None:
    """A request larger than a whole bucket would wait forever: say so instead."""
    for c in counters:
        if c.limit <= 0 or c.cost > c.limit:
            need = f"{c.cost:.0f} {c.unit}" if c.unit == "tokens" else "a request"
            raise RateLimited(
                f"{_label(c.scope)} is limited to {c.limit} {c.unit} per minute and this "
                f"request needs {need}, so it can never fit; shorten the prompt or lower "
                "max_tokens, or ask an admin to raise the limit")


def _limited(c: _Counter, wait: float) -> RateLimited:
    secs = max(1, math.ceil(wait))
    return RateLimited(f"{_label(c.scope)} is limited to {c.limit} {c.unit} per minute; "
                       f"retry in {secs} s", retry_after=wait)


class MemoryRateLimiter:
    """One node: counters in a dict; a lock makes check-and-charge atomic across threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()
        self._calls = 0

    async def admit(self, scopes: list[RateScope], tokens: int) -> None:
        counters = _counters(scopes, tokens, requests=True)
        _check_fits(counters)
        with self._lock:
            now = self._clock()
            new = [_step(self._tat.get(c.key, now), now, c) for c in counters]
            waits = [n - now - WINDOW for n in new]
            worst = max(range(len(waits)), key=waits.__getitem__, default=None)
            if worst is not None and waits[worst] > _EPS:
                raise _limited(counters[worst], waits[worst])
            self._tat.update((c.key, n) for c, n in zip(counters, new, strict=True))
            self._prune(now)

    async def consume(self, scopes: list[RateScope], tokens: int) -> None:
        counters = [c for c in _counters(scopes, tokens, requests=False) if c.limit > 0]
        with self._lock:
            now = self._clock()
            for c in counters:
                self._tat[c.key] = _step(self._tat.get(c.key, now), now, c)

    def _prune(self, now: float) -> None:
        """Drop full buckets now and then, so idle scopes hold no memory."""
        self._calls += 1
        if self._calls % 1000 == 0:
            self._tat = {k: v for k, v in self._tat.items() if v > now}

    async def close(self) -> None:
        pass


# KEYS: one per counter; ARGV: mode ("admit" | "consume"), then interval and cost per counter.
# Returns {0} when charged, or {index, wait} (1-based, the longest wait) when refused.
_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window, eps = tonumber(ARGV[2]), tonumber(ARGV[3])
local new, worst, worst_i = {}, eps, 0
for i, key in ipairs(KEYS) do
  local interval, cost = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  local n = math.max(tat + cost * interval, now)
  new[i] = n
  if ARGV[1] == 'admit' and n - now - window > worst then
    worst, worst_i = n - now - window, i
  end
end
if worst_i > 0 then return {worst_i, string.format('%.6f', worst)} end
for i, key in ipairs(KEYS) do
  local ttl = math.ceil((new[i] - now) * 1000)
  if ttl > 0 then
    redis.call('SET', key, string.format('%.6f', new[i]), 'PX', ttl)
  else
    redis.call('DEL', key)
  end
end
return {0}
"""


def redis_client(url: str, max_connections: int = 64) -> aioredis.Redis:
    """A client whose pool waits for a free connection (redis-py's default pool raises at 100
    in use) instead of failing requests under a burst."""
    pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=max_connections,
                                                    timeout=10)
    return aioredis.Redis.from_pool(pool)


class RedisRateLimiter:
    """Several replicas: counters in Redis, charged by one atomic script on the server's clock."""

    def __init__(self, url: str, prefix: str = "homeport:rl:"):
        self._redis = redis_client(url)
        self._script = self._redis.register_script(_LUA)
        self._prefix = prefix

    async def admit(self, scopes: list[RateScope], tokens: int) -> None:
        counters = _counters(scopes, tokens, requests=True)
        _check_fits(counters)
        if not counters:
            return
        try:
            res = await self._run("admit", counters)
        except RedisError as e:
            raise NotReady("rate limit counters in Redis (governance.redis_url) are "
                           f"unreachable: {e}; check that Redis is running") from e
        if int(res[0]):
            raise _limited(counters[int(res[0]) - 1], float(res[1]))

    async def consume(self, scopes: list[RateScope], tokens: int) -> None:
        counters = [c for c in _counters(scopes, tokens, requests=False) if c.limit > 0]
        if not counters or tokens == 0:
            return
        try:
            await self._run("consume", counters)
        except RedisError as e:  # the call already happened; losing a charge is the lesser harm
            log.warning("rate limit: could not charge %d tokens to Redis: %s", tokens, e)

    async def _run(self, mode: str, counters: list[_Counter]) -> list[bytes]:
        keys = [self._prefix + c.key for c in counters]
        args: list[str | float] = [mode, WINDOW, _EPS]
        for c in counters:
            args += [repr(c.interval), repr(float(c.cost))]
        res: list[bytes] = await self._script(keys=keys, args=args)
        return res

    async def close(self) -> None:
        await self._redis.aclose()


def rate_limiter(redis_url: str | None, *, prefix: str = "homeport:rl:") -> RateLimiter:
    """In-process without a Redis URL (one node), else shared through Redis."""
    if redis_url:
        return RedisRateLimiter(redis_url, prefix)
    return MemoryRateLimiter()
