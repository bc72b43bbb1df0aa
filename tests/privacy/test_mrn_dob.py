"""Medical record numbers and dates of birth beyond US English: record-number words of other
languages with their abbreviations ("Pat.-Nr.", "n.º", "nº"), birth abbreviations ("ur.",
"geb.", "b."), and birth dates that are the value of a column or key in structured text (SQL
INSERT, CSV/TSV, JSON, YAML, key=value)."""

from __future__ import annotations

import pytest

from homeport.privacy.recognizers import PatternDetector
from homeport.privacy.structured import column_kind, sql_values
from homeport.privacy.validators import plausible_date

detector = PatternDetector()


def found(text: str, kind: str) -> list[str]:
    return [text[f.start:f.end] for f in detector.detect(text) if f.type == kind]


MRN_CASES = [
    # German
    ("Patienten-Nr. 12345678, Station 3", "12345678"),
    ("Pat.-Nr.: 4455667", "4455667"),
    ("Patientennummer: A-2231457", "A-2231457"),
    ("Fallnummer 2023-004512", "2023-004512"),
    ("Fall-Nr. 2024/001234 (Innere Medizin)", "2024/001234"),
    ("Krankenakte Nr. 98765432 angefordert", "98765432"),
    ("Aufnahme-Nr.: 7006543", "7006543"),
    # Spanish
    ("Historia clínica n.º 1234567, ingreso urgente", "1234567"),
    ("historia clínica nº 7654321", "7654321"),
    ("Historia clínica núm. 3344556", "3344556"),
    ("NHC: 123456789", "123456789"),
    ("Paciente ingresada, n.º de expediente 2023004512.", "2023004512"),
    ("expediente clínico: EXP-0098123", "EXP-0098123"),
    ("número de paciente: 88776655", "88776655"),
    # French
    ("Numéro de dossier médical : 12345678", "12345678"),
    ("N° de dossier: H0048213", "H0048213"),
    ("IPP 80012345, patiente hospitalisée", "80012345"),
    ("Patient hospitalisé, NIP : 556677889", "556677889"),
    # Italian
    ("numero cartella clinica 2024001234", "2024001234"),
    ("Cartella n. 1234567 del reparto", "1234567"),
    ("codice paziente: PZ1234567", "PZ1234567"),
    # Dutch
    ("patiëntnummer 1234567", "1234567"),
    ("Dossiernummer: 7654321", "7654321"),
    ("ziekenhuisnummer 12345678", "12345678"),
    # Portuguese
    ("Número do prontuário: 1234567", "1234567"),
    ("processo clínico n.º 123456", "123456"),
    # Nordic
    ("Journalnummer 88123456", "88123456"),
    ("patientnummer: 1234567", "1234567"),
    # Polish
    ("numer historii choroby 2024/12345", "2024/12345"),
    ("nr karty pacjenta 12345678", "12345678"),
    # English variants
    ("Hospital number H-0048213", "H-0048213"),
    ("Hosp. No. 0048213", "0048213"),
    ("chart no. A1234567", "A1234567"),
    ("Record # 12345678 for the patient admitted to ward 5", "12345678"),
    ("Patient ID: 12345678", "12345678"),
    ("MRN: 12345678", "12345678"),
    ("Unit No. 1234567, admitted to the cardiology ward", "1234567"),
    ('{"medicalRecordNumber": "12345678"}', "12345678"),
    ('{"patientId": "P-00123456"}', "P-00123456"),
    ("EHR number 12.345.678", "12.345.678"),
    ("MR#: 00482913", "00482913"),
    ("Patient: 12345678", "12345678"),
    ("Nº H.C.: 1234567", "1234567"),
    ("patiënt-ID 1234567", "1234567"),
    ("pasientnummer 12345678", "12345678"),  # Norwegian
    ("potilasnumero 1234567", "1234567"),  # Finnish
    ("číslo pacienta: 1234567", "1234567"),  # Czech
    ("betegazonosító: 1234567", "1234567"),  # Hungarian
    ("hasta no: 1234567", "1234567"),  # Turkish
    ("Fall-Nr.: 2024-0001234", "2024-0001234"),  # 11 characters with a separator
    ('{"identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem'
     '/v2-0203", "code": "MR", "display": "Medical record number"}]}, "value": "H0048213"}]}',
     "H0048213"),
]


@pytest.mark.parametrize(("text", "value"), MRN_CASES)
def test_record_numbers_after_words_of_many_languages(text: str, value: str) -> None:
    assert found(text, "MRN") == [value]


@pytest.mark.parametrize("text", [
    "Invoice no. 12345678 dated 2024-01-05",
    "Order No. 2024/001234 shipped",
    "Rechnungsnummer 20240012, Bestellnr. 7788990",
    "Factura n.º 2024/001234",
    "version 2.14.3 released 2024-01-05",
    "Record # 12345678 updated in the CRM export",  # a record number without medical context
    "Unit No. 1234567 of the storage facility",
    "Expediente n.º 2023/004512 del juzgado de Madrid",  # a court file
    "NIP: 123-456-32-18 (faktura)",  # Polish tax number
    "Fallnummer: folgt",
    "Patient ID will be assigned at admission on 12/03/2024",
    "Fallnummer vom 12.03.2024",
    "Teléfono del paciente: 612345678",
    "patient 65 years old, seen 2024-01-05",
    "Patient: 07700900123",  # eleven bare digits
    "Esperamos hasta el 12/03/2024",
    '{"type": {"coding": [{"code": "PT"}]}, "value": "A12345678"}',
])
def test_other_numbers_are_no_record_numbers(text: str) -> None:
    assert found(text, "MRN") == []


def test_a_record_number_is_no_phone_number() -> None:
    for text, value in [("Fall-Nr. 2024/001234", "2024/001234"),
                        ("Pat.-Nr. 030 1234567", None),
                        ("historia clínica n.º 612 34 56 78", None)]:
        assert found(text, "PHONE") == [], text
        if value:
            assert found(text, "MRN") == [value]


BIRTH_CASES = [
    ("Jan Kowalski, ur. 12.03.1984 r., zam. Kraków", "12.03.1984"),
    ("Pacjentka urodzona 3 marca 1984 w Gdańsku", "3 marca 1984"),
    ("Hans Müller, geb. 3. März 1984", "3. März 1984"),
    ("Frau Weber, geboren am 03.03.1984 in Bonn", "03.03.1984"),
    ("Geb.-Datum: 3.3.84", "3.3.84"),
    ("Marie Dupont, née le 3 mars 1984", "3 mars 1984"),
    ("M. Martin, né(e) le 03/03/1984", "03/03/1984"),
    ("DDN : 03/03/1984", "03/03/1984"),
    ("Mario Rossi, nato il 3 marzo 1984", "3 marzo 1984"),
    ("Giulia Bianchi, nata a Reggio Emilia il 03/03/1984", "03/03/1984"),
    ("Juan Pérez, nacido el 3 de marzo de 1984", "3 de marzo de 1984"),
    ("Fecha de nac.: 03/03/1984", "03/03/1984"),
    ("F. Nac: 3 de marzo del 1984", "3 de marzo del 1984"),
    ("Jan de Vries, geboren op 3 maart 1984", "3 maart 1984"),
    ("Anna Svensson, född 1984-03-03", "1984-03-03"),
    ("Lars Hansen, født 3. marts 1984", "3. marts 1984"),
    ("João Silva, nascido em 3 de março de 1984", "3 de março de 1984"),
    ("Jan Novák, nar. 3. 3. 1984", "3. 3. 1984"),
    ("Kovács Anna, szül. 1984. március 3.", "1984. március 3."),
    ("Ahmet Yılmaz, doğum tarihi 03.03.1984", "03.03.1984"),
    ("Ann Lee (b. 3 March 1984) was admitted", "3 March 1984"),
    ("Ann Lee, b. 1984-03-02, Leeds", "1984-03-02"),
    ("born 3rd of March 1984", "3rd of March 1984"),
    ("DOB: 1984-03-02T00:00:00Z", "1984-03-02"),
    ("DOB 19840302", "19840302"),
    ("Geburtsdatum: 3 mär 1984", "3 mär 1984"),
    ("Hans Weber (* 3. März 1984) wurde aufgenommen", "3. März 1984"),
    ("Anna Nowak, ur. 3 III 1984 r.", "3 III 1984"),
    ("Ana López, nacida el 3º de marzo de 1984", "3º de marzo de 1984"),
    ("Ana López, el 3 de marzo de 1984 nacida en Lugo", "3 de marzo de 1984"),
]


@pytest.mark.parametrize(("text", "date"), BIRTH_CASES)
def test_birth_words_and_abbreviations(text: str, date: str | None) -> None:
    assert found(text, "DATE_OF_BIRTH") == ([date] if date else [])


STRUCTURED_BIRTH = [
    # SQL: values mapped to the column list by position
    ("INSERT INTO patients (name, dob, city) VALUES ('Ann Lee', '1984-03-02', 'Leeds')",
     ["1984-03-02"]),
    ("INSERT INTO patients (name, admitted, dob) VALUES ('Lee, Ann', '2024-01-05', "
     "'1984-03-02'), ('O''Brien, Bob', '2024-02-05', '1975-07-15');",
     ["1984-03-02", "1975-07-15"]),
    ("insert into `pacientes` (`nombre`, `fecha_ingreso`, `fecha_nacimiento`)\nvalues\n"
     "  ('Ana, María', '2024-01-05', '03/03/1984'),\n  ('Luis', '2024-01-06', '15/07/1975');",
     ["03/03/1984", "15/07/1975"]),
    ("INSERT INTO p (visit, dateOfBirth) VALUES (DATE '2024-01-05', "
     "TO_DATE('1984-03-02', 'YYYY-MM-DD'))", ["1984-03-02"]),
    # CSV / TSV with a header row
    ('name,birth_date,visit\n"Lee, Ann",1984-03-02,2024-01-05\nBob,1975-07-15,2024-02-01',
     ["1984-03-02", "1975-07-15"]),
    ("name\tgeburtsdatum\taufnahme\nAnn\t02.03.1984\t05.01.2024", ["02.03.1984"]),
    ("nom;date_naissance;date_admission\nDupont;03/03/1984;05/01/2024", ["03/03/1984"]),
    ("nome,data_nascita,ricovero\nRossi,1984-03-03,2024-01-05", ["1984-03-03"]),
    ("naam,geboortedatum,opname\nJansen,03-03-1984,05-01-2024", ["03-03-1984"]),
    ("namn\tfödelsedatum\tbesök\nSvensson\t1984-03-03\t2024-01-05", ["1984-03-03"]),
    ("imie;data_urodzenia;przyjecie\nNowak;03.03.1984;05.01.2024", ["03.03.1984"]),
    ("id,PatientDOB,admit_date\n7,19840303,20240105", ["19840303"]),
    # JSON, YAML, key=value
    ('{"birthDate": "1990-01-31", "name": "Ann"}', ["1990-01-31"]),
    ('{"dateOfBirth": "1990-01-31", "admitted": "2024-01-05"}', ["1990-01-31"]),
    ('{"patient": {"dob": "31/01/1990"}}', ["31/01/1990"]),
    ("patient:\n  name: Ann Lee\n  dob: 1990-01-31\n  admitted: 2024-01-05", ["1990-01-31"]),
    ("patient_dob=1990-01-31&visit=2024-01-05", ["1990-01-31"]),
    ("dob_iso: 1990-01-31", ["1990-01-31"]),
]


@pytest.mark.parametrize(("text", "dates"), STRUCTURED_BIRTH)
def test_birth_dates_in_structured_text(text: str, dates: list[str]) -> None:
    assert found(text, "DATE_OF_BIRTH") == dates


@pytest.mark.parametrize("text", [
    "INSERT INTO visits (patient, admitted, discharged) VALUES ('Ann', '2024-01-05', "
    "'2024-01-09')",
    "INSERT INTO patients (name, admitted, dob) VALUES ('Ann', '2024-01-05', NULL)",
    'name,visit,birth_place\nAnn,2024-01-05,Leeds',
    '{"dob": null, "admitted": "2024-01-05"}',
    '{"birthPlace": "Leeds", "visit": "2024-01-05"}',
    "dob=&visit=2024-01-05",
    "Invoice 2024/0042, b. 12.03.2024 payment due",
    "a. 12.03.2024 kick-off\nb. 19.03.2024 review",
    "Our meeting is on 03.03.2024. Tour. 12.03.2024",
    "The NATO summit on 12 July 2024 in Washington",
    "NAC started 12/03/2024",
    "Birth certificate issued 2020-01-05",
    "Der Termin am 3. März 2024 fällt aus.",
    "* 12.03.2024 kick-off\n* 19.03.2024 review",
    "Total: 4 * 12.03 = 48.12",
    "H.C. Andersen wrote in 1835",
    "Mr. Smith, 12/03/1984",
])
def test_other_dates_are_no_birth_dates(text: str) -> None:
    assert found(text, "DATE_OF_BIRTH") == []


def test_mrn_and_ssn_columns_of_an_insert() -> None:
    text = ("INSERT INTO patients (mrn, full_name, ssn, dob) VALUES "
            "('H-0048213', 'Lee, Ann', '219-45-6780', '1984-03-02'), "
            "(77889911, 'Roe, Bo', NULL, '1975-07-15')")
    got = {(f.type, text[f.start:f.end]) for f in detector.detect(text)}
    assert {("MRN", "H-0048213"), ("MRN", "77889911"), ("SSN", "219-45-6780"),
            ("DATE_OF_BIRTH", "1984-03-02"), ("DATE_OF_BIRTH", "1975-07-15")} <= got


def test_column_kinds() -> None:
    assert [column_kind(n) for n in ("dob", "birth_date", "DateOfBirth", "PatientDOB",
                                     "fecha_nacimiento", "geburtsdatum", "data_urodzenia",
                                     "mrn", "patient_id", "ssn", "admitted", "adobe",
                                     "birth_place", "name")] == [
        "birth", "birth", "birth", "birth", "birth", "birth", "birth", "mrn", "mrn", "ssn",
        None, None, None, None]


def test_sql_values_needs_an_insert_with_columns() -> None:
    out: list = []
    for text in ("INSERT INTO patients VALUES ('Ann', '1984-03-02')",
                 "Please insert the dob 1984-03-02 into the form",
                 "INSERT INTO t (dob) VALUES ('1984-03-02"):  # unterminated: no crash
        sql_values(text, text.lower(), out)
    assert out == []


def test_compact_dates() -> None:
    assert plausible_date("19840302") and not plausible_date("19841302")
    assert not plausible_date("12345678")


def test_hl7_pid_segment() -> None:
    text = ("MSH|^~\\&|LAB|HOSP|||202401051200||ADT^A01|123|P|2.5\r"
            "PID|1||00482913^^^HOSP^MR~A1234567^^^STATE^PI||DOE^JANE||198403021230|F|||"
            "1 Main St^^Leeds\rPV1|1|I|W5^12^1||||||||||||||||2024010512")
    got = [(f.type, text[f.start:f.end]) for f in detector.detect(text)
           if f.type in ("MRN", "DATE_OF_BIRTH")]
    assert got == [("MRN", "00482913"), ("MRN", "A1234567"), ("DATE_OF_BIRTH", "19840302")]
    assert found("The PID|1 flag 19840302 in the log", "DATE_OF_BIRTH") == []
