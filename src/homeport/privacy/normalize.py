"""Text as the detectors should read it, with a map back to the text as sent.

A restricted value must not slip past the detectors by being written a little differently.
Before matching: JSON escapes are decoded (`\\u0034` is "4", `\\n` a line break), invisible
characters are dropped (zero-width spaces and joiners, soft hyphens, bidi marks), every Unicode
space becomes " ", every dash, hyphen or minus "-", dot-like and slash-like marks "." and "/",
digits of every script (full-width, Arabic-Indic, mathematical, ...) ASCII digits, other
characters their NFKC form, and a letter O, o, I or l standing between two digits the digit it
imitates. Findings in the normalised text map back to code-point offsets of the original
(`Normalized.span`). ASCII text without backslashes and homoglyphs costs one check.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field

_JSON_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|[nrtbf\"/\\])")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": " ", "f": " ", '"': '"', "/": "/", "\\": "\\"}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LOOKALIKE = re.compile(r"[0-9][OoIl](?=[0-9])")  # the letter is the second character
_DIGIT_LOOKALIKE = {"O": "0", "o": "0", "I": "1", "l": "1"}
_DOTS = frozenset("\u00b7\u2022\u2024\u2027\u2219\u22c5\u30fb\u3002\uff0e\uff61")
_SLASHES = frozenset("\u2044\u2215\u29f8\uff0f")
_DASHES = frozenset("\u2212\u2043\u2e3a\u2e3b\ufe58\ufe63\uff0d")
_INVISIBLE = frozenset("\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0")


@functools.lru_cache(maxsize=4096)
def _char(c: str) -> str:
    """What one non-ASCII character reads as."""
    if c in _INVISIBLE:
        return ""
    digit = unicodedata.decimal(c, None)
    if digit is not None:
        return str(digit)
    category = unicodedata.category(c)
    if category == "Cf" or (category == "Mn" and "\ufe00" <= c <= "\ufe0f"):
        return ""  # zero-width, bidi and other format characters; variation selectors
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if category == "Pd" or c in _DASHES:
        return "-"
    if c in _DOTS:
        return "."
    if c in _SLASHES:
        return "/"
    return unicodedata.normalize("NFKC", c)


@dataclass(slots=True)
class Normalized:
    """`text` as the detectors read it. `edits` lists (start, end) in `text` and (start, end)
    in the original of each replaced piece; positions between edits shift by a constant."""

    text: str
    edits: list[tuple[int, int, int, int]] = field(default_factory=list)
    _starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._starts = [e[0] for e in self.edits]

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of text[start:end]."""
        if not self.edits:
            return start, end
        first = self._at(start, False)
        return first, self._at(end - 1, True) if end > start else first

    def _at(self, i: int, end: bool) -> int:
        """The original position of character i: its start, or (`end`) its end."""
        k = bisect.bisect_right(self._starts, i) - 1  # the last piece starting at or before i
        if k < 0:
            return i + 1 if end else i
        _, n_end, o_start, o_end = self.edits[k]
        if i < n_end:  # inside a replaced piece: the whole original piece
            return o_end if end else o_start
        return o_end + (i - n_end) + (1 if end else 0)


def normalize(text: str) -> Normalized:
    """The text the detectors read, and the map back."""
    if text.isascii() and "\\" not in text and _LOOKALIKE.search(text) is None:
        return Normalized(text)
    pieces: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    pos = 0  # next original position to copy
    out = 0  # length of the output so far
    for m in _matches(text):
        a, b, new = m
        if a < pos:
            continue
        pieces.append(text[pos:a])
        out += a - pos
        if new != text[a:b]:
            edits.append((out, out + len(new), a, b))
        pieces.append(new)
        out += len(new)
        pos = b
    pieces.append(text[pos:])
    return Normalized("".join(pieces), edits)


def _matches(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of every piece to rewrite, in order."""
    found: list[tuple[int, int, str]] = []
    if "\\" in text:
        for m in _JSON_ESCAPE.finditer(text):
            found.append((m.start(), m.end(), _unescape(m.group())))
    if not text.isascii():
        found.extend((m.start(), m.end(), _char(m.group())) for m in _NON_ASCII.finditer(text))
    for m in _LOOKALIKE.finditer(text):
        if _in_number(text, m.start() + 1):
            found.append((m.start() + 1, m.end(), _DIGIT_LOOKALIKE[m.group()[1]]))
    found.sort(key=lambda t: t[0])
    return found


def _in_number(text: str, i: int) -> bool:
    """Whether the letter at i stands in a number: a word of digits and look-alikes with at
    least four digits, or beside a group of digits ("41O1111111111111", "4111 11l1 1111"), but
    not in the codice fiscale "BGTGLN15C15I382R" nor the IBAN group "8O0I" after "WIIB"."""
    a = max(text.rfind(c, 0, i) for c in " \n\t") + 1
    b = min((j for j in (text.find(c, i) for c in " \n\t") if j != -1), default=len(text))
    word = text[a:b].strip(".,;:()\"'")
    if not all(c.isdigit() or c in "OoIl.-/" for c in word):
        return False
    if sum(c.isdigit() for c in word) >= 4:
        return True
    before = text[max(0, a - 6) : a].split()
    after = text[b : b + 6].split()
    return bool(before and before[-1].isdigit()) or bool(after and after[0].isdigit())


def _unescape(escape: str) -> str:
    if escape[1] != "u":
        return _ESCAPES[escape[1]]
    code = int(escape[2:6], 16)
    if len(escape) == 12:  # a pair: a high surrogate and a low one make one character
        if not 0xD800 <= code <= 0xDBFF:
            return _unescape(escape[:6]) + _unescape(escape[6:])
        code = 0x10000 + ((code - 0xD800) << 10) + (int(escape[8:12], 16) - 0xDC00)
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    c = chr(code)
    return c if c.isascii() else _char(c)
