"""API keys: created once (shown once), stored as SHA-256 hashes, revoked by id or prefix.

Keys are 256-bit random tokens, so a plain SHA-256 is a safe, fast hash to look them up by.
Lookups are cached for `ttl` seconds; a key revoked from the CLI stops working within that time.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import or_, select, update

from homeport.errors import AuthenticationFailed, InvalidRequest, NotFound
from homeport.governance.limits import Limits
from homeport.governance.teams import LIMIT_FIELDS, TeamStore, check_limits, limits_dict, limits_of
from homeport.storage.db import Database
from homeport.storage.schema import api_keys
from homeport.types import Caller

KEY_PREFIX = "hp-"
PREFIX_LEN = 10  # characters of a key kept in clear, to recognise it in lists
ROLES = ("admin", "member", "auditor")


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: str
    prefix: str
    name: str
    team: str
    roles: tuple[str, ...]
    created_at: float
    revoked_at: float | None
    allowed_models: tuple[str, ...] | None = None
    allowed_kbs: tuple[str, ...] | None = None
    limits: Limits = field(default_factory=Limits)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "object": "api_key", "prefix": self.prefix, "name": self.name,
                "team": self.team, "roles": list(self.roles),
                "allowed_models": _list(self.allowed_models),
                "allowed_knowledge_bases": _list(self.allowed_kbs),
                **limits_dict(self.limits), "created_at": int(self.created_at),
                "revoked_at": int(self.revoked_at) if self.revoked_at else None}


def _list(v: tuple[str, ...] | None) -> list[str] | None:
    return None if v is None else list(v)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyStore:
    def __init__(self, db: Database, ttl: float = 5.0):
        self._db = db
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Caller | None]] = {}

    # --- management (blocking; CLI calls them directly, the API through Database.run) ---

    def create(self, team: str, name: str = "", roles: tuple[str, ...] = ("member",),
               key: str | None = None, allowed_models: list[str] | None = None,
               allowed_kbs: list[str] | None = None, **limits: Any) -> tuple[str, KeyInfo]:
        """Create a key (and its team if new); returns the plaintext (shown once) and its
        record. `allowed_*` None: no restriction; limits: see governance.limits.Limits."""
        team = team.strip()
        if not team:
            raise InvalidRequest("team must not be empty", param="team")
        unknown = [r for r in roles if r not in ROLES]
        if unknown or not roles:
            raise InvalidRequest(f"unknown role {unknown[0] if unknown else ''!r}; roles are "
                                 f"{', '.join(ROLES)}", param="roles")
        values = check_limits(limits)
        key = key or KEY_PREFIX + secrets.token_urlsafe(32)
        key_id = "key_" + secrets.token_hex(8)
        with self._db.writing() as conn:
            TeamStore(self._db).ensure(conn, team)
            conn.execute(api_keys.insert().values(
                id=key_id, hash=hash_key(key), prefix=key[:PREFIX_LEN], name=name, team=team,
                roles=",".join(roles), created_at=time.time(),
                allowed_models=_json(allowed_models), allowed_kbs=_json(allowed_kbs), **values))
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().one()
        self._cache.clear()
        return key, _info(row)

    def update(self, key_id: str, **changes: Any) -> KeyInfo:
        """Change a key's name, roles, allowed models / knowledge bases or limits."""
        values: dict[str, Any] = {}
        for name, value in changes.items():
            if name in ("allowed_models", "allowed_kbs"):
                values[name] = _json(value)
            elif name == "roles":
                if not value or any(r not in ROLES for r in value):
                    raise InvalidRequest(f"roles are {', '.join(ROLES)}", param="roles")
                values[name] = ",".join(value)
            elif name == "name":
                values[name] = str(value)
            elif name in LIMIT_FIELDS:
                values.update(check_limits({name: value}))
            else:
                raise InvalidRequest(f"unknown key field {name!r}", param=name)
        with self._db.writing() as conn:
            if values:
                conn.execute(update(api_keys).where(api_keys.c.id == key_id,
                                                    api_keys.c.revoked_at.is_(None))
                             .values(**values))
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id,
                                                      api_keys.c.revoked_at.is_(None))
                               ).mappings().first()
        if row is None:
            raise NotFound(f"no active key {key_id!r}; list them with `homeport keys list`",
                           param="key")
        self._cache.clear()
        return _info(row)

    def get(self, key_id: str) -> KeyInfo:
        with self._db.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
        if row is None:
            raise NotFound(f"no key {key_id!r}", param="key")
        return _info(row)

    def list(self, include_revoked: bool = False, team: str | None = None) -> list[KeyInfo]:
        q = select(api_keys).order_by(api_keys.c.created_at)
        if team is not None:
            q = q.where(api_keys.c.team == team)
        if not include_revoked:
            q = q.where(api_keys.c.revoked_at.is_(None))
        with self._db.engine.connect() as conn:
            return [_info(r) for r in conn.execute(q).mappings()]

    def revoke(self, id_or_prefix: str) -> KeyInfo:
        """Revoke the one active key matching an id, the key itself, or a prefix of it."""
        arg = id_or_prefix
        prefix = (api_keys.c.prefix == arg[:PREFIX_LEN] if len(arg) >= PREFIX_LEN
                  else api_keys.c.prefix.startswith(arg, autoescape=True))
        with self._db.writing() as conn:
            rows = conn.execute(select(api_keys).where(
                api_keys.c.revoked_at.is_(None),
                or_(api_keys.c.id == arg, api_keys.c.hash == hash_key(arg), prefix),
            )).mappings().all()
            if not rows:
                raise NotFound(f"no active key with id or prefix {id_or_prefix!r}")
            if len(rows) > 1:
                raise InvalidRequest(f"{len(rows)} keys match {id_or_prefix!r}; give the key id")
            now = time.time()
            conn.execute(update(api_keys).where(api_keys.c.id == rows[0]["id"])
                         .values(revoked_at=now))
        self._cache.clear()
        return _info({**rows[0], "revoked_at": now})

    def ensure_admin(self, admin_key: str | None) -> str | None:
        """Make sure an admin key exists. Returns a newly generated key to print once, else None."""
        with self._db.engine.connect() as conn:
            if admin_key is not None:
                exists = conn.execute(select(api_keys.c.id).where(
                    api_keys.c.hash == hash_key(admin_key))).first()
            else:
                exists = conn.execute(select(api_keys.c.id).where(
                    api_keys.c.roles.contains("admin"), api_keys.c.revoked_at.is_(None))).first()
        if exists:
            return None
        key, _ = self.create("admin", name="admin", roles=("admin",), key=admin_key)
        return None if admin_key is not None else key

    def caller(self, key_id: str) -> Caller | None:
        """The Caller of an active key, by its id (web sessions name keys by id)."""
        return self._caller(api_keys.c.id == key_id)

    def lookup(self, key_hash: str) -> Caller | None:
        return self._caller(api_keys.c.hash == key_hash)

    def _caller(self, where: Any) -> Caller | None:
        with self._db.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(where)).mappings().first()
        if row is None or row["revoked_at"] is not None:
            return None
        return Caller(key_id=row["id"], team=row["team"],
                      roles=frozenset(row["roles"].split(",")),
                      allowed_models=_set(row["allowed_models"]),
                      allowed_kbs=_set(row["allowed_kbs"]))

    # --- the request path ---

    async def authenticate(self, authorization: str | None) -> Caller:
        """Resolve an `Authorization: Bearer KEY` header to a Caller, or raise 401."""
        if not authorization:
            raise AuthenticationFailed("Missing API key: send it as 'Authorization: Bearer KEY'.")
        scheme, _, key = authorization.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise AuthenticationFailed("Malformed Authorization header: use 'Bearer KEY'.")
        digest = hash_key(key)
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            caller = cached[1]
        else:
            caller = await self._db.run(self.lookup, digest)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now + self._ttl, caller)
        if caller is None:
            raise AuthenticationFailed("Incorrect API key provided. Create one with "
                                       "`homeport keys create --team TEAM`.")
        return caller


def _json(names: list[str] | None) -> str | None:
    if names is None:
        return None
    cleaned = sorted({n.strip() for n in names if n.strip()})
    return orjson.dumps(cleaned).decode()


def _set(text: str | None) -> frozenset[str] | None:
    return None if text is None else frozenset(orjson.loads(text))


def _tuple(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(orjson.loads(text))


def _info(row: Any) -> KeyInfo:
    r = dict(row)
    return KeyInfo(id=r["id"], prefix=r["prefix"], name=r["name"], team=r["team"],
                   roles=tuple(r["roles"].split(",")), created_at=r["created_at"],
                   revoked_at=r["revoked_at"], allowed_models=_tuple(r.get("allowed_models")),
                   allowed_kbs=_tuple(r.get("allowed_kbs")), limits=limits_of(r))
