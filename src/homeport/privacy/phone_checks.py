"""Checks around phone numbers: what a phone-shaped number is instead (a date, a value that a
word names as a record number or identifier) and phone words in table headers.
"""

from __future__ import annotations

import bisect
import re

from homeport.entities import DATE_OF_BIRTH, MRN, NATIONAL_ID_TYPES, PHONE, SSN
from homeport.privacy.columns import header_above
from homeport.privacy.context_words import DATE
from homeport.privacy.validators import plausible_date
from homeport.types import Finding

# Types whose finding, where it overlaps a phone number, says what the digits are: a date of
# birth or record number found after its word, an identifier found by its check digits and
# grouping or word (not the bare groupings that score below a valid phone number).
_NAMED = frozenset((DATE_OF_BIRTH, MRN, SSN, *NATIONAL_ID_TYPES))
_NAMED_MIN_SCORE = 0.85
# Phone words of table headers and keys ("telefone", "telefonszám", "mob", "tlf")
_HEADER = re.compile(
    r"phone|tel|mob|cell|fax|gsm|handy|puh|tlf|numer kontaktowy|kontakt|contact|whatsapp"
    r"|celular|móvel|movel|cellulare|portable|mobil|telef|telf")


def date_shaped(cand: str) -> bool:
    """Whether a phone candidate starts with a real date ("06.07.1932 (43", "08. 08. 1979")."""
    d = DATE.match(cand)
    return d is not None and plausible_date(d.group())


def phone_header(text: str, start: int, end: int) -> bool:
    """Whether the number sits in a table column whose header names a phone number."""
    if text.find("\n", 0, start) == -1:
        return False
    header = header_above(text, start, end)
    return bool(header) and _HEADER.search(header) is not None


def drop_named_phones(found: list[Finding]) -> list[Finding]:
    """`found` without the phone numbers that overlap a value a word or check names."""
    named = sorted((f.start, f.end) for f in found
                   if f.type in _NAMED and f.score >= _NAMED_MIN_SCORE)
    if not named or not any(f.type == PHONE for f in found):
        return found
    starts = [a for a, _ in named]
    out = []
    for f in found:
        if f.type == PHONE:
            i = bisect.bisect_left(starts, f.end)
            if any(b > f.start for _, b in named[max(0, i - 4) : i]):
                continue
        out.append(f)
    return out
