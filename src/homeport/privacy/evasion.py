"""Values written to slip past the detectors: split across lines, or encoded whole.

`joined_lines` gives a view of a text in which a line break between two pieces of one
identifier is gone ("4111 1111\\n1111 1111", "DE89 3704\\n0044 0532 0130 00", a value split
across two messages of a request). `encoded_tokens` finds short base64, hex and URL-encoded
tokens that decode to printable text, so the detectors can read what they carry.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from homeport.privacy.normalize import Normalized

# A line break (with the spaces around it) between two pieces of an identifier.
_BREAK = re.compile(r"(?<=[0-9A-Za-z.\-/])[ \t]*\r?\n[ \t]*(?=[0-9A-Za-z])")
_SEPARATOR_BEFORE = frozenset(".-/")
_URL = re.compile(r"[A-Za-z0-9._~+\-]*(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+\-]*)+")
_HEX = re.compile(r"(?<![0-9A-Za-z])(?:0x)?((?:[0-9A-Fa-f]{2}){6,128})(?![0-9A-Za-z])")
_B64 = re.compile(r"(?<![A-Za-z0-9+/=_\-])[A-Za-z0-9+/_\-]{12,344}={0,2}(?![A-Za-z0-9+/=_\-])")
_B64_HINT = re.compile(r"[0-9+/=_\-]|.[A-Z]")  # ordinary words: lower case or Capitalised
MAX_DECODED = 256


def joined_lines(text: str) -> Normalized | None:
    """`text` with line breaks inside identifiers removed (a space where none is on either
    side), or None when it has none."""
    if "\n" not in text:
        return None
    edits: list[tuple[int, int, int, int]] = []
    pieces: list[str] = []
    pos = out = 0
    for m in _BREAK.finditer(text):
        a, b = m.span()
        new = "" if text[a - 1] in _SEPARATOR_BEFORE or text[b] in _SEPARATOR_BEFORE else " "
        pieces.append(text[pos:a])
        out += a - pos
        edits.append((out, out + len(new), a, b))
        pieces.append(new)
        out += len(new)
        pos = b
    if not edits:
        return None
    pieces.append(text[pos:])
    view = Normalized("".join(pieces), edits)
    view._starts = [e[0] for e in edits]
    return view


def encoded_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, decoded text) of each short encoded token that decodes to printable text."""
    found: list[tuple[int, int, str]] = []
    if "%" in text:
        for m in _URL.finditer(text):
            _keep(found, m.start(), m.end(), urllib.parse.unquote_plus(m.group()))
    for m in _HEX.finditer(text):
        try:
            _keep(found, m.start(), m.end(), bytes.fromhex(m.group(1)).decode())
        except (ValueError, UnicodeDecodeError):
            pass
    for m in _B64.finditer(text):
        token = m.group()
        if not _B64_HINT.search(token):
            continue
        decoded = _b64(token)
        if decoded is not None:
            _keep(found, m.start(), m.end(), decoded)
    return found


def _b64(token: str) -> str | None:
    raw = token.rstrip("=")
    if len(raw) % 4 == 1:
        return None
    altchars = b"-_" if "-" in raw or "_" in raw else None
    try:
        data = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=altchars, validate=True)
        return data.decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _keep(found: list[tuple[int, int, str]], start: int, end: int, decoded: str) -> None:
    if 4 <= len(decoded) <= MAX_DECODED and decoded != "" and _printable(decoded):
        found.append((start, end, decoded))


def _printable(s: str) -> bool:
    return all(c.isprintable() or c in "\n\t" for c in s)
