"""The `homeport` command, run as a user would, beside a running server on the same data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.cli.conftest import ADMIN
from tests.helpers import ServerProcess


def homeport(*args: str, data_dir: Path, env: dict[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "homeport", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def ledger_rows(data_dir: Path, where: str = "1=1") -> list[dict[str, object]]:
    engine = create_engine(f"sqlite:///{data_dir / 'homeport.db'}")
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(f"SELECT * FROM requests WHERE {where}"))
                .mappings()]
    engine.dispose()
    return rows


def test_keys_lifecycle_while_server_runs(running: ServerProcess) -> None:
    created = homeport("keys", "create", "--team", "legal", "--name", "contracts",
                       data_dir=running.data_dir)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("hp-") and "legal" in created.stderr
    listed = homeport("keys", "list", data_dir=running.data_dir)
    assert "legal" in listed.stdout and "contracts" in listed.stdout
    assert key not in listed.stdout  # never shown again
    models = httpx.get(f"{running.url}/v1/models", headers={"authorization": f"Bearer {key}"})
    assert models.status_code == 200
    revoked = homeport("keys", "revoke", key[:12], data_dir=running.data_dir)
    assert revoked.returncode == 0, revoked.stderr
    time.sleep(0.7)  # key_cache_ttl_s
    denied = httpx.get(f"{running.url}/v1/models", headers={"authorization": f"Bearer {key}"})
    assert denied.status_code == 401
    missing = homeport("keys", "revoke", "key_doesnotexist", data_dir=running.data_dir)
    assert missing.returncode != 0 and "no active key" in missing.stderr


def test_chat_streams_and_is_recorded(running: ServerProcess) -> None:
    out = homeport("chat", "Say hello in one word.", "--max-tokens", "8",
                   data_dir=running.data_dir, env={"HOMEPORT_CONFIG": str(running.config_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
    assert "via local/local" in out.stderr
    assert ledger_rows(running.data_dir, "team = 'cli' AND status = 200")


def test_chat_unknown_model_fails_clearly(running: ServerProcess) -> None:
    out = homeport("chat", "hi", "--model", "nope", data_dir=running.data_dir)
    assert out.returncode == 1 and "nope" in out.stderr and "local" in out.stderr


def test_models_lists_configured_models(running: ServerProcess) -> None:
    out = homeport("models", data_dir=running.data_dir)
    assert out.returncode == 0
    assert "local-embed" in out.stdout and "SmolLM2-135M-Instruct" in out.stdout


def test_doctor_checks_everything(running: ServerProcess) -> None:
    out = homeport("doctor", data_dir=running.data_dir,
                   env={"HOMEPORT_PORT": str(running.port)}, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    for word in ("SHA-256 verified", "llama.cpp loaded", "384-dim", "schema at", "Homeport is "
                 "running", "cpu", "ram", "gpu"):
        assert word in out.stdout, (word, out.stdout)


def test_doctor_fails_on_a_bad_hash(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("embedded: {chat: {sha256: '" + "0" * 64 + "'}, "
                                     "embeddings: null}\n")
    out = homeport("doctor", "--config", str(tmp_path / "c.yaml"), data_dir=tmp_path,
                   env={"HOMEPORT_PORT": "0"})
    assert out.returncode == 1 and "FAIL" in out.stdout


def test_full_local_queue_is_429(running: ServerProcess) -> None:
    """max_queue 0 and one slot: while a long generation runs, the next request gets 429."""
    auth = {"authorization": f"Bearer {ADMIN}"}
    started = threading.Event()

    def long_generation() -> None:
        with httpx.stream("POST", f"{running.url}/v1/chat/completions", headers=auth, timeout=120,
                          json={"model": "local", "stream": True, "max_tokens": 150,
                                "logit_bias": {"0": -100, "1": -100, "2": -100},
                                "messages": [{"role": "user", "content": "A long story."}]}) as r:
            for _ in r.iter_lines():
                started.set()

    worker = threading.Thread(target=long_generation)
    worker.start()
    assert started.wait(30)
    r = httpx.post(f"{running.url}/v1/chat/completions", headers=auth, timeout=30,
                   json={"model": "local", "messages": [{"role": "user", "content": "hi"}]})
    worker.join()
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "queue_full" and "max_queue" in r.json()["error"]["message"]


def test_first_run_prints_admin_key_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HOMEPORT_ADMIN_KEY"}
    first = ServerProcess(tmp_path, config="embedded: {chat: null, embeddings: null}\n", env={})
    first.env = env
    first.start()
    assert first.stop() == 0
    printed = [ln for ln in first.output().splitlines() if "HOMEPORT_ADMIN_KEY=" in ln]
    assert len(printed) == 1
    key = printed[0].split("=", 1)[1].strip()
    second = ServerProcess(tmp_path, config="embedded: {chat: null, embeddings: null}\n",
                           port=first.port)
    second.env = env
    second.log_path = tmp_path / "second.log"
    second.start()
    try:
        r = httpx.get(f"{second.url}/v1/models", headers={"authorization": f"Bearer {key}"})
        assert r.status_code == 200
        assert "HOMEPORT_ADMIN_KEY=" not in second.output()
        assert key not in (tmp_path / "homeport.db").read_bytes().decode(errors="ignore")
    finally:
        assert second.stop() == 0


def test_serve_rejects_invalid_config_naming_the_field(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("providers:\n  - {name: c, type: openai, tier: cloud}\n")
    out = homeport("serve", "--config", str(tmp_path / "bad.yaml"), data_dir=tmp_path)
    assert out.returncode == 2 and "providers.0.openai.base_url" in out.stderr


def test_serve_refuses_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        out = homeport("serve", "--port", str(s.getsockname()[1]), data_dir=tmp_path)
    assert out.returncode == 1 and "cannot listen" in out.stderr


def test_serve_refuses_a_model_with_the_wrong_hash(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("embedded: {chat: {sha256: '" + "0" * 64 + "'}}\n")
    out = homeport("serve", "--config", str(tmp_path / "c.yaml"), data_dir=tmp_path)
    assert out.returncode == 1 and "SHA-256" in out.stderr


def test_sigterm_flushes_every_queued_record(tmp_path: Path) -> None:
    """With a 60 s flush interval nothing is written before shutdown; SIGTERM must write all."""
    proc = ServerProcess(tmp_path, config="embedded: {chat: null}\n"
                         "writer: {flush_interval_s: 60, batch_size: 100000}\n",
                         env={"HOMEPORT_ADMIN_KEY": ADMIN})
    proc.start()
    auth = {"authorization": f"Bearer {ADMIN}"}
    for i in range(25):
        r = httpx.post(f"{proc.url}/v1/embeddings", headers=auth,
                       json={"model": "local-embed", "input": f"text {i}"})
        assert r.status_code == 200
    httpx.post(f"{proc.url}/v1/embeddings", headers=auth, json={"model": "x", "input": "y"})
    assert ledger_rows(tmp_path) == []
    assert proc.stop(signal.SIGTERM) == 0
    rows = ledger_rows(tmp_path)
    assert len([r for r in rows if r["status"] == 200]) == 25
    assert [r["status"] for r in rows if r["status"] != 200] == [404]


def test_sigint_also_shuts_down_gracefully(tmp_path: Path) -> None:
    proc = ServerProcess(tmp_path, config="embedded: {chat: null}\n"
                         "writer: {flush_interval_s: 60}\n", env={"HOMEPORT_ADMIN_KEY": ADMIN})
    proc.start()
    r = httpx.post(f"{proc.url}/v1/embeddings", headers={"authorization": f"Bearer {ADMIN}"},
                   json={"model": "local-embed", "input": "x"})
    assert r.status_code == 200
    assert proc.stop(signal.SIGINT) == 0
    assert len(ledger_rows(tmp_path)) == 1
