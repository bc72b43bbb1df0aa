"""Dates of birth, record and document numbers in the languages Homeport's users write in."""

from __future__ import annotations

import pytest

from homeport.privacy.recognizers import PatternDetector

detector = PatternDetector()

BIRTH = [
    ("Geburtsdatum: 07.11.1979, wohnhaft in Graz", "07.11.1979"),
    ("Sie wurde am 3. Oktober 1962 geboren; geboren am 3. Oktober 1962", "3. Oktober 1962"),
    ("Mme Roux, née le 14 février 1958 à Nantes", "14 février 1958"),
    ("Date de naissance : 1er août 2001", "1er août 2001"),
    ("Fecha de nacimiento: 22 de septiembre de 1975", "22 de septiembre de 1975"),
    ("La paziente, nata il 9 dicembre 1990, riferisce dolore", "9 dicembre 1990"),
    ("Geboortedatum 30-06-1988, BSN volgt", "30-06-1988"),
    ("Pacjent, data urodzenia 5 października 1949", "5 października 1949"),
    ("Födelsedatum 1983-02-17", "1983-02-17"),
    ("Fødselsdato: 17.05.1970", "17.05.1970"),
    ("Data de nascimento: 2 de março de 1966", "2 de março de 1966"),
    ("Doğum tarihi 11.09.1984", "11.09.1984"),
    ("geboortedatum: 3 juli 1935; bsn volgt", "3 juli 1935"),
    ("syntymäaika: 4. syyskuuta 1938, puhelin", "4. syyskuuta 1938"),
    ("Datum narození: 14. 10. 1938", "14. 10. 1938"),
    ("Doğum tarihi: 12 Mart 1980", "12 Mart 1980"),
]


@pytest.mark.parametrize(("text", "date"), BIRTH)
def test_date_of_birth(text: str, date: str) -> None:
    start = text.index(date)
    found = [(f.type, f.start, f.end) for f in detector.detect(text)]
    assert ("DATE_OF_BIRTH", start, start + len(date)) in found


@pytest.mark.parametrize("text", [
    "Die Sitzung am 3. Oktober 2024 fällt aus.",
    "Meine Geburtstagsfeier ist am 12.05.2024 im Garten.",
    "La réunion du 14 février 2025 est reportée.",
    "El informe del 22 de septiembre de 2023 está listo.",
    "Release 2.14 shipped on 1 August 2024.",
])
def test_other_dates_are_not_birth_dates(text: str) -> None:
    assert [f for f in detector.detect(text) if f.type == "DATE_OF_BIRTH"] == []


@pytest.mark.parametrize(("text", "value", "kind"), [
    ('{"identifier": [{"system": "mrn", "value": "74-705411"}]}', "74-705411", "MRN"),
    ("Fallnummer: 2023-004512 (Station 4B)", "2023-004512", "MRN"),
    ("N° de dossier : A1234567", "A1234567", "MRN"),
    ("Journalnummer 88123456", "88123456", "MRN"),
    ("Número de historia clínica: 4456789", "4456789", "MRN"),
    ("Numéro de passeport n° 18AB23456 délivré à Lyon", "18AB23456", "PASSPORT"),
    ("made with card ending in 676229731648, cardholder", "676229731648", "CREDIT_CARD"),
    ("patente di guida n. 38777030, carta", "38777030", "DRIVER_LICENSE"),
    ("uploaded ID shows 020342-9142 but", "020342-9142", "DK_CPR"),
    ("My codice fiscale is BGTGLN15C15I382R.", "BGTGLN15C15I382R", "IT_FISCAL_CODE"),
])
def test_record_and_document_numbers(text: str, value: str, kind: str) -> None:
    start = text.index(value)
    assert (kind, start, start + len(value)) in [(f.type, f.start, f.end)
                                                 for f in detector.detect(text)]
    assert [f for f in detector.detect(f"order {value.replace('-', '')}x") if f.type == kind] \
        == []


def test_values_under_a_column_header_that_names_them() -> None:
    text = ('name;dob;mrn;ssn\n"Doe, Jane";1985-03-12;A123456;219-45-6780\n'
            "Bob Roe;12 May 1979;7788991;219 45 6781\n\nversion;date\n2.1;2024-05-01")
    found = {(f.type, text[f.start:f.end]) for f in detector.detect(text)}
    assert {("DATE_OF_BIRTH", "1985-03-12"), ("DATE_OF_BIRTH", "12 May 1979"),
            ("MRN", "A123456"), ("MRN", "7788991"), ("SSN", "219-45-6780"),
            ("SSN", "219 45 6781")} <= found
    assert not any(value == "2024-05-01" for _, value in found)
    table = "| patient | DOB |\n|---|---|\n| Jane | 03/12/1985 |"
    assert ("DATE_OF_BIRTH", "03/12/1985") in {(f.type, table[f.start:f.end])
                                               for f in detector.detect(table)}


def test_identifiers_in_an_identity_column_or_after_a_generic_id_word() -> None:
    import random

    from tests.privacy.test_national_ids import gen_aadhaar, gen_bsn

    r = random.Random(11)
    bsn, aadhaar = gen_bsn(r), gen_aadhaar(r)
    table = f"employee;national_id;dob\nDoe, Jane;{bsn};1985-03-12\nRoe, Bo;{aadhaar};1979-05-12"
    found = {(f.type, table[f.start:f.end]) for f in detector.detect(table)}
    assert ("NL_BSN", bsn) in found and ("IN_AADHAAR", aadhaar) in found
    assert ("NL_BSN", bsn) in {(f.type, t[f.start:f.end]) for t in
                               [f"uploaded ID shows {bsn} but"] for f in detector.detect(t)}
    for text in (f"order ID {bsn} shipped", f"id,qty\n{bsn},4"):
        assert [f for f in detector.detect(text) if f.type == "NL_BSN"] == [], text


@pytest.mark.parametrize(("text", "phone"), [
    ("du kan ringe til mig på 92920406 i morgen", "92920406"),
    ("Kind regards\nAnna Nowak\nM: 32 819 41 26", "32 819 41 26"),
    ("Nimi: Juhani, puhelin: 0325957325", "0325957325"),
    ("Phone: 866 3938", "866 3938"),
])
def test_phone_numbers_of_other_regions_where_the_text_says_phone(text: str, phone: str) -> None:
    start = text.index(phone)
    assert ("PHONE", start, start + len(phone)) in [(f.type, f.start, f.end)
                                                   for f in detector.detect(text)]


@pytest.mark.parametrize("text", ["2024-08-04 21:34:02 INFO worker-3 call finished",
                                  "The ring is 14 carat and weighs 120 grams"])
def test_timestamps_and_measures_are_no_phone_numbers(text: str) -> None:
    assert [f for f in detector.detect(text) if f.type == "PHONE"] == []
