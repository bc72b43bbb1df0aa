"""Teams, key scopes and limits, and the admin actions' audit records, on SQLite and Postgres."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from homeport.errors import AuditWriteFailed, InvalidRequest, NotFound
from homeport.governance.admin import Admin
from homeport.governance.audit import AuditLog
from homeport.governance.keys import KeyStore, hash_key
from homeport.governance.limits import Limits
from homeport.governance.teams import TeamStore
from homeport.storage.db import Database


@pytest.fixture
def admin(db: Database) -> Admin:
    return Admin(db, KeyStore(db), TeamStore(db), AuditLog(db), lambda: {"local", "gpt"})


def test_a_key_for_a_new_team_creates_the_team(admin: Admin) -> None:
    _, info = admin.create_key("cli", "radiology")
    assert [t.name for t in admin.teams.list()] == ["radiology"]
    assert admin.teams.get("radiology").limits == Limits()
    assert info.allowed_models is None and info.allowed_kbs is None


def test_scopes_and_limits_reach_the_caller(admin: Admin) -> None:
    key, info = admin.create_key("cli", "legal", allowed_models=["gpt", "local"],
                                 allowed_kbs=["contracts"], rpm=30, budget=12.5,
                                 budget_period="week", on_exhausted="reject")
    assert info.limits == Limits(12.5, "week", "reject", 30, None)
    caller = admin.keys.lookup(hash_key(key))
    assert caller is not None
    assert caller.allowed_models == frozenset({"gpt", "local"})
    assert caller.allowed_kbs == frozenset({"contracts"})
    changed = admin.update_key("cli", info.id, allowed_models=None, rpm=None, tpm=500)
    assert changed.allowed_models is None
    assert changed.limits.rpm is None and changed.limits.tpm == 500


def test_team_limits_are_validated_and_cleared(admin: Admin) -> None:
    admin.create_team("cli", "ops", "on call", budget=100, rpm=60)
    with pytest.raises(InvalidRequest, match="budget_period must be one of"):
        admin.update_team("cli", "ops", budget_period="year")
    with pytest.raises(InvalidRequest, match="rpm must be a whole number"):
        admin.update_team("cli", "ops", rpm=0)
    team = admin.update_team("cli", "ops", budget=None)
    assert team.limits.budget is None and team.limits.rpm == 60
    with pytest.raises(InvalidRequest, match="exists"):
        admin.create_team("cli", "ops")
    with pytest.raises(NotFound):
        admin.update_team("cli", "nobody", rpm=5)


def test_a_team_with_active_keys_cannot_be_removed(admin: Admin) -> None:
    _, info = admin.create_key("cli", "temp")
    with pytest.raises(InvalidRequest, match="active key"):
        admin.delete_team("cli", "temp")
    admin.revoke_key("cli", info.id)
    assert admin.delete_team("cli", "temp").name == "temp"


def test_unknown_models_are_refused(admin: Admin) -> None:
    with pytest.raises(InvalidRequest, match="unknown model 'gpt-5'"):
        admin.create_key("cli", "x", allowed_models=["gpt-5"])
    admin.create_key("cli", "x", allowed_models=["auto"])  # the router's virtual model


def test_an_action_whose_audit_record_fails_does_not_happen(admin: Admin, db: Database) -> None:
    admin.create_team("cli", "first")
    with db.engine.begin() as conn:  # a log without its head refuses appends
        conn.execute(text("DELETE FROM audit_head"))
    with pytest.raises(AuditWriteFailed):
        admin.create_team("cli", "second")
    with pytest.raises(AuditWriteFailed):
        admin.create_key("cli", "third")
    assert [t.name for t in admin.teams.list()] == ["first"]
    assert admin.keys.list() == []


def test_admin_actions_are_in_the_audit_chain(admin: Admin) -> None:
    admin.create_team("key_admin", "finance", budget=5)
    key, info = admin.create_key("key_admin", "finance", rpm=10)
    admin.revoke_key("cli", info.id)
    page = admin.audit.query(kind="admin")
    actions = [(r.actor, r.data["action"], r.data["target"]) for r in reversed(page.records)]
    assert actions == [("key_admin", "create_team", "finance"),
                       ("key_admin", "create_key", info.id), ("cli", "revoke_key", info.id)]
    assert key not in str([r.data for r in page.records])  # never the key itself
    assert admin.audit.verify().ok
