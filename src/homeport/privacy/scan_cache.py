"""Findings per text, content-addressed and bounded: a conversation resends its history and
every request of an app resends its system prompt, and neither is scanned twice.

Keys are BLAKE2b digests of the text (the texts themselves are not kept); the oldest entry goes
first when the cache is full. Findings are immutable (frozen dataclasses), handed out as new
lists. Safe across threads: single dict operations under the GIL, and a lost race only scans a
text twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from homeport.types import Finding

Scan = Callable[[str], list[Finding]]


class ScanCache:
    def __init__(self, size: int = 4096):
        self.size = size
        self._found: dict[bytes, tuple[Finding, ...]] = {}
        self.hits = 0
        self.misses = 0

    def findings(self, text: str, scan: Scan) -> list[Finding]:
        """`scan(text)`, remembered by the text's content."""
        if self.size <= 0:
            return scan(text)
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self._found.get(key)
        if found is None:
            self.misses += 1
            found = tuple(scan(text))
            if len(self._found) >= self.size:
                self._found.pop(next(iter(self._found)), None)
            self._found[key] = found
        else:
            self.hits += 1
        return list(found)
