"""Admin actions on teams, keys and users, each recorded in the audit log in the same transaction
(both happen or neither). Blocking: the CLI calls them directly, the API through
Database.run. `actor` is the admin's key id, or "cli"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeport.errors import InvalidRequest
from homeport.governance.audit import AuditLog, Entry
from homeport.governance.keys import KeyInfo, KeyStore
from homeport.governance.teams import Team, TeamStore
from homeport.governance.users import KEY_NAME, User, UserStore
from homeport.routing.rules import RuleStore
from homeport.settings import AUTO_MODEL, RuleConfig
from homeport.storage.db import Database


class Admin:
    def __init__(self, db: Database, keys: KeyStore, teams: TeamStore, audit: AuditLog,
                 known_models: Callable[[], set[str]], rules: RuleStore | None = None):
        self.db = db
        self.rules = rules
        self.keys = keys
        self.teams = teams
        self.audit = audit
        self.users = UserStore(db)
        self._known_models = known_models

    def create_team(self, actor: str, name: str, description: str = "", **limits: Any) -> Team:
        with self.db.writing():
            team = self.teams.create(name, description, **limits)
            self._log(actor, "create_team", team.name, team.to_dict())
        return team

    def update_team(self, actor: str, name: str, description: str | None = None,
                    **limits: Any) -> Team:
        with self.db.writing():
            team = self.teams.update(name, description, **limits)
            self._log(actor, "update_team", name, {**limits, "description": description})
        return team

    def delete_team(self, actor: str, name: str) -> Team:
        with self.db.writing():
            team = self.teams.delete(name)
            self._log(actor, "delete_team", name, {})
        return team

    def create_key(self, actor: str, team: str, name: str = "",
                   roles: tuple[str, ...] = ("member",), allowed_models: list[str] | None = None,
                   allowed_kbs: list[str] | None = None, **limits: Any) -> tuple[str, KeyInfo]:
        self._check_models(allowed_models)
        with self.db.writing():
            key, info = self.keys.create(team, name, roles, allowed_models=allowed_models,
                                         allowed_kbs=allowed_kbs, **limits)
            self._log(actor, "create_key", info.id, _public(info))
        return key, info

    def update_key(self, actor: str, key_id: str, **changes: Any) -> KeyInfo:
        self._check_models(changes.get("allowed_models"))
        with self.db.writing():
            info = self.keys.update(key_id, **changes)
            self._log(actor, "update_key", key_id, changes)
        return info

    def revoke_key(self, actor: str, id_or_prefix: str) -> KeyInfo:
        with self.db.writing():
            info = self.keys.revoke(id_or_prefix)
            self._log(actor, "revoke_key", info.id, {"team": info.team})
        return info

    def create_user(self, actor: str, name: str, password: str, team: str,
                    roles: tuple[str, ...] = ("member",), allowed_models: list[str] | None = None,
                    allowed_kbs: list[str] | None = None, **limits: Any) -> User:
        """A web login: a key of the user's own (never shown) and a password; the key is
        made in the same transaction, so a refused name or password leaves nothing behind."""
        self._check_models(allowed_models)
        with self.db.writing():
            _, info = self.keys.create(team, KEY_NAME + name, roles,
                                       allowed_models=allowed_models, allowed_kbs=allowed_kbs,
                                       **limits)
            self.users.add(name, password, info.id)
            self._log(actor, "create_user", name, {"key": _public(info)})
        return self.users.get(name)

    def set_password(self, actor: str, name: str, password: str) -> User:
        with self.db.writing():
            user = self.users.set_password(name, password)
            self._log(actor, "set_password", name, {})
        return user

    def delete_user(self, actor: str, name: str) -> User:
        """Remove the login and revoke the user's key (their sessions end)."""
        with self.db.writing():
            user = self.users.remove(name)
            if user.active:
                self.keys.revoke(user.key_id)
            self._log(actor, "delete_user", name, {"key": user.key_id})
        return user

    def set_rules(self, actor: str, rules: list[RuleConfig]) -> int:
        """Save validated routing rules (every replica applies them); returns their version."""
        assert self.rules is not None
        with self.db.writing() as conn:
            version = self.rules.save(conn, rules, actor)
            self._log(actor, "set_routing_rules", f"version {version}",
                      {"rules": [r.model_dump(mode="json", exclude_none=True) for r in rules]})
        self.rules.apply(rules, version)
        return version

    def _check_models(self, names: list[str] | None) -> None:
        if names is None:
            return
        known = self._known_models() | {AUTO_MODEL}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InvalidRequest(f"unknown model {unknown[0]!r} in allowed_models; models are "
                                 f"{', '.join(sorted(known))}", param="allowed_models")

    def _log(self, actor: str, action: str, target: str, details: dict[str, Any]) -> None:
        self.audit.append([Entry("admin", {"action": action, "target": target,
                                           "details": details}, actor=actor)])


def _public(info: KeyInfo) -> dict[str, Any]:
    d = info.to_dict()
    d.pop("created_at", None)
    return d
