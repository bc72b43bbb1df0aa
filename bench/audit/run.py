"""What the durable egress audit record costs: one record() alone, 100 at once (group commit),
and verifying the chain. Usage: .venv/bin/python bench/audit/run.py [DATABASE_URL]"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time

from homeport.governance.audit import AuditLog
from homeport.storage.db import Database

DATA = {"request_id": "chatcmpl-0", "provider": "openai", "region": "eu-west-1",
        "tier": "cloud", "model": "gpt-4o", "rule": "requested-model", "sensitivity": "public",
        "entity_types": [], "pseudonymized": False, "payload_sha256": "0" * 64, "attempt": 1}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


async def main(url: str) -> None:
    db = Database(url)
    db.migrate()
    log = AuditLog(db)
    for _ in range(20):  # warm up
        await log.record("egress", DATA)
    single = []
    for _ in range(500):
        t = time.perf_counter()
        await log.record("egress", DATA)
        single.append(time.perf_counter() - t)
    bursts = []
    for _ in range(30):
        t = time.perf_counter()
        await asyncio.gather(*(log.record("egress", DATA) for _ in range(100)))
        bursts.append(time.perf_counter() - t)
    await log.close()
    single.sort()
    t = time.perf_counter()
    result = log.verify()
    verify_s = time.perf_counter() - t
    print(f"{db.dialect}: one record() p50 {ms(statistics.median(single))}, "
          f"p95 {ms(single[int(len(single) * 0.95)])}; 100 concurrent records p50 "
          f"{ms(statistics.median(bursts))} in all; verify {result.records} records "
          f"{ms(verify_s)} ({'intact' if result.ok else result.reason})")
    db.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1
                     else f"sqlite:///{tempfile.mkdtemp()}/audit.db"))
