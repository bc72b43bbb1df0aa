"""Users who log in to the web UI with a username and password set by an admin.

A user acts through a key of their own (named `user:NAME`): its team, roles, allowed models and
knowledge bases and its limits are the user's, and the key's secret is never shown (a user who
wants the API asks for a key of their own). Passwords are stored as salted scrypt hashes;
revoking the key or deleting the user ends the login. Blocking, like KeyStore.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from homeport.errors import InvalidRequest, NotFound
from homeport.storage.db import Database
from homeport.storage.schema import api_keys, users

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
# scrypt at 16 MiB and ~50 ms here: slow for a guesser, cheap for one login.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
KEY_NAME = "user:"


@dataclass(frozen=True, slots=True)
class User:
    name: str
    key_id: str
    team: str
    roles: tuple[str, ...]
    active: bool
    created_at: float

    def to_dict(self) -> dict[str, Any]:
        return {"object": "user", "name": self.name, "key_id": self.key_id, "team": self.team,
                "roles": list(self.roles), "active": self.active,
                "created_at": int(self.created_at)}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        given = hashlib.scrypt(password.encode()[:MAX_PASSWORD], salt=bytes.fromhex(salt),
                               dklen=32, n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(given.hex(), digest)


# Compared against when a username is unknown, so the answer takes as long as for a known one.
_DUMMY = hash_password(secrets.token_urlsafe(12))


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidRequest(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                             param="password")


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise InvalidRequest("a username has 1 to 100 letters, digits or . _ @ - and starts "
                             "with a letter or digit", param="name")
    return name


class UserStore:
    def __init__(self, db: Database):
        self._db = db

    def add(self, name: str, password: str, key_id: str) -> None:
        """Store a user for an existing key (inside the caller's transaction)."""
        check_name(name)
        check_password(password)
        now = time.time()
        with self._db.writing() as conn:
            if conn.execute(select(users.c.name).where(users.c.name == name)).first():
                raise InvalidRequest(f"the username {name!r} is taken", param="name")
            conn.execute(insert(users).values(name=name, key_id=key_id,
                                              password_hash=hash_password(password),
                                              created_at=now, updated_at=now))

    def set_password(self, name: str, password: str) -> User:
        check_password(password)
        with self._db.writing() as conn:
            done = conn.execute(update(users).where(users.c.name == name).values(
                password_hash=hash_password(password), updated_at=time.time())).rowcount
        if not done:
            raise _unknown(name)
        return self.get(name)

    def remove(self, name: str) -> User:
        user = self.get(name)
        with self._db.writing() as conn:
            conn.execute(delete(users).where(users.c.name == name))
        return user

    def get(self, name: str) -> User:
        found = self._select(users.c.name == name)
        if not found:
            raise _unknown(name)
        return found[0]

    def all(self) -> list[User]:
        return self._select(None)

    def login(self, name: str, password: str) -> User | None:
        """The user whose password this is, with an active key; else None (same time taken)."""
        with self._db.engine.connect() as conn:
            row = conn.execute(select(users.c.password_hash).where(users.c.name == name)).first()
        matches = password_matches(password, row[0] if row else _DUMMY)
        if row is None or not matches:
            return None
        user = self.get(name)
        return user if user.active else None

    def signed_in(self, name: str, key_id: str, since: float) -> bool:
        """Whether a login of `name` at `since` still holds: same key, password not changed."""
        with self._db.engine.connect() as conn:
            row = conn.execute(select(users.c.key_id, users.c.updated_at)
                               .where(users.c.name == name)).first()
        return row is not None and row.key_id == key_id and row.updated_at <= since

    def _select(self, where: Any) -> list[User]:
        q = (select(users.c.name, users.c.key_id, users.c.created_at, api_keys.c.team,
                    api_keys.c.roles, api_keys.c.revoked_at)
             .join(api_keys, api_keys.c.id == users.c.key_id).order_by(users.c.name))
        if where is not None:
            q = q.where(where)
        with self._db.engine.connect() as conn:
            return [User(r.name, r.key_id, r.team, tuple(r.roles.split(",")),
                         r.revoked_at is None, r.created_at) for r in conn.execute(q)]


def _unknown(name: str) -> NotFound:
    return NotFound(f"no user {name!r}; list them with `homeport users list`", param="name")
