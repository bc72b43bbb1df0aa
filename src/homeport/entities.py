"""The entity types Homeport detects and the sensitivity each one gives a request by default.

The names are the public vocabulary: `/v1/privacy/scan` findings, routing rule conditions,
config (`privacy.sensitivity`), the ledger and the audit log all use them.
"""

from __future__ import annotations

from homeport.types import Sensitivity

EMAIL = "EMAIL"
PHONE = "PHONE"
CREDIT_CARD = "CREDIT_CARD"  # Luhn-valid card numbers
IBAN = "IBAN"  # mod-97-valid
SSN = "SSN"  # US social security numbers
IP = "IP"  # IPv4 and IPv6 addresses
API_KEY = "API_KEY"  # cloud keys, tokens, private key blocks, other secrets
MRN = "MRN"  # medical record numbers (with context words)
DATE_OF_BIRTH = "DATE_OF_BIRTH"  # dates with birth context words
PERSON = "PERSON"  # NER
LOCATION = "LOCATION"  # NER: places (spaCy GPE, LOC, FAC)
ADDRESS = "ADDRESS"  # street addresses
# National identifiers, validated by their check digits (or, without one, their format rules)
UK_NINO = "UK_NINO"  # UK National Insurance number
UK_NHS = "UK_NHS"  # NHS number (mod 11)
CA_SIN = "CA_SIN"  # Canadian Social Insurance Number (Luhn)
DE_TAX_ID = "DE_TAX_ID"  # German Steuer-Identifikationsnummer (ISO 7064 mod 11,10)
FR_NIR = "FR_NIR"  # French INSEE / NIR social security number (key 97 - n mod 97)
ES_DNI = "ES_DNI"  # Spanish DNI / NIF (mod 23 letter)
ES_NIE = "ES_NIE"  # Spanish NIE (foreigners; mod 23 letter)
IT_FISCAL_CODE = "IT_FISCAL_CODE"  # Italian codice fiscale (check character)
NL_BSN = "NL_BSN"  # Dutch burgerservicenummer (11-proof)
SE_PERSONNUMMER = "SE_PERSONNUMMER"  # Swedish personnummer (date + Luhn)
DK_CPR = "DK_CPR"  # Danish CPR number (date; context)
PL_PESEL = "PL_PESEL"  # Polish PESEL (weighted check digit, date)
IN_AADHAAR = "IN_AADHAAR"  # Indian Aadhaar (Verhoeff)
PASSPORT = "PASSPORT"  # passport numbers (context words)
DRIVER_LICENSE = "DRIVER_LICENSE"  # driving-licence numbers (context words)

NATIONAL_ID_TYPES = (UK_NINO, UK_NHS, CA_SIN, DE_TAX_ID, FR_NIR, ES_DNI, ES_NIE, IT_FISCAL_CODE,
                     NL_BSN, SE_PERSONNUMMER, DK_CPR, PL_PESEL, IN_AADHAAR, PASSPORT,
                     DRIVER_LICENSE)
PATTERN_TYPES = (EMAIL, PHONE, CREDIT_CARD, IBAN, SSN, IP, API_KEY, MRN, DATE_OF_BIRTH, ADDRESS,
                 *NATIONAL_ID_TYPES)
NER_TYPES = (PERSON, LOCATION)
ALL_TYPES = PATTERN_TYPES + NER_TYPES

DEFAULT_SENSITIVITY: dict[str, Sensitivity] = {
    SSN: Sensitivity.RESTRICTED,
    **{t: Sensitivity.RESTRICTED for t in NATIONAL_ID_TYPES},
    MRN: Sensitivity.RESTRICTED,
    CREDIT_CARD: Sensitivity.RESTRICTED,
    IBAN: Sensitivity.RESTRICTED,
    API_KEY: Sensitivity.RESTRICTED,
    DATE_OF_BIRTH: Sensitivity.CONFIDENTIAL,
    PERSON: Sensitivity.CONFIDENTIAL,
    ADDRESS: Sensitivity.CONFIDENTIAL,
    EMAIL: Sensitivity.CONFIDENTIAL,
    PHONE: Sensitivity.CONFIDENTIAL,
    LOCATION: Sensitivity.INTERNAL,
    IP: Sensitivity.INTERNAL,
}
