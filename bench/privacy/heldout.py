"""A held-out check with values the detectors were not written against: Faker's generators.

The main data set (dataset.py) and the detectors were written together, so its figures are a
best case. Here Faker (a separate project, several locales) makes the values and the names;
each value sits in a plain sentence and counts as found when a finding of its type overlaps it.
Negatives are Faker values that are no entity (ISBNs, EANs, dates, prices, UUIDs, hashes, prose).

PERSON: homeport.privacy.names ships name lists derived from Faker's (names_build.py), so the
PERSON rows here are no longer a held-out measure (the names are in the lists); they check
that the lists work. names_heldout.py measures PERSON on names from other sources.

    .venv/bin/python bench/privacy/heldout.py     # installs Faker into bench/.venvs/faker once
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAKER = HERE.parent / ".venvs" / "faker"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from homeport.privacy.ner import NerDetector  # noqa: E402
from homeport.privacy.recognizers import PatternDetector  # noqa: E402

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "en_IN")
NAME_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "en_IN", "es_ES", "it_IT", "pl_PL", "tr_TR",
                "nl_NL")
NAME_SENTENCES = (
    "{n} called yesterday about the delivery.", "I had lunch with {n} last week.",
    "The report was written by {n}.", "{n} and {m} will attend the meeting.",
    "Contact {n} for details.", "Thanks to {n} for the help with the migration.",
    "According to {n}, the budget is too small.", "Please ask {n} whether the invoice was paid.",
)


# Sentences with capitalised words but no person: months, products, places, organisations.
NO_PEOPLE = (
    "The release moved from May to June because of the Easter holidays.",
    "We flew from Hong Kong to Sierra Leone via Addis Ababa.",
    "The Apple Watch and the Microsoft Surface are on the Black Friday list.",
    "Victoria Station and Lincoln Park are both closed on Christmas Day.",
    "Quarterly Revenue Report For The European Market.",
    "Order the Chicken Tikka Masala with a Mango Lassi.",
    "Tickets for the Champions League final sold out in March.",
    "The New York office and the San Francisco office share one Slack workspace.",
)


def faker() -> type:
    if not FAKER.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(FAKER),
                        "faker==40.*"], check=True)
    sys.path.insert(0, str(FAKER))
    from faker import Faker

    return Faker  # type: ignore[no-any-return]


def main(n: int = 300) -> None:
    Faker = faker()
    pd = PatternDetector()
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def found(kind: str, text: str, value: str, type_: str) -> None:
        s = text.index(value)
        e = s + len(value)
        hit = any(f.type == type_ and f.start < e and s < f.end for f in pd.detect(text))
        hits[kind][0] += hit
        hits[kind][1] += 1

    def clean(kind: str, text: str) -> None:
        hits[kind][0] += not pd.detect(text)
        hits[kind][1] += 1

    r = random.Random(1)
    for loc in LOCALES:
        f = Faker(loc)
        f.seed_instance(1)
        for _ in range(n):
            p = f.phone_number()
            found(f"PHONE {loc}", f"Please call me at {p} tomorrow.", p, "PHONE")
            c = f.credit_card_number()
            found("CREDIT_CARD", f"My card number is {c}.", c, "CREDIT_CARD")
            i = f.iban()
            found("IBAN", f"Transfer to IBAN {i} please.", i, "IBAN")
            em = f.email()
            found("EMAIL", f"Write to {em} soon.", em, "EMAIL")
            a = f.address().replace("\n", ", ")
            found(f"ADDRESS {loc}", f"Ship it to {a}.", a, "ADDRESS")
            fmt = r.choice(("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%B %d, %Y", "%d %B %Y"))
            d = f.date_of_birth().strftime(fmt)
            found("DATE_OF_BIRTH", f"Patient {f.name()}, DOB: {d}, was admitted.", d,
                  "DATE_OF_BIRTH")
            clean("negative: dates, times", f"The meeting is on {f.date()} at {f.time()}.")
            clean("negative: ISBN, EAN", f"ISBN {f.isbn13()} and EAN {f.ean13()}.")
            clean("negative: order numbers", f"Order {f.random_number(digits=10, fix_len=True)} "
                  f"shipped; ref {f.bothify('??-########')}.")
            clean("negative: UUIDs, hashes", f"Request {f.uuid4()} hash {f.sha1()} build "
                  f"{f.numerify('#.##.###')}")
            clean("negative: prose", f.paragraph(nb_sentences=5))
    f = Faker("en_US")
    f.seed_instance(2)
    for _ in range(n):
        s = f.ssn()
        found("SSN", f"SSN: {s}", s, "SSN")
        found("IP", f"Blocked {(ip := f.ipv4())} at the firewall.", ip, "IP")
        found("IP", f"Blocked {(ip := f.ipv6())} at the firewall.", ip, "IP")
        clean("negative: prices", f"Total {f.pricetag()} for {f.random_int(1, 99999)} items.")

    ner = NerDetector()
    ner.load()
    people = [0, 0]  # PERSON findings on an inserted name, all PERSON findings
    for loc in NAME_LOCALES:
        f = Faker(loc)
        f.seed_instance(3)
        for _ in range(n // 3):
            name = f"{f.first_name()} {f.last_name()}"
            other = f"{f.first_name()} {f.last_name()}"
            text = r.choice(NAME_SENTENCES).format(n=name, m=other)
            s = text.index(name)
            spans = [(s, s + len(name))]
            if other in text[s + len(name):]:
                o = text.index(other, s + len(name))
                spans.append((o, o + len(other)))
            found_people = [x for x in ner.detect(text) if x.type == "PERSON"]
            hit = any(x.start < s + len(name) and s < x.end for x in found_people)
            hits[f"PERSON {loc}"][0] += hit
            hits[f"PERSON {loc}"][1] += 1
            people[0] += sum(any(x.start < e and b < x.end for b, e in spans)
                             for x in found_people)
            people[1] += len(found_people)
    for text in NO_PEOPLE:
        hits["negative: no PERSON"][0] += not any(x.type == "PERSON" for x in ner.detect(text))
        hits["negative: no PERSON"][1] += 1

    print(f"{'check':<28}{'found or clean':>16}")
    for kind, (h, total) in hits.items():
        print(f"{kind:<28}{h:>8}/{total:<5} {h / total:.3f}")
    print(f"{'PERSON precision':<28}{people[0]:>8}/{people[1]:<5} {people[0] / people[1]:.3f}")


if __name__ == "__main__":
    main()
