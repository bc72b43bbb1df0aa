"""Names and places that the text's structure marks (privacy.name_fields), and what keeps
firms, dishes and labels from being people (privacy.names), as issue 12's dev set 4 found
them. Sentences written for these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from homeport.privacy import name_fields, names
from homeport.privacy.ner import NerDetector


def people(text: str) -> list[str]:
    return [text[a:b] for a, b in name_fields.person_spans(text)]


def places(text: str) -> list[str]:
    return [text[a:b] for a, b in name_fields.place_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Imię i nazwisko: Anna Kowalska\nPESEL: 1", ["Anna Kowalska"]),
    ("Beteg neve: Kovács Péter\nSzületési dátum: 1980", ["Kovács Péter"]),
    ("Ime i prezime: Ivana Horvat", ["Ivana Horvat"]),
    ("Nume și prenume: Ioana Pop", ["Ioana Pop"]),
    ('{"imie": "Daniel", "nazwisko": "Mikiciuk"}', ["Daniel", "Mikiciuk"]),
    ('{"patient": {"given": "Albert", "family": "Smith"}}', ["Albert", "Smith"]),
    ("Pt: Sampson, Florentina  ID: 14-309701", ["Sampson, Florentina"]),
    ("Paszport nr E41945462, właściciel: Oleńka Woźniak", ["Oleńka Woźniak"]),
    ("Pacjent Artur Nowak, ur. 23.10.1973", ["Artur Nowak"]),
    ("Hei Anette! Ny adresse", ["Anette"]),
    ("Vážený pane Novák, Vaše karta", ["Novák"]),
    ("Exmo. Sr. Lima,\nInformamos que", ["Lima"]),
    ("Ahoj, tady Vlastimil, moje nová adresa", ["Vlastimil"]),
    ("Hoi, mijn BSN staat hieronder. Groet, Joep Sas", ["Joep Sas"]),
    ("Hej! Mitt personnr är 670919-5488. /Fredrik", ["Fredrik"]),
    ("Voicemail from Brooke at 13:43: please call back", ["Brooke"]),
    ("Driving licence X issued to Georgianne Carver of 1073 Main Road", ["Georgianne Carver"]),
])
def test_people_that_the_structure_marks(text: str, expected: list[str]) -> None:
    assert [p for p in people(text) if p in expected] == expected


@pytest.mark.parametrize(("text", "name"), [
    ("PATIENT: STEVENS Grady   HOSPITAL NO: H521872596", "STEVENS Grady"),
    ("Booking for ELLIOTT/DEAN on AZ 6828", "ELLIOTT/DEAN"),
    ("PID|1||338-6319^^^HOSP^MR||Lillis^Anne-Marie||19710114|F", "Lillis^Anne-Marie"),
    ("[21:42] Royal: hi, I moved\n[21:43] agent: thanks", "Royal"),
    ("Action items: Ann Lee to send the contract; Sophie to book a room.", "Sophie"),
    ("Reminder: Beata, your appointment is on Monday.", "Beata"),
    ("Thanks for the update!\n-- Ingrid", "Ingrid"),
])
def test_name_layouts_and_single_names(text: str, name: str) -> None:
    assert name in people(text)


@pytest.mark.parametrize("text", [
    "NIB/IBAN PT50 0002 0123 1234 5678 9015 4",  # acronyms, not a name
    "TCP/IP and CPU/GPU settings",
    "Note: Will to be decided later",  # "Will" is an English word
    "Summary\nTotal",
    "Agent: how can I help?",
])
def test_no_people(text: str) -> None:
    assert people(text) == []


def test_columns_of_names_and_places() -> None:
    text = "Name;Vorname;Geburtsdatum;Ort\nHartmann;Iris;16.05.1947;Eschwege"
    assert people(text) == ["Hartmann", "Iris"]
    assert places(text) == ["Eschwege"]


def test_referred_by_is_no_place_column() -> None:
    text = "Patient | DOB | Referred by\n--- | --- | ---\nCris Ellis | 02.12.2016 | David Buck"
    assert places(text) == []
    assert "David Buck" in people(text)


def test_labelled_places() -> None:
    assert places("patient:\n  name: Amanda Russell\n  city: Apple Valley") == ["Apple Valley"]
    assert places("Miasto: Łódź\nTel: 1") == ["Łódź"]


def test_firms_and_dishes_are_no_people() -> None:
    text = "Quote from Mccormick, Carson and Webster received."
    assert names.doubtful_person("Webster", text, text.index("Webster"))
    assert names.gazetteer_spans(text) == []
    menu = "Bestsellers: Earl Grey tea, Beef Wellington and Eggs Benedict."
    assert names.doubtful_person("Earl Grey", menu, menu.index("Earl Grey"))
    assert names.gazetteer_spans(menu) == []


def test_labels_are_no_people() -> None:
    assert names.doubtful_person("Reisepass-Nr", "Reisepass-Nr. C2K6XZNG4", 0)
    form = "Ad Soyad: Ayşe Kaya\nDoğum Tarihi: 27 Temmuz 1964"
    assert names.doubtful_person("Doğum Tarihi", form, form.index("Doğum"))
    assert names.doubtful_person("Transferencia de", "Transferencia de $1.09 a Elsa", 0)
    assert names.doubtful_person("Johnson LLC", "Meyer LLC and Johnson LLC signed.", 15)


@pytest.fixture(scope="module")
def ner() -> Iterator[NerDetector]:
    detector = NerDetector()
    detector.load()
    yield detector


def test_possessives_are_no_people(ner: NerDetector) -> None:
    text = "Our goal for the next release is speed. Our team agrees."
    assert [f for f in ner.detect(text) if f.type == "PERSON"] == []
