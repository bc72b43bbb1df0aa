"""Build the name lists that `homeport.privacy.names` ships (src/homeport/privacy/data/).

    .venv/bin/python bench/privacy/names_build.py    # needs Debian's wamerican-small

Sources, each with a licence that allows shipping a derived list inside Apache-2.0 Homeport:

* first names and surnames: Faker 40.x (MIT), the person providers of all its locales,
  Latin-script entries only (romanised Chinese and Japanese names included), each
  also without its accents; installed in
  bench/.venvs/faker by heldout.py, as the held-out check uses it;
* places: the IANA time zone database (public domain; Debian's tzdata in /usr/share/zoneinfo):
  country names (iso3166.tab) and the cities that name time zones ("Asia/Kuala_Lumpur"):
  "Sierra Leone" or "Hong Kong" is no person; with US, Canadian and Australian states;
* common English words: SCOWL (Kevin Atkinson's word lists, size 35, as Debian's
  wamerican-small: /usr/share/dict/american-english-small), its lower-case words. A name
  that is also such a word ("Will", "Grace", "Bill") is not taken as a name by itself.

Because Faker's names are now in the lists, Faker's PERSON figures in heldout.py no longer
measure held-out names; names_heldout.py does, with names from other sources.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "src" / "homeport" / "privacy" / "data"
SCOWL = Path("/usr/share/dict/american-english-small")
TZ = Path("/usr/share/zoneinfo")  # Debian's tzdata: the IANA time zone database

sys.path.insert(0, str(HERE.parents[1] / "src"))
from homeport.privacy.names import fold  # noqa: E402

_LATIN = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
_UP = "A-Z" + "".join(c for c in map(chr, _LATIN) if c.isupper())
_LOW = "a-z" + "".join(c for c in map(chr, _LATIN) if c.islower())
# One name word as homeport.privacy.names matches it: capital, then lower-case letters.
WORD = re.compile(rf"[{_UP}][{_LOW}]+(?:['\-][{_UP}]?[{_LOW}]+)*|[{_UP}]'[{_UP}][{_LOW}]+")
PARTICLES = {"de", "da", "van", "von", "der", "den", "del", "dos", "di", "le", "la", "bin", "ibn",
             "al", "el", "du", "des", "ten", "ter", "y", "e", "o", "ó", "ní", "nic", "mac", "ap"}


def _values(x: object) -> list[str]:
    if isinstance(x, dict):
        return [k for k in x if isinstance(k, str)]
    if isinstance(x, (tuple, list)):
        return [v for v in x if isinstance(v, str)]
    return []


def _words(entry: str) -> set[str]:
    """The name words of one Faker entry ("Klaus-Dieter", "Van Rompaey", "CHIN" -> "Chin")."""
    out: set[str] = set()
    entry = unicodedata.normalize("NFC", entry)
    for part in entry.strip().split():
        if part.isupper() and len(part) > 1:
            part = part.title()
        if part.lower() in PARTICLES or not WORD.fullmatch(part):
            continue
        out.add(part)
        if "-" in part:  # the parts of a double name are names too
            out.update(p for p in part.split("-") if WORD.fullmatch(p))
    return out | {fold(w) for w in out}  # "Nguyễn" is often written "Nguyen"


def faker_names() -> tuple[set[str], set[str]]:
    sys.path.insert(0, str(HERE))
    from heldout import faker

    faker()  # installs Faker into bench/.venvs/faker when missing
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for m in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{m.name}").Provider
        for attr in dir(provider):
            target = (first if attr.startswith(("first_name", "first_romanized_name")) else
                      last if attr.startswith(("last_name", "last_romanized_name")) else None)
            if target is None:  # first_names, first_names_female, last_romanized_names, ...
                continue
            for entry in _values(getattr(provider, attr)):
                target.update(_words(entry))
    return first, last


def common_words() -> set[str]:
    words = SCOWL.read_text(encoding="utf-8").split()
    return {w for w in words if w.isalpha() and w.islower() and len(w) > 1}


# States and provinces of the US, Canada and Australia, written here.
REGIONS = {
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
    "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
    "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
    "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota",
    "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia",
    "Wisconsin", "Wyoming", "Ontario", "Quebec", "Alberta", "Manitoba", "Saskatchewan",
    "British Columbia", "Nova Scotia", "New Brunswick", "Newfoundland", "Queensland",
    "Tasmania", "New South Wales", "Western Australia", "South Australia",
}


def places() -> set[str]:
    """Country names, time zone cities ("Asia/Kuala_Lumpur"), US states and the like."""
    out: set[str] = set()
    for line in (TZ / "iso3166.tab").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name = re.sub(r"\(.*?\)", "", line.split("\t")[1])
            out.update(" ".join(p.split()) for p in name.split("&"))
    for path in TZ.rglob("*"):
        if path.parent != TZ and not {"posix", "right", "Etc"} & set(path.parts):
            out.add(path.name.replace("_", " "))
    out |= {"Saint " + p[3:] for p in out if p.startswith("St ")} | REGIONS
    out = {p[4:] if p.startswith("the ") else p for p in out}
    return {p for p in out if all(WORD.fullmatch(w) or w.islower() for w in p.split())}


def write(name: str, header: str, words: set[str]) -> None:
    lines = [f"# {h}" if h else "#" for h in header.strip().splitlines()]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text("\n".join([*lines, *sorted(words)]) + "\n", encoding="utf-8")
    print(f"{name}: {len(words)} entries")


def main() -> None:
    first, last = faker_names()
    faker_note = """
Derived from Faker 40 (https://github.com/joke2k/faker): the person providers of all its
locales, Latin-script entries, each also without accents; built by
bench/privacy/names_build.py.
Copyright (c) 2012 Daniele Faraglia. MIT License; the full notice is in data/README.md.
"""
    write("first_names.txt", "First names." + faker_note, first)
    write("surnames.txt", "Surnames." + faker_note, last)
    write("places.txt", """
Places: country names and time zone cities of the IANA time zone database (Debian tzdata),
which is in the public domain; states and provinces of the US, Canada and Australia.
See data/README.md.
""", places())
    write("common_words.txt", """
Lower-case English words: SCOWL size 35 (Debian wamerican-small), by Kevin Atkinson.
Copyright 2000-2011 by Kevin Atkinson; permission notice in data/README.md.
""", common_words())


if __name__ == "__main__":
    main()
