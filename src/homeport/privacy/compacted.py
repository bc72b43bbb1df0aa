"""Identifiers split anywhere (separators between any two characters, a line break, invisible
characters) next to the word that names them: the separators are dropped and the check digits
decide. "my SSN is 607/90/5347", "NHS number: 471.707.8683", "store 1500.67.793 as the BSN",
"NIE Y/6925322/J". A context word before or after the value is required, so the grouping
does not matter.
"""

from __future__ import annotations

import re

from homeport.entities import ES_DNI, ES_NIE, IT_FISCAL_CODE, SSN, UK_NINO
from homeport.privacy.columns import header_above
from homeport.privacy.national_ids import (
    CF_CONTEXT,
    CF_SHAPE,
    ES_CONTEXT,
    NINO_CONTEXT,
    NINO_NEVER_ISSUED,
    OTHER_NUMBER_WORDS,
    SPECS,
    Spec,
    codice_fiscale_valid,
    dni_letter,
)
from homeport.privacy.taken import Taken
from homeport.privacy.validators import ssn_valid
from homeport.types import Finding

# Digits with up to two separators between any two of them, and a letter after (DNI, NIE, NINO)
_CANDIDATE = re.compile(
    r"[0-9](?:[ .\-/\n]{0,3}[0-9]){5,18}(?:[ .\-/\n]{0,3}[A-Za-z](?![A-Za-z]))?")
_SEPARATORS = re.compile(r"[ .\-/\n]+")
_ALNUM = re.compile(r"[A-Za-z0-9]+")
# 16 letters and digits with separators between some of them (a codice fiscale)
_CF_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z0-9]{2,15}(?:[ .\-/]{1,2}[A-Za-z0-9]{1,14}){1,8}")
_LETTER_BEFORE = re.compile(r"([A-Za-z])[ .\-/\n]{0,2}(?:([A-Za-z])[ .\-/\n]{0,2})?$")
# Words for an identity number of any kind
_ID_WORD = re.compile(r"\bid[ \-]?(?:number|no\b|nr\b|card|document|shows)|(?:my|your|his|her"
                      r"|their|the|uploaded)[ _]id\b|national ?id|personal ?id|identi(?:ty|fication"
                      r"|fier|tät|dad|té)|personal ?(?:number|code|no\b|nr\b)|citizen|\bausweis")
# "id:" or "id": right before the value, in a record that also names a person
_ID_KEY = re.compile(r"\bid[\"']?\s*[:=]\s*[\"']?$")
_RECORD = re.compile(r"\bname\b|\bborn\b|\bdob\b|birth|address|surname|first ?name|last ?name"
                     r"|\bnome\b|\bnavn\b|\bnamn\b|\bnaam\b|imi[ęe]|nazwisko|jm[ée]no|n[ée]v\b"
                     r"|\bime\b|\bnume\b|adresse|\badres|\bgeb\b|\bné\b")
_ID_HEADER = re.compile(r"national|identi|personal|citizen|tax id|ausweis|\bid ?(?:number|no|nr)\b"
                        r"|(?:swedish|danish|dutch|polish|german|french|indian|canadian) ?id\b"
                        r"|pers\.? ?nr")  # not "id" alone
_SSN_CTX = re.compile(r"\bssn\b|social security|\bss#|\bss\.? ?(?:no\b|nr\b|number|#)")
_SCORE = 0.95
_OTHER_NUMBER = re.compile(r"\d{3}")
# Substrings of every word above and of identity column headers (cheap probes first)
# ("id" first: most texts have it, and `any` stops there)
_PROBES = ("id", "ssn", "social", "ss#", "nhs", "health", "insurance", "sin", "nas", "bsn",
           "burger", "sofi", "citizen", "person", "samordning", "cpr", "pesel", "steuer", "tin",
           "tax", "aadha", "adhaar", "insee", "nir", "sécu", "secu", "vitale", "dni", "nif", "nie",
           "documento", "extranjer", "ni ", "ni:", "nino", "ausweis", "fiscal", "cf")
# The SSN among the identifiers of nine digits (no check digits; its word is required)
_SSN_SPEC = Spec(SSN, bool, {}, _SSN_CTX)
_AROUND = 50  # how far before and after the value the word that names it may stand
_ANY_ID = re.compile("|".join(spec.context.pattern for specs in SPECS.values() for spec in specs))
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def find_compacted(text: str, low: str, out: list[Finding], taken: Taken | None = None) -> None:
    if not any(p in low for p in _PROBES):
        return  # no word that names an identifier, and no table: nothing to read here
    for m in _CANDIDATE.finditer(text):
        start, end = m.span()
        if (start > 0 and text[start - 1] in "0123456789+") or (
                taken is not None and taken.covers(start, end)):
            continue  # a longer number, a phone number's "+45", a card or IBAN
        compact = _SEPARATORS.sub("", m.group())
        letter = compact[-1] if compact[-1].isalpha() else ""
        digits = compact[:-1] if letter else compact
        # check digits first: most numbers (phones, dates) pass none
        specs = [] if letter else [s for s in SPECS.get(len(digits), ()) if s.valid(digits)]
        if not letter and len(digits) == 9 and ssn_valid(digits[:3], digits[3:5], digits[5:]):
            specs.append(_SSN_SPEC)
        if not (specs or (letter and _lettered_possible(digits, letter.upper()))):
            continue
        around = (max(0, start - _AROUND), min(len(text), end + _AROUND))
        window = low[around[0] : around[1]].replace("_", " ")  # JSON keys: "NHS_no"
        lo = start - around[0]
        if letter:
            found = _lettered(text, window, digits, letter.upper(), start, end)
        else:
            found = _numeric(window, lo, lo + end - start, specs, start, end) or \
                _in_id_column(text, specs, start, end)
        if found is not None:
            out.append(found)
    if ("fiscal" in low or "cf" in low or "tax code" in low) and CF_CONTEXT.search(low):
        _fiscal_codes(text, out)


def _lettered_possible(digits: str, letter: str) -> bool:
    """Whether the digits and final letter could be a DNI, NIE or NINO (checks first)."""
    return (len(digits) == 8 and dni_letter(int(digits)) == letter) or len(digits) == 7 or (
        len(digits) == 6 and letter in "ABCD")


def _fiscal_codes(text: str, out: list[Finding]) -> None:
    """Codici fiscali written with separators inside ("RSS.MRA.85T10.A562S")."""
    for m in _CF_CANDIDATE.finditer(text):
        chunks = [(c.start(), c.end()) for c in _ALNUM.finditer(text, m.start(), m.end())]
        for i in range(len(chunks)):  # "fiscal code RSS.MRA...": the 16 characters in it
            size, j = 0, i
            while j < len(chunks) and size < 16:
                size += chunks[j][1] - chunks[j][0]
                j += 1
            if size != 16:
                continue
            compact = "".join(text[a:b] for a, b in chunks[i:j]).upper()
            if CF_SHAPE.fullmatch(compact) and codice_fiscale_valid(compact):
                out.append(Finding(IT_FISCAL_CODE, chunks[i][0], chunks[j - 1][1], _SCORE))
                break


def _numeric(window: str, lo: int, hi: int, specs: list[Spec], start: int,
             end: int) -> Finding | None:
    """The first of `specs` (all valid by their check digits) named in the window around the
    value (window[lo:hi]) with no other number between word and value, or any after a
    generic ID word."""
    for spec in specs:
        if any(_names_it(window, m, lo, hi) for m in spec.context.finditer(window)):
            return Finding(spec.type, start, end, _SCORE)
    generic = any(_names_it(window, m, lo, hi) for m in _ID_WORD.finditer(window)) or (
        _ID_KEY.search(window, 0, lo) is not None and _RECORD.search(window) is not None)
    if generic and OTHER_NUMBER_WORDS.search(window, max(0, lo - 40), lo) is None:
        # "ID number", "identity card", "id:" in a person's record: the type whose check
        # digits hold (an SSN, which has none, last), not "order ID 123"
        for spec in sorted(specs, key=lambda spec: spec.type == SSN):
            return Finding(spec.type, start, end, _SCORE - 0.05)
    return None


def _names_it(window: str, word: re.Match[str], lo: int, hi: int) -> bool:
    """Whether the word stands next to the value: no other number between them ("SSN:
    847 66 8286 / Phone: 030 127100" names the first number only)."""
    between = window[word.end() : lo] if word.end() <= lo else window[hi : word.start()]
    return _OTHER_NUMBER.search(between) is None


def _in_id_column(text: str, specs: list[Spec], start: int, end: int) -> Finding | None:
    """A number with valid check digits in a table column headed as an identifier
    ("national_id", "BSN", "personnummer")."""
    header = header_above(text, start, end).replace("_", " ")
    if not header:
        return None
    for spec in specs:
        if spec.context.search(header) or (spec.type != SSN and _ID_HEADER.search(header)):
            return Finding(spec.type, start, end, _SCORE)
    return None


def _lettered(text: str, window: str, digits: str, letter: str, start: int,
              end: int) -> Finding | None:
    spanish = ES_CONTEXT.search(window) is not None
    if not spanish and NINO_CONTEXT.search(window) is None:
        return None
    before = _LETTER_BEFORE.search(text, max(0, start - 6), start)
    prefix = "".join(g for g in (before.groups() if before else ()) if g).upper()
    if spanish and len(digits) == 8 and dni_letter(int(digits)) == letter:
        return Finding(ES_DNI, start, end, _SCORE)
    if spanish and len(digits) == 7 and prefix[-1:] in ("X", "Y", "Z") and \
            dni_letter(int(str("XYZ".index(prefix[-1])) + digits)) == letter:
        at = start - 1
        while text[at] in " .-/\n":  # back to the X, Y or Z
            at -= 1
        return Finding(ES_NIE, at, end, _SCORE)
    if len(digits) == 6 and len(prefix) == 2 and letter in ("A", "B", "C", "D") and \
            prefix not in NINO_NEVER_ISSUED and NINO_CONTEXT.search(window) and \
            prefix[0] not in "DFIQUV" and prefix[1] not in "DFIOQUV":
        return Finding(UK_NINO, before.start() if before else start, end, _SCORE)
    return None


def id_column(name: str) -> bool:
    """Whether a column or key name names an identity number ("national_id", "BSN", "pesel")."""
    low = _camel_words(name)
    return _ID_HEADER.search(low) is not None or _ANY_ID.search(low) is not None


def id_cell(text: str, a: int, b: int, name: str, out: list[Finding]) -> None:
    """text[a:b], the value of a column named `name` (an identity number), as a finding of the
    type whose check digits it passes (the type the name names first)."""
    compact = _SEPARATORS.sub("", text[a:b])
    if not compact.isdigit():
        return
    low = _camel_words(name)
    specs = [spec for spec in SPECS.get(len(compact), ()) if spec.valid(compact)]
    specs.sort(key=lambda spec: spec.context.search(low) is None)
    if specs:
        out.append(Finding(specs[0].type, a, b, _SCORE))


def _camel_words(name: str) -> str:
    """"nationalIdNumber" -> "national id number"; "NHS_no" -> "nhs no"."""
    return _CAMEL.sub(" ", name).replace("_", " ").lower()
