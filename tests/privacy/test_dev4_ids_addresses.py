"""National identifiers and street addresses as issue 12's dev set 4 found them written: after
another number, far from or generically named by their word, in keys and SQL columns; address
fields and phrases in many languages, post-office boxes, layouts of no known street type.
Values made with the check-digit generators of test_national_ids.py."""

from __future__ import annotations

import random

import pytest

from homeport.privacy.recognizers import PatternDetector
from tests.privacy.test_national_ids import gen_aadhaar, gen_bsn, gen_nhs, gen_sin

PD = PatternDetector()


def found(text: str, type_: str) -> list[str]:
    return [text[f.start : f.end] for f in PD.detect(text) if f.type == type_]


def sp(v: str, *sizes: int, sep: str = " ") -> str:
    out, i = [], 0
    for n in sizes:
        out.append(v[i : i + n])
        i += n
    return sep.join(out)


def test_an_identifier_right_after_a_date() -> None:
    sin = sp(gen_sin(random.Random(1)), 3, 3, 3)
    aadhaar = sp(gen_aadhaar(random.Random(2)), 4, 4, 4)
    assert found(f"Tim Burns, born 1939-08-05 {sin}, lives in Ohio.", "CA_SIN") == [sin]
    assert found(f"Naksh K, born 23/06/2013 {aadhaar}, lives in Pune.", "IN_AADHAAR") == [aadhaar]
    assert found("Angelino Feliu, born 16/04/1939 17260370C, lives here.", "ES_DNI") == [
        "17260370C"]


def test_a_word_names_only_the_number_next_to_it() -> None:
    text = "Pers.nr: 600210-2934\nMobil: 08-061 603 26"
    assert found(text, "SE_PERSONNUMMER") == ["600210-2934"]
    assert found(text, "DK_CPR") == []


def test_a_context_word_a_little_further_back() -> None:
    nhs = sp(gen_nhs(random.Random(3)), 3, 3, 4)
    text = f"Please note the NHS number exactly as printed on the card issued last year: {nhs}."
    assert found(text, "UK_NHS") == [nhs]


@pytest.mark.parametrize("template", [
    '{{"firstName": "Ann", "personalIdNumber": "{v}", "phone": "n/a"}}',
    "<applicant><nationalId>{v}</nationalId></applicant>",
    "ts=2024-01-01 action=update personal_no={v} ip=10.0.0.1",
    "- name: Ann Berg\n  id: \"{v}\"\n  born: 1980-01-01",
    "INSERT INTO customers (name, national_id) VALUES ('Ann Berg', '{v}');",
])
def test_generic_identity_keys(template: str) -> None:
    bsn = gen_bsn(random.Random(4))  # 11-proof; the word names no type: any that checks holds
    text = template.format(v=bsn)
    assert [text[f.start : f.end] for f in PD.detect(text) if f.type in ("NL_BSN", "CA_SIN",
                                                                          "SSN")] == [bsn]


def test_a_bare_id_key_outside_a_persons_record_is_no_identifier() -> None:
    bsn = gen_bsn(random.Random(5))
    assert PD.detect(f'{{"id": {bsn}, "sku": "A-1"}}') == []


def test_an_international_phone_number_is_no_identifier() -> None:
    text = '{"personalIdNumber": "n/a", "phoneNumber": "+45 7019 4702"}'
    assert [f.type for f in PD.detect(text)] == ["PHONE"]


@pytest.mark.parametrize(("text", "address"), [
    ("Adresse : 509 Parc Robert Bresson, 28069 Villenave-d'Ornon",
     "509 Parc Robert Bresson, 28069 Villenave-d'Ornon"),
    ('{"homeAddress": "Rua X, 12, 1000-001 Lisboa"}', "Rua X, 12, 1000-001 Lisboa"),
    ("<postal>Suite 444 197 Mora Piazza, South Taylor, ACT, 2963</postal>",
     "Suite 444 197 Mora Piazza, South Taylor, ACT, 2963"),
    ("Home address: Rua Cruzeiro 705\n8978 São João da Madeira\nEmail: a@b.pt",
     "Rua Cruzeiro 705\n8978 São João da Madeira"),
    ("Leietaker: Sophia Halvorsen, adresse Knudsenekra 17, 7157 Haug, kontonummer 1",
     "Knudsenekra 17, 7157 Haug"),
    ("residente em Travessa de S. Mamede, 73, 7195-962 Beja.",
     "Travessa de S. Mamede, 73, 7195-962 Beja"),
    ("currently at PO Box 23, Osborneburgh 9492, references: none",
     "PO Box 23, Osborneburgh 9492"),
    ("the pharmacy at chemin Ribeiro, 39503 Julien-sur-Mer.",
     "chemin Ribeiro, 39503 Julien-sur-Mer"),
    ("prebivalište Tošovac 0b/1, 80120 Benkovac, IBAN", "Tošovac 0b/1, 80120 Benkovac"),
    ("Parcel for X, 13 Korenbloemstraat, 1599 Virton - could not deliver",
     "13 Korenbloemstraat, 1599 Virton"),
    ("the pharmacy at Ady endre utca 110., H-1751 Ligetfalu", "Ady endre utca 110"),
    ("PID|1||7648204^^^HOSP^MR||Lukáč^Vieroslava||19300603|F|||Suché mýto 934^^Kriváň^^891 84",
     "Suché mýto 934^^Kriváň^^891 84"),
    ("gave PSC 0182, Box 8767, APO AA 34898 as home address", "PSC 0182, Box 8767, APO AA 34898"),
])
def test_addresses(text: str, address: str) -> None:
    assert address in found(text, "ADDRESS")


@pytest.mark.parametrize("text", [
    "IP address: 10.0.0.1",
    "e-mail address: anna@example.org",
    "Address: ________",
    "Please update my address to the one on file, ticket 12345.",
    "Chapter 4, 2019 Edition was reprinted.",
    "We sold 12 Apples, 2000 Bananas.",
])
def test_no_addresses(text: str) -> None:
    assert found(text, "ADDRESS") == []
