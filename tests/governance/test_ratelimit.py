"""Rate limits: both backends (in-process and the machine's real Redis) share one behaviour."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from homeport.errors import RateLimited
from homeport.governance.ratelimit import (
    MemoryRateLimiter,
    RateLimiter,
    RateScope,
    RedisRateLimiter,
    rate_limiter,
)

REDIS_URL = os.environ.get("HOMEPORT_TEST_REDIS", "redis://127.0.0.1:6379/9")
ROOT = Path(__file__).parents[2]


async def flush(prefix: str) -> None:
    """Delete this test's keys only (the db is shared with other tests)."""
    client = aioredis.Redis.from_url(REDIS_URL)
    async for key in client.scan_iter(match=prefix + "*"):
        await client.delete(key)
    await client.aclose()


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    p = f"hp-test-rl-{uuid.uuid4().hex[:8]}:"
    yield p
    await flush(p)


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest, prefix: str) -> AsyncIterator[RateLimiter]:
    lim = rate_limiter(REDIS_URL if request.param == "redis" else None, prefix=prefix)
    assert isinstance(lim, RedisRateLimiter if request.param == "redis" else MemoryRateLimiter)
    yield lim
    await lim.close()


async def rejected(lim: RateLimiter, scopes: list[RateScope], tokens: int) -> RateLimited:
    with pytest.raises(RateLimited) as info:
        await lim.admit(scopes, tokens)
    return info.value


async def test_rpm_admits_the_limit_then_rejects_with_retry_after(limiter: RateLimiter) -> None:
    team = [RateScope("team:x", rpm=3)]
    for _ in range(3):
        await limiter.admit(team, 0)
    err = await rejected(limiter, team, 0)
    assert err.message == "team 'x' is limited to 3 requests per minute; retry in 20 s"
    assert err.retry_after is not None and 19.0 < err.retry_after <= 20.0
    assert err.status == 429


async def test_tpm_counts_tokens(limiter: RateLimiter) -> None:
    key = [RateScope("key:k1", tpm=100)]
    await limiter.admit(key, 60)
    err = await rejected(limiter, key, 50)  # 10 tokens short: 10 x 0.6 s
    assert err.message == "key 'k1' is limited to 100 tokens per minute; retry in 6 s"
    assert err.retry_after is not None and 5.0 < err.retry_after <= 6.0
    await limiter.admit(key, 40)  # the refused request took nothing


async def test_tokens_refill_over_time(limiter: RateLimiter) -> None:
    scope = [RateScope("team:fast", tpm=600)]  # 10 tokens a second
    await limiter.admit(scope, 600)
    err = await rejected(limiter, scope, 5)
    assert err.retry_after is not None and 0.3 < err.retry_after <= 0.5
    await asyncio.sleep(err.retry_after + 0.05)
    await limiter.admit(scope, 5)
    await rejected(limiter, scope, 5)


async def test_all_or_nothing_across_scopes(limiter: RateLimiter) -> None:
    key, team = RateScope("key:a", rpm=10), RateScope("team:t", rpm=1)
    await limiter.admit([key, team], 1)
    err = await rejected(limiter, [key, team], 1)
    assert err.message.startswith("team 't' is limited to 1 requests per minute")
    for _ in range(9):  # the refused request charged the key nothing
        await limiter.admit([key], 1)
    await rejected(limiter, [key], 1)


async def test_the_scope_with_the_longest_wait_is_named(limiter: RateLimiter) -> None:
    key, team = RateScope("key:a", rpm=60), RateScope("team:t", tpm=60)
    await limiter.admit([key, team], 60)
    err = await rejected(limiter, [key, team], 30)  # key: 1 s; team: 30 s
    assert err.message == "team 't' is limited to 60 tokens per minute; retry in 30 s"


async def test_a_request_larger_than_the_bucket_can_never_fit(limiter: RateLimiter) -> None:
    scope = [RateScope("team:small", rpm=5, tpm=100)]
    err = await rejected(limiter, scope, 101)
    assert "team 'small' is limited to 100 tokens per minute" in err.message
    assert "can never fit" in err.message and err.retry_after is None
    await limiter.admit(scope, 100)  # nothing was charged
    blocked = await rejected(limiter, [RateScope("key:off", rpm=0)], 0)
    assert "can never fit" in blocked.message


async def test_consume_puts_a_scope_into_debt(limiter: RateLimiter) -> None:
    scope = [RateScope("key:big", rpm=100, tpm=60)]  # 1 token a second
    await limiter.admit(scope, 10)
    await limiter.consume(scope, 100)  # the answer was long: 110 tokens in all
    await limiter.consume(scope, 1000)  # never raises, however deep the debt
    err = await rejected(limiter, scope, 1)
    assert err.retry_after is not None and 1000 < err.retry_after <= 1051


async def test_no_limits_admit_everything(limiter: RateLimiter) -> None:
    for _ in range(100):
        await limiter.admit([RateScope("key:free")], 10**6)
    await limiter.admit([], 5)


async def test_injected_clock_refills_exactly() -> None:
    now = [1000.0]
    lim = MemoryRateLimiter(clock=lambda: now[0])
    scope = [RateScope("team:c", rpm=60)]
    for _ in range(60):
        await lim.admit(scope, 0)
    assert (await rejected(lim, scope, 0)).retry_after == pytest.approx(1.0)
    now[0] += 1.0
    await lim.admit(scope, 0)
    await rejected(lim, scope, 0)
    now[0] += 120  # a full bucket, never more than the limit
    for _ in range(60):
        await lim.admit(scope, 0)
    await rejected(lim, scope, 0)


# --- two gateway processes sharing one Redis ---

RPM = 300  # 5 a second


async def hammer(url: str, prefix: str, start: float, stop: float) -> dict[str, float]:
    """One process: admit as fast as it can between two wall-clock times."""
    lim = RedisRateLimiter(url, prefix)
    scopes = [RateScope("team:shared", rpm=RPM, tpm=RPM * 100), RateScope("key:shared", tpm=10**7)]
    admitted = refused = 0
    while time.time() < start:
        await asyncio.sleep(0.005)
    while time.time() < stop:
        try:
            await lim.admit(scopes, 10)
            admitted += 1
        except RateLimited:
            refused += 1
    await lim.close()
    return {"admitted": admitted, "refused": refused}


def test_two_processes_share_one_limit(prefix: str) -> None:
    start = time.time() + 3.0  # both processes are up and connected by then
    stop = start + 2.0
    code = ("import asyncio, json, sys; from tests.governance.test_ratelimit import hammer; "
            "print(json.dumps(asyncio.run(hammer(sys.argv[1], sys.argv[2], "
            "float(sys.argv[3]), float(sys.argv[4])))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", code, REDIS_URL, prefix, str(start),
                               str(stop)], cwd=ROOT, env=env, stdout=subprocess.PIPE)
             for _ in range(2)]
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        results.append(json.loads(out))
    total = sum(r["admitted"] for r in results)
    allowed = RPM + RPM / 60 * (stop - start)  # a full bucket plus the refill meanwhile
    assert RPM <= total <= allowed + 1, results
    assert all(r["refused"] > 0 and r["admitted"] > 0 for r in results), results
