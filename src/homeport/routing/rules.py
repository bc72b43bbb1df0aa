"""Routing rules edited while the server runs (web UI, admin API).

The configured `routing.rules` apply until an admin saves new ones; saved rules live in the
database (`runtime_settings`, with a version that counts the changes) and replace the
configured ones on every replica: each process checks the version every few seconds. Rules are
validated exactly like the configuration (conditions, entity and task types, models they route
to, distinct names) before they are stored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import yaml
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, insert, select, update

from homeport.errors import InvalidRequest
from homeport.settings import RuleConfig, Settings, check_rules
from homeport.storage.db import Database
from homeport.storage.schema import runtime_settings

log = logging.getLogger(__name__)
NAME = "routing.rules"
_RULES = TypeAdapter(list[RuleConfig])


def parse_rules(data: Any, settings: Settings) -> list[RuleConfig]:
    """Rules from a list of mappings (or YAML text of one, or `{rules: [...]}`), validated;
    InvalidRequest names the rule and field that is wrong."""
    if isinstance(data, str):
        try:
            data = yaml.safe_load(data)
        except yaml.YAMLError as e:
            raise InvalidRequest(f"The rules are not valid YAML: {e}", param="rules") from None
    if isinstance(data, dict) and set(data) == {"rules"}:
        data = data["rules"]
    data = [] if data is None else data  # an empty text: no rules
    if not isinstance(data, list):
        raise InvalidRequest("Rules are a list: each item has a name, a `when` mapping of "
                             "conditions and a `route` list of models.", param="rules")
    try:
        rules = _RULES.validate_python(data)
        check_rules(rules, settings.model_names(), "rules")
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in ("rules", *first["loc"]))
        raise InvalidRequest(f"{where}: {first['msg'].removeprefix('Value error, ')}",
                             param=where) from None
    except ValueError as e:
        raise InvalidRequest(str(e), param="rules") from None
    return rules


def rules_yaml(rules: list[RuleConfig]) -> str:
    """Rules as the YAML an admin edits (unset conditions left out)."""
    data = [r.model_dump(mode="json", exclude_none=True, exclude_defaults=True) for r in rules]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                          default_flow_style=None) if data else ""


class RuleStore:
    """The saved rules, and keeping this process's routing on the newest version."""

    def __init__(self, db: Database, settings: Settings,
                 listeners: Sequence[Callable[[list[str]], None]] = ()):
        self.db = db
        self.settings = settings
        self.configured = list(settings.routing.rules)
        self.version = 0  # 0: the configured rules apply
        self.listeners = list(listeners)  # told the new rule names

    def stored(self) -> tuple[int, list[dict[str, Any]]] | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(runtime_settings.c.version, runtime_settings.c.value)
                               .where(runtime_settings.c.name == NAME)).first()
        return None if row is None else (int(row.version), orjson.loads(row.value))

    def save(self, conn: Connection, rules: list[RuleConfig], actor: str) -> int:
        """Store new rules in the caller's transaction; returns their version."""
        value = orjson.dumps([r.model_dump(mode="json", exclude_none=True)
                              for r in rules]).decode()
        now = time.time()
        current = conn.execute(select(runtime_settings.c.version)
                               .where(runtime_settings.c.name == NAME)).scalar()
        if current is None:
            conn.execute(insert(runtime_settings).values(
                name=NAME, value=value, version=1, updated_at=now, updated_by=actor))
            return 1
        conn.execute(update(runtime_settings).where(runtime_settings.c.name == NAME).values(
            value=value, version=current + 1, updated_at=now, updated_by=actor))
        return int(current) + 1

    def refresh(self) -> bool:
        """Apply the saved rules if they changed since last time; True when applied."""
        found = self.stored()
        if found is None or found[0] == self.version:
            return False
        version, data = found
        try:
            rules = parse_rules(data, self.settings)
        except InvalidRequest as e:  # e.g. a model removed from the config since they were saved
            log.error("saved routing rules (version %d) do not fit this configuration, keeping "
                      "the current ones: %s", version, e.message)
            self.version = version
            return False
        self.apply(rules, version)
        return True

    def apply(self, rules: list[RuleConfig], version: int) -> None:
        """The policy reads settings.routing.rules on every decision: swap the list whole."""
        self.settings.routing.rules = rules
        self.version = version
        for listener in self.listeners:
            listener([r.name for r in rules])
        log.info("routing rules version %d applied (%d rules)", version, len(rules))

    async def follow(self, interval_s: float = 5.0) -> None:
        """Pick up rules saved by other replicas (runs until cancelled)."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await asyncio.to_thread(self.refresh)
            except Exception:
                log.exception("reading saved routing rules failed")
