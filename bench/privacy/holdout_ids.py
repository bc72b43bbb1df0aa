"""Identifier generators, validators and obfuscations for the hold-out set (holdout.py).

Written for this check from the public specifications of each identifier (check-digit rules,
layouts), not from Homeport's detector. Pure Python: the generator process (Faker, Mimesis)
and the runner both import it. Every identifier this module makes passes its validator; Faker's
values are labelled only when they pass the same validator (holdout_gen.py counts the rest).
"""

from __future__ import annotations

import base64
import random
import re
import string
from datetime import date, timedelta

# ----------------------------------------------------------------------------- validators


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_digit(body: str) -> str:
    for c in "0123456789":
        if luhn_ok(body + c):
            return c
    raise AssertionError


IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30,
    "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}


def _mod97(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s)) % 97


def iban_ok(iban: str) -> bool:
    v = iban.replace(" ", "").upper()
    if len(v) < 5 or IBAN_LENGTHS.get(v[:2]) != len(v) or not v.isalnum():
        return False
    return _mod97(v[4:] + v[:4]) == 1


def ssn_ok(v: str) -> bool:
    d = v.replace("-", "").replace(" ", "")
    if len(d) != 9 or not d.isdigit():
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


NINO_BAD_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino_ok(v: str) -> bool:
    c = v.replace(" ", "").upper()
    return (len(c) == 9 and c[0] not in "DFIQUV" and c[1] not in "DFIOQUV"
            and c[:2] not in NINO_BAD_PREFIX and c[2:8].isdigit() and c[8] in "ABCD")


def nhs_check(body: str) -> int:  # 11 - weighted sum mod 11; 10 is no valid number
    c = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=False)) % 11
    return 0 if c == 11 else c


def nhs_ok(v: str) -> bool:
    d = v.replace(" ", "").replace("-", "")
    return len(d) == 10 and d.isdigit() and nhs_check(d[:9]) == int(d[9])


def sin_ok(v: str) -> bool:
    d = v.replace(" ", "").replace("-", "")
    return len(d) == 9 and d.isdigit() and d[0] not in "08" and luhn_ok(d)


def iso7064_11_10(body: str) -> str:
    p = 10
    for ch in body:
        s = (int(ch) + p) % 10 or 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


def de_tax_ok(v: str) -> bool:
    d = v.replace(" ", "")
    if len(d) != 11 or not d.isdigit() or d[0] == "0":
        return False
    counts = sorted((d[:10].count(c) for c in set(d[:10])), reverse=True)
    if counts[0] not in (2, 3) or counts[1:].count(1) != len(counts) - 1:
        return False
    return iso7064_11_10(d[:10]) == d[10]


def nir_ok(v: str) -> bool:
    d = v.replace(" ", "").upper()
    if len(d) != 15:
        return False
    body = d[:13].replace("2A", "19").replace("2B", "18")
    if not body.isdigit() or not d[13:].isdigit() or d[0] not in "12":
        return False
    return 97 - int(body) % 97 == int(d[13:])


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_ok(v: str) -> bool:
    d = v.replace("-", "").replace(" ", "").upper()
    return len(d) == 9 and d[:8].isdigit() and DNI_LETTERS[int(d[:8]) % 23] == d[8]


def nie_ok(v: str) -> bool:
    d = v.replace("-", "").replace(" ", "").upper()
    if len(d) != 9 or d[0] not in "XYZ" or not d[1:8].isdigit():
        return False
    return DNI_LETTERS[int(str("XYZ".index(d[0])) + d[1:8]) % 23] == d[8]


_CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22,
           25, 24, 23]


def cf_check(body: str) -> str:
    total = 0
    for i, ch in enumerate(body):
        n = int(ch) if ch.isdigit() else ord(ch) - 65
        total += _CF_ODD[n] if i % 2 == 0 else n
    return chr(65 + total % 26)


def cf_ok(v: str) -> bool:
    v = v.upper()
    return len(v) == 16 and v.isalnum() and cf_check(v[:15]) == v[15]


def bsn_ok(v: str) -> bool:
    d = v.replace(".", "").replace(" ", "")
    if len(d) != 9 or not d.isdigit():
        return False
    weighted = sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1), strict=True))
    return (weighted - int(d[8])) % 11 == 0


def _date_ok(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def personnummer_ok(v: str) -> bool:
    d = v.replace("-", "").replace("+", "").replace(" ", "")
    if len(d) == 12:
        d = d[2:]
    if len(d) != 10 or not d.isdigit():
        return False
    day = int(d[4:6])
    day = day - 60 if day > 60 else day  # samordningsnummer
    return _date_ok(2000 + int(d[:2]), int(d[2:4]), day) and luhn_ok(d)


def cpr_century(yy: int, seventh: int) -> int:
    """The century a CPR number's 7th digit gives its two-digit year."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def cpr_ok(v: str) -> bool:  # date with the century its 7th digit gives (no mod 11 since 2007)
    d = v.replace("-", "").replace(" ", "")
    if len(d) != 10 or not d.isdigit():
        return False
    yy = int(d[4:6])
    return _date_ok(cpr_century(yy, int(d[6])) + yy, int(d[2:4]), int(d[:2]))


PESEL_W = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def pesel_ok(v: str) -> bool:
    if len(v) != 11 or not v.isdigit():
        return False
    if (10 - sum(int(c) * w for c, w in zip(v, PESEL_W, strict=False)) % 10) % 10 != int(v[10]):
        return False
    m = int(v[2:4])
    century = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800}[m // 20]
    return _date_ok(century + int(v[:2]), m % 20, int(v[4:6]))


_VD = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
       [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
       [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
       [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
       [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_VP = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
       [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
       [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
       [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]


def verhoeff_ok(digits: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VD[c][_VP[i % 8][int(ch)]]
    return c == 0


def aadhaar_ok(v: str) -> bool:
    d = v.replace(" ", "").replace("-", "")
    return len(d) == 12 and d.isdigit() and d[0] not in "01" and verhoeff_ok(d)


VALIDATORS = {
    "CREDIT_CARD": lambda v: 12 <= len(v.replace(" ", "").replace("-", "")) <= 19
    and luhn_ok(v.replace(" ", "").replace("-", "")),
    "IBAN": iban_ok, "SSN": ssn_ok, "UK_NINO": nino_ok, "UK_NHS": nhs_ok, "CA_SIN": sin_ok,
    "DE_TAX_ID": de_tax_ok, "FR_NIR": nir_ok, "ES_DNI": dni_ok, "ES_NIE": nie_ok,
    "IT_FISCAL_CODE": cf_ok, "NL_BSN": bsn_ok, "SE_PERSONNUMMER": personnummer_ok,
    "DK_CPR": cpr_ok, "PL_PESEL": pesel_ok, "IN_AADHAAR": aadhaar_ok,
}

# ----------------------------------------------------------------------------- generators
# Each returns (value as written, groups): groups are the value's natural parts without
# separators, used by the separator and line-split obfuscations.

Made = tuple[str, list[str]]


def _digits(r: random.Random, n: int) -> str:
    return "".join(r.choice(string.digits) for _ in range(n))


def _birth(r: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=r.randrange(365 * 65))


def make_ssn(r: random.Random) -> Made:
    while True:
        v = f"{r.randint(1, 899):03d}{r.randint(1, 99):02d}{r.randint(1, 9999):04d}"
        if ssn_ok(v):
            g = [v[:3], v[3:5], v[5:]]
            return r.choice(("-", "-", " ")).join(g), g


def make_nino(r: random.Random) -> Made:
    while True:
        p = r.choice(string.ascii_uppercase) + r.choice(string.ascii_uppercase)
        v = p + _digits(r, 6) + r.choice("ABCD")
        if nino_ok(v):
            g = [v[:2], v[2:4], v[4:6], v[6:8], v[8]]
            return (" ".join(g) if r.random() < 0.6 else v), g


def make_nhs(r: random.Random) -> Made:
    while True:  # England's ranges: 400 000 000-499 999 999, 600 000 000-799 999 999
        body = r.choice("467") + _digits(r, 8)
        c = nhs_check(body)
        if c != 10:
            v = body + str(c)
            g = [v[:3], v[3:6], v[6:]]
            return (" ".join(g) if r.random() < 0.7 else v), g


def make_sin(r: random.Random) -> Made:
    body = str(r.choice("1234567")) + _digits(r, 7)
    v = body + luhn_digit(body)
    g = [v[:3], v[3:6], v[6:]]
    return r.choice((" ", "-", "")).join(g), g


def make_de_tax(r: random.Random) -> Made:
    while True:
        digits = r.sample("0123456789", 9)
        if digits[0] == "0":
            continue
        dup = r.choice(digits)
        body = digits[:]
        body.insert(r.randrange(1, 10), dup)
        b = "".join(body)
        if b[0] == "0":
            continue
        v = b + iso7064_11_10(b)
        if de_tax_ok(v):
            g = [v[:2], v[2:5], v[5:8], v[8:]]
            return (" ".join(g) if r.random() < 0.4 else v), g


def make_nir(r: random.Random, born: date | None = None) -> Made:
    born = born or _birth(r)
    dept = f"{r.randint(1, 95):02d}"
    body = (f"{r.choice('12')}{born.year % 100:02d}{born.month:02d}{dept}"
            f"{r.randint(1, 990):03d}{r.randint(1, 999):03d}")
    v = body + f"{97 - int(body) % 97:02d}"
    g = [v[0], v[1:3], v[3:5], v[5:7], v[7:10], v[10:13], v[13:]]
    return (" ".join(g) if r.random() < 0.5 else v), g


def make_dni(r: random.Random) -> Made:
    n = _digits(r, 8)
    v = n + DNI_LETTERS[int(n) % 23]
    return (v if r.random() < 0.8 else f"{n}-{v[8]}"), [n, v[8]]


def make_nie(r: random.Random) -> Made:
    p = r.choice("XYZ")
    n = _digits(r, 7)
    v = p + n + DNI_LETTERS[int(str("XYZ".index(p)) + n) % 23]
    return (v if r.random() < 0.8 else f"{p}-{n}-{v[8]}"), [p, n, v[8]]


_CF_MONTHS = "ABCDEHLMPRST"


def make_cf(r: random.Random) -> Made:
    cons = "BCDFGHJKLMNPQRSTVZ"
    born = _birth(r)
    day = born.day + (40 if r.random() < 0.5 else 0)
    body = ("".join(r.choice(cons) for _ in range(6)) + f"{born.year % 100:02d}"
            + _CF_MONTHS[born.month - 1] + f"{day:02d}" + r.choice("ABCDEFGHILM")
            + f"{r.randint(1, 999):03d}")
    v = body + cf_check(body)
    return v, [v[:3], v[3:6], v[6:11], v[11:]]


def make_bsn(r: random.Random) -> Made:
    while True:
        v = str(r.randint(1, 9)) + _digits(r, 8)
        if bsn_ok(v):
            g = [v[:4], v[4:6], v[6:]]
            return (v if r.random() < 0.7 else ".".join(g)), g


def make_personnummer(r: random.Random) -> Made:
    born = _birth(r)
    body = f"{born.year % 100:02d}{born.month:02d}{born.day:02d}{_digits(r, 3)}"
    v = body + luhn_digit(body)
    if r.random() < 0.3:
        return f"{born.year}{v[2:6]}-{v[6:]}", [f"{born.year}{v[2:6]}", v[6:]]
    return f"{v[:6]}-{v[6:]}", [v[:6], v[6:]]


CPR_W = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def make_cpr(r: random.Random) -> Made:
    """A CPR number of someone born 1940-2005: 7th digit fits the century, and mod 11 holds
    (numbers issued before 2007 all pass it)."""
    born = _birth(r)
    yy = born.year % 100
    sevenths = [s for s in range(10) if cpr_century(yy, s) + yy == born.year]
    while True:
        v = (f"{born.day:02d}{born.month:02d}{yy:02d}{r.choice(sevenths)}{_digits(r, 3)}")
        if sum(int(c) * w for c, w in zip(v, CPR_W, strict=True)) % 11 == 0:
            break
    return (f"{v[:6]}-{v[6:]}" if r.random() < 0.8 else v), [v[:6], v[6:]]


def make_pesel(r: random.Random) -> Made:
    born = _birth(r)
    m = born.month + (20 if born.year >= 2000 else 0)
    body = f"{born.year % 100:02d}{m:02d}{born.day:02d}{_digits(r, 4)}"
    v = body + str((10 - sum(int(c) * w for c, w in zip(body, PESEL_W, strict=False)) % 10) % 10)
    return v, [v[:6], v[6:]]


def make_aadhaar(r: random.Random) -> Made:
    while True:
        body = str(r.randint(2, 9)) + _digits(r, 10)
        for c in "0123456789":
            if verhoeff_ok(body + c):
                v = body + c
                g = [v[:4], v[4:8], v[8:]]
                return (" ".join(g) if r.random() < 0.7 else v), g


def make_card(r: random.Random) -> Made:
    prefix, n = r.choice((("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("37", 15),
                          ("6011", 16), ("35", 16), ("4", 16)))
    body = prefix + _digits(r, n - len(prefix) - 1)
    v = body + luhn_digit(body)
    g = [v[:4], v[4:10], v[10:]] if n == 15 else [v[i:i + 4] for i in range(0, n, 4)]
    return r.choice((" ", "-", "", " ")).join(g), g


IBAN_BBAN = {  # own BBANs for countries where Faker's iban() gives another country's
    "SE": "n20", "HU": "n24", "LT": "n16", "LV": "a4n13", "SI": "n15", "HR": "n17",
    "IE": "a4n14", "EE": "n16", "RO": "a4n16", "CZ": "n20", "SK": "n20", "GB": "a4n14",
    "GR": "n23", "BE": "n12", "NO": "n11", "DK": "n14", "FI": "n14", "PT": "n21",
}


def make_iban(r: random.Random, country: str = "DE") -> Made:
    spec = IBAN_BBAN.get(country, "n" + str(IBAN_LENGTHS[country] - 4))
    bban = ""
    for kind, count in re.findall(r"([an])(\d+)", spec):
        alphabet = string.ascii_uppercase if kind == "a" else string.digits
        bban += "".join(r.choice(alphabet) for _ in range(int(count)))
    v = with_bban(country, bban)
    assert iban_ok(v), v
    return v, [v[i:i + 4] for i in range(0, len(v), 4)]


def _es_dc(digits: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
    d = 11 - sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    return str({11: 0, 10: 1}.get(d, d))


_FR_LETTERS = {c: str(i % 9 + 1) for i, c in enumerate(string.ascii_uppercase)}
_FR_LETTERS.update({"S": "2", "T": "3", "U": "4", "V": "5", "W": "6", "X": "7", "Y": "8",
                    "Z": "9"})


def national_bban(cc: str, bban: str) -> str:
    """The BBAN with its national check digits made right (real IBANs always have them);
    countries not listed are returned as they are."""
    if cc == "BE":
        c = int(bban[:10]) % 97 or 97
        return f"{bban[:10]}{c:02d}"
    if cc == "ES":
        return bban[:8] + _es_dc("00" + bban[:8]) + _es_dc(bban[10:20]) + bban[10:]
    if cc == "FR":
        n = "".join(_FR_LETTERS.get(ch, ch) for ch in bban[:21])
        key = 97 - (89 * int(n[:5]) + 15 * int(n[5:10]) + 3 * int(n[10:21])) % 97
        return f"{bban[:21]}{key:02d}"
    if cc in ("IT", "SM"):
        return cf_check(bban[1:]) + bban[1:]
    if cc == "NO":
        for _ in range(20):
            weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
            r = sum(int(c) * w for c, w in zip(bban[:10], weights, strict=True)) % 11
            if r != 1:
                return bban[:10] + str((11 - r) % 11)
            bban = bban[:9] + str((int(bban[9]) + 1) % 10) + bban[10:]
    if cc == "PT":
        return f"{bban[:19]}{98 - int(bban[:19] + '00') % 97:02d}"
    if cc == "FI":
        return bban[:13] + luhn_digit(bban[:13])
    if cc == "PL":
        w = sum(int(c) * k for c, k in zip(bban[:7], (3, 9, 7, 1, 3, 9, 7), strict=False))
        return bban[:7] + str((10 - w % 10) % 10) + bban[8:]
    return bban


def iban_national_ok(iban: str) -> bool:
    v = iban.replace(" ", "").upper()
    return national_bban(v[:2], v[4:]) == v[4:]


def with_bban(cc: str, bban: str) -> str:
    bban = national_bban(cc, bban)
    return f"{cc}{98 - _mod97(bban + cc + '00'):02d}{bban}"


def iban_groups(v: str) -> list[str]:
    c = v.replace(" ", "")
    return [c[i:i + 4] for i in range(0, len(c), 4)]


_B32 = string.ascii_uppercase + "234567"
_ALNUM = string.ascii_letters + string.digits


def make_api_key(r: random.Random) -> Made:
    def s(alphabet: str, n: int) -> str:
        return "".join(r.choice(alphabet) for _ in range(n))

    kind = r.randrange(9)
    v = [lambda: "AKIA" + s(_B32, 16),
         lambda: "ghp_" + s(_ALNUM, 36),
         lambda: "github_pat_" + s(_ALNUM, 22) + "_" + s(_ALNUM, 59),
         lambda: "sk-proj-" + s(_ALNUM + "-_", 64),
         lambda: "sk-ant-api03-" + s(_ALNUM + "-_", 86) + "AA",
         lambda: "xoxb-" + _digits(r, 12) + "-" + _digits(r, 13) + "-" + s(_ALNUM, 24),
         lambda: "AIza" + s(_ALNUM + "-_", 35),
         lambda: "sk_live_" + s(_ALNUM, 24),
         lambda: "glpat-" + s(_ALNUM + "-_", 20)][kind]()
    return v, [v]  # one group: a key is split only where an obfuscation splits it


MAKERS = {
    "CREDIT_CARD": make_card, "SSN": make_ssn, "UK_NINO": make_nino, "UK_NHS": make_nhs,
    "CA_SIN": make_sin, "DE_TAX_ID": make_de_tax, "FR_NIR": make_nir, "ES_DNI": make_dni,
    "ES_NIE": make_nie, "IT_FISCAL_CODE": make_cf, "NL_BSN": make_bsn,
    "SE_PERSONNUMMER": make_personnummer, "DK_CPR": make_cpr, "PL_PESEL": make_pesel,
    "IN_AADHAAR": make_aadhaar, "API_KEY": make_api_key,
}


def make_passport(r: random.Random, locale: str) -> str:
    """Passport numbers in the issuing country's layout (where known; else 2 letters, 7 digits)."""
    cc = locale[-2:]

    def letters(n: int) -> str:
        return "".join(r.choice(string.ascii_uppercase) for _ in range(n))

    if cc in ("US", "GB"):
        return _digits(r, 9)
    if cc == "CA":
        return letters(2) + _digits(r, 6)
    if cc in ("AU", "IN", "NZ", "AT", "CH"):
        return letters(1) + _digits(r, 7)
    if cc == "DE":
        return "C" + "".join(r.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8))
    if cc == "FR":
        return _digits(r, 2) + letters(2) + _digits(r, 5)
    if cc == "ES":
        return letters(3) + _digits(r, 6)
    return letters(2) + _digits(r, 7)


def make_driver_license(r: random.Random, locale: str, surname: str = "SMITH") -> str:
    cc = locale[-2:]
    if cc == "GB":  # DVLA: surname(5) + decade + month(+5) + day + year + initials + 9 + 2
        sur = "".join(c for c in surname.upper() if c.isalpha())[:5].ljust(5, "9")
        born = _birth(r)
        month = born.month + (50 if r.random() < 0.5 else 0)
        return (f"{sur}{str(born.year)[2]}{month:02d}{born.day:02d}{str(born.year)[3]}"
                f"{r.choice(string.ascii_uppercase)}{r.choice(string.ascii_uppercase)}9"
                f"{r.choice(string.ascii_uppercase)}{r.choice(string.ascii_uppercase)}")
    if cc == "US":
        return r.choice((lambda: r.choice(string.ascii_uppercase) + _digits(r, 7),
                         lambda: _digits(r, 9),
                         lambda: r.choice(string.ascii_uppercase) + _digits(r, 12),
                         lambda: r.choice(string.ascii_uppercase) + _digits(r, 3) + "-"
                         + _digits(r, 3) + "-" + _digits(r, 3) + "-" + _digits(r, 3)))()
    if cc in ("DE", "AT", "CH"):
        return (r.choice(string.ascii_uppercase) + _digits(r, 3) + "".join(
            r.choice(string.ascii_uppercase + string.digits) for _ in range(6)) + _digits(r, 1))
    if cc in ("CA", "AU", "IN"):
        return r.choice(string.ascii_uppercase) + _digits(r, 4) + "-" + _digits(r, 5) + "-" \
            + _digits(r, 5)
    return _digits(r, 8) if r.random() < 0.5 else (r.choice(string.ascii_uppercase)
                                                   + _digits(r, 8))


def make_mrn(r: random.Random) -> str:
    return r.choice((lambda: _digits(r, 8), lambda: _digits(r, 7),
                     lambda: "MR" + _digits(r, 7), lambda: f"{_digits(r, 3)}-{_digits(r, 4)}",
                     lambda: "H" + _digits(r, 9), lambda: f"{_digits(r, 2)}-{_digits(r, 6)}"))()


# ----------------------------------------------------------------------------- evasions

SEPARATORS = {
    "sep_dot": ".", "sep_nbsp": "\u00a0", "sep_thin_space": "\u2009",
    "sep_narrow_nbsp": "\u202f", "sep_figure_space": "\u2007", "sep_en_dash": "\u2013",
    "sep_em_dash": "\u2014", "sep_unicode_hyphen": "\u2010", "sep_minus_sign": "\u2212",
    "sep_slash": "/",
}
ZERO_WIDTH = {"zw_200b": "\u200b", "zw_200c": "\u200c", "zw_200d": "\u200d",
              "zw_2060": "\u2060", "zw_feff": "\ufeff"}
DIGIT_BASES = {"digits_fullwidth": 0xFF10, "digits_arabic_indic": 0x0660,
               "digits_devanagari": 0x0966, "digits_math_bold": 0x1D7CE}
ENCODINGS = ("base64", "hex", "url_encoded", "json_u_escaped_digits")
EVASIONS = (*SEPARATORS, *ZERO_WIDTH, *DIGIT_BASES, "iban_lowercase", "iban_dashes",
            "two_lines", *ENCODINGS)
EVADED_TYPES = ("CREDIT_CARD", "SSN", "IBAN", "API_KEY", "UK_NINO", "UK_NHS", "CA_SIN",
                "DE_TAX_ID", "FR_NIR", "ES_DNI", "ES_NIE", "IT_FISCAL_CODE", "NL_BSN",
                "SE_PERSONNUMMER", "DK_CPR", "PL_PESEL", "IN_AADHAAR")


def applies(kind: str, type_: str) -> bool:
    if kind.startswith("iban_"):
        return type_ == "IBAN"
    if kind in SEPARATORS:
        return type_ != "API_KEY"
    return True


def evade(kind: str, value: str, groups: list[str], r: random.Random) -> str:
    compact = "".join(groups)
    if kind in SEPARATORS:
        return SEPARATORS[kind].join(groups)
    if kind in ZERO_WIDTH:
        chars = list(compact)
        for pos in sorted(r.sample(range(1, len(chars)), min(4, len(chars) - 1)), reverse=True):
            chars.insert(pos, ZERO_WIDTH[kind])
        return "".join(chars)
    if kind in DIGIT_BASES:
        base = DIGIT_BASES[kind]
        return "".join(chr(base + int(c)) if c in string.digits else c for c in value)
    if kind == "iban_lowercase":
        return value.lower()
    if kind == "iban_dashes":
        return "-".join(groups)
    if kind == "two_lines":
        cut = len(groups) // 2 if len(groups) > 1 else 1
        if len(groups) > 1:
            return " ".join(groups[:cut]) + "\n" + " ".join(groups[cut:])
        return compact[: len(compact) // 2] + "\n" + compact[len(compact) // 2:]
    raw = value if r.random() < 0.5 else compact
    if kind == "base64":
        return base64.b64encode(raw.encode()).decode()
    if kind == "hex":
        return raw.encode().hex()
    if kind == "url_encoded":
        return "".join(f"%{b:02X}" for b in raw.encode())
    if kind == "json_u_escaped_digits":
        return "".join(f"\\u{ord(c):04x}" if c in string.digits else c for c in raw)
    raise ValueError(kind)
