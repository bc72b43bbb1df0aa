"""National identifiers: generated valid values in each written form are found with their
exact span, a wrong check digit is not, and ordinary numbers in prose are left alone.

The generators compute check digits with their own code (written from the published
specifications), so they cross-check the validators in the module.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import date, timedelta

import pytest

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
    NATIONAL_ID_TYPES,
    NL_BSN,
    PASSPORT,
    PL_PESEL,
    SE_PERSONNUMMER,
    UK_NHS,
    UK_NINO,
)
from homeport.privacy.national_ids import find_national_ids
from homeport.types import Finding

N = 25  # generated values per form


def scan(text: str) -> list[Finding]:
    out: list[Finding] = []
    find_national_ids(text, text.lower(), out)
    return out


def spans(text: str, kind: str) -> list[str]:
    return [text[f.start : f.end] for f in scan(text) if f.type == kind]


# -- generators ---------------------------------------------------------------------------------


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str(-total % 10)


def rand_digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def rand_date(rng: random.Random, first: int = 1930, last: int = 2005) -> date:
    start = date(first, 1, 1)
    return start + timedelta(days=rng.randrange((date(last, 12, 31) - start).days))


def gen_nino(rng: random.Random) -> tuple[str, str, str]:
    while True:
        prefix = rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            return prefix, rand_digits(rng, 6), rng.choice("ABCD")


def gen_nhs(rng: random.Random, first: str = "4679") -> str:
    while True:
        body = rng.choice(first) + rand_digits(rng, 8)
        check = 11 - sum(int(c) * w for c, w in zip(body, range(10, 1, -1), strict=True)) % 11
        if check != 10:
            return body + str(check % 11)


def gen_sin(rng: random.Random) -> str:
    body = rng.choice("1234567") + rand_digits(rng, 7)
    return body + luhn_digit(body)


def gen_steuer_id(rng: random.Random) -> str:
    while True:
        digits = rng.sample(string.digits, 9)
        digits.insert(rng.randrange(10), rng.choice(digits))  # one digit twice
        body = "".join(digits)
        if body[0] == "0":
            continue
        product = 10
        for c in body:
            s = (int(c) + product) % 10
            product = ((s if s else 10) * 2) % 11
        return body + str((11 - product) % 10)


def nir_key(first13: str) -> str:
    n = int(first13.replace("2A", "19").replace("2B", "18"))
    return f"{97 - n % 97:02d}"


def gen_nir(rng: random.Random, dept: str | None = None) -> str:
    d = rand_date(rng)
    dept = dept or f"{rng.choice([x for x in range(1, 96) if x != 20]):02d}"
    body = (rng.choice("12") + f"{d.year % 100:02d}{d.month:02d}" + dept
            + f"{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}")
    return body + nir_key(body)


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def gen_dni(rng: random.Random) -> str:
    number = rng.randrange(10**7, 10**8)
    return f"{number:08d}{DNI_LETTERS[number % 23]}"


def gen_nie(rng: random.Random) -> str:
    first, number = rng.randrange(3), rng.randrange(10**7)
    return "XYZ"[first] + f"{number:07d}" + DNI_LETTERS[(first * 10**7 + number) % 23]


CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
          24, 23]  # A..Z; the digits 0..9 take the values of A..J


def cf_check(first15: str) -> str:
    total = 0
    for i, c in enumerate(first15):
        v = int(c) if c.isdigit() else ord(c) - 65
        if i % 2 == 0:  # odd positions, counting from 1
            total += CF_ODD[v]
        else:
            total += v
    return chr(65 + total % 26)


def gen_cf(rng: random.Random, omocodia: int = 0) -> str:
    d = rand_date(rng)
    day = d.day + rng.choice((0, 40))
    body = ("".join(rng.choice(string.ascii_uppercase) for _ in range(6)) + f"{d.year % 100:02d}"
            + "ABCDEHLMPRST"[d.month - 1] + f"{day:02d}" + rng.choice(string.ascii_uppercase)
            + rand_digits(rng, 3))
    chars = list(body)
    for pos in (14, 13, 12, 10, 9, 7, 6)[:omocodia]:  # replaced from the right
        chars[pos] = "LMNPQRSTUV"[int(chars[pos])]
    body = "".join(chars)
    return body + cf_check(body)


def gen_bsn(rng: random.Random) -> str:
    while True:
        body = rng.choice("123456789") + rand_digits(rng, 7)
        total = sum(int(c) * w for c, w in zip(body, range(9, 1, -1), strict=True))
        if total % 11 < 10:
            return body + str(total % 11)


def gen_personnummer(rng: random.Random, coordination: bool = False) -> tuple[date, str]:
    d = rand_date(rng)
    body = f"{d.year % 100:02d}{d.month:02d}{d.day + (60 if coordination else 0):02d}"
    body += rand_digits(rng, 3)
    return d, body + luhn_digit(body)


def gen_cpr(rng: random.Random) -> str:
    d = rand_date(rng)
    return f"{d.day:02d}{d.month:02d}{d.year % 100:02d}-{rand_digits(rng, 4)}"


def gen_pesel(rng: random.Random, first: int = 1930, last: int = 2020) -> str:
    d = rand_date(rng, first, last)
    month = d.month + {18: 80, 19: 0, 20: 20}[d.year // 100]
    body = f"{d.year % 100:02d}{month:02d}{d.day:02d}" + rand_digits(rng, 4)
    total = sum(int(c) * w for c, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True))
    return body + str((10 - total % 10) % 10)


VERHOEFF_D = ["0123456789", "1234067895", "2340178956", "3401289567", "4012395678",
              "5987604321", "6598710432", "7659821043", "8765932104", "9876543210"]
VERHOEFF_P = ["0123456789", "1576283094", "5803796142", "8916043527", "9453126870",
              "4286573901", "2793806415", "7046913258"]
VERHOEFF_INV = "0432156789"


def gen_aadhaar(rng: random.Random) -> str:
    body = rng.choice("23456789") + rand_digits(rng, 10)
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = int(VERHOEFF_D[c][int(VERHOEFF_P[(i + 1) % 8][int(ch)])])
    return body + VERHOEFF_INV[c]


def sp(value: str, *sizes: int, sep: str = " ") -> str:
    """Group a compact value: sp("9434765919", 3, 3, 4) -> "943 476 5919"."""
    parts, i = [], 0
    for n in sizes:
        parts.append(value[i : i + n])
        i += n
    return sep.join(parts)


def wrong_digit(value: str, pos: int = -1) -> str:
    pos %= len(value)
    return value[:pos] + str((int(value[pos]) + 1 + random.randrange(8)) % 10) + value[pos + 1 :]


# -- found: (type, template with context or none, value writer) -------------------------------

Form = tuple[str, str, Callable[[random.Random], str]]
FORMS: list[Form] = [
    (UK_NINO, "My NI number is {}.", lambda r: "".join(gen_nino(r))),
    (UK_NINO, "Ref {} attached", lambda r: "{0} {1[0]}{1[1]} {1[2]}{1[3]} {1[4]}{1[5]} {2}".format(
        *gen_nino(r))),
    (UK_NINO, "national insurance: {}", lambda r: "{} {} {}".format(*gen_nino(r))),
    (UK_NINO, "NINO {}", lambda r: "".join(gen_nino(r)[:2])),  # old numbers: no suffix
    (UK_NHS, "NHS number: {}", gen_nhs),
    (UK_NHS, "patient {} seen today", lambda r: sp(gen_nhs(r), 3, 3, 4)),
    (UK_NHS, "NHS no. {}", lambda r: sp(gen_nhs(r), 3, 3, 4, sep="-")),
    (CA_SIN, "S.I.N. {}", gen_sin),
    (CA_SIN, "Her SIN is {}.", gen_sin),
    (CA_SIN, "numéro d'assurance sociale {}", lambda r: sp(gen_sin(r), 3, 3, 3)),
    (CA_SIN, "It is {} I think", lambda r: sp(gen_sin(r), 3, 3, 3)),
    (CA_SIN, "value {}", lambda r: sp(gen_sin(r), 3, 3, 3, sep="-")),
    (DE_TAX_ID, "Steuer-ID: {}", gen_steuer_id),
    (DE_TAX_ID, "Meine Nummer {} bitte", lambda r: sp(gen_steuer_id(r), 2, 3, 3, 3)),
    (DE_TAX_ID, "the number {} was given", gen_steuer_id),
    (FR_NIR, "numéro de sécurité sociale {}", gen_nir),
    (FR_NIR, "son numéro : {}.", lambda r: sp(gen_nir(r), 1, 2, 2, 2, 3, 3, 2)),
    (FR_NIR, "NIR {}", lambda r: sp(gen_nir(r), 13, 2)),
    (FR_NIR, "né en Corse, {}",
     lambda r: sp(gen_nir(r, r.choice(("2A", "2B"))), 1, 2, 2, 2, 3, 3, 2)),
    (FR_NIR, "INSEE {}", lambda r: gen_nir(r, r.choice(("2A", "2B")))),
    (ES_DNI, "DNI {}", gen_dni),
    (ES_DNI, "con documento {}.", lambda r: (lambda v: v[:8] + "-" + v[8])(gen_dni(r))),
    (ES_DNI, "NIF: {}", lambda r: (lambda v: f"{v[:2]}.{v[2:5]}.{v[5:8]}-{v[8]}")(gen_dni(r))),
    (ES_NIE, "NIE {}", gen_nie),
    (ES_NIE, "mi número es {}", lambda r: (lambda v: f"{v[0]}-{v[1:8]}-{v[8]}")(gen_nie(r))),
    (IT_FISCAL_CODE, "codice fiscale: {}", gen_cf),
    (IT_FISCAL_CODE, "il CF {} è valido", lambda r: gen_cf(r, r.randint(1, 3))),
    (IT_FISCAL_CODE, "scritto {} in minuscolo", lambda r: gen_cf(r).lower()),
    (NL_BSN, "BSN: {}", gen_bsn),
    (NL_BSN, "burgerservicenummer {}", lambda r: sp(gen_bsn(r), 3, 3, 3)),
    (NL_BSN, "nummer {} graag", lambda r: sp(gen_bsn(r), 4, 2, 3, sep=".")),
    (SE_PERSONNUMMER, "personnummer {}", lambda r: sp(gen_personnummer(r)[1], 6, 4, sep="-")),
    (SE_PERSONNUMMER, "född {}", lambda r: sp(gen_personnummer(r)[1], 6, 4, sep="+")),
    (SE_PERSONNUMMER, "nummer {}", lambda r: (lambda p: f"{p[0].year // 100}{p[1][:6]}-{p[1][6:]}")(
        gen_personnummer(r))),
    (SE_PERSONNUMMER, "personnr {} ok", lambda r: gen_personnummer(r)[1]),  # compact: context
    (SE_PERSONNUMMER, "samordningsnummer {}", lambda r: sp(gen_personnummer(r, True)[1], 6, 4,
                                                            sep="-")),
    (DK_CPR, "CPR-nr. {}", gen_cpr),
    (DK_CPR, "CPR nummer {}", lambda r: gen_cpr(r).replace("-", "")),
    (PL_PESEL, "PESEL: {}", gen_pesel),
    (PL_PESEL, "numer {} w systemie", gen_pesel),
    (PL_PESEL, "PESEL {}", lambda r: gen_pesel(r, 1850, 1899)),
    (IN_AADHAAR, "Aadhaar {}", gen_aadhaar),
    (IN_AADHAAR, "my number is {}.", lambda r: sp(gen_aadhaar(r), 4, 4, 4)),
    (IN_AADHAAR, "UID {}", lambda r: sp(gen_aadhaar(r), 4, 4, 4, sep="-")),
]

DOCS = [
    (PASSPORT, "Passport number: {}", "123456789"),
    (PASSPORT, "passport no. {} expires soon", "K1234567"),
    (PASSPORT, "Passport # {}", "X12345678"),
    (PASSPORT, "Reisepass-Nr. {}", "C01X00T47"),
    (PASSPORT, "Pass-Nr.: {}", "C4J2N7R91"),
    (PASSPORT, "numéro de passeport : {}", "09AB12345"),
    (PASSPORT, "número de pasaporte {}", "PAA123456"),
    (PASSPORT, "numero passaporto {}", "YA1234567"),
    (PASSPORT, "paspoortnummer {}", "NW12AB345"),
    (PASSPORT, "numer paszportu {}", "EA1234567"),
    (PASSPORT, "his passport is {}", "533401372"),
    (DRIVER_LICENSE, "Driving licence number {}", "D12345678"),
    (DRIVER_LICENSE, "driver's license: {}", "A123-4567-8901"),
    (DRIVER_LICENSE, "Driver License # {}", "S530-4604-0016"),
    (DRIVER_LICENSE, "DL: {}", "F255921"),
    (DRIVER_LICENSE, "Führerscheinnummer {}", "B072RRE2I55"),
    (DRIVER_LICENSE, "numéro de permis de conduire {}", "12AB34567"),
    (DRIVER_LICENSE, "carnet de conducir {}", "X1234567Z9"),
    (DRIVER_LICENSE, "patente di guida {}", "U1A23B456X"),
    (DRIVER_LICENSE, "rijbewijs {}", "5123456789"),
    (DRIVER_LICENSE, "numer prawa jazdy {}", "0123412AB34"),
    (DRIVER_LICENSE, "körkort {}", "19811218987"),
    (DRIVER_LICENSE, "kørekort nr. {}", "12345678"),
    (DRIVER_LICENSE, "licence number: {}", "W1234567"),
]


@pytest.mark.parametrize(("kind", "template", "make"), FORMS,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(FORMS)])
def test_generated_values_found(kind: str, template: str, make: Callable[[random.Random], str]
                                ) -> None:
    rng = random.Random(f"{kind}{template}")
    for _ in range(N):
        value = make(rng)
        text = template.format(value)
        start = text.index(value)
        found = scan(text)
        assert [(f.type, f.start, f.end) for f in found] == [(kind, start, start + len(value))], (
            text, found)
        assert found[0].score >= 0.8


@pytest.mark.parametrize(("kind", "template", "value"), DOCS)
def test_documents_after_context_words(kind: str, template: str, value: str) -> None:
    text = template.format(value)
    assert spans(text, kind) == [value]
    assert spans(value, kind) == []  # no context word, no finding


def test_known_examples() -> None:
    """Example numbers published with the specifications."""
    assert spans("NHS 943 476 5919", UK_NHS) == ["943 476 5919"]
    assert spans("SIN 046 454 286", CA_SIN) == ["046 454 286"]
    assert spans("BSN 111222333", NL_BSN) == ["111222333"]
    assert spans("PESEL 44051401359", PL_PESEL) == ["44051401359"]
    assert spans("personnummer 811218-9876", SE_PERSONNUMMER) == ["811218-9876"]
    assert spans("CF RSSMRA85T10A562S", IT_FISCAL_CODE) == ["RSSMRA85T10A562S"]
    assert spans("CF MRTMTT25D09F205Z", IT_FISCAL_CODE) == ["MRTMTT25D09F205Z"]
    assert spans("NIR 1 84 12 76 451 089 46", FR_NIR) == ["1 84 12 76 451 089 46"]
    assert spans("DNI 12345678Z", ES_DNI) == ["12345678Z"]
    assert spans("Steuer-ID 86095742719", DE_TAX_ID) == ["86095742719"]
    assert spans("Aadhaar 2363", IN_AADHAAR) == []  # Verhoeff-valid but too short
    assert spans("MORGA753116SM9IJ", DRIVER_LICENSE) == ["MORGA753116SM9IJ"]


def test_scores() -> None:
    nhs = gen_nhs(random.Random(1))
    assert scan(f"NHS number {nhs}")[0].score == 0.97  # checksum + context
    assert scan(f"seen {sp(nhs, 3, 3, 4)}")[0].score == 0.8  # grouping shared with phones
    assert scan("RSSMRA85T10A562S")[0].score == 0.9  # strong structure alone
    assert scan(f"id {sp(gen_aadhaar(random.Random(2)), 4, 4, 4)}")[0].score == 0.97
    assert scan(f"id {gen_aadhaar(random.Random(2))}") == []  # bare: 1 in 10 numbers pass
    assert scan("passport no. K1234567")[0].score == 0.85  # context only


# -- a wrong check digit is not found -------------------------------------------------------

BROKEN: list[tuple[str, str, Callable[[random.Random], str]]] = [
    (UK_NHS, "NHS number {}", lambda r: sp(wrong_digit(gen_nhs(r)), 3, 3, 4)),
    (CA_SIN, "SIN {}", lambda r: sp(wrong_digit(gen_sin(r)), 3, 3, 3)),
    (DE_TAX_ID, "Steuer-ID {}", lambda r: wrong_digit(gen_steuer_id(r))),
    (FR_NIR, "NIR {}", lambda r: sp(wrong_digit(gen_nir(r)), 1, 2, 2, 2, 3, 3, 2)),
    (ES_DNI, "DNI {}", lambda r: (lambda v: v[:8] + chr(65 + (ord(v[8]) - 64) % 26))(gen_dni(r))),
    (ES_NIE, "NIE {}", lambda r: (lambda v: v[:8] + chr(65 + (ord(v[8]) - 64) % 26))(gen_nie(r))),
    (IT_FISCAL_CODE, "codice fiscale {}",
     lambda r: (lambda v: v[:15] + chr(65 + (ord(v[15]) - 64) % 26))(gen_cf(r))),
    (NL_BSN, "BSN {}", lambda r: wrong_digit(gen_bsn(r))),
    (SE_PERSONNUMMER, "personnummer {}",
     lambda r: sp(wrong_digit(gen_personnummer(r)[1]), 6, 4, sep="-")),
    (PL_PESEL, "PESEL {}", lambda r: wrong_digit(gen_pesel(r))),
    (IN_AADHAAR, "Aadhaar {}", lambda r: sp(wrong_digit(gen_aadhaar(r), r.randrange(12)), 4, 4, 4)),
    (UK_NINO, "NINO {}", lambda r: r.choice(("BG", "GB", "NK", "ZZ", "DA", "AO", "QQ"))
     + rand_digits(r, 6) + "A"),
    (UK_NINO, "NINO {}", lambda r: "".join(gen_nino(r))[:8] + "E"),
    (UK_NINO, "see {}", lambda r: "".join(gen_nino(r)[:2])),  # no suffix, no context
    (DK_CPR, "CPR {}", lambda r: f"3{r.randint(2, 9)}{r.randint(1, 12):02d}80-1234"),
]


@pytest.mark.parametrize(("kind", "template", "make"), BROKEN,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BROKEN)])
def test_wrong_check_not_found(kind: str, template: str, make: Callable[[random.Random], str]
                               ) -> None:
    rng = random.Random(kind)
    for _ in range(N):
        text = template.format(make(rng))
        assert spans(text, kind) == [], text


def test_pesel_invalid_date() -> None:
    body = "8513" + "32" + "1234"  # 32 December
    total = sum(int(c) * w for c, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True))
    assert spans(f"PESEL {body}{(10 - total % 10) % 10}", PL_PESEL) == []


# -- context rules --------------------------------------------------------------------------


def test_bare_digit_runs_need_grouping_or_context() -> None:
    rng = random.Random(7)
    for _ in range(N):
        for value in (gen_nhs(rng), gen_sin(rng), gen_bsn(rng), gen_cpr(rng).replace("-", "")):
            text = f"Reference code {value} in the system"
            assert [f.type for f in scan(text)
                    if f.type in (UK_NHS, CA_SIN, NL_BSN, DK_CPR)] == [], text


def test_context_too_far_away_is_ignored() -> None:
    value = gen_bsn(random.Random(3))
    assert spans(f"BSN {value}", NL_BSN) == [value]
    assert spans("BSN" + " filler words here," * 4 + f" {value}", NL_BSN) == []


def test_context_picks_between_types_of_the_same_length() -> None:
    rng = random.Random(11)
    for _ in range(N):
        # a Luhn- and 11-proof-valid nine digits: the word before decides
        while True:
            v = gen_bsn(rng)
            if luhn_digit(v[:8]) == v[8]:
                break
        assert [f.type for f in scan(f"BSN {v}")] == [NL_BSN]
        assert [f.type for f in scan(f"SIN {v}")] == [CA_SIN]
        assert [f.type for f in scan(f"code {sp(v, 3, 3, 3)}")] == [CA_SIN]
    # a dashed DDMMYY-XXXX is Danish after "CPR" even where it also reads as Swedish
    _, pnr = gen_personnummer(rng)
    dk = f"{pnr[4:6]}{pnr[2:4]}{pnr[:2]}"  # the same date, written day first
    for tail in ("1234", "5678", "9012"):
        assert [f.type for f in scan(f"CPR {dk}-{tail}")] == [DK_CPR]


def test_negative_context_words_suppress_grouped_numbers() -> None:
    rng = random.Random(5)
    sin = sp(gen_sin(rng), 3, 3, 3)
    assert spans(f"code {sin}", CA_SIN) == [sin]
    assert spans(f"Order number {sin}", CA_SIN) == []
    assert spans(f"call me on {sin}", CA_SIN) == []
    assert spans(f"it costs {sin} €", CA_SIN) == []
    assert spans(f"it costs {sin} euros", CA_SIN) == []
    assert spans(f"passport no. {sin}", CA_SIN) == []  # a document number, found as such
    compact = sin.replace(" ", "")
    assert [f.type for f in scan(f"passport no. {compact}")] == [PASSPORT]


def test_nhs_grouping_that_phone_numbers_share_needs_context() -> None:
    rng = random.Random(6)
    for _ in range(N):
        nhs = gen_nhs(rng)
        dashed = sp(nhs, 3, 3, 4, sep="-")  # the usual US phone format
        assert spans(f"see {dashed}", UK_NHS) == []
        assert spans(f"NHS number {dashed}", UK_NHS) == [dashed]
    trunk = sp(gen_nhs(rng, "0"), 3, 3, 4)
    assert spans(f"see {trunk}", UK_NHS) == []  # a leading 0 is a phone's trunk prefix
    assert spans(f"NHS {trunk}", UK_NHS) == [trunk]


def test_numbers_inside_tokens_are_not_ids() -> None:
    nhs = gen_nhs(random.Random(9))
    for text in (f"ID{sp(nhs, 3, 3, 4)}", f"NHS number x-{nhs}", f"https://ex.com/{nhs}/a",
                 f"file_{nhs}.log", f"NHS {nhs}abc", f"v1.{nhs}"):
        assert spans(text, UK_NHS) == [], text


def test_part_of_a_longer_run_needs_context() -> None:
    sin = sp(gen_sin(random.Random(4)), 3, 3, 3)
    assert spans(f"codes 12 {sin}", CA_SIN) == []
    assert spans(f"SIN: 12 {sin}", CA_SIN) == [sin]


def test_tables_of_numbers_are_not_ids() -> None:
    rng = random.Random(8)
    for width in (1, 3, 4):
        table = " ".join(rand_digits(rng, width) for _ in range(400))
        assert scan(table) == []


# -- typical negatives ----------------------------------------------------------------------

PROSE = """\
Release notes for version 3.11.4 (build 20230615.1) were published on 2023-06-15 at 14:30.
The upgrade costs $1,299.99 or EUR 1.049,00; the old plan was $12,345,678 per year.
Call us on +1 (415) 555-2671, 415-555-0143 or 020 7946 0958 (London), +49 30 901820.
Order #123456789 shipped on 15/06/2023; invoice INV-2023-000123, tracking 1Z999AA10123456784.
Request id 123e4567-e89b-12d3-a456-426614174000 took 1234567 ms; timestamp 1686839400.
Card 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00 are test values.
In 2022 we sold 1 234 567 units to 3,400 customers; 12.5% growth; ISBN 978-3-16-148410-0.
Version 10.0.19045.3086 of Windows; python 3.12.1; the range 2010-2020; IP 192.168.100.200.
Meeting at 09:00-17:30 on 12.06.2023; room 4B; flight LH 1234; account no. 12345678901.
The UPC 036000291452 and the ISSN 0317-8471 appear in the catalogue, page 1234 of 5678.
The 2024 budget is 12 345 678 901 yen; ratios 1.234.567; coordinates 48.8566, 2.3522.
"""


def test_ordinary_prose_has_no_ids() -> None:
    assert scan(PROSE) == []


def test_iso_dates_and_date_times_are_not_ids() -> None:
    for text in ("on 2023-06-15", "2023-06-15T10:00:00Z", "15-06-2023", "20230615",
                 "2023/06/15 12:00", "15.06.2023 - 16.06.2023", "1990-01-01 to 2000-01-01"):
        assert scan(text) == [], text


def test_random_words_near_keywords_are_not_documents() -> None:
    for text in ("I forgot my password 12345678", "Please pass 20 tests", "passed 123456789",
                 "MIT license v2.0", "handle 123456", "the license plate AB12CDE",
                 "passport expires on 2030-01-01", "compass 1234567", "pass the 123456 on",
                 "licence AB123456", "kort nr 12345678", "conducir 12345678"):
        assert [f for f in scan(text) if f.type in (PASSPORT, DRIVER_LICENSE)] == [], text


def test_all_types_covered() -> None:
    covered = {k for k, _, _ in FORMS} | {k for k, _, _ in DOCS}
    assert covered == set(NATIONAL_ID_TYPES)
