"""Budgets in currency per calendar period (UTC), per team and per key; cloud spend only.

Reserve-then-settle: before a cloud call its largest cost is reserved in every scope, all or
nothing (refused when spent + reserved + amount > limit); after it, the reservation is
released and the actual cost added to spent. So concurrent requests cannot overshoot: the
settled total stays <= limit whenever actual <= reserved, and otherwise overshoots by at most
what was in flight. Reservations expire after a TTL, so a crashed process frees its budget.

Spent per scope and period is seeded from the ledger on first use (the sum of cloud costs in
the period), so counters survive restarts. In-process: one dict. Redis: SET NX (replicas seed
once) and one Lua script for reserve/settle/release, atomic across scopes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol, TypeVar

from redis.exceptions import RedisError
from sqlalchemy import func, select

from homeport.errors import NotReady
from homeport.governance.ratelimit import redis_client
from homeport.settings_ops import GovernanceConfig
from homeport.storage.db import Database
from homeport.storage.schema import requests

log = logging.getLogger(__name__)
T = TypeVar("T")

PERIODS = ("day", "week", "month")
DEFAULT_TTL = 600.0  # seconds a reservation holds budget unless settled or released


@dataclass(frozen=True, slots=True)
class BudgetScope:
    kind: Literal["team", "key"]
    id: str
    limit: float  # currency per period
    period: str = "month"  # day | week | month
    on_exhausted: str = "local"  # local | reject


@dataclass(slots=True)
class Reservation:
    request_id: str
    amount: float
    scopes: tuple[BudgetScope, ...]
    keys: tuple[str, ...]  # counter key per scope, for the period the request arrived in
    at: datetime  # when it was reserved: spend counts in that period, as in the ledger
    done: bool = False  # settled or released: a second call is a no-op


class Exhausted(Exception):  # a policy signal, not an HTTP error
    """A scope has no room for the request; `on_exhausted` says what the policy does."""

    def __init__(self, scope: BudgetScope, spent: float, reserved: float, amount: float,
                 resets_at: datetime):
        super().__init__(f"{scope.kind} {scope.id!r} budget exhausted")
        self.scope, self.limit, self.on_exhausted = scope, scope.limit, scope.on_exhausted
        self.spent, self.reserved, self.amount, self.resets_at = spent, reserved, amount, resets_at

    def message(self, currency: str) -> str:
        s = self.scope
        what = f"{s.kind} {s.id!r} budget of {s.limit:.2f} {currency} per {s.period}"
        used = f"{self.spent:.2f} {currency} used"
        if self.reserved > 0:
            used += f", {self.reserved:.2f} {currency} held by requests in flight"
        left = s.limit - self.spent - self.reserved
        if left > 0:  # room left, but less than this request may cost
            head = (f"{what} has {left:.2f} {currency} left ({used}), less than this request "
                    f"may cost ({self.amount:.2f} {currency}); lower max_tokens, or")
        else:
            head = f"{what} is spent ({used});"
        cli = "teams" if s.kind == "team" else "keys"
        return (f"{head} it resets at {self.resets_at:%Y-%m-%d %H:%M} UTC. Ask an admin to "
                f"raise it (homeport {cli} set {s.id} --budget ...)")


def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime]:
    """Calendar period containing `now`, in UTC: day from 00:00, week from Monday, month from
    the 1st. Returns (start, end), end exclusive."""
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return day, day + timedelta(days=1)
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if period == "month":
        start = day.replace(day=1)
        nxt = start.replace(year=start.year + 1, month=1) if start.month == 12 \
            else start.replace(month=start.month + 1)
        return start, nxt
    raise ValueError(f"budget period {period!r} is not one of {', '.join(PERIODS)}")


class _Unseeded(Exception):
    """Counters that have no spent value yet (first use, or Redis lost it): seed and retry."""

    def __init__(self, indices: list[int]):
        self.indices = indices


class _Counters(Protocol):
    """Raw counters; `_Unseeded` when a key has no spent value. Levels are (spent, reserved)."""

    async def levels(self, keys: Sequence[str]) -> list[tuple[float, float]]: ...

    async def reserve(self, keys: Sequence[str], limits: Sequence[float], rid: str,
                      amount: float, ttl: float) -> tuple[int, float, float] | None:
        """None when reserved everywhere, else (index, spent, reserved) of a full scope."""

    async def settle(self, keys: Sequence[str], rid: str, actual: float) -> None: ...

    async def release(self, keys: Sequence[str], rid: str) -> None: ...

    async def seed(self, key: str, spent: float, ttl: float) -> None:
        """Set spent unless set; `ttl`: seconds to keep it (the period's rest plus a day)."""

    async def close(self) -> None: ...


def _full(limit: float, spent: float, reserved: float, amount: float) -> bool:
    left = limit - spent - reserved
    return left <= 0 or amount > left + 1e-9


class _MemoryCounters:
    """One node. No awaits inside an operation, so each is atomic on the event loop."""

    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._spent: dict[str, float] = {}
        self._held: dict[str, dict[str, tuple[float, float]]] = {}  # key -> rid -> (amt, exp)
        self._ends: dict[str, float] = {}  # key -> when to forget it

    def _levels(self, keys: Sequence[str]) -> list[tuple[float, float]]:
        missing = [i for i, k in enumerate(keys) if k not in self._spent]
        if missing:
            raise _Unseeded(missing)
        now = self._clock()
        out = []
        for k in keys:
            held = {r: v for r, v in self._held.get(k, {}).items() if v[1] > now}
            self._held[k] = held
            out.append((self._spent[k], sum(a for a, _ in held.values())))
        return out

    async def levels(self, keys: Sequence[str]) -> list[tuple[float, float]]:
        return self._levels(keys)

    async def reserve(self, keys: Sequence[str], limits: Sequence[float], rid: str,
                      amount: float, ttl: float) -> tuple[int, float, float] | None:
        for i, ((spent, held), limit) in enumerate(zip(self._levels(keys), limits, strict=True)):
            if _full(limit, spent, held, amount):
                return i, spent, held
        for k in keys:
            self._held[k][rid] = (amount, self._clock() + ttl)
        return None

    async def settle(self, keys: Sequence[str], rid: str, actual: float) -> None:
        self._levels(keys)  # raises _Unseeded first, so nothing is half applied
        for k in keys:
            self._held[k].pop(rid, None)
            self._spent[k] += actual

    async def release(self, keys: Sequence[str], rid: str) -> None:
        for k in keys:
            self._held.get(k, {}).pop(rid, None)

    async def seed(self, key: str, spent: float, ttl: float) -> None:
        self._spent.setdefault(key, spent)
        self._ends[key] = self._clock() + ttl
        # forget ended periods (seeding is rare: once a scope and period)
        old = [k for k, end in self._ends.items() if end < self._clock()]
        for k in old:
            del self._ends[k], self._spent[k]
            self._held.pop(k, None)

    async def close(self) -> None:
        pass


# KEYS: per scope three keys: spent (string), held (zset rid -> expiry), amounts (hash rid ->
# amount). ARGV: mode, rid, amount, ttl, limit per scope. Server time: replicas' clocks agree.
_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local mode, rid, amount, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local n = #KEYS / 3
local function fmt(x) return string.format('%.17g', x) end
if mode == 'release' then
  for i = 1, n do
    redis.call('ZREM', KEYS[3*i-1], rid); redis.call('HDEL', KEYS[3*i], rid)
  end
  return {'ok'}
end
local missing = {}
for i = 1, n do
  if redis.call('EXISTS', KEYS[3*i-2]) == 0 then missing[#missing+1] = i end
end
if #missing > 0 then return {'seed', unpack(missing)} end
if mode == 'settle' then
  for i = 1, n do
    redis.call('ZREM', KEYS[3*i-1], rid); redis.call('HDEL', KEYS[3*i], rid)
    redis.call('INCRBYFLOAT', KEYS[3*i-2], ARGV[3])
  end
  return {'ok'}
end
local levels = {'levels'}
for i = 1, n do
  local z, h = KEYS[3*i-1], KEYS[3*i]
  for _, r in ipairs(redis.call('ZRANGEBYSCORE', z, '-inf', now)) do redis.call('HDEL', h, r) end
  redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
  local held = 0
  for _, v in ipairs(redis.call('HVALS', h)) do held = held + tonumber(v) end
  local spent = tonumber(redis.call('GET', KEYS[3*i-2]))
  if mode == 'reserve' then
    local left = tonumber(ARGV[4 + i]) - spent - held
    if left <= 0 or amount > left + 1e-9 then return {'full', i, fmt(spent), fmt(held)} end
  end
  levels[#levels+1] = fmt(spent); levels[#levels+1] = fmt(held)
end
if mode == 'reserve' then
  local ms = math.ceil(ttl * 1000)
  for i = 1, n do
    redis.call('ZADD', KEYS[3*i-1], now + ttl, rid); redis.call('HSET', KEYS[3*i], rid, ARGV[3])
    redis.call('PEXPIRE', KEYS[3*i-1], ms + 1000); redis.call('PEXPIRE', KEYS[3*i], ms + 1000)
  end
  return {'ok'}
end
return levels
"""


class _RedisCounters:
    def __init__(self, url: str, prefix: str):
        self._redis = redis_client(url)
        self._script = self._redis.register_script(_LUA)
        self._prefix = prefix

    def _keys(self, keys: Sequence[str]) -> list[str]:
        return [f"{self._prefix}{k}:{part}" for k in keys for part in ("spent", "held", "amt")]

    async def _run(self, mode: str, keys: Sequence[str], rid: str = "", amount: float = 0.0,
                   ttl: float = 0.0, limits: Sequence[float] = ()) -> list[bytes]:
        args = [mode, rid, repr(float(amount)), repr(float(ttl)), *map(repr, map(float, limits))]
        res: list[bytes] = await self._script(keys=self._keys(keys), args=args)
        if res[0] == b"seed":
            raise _Unseeded([int(i) - 1 for i in res[1:]])
        return res

    async def levels(self, keys: Sequence[str]) -> list[tuple[float, float]]:
        res = await self._run("levels", keys)
        vals = [float(v) for v in res[1:]]
        return list(zip(vals[::2], vals[1::2], strict=True))

    async def reserve(self, keys: Sequence[str], limits: Sequence[float], rid: str,
                      amount: float, ttl: float) -> tuple[int, float, float] | None:
        res = await self._run("reserve", keys, rid, amount, ttl, limits)
        if res[0] == b"full":
            return int(res[1]) - 1, float(res[2]), float(res[3])
        return None

    async def settle(self, keys: Sequence[str], rid: str, actual: float) -> None:
        await self._run("settle", keys, rid, actual)

    async def release(self, keys: Sequence[str], rid: str) -> None:
        await self._run("release", keys, rid)

    async def seed(self, key: str, spent: float, ttl: float) -> None:
        # NX: the first replica's ledger sum wins
        await self._redis.set(f"{self._prefix}{key}:spent", repr(spent), nx=True,
                              ex=max(1, int(ttl)))

    async def close(self) -> None:
        await self._redis.aclose()


class Budgets:
    def __init__(self, db: Database, cfg: GovernanceConfig, currency: str, *,
                 reservation_ttl: float = DEFAULT_TTL, prefix: str = "homeport:budget:",
                 clock: Callable[[], float] = time.time):
        self._db, self.currency, self._ttl, self._clock = db, currency, reservation_ttl, clock
        self._counters: _Counters = (_RedisCounters(cfg.redis_url, prefix) if cfg.redis_url
                                     else _MemoryCounters(clock))

    async def reserve(self, scopes: list[BudgetScope], amount: float,
                      request_id: str) -> Reservation:
        """Hold `amount` in every scope, or raise Exhausted and hold nothing."""
        if amount < 0:
            raise ValueError("a reservation cannot be negative")
        now = self._now()
        keys = tuple(_key(s, now) for s in scopes)
        res = Reservation(request_id, amount, tuple(scopes), keys, now)
        if not scopes:
            return res
        full = await self._call(scopes, now, lambda: self._counters.reserve(
            keys, [s.limit for s in scopes], request_id, amount, self._ttl))
        if full is not None:
            i, spent, held = full
            resets = period_bounds(scopes[i].period, now)[1]
            raise Exhausted(scopes[i], spent, held, amount, resets)
        return res

    async def settle(self, reservation: Reservation, actual: float) -> None:
        """Release the hold and add `actual` to spent, in the period the request arrived in."""
        if reservation.done or not reservation.keys:
            return
        reservation.done = True
        try:
            await self._call(list(reservation.scopes), reservation.at,
                             lambda: self._counters.settle(reservation.keys,
                                                           reservation.request_id, actual))
        except NotReady as e:  # the ledger still records the cost; a re-seed picks it up
            log.error("budget: could not settle %s: %s", reservation.request_id, e)

    async def release(self, reservation: Reservation) -> None:
        """Drop the hold without spend: the request failed or went to a local model."""
        if reservation.done or not reservation.keys:
            return
        reservation.done = True
        try:
            await self._counters.release(reservation.keys, reservation.request_id)
        except RedisError as e:  # the hold expires after the TTL anyway
            log.warning("budget: could not release %s: %s", reservation.request_id, e)

    async def remaining(self, scopes: list[BudgetScope]) -> float | None:
        """The smallest limit - spent - reserved over the scopes; None without scopes."""
        if not scopes:
            return None
        now = self._now()
        keys = [_key(s, now) for s in scopes]
        levels = await self._call(scopes, now, lambda: self._counters.levels(keys))
        return min(s.limit - spent - held for s, (spent, held) in zip(scopes, levels,
                                                                       strict=True))

    async def close(self) -> None:
        await self._counters.close()

    # --- internals ---

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    async def _call(self, scopes: Sequence[BudgetScope], now: datetime,
                       op: Callable[[], Awaitable[T]]) -> T:
        """Run a counter operation, seeding unseeded counters from the ledger and retrying."""
        for _ in range(3):
            try:
                return await op()
            except _Unseeded as e:
                await asyncio.gather(*(self._seed(scopes[i], now) for i in e.indices))
            except RedisError as e:
                raise NotReady("budget counters in Redis (governance.redis_url) are "
                               f"unreachable: {e}; check that Redis is running") from e
        raise NotReady("budget counters could not be seeded from the ledger; retry")

    async def _seed(self, scope: BudgetScope, now: datetime) -> None:
        # Rows still queued in the batched ledger writer (up to its flush interval) are not
        # counted: a restart or a lost Redis key undercounts by at most that window's spend.
        start, end = period_bounds(scope.period, now)
        spent = await self._db.run(_ledger_spend, self._db, scope, start, end)
        ttl = end.timestamp() - self._clock() + 86400  # the rest of the period and a day
        await self._counters.seed(_key(scope, now), spent, ttl)


def _key(scope: BudgetScope, now: datetime) -> str:
    """Counter name for a scope in the period containing `now` (ends with the start time)."""
    start, _ = period_bounds(scope.period, now)
    return f"{scope.kind}:{scope.id}:{scope.period}:{int(start.timestamp())}"


def _ledger_spend(db: Database, scope: BudgetScope, start: datetime, end: datetime) -> float:
    """Cloud spend of a scope in [start, end) from the request ledger (blocking)."""
    column = requests.c.team if scope.kind == "team" else requests.c.key_id
    query = (select(func.coalesce(func.sum(requests.c.cost), 0.0))
             .where(requests.c.tier == "cloud", column == scope.id,
                    requests.c.ts >= start.timestamp(), requests.c.ts < end.timestamp()))
    with db.engine.connect() as conn:
        return float(conn.execute(query).scalar_one())
