"""Values written to slip past the detectors: split across lines, or encoded whole.

`across_breaks` gives the text around each line break next to a digit with the break removed,
so one identifier split over lines ("4111 1111\\n1111 1111", "DE89 3704\\n0044 0532 0130 00",
a value split across two messages of a request) reads as one. `encoded_tokens` finds short
base64, hex and URL-encoded tokens that decode to printable text, so the detectors can read
what they carry.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import urllib.parse

_URL = re.compile(r"[A-Za-z0-9._~+\-]*(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+\-]*)+")
_TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{12,}={0,2}")
_HEX = re.compile(r"(?:0x)?((?:[0-9A-Fa-f]{2}){6,})")
_B64_HINT = re.compile(r"[0-9+/=_\-]|.[A-Z]")  # ordinary words: lower case or Capitalised
_BREAK_SPACE = " \t\r"
_SEPARATORS = ".-/"
WINDOW = 64  # characters read on each side of a line break
MAX_DECODED = 256


def across_breaks(text: str) -> list[tuple[str, int, int, int]]:
    """For each line break next to a digit (with the spaces around it): the text around it
    with the break removed (a space where no separator is on either side), where the break
    stood in it, and what to add to a position in the window before and after the break to
    get the position in `text`: (window, cut, shift_before, shift_after)."""
    out: list[tuple[str, int, int, int]] = []
    i = text.find("\n")
    while i != -1:
        a, b = i, i + 1
        while a > 0 and text[a - 1] in _BREAK_SPACE:
            a -= 1
        while b < len(text) and text[b] in _BREAK_SPACE:
            b += 1
        before, after = text[a - 1 : a], text[b : b + 1]
        if a > 0 and b < len(text) and (before.isdigit() or after.isdigit()) \
                and (before.isalnum() or before in _SEPARATORS) and after.isalnum():
            left = text[max(0, a - WINDOW) : a]
            joint = "" if before in _SEPARATORS else " "
            out.append((left + joint + text[b : b + WINDOW], len(left), a - len(left),
                        b - len(left) - len(joint)))
        i = text.find("\n", b)
    return out


def encoded_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, decoded text) of each short encoded token that decodes to printable text."""
    found: list[tuple[int, int, str]] = []
    if "%" in text:
        for m in _URL.finditer(text):
            _keep(found, m.start(), m.end(), urllib.parse.unquote_plus(m.group()))
    pos = 0
    # the long words only: a regex over every position of prose costs far more
    for word in [w for w in text.split() if len(w) >= 12]:
        at = text.find(word, pos)
        while at > 0 and not text[at - 1].isspace():  # inside a longer word: the next one
            at = text.find(word, at + 1)
        pos = at + len(word)
        for m in _TOKEN.finditer(word):
            start, end = at + m.start(), at + m.end()
            if (m.start() > 0 and word[m.start() - 1] in "+/=_-") or end - start > 344:
                continue
            _decode(found, start, end, m.group())
    return found


def _decode(found: list[tuple[int, int, str]], start: int, end: int, token: str) -> None:
    hexed = _HEX.fullmatch(token)
    if hexed is not None:
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            _keep(found, start, end, bytes.fromhex(hexed.group(1)).decode())
    elif _B64_HINT.search(token):
        decoded = _b64(token)
        if decoded is not None:
            _keep(found, start, end, decoded)


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
