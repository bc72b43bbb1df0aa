"""Pattern rules added for issue 12's dev set 4: dates of birth, record numbers, phone numbers,
documents, cards and national identifiers written the ways forms, letters, chats and exports
in many languages write them. Sentences written for these tests (not taken from any data set)."""

from __future__ import annotations

import pytest

from homeport.privacy.recognizers import PatternDetector

PD = PatternDetector()


def found(text: str, type_: str) -> list[str]:
    return [text[f.start : f.end] for f in PD.detect(text) if f.type == type_]


@pytest.mark.parametrize(("text", "date"), [
    ("Pacijentica Ana Horvat, rođena 07.03.1953., primljena jučer.", "07.03.1953"),
    ("Datum rođenja: 12. 05. 1977.", "12. 05. 1977"),
    ("Pacientul Ion Pop, născut la 20.12.1961, telefon fix.", "20.12.1961"),
    ("Dátum narodenia: 8. decembra 1948", "8. decembra 1948"),
    ("Hasta Ayşe Kaya, doğ. tar. 16.06.1957, taburcu edildi.", "16.06.1957"),
    ("Heidi Berg, f. 09.05.1938, innlagt i går.", "09.05.1938"),
    ("Potilas Matti Virtanen, s. 24.04.1964, kotiutettu.", "24.04.1964"),
    ("Paciente: Rita Lopes | DN: 8 de julho de 1977 | quarto 4", "8 de julho de 1977"),
    ("Születési idő: 1985. 07. 18.", "1985. 07. 18."),
    ("Fødselsdato: 04/09-1981", "04/09-1981"),
    ("Merge the charts: 12/03/1984 (DOB) belongs to the older record.", "12/03/1984"),
    ("agent: and your date of birth?\n[10:41] Ben: Jan 28 1951", "Jan 28 1951"),
    ("ime;datum_rodjenja\nLaura;15.07.1958.", "15.07.1958"),
])
def test_dates_of_birth(text: str, date: str) -> None:
    assert found(text, "DATE_OF_BIRTH") == [date]


@pytest.mark.parametrize("text", [
    "See s. 12 of the report and f. 3 for the figures.",  # no name before the abbreviation
    "The DN was 4 mm wide.",  # no date after it
    "Invoice 12/03/2024 (paid) and 14/03/2024 (open).",
])
def test_no_birth_dates(text: str) -> None:
    assert found(text, "DATE_OF_BIRTH") == []


@pytest.mark.parametrize(("text", "mrn"), [
    ("Patient Karl Maier, geb. 29.03.1958, Fallnr. 093-8149, aufgenommen.", "093-8149"),
    ("Kórlapszám: H001351982", "H001351982"),
    ("Číslo chorobopisu: 57929969 | Horáková, Eva", "57929969"),
    ("Broj povijesti bolesti: MR9838984", "MR9838984"),
    ("Nr. foaie observație: MR9294837", "MR9294837"),
    ("Registo clínico n.º H672368838 - Pinto, Isaura", "H672368838"),
    ("Hasta A. Y., protokol no H603243783.", "H603243783"),
    ('<patient><id type="MRN">29479095</id></patient>', "29479095"),
    ('{"type": {"text": "Medical record number"}, "value": "54-561525"}', "54-561525"),
    ("Merge the duplicate charts: H465324381 (MRN) and the other one.", "H465324381"),
    ("Pt: Doe, Jane  ID: 14-309701  DOB/Age: April 03, 1996 (32)", "14-309701"),
])
def test_record_numbers(text: str, mrn: str) -> None:
    assert found(text, "MRN") == [mrn]


def test_generic_id_is_a_record_number_only_in_medical_text() -> None:
    assert found("Order ID: 14-309701 ships tomorrow.", "MRN") == []
    assert found("Processo n.º 1234567 do tribunal de Lisboa.", "MRN") == []


@pytest.mark.parametrize(("text", "phone"), [
    ("Pacjent Jan Kowalski, tel. 539 605 979", "539 605 979"),
    ("nome;telefone\nAna Silva;962616036", "962616036"),
    ("Assuré : M. X - tél. 0326123528", "0326123528"),
    ("Notat: ringede fra 4844 4705 om sagen.", "4844 4705"),
    ("He gave 0883860753 as contact number.", "0883860753"),
    ("Hei! Dette er Kjetil, nytt nummer: 96432308", "96432308"),
])
def test_phone_numbers(text: str, phone: str) -> None:
    assert found(text, "PHONE") == [phone]


@pytest.mark.parametrize("text", [
    "DOB/Age: 06.07.1932 (43)",  # a date and an age
    "nar. 08. 08. 1979 v Brně",
    "Staff ID\tSurname\tMobile\n25097-569\tAdams\t+61-413-268-134",  # the mobile is the 3rd cell
    "total 1 234 567 EUR",
])
def test_not_phone_numbers(text: str) -> None:
    assert "06.07.1932" not in found(text, "PHONE")
    assert not [p for p in found(text, "PHONE") if not p.startswith("+")]


@pytest.mark.parametrize(("text", "passport", "licence"), [
    ("Pas nr. 345569855, kørekort nr. E61843768, indehaver X", "345569855", "E61843768"),
    ("Cestovní pas č. 630266302, řidičský průkaz č. 48676302", "630266302", "48676302"),
    ("Putovnica br. Y70184659, vozačka dozvola br. P27392429", "Y70184659", "P27392429"),
    ("Útlevélszám: 120896621, jogosítvány száma: 51370906", "120896621", "51370906"),
    ("Passaporte n.º 602166815, carta de condução n.º M36071600", "602166815", "M36071600"),
])
def test_documents(text: str, passport: str, licence: str) -> None:
    assert found(text, "PASSPORT") == [passport]
    assert found(text, "DRIVER_LICENSE") == [licence]


def test_pass_as_a_verb_is_no_passport() -> None:
    assert found("We pass 12345678 to the next step.", "PASSPORT") == []


@pytest.mark.parametrize(("text", "card"), [
    ("Kortnummer 4526461886020 tilhører Petter", "4526461886020"),
    ("Bankkártya: 676318964217, kártyabirtokos: X", "676318964217"),
    ("vaša kartica 675983656132 je blokirana", "675983656132"),
    ("my card 060407520539 (expires 09/27)", "060407520539"),
])
def test_cards_after_card_words(text: str, card: str) -> None:
    assert found(text, "CREDIT_CARD") == [card]


def test_twelve_digits_without_a_card_word_are_no_card() -> None:
    assert found("order 060407520539 shipped", "CREDIT_CARD") == []
