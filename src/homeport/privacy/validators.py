"""Checks behind the pattern detectors: checksums, card issuer prefixes, date ranges."""

from __future__ import annotations

import re

# IBAN lengths per country (SWIFT IBAN registry).
_IBAN_REGISTRY = (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 "
    "DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 "
    "IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 "
    "MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 "
    "SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
)
IBAN_LENGTHS = {c[:2]: int(c[2:]) for c in _IBAN_REGISTRY.split(" ")}



def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_network_ok(digits: str) -> bool:
    """Whether a known card network issues numbers with this prefix and length."""
    n, p2, p3, p4 = len(digits), int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16  # Mastercard
    if p2 in (34, 37):
        return n == 15  # American Express
    if 300 <= p3 <= 305 or p2 in (36, 38, 39):
        return 14 <= n <= 19  # Diners Club
    if p2 == 35 or 2200 <= p4 <= 2204:
        return 16 <= n <= 19  # JCB (3528-3589 issued), Mir
    if p4 in (2131, 1800):
        return n == 15  # JCB, 15 digits
    if p2 == 50 or 56 <= p2 <= 69 or p2 in (81, 82):
        return 13 <= n <= 19  # Discover, UnionPay, Maestro, RuPay
    return False


def iban_valid(iban: str, check_length: bool = True) -> bool:
    """The ISO 7064 mod-97 check and (`check_length`) the country's length; no spaces."""
    if not 15 <= len(iban) <= 34:
        return False
    if check_length and IBAN_LENGTHS.get(iban[:2], len(iban)) != len(iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """SSA rules: no area 000, 666 or 900-999, no group 00, no serial 0000."""
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def plausible_date(text: str) -> bool:
    """Whether a date as matched by the detector's date pattern has a real day and month."""
    if len(text) == 8 and text.isdigit():  # 19840302
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    nums = [int(n) for n in re.findall(r"\d+", text)]
    if any(c.isalpha() for c in text):  # a month's name (the date pattern matched one)
        if len(nums) == 2 and nums[0] > 31:  # year first: "1984. március 3."
            nums.reverse()
        day, year = nums[0], nums[-1]
        return len(nums) == 2 and 1 <= day <= 31 and (year < 100 or 1900 <= year <= 2100)
    if len(nums) != 3:
        return False
    a, b, c = nums
    if a > 31:  # year first
        return 1900 <= a <= 2100 and 1 <= b <= 12 and 1 <= c <= 31
    if c >= 100 and not 1900 <= c <= 2100:
        return False
    return 1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12
