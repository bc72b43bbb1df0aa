"""PatternDetector: every type found in realistic formats, and near misses left alone."""

from __future__ import annotations

import itertools

import pytest

from homeport.entities import (
    ADDRESS,
    API_KEY,
    CREDIT_CARD,
    DATE_OF_BIRTH,
    EMAIL,
    IBAN,
    IP,
    MRN,
    PHONE,
    SSN,
)
from homeport.privacy.recognizers import PatternDetector
from homeport.privacy.validators import card_network_ok, iban_valid, luhn_valid, plausible_date
from homeport.types import Finding

DETECTOR = PatternDetector()
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
       "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
PEM = ("-----BEGIN RSA PRIVATE KEY-----\n"
       "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
       "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
       "-----END RSA PRIVATE KEY-----")
GH = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
GH_PAT = ("github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"
          "OPQRSTUVW")
SLACK = "xoxb-2048-4096-AbCdEfGhIjKlMnOpQrStUvWx"
GOOGLE = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"

POSITIVE = [
    # e-mail
    (EMAIL, "Reach me at jane.doe@example.com.", "jane.doe@example.com"),
    (EMAIL, "CC: o.connor+invoices@mail.co.uk, thanks", "o.connor+invoices@mail.co.uk"),
    (EMAIL, '<a href="mailto:first_last99@sub.domain.io">', "first_last99@sub.domain.io"),
    (EMAIL, "Email: ANNA.SMITH@EXAMPLE.ORG", "ANNA.SMITH@EXAMPLE.ORG"),
    (EMAIL, "Schreiben Sie an jürgen.müller@beispiel.de bitte", "jürgen.müller@beispiel.de"),
    # phone: international, and national formats of the default regions
    (PHONE, "Call +1 (415) 555-2671 today", "+1 (415) 555-2671"),
    (PHONE, "Office (212) 555-0143, ask for Sam", "(212) 555-0143"),
    (PHONE, "or 415.555.2671 after six", "415.555.2671"),
    (PHONE, "London: +44 20 7946 0958", "+44 20 7946 0958"),
    (PHONE, "London: 020 7946 0958", "020 7946 0958"),
    (PHONE, "from abroad +44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
    (PHONE, "mobile 07911 123456", "07911 123456"),
    (PHONE, "Berlin +49 30 901820 or 030 901820", "+49 30 901820"),
    (PHONE, "München 089 12345678", "089 12345678"),
    (PHONE, "Paris 01 42 68 53 00", "01 42 68 53 00"),
    (PHONE, "Bureau : +33 1 42 68 53 00", "+33 1 42 68 53 00"),
    (PHONE, "India +91 98765 43210", "+91 98765 43210"),
    (PHONE, "Tokyo office +81 3-1234-5678", "+81 3-1234-5678"),
    (PHONE, "dial 0044 20 7946 0958 from Germany", "0044 20 7946 0958"),
    (PHONE, "tel:+14155552671", "+14155552671"),
    (PHONE, "My phone number is 4155552671.", "4155552671"),
    # credit cards of several networks and layouts
    (CREDIT_CARD, "Visa 4111 1111 1111 1111 exp 12/26", "4111 1111 1111 1111"),
    (CREDIT_CARD, "card: 4111-1111-1111-1111", "4111-1111-1111-1111"),
    (CREDIT_CARD, "pan=4111111111111111;", "4111111111111111"),
    (CREDIT_CARD, "MC 5555 5555 5555 4444", "5555 5555 5555 4444"),
    (CREDIT_CARD, "MC 2223 0031 2200 3222", "2223 0031 2200 3222"),
    (CREDIT_CARD, "Amex 3782 822463 10005", "3782 822463 10005"),
    (CREDIT_CARD, "Discover 6011 1111 1111 1117", "6011 1111 1111 1117"),
    (CREDIT_CARD, "JCB 3530111333300000", "3530111333300000"),
    (CREDIT_CARD, "Diners 3056 930902 5904", "3056 930902 5904"),
    (CREDIT_CARD, "UnionPay 6200 0000 0000 0005 please", "6200 0000 0000 0005"),
    (CREDIT_CARD, "4111 1111 1111 1111 123 (card and CVV)", "4111 1111 1111 1111"),
    # IBANs, grouped and compact
    (IBAN, "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX", "DE89 3704 0044 0532 0130 00"),
    (IBAN, "to GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32"),
    (IBAN, "IBAN:GB82WEST12345698765432", "GB82WEST12345698765432"),
    (IBAN, "FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606"),
    (IBAN, "NL91ABNA0417164300", "NL91ABNA0417164300"),
    (IBAN, "CH93 0076 2011 6238 5295 7", "CH93 0076 2011 6238 5295 7"),
    (IBAN, "ES91 2100 0418 4502 0005 1332", "ES91 2100 0418 4502 0005 1332"),
    (IBAN, "IT60 X054 2811 1010 0000 0123 456", "IT60 X054 2811 1010 0000 0123 456"),
    (IBAN, "BE68 5390 0754 7034", "BE68 5390 0754 7034"),
    (IBAN, "NO93 8601 1117 947", "NO93 8601 1117 947"),
    # SSNs
    (SSN, "SSN 536-22-8723 on file", "536-22-8723"),
    (SSN, "employee 219-09-9999 terminated", "219-09-9999"),
    (SSN, "social security number 219 09 9999", "219 09 9999"),
    (SSN, "SSN: 219099999", "219099999"),
    (SSN, "Social Security No. is 536228723.", "536228723"),
    # IP addresses
    (IP, "ping 192.168.1.1 now", "192.168.1.1"),
    (IP, "DNS 8.8.8.8", "8.8.8.8"),
    (IP, "listening on 10.0.0.254:8080", "10.0.0.254"),
    (IP, "host 2001:db8::8a2e:370:7334 is up", "2001:db8::8a2e:370:7334"),
    (IP, "link-local fe80::1%eth0", "fe80::1"),
    (IP, "loopback ::1", "::1"),
    (IP, "https://[2001:db8::1]:443/", "2001:db8::1"),
    (IP, "mapped ::ffff:192.0.2.128", "::ffff:192.0.2.128"),
    (IP, "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
    # secrets
    (API_KEY, "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    (API_KEY, "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    (API_KEY, "my AWS secret key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok",
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    (API_KEY, f"token {GH}", GH),
    (API_KEY, f"GH_TOKEN={GH_PAT}", GH_PAT),
    (API_KEY, 'OpenAI(api_key="sk-proj-4fGh7JkL9mNpQrStUvWxYz0123456789abcdEFGH")',
     "sk-proj-4fGh7JkL9mNpQrStUvWxYz0123456789abcdEFGH"),
    (API_KEY, "sk-ant-api03-Xy9_kLmN0pQrS-tUvWx1YzAbCdEfGh2IjKlMnOpQr3StUvWxYzAA in env",
     "sk-ant-api03-Xy9_kLmN0pQrS-tUvWx1YzAbCdEfGh2IjKlMnOpQr3StUvWxYzAA"),
    (API_KEY, f"SLACK={SLACK}", SLACK),
    (API_KEY, f"https://maps.googleapis.com/maps/api/js?key={GOOGLE}", GOOGLE),
    (API_KEY, "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    (API_KEY, "rk_live_51HxYzAbCdEfGhIjKlMnOpQr", "rk_live_51HxYzAbCdEfGhIjKlMnOpQr"),
    (API_KEY, f"Authorization: Bearer {JWT}", JWT),
    (API_KEY, f"key:\n{PEM}\nend", PEM),
    (API_KEY, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n(cut)",
     "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n"),
    (API_KEY, "DB_PASSWORD=Tr0ub4dor&3", "Tr0ub4dor&3"),
    (API_KEY, '{"password": "s3cr3t-P@ss!"}', "s3cr3t-P@ss!"),
    (API_KEY, "client_secret: 8f4b2c9e1d7a6f3b5c0e9d8a", "8f4b2c9e1d7a6f3b5c0e9d8a"),
    (API_KEY, "my password is Hunter2024! please reset", "Hunter2024!"),
    (API_KEY, "postgres://app:S3cr3tPass@db.internal:5432/prod", "S3cr3tPass"),
    (API_KEY, "mysql -u root -pQx7vLm2pZa shop", "Qx7vLm2pZa"),
    (API_KEY, "with token 9efcc8e52e0c922c2334cd4004348b26e56434cc now",
     "9efcc8e52e0c922c2334cd4004348b26e56434cc"),
    # medical record numbers
    (MRN, "MRN: 00482913", "00482913"),
    (MRN, "MRN# A1234567 admitted", "A1234567"),
    (MRN, "Medical record number 1234567.", "1234567"),
    (MRN, "Patient ID: PT-884201", "PT-884201"),
    (MRN, "chart #55218890", "55218890"),
    (MRN, "medical record no. 99-12345", "99-12345"),
    # dates of birth
    (DATE_OF_BIRTH, "DOB: 03/12/1984", "03/12/1984"),
    (DATE_OF_BIRTH, "D.O.B. 1984-03-12", "1984-03-12"),
    (DATE_OF_BIRTH, "date of birth 12.03.1984", "12.03.1984"),
    (DATE_OF_BIRTH, "she was born on March 12, 1984 in Ohio", "March 12, 1984"),
    (DATE_OF_BIRTH, "Born 12 March 1984.", "12 March 1984"),
    (DATE_OF_BIRTH, "birthday: 12th of March 1984", "12th of March 1984"),
    (DATE_OF_BIRTH, "Date of Birth: Mar. 12, 1984", "Mar. 12, 1984"),
    (DATE_OF_BIRTH, "born 12-Mar-1984", "12-Mar-1984"),
    (DATE_OF_BIRTH, "DOB 3/12/84", "3/12/84"),
    # street addresses
    (ADDRESS, "at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
    (ADDRESS, "1600 Pennsylvania Ave NW, Washington, DC 20500",
     "1600 Pennsylvania Ave NW, Washington, DC 20500"),
    (ADDRESS, "Send it to 350 Fifth Avenue, New York, NY 10118",
     "350 Fifth Avenue, New York, NY 10118"),
    (ADDRESS, "10 Downing Street", "10 Downing Street"),
    (ADDRESS, "1 Infinite Loop, Cupertino, CA 95014", "1 Infinite Loop, Cupertino, CA 95014"),
    (ADDRESS, "742 Evergreen Terrace, Springfield", "742 Evergreen Terrace, Springfield"),
    (ADDRESS, "4978 East Willow Parkway #12, Columbus, OH 43004",
     "4978 East Willow Parkway #12, Columbus, OH 43004"),
    (ADDRESS, "Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin"),
    (ADDRESS, "wohnt Am Rosengarten 3a, 20095 Hamburg", "Am Rosengarten 3a, 20095 Hamburg"),
    (ADDRESS, "12 rue de Rivoli, 75001 Paris", "12 rue de Rivoli, 75001 Paris"),
    (ADDRESS, "Via Roma 12, Milano", "Via Roma 12"),
]

NEGATIVE = [
    # e-mail
    (EMAIL, "@channel please review the PR"),
    (EMAIL, "write to jane at example dot com"),
    (EMAIL, "git clone https://ghp_abc123@github.com/org/repo"),
    # phone: order numbers, dates, IDs, versions, other numbers
    (PHONE, "Order number 4155552671 has shipped."),
    (PHONE, "Order #4155552671 has shipped."),
    (PHONE, "Tracking number 644-1200678 was scanned."),
    (PHONE, "Your confirmation code is 054-8332711."),
    (PHONE, "The invoice is dated 2023-12-01."),
    (PHONE, "Meeting on 12.03.2024 at 10:30"),
    (PHONE, "ISBN 978-3-16-148410-0"),
    (PHONE, "The population is 83 240 525 people."),
    (PHONE, "It grew to 1.234.567 users."),
    (PHONE, "Upgraded to 10.2.3.4521 yesterday"),
    (PHONE, "SSN 536-22-8723"),
    (PHONE, "Card 4111 1111 1111 1111"),
    (PHONE, "random digits 8273649182736 in a log line"),
    (PHONE, "Lottery numbers 12 17 23 34 45 49"),
    (PHONE, "MRN 2038277245, fax pending"),
    (PHONE, "server 192.168.1.10 is down"),
    (PHONE, "years 1990-2000 and 2001-2010"),
    # cards: Luhn-invalid, unknown issuers, other Luhn-valid numbers
    (CREDIT_CARD, "Card 4111 1111 1111 1112 was declined"),
    (CREDIT_CARD, "1234 5678 9012 3456"),
    (CREDIT_CARD, "0000 0000 0000 0000"),
    (CREDIT_CARD, "IMEI 356938035643809"),
    (CREDIT_CARD, "Call +49 1512 3454154"),
    (CREDIT_CARD, "xoxp-122571058612-4978365831752-dgyGvhS2F2BXNAgbHkADAzsC"),
    (CREDIT_CARD, "tracking 9400 1000 0000 0000 0000 00"),
    # IBANs with wrong check digits or unknown countries
    (IBAN, "DE89 3704 0044 0532 0130 01"),
    (IBAN, "GB82 WEST 1234 5698 7654 33"),
    (IBAN, "XX12 3456 7890 1234 5678"),
    (IBAN, "Part AB12CD34EF56GH"),
    # SSNs that the SSA never issues, and 9 digits without context
    (SSN, "666-12-3456"),
    (SSN, "000-12-3456"),
    (SSN, "912-34-5678"),
    (SSN, "123-00-4567"),
    (SSN, "123-45-0000"),
    (SSN, "routing number 219099999"),
    (SSN, "SSN: 666123456"),
    (SSN, "ref 536-22-8723-1"),
    # IPs: versions, out-of-range octets, times, C++ scopes, MAC addresses
    (IP, "version 1.2.3"),
    (IP, "release v1.2.3.4"),
    (IP, "version 1.2.3.4 is out"),
    (IP, "999.1.1.1"),
    (IP, "1.2.3.4.5"),
    (IP, "at 10:30:45 sharp"),
    (IP, "std::vector<int> v;"),
    (IP, "MAC 00:1A:2B:3C:4D:5E"),
    (IP, "Python 3.11.7"),
    (IP, "Note: the API is ready"),
    # secrets: placeholders, references, prose, hashes
    (API_KEY, "password: ${DB_PASSWORD}"),
    (API_KEY, "api_key = os.environ['API_KEY']"),
    (API_KEY, "token: <your-token>"),
    (API_KEY, "password = 'password'"),
    (API_KEY, "The password must be at least 12 characters long."),
    (API_KEY, "the token is valid for 30 days"),
    (API_KEY, "scikit-learn, also sk-learn, is a library"),
    (API_KEY, "task-1234567890abcdefghijk"),
    (API_KEY, "commit 3f5e2a1b9c0d4e6f8a7b2c1d0e9f8a7b6c5d4e3f"),
    (API_KEY, "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (API_KEY, "xoxo, hugs"),
    (API_KEY, "max_tokens=4096"),
    (API_KEY, "secret: ********"),
    (API_KEY, "mkdir -p /var/lib/homeport"),
    # MRN without an id
    (MRN, "MRN is pending"),
    (MRN, "The patient is 12 years old"),
    (MRN, "Chart 3 shows the trend"),
    (MRN, "MRN: 123"),
    (MRN, "Patient ID will be assigned at admission"),
    # dates without birth context, or another date after it
    (DATE_OF_BIRTH, "Meeting on 03/12/2024"),
    (DATE_OF_BIRTH, "Invoice dated March 12, 1984"),
    (DATE_OF_BIRTH, "born in 1984"),
    (DATE_OF_BIRTH, "The patient, born 1962, was seen on 12/03/2024."),
    (DATE_OF_BIRTH, "DOB: unknown. Admitted 2024-01-05."),
    (DATE_OF_BIRTH, "Date of birth: 31/31/1984"),
    # addresses: numbers followed by capitalised words that are no street
    (ADDRESS, "There are 3 Main reasons for this."),
    (ADDRESS, "We had 5 Great Days in Rome"),
    (ADDRESS, "Room 12, Building 7"),
    (ADDRESS, "Chapter 12 Road to Recovery"),
]


def spans(text: str, type_: str) -> list[str]:
    return [text[f.start : f.end] for f in DETECTOR.detect(text) if f.type == type_]


@pytest.mark.parametrize(("type_", "text", "value"), POSITIVE)
def test_found(type_: str, text: str, value: str) -> None:
    assert value in spans(text, type_)


@pytest.mark.parametrize(("type_", "text"), NEGATIVE)
def test_not_found(type_: str, text: str) -> None:
    assert spans(text, type_) == []


def test_no_findings_in_plain_prose() -> None:
    text = ("The committee met on Tuesday at 10:30 and reviewed version 2.4.1 of the plan. "
            "Costs rose 7.5 percent in 2023, and 1,250 people answered the survey. ") * 20
    assert DETECTOR.detect(text) == []


def test_findings_sorted_and_without_overlaps() -> None:
    text = ("Contact jane.doe@example.com or +44 20 7946 0958; card 4111 1111 1111 1111, IBAN "
            "DE89 3704 0044 0532 0130 00, SSN 536-22-8723, host 10.0.0.1, MRN: 00482913, "
            "DOB: 03/12/1984, 221B Baker Street, key AKIAIOSFODNN7EXAMPLE.")
    found = DETECTOR.detect(text)
    assert [f.type for f in found] == [EMAIL, PHONE, CREDIT_CARD, IBAN, SSN, IP, MRN,
                                       DATE_OF_BIRTH, ADDRESS, API_KEY]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert all(0 < f.score <= 1 for f in found)


def test_checksums_score_higher_than_context() -> None:
    text = "card 4111 1111 1111 1111 and MRN: 00482913"
    scores = {f.type: f.score for f in DETECTOR.detect(text)}
    assert scores[CREDIT_CARD] > scores[MRN]


def test_phone_regions_decide_national_formats() -> None:
    us_only = PatternDetector(phone_regions=("US",))
    assert [f.type for f in us_only.detect("London 020 7946 0958")] == []
    assert [f.type for f in us_only.detect("London +44 20 7946 0958")] == [PHONE]
    assert [f.type for f in us_only.detect("NYC (212) 555-0143")] == [PHONE]


def test_empty_text() -> None:
    assert DETECTOR.detect("") == []


def test_validators() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert card_network_ok("378282246310005") and not card_network_ok("0000000000000000")
    assert iban_valid("GB82WEST12345698765432") and not iban_valid("GB82WEST1234569876543")
    assert plausible_date("March 12, 1984") and not plausible_date("13/13/1984")


def test_finding_type() -> None:
    assert DETECTOR.detect("DNS 8.8.8.8") == [Finding(IP, 4, 11, 0.9)]
