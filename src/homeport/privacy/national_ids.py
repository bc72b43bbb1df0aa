"""National identifiers of the UK, Canada, Germany, France, Spain, Italy, the Netherlands,
Sweden, Denmark, Poland and India (check digits, formats, context words), passports and
driving licences (context words: privacy.documents).

One regex pass finds runs of six or more digits (joined by single " .-+") and digits right
after a letter. A digit after six letters may start a codice fiscale; a run is checked for the
letter types around it (NINO, DNI, NIE, UK licence) and, by digit count and grouping, for the
digit-only types. A finding needs the type's check and either its usual grouping, a context
word in the 40 characters before, or (strong structures only) nothing more. Passports and
licences start from keyword probes on the lower-cased text.

Scores: 0.97 check + grouping or context word; 0.9 strong structure alone (NINO, DNI, NIE,
codice fiscale, PESEL, personnummer, NIR, dashed CPR, UK licence); 0.8 check alone (compact
Steuer-ID, Aadhaar); 0.85 passports and licences after a context word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from homeport.entities import (
    CA_SIN,
    DE_TAX_ID,
    DK_CPR,
    DRIVER_LICENSE,
    ES_DNI,
    ES_NIE,
    FR_NIR,
    IN_AADHAAR,
    IT_FISCAL_CODE,
    NL_BSN,
    PL_PESEL,
    SE_PERSONNUMMER,
    UK_NHS,
    UK_NINO,
)
from homeport.privacy.context_words import DATE
from homeport.privacy.documents import DL_CONTEXT, find_documents
from homeport.privacy.taken import Taken
from homeport.privacy.validators import luhn_valid
from homeport.types import Finding

CONTEXT, STRONG, BARE = 0.97, 0.9, 0.8
# Runs of 6+ digits joined by single separators, and single digits right after a letter (the
# birth year of a codice fiscale); scanning for [0-9] first keeps the pass fast.
_RUN = re.compile(r"[0-9](?:(?:[ .\-+]?[0-9]){5,}|(?<=[A-Za-z][0-9]))")
_DIGITS = re.compile(r"[0-9]+")
_WINDOW = 40  # context words are looked for this far before a candidate
_FAR = 72  # and this far, with no other number between word and value
_YEAR = re.compile(r"(?:19|20)\d\d")
_NORDIC = frozenset((SE_PERSONNUMMER, DK_CPR))
_DIGIT = re.compile(r"[0-9]")

# -- checksums ----------------------------------------------------------------------------------


def nhs_valid(d: str) -> bool:
    """NHS mod 11: weights 10..2, check = 11 - sum % 11 (11 -> 0, 10 is never issued)."""
    check = 11 - sum(int(c) * (10 - i) for i, c in enumerate(d[:9])) % 11
    return len(d) == 10 and (0 if check == 11 else check) == int(d[9])


def bsn_valid(d: str) -> bool:
    """Dutch 11-proof: weights 9..2 and -1 on the last digit."""
    total = sum(int(c) * (9 - i) for i, c in enumerate(d[:8])) - int(d[8])
    return len(d) == 9 and total % 11 == 0 and total > 0


def steuer_id_valid(d: str) -> bool:
    """ISO 7064 MOD 11,10 and the digit rule: in the first ten digits one digit occurs two
    or three times (three times never all in a row), every other at most once."""
    if len(d) != 11 or d[0] == "0":
        return False
    counts = sorted((d[:10].count(c) for c in set(d[:10])), reverse=True)
    if counts[0] not in (2, 3) or counts[1] != 1 or any(c * 3 in d[:10] for c in d[:10]):
        return False
    product = 10
    for c in d[:10]:
        product = (((int(c) + product) % 10 or 10) * 2) % 11
    return (11 - product) % 10 == int(d[10])


def nir_valid(d: str) -> bool:
    """INSEE: sex 1/2 (3, 4, 7, 8 provisional), month 01-12, 20, 30-42, 50-99, key
    97 - n mod 97. Corsica's 2A/2B count as 19/18 for the key."""
    month = int(d[3:5])
    if (len(d) != 15 or d[0] not in "123478" or not (1 <= month <= 12 or month == 20
            or 30 <= month <= 42 or month >= 50) or d[5:7] == "00" or d[10:13] == "000"):
        return False
    n = int(d[:5] + {"2A": "19", "2B": "18"}.get(d[5:7], d[5:7]) + d[7:13])
    return 97 - n % 97 == int(d[13:])


def pesel_date(d: str) -> date | None:
    """The birth date a PESEL encodes (month + 80/0/20/40/60 for 1800..2200), if real."""
    month = int(d[2:4])
    century = (1900, 2000, 2100, 2200, 1800)[month // 20]
    return _date(century + int(d[:2]), month % 20, int(d[4:6]))


def pesel_valid(d: str) -> bool:
    total = sum(int(c) * w for c, w in zip(d, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=False))
    return len(d) == 11 and (10 - total % 10) % 10 == int(d[10]) and pesel_date(d) is not None


def personnummer_valid(d: str) -> bool:
    """YYMMDDNNNC or YYYYMMDDNNNC; day + 60 for samordningsnummer; Luhn over 10 digits."""
    if len(d) == 12 and not 1850 <= int(d[:4]) <= date.today().year:
        return False
    ten = d[-10:]
    year = int(d[:4]) if len(d) == 12 else 2000 + int(ten[:2])
    return luhn_valid(ten) and _date(year, int(ten[2:4]), int(ten[4:6]) % 60) is not None


def cpr_valid(d: str) -> bool:
    """DDMMYY-SSSS: only the date (the mod-11 check was dropped in 2007)."""
    return _date(2000 + int(d[4:6]), int(d[2:4]), int(d[:2])) is not None


def _verhoeff_d(j: int, k: int) -> int:
    """Multiplication in the dihedral group D5 (digits 0-4 rotations, 5-9 reflections)."""
    if j < 5 and k < 5:
        return (j + k) % 5
    if j < 5:
        return (j + k - 5) % 5 + 5
    if k < 5:
        return (j - 5 - k) % 5 + 5
    return (j - k) % 5


_V_D = [[_verhoeff_d(j, k) for k in range(10)] for j in range(10)]
_V_P = [list(range(10))]  # position permutations: powers of (1 5 7 6 2 8 3 0 9 4)
for _ in range(7):
    _V_P.append([_V_P[-1][p] for p in (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)])


def verhoeff_valid(d: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(d)):
        c = _V_D[c][_V_P[i % 8][ord(ch) - 48]]
    return c == 0


def aadhaar_valid(d: str) -> bool:
    return len(d) == 12 and d[0] not in "01" and verhoeff_valid(d)


def dni_letter(number: int) -> str:
    return "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23]


_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3,
    6, 8, 12, 14, 16, 10, 22, 25, 24, 23], strict=True))
_CF_EVEN = {c: int(c, 36) % 10 if c.isdigit() else int(c, 36) - 10
            for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")


def codice_fiscale_valid(cf: str) -> bool:
    """Check character (odd/even tables, mod 26) and a real day (1-31, +40 for women)."""
    day = int(cf[9:11].translate(_OMOCODIA))
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    total = sum((_CF_ODD if i % 2 == 0 else _CF_EVEN)[c] for i, c in enumerate(cf[:15]))
    return chr(65 + total % 26) == cf[15]


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# -- digit-only types: grouping shapes and context words ----------------------------------------


class Spec(NamedTuple):
    type: str
    valid: Callable[[str], bool]
    shapes: dict[str, float]  # grouping ("3 3 4", compact "10") -> score without context
    context: re.Pattern[str]


_SE_CTX = re.compile(r"personn(?:umme)?r|person[ \-]?nr|samordningsnummer|personal identity n"
                     r"|pers\.? ?nr|\bpnr\b|swedish (?:id|personal)")
SPECS: dict[int, tuple[Spec, ...]] = {
    9: (
        Spec(CA_SIN, luhn_valid, {"3 3 3": BARE, "3-3-3": BARE},  # below a valid phone (0.9)
              re.compile(r"\bsin\b|s\.i\.n\b|social insurance|\bnas\b|assurance sociale")),
        Spec(NL_BSN, bsn_valid, {"4.2.3": CONTEXT},
              re.compile(r"\bbsn\b|burgerservice|sofi(?:nummer|-nummer|\b)|citizen service")),
    ),
    10: (
        Spec(SE_PERSONNUMMER, personnummer_valid,
              {"6-4": CONTEXT, "6+4": CONTEXT, "6 4": STRONG},  # compact: context only
              _SE_CTX),
        Spec(UK_NHS, nhs_valid, {"3 3 4": BARE},  # below a valid phone number (0.9)
              re.compile(r"\bnhs|health service|health and care number")),
        Spec(DK_CPR, cpr_valid, {"6-4": STRONG + 0.02},  # a dashed date + 4: above a phone
              re.compile(r"\bcpr|personnummer|personnr|pers\.? ?nr|person[ \-]nr"
                         r"|danish (?:id|personal)")),
    ),
    11: (
        Spec(PL_PESEL, pesel_valid, {"11": STRONG}, re.compile(r"pesel")),
        Spec(DE_TAX_ID, steuer_id_valid, {"2 3 3 3": CONTEXT, "11": BARE},
              re.compile(r"steuer|\bid-?nr|idnr|\btin\b|tax[ \-]?id|tax identification"
                         r"|identifikat")),
    ),
    12: (
        Spec(SE_PERSONNUMMER, personnummer_valid, {"8-4": CONTEXT, "8+4": CONTEXT, "12": STRONG},
              _SE_CTX),
        Spec(IN_AADHAAR, aadhaar_valid, {"4 4 4": CONTEXT, "4-4-4": CONTEXT},
              re.compile(r"aadha?a?r|adhaar|\buid\b|uidai")),
    ),
    15: (
        Spec(FR_NIR, nir_valid, {"1 2 2 2 3 3 2": CONTEXT, "1 2 2 3 2 3 2": CONTEXT,
                                  "13 2": CONTEXT, "15": STRONG},
              re.compile(r"s[ée]curit[ée] sociale|\bs[ée]cu\b|\bnir\b|insee|social secur|vitale"
                         r"|n° ?ss\b|\bnss\b")),
    ),
}
_ANY_CTX = re.compile("|".join(spec.context.pattern for specs in SPECS.values()
                               for spec in specs))
NINO_CONTEXT = re.compile(r"national insurance|\bni\b|\bnino\b")
ES_CONTEXT = re.compile(r"\bdni\b|\bnif\b|\bnie\b|documento nacional|identidad|extranjer")
CF_CONTEXT = re.compile(r"codice fiscale|\bc\.?f\b|fiscal code|tax code")
# Words that make a number some other kind of number (or a document number, found below).
OTHER_NUMBER_WORDS = re.compile(
    r"\b(?:order|invoice|ref|reference|tracking|ticket|case|serial|sku|isbn|imei|transaction"
    r"|confirmation|booking|account|acct|policy|claim|po|version|build|part|customer|phone"
    r"|tel|mobile|cell|fax|call|dial|whatsapp|iban|card|pass|passport|dl|licen[cs]e)\b|[$€£¥₹#]"
    r"|reisepass|passeport|pasaporte|passaporto|paspoort|paszport|f[üu]e?hrerschein|permis"
    r"|conducir|patente|rijbewijs|jazdy|k[öø]r\w?kort"
)
_CURRENCY_AFTER = re.compile(
    r" ?(?:[$€£¥₹%]|(?:eur(?:os?)?|usd|dollars?|gbp|pounds?|kr|zł|pln|sek|dkk|chf|yen|rs)\b)", re.I)

# NINO: the suffix A-D may be left out (old numbers), then only after a context word
_NINO = re.compile(r"([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d\d ?\d\d ?\d\d)(?: ?([A-D]))?(?!\w)")
NINO_NEVER_ISSUED = frozenset(("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"))
_NIE = re.compile(r"([XYZ])-?(\d{7})[ \-]?([A-Z])(?![\w])")
_DNI = re.compile(r"(\d{8}|\d\d\.\d{3}\.\d{3}|\d\d \d{3} \d{3})[ \-]?([A-Z])(?![\w])")
_UKDL = re.compile(r"[A-Z][A-Z9]{4}\d(?:[0156]\d)(?:[0-3]\d)\d[A-Z][A-Z9]\d[A-Z]{2}(?![\w])")
CF_SHAPE = re.compile(r"[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]")
_NIR_CORSE = re.compile(r"[1-478] ?\d\d ?\d\d ?2[AB] ?\d{3} ?\d{3} ?\d\d(?![\w])")


def find_national_ids(text: str, low: str, out: list[Finding], taken: Taken | None = None) -> None:
    """Append a Finding(type, start, end, score) for each national identifier in `text`
    (skipping digits `taken` already holds: a card, an IBAN)."""
    for m in _RUN.finditer(text):
        s, e = m.span()
        if taken is not None and taken.covers(s, e):
            continue
        if e - s == 1:  # six letters, then the birth year of a codice fiscale
            if s >= 6 and text[s - 6 : s].isalpha():
                _codice(text, low, s, out)
        elif e - s >= 9 or (_alpha(text, s - 1) or _alpha(text, s - 2) or _alpha(text, e)
                            or _alpha(text, e + 1)):
            _run(text, low, s, e, out)  # nine digits, or six to eight and a letter type
    find_documents(text, low, out)


def _codice(text: str, low: str, s: int, out: list[Finding]) -> None:
    start = s - 6
    cand = text[start : start + 16]
    if cand.islower():
        cand = cand.upper()
    if (len(cand) == 16 and not _alnum(text, start - 1) and not _alnum(text, start + 16)
            and CF_SHAPE.fullmatch(cand) and codice_fiscale_valid(cand)):
        _add(out, IT_FISCAL_CODE, start, start + 16, STRONG, CF_CONTEXT, low)


def _run(text: str, low: str, s: int, e: int, out: list[Finding]) -> None:
    before = text[s - 1] if s else " "
    after = text[e] if e < len(text) else " "
    if (before.isalpha() or (s >= 2 and before in " -" and text[s - 2].isalpha())) and (
            _letter_led(text, low, s, e, out)):
        return
    if (after.isalpha() or (after in " -" and _alpha(text, e + 1))) and (
            _letter_tailed(text, low, s, e, out)):
        return
    last = text.rfind(" ", s, e) + 1  # "born 16/04/1939 17260370C": the last group on its own
    if last > s and (after.isalpha() or after == "-") and _letter_tailed(text, low, last, e, out):
        return
    # digit-only types: the run must stand alone ("ID123", "v1.2", "abc-123" are not IDs), or
    # a part of it set apart by a space ("23/06/2013 6880 6289 1089")
    left = not (before.isalnum() or before == "_" or (before in "-./" and _alnum(text, s - 2)))
    right = not (after.isalnum() or after == "_" or (after in "-./" and _alnum(text, e + 1)))
    groups = [g.span() for g in _DIGITS.finditer(text, s, e)]
    if not (left and right):
        if left or right:
            _spaced_part(text, low, groups, out, left, right)
        return
    n = sum(b - a for a, b in groups)
    if n < 9 or (n in SPECS and _window(text, low, groups, n, False, out, s)):
        return
    if len(groups) == 1:
        return
    if not _ANY_CTX.search(low, max(0, s - _WINDOW), s):
        _spaced_part(text, low, groups, out, True, True)
        return
    # a part of the run ("SIN: 12 046 454 286"): windows of whole groups, after a context word
    i = 0
    while i < len(groups) and groups[i][0] < s + _WINDOW:
        total, j = 0, i
        while j < len(groups) and total + groups[j][1] - groups[j][0] <= 15:
            total += groups[j][1] - groups[j][0]
            if total in SPECS and (i, j) != (0, len(groups) - 1) and _window(
                    text, low, groups[i : j + 1], total, True, out, s):
                i = j
                break
            j += 1
        i += 1


def _spaced_part(text: str, low: str, groups: list[tuple[int, int]], out: list[Finding],
                 left: bool, right: bool) -> None:
    """An identifier right after (or before) another number, set apart by a space ("born
    1939-08-05 716 848 809"): the groups at either end of the run (the end that stands alone),
    in the type's own grouping (scored as on their own, words before them included)."""
    last = len(groups) - 1
    windows = [(i, last) for i in range(last, 0, -1) if right and text[groups[i][0] - 1] == " "]
    windows += [(0, j) for j in range(last - 1, -1, -1) if left and text[groups[j][1]] == " "]
    for i, j in windows:
        total = sum(b - a for a, b in groups[i : j + 1])
        if total in SPECS and _apart(text, groups, i, j) and _window(
                text, low, groups[i : j + 1], total, False, out, groups[0][0]):
            return


def _apart(text: str, groups: list[tuple[int, int]], i: int, j: int) -> bool:
    """Whether groups i..j are a value of their own: one group, or grouped otherwise than by
    the space that sets them apart, or next to a date ("12 716 848 809" may be one number)."""
    inner = {text[groups[k][1] : groups[k + 1][0]] for k in range(i, j)}
    if not inner or inner != {" "}:
        return True
    if i > 0:
        a, b = text.rfind(" ", 0, groups[i - 1][1]) + 1, groups[i - 1][1]
    else:
        a = groups[j + 1][0]
        b = text.find(" ", a)
        b = len(text) if b == -1 else b
    token = text[a:b].rstrip(",.;")
    return DATE.fullmatch(token) is not None or _YEAR.fullmatch(token) is not None


def _window(text: str, low: str, groups: list[tuple[int, int]], n: int, part: bool,
            out: list[Finding], run: int) -> bool:
    """Check one window of digit groups (of the run starting at `run`) against the types of its
    length; True if found."""
    a, b = groups[0][0], groups[-1][1]
    digits = "".join(text[x:y] for x, y in groups)
    shape = str(n) if len(groups) == 1 else "".join(
        f"{y - x}{text[y] if k < len(groups) - 1 else ''}" for k, (x, y) in enumerate(groups))
    best: tuple[float, str] | None = None
    lo = max(0, a - _WINDOW)
    neg: bool | None = None
    nordic: list[str] = []
    for spec in SPECS[n]:
        if not spec.valid(digits):
            continue
        if _named(spec.context, low, lo, a, run) or _far_context(spec.context, low, a):
            score = CONTEXT + 0.001  # the type named before it wins a tie
        else:
            score = 0.0 if part else spec.shapes.get(shape, 0.0)
            if score and neg is None:
                neg = bool(OTHER_NUMBER_WORDS.search(low, lo, a)) or bool(
                    _CURRENCY_AFTER.match(text, b))
            if neg:
                score = 0.0
            if score and spec.type == PL_PESEL:  # born 1900..today without a context word
                born = pesel_date(digits)
                score = score if born and born.year >= 1900 and born <= date.today() else 0.0
            elif score and spec.type == UK_NHS and digits[0] == "0":  # a phone's trunk 0
                score = 0.0
        if score and (best is None or score > best[0]):
            best = (score, spec.type)
        if score and spec.type in _NORDIC:
            nordic.append(spec.type)
    if best is None:
        return False
    kind = best[1]
    if len(nordic) == 2:  # a Swedish and a Danish reading: the text's letters decide
        near = low[max(0, a - 200) : b + 200]
        if "ø" in near or "æ" in near:
            kind = DK_CPR
        elif "ä" in near or "ö" in near:
            kind = SE_PERSONNUMMER
    out.append(Finding(kind, a, b, min(best[0], CONTEXT)))
    return True


def _named(context: re.Pattern[str], low: str, lo: int, a: int, run: int) -> bool:
    """A context word in low[lo:a] with no other number between it and the value's run
    ("Pers.nr: 600210-2934, mobil: 08-061 603 26" names the first number only)."""
    ends = [m.end() for m in context.finditer(low, lo, a)]
    return bool(ends) and _DIGIT.search(low, ends[-1], max(ends[-1], min(run, a))) is None


def _far_context(context: re.Pattern[str], low: str, a: int) -> bool:
    """A context word further back ("the NHS number exactly as printed on the card: ..."),
    with no other number between it and the value."""
    ends = [m.end() for m in context.finditer(low, max(0, a - _FAR), max(0, a - _WINDOW + 12))]
    return bool(ends) and _DIGIT.search(low, ends[-1], a) is None


def _letter_led(text: str, low: str, s: int, e: int, out: list[Finding]) -> bool:
    """NINO ("AB 12 34 56 C"), NIE ("X1234567L") and UK licence ("MORGA753116SM9IJ")."""
    j = s - 1 if text[s - 1].isalpha() else s - 2  # the letter before the digits
    if "A" <= text[j] <= "Z" and not _alnum(text, j - 2):
        m = _NINO.match(text, j - 1) if j >= 1 else None
        if m and m.group(1) not in NINO_NEVER_ISSUED and len(m.group(2).replace(" ", "")) == 6:
            _add(out, UK_NINO, j - 1, m.end(), STRONG if m.group(3) else 0.0, NINO_CONTEXT, low)
            return True
    if text[j] in "XYZ" and not _alnum(text, j - 1):
        m = _NIE.match(text, j)
        if m and dni_letter(int("XYZ".index(m.group(1)) * 10**7 + int(m.group(2)))) == m.group(
                3):
            _add(out, ES_NIE, j, m.end(), STRONG, ES_CONTEXT, low)
            return True
    if e - s <= 10 and "A" <= text[e : e + 1] <= "Z":  # surname (or 9s), then six digits
        for start in range(max(0, s - 5), s):
            m = _UKDL.match(text, start)
            if m and not _alnum(text, start - 1):
                month, day = int(m.group()[6:8]) % 50, int(m.group()[8:10])
                if 1 <= month <= 12 and 1 <= day <= 31:
                    _add(out, DRIVER_LICENSE, start, m.end(), STRONG, DL_CONTEXT, low)
                    return True
    return False


def _letter_tailed(text: str, low: str, s: int, e: int, out: list[Finding]) -> bool:
    """DNI: eight digits and the mod-23 letter ("12345678Z", "12345678-Z", "12.345.678-Z"),
    and NIRs born in Corsica, whose department 2A/2B breaks the run of digits."""
    if _alnum(text, s - 1) or (s and text[s - 1] in "-./"):
        return False
    m = _DNI.match(text, s)
    if m and dni_letter(int(m.group(1).replace(".", "").replace(" ", ""))) == m.group(2):
        _add(out, ES_DNI, s, m.end(), STRONG, ES_CONTEXT, low)
        return True
    m = _NIR_CORSE.match(text, s) if text[e - 1] == "2" and text[e] in "AB" else None
    if m and nir_valid(m.group().replace(" ", "")):
        _add(out, FR_NIR, s, m.end(), STRONG, SPECS[15][0].context, low)
        return True
    return False


def _add(out: list[Finding], kind: str, start: int, end: int, score: float,
         context: re.Pattern[str], low: str) -> None:
    """Append the finding, at CONTEXT where a context word precedes it (score 0: only then)."""
    if context.search(low, max(0, start - _WINDOW), start):
        score = CONTEXT
    if score:
        out.append(Finding(kind, start, end, score))


def _alnum(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()


def _alpha(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalpha()
