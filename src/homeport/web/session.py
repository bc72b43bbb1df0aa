"""Web sessions: a signed cookie naming the API key a person logged in with, and CSRF tokens.

The cookie holds the key's id (never the key), the username for password logins, when it was
issued and a random nonce, signed with HMAC-SHA256; it is HttpOnly and SameSite=Lax (Secure
with web.secure_cookies). Every request re-reads the key, so a revoked key ends its sessions;
logging out records the session's nonce as ended (in the database, for every replica), so a
copy of the cookie stops working too.
Forms and htmx requests carry a CSRF token derived from the session's nonce; the login form,
before any session, uses a double-submit cookie. Failed logins are throttled per username and
per client address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from homeport.settings_ops import WebConfig
from homeport.storage.db import Database
from homeport.storage.schema import web_sessions_ended

COOKIE = "hp_session"
LOGIN_COOKIE = "hp_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True, slots=True)
class Session:
    key_id: str
    issued: float
    nonce: str
    user: str | None = None  # set for username/password logins


class Sessions:
    def __init__(self, cfg: WebConfig, data_dir: Path):
        self.cfg = cfg
        self._secret = (cfg.session_secret.encode() if cfg.session_secret
                        else _stored_secret(data_dir / "web-secret"))

    @property
    def max_age(self) -> int:
        return int(self.cfg.session_hours * 3600)

    def issue(self, key_id: str, user: str | None = None) -> str:
        body = orjson.dumps({"k": key_id, "u": user, "t": time.time(),
                             "n": secrets.token_urlsafe(16)})
        payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return f"{payload}.{self._sign(payload)}"

    def read(self, cookie: str | None) -> Session | None:
        """The session a cookie holds, or None if it is missing, forged or expired."""
        if not cookie or "." not in cookie:
            return None
        payload, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            data = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            user = data.get("u")
            session = Session(str(data["k"]), float(data["t"]), str(data["n"]),
                              str(user) if user is not None else None)
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - session.issued > self.max_age:
            return None
        return session

    def csrf(self, session: Session) -> str:
        return self._sign(f"csrf:{session.nonce}")

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf(session))

    def cookie_flags(self) -> dict[str, Any]:
        return {"httponly": True, "samesite": "lax", "secure": self.cfg.secure_cookies,
                "path": "/"}

    def _mac(self, text: str) -> hmac.HMAC:
        return hmac.new(self._secret, text.encode(), hashlib.sha256)

    def _sign(self, text: str) -> str:
        return base64.urlsafe_b64encode(self._mac(text).digest()).decode().rstrip("=")

    def sign(self, text: str) -> str:
        """A stable hex digest of `text` keyed with the session secret."""
        return self._mac(text).hexdigest()


class Logouts:
    """Sessions logged out before their cookie expires, in the database (every replica sees
    them). Blocking, like the other stores."""

    def __init__(self, db: Database):
        self.db = db

    def end(self, session: Session, expires: float) -> None:
        """The session stops working, wherever its cookie is; `expires`: when the cookie
        would have (the record is dropped after that)."""
        now = time.time()
        try:
            with self.db.writing() as conn:
                conn.execute(delete(web_sessions_ended).where(web_sessions_ended.c.until < now))
                if conn.execute(select(web_sessions_ended.c.nonce).where(
                        web_sessions_ended.c.nonce == session.nonce)).first() is None:
                    conn.execute(insert(web_sessions_ended).values(nonce=session.nonce,
                                                                   until=expires))
        except IntegrityError:  # a concurrent logout of the same session recorded it
            pass

    def ended(self, session: Session) -> bool:
        with self.db.engine.connect() as conn:
            return conn.execute(select(web_sessions_ended.c.nonce).where(
                web_sessions_ended.c.nonce == session.nonce)).first() is not None


def _stored_secret(path: Path) -> bytes:
    """A random key kept beside the data (created once, readable by its owner only)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_bytes(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_bytes()
        with os.fdopen(fd, "wb") as f:
            f.write(secret)
        return secret


FAILURES_ALLOWED = 10  # per username and per client address, in WINDOW_S
WINDOW_S = 300.0


class Throttle:
    """Recent failed logins by username and by address; refuses more than allowed."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}

    def wait(self, *who: str) -> float:
        """Seconds until another try is allowed (0: now)."""
        now = time.monotonic()
        waits = [0.0]
        for w in who:
            q = self._failures.get(w)
            while q and q[0] <= now - WINDOW_S:
                q.popleft()
            if q and len(q) >= FAILURES_ALLOWED:
                waits.append(q[0] + WINDOW_S - now)
        return max(waits)

    def failed(self, *who: str) -> None:
        if len(self._failures) > 100_000:
            self._failures.clear()
        for w in who:
            self._failures.setdefault(w, deque(maxlen=FAILURES_ALLOWED)).append(time.monotonic())
