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

PATTERN_TYPES = (EMAIL, PHONE, CREDIT_CARD, IBAN, SSN, IP, API_KEY, MRN, DATE_OF_BIRTH, ADDRESS)
NER_TYPES = (PERSON, LOCATION)
ALL_TYPES = PATTERN_TYPES + NER_TYPES

DEFAULT_SENSITIVITY: dict[str, Sensitivity] = {
    SSN: Sensitivity.RESTRICTED,
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
