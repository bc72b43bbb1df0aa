"""Time each page of the web UI with a 100,000-request ledger: server time per GET, logged in as
the admin key, measured two ways over the same seeded data:

- in-process: the app through httpx's ASGI transport (no network, no server), as tests/web do;
- a real `homeport serve` process on 127.0.0.1 (uvicorn, uvloop), over loopback HTTP.

    .venv/bin/python bench/web/run.py                        # SQLite in a temp dir, ~30 s
    .venv/bin/python bench/web/run.py --url postgresql://postgres@127.0.0.1/bench_web  # empty db
    .venv/bin/python bench/web/run.py --runs 30 --json /tmp/web.json
    .venv/bin/python bench/web/run.py --no-server --profile /usage   # where a page's time goes

Seeding (once, in-process): the ledger of bench/reports (`rows`, `fill`), its daily rollups as a
starting server builds them (Runtime._warm_reports), 8 teams with 5 keys each, 2 knowledge bases
(one with 20 ingested documents), 30 stored conversations of the web user, 10,000 audit records.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib.util
import io
import json
import os
import platform
import pstats
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import httpx
import orjson
from sqlalchemy import func, insert, select, text

from homeport.app import create_app
from homeport.economics.rollup import DAY, Rollup
from homeport.governance.audit import Entry, egress_data, knowledge_data, payload_digest
from homeport.knowledge.service import Upload
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.storage.db import Database
from homeport.storage.schema import conversation_messages, conversations, knowledge_bases
from homeport.types import Caller
from homeport.web.session import Sessions

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "hp-bench-web-admin-" + "0" * 24
TARGET_MS = 200.0
KB_DOCS = 20
CONVERSATIONS = 30
CONV_TURNS = 20  # the timed conversation: 40 messages
AUDIT_RECORDS = 10_000
T = TypeVar("T")
PROFILED = (r"/homeport/|Cursor' objects|/psycopg/cursor\.py:\d+\((execute|fetchall)\)"
            r"|/jinja2/environment\.py:\d+\(render\)")


def _reports_bench() -> ModuleType:
    """bench/reports/run.py, for its realistic ledger (`rows`, `fill`): one generator for both
    benchmarks, so their figures describe the same data."""
    spec = importlib.util.spec_from_file_location("bench_reports_run",
                                                  ROOT / "bench" / "reports" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- seeding -------------------------------------------------------------------------------

def settings_for(data_dir: Path, url: str | None) -> Settings:
    """What the server runs with: defaults, no chat model (nothing here chats), the embedded
    embedder kept (knowledge bases need it)."""
    return Settings(data_dir=data_dir, admin_key=ADMIN, database_url=url,
                    embedded={"chat": None})


def web_user(settings: Settings, key_id: str) -> str:
    """The id the chat page stores conversations under for an API-key login (pages.Visit.user):
    keyed with the session secret in data_dir, so the server sees the same conversations."""
    return "web_" + Sessions(settings.web, settings.data_dir).sign(f"key:{key_id}")[:20]


def rollup(db: Database) -> None:
    """Roll up the last 90 days as Runtime._warm_reports does when a server starts (the ASGI
    transport runs no lifespan, so nothing else would), with no time limit."""
    lag = 3600.0
    first = int((time.time() - 90 * DAY) // DAY)
    Rollup(db, lag_s=lag, build_budget_s=1e9).ensure(first, int((time.time() - lag) // DAY))


def seed_conversations(db: Database, caller: Caller, user: str) -> str:
    """30 conversations of the web user, the newest with 20 turns; returns the newest's id."""
    now = time.time()
    convs: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for c in range(CONVERSATIONS):
        conv_id = "conv_" + secrets.token_hex(10)
        turns = CONV_TURNS if c == CONVERSATIONS - 1 else 1 + c % 4
        updated = now - (CONVERSATIONS - c) * 3600
        convs.append({"id": conv_id, "key_id": caller.key_id, "team": caller.team,
                      "user_id": user, "created_at": updated - 600, "updated_at": updated})
        for t in range(turns):
            ts = updated - 600 + t
            messages.append({"conversation_id": conv_id, "role": "user", "ts": ts,
                             "content": f"Question {t} of conversation {c}: how do the "
                             "retention rules in the policy apply to archived claims?",
                             "sensitivity": "internal", "meta": None})
            meta = {"route": "local/smollm2-135m", "tier": "local", "rule": "classify-local",
                    "reason": "rule classify-local: matched task and sensitivity",
                    "served_as": "local", "citations": [
                        {"index": i, "knowledge_base": "policies", "document_id": f"doc_{i}",
                         "source": f"policy-{i:02d}.md", "title": f"Policy {i}",
                         "location": "section 2", "score": 0.8 - i / 10,
                         "text": "Claims are archived after seven years. " * 8}
                        for i in range(1, 4)]}
            messages.append({"conversation_id": conv_id, "role": "assistant", "ts": ts + 0.5,
                             "content": ("Archived claims keep the retention of the policy in "
                                         "force when they closed [1]. " * 12),
                             "sensitivity": "internal", "meta": orjson.dumps(meta).decode()})
    with db.engine.begin() as conn:
        conn.execute(insert(conversations), convs)
        conn.execute(insert(conversation_messages), messages)
    return str(convs[-1]["id"])


def seed_audit(rt: Runtime, n: int) -> None:
    """`n` chained audit records, mostly egress, through the audit log's own append."""
    entries = []
    for i in range(n):
        if i % 10 == 9:
            entries.append(Entry("knowledge", knowledge_data("search", "policies", [f"doc_{i}"]),
                               f"key_{i % 40}", "legal"))
        else:
            entries.append(Entry("egress", egress_data(
                provider="openai", region="eu-west-1", tier="cloud", model="gpt-4o-mini",
                rule="code-cloud", sensitivity="public", entity_types=[], pseudonymized=False,
                payload_sha256=payload_digest(str(i)), request_id=f"chatcmpl-{i}", attempt=1),
                f"key_{i % 40}", "support"))
    for i in range(0, n, 1000):
        rt.audit.append(entries[i:i + 1000])


def has_vectors(db: Database) -> bool:
    """Whether knowledge bases can be created: always on SQLite (sqlite-vec); on Postgres when
    the server has pgvector (Debian's PostgreSQL does not ship it)."""
    if db.dialect == "sqlite":
        return True
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_available_extensions "
                                 "WHERE name = 'vector'")).scalar() == 1


async def seed_knowledge(rt: Runtime, caller: Caller) -> str:
    """Two knowledge bases, one with 20 short documents ingested; returns that one's name."""
    t = time.perf_counter()
    await rt.knowledge.create(caller, "contracts")
    kb = await rt.knowledge.create(caller, "policies")
    docs = [Upload(f"policy-{i:02d}.md", io.BytesIO(
        (f"# Policy {i}\n\n" + "\n\n".join(
            f"## Section {s}\n\nClaims of category {s} are archived after {i + s} years; "
            "the archive keeps the documents, the decisions and the correspondence. " * 3
            for s in range(6))).encode())) for i in range(KB_DOCS)]
    job = await rt.knowledge.upload(caller, kb.name, docs)
    await rt.knowledge.ingestor.run_job(job)
    print(f"  2 knowledge bases, {KB_DOCS} documents ingested "
          f"({time.perf_counter() - t:.1f} s)")
    return kb.name


async def seed(rt: Runtime, rows: int, days: int) -> dict[str, str]:
    """Fill the database the pages read; returns the ids of the conversation and of the
    knowledge base to open (when there is one)."""
    reports = _reports_bench()
    db = rt.db
    with db.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(knowledge_bases)).scalar():
            sys.exit("the database already holds knowledge bases: give an empty one")
    caller = await rt.keys.authenticate(f"Bearer {ADMIN}")
    t = time.perf_counter()
    reports.fill(db, rows, time.time(), days)
    print(f"  ledger: {rows:,} requests over {days} days ({time.perf_counter() - t:.1f} s)")
    t = time.perf_counter()
    await db.run(rollup, db)
    print(f"  daily rollups built ({time.perf_counter() - t:.1f} s)")
    for team in reports.TEAMS:
        rt.admin.create_team(caller.key_id, team, f"The {team} team")
        for k in range(5):
            rt.admin.create_key(caller.key_id, team, f"{team}-app-{k}")
    await rt.registry.start()  # the embedded embedder: knowledge bases need its dimensions
    kb = await seed_knowledge(rt, caller) if has_vectors(db) else None
    if kb is None:
        print("  no knowledge bases: this Postgres server has no pgvector extension")
    conv = seed_conversations(db, caller, web_user(rt.settings, caller.key_id))
    await db.run(seed_audit, rt, AUDIT_RECORDS)
    if db.dialect == "postgresql":  # what autovacuum does after bulk inserts
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    print(f"  {len(reports.TEAMS)} teams x 5 keys, {CONVERSATIONS} conversations, "
          f"{AUDIT_RECORDS:,} audit records")
    return {"conversation": conv, **({"kb": kb} if kb else {})}


def pages(ids: dict[str, str]) -> dict[str, str]:
    """The pages to time: a stable label (what the table shows) -> the path to GET."""
    plain = ["/", "/knowledge", "/usage", "/usage?by=model", "/usage?by=tier",
             "/usage?since=7d", "/usage?since=2d", "/breakeven", "/breakeven?by=task", "/audit",
             "/teams", "/routing", "/providers", "/account"]
    out = {p: p for p in plain}
    out[f"/c/{{id}} ({CONV_TURNS * 2} messages)"] = f"/c/{ids['conversation']}"
    kb = f"/knowledge/{{kb}} ({KB_DOCS} documents)"
    if "kb" in ids:  # none on a Postgres server without pgvector
        out[kb] = f"/knowledge/{ids['kb']}"
    order = ["/", f"/c/{{id}} ({CONV_TURNS * 2} messages)", "/knowledge", kb, *plain[2:]]
    return {label: out[label] for label in order if label in out}


# --- timing ----------------------------------------------------------------------------------

def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in the login form")
    return match[1]


def summary(times: list[float]) -> dict[str, float]:
    """p50, p95 (interpolated between the runs around it) and max, ms."""
    ordered = sorted(times)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 \
        else ordered[0]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1)}


async def time_pages(get: Callable[[str], Awaitable[httpx.Response]], paths: dict[str, str],
                     runs: int, warmups: int = 2) -> dict[str, dict[str, float]]:
    """Rounds over every page (so background noise spreads over all of them): `warmups` rounds
    untimed, then `runs` timed ones; each GET must answer 200. Per label: p50/p95/max ms and
    the page's size in KB."""
    times: dict[str, list[float]] = {label: [] for label in paths}
    sizes: dict[str, int] = {}
    for r in range(warmups + runs):
        for label, path in paths.items():
            t = time.perf_counter()
            response = await get(path)
            elapsed = (time.perf_counter() - t) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:300]}")
            if r >= warmups:
                times[label].append(elapsed)
            sizes[label] = len(response.content)
    return {label: {**summary(times[label]), "kb": round(sizes[label] / 1024, 1)}
            for label in paths}


async def log_in(client: httpx.AsyncClient) -> None:
    form = await client.get("/login")
    r = await client.post("/login", data={"api_key": ADMIN, "csrf": csrf_of(form.text)})
    if r.status_code != 303 or "hp_session" not in client.cookies:
        raise RuntimeError(f"login failed: {r.status_code} {r.text[:300]}")


async def in_process(rt: Runtime, paths: dict[str, str], runs: int,
                     profile: list[str]) -> dict[str, dict[str, float]]:
    app = create_app(rt.settings, rt)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        await log_in(client)
        figures = await time_pages(client.get, paths, runs)
        for label in profile:
            await profile_page(rt, client, paths.get(label, label))
    return figures


@contextmanager
def inline_db(rt: Runtime) -> Iterator[None]:
    """Run the database calls on the event loop's thread instead of a worker thread, so that
    cProfile (which sees one thread) sees the queries too. Profiling only."""
    async def run(fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)

    rt.db.run = run  # type: ignore[method-assign]
    try:
        yield
    finally:
        del rt.db.run  # back to the class's method


async def profile_page(rt: Runtime, client: httpx.AsyncClient, path: str, runs: int = 5) -> None:
    """cProfile `runs` GETs of one page; print the functions with the most cumulative time."""
    profiler = cProfile.Profile()
    with inline_db(rt):
        await client.get(path)
        profiler.enable()
        for _ in range(runs):
            await client.get(path)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    # Homeport's functions, the database drivers' calls and template rendering (not the
    # layers of httpx and Starlette above the page's handler)
    stats.print_stats(PROFILED, 40)
    stats.sort_stats("tottime").print_stats(15)
    print(f"\n--- profile of {runs} GETs of {path} ---\n"
          + out.getvalue().replace(f"{ROOT}/", ""))


# --- the real server -------------------------------------------------------------------------

def server_env(url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEPORT_")}
    env["HOMEPORT_ADMIN_KEY"] = ADMIN
    if url:
        env["HOMEPORT_DATABASE_URL"] = url
    return env


async def real_server(data_dir: Path, url: str | None, paths: dict[str, str],
                      runs: int) -> dict[str, dict[str, float]]:
    """`homeport serve` on 127.0.0.1 (a free port) over the same data; stopped at the end."""
    config = data_dir / "bench-web.yaml"
    config.write_text("embedded:\n  chat: null\n")
    log_path = data_dir / "bench-web-server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "homeport"), "serve", "--host", "127.0.0.1",
             "--port", "0", "--data-dir", str(data_dir), "--config", str(config)],
            env=server_env(url), stdout=log, stderr=subprocess.STDOUT)
    try:
        base = await wait_ready(server, log_path)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await log_in(client)
            return await time_pages(client.get, paths, runs)
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def wait_ready(server: subprocess.Popen[bytes], log_path: Path,
                     timeout_s: float = 180) -> str:
    """The server's base URL once /readyz answers 200 (models loaded)."""
    deadline = time.monotonic() + timeout_s
    base = None
    async with httpx.AsyncClient(timeout=5) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"homeport serve exited:\n{log_path.read_text()[-3000:]}")
            if base is None:
                found = re.search(r"serving at (http://127\.0\.0\.1:\d+)/v1",
                                  log_path.read_text(errors="replace"))
                base = found[1] if found else None
            if base is not None:
                try:
                    if (await client.get(f"{base}/readyz")).status_code == 200:
                        await asyncio.sleep(2)  # let the start's rollup check finish
                        return base
                except httpx.TransportError:
                    pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"homeport serve was not ready in {timeout_s:g} s:\n"
                       f"{log_path.read_text()[-3000:]}")


# --- report ----------------------------------------------------------------------------------

def versions(db: Database) -> dict[str, str]:
    with db.engine.connect() as conn:
        engine = conn.execute(text("SELECT sqlite_version()" if db.dialect == "sqlite"
                                   else "SHOW server_version")).scalar()
    return {"python": platform.python_version(), "cpus": str(os.cpu_count()),
            "database": f"{db.dialect} {engine}"}


def load() -> str:
    """The load average: other work on the machine shows in the p95s."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def table(figures: dict[str, dict[str, dict[str, float]]], labels: list[str]) -> str:
    methods = list(figures)
    head = ("| page | " + " | ".join(f"{m} p50 / p95 / max ms" for m in methods)
            + " | KB | p95 < 200 ms |")
    lines = [head, "|---|" + "---:|" * len(methods) + "---:|:---:|"]
    for label in labels:
        cells = [f"{figures[m][label]['p50']:.1f} / {figures[m][label]['p95']:.1f} / "
                 f"{figures[m][label]['max']:.1f}" for m in methods]
        worst = max(figures[m][label]["p95"] for m in methods)
        kb = figures[methods[0]][label]["kb"]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {kb:.0f} | "
                     f"{'yes' if worst < TARGET_MS else '**no**'} |")
    return "\n".join(lines)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--runs", type=int, default=15, help="timed GETs per page and method")
    ap.add_argument("--url", default=None,
                    help="an empty database (default: SQLite in a temp data dir)")
    ap.add_argument("--no-server", action="store_true", help="skip the `homeport serve` run")
    ap.add_argument("--profile", action="append", default=[], metavar="PATH",
                    help="cProfile this page in-process after timing (repeatable)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        data_dir = Path(tmp)
        rt = Runtime(settings_for(data_dir, args.url))
        rt.prepare()
        machine = versions(rt.db)
        print(f"{machine['database']}, Python {machine['python']}, {machine['cpus']} CPUs, "
              f"load average {load()}; seeding {data_dir}")
        ids = await seed(rt, args.rows, args.days)
        paths = pages(ids)
        figures = {"in-process": await in_process(rt, paths, args.runs, args.profile)}
        await rt.stop()
        if not args.no_server:
            figures["server"] = await real_server(data_dir, args.url, paths, args.runs)
    print(f"\n{machine['database']}, {args.rows:,} requests; {args.runs} GETs per page after 2 "
          f"warm-up rounds; wall time per GET; load average {load()}\n")
    print(table(figures, list(paths)))
    if args.json:
        args.json.write_text(json.dumps({**machine, "load_average": load(),
                                         "rows": args.rows, "runs": args.runs,
                                         "target_ms": TARGET_MS, "ms": figures}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
