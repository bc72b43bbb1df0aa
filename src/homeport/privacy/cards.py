"""Payment card numbers: 13-19 digits that pass Luhn, written in card groupings (and 12-digit
Maestro numbers after a card word).

Groupings: one piece, groups of four with a shorter last group (4-4-4-4, 4-4-4-4-3, 4-4-5),
American Express and Diners (4-6-5, 4-6-4), or digits one or two at a time. Groups may be
separated by spaces, dots, dashes, slashes, underscores (up to three of them: "4111 - 1111")
or a line break (then in any grouping). A number whose issuer prefix fits its length scores
1.0; one that passes Luhn without a fitting prefix still counts (0.96: a card of an issuer we
do not list is still a card), except when written in one piece without a card word nearby
(order numbers, timestamps).
"""

from __future__ import annotations

import re

from homeport.entities import CREDIT_CARD
from homeport.privacy.validators import card_network_ok, luhn_valid
from homeport.types import Finding

_SEP = r"(?:[ .\-/_]{1,3}|[ \t]*\r?\n[ \t]*)"
_RUN = re.compile(rf"[0-9]+(?:{_SEP}[0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")
_CONTEXT = re.compile(r"\b(?:card|visa|credit|debit|cc|pan|mastercard|maestro|amex|payment|cvv"
                      r"|expir\w*|kort\w*|\w*kort|kart[eay]\w*|carte|tarjeta|carta|kaart\w*"
                      r"|kártya\w*|\w*kártya|kartic\w*|cart[ãa]o|cartões|kredi\w*|luottokort\w*)\b")
_NO_FIT = 0.96
_MAESTRO = re.compile(r"5[06-9]|6|0604")  # 0604: an old Maestro range test data still uses


def find_cards(text: str, low: str, out: list[Finding]) -> None:
    for m in _RUN.finditer(text):
        if m.end() - m.start() < 12:
            continue
        groups = [(g.start(), g.end()) for g in _DIGITS.finditer(text, m.start(), m.end())]
        for part in _decimals_apart(text, groups):
            if sum(e - s for s, e in part) >= 12:
                _in_groups(text, low, part, out)


def _decimals_apart(text: str, groups: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The groups, without the two sides of a decimal point ("0.2662102282047272": a dot next
    to a group of more than four digits); "4111.1111.1111.1111" is a card written with dots."""
    decimal: set[int] = set()
    for k in range(1, len(groups)):
        (a, b), (c, d) = groups[k - 1], groups[k]
        if text[b:c] == "." and max(b - a, d - c) > 4:
            decimal |= {k - 1, k}
    parts: list[list[tuple[int, int]]] = [[]]
    for k, g in enumerate(groups):
        if k in decimal:
            parts.append([])
        else:
            parts[-1].append(g)
    return [p for p in parts if p]


def _in_groups(text: str, low: str, groups: list[tuple[int, int]], out: list[Finding]) -> None:
    i = 0
    while i < len(groups):
        found = _card_at(text, low, groups, i)
        if found is None:
            i += 1
            continue
        out.append(found[0])
        i = found[1]


def _card_at(text: str, low: str, groups: list[tuple[int, int]],
             i: int) -> tuple[Finding, int] | None:
    """The longest card starting with group i, and the index of the group after it."""
    if text[groups[i][0] - 1 : groups[i][0]] == "+":  # +44 ...: a phone number
        return None
    lengths: list[int] = []
    total = 0
    j = i
    while j < len(groups) and total < 19:
        lengths.append(groups[j][1] - groups[j][0])
        total += lengths[-1]
        j += 1
    for k in range(len(lengths), 0, -1):
        n = sum(lengths[:k])
        if not 12 <= n <= 19:
            continue
        start, end = groups[i][0], groups[i + k - 1][1]
        # a line break (or the end of a message) may fall anywhere in a number
        broken = "\n" in text[start:end]
        if not broken and not _card_grouping(lengths[:k]):
            continue
        digits = "".join(text[s:e] for s, e in groups[i : i + k])
        if not luhn_valid(digits):
            continue
        fits = card_network_ok(digits)
        context = _CONTEXT.search(low, max(0, start - 40), start) is not None
        if n == 12 and not (context and _MAESTRO.match(digits) and i == 0 and k == len(groups)):
            continue  # 12 digits: a Maestro card only where the text says card
        if k == 1 and (not fits or n == 13) and not context:
            continue  # one unbroken run: an order number or EAN-13 unless the text says card
        if not fits and context and digits.startswith("0604"):
            return Finding(CREDIT_CARD, start, end, _NO_FIT), i + k
        if not fits and (digits[0] == "0" or len(set(digits)) < 3 or (
                (i > 0 or i + k < len(groups)) and not context)):
            continue  # no issuer: nothing starts with 0 or repeats one digit, nor sits in a
            # longer run of groups (tracking numbers) unless the text says card
        if not fits and k > 1 and (lengths[0] != 4 or broken) and not context:
            continue
        return Finding(CREDIT_CARD, start, end, 1.0 if fits else _NO_FIT), i + k
    return None


def _card_grouping(lengths: list[int]) -> bool:
    if len(lengths) == 1:
        return True
    if all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 7:  # 4-4-5 (Visa 13)
        return True
    if lengths in ([4, 6, 5], [4, 6, 4]):
        return True
    return lengths[0] <= 2 and all(n == lengths[0] for n in lengths[:-1]) and \
        lengths[-1] <= lengths[0]
