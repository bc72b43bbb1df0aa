"""Generators of valid (checksummed, well-formed) fake identifiers and secrets, and of near
misses that must not be detected. Every function takes the caller's seeded `random.Random`."""

from __future__ import annotations

import base64
import json
import random
import string

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def _rand(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def _digits(r: random.Random, n: int) -> str:
    return _rand(r, string.digits, n)


# -- payment cards -------------------------------------------------------------------------

def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


_NETWORKS = (  # (prefixes, length, grouping)
    (("4",), 16, (4, 4, 4, 4)),  # Visa
    (("4",), 13, (4, 4, 5)),
    (("51", "52", "53", "54", "55", "2221", "2500", "2720"), 16, (4, 4, 4, 4)),  # Mastercard
    (("34", "37"), 15, (4, 6, 5)),  # American Express
    (("6011", "65", "644"), 16, (4, 4, 4, 4)),  # Discover
    (("3528", "3530", "3589"), 16, (4, 4, 4, 4)),  # JCB
    (("36", "38"), 14, (4, 6, 4)),  # Diners Club
    (("62",), 16, (4, 4, 4, 4)),  # UnionPay
    (("62",), 19, (4, 4, 4, 4, 3)),
)


def card(r: random.Random, valid: bool = True) -> str:
    prefixes, length, groups = r.choice(_NETWORKS)
    prefix = r.choice(prefixes)
    body = prefix + _digits(r, length - len(prefix) - 1)
    check = luhn_digit(body)
    if not valid:
        check = str((int(check) + r.randint(1, 9)) % 10)
    number = body + check
    sep = r.choice((" ", " ", "-", ""))
    parts, i = [], 0
    for g in groups:
        parts.append(number[i : i + g])
        i += g
    return sep.join(parts)


# -- IBANs ---------------------------------------------------------------------------------

_BBAN = {  # country: format, n = digit, a = upper-case letter, c = either
    "DE": "18n", "GB": "4a14n", "FR": "10n11c2n", "ES": "20n", "IT": "1a10n12c", "NL": "4a10n",
    "CH": "5n12c", "BE": "12n", "PL": "24n", "AT": "16n", "IE": "4a14n", "SE": "20n",
    "PT": "21n", "NO": "11n", "DK": "14n", "SA": "2n18c", "AE": "19n", "FI": "14n",
}


def _bban(r: random.Random, fmt: str) -> str:
    out, num = [], ""
    for ch in fmt:
        if ch.isdigit():
            num += ch
            continue
        alphabet = {"n": string.digits, "a": string.ascii_uppercase,
                    "c": string.ascii_uppercase + string.digits}[ch]
        out.append(_rand(r, alphabet, int(num)))
        num = ""
    return "".join(out)


def iban(r: random.Random, valid: bool = True) -> str:
    country = r.choice(sorted(_BBAN))
    bban = _bban(r, _BBAN[country])
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rearranged)) % 97
    if not valid:
        check = (check + r.randint(1, 96)) % 97 or 1
    compact = f"{country}{check:02d}{bban}"
    if r.random() < 0.5:
        return compact
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


# -- US social security numbers ------------------------------------------------------------

def ssn(r: random.Random, fmt: str = "dashed") -> str:
    area = r.choice([a for a in range(1, 900) if a != 666])
    group, serial = r.randint(1, 99), r.randint(1, 9999)
    a, g, s = f"{area:03d}", f"{group:02d}", f"{serial:04d}"
    return {"dashed": f"{a}-{g}-{s}", "spaced": f"{a} {g} {s}", "bare": f"{a}{g}{s}"}[fmt]


def bad_ssn(r: random.Random) -> str:
    area = r.choice(("000", "666", f"9{r.randint(0, 99):02d}"))
    return f"{area}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"


# -- phone numbers -------------------------------------------------------------------------

_US_AREAS = ("212", "415", "312", "617", "206", "303", "512", "404", "702", "646", "305", "718")
NATIONAL_REGIONS = ("US", "GB", "DE", "FR", "IN")
FOREIGN_REGIONS = ("JP", "AU", "BR", "ES", "IT", "NL", "MX", "ZA", "SG", "CA", "KE", "NG")


def phone(r: random.Random, region: str) -> str:
    """A number phonenumbers considers valid, in one of several common formats."""
    while True:
        if region == "US":
            raw = r.choice(_US_AREAS) + str(r.randint(2, 9)) + _digits(r, 2) + _digits(r, 4)
            num = phonenumbers.parse(raw, "US")
        else:
            kind = r.choice((PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE))
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            nsn = str(example.national_number)
            num = phonenumbers.parse(nsn[:-4] + _digits(r, 4), region)
        if phonenumbers.is_valid_number(num):
            break
    style = r.random()
    if region not in NATIONAL_REGIONS or style < 0.35:
        fmt = r.choice((PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.INTERNATIONAL,
                        PhoneNumberFormat.E164))
        text = phonenumbers.format_number(num, fmt)
        return text.replace(" ", r.choice((" ", " ", "-", "."))) if r.random() < 0.2 else text
    national = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    if region == "US":
        d = str(num.national_number)
        text = r.choice((national, f"{d[:3]}-{d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}",
                         f"+1 {d[:3]}-{d[3:6]}-{d[6:]}", f"1-{d[:3]}-{d[3:6]}-{d[6:]}",
                         f"({d[:3]}){d[3:6]}-{d[6:]}"))
        return text + (f" x{r.randint(10, 9999)}" if r.random() < 0.1 else "")
    if region == "GB" and r.random() < 0.3:
        return "+44 (0)" + national[1:]
    if r.random() < 0.15:
        return "00" + phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL)[1:]
    return national


# -- network addresses ---------------------------------------------------------------------

def ipv4(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.3:
        return f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
    if kind < 0.5:
        return f"192.168.{r.randint(0, 255)}.{r.randint(1, 254)}"
    return ".".join(str(r.randint(1, 223) if i == 0 else r.randint(0, 255)) for i in range(4))


def ipv6(r: random.Random) -> str:
    groups = [f"{r.randint(0, 0xFFFF):x}" for _ in range(8)]
    kind = r.random()
    if kind < 0.3:
        return ":".join(groups)
    if kind < 0.6:
        return "2001:db8:" + ":".join(groups[:2]) + "::" + groups[7]
    if kind < 0.8:
        return "fe80::" + ":".join(groups[4:])
    return "::ffff:" + ipv4(r)


# -- secrets -------------------------------------------------------------------------------

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(r: random.Random) -> str:
    header = {"alg": r.choice(("HS256", "RS256")), "typ": "JWT"}
    payload = {"sub": _digits(r, 8), "name": "user", "iat": r.randint(1_600_000_000, 1_800_000_000)}
    sig = bytes(r.randrange(256) for _ in range(32))
    return ".".join((_b64url(json.dumps(header).encode()), _b64url(json.dumps(payload).encode()),
                     _b64url(sig)))


def private_key(r: random.Random) -> str:
    kind = r.choice(("RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED "))
    lines = [_rand(r, B64, 64) for _ in range(r.randint(3, 8))] + [_rand(r, B64, 20) + "=="]
    return f"-----BEGIN {kind}PRIVATE KEY-----\n" + "\n".join(lines) + \
        f"\n-----END {kind}PRIVATE KEY-----"


def password(r: random.Random) -> str:
    words = ("Summer", "Falcon", "Orange", "Winter", "Tiger", "Maple", "River", "Rocket", "Velvet")
    if r.random() < 0.5:
        return r.choice(words) + str(r.randint(10, 2030)) + r.choice("!@#$%&*?")
    return _rand(r, ALNUM + "!@#$%^&*-_", r.randint(10, 20)) + r.choice(string.digits)


SECRETS = {
    "AWS_KEY_ID": lambda r: r.choice(("AKIA", "ASIA"))
    + _rand(r, string.ascii_uppercase + "234567", 16),
    "AWS_SECRET": lambda r: _rand(r, B64, 40),
    "GITHUB_TOKEN": lambda r: r.choice(("ghp_", "gho_", "ghs_")) + _rand(r, ALNUM, 36),
    "GITHUB_PAT": lambda r: "github_pat_" + _rand(r, ALNUM, 22) + "_" + _rand(r, ALNUM, 59),
    "OPENAI_KEY": lambda r: r.choice((
        "sk-" + _rand(r, ALNUM, 48),
        "sk-proj-" + _rand(r, B64URL, 74) + "T3BlbkFJ" + _rand(r, B64URL, 74))),
    "ANTHROPIC_KEY": lambda r: "sk-ant-api03-" + _rand(r, B64URL, 93) + "AA",
    "SLACK_TOKEN": lambda r: r.choice(("xoxb-", "xoxp-")) + _digits(r, 12) + "-" + _digits(r, 13)
    + "-" + _rand(r, ALNUM, 24),
    "GOOGLE_KEY": lambda r: "AIza" + _rand(r, B64URL, 35),
    "STRIPE_KEY": lambda r: r.choice(("sk_live_", "rk_live_", "sk_test_")) + _rand(r, ALNUM, 24),
    "JWT": jwt,
    "HEX_TOKEN": lambda r: _rand(r, "0123456789abcdef", r.choice((32, 40, 64))),
    "PASSWORD": password,
    "PRIVATE_KEY": private_key,
}


# -- near misses and other unlabeled fillers -----------------------------------------------

def order_number(r: random.Random) -> str:
    return r.choice((_digits(r, 8), _digits(r, 10), f"{_digits(r, 3)}-{_digits(r, 7)}",
                     f"{r.choice(('A', 'ORD', 'PO', 'INV'))}-{_digits(r, 6)}", _digits(r, 12)))


def version(r: random.Random) -> str:
    a, b, c = r.randint(0, 20), r.randint(0, 30), r.randint(0, 99)
    return r.choice((f"{a}.{b}.{c}", f"v{a}.{b}.{c}", f"{a}.{b}",
                     f"{a}.{b}.{c}.{r.randint(1000, 30000)}", f"{a}.{b}.{c}-rc{r.randint(1, 5)}"))


def uuid(r: random.Random) -> str:
    h = _rand(r, "0123456789abcdef", 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def amount(r: random.Random) -> str:
    return r.choice((f"${r.randint(1, 99_999):,}.{r.randint(0, 99):02d}",
                     f"€{r.randint(1, 9_999):,}", f"{r.randint(1, 5_000)} EUR",
                     f"£{r.randint(1, 999)}.{r.randint(0, 99):02d}"))
