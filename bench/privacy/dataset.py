"""A labeled, seeded data set for the privacy detectors.

Templated sentences in five domains (clinical notes, legal requests, banking requests, secrets
in code/config/logs, and negatives full of near misses) are filled with generated values:
checksum-valid cards and IBANs, valid SSNs, phone numbers phonenumbers accepts, IPs, secrets
of every supported kind, MRNs, dates of birth, street addresses, and names from many cultures.
Every filled value of a detected type is labeled with its exact character span.

    .venv/bin/python bench/privacy/dataset.py --out /tmp/privacy.jsonl   # dump it as JSONL
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generators as g
import identities as ids
from templates import DOMAINS


@dataclass
class Sample:
    text: str
    domain: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, type)


_SLOT = re.compile(r"(?<!\$)\{([A-Z0-9_]+)\}")


def _mrn(r: random.Random) -> str:
    d = string.digits
    return r.choice((
        "".join(r.choices(d, k=8)), "".join(r.choices(d, k=7)), "".join(r.choices(d, k=10)),
        r.choice("ABEHMPX") + "".join(r.choices(d, k=7)), "MR" + "".join(r.choices(d, k=6)),
        "-".join("".join(r.choices(d, k=3)) for _ in range(3)),
    ))


def _slots(r: random.Random) -> dict[str, tuple[str | None, Callable[[], str]]]:
    """Slot name -> (entity type or None for unlabeled filler, value generator)."""
    who, other, doc = ids.person(r), ids.person(r), ids.person(r)

    def phone() -> str:
        pool = g.NATIONAL_REGIONS if r.random() < 0.8 else g.FOREIGN_REGIONS
        return g.phone(r, r.choice(pool))

    slots: dict[str, tuple[str | None, Callable[[], str]]] = {
        "NAME": ("PERSON", lambda: ids.name_variant(r, who)),
        "NAME2": ("PERSON", lambda: ids.name_variant(r, other)),
        "GIVEN": ("PERSON", lambda: who.given),
        "FAMILY": ("PERSON", lambda: who.family),
        "DOC": ("PERSON", lambda: doc.family),
        "CITY": ("LOCATION", lambda: r.choice(ids.CITIES)),
        "COUNTRY": ("LOCATION", lambda: r.choice(ids.COUNTRIES)),
        "EMAIL": ("EMAIL", lambda: ids.email(r, who)),
        "EMAIL2": ("EMAIL", lambda: ids.email(r, other)),
        "PHONE": ("PHONE", phone),
        "CARD": ("CREDIT_CARD", lambda: g.card(r)),
        "IBAN": ("IBAN", lambda: g.iban(r)),
        "SSN": ("SSN", lambda: g.ssn(r, r.choice(("dashed", "dashed", "spaced", "bare")))),
        "SSN_DASHED": ("SSN", lambda: g.ssn(r)),
        "IPV4": ("IP", lambda: g.ipv4(r)),
        "IPV6": ("IP", lambda: g.ipv6(r)),
        "MRN": ("MRN", lambda: _mrn(r)),
        "DOB": ("DATE_OF_BIRTH", lambda: ids.date(r)),
        "ADDRESS": ("ADDRESS", lambda: ids.address(r)),
        "URL_PASSWORD": ("API_KEY", lambda: "".join(r.choices(g.ALNUM, k=r.randint(10, 18)))),
        "SLACK_WEBHOOK": ("API_KEY", lambda: "https://hooks.slack.com/services/T"
                          + "".join(r.choices(string.ascii_uppercase + string.digits, k=8)) + "/B"
                          + "".join(r.choices(string.ascii_uppercase + string.digits, k=10)) + "/"
                          + "".join(r.choices(g.ALNUM, k=24))),
        # unlabeled fillers and near misses
        "DATE": (None, lambda: ids.date(r, 2015, 2025)),
        "ORDER": (None, lambda: g.order_number(r)),
        "VERSION": (None, lambda: g.version(r)),
        "UUID": (None, lambda: g.uuid(r)),
        "AMOUNT": (None, lambda: g.amount(r)),
        "NUM": (None, lambda: str(r.randint(1, 9999))),
        "HASH": (None, lambda: "".join(r.choices("0123456789abcdef", k=r.choice((7, 40, 64))))),
        "BAD_CARD": (None, lambda: g.card(r, valid=False)),
        "BAD_IBAN": (None, lambda: g.iban(r, valid=False)),
        "BAD_SSN": (None, lambda: g.bad_ssn(r)),
        "BIGNUM": (None, lambda: f"{r.randint(1_000_000, 99_999_999):,}".replace(
            ",", r.choice((",", " ", ".")))),
    }
    for name, gen in g.SECRETS.items():
        slots[name] = ("API_KEY", (lambda gen=gen: gen(r)))  # type: ignore[misc]
    return slots


def fill(r: random.Random, template: str, domain: str) -> Sample:
    slots = _slots(r)
    sample = Sample("", domain)
    out, pos = [], 0
    for m in _SLOT.finditer(template):
        out.append(template[pos : m.start()])
        kind, gen = slots[m.group(1)]
        value = gen()
        start = sum(len(p) for p in out)
        out.append(value)
        if kind is not None:
            sample.spans.append((start, start + len(value), kind))
        pos = m.end()
    out.append(template[pos:])
    sample.text = "".join(out)
    return sample


def build(seed: int = 20240611, per_domain: int = 500) -> list[Sample]:
    """`per_domain` samples for each domain, templates used in turn, values drawn at random."""
    r = random.Random(seed)
    samples = []
    for domain, templates in DOMAINS.items():
        for i in range(per_domain):
            samples.append(fill(r, templates[i % len(templates)], domain))
    return samples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--per-domain", type=int, default=500)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    with args.out.open("w") as f:
        for s in build(args.seed, args.per_domain):
            f.write(json.dumps({"text": s.text, "domain": s.domain, "spans": s.spans}) + "\n")


if __name__ == "__main__":
    main()
