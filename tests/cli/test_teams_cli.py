"""`homeport teams` and `homeport keys set`: limits and scopes set from the command line take
effect on a running server, and every change is in the audit chain."""

from __future__ import annotations

import httpx

from tests.cli.test_cli import homeport
from tests.helpers import ServerProcess


def test_team_limits_from_the_cli_apply_to_a_running_server(running: ServerProcess) -> None:
    made = homeport("teams", "create", "night-shift", "--description", "on call", "--rpm", "2",
                    data_dir=running.data_dir)
    assert made.returncode == 0, made.stderr
    key = homeport("keys", "create", "--team", "night-shift", data_dir=running.data_dir)
    key_text = key.stdout.strip()
    listed = homeport("teams", "list", data_dir=running.data_dir)
    assert "night-shift" in listed.stdout and "on call" in listed.stdout
    headers = {"authorization": f"Bearer {key_text}"}
    body = {"model": "local", "max_tokens": 2, "messages": [{"role": "user", "content": "hi"}]}
    codes = [httpx.post(f"{running.url}/v1/chat/completions", headers=headers, json=body,
                        timeout=60).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    cleared = homeport("teams", "set", "night-shift", "--clear", "rpm",
                       data_dir=running.data_dir)
    assert cleared.returncode == 0, cleared.stderr
    bad = homeport("teams", "set", "night-shift", "--rpm", "0", data_dir=running.data_dir)
    assert bad.returncode == 2 and "0" in bad.stderr
    missing = homeport("teams", "set", "nobody", "--rpm", "5", data_dir=running.data_dir)
    assert missing.returncode == 1 and "no team 'nobody'" in missing.stderr


def test_key_scopes_from_the_cli(running: ServerProcess) -> None:
    created = homeport("keys", "create", "--team", "scoped-cli", "--model", "local",
                       data_dir=running.data_dir)
    assert created.returncode == 0, created.stderr
    key_id = next(w.split("=")[1] for w in created.stderr.split() if w.startswith("id="))
    listed = homeport("keys", "list", "--team", "scoped-cli", data_dir=running.data_dir)
    assert key_id in listed.stdout and "local" in listed.stdout
    wrong = homeport("keys", "create", "--team", "x", "--model", "gpt-9",
                     data_dir=running.data_dir)
    assert wrong.returncode == 1 and "unknown model 'gpt-9'" in wrong.stderr
    changed = homeport("keys", "set", key_id, "--kb", "handbook", "--budget", "3",
                       data_dir=running.data_dir)
    assert changed.returncode == 0, changed.stderr
    nothing = homeport("keys", "set", key_id, data_dir=running.data_dir)
    assert nothing.returncode == 2
    verified = homeport("audit", "verify", data_dir=running.data_dir)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    exported = homeport("audit", "export", "--kind", "admin", "--format", "jsonl",
                        data_dir=running.data_dir)
    assert f'"target":"{key_id}"' in exported.stdout.replace(" ", "")
