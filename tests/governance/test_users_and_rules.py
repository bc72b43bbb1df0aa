"""Users (web logins) and routing rules edited at run time, through a real `homeport serve`:
the admin API and the CLI, validation in the OpenAI error shape, rules applied to live traffic
at once by the server that saved them and within seconds by another process, clearance still
winning over any rule, and every change in the audit chain."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_KEY
from tests.fakes.openai_server import FakeOpenAI
from tests.helpers import ServerProcess, SpecValidator

pytestmark = pytest.mark.slow
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture(scope="module")
def server(cloud: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ServerProcess]:
    config = f"""
providers:
  - {{name: cloud, type: openai, base_url: "{cloud.base_url}", api_key: sk-x}}
models:
  - {{name: gpt, provider: cloud, upstream_model: gpt-4o-mini}}
"""
    proc = ServerProcess(tmp_path_factory.mktemp("rules"), config=config,
                         env={"HOMEPORT_ADMIN_KEY": ADMIN_KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


def admin(server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                        timeout=60)


def ask(server: ServerProcess, text: str, model: str = "auto") -> httpx.Response:
    r = httpx.post(f"{server.url}/v1/chat/completions", timeout=120,
                   headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                   json={"model": model, "max_tokens": 5,
                         "messages": [{"role": "user", "content": text}]})
    assert r.status_code == 200, r.text
    return r


def test_users_through_the_admin_api(server: ServerProcess, spec: SpecValidator) -> None:
    with admin(server) as a:
        made = a.post("/v1/admin/users", json={"name": "dr.who", "password": "tardis-1963-blue",
                                               "team": "physics", "allowed_models": ["gpt"]})
        assert made.status_code == 200, made.text
        body = made.json()
        assert body["team"] == "physics" and body["active"] and "password" not in made.text
        key = a.get(f"/v1/admin/keys/{body['key_id']}").json()
        assert key["name"] == "user:dr.who" and key["allowed_models"] == ["gpt"]
        assert [u["name"] for u in a.get("/v1/admin/users").json()["data"]] == ["dr.who"]
        for bad, param in [({"name": "x y", "password": "long enough!!", "team": "t"}, "name"),
                           ({"name": "ok", "password": "short", "team": "t"}, "password"),
                           ({"name": "ok", "password": "long enough!!", "team": "t",
                             "roles": ["root"]}, "roles[0]"),
                           ({"name": "dr.who", "password": "long enough!!", "team": "t"},
                            "name")]:
            r = a.post("/v1/admin/users", json=bad)
            assert r.status_code == 400 and r.json()["error"]["param"] == param, r.text
            spec.validate("ErrorResponse", r.json())
        assert a.patch("/v1/admin/users/dr.who", json={"password": "new-long-password"}
                       ).status_code == 200
        assert a.patch("/v1/admin/users/nobody", json={"password": "new-long-password"}
                       ).status_code == 404
        gone = a.delete("/v1/admin/users/dr.who")
        assert gone.status_code == 200 and gone.json()["deleted"]
        assert a.get(f"/v1/admin/keys/{body['key_id']}").json()["revoked_at"] is not None
        actions = [r["data"]["action"] for r in a.get("/v1/audit", params={
            "kind": "admin", "limit": 10}).json()["data"]]
        assert {"create_user", "set_password", "delete_user"} <= set(actions)
    member = httpx.post(f"{server.url}/v1/admin/users", timeout=30,
                        headers={"Authorization": f"Bearer {server.create_key('physics')}"},
                        json={"name": "sneaky", "password": "long enough!!", "team": "admin",
                              "roles": ["admin"]})
    assert member.status_code == 403


def test_routing_rules_apply_to_live_traffic_and_clearance_still_wins(
        server: ServerProcess, cloud: FakeOpenAI, spec: SpecValidator) -> None:
    cloud.reset()
    before = ask(server, "Summarise the plot of Hamlet.")
    assert before.headers["x-homeport-rule"] == "requested-model"
    assert before.headers["x-homeport-route"].startswith("local/")
    rules: list[dict[str, Any]] = [
        {"name": "auto-to-cloud", "when": {"models": ["auto"]}, "route": ["gpt", "local"]}]
    with admin(server) as a:
        bad = a.put("/v1/admin/routing/rules", json={"rules": [
            {"name": "x", "when": {"tasks": ["juggling"]}, "route": ["gpt"]}]})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "rules.0.when.tasks"
        spec.validate("ErrorResponse", bad.json())
        bad = a.put("/v1/admin/routing/rules", json={"rules": [{"name": "x", "route": ["gpt-9"]}]})
        assert bad.status_code == 400 and "unknown model 'gpt-9'" in bad.json()["error"]["message"]
        bad = a.put("/v1/admin/routing/rules", json={"rules": [rules[0], rules[0]]})
        assert bad.status_code == 400 and "used twice" in bad.json()["error"]["message"]
        assert a.get("/v1/admin/routing/rules").json()["source"] == "config"
        saved = a.put("/v1/admin/routing/rules", json={"rules": rules})
        assert saved.status_code == 200, saved.text
        assert saved.json()["version"] == 1 and saved.json()["source"] == "saved"
    after = ask(server, "Summarise the plot of Hamlet.")
    assert after.headers["x-homeport-rule"] == "auto-to-cloud"
    assert after.headers["x-homeport-route"] == "cloud/gpt-4o-mini"
    # a secret never follows the rule to the cloud
    secret = ask(server, f"My key is {AWS_KEY}, summarise Hamlet.")
    assert secret.headers["x-homeport-route"].startswith("local/")
    assert all(AWS_KEY not in str(r) for r in cloud.requests)


def test_rules_saved_by_another_process_reach_the_server(server: ServerProcess,
                                                         tmp_path: Any) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("- name: all-local\n  when: {models: [auto]}\n  route: [local]\n")
    saved = server.cli("route", "rules", "set", str(rules))
    assert "version" in saved.stdout, saved.stderr
    shown = server.cli("route", "rules", "show")
    assert "all-local" in shown.stdout and "saved version" in shown.stderr
    deadline = time.monotonic() + 15
    while ask(server, "Summarise Hamlet.").headers["x-homeport-rule"] != "all-local":
        assert time.monotonic() < deadline, "the server did not pick up the saved rules"
        time.sleep(0.5)
    rules.write_text("- name: broken\n  route: [nowhere]\n")
    refused = server.cli("route", "rules", "set", str(rules), check=False)
    assert refused.returncode == 1 and "unknown model 'nowhere'" in refused.stderr
    with admin(server) as a:
        assert a.get("/v1/admin/routing/rules").json()["rules"][0]["name"] == "all-local"


def test_users_from_the_cli(server: ServerProcess) -> None:
    made = server.cli("users", "create", "nurse.joy", "--team", "ward", "--password-stdin",
                      stdin="pokemon-center-1\n")
    assert "created user nurse.joy" in made.stdout
    listed = server.cli("users", "list")
    assert "nurse.joy" in listed.stdout and "ward" in listed.stdout
    short = server.cli("users", "create", "short.pw", "--team", "ward", "--password-stdin",
                       stdin="short\n", check=False)
    assert short.returncode == 1 and "10 to 1024 characters" in short.stderr
    changed = server.cli("users", "passwd", "nurse.joy", "--password-stdin",
                         stdin="another-long-one\n")
    assert "password of nurse.joy changed" in changed.stdout
    removed = server.cli("users", "rm", "nurse.joy")
    assert "removed user nurse.joy" in removed.stdout
    assert "nurse.joy" not in server.cli("users", "list").stdout
