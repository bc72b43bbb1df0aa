"""Spans that checksum-validated findings already hold, so later passes skip their digits."""

from __future__ import annotations

import bisect

from homeport.entities import API_KEY, CREDIT_CARD, EMAIL, IBAN
from homeport.types import Finding

_CERTAIN = frozenset((CREDIT_CARD, IBAN, API_KEY, EMAIL))


class Taken:
    def __init__(self, found: list[Finding]) -> None:
        spans = sorted((f.start, f.end) for f in found if f.type in _CERTAIN and f.score >= 0.95)
        self._starts = [a for a, _ in spans]
        self._ends = [b for _, b in spans]

    def covers(self, start: int, end: int) -> bool:
        """Whether text[start:end] lies inside one of the spans."""
        i = bisect.bisect_right(self._starts, start) - 1
        return i >= 0 and self._ends[i] >= end
