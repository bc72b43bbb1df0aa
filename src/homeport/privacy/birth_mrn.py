"""Dates of birth and medical record numbers after their context words (context_words.KEYWORDS),
and the checks on a value found under a column or key that names it."""

from __future__ import annotations

import re

from homeport.entities import DATE_OF_BIRTH, MRN, SSN
from homeport.privacy.context_words import DATE, GAP_BREAK, MRN_AFTER
from homeport.privacy.validators import plausible_date, ssn_valid
from homeport.types import Finding

SCORE = 0.85
_BORN_BEFORE = ("geboren", "born", "født", "född", "nacid")  # "am 3. Mai 1962 geboren"
_TIGHT_GAP = 3  # "ur. 12.03.1984", "b. 3 March 1984": the date right after the abbreviation
# Words of medical text: a generic record-number word ("record #", "Unit No.", NIP,
# "expediente") names a medical record only where one of these is near.
_MEDICAL = re.compile(
    r"patient|pacient|pazient|patiënt|clinic|clínic|klinik|hospital|hôpital|ospedal|krankenhaus"
    r"|ziekenhuis|szpital|sjukhus|sygehus|sykehus|\bward\b|admi(?:t|ssion)|ingres|discharg"
    r"|diagnos|medic|médic|\bmrn\b|\bdob\b|physician|nurse|doctor|\bdr\.|ärzt|arzt|surgery"
    r"|urgenc|ricover|reparto|opname|lekarz|cardiolog|oncolog|pediatr|consult|utente|doente"
    r"|saúde|enferm|ambulan|kórház|orvos|beteg|nemocnic|lékař|bolnic|liječn|sairaala|potilas"
    r"|lääkär|hastane|doktor|spital|pasient|prescri|pharmac|farmac|apotek|radiolog|patholog"
    r"|\blab\b|triage|\bward\b|\bgp\b|\bicu\b|\ber\b|kórlap|recept|nalaz|nález|lelet"
    r"|vaccin|immuni|szpital|klinik")
_MEDICAL_WINDOW = 250
# A phone or mail word before the keyword: "Teléfono del paciente: 612345678" is no record
_CONTACT_BEFORE = re.compile(
    r"(?:phone|tel\w*|fax|mobile|m[óo]vil|cell|handy|e-?mail|contact\w*|llamar|chiamare)"
    r"\s+(?:(?:of|the|del?|du|des|do|da|della|dello|van|het|al)\s+){0,2}$")
_DIGIT = re.compile(r"[0-9]")
_LABEL_AFTER = re.compile(r"\(\s*$")  # the value, then its word in parentheses
# A question about the birth date, and a date that opens the next line (after a speaker)
_ANSWER = re.compile(rf"[^\n?]{{0,20}}\?[ \t]*\n(?:\[[\d:. ]+\][ \t]*)?[^\n\d]{{0,40}}?[:\-]"
                     rf"[ \t]*({DATE.pattern})", re.I)
_VALUE_BEFORE = re.compile(r"(?<![\w\-/])([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)\s*\(\s*$")
_SSN_CELL = re.compile(r"(\d{3})([ \-.]?)(\d{2})\2(\d{4})")


def at_word_start(text: str, low: str, i: int) -> bool:
    """Whether a keyword found at i starts a word: after a non-letter, or a camelCase part
    ("dateOfBirth", "patientDob")."""
    return i == 0 or not low[i - 1].isalpha() or (text[i].isupper() and text[i - 1].islower())


def birth_after(text: str, low: str, kind: str, start: int, end: int,
                out: list[Finding]) -> None:
    """The date of birth that the birth word text[start:end] introduces, if any."""
    if kind == "birth.":  # an abbreviation: only the date right after it
        if low[start] in "b*fs°" and not _after_name(text, start):
            return
        pos = end
        while pos < len(text) and pos - end < _TIGHT_GAP and text[pos] in " :\t":
            pos += 1
        d = DATE.match(text, pos)
        if d is not None and plausible_date(d.group()):
            out.append(Finding(DATE_OF_BIRTH, d.start(), d.end(), SCORE))
        return
    # every date has digits: a window without any needs no (costly) date search
    d = DATE.search(text, end, end + 60) if _DIGIT.search(text, end, end + 60) else None
    if (d is not None and d.start() - end <= 40 and plausible_date(d.group())
            and not GAP_BREAK.search(text, end, d.start())):
        out.append(Finding(DATE_OF_BIRTH, d.start(), d.end(), SCORE))
    elif (a := _ANSWER.match(text, end)) is not None and plausible_date(a.group(1)):
        # "and your date of birth?\n[10:41] Ben: Jan 28 1951": the answer on the next line
        out.append(Finding(DATE_OF_BIRTH, a.start(1), a.end(1), SCORE))
    elif low.startswith(_BORN_BEFORE, start) or _LABEL_AFTER.search(text, max(0, start - 3),
                                                                    start):
        # "am 3. Oktober 1962 geboren", "12/03/1984 (DOB)": the date right before the word
        before = list(DATE.finditer(text, max(0, start - 30), start))
        if before and plausible_date(before[-1].group()) and not GAP_BREAK.search(
                text, before[-1].end(), start):
            out.append(Finding(DATE_OF_BIRTH, *before[-1].span(), SCORE))


def mrn_after(text: str, low: str, kind: str, start: int, end: int,
              out: list[Finding]) -> None:
    """The record number after the word text[start:end]; after a generic word ("mrn?" kind)
    only in medical text."""
    m = MRN_AFTER.match(text, end)
    if m is None or not mrn_like(m.group(1)):
        # "H465324381 (MRN)": the value right before the word in parentheses
        b = _VALUE_BEFORE.search(text, max(0, start - 24), start)
        if kind == "mrn" and b is not None and mrn_like(b.group(1)):
            out.append(Finding(MRN, *b.span(1), SCORE))
        return
    if kind == "mrn?" and not _MEDICAL.search(low, max(0, start - _MEDICAL_WINDOW),
                                              m.end() + _MEDICAL_WINDOW):
        return
    if _CONTACT_BEFORE.search(low, max(0, start - 30), start):
        return
    out.append(Finding(MRN, m.start(1), m.end(1), SCORE))


def mrn_like(value: str) -> bool:
    """6-10 letters and digits (up to 12 with a letter or separator: "2024-0001234"), at least
    two digits; not a date with separators (a compact 19840302 may be a record number)."""
    if len(value) > 16:
        return False
    alnum = [c for c in value if c.isalnum()]
    longest = 10 if value.isdigit() else 12
    return (6 <= len(alnum) <= longest and sum(c.isdigit() for c in alnum) >= 2
            and (len(alnum) == len(value) or DATE.fullmatch(value) is None))


def cell_finding(kind: str, text: str, a: int, b: int, out: list[Finding]) -> None:
    """text[a:b], the value of a column or key of `kind` ("birth", "mrn", "ssn"), as a finding
    if it has the shape of one."""
    value = text[a:b]
    if kind == "birth":
        if value.endswith(".") and not value.endswith(".."):  # "15.07.1958." (Croatian)
            value, b = value[:-1], b - 1
        if DATE.fullmatch(value) and plausible_date(value):
            out.append(Finding(DATE_OF_BIRTH, a, b, SCORE))
    elif kind == "mrn":
        if mrn_like(value) and not any(c.isspace() for c in value):
            out.append(Finding(MRN, a, b, SCORE))
    elif (m := _SSN_CELL.fullmatch(value)) and ssn_valid(m.group(1), m.group(3), m.group(4)):
        out.append(Finding(SSN, a, b, 0.9))


def _after_name(text: str, start: int) -> bool:
    """Whether "b." or "*" at `start` follows a capitalised word ("Ann Lee (b. ...", "Lee,
    b. ...", "Weber (* 3. März") rather than a list item, a bullet or a number."""
    j = start
    while j > 0 and text[j - 1] in " (,":
        j -= 1
    k = j
    while k > 0 and (text[k - 1].isalpha() or text[k - 1] in "'-"):
        k -= 1
    return k < j and text[k].isupper()
