"""Two gateway replicas sharing one Postgres and one Redis (the machine's real servers): a
team's rate limit and budget hold across both under concurrent load."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.conftest import ADMIN_KEY, reset_postgres
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.helpers import ServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

REDIS_URL = "redis://127.0.0.1:6379/9"
PROMPT = "Write one sentence about lighthouses on rocky northern coasts."


@pytest.fixture(scope="module")
def replicas(cloud: FakeOpenAI, pg_url: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    reset_postgres(pg_url)
    config = f"""
database_url: "{pg_url}"
embedded: {{chat: null}}
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x}}
models:
  - {{name: gpt, provider: cloud, upstream_model: gpt-4o-mini}}
governance:
  redis_url: "{REDIS_URL}"
  key_limits_ttl_s: 0
"""
    procs = [ServerProcess(Path(tmp_path_factory.mktemp(f"replica{i}")), config=config,
                           env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY}) for i in range(2)]
    for p in procs:
        p.start()
    yield procs
    for p in procs:
        assert p.stop() == 0, p.output()


def team_key(server: ServerProcess, **limits: object) -> tuple[str, str]:
    team = f"replicated-{uuid.uuid4().hex[:8]}"  # fresh counters in the shared Redis
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    r = httpx.post(f"{server.url}/v1/admin/teams", headers=headers, json={"name": team, **limits})
    assert r.status_code == 200, r.text
    r = httpx.post(f"{server.url}/v1/admin/keys", headers=headers, json={"team": team})
    assert r.status_code == 200, r.text
    return team, str(r.json()["key"])


async def burst(replicas: list[ServerProcess], key: str, n: int) -> list[tuple[int, int]]:
    """`n` concurrent chats spread over the replicas: (replica index, status) of each."""
    async with httpx.AsyncClient(timeout=120) as client:
        async def one(i: int) -> tuple[int, int]:
            r = await client.post(
                f"{replicas[i % 2].url}/v1/chat/completions",
                headers={"Authorization": f"Bearer {key}"},
                json={"model": "gpt", "max_tokens": 10,
                      "messages": [{"role": "user", "content": PROMPT}]})
            return i % 2, r.status_code
        return await asyncio.gather(*(one(i) for i in range(n)))


def test_a_rate_limit_holds_across_two_replicas(replicas: list[ServerProcess],
                                                cloud: FakeOpenAI) -> None:
    cloud.reset()
    _, key = team_key(replicas[0], rpm=10)
    start = time.monotonic()
    results = asyncio.run(burst(replicas, key, 40))
    elapsed = time.monotonic() - start
    admitted = [i for i, status in results if status == 200]
    assert {status for _, status in results} == {200, 429}
    refill = int(elapsed * 10 / 60) + 1  # the bucket refills 10 per minute meanwhile
    assert 10 <= len(admitted) <= 10 + refill, (len(admitted), elapsed)
    assert len(cloud.received) == len(admitted)


def test_a_budget_holds_across_two_replicas(replicas: list[ServerProcess], cloud: FakeOpenAI,
                                            pg_url: str) -> None:
    cloud.reset()
    cloud.default = Reply(text="Short answer here.", delay_s=0.2)
    one = (15 * 0.15 + 10 * 0.60) / 1e6  # what one request reserves (gpt-4o-mini prices)
    budget = round(one * 5.5, 9)
    team, key = team_key(replicas[0], budget=budget, on_exhausted="reject")
    results = asyncio.run(burst(replicas, key, 16))
    ok = [i for i, status in results if status == 200]
    assert 1 <= len(ok) <= 5 and {status for _, status in results} == {200, 429}
    deadline = time.monotonic() + 10
    while True:  # the ledger writers flush within a second
        with psycopg.connect(pg_url) as conn:
            count, spent = conn.execute(
                "SELECT count(*), coalesce(sum(cost), 0) FROM requests WHERE team = %s "
                "AND status = 200", (team,)).fetchone() or (0, 0)
        if count == len(ok) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert count == len(ok)
    assert 0 < spent <= budget
