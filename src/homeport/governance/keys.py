"""API keys: created once (shown once), stored as SHA-256 hashes, revoked by id or prefix.

Keys are 256-bit random tokens, so a plain SHA-256 is a safe, fast hash to look them up by.
Lookups are cached for `ttl` seconds; a key revoked from the CLI stops working within that time.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from homeport.errors import AuthenticationFailed, InvalidRequest, NotFound
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


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyStore:
    def __init__(self, db: Database, ttl: float = 5.0):
        self._db = db
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Caller | None]] = {}

    # --- management (blocking; CLI calls them directly, the API through Database.run) ---

    def create(self, team: str, name: str = "", roles: tuple[str, ...] = ("member",),
               key: str | None = None) -> tuple[str, KeyInfo]:
        """Create a key; returns the plaintext (shown once) and its record."""
        if not team.strip():
            raise InvalidRequest("team must not be empty", param="team")
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise InvalidRequest(f"unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}",
                                 param="roles")
        key = key or KEY_PREFIX + secrets.token_urlsafe(32)
        info = KeyInfo(id="key_" + secrets.token_hex(8), prefix=key[:PREFIX_LEN], name=name,
                       team=team,
                       roles=tuple(roles), created_at=time.time(), revoked_at=None)
        with self._db.engine.begin() as conn:
            conn.execute(api_keys.insert().values(
                id=info.id, hash=hash_key(key), prefix=info.prefix, name=name, team=team,
                roles=",".join(roles), created_at=info.created_at))
        return key, info

    def list(self, include_revoked: bool = False) -> list[KeyInfo]:
        q = select(api_keys).order_by(api_keys.c.created_at)
        if not include_revoked:
            q = q.where(api_keys.c.revoked_at.is_(None))
        with self._db.engine.connect() as conn:
            return [_info(r) for r in conn.execute(q).mappings()]

    def revoke(self, id_or_prefix: str) -> KeyInfo:
        """Revoke the one active key matching an id, the key itself, or a prefix of it."""
        arg = id_or_prefix
        prefix = (api_keys.c.prefix == arg[:PREFIX_LEN] if len(arg) >= PREFIX_LEN
                  else api_keys.c.prefix.startswith(arg, autoescape=True))
        with self._db.engine.begin() as conn:
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

    def lookup(self, key_hash: str) -> Caller | None:
        with self._db.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.hash == key_hash)).mappings() \
                .first()
        if row is None or row["revoked_at"] is not None:
            return None
        return Caller(key_id=row["id"], team=row["team"],
                      roles=frozenset(row["roles"].split(",")))

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


def _info(row: object) -> KeyInfo:
    r = dict(row)  # type: ignore[call-overload]
    return KeyInfo(id=r["id"], prefix=r["prefix"], name=r["name"], team=r["team"],
                   roles=tuple(r["roles"].split(",")), created_at=r["created_at"],
                   revoked_at=r["revoked_at"])
