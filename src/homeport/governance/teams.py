"""Teams: the unit keys, budgets, rate limits and knowledge bases belong to.

A key created for a team that does not exist yet creates it (with no limits of its own).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from homeport.errors import InvalidRequest, NotFound
from homeport.governance.limits import Limits
from homeport.storage.db import Database
from homeport.storage.schema import api_keys, teams

PERIODS = ("day", "week", "month")
MAX_RATE = 2**31 - 1  # rpm / tpm fit a 32-bit column
ON_EXHAUSTED = ("local", "reject")
LIMIT_FIELDS = tuple(f.name for f in fields(Limits))


@dataclass(frozen=True, slots=True)
class Team:
    name: str
    description: str
    limits: Limits
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"object": "team", "name": self.name, "description": self.description,
                **limits_dict(self.limits), "created_at": int(self.created_at)}


def limits_dict(limits: Limits) -> dict[str, Any]:
    return {name: getattr(limits, name) for name in LIMIT_FIELDS}


def check_limits(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate limit fields (None clears one); returns them ready for the database."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in LIMIT_FIELDS:
            raise InvalidRequest(f"unknown limit {name!r}; limits are {', '.join(LIMIT_FIELDS)}",
                                 param=name)
        if value is None:
            out[name] = None
        elif name == "budget":
            if isinstance(value, bool) or not isinstance(value, int | float) or \
                    not 0 <= value <= 1e15:
                raise InvalidRequest("budget must be a number from 0 to 1e15 (currency per "
                                     "period)", param=name)
            out[name] = float(value)
        elif name in ("rpm", "tpm"):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RATE:
                raise InvalidRequest(f"{name} must be a whole number from 1 to {MAX_RATE}",
                                     param=name)
            out[name] = value
        else:
            allowed = PERIODS if name == "budget_period" else ON_EXHAUSTED
            if value not in allowed:
                raise InvalidRequest(f"{name} must be one of {', '.join(allowed)}", param=name)
            out[name] = value
    return out


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidRequest("a team name is 1 to 200 characters", param="name")
    return name


class TeamStore:
    """Blocking; the API calls it through Database.run."""

    def __init__(self, db: Database):
        self._db = db

    def create(self, name: str, description: str = "", **limits: Any) -> Team:
        name = check_name(name)
        values = check_limits(limits)
        with self._db.writing() as conn:
            if _row(conn, name) is not None:
                raise InvalidRequest(f"team {name!r} exists; change it with "
                                     f"`homeport teams set {name}`", param="name")
            conn.execute(insert(teams).values(name=name, description=description,
                                              created_at=time.time(), **values))
            return _team(_row(conn, name))

    def ensure(self, conn: Connection, name: str) -> None:
        """Create the team row if missing (inside the caller's transaction)."""
        if _row(conn, name) is None:
            conn.execute(insert(teams).values(name=name, description="",
                                              created_at=time.time()))

    def get(self, name: str) -> Team:
        with self._db.engine.connect() as conn:
            row = _row(conn, name)
        if row is None:
            raise NotFound(f"no team {name!r}; list them with `homeport teams list`",
                           param="team")
        return _team(row)

    def list(self) -> list[Team]:
        with self._db.engine.connect() as conn:
            return [_team(r) for r in conn.execute(select(teams).order_by(teams.c.name))
                    .mappings()]

    def update(self, name: str, description: str | None = None, **limits: Any) -> Team:
        values = check_limits(limits)
        if description is not None:
            values["description"] = description
        with self._db.writing() as conn:
            if _row(conn, name) is None:
                raise NotFound(f"no team {name!r}", param="team")
            if values:
                conn.execute(update(teams).where(teams.c.name == name).values(**values))
            return _team(_row(conn, name))

    def delete(self, name: str) -> Team:
        """Remove a team that has no active keys left."""
        with self._db.writing() as conn:
            row = _row(conn, name)
            if row is None:
                raise NotFound(f"no team {name!r}", param="team")
            active = conn.execute(select(func.count()).select_from(api_keys).where(
                api_keys.c.team == name, api_keys.c.revoked_at.is_(None))).scalar_one()
            if active:
                raise InvalidRequest(f"team {name!r} still has {active} active key(s); revoke "
                                     "them first", param="team")
            conn.execute(delete(teams).where(teams.c.name == name))
            return _team(row)


def _row(conn: Connection, name: str) -> Any:
    return conn.execute(select(teams).where(teams.c.name == name)).mappings().first()


def limits_of(row: Any) -> Limits:
    return Limits(**{name: row[name] for name in LIMIT_FIELDS})


def _team(row: Any) -> Team:
    return Team(name=row["name"], description=row["description"], limits=limits_of(row),
                created_at=row["created_at"])
