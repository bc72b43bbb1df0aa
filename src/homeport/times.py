"""Times as the API reads and writes them: ISO 8601 in UTC, and `since`/`until` filters."""

from __future__ import annotations

import datetime as dt
import re
import time

from homeport.errors import InvalidRequest


def iso_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="microseconds") \
        .replace("+00:00", "Z")


_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_AGO_S = 100 * 365.25 * 86400


def parse_time(value: str, *, param: str = "since", now: float | None = None) -> float:
    """Unix seconds from an ISO date (2024-05-01, UTC midnight), an ISO datetime (naive means
    UTC) or a time ago: 30m, 24h, 7d (also s, w)."""
    value = value.strip()
    if m := _RELATIVE.match(value.lower()):
        ago = float(m[1]) * _UNIT_S[m[2]]
        if ago > _MAX_AGO_S:
            raise InvalidRequest(f"{param}: {value!r} is too far back; at most 100 years",
                                 param=param)
        return (time.time() if now is None else now) - ago
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{param}: {value!r} is not a time; use an ISO date (2024-05-01), "
                             "a datetime (2024-05-01T12:00:00Z) or a time ago (30m, 24h, 7d)",
                             param=param) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()
