"""Street addresses around a house number found in text.

Two layouts. Number first: "221B Baker Street, London NW1 6XE", "1600 Pennsylvania Ave NW,
Washington, DC 20500", "17 avenue Jean Jaurès, 69007 Lyon", "Unit 4/18 Smith St, Parramatta
NSW 2150". Name first: "Hauptstraße 5, 10115 Berlin", "Karl Johans gate 22, 0159 Oslo",
"ul. Marszałkowska 84/92, 00-514 Warszawa", "Calle de Alcalá 45, 3º izq., 28014 Madrid".
Apartment and floor parts follow the number; a tail of cities, regions and a postcode (either
order) may follow the street. Precision first: a street needs a street word, or else a
postcode and a city after it ("Vinohradská 1511, Praha 3, 130 00"), and where that postcode is
plain digits ("Ilica 12, 10000 Zagreb", not "Standort 12, 2000 Kunden") a town known from
data/cities.txt or a line of its own; street words that are also English words ("gate",
"Place", rarer US types) need a postcode after them too.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from homeport.privacy.address_parts import (
    ABBR,
    AFTER_TYPES,
    AMBIGUOUS_PREFIX,
    EN_COMMON,
    EN_RARE,
    ENGLISH_AFTER,
    FR_TYPES,
    GERMAN_PREFIX,
    HOUSE,
    NAME,
    NOT_CITY,
    NOT_COMPOUND,
    NOT_GERMAN,
    NOT_STREET,
    NUMBER_MARKS,
    PARTICLE,
    PREFIX_LOWER,
    PREFIX_TYPES,
    PREPOSITIONS,
    SUFFIXES,
    TAIL_AFTER,
    TAIL_BEFORE,
    TAIL_CITY,
    UNITS,
    UP,
    L,
)
from homeport.privacy.address_plain import plain_address

_DIR = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)"
_WORD = rf"{UP}(?:{L}+|['’]{L}+)(?:['’\-]{L}+)*"  # "Baker", "O'Connell", "Saint-Denis"
_WORDS = rf"(?:(?:{_WORD}|{ABBR}|\d{{1,3}}(?:st|nd|rd|th)|de|la|of|the) +){{1,4}}"
_FR_CAP_WORDS = "Place|Square|Passage|Cours|Route|Promenade|Esplanade"  # "5 Place de la Concorde"
_FR_CAP = ("Rue|Avenue|Boulevard|Chemin|Quai|Allée|Impasse|Chaussée|Faubourg"
           rf"|(?:{_FR_CAP_WORDS})(?= (?:de|du|des|d')\b)")

# -- number first ----------------------------------------------------------------------------

_AFTER_NUMBER = re.compile(
    rf"(?:[A-Za-z]|\s?(?:bis|ter|quater))?,?\s+(?:{UP}|\d|(?:{FR_TYPES})\s)")
_NUMBER_FIRST = re.compile(
    rf"{HOUSE}(?:\s?(?:bis|ter|quater)\b)?,?\s+(?:"
    rf"(?P<fr>(?:{FR_TYPES}|{_FR_CAP})\s+(?:{PARTICLE}\s*)*{NAME}"
    rf"(?:[ \-](?:{PARTICLE}\s*)*{NAME})*)"
    rf"|(?:{_DIR}\.?\s+)?{_WORDS}(?:(?P<common>{EN_COMMON})|{EN_RARE})s?\b\.?"
    rf"(?:\s+{_DIR}\b\.?)?)"
)
# "Flat 2, " / "3rd floor, " / "Unit " before the house number
_UNIT_HEAD = re.compile(
    r"(?<!\w)(?:(?i:flat|apt|apartment|unit|suite|ste|level|lvl|floor|shop|room|rm|studio)\.?\s?#?"
    r"(?:\s?[A-Za-z]?\d{1,4}[A-Za-z]?(?:/\d{1,3})?\s*[,/]?\s*|\s?)"
    r"|\d{1,2}(?:st|nd|rd|th)\s(?i:floor)\s*,?\s*)$"
)

# -- name first ------------------------------------------------------------------------------

_PREFIX = frozenset(PREFIX_TYPES.split("|")) | frozenset(PREFIX_LOWER.split("|"))
_AFTER = frozenset(AFTER_TYPES.split("|"))
_PREFIX_WORDS = _PREFIX | {p.split(" ")[0] for p in _PREFIX if " " in p}
# Street types that may follow a house number, to skip the number-first regex cheaply
_TYPE_WORDS = frozenset(
    w.rstrip(".") + plural
    for alt in f"{EN_COMMON}|{EN_RARE}|{FR_TYPES}|{_FR_CAP_WORDS}".replace("\\", "").split("|")
    for w in (alt.replace("?", ""), re.sub(r".\?", "", alt))  # "Falls?": "Falls" and "Fall"
    for plural in ("", "s"))
_PARTICLES = frozenset(PARTICLE.strip("(?:)").split("|"))
# "Hauptstraße", "Nørrebrogade", "Kaiserring" (not "Engineering")
_COMPOUND = re.compile(rf"{UP}[\w\-]*?(?:{SUFFIXES})|{UP}[\w\-]{{3,}}(?<![aeiouyp])ring")
_SUFFIXES = (*SUFFIXES.replace("\\", "").split("|"), "ring")
_ADJECTIVE = re.compile(rf"{UP}{L}*(?:er|e|es|en)")  # "Landstraßer Hauptstraße"
_NAME = re.compile(rf"{NAME}\.?|{ABBR}")
_CAPITALISED = re.compile(_WORD)
_BREAK = re.compile(r".*[^\w.'’\-/]", re.S)  # up to the last character no street name has
_UNTYPED = re.compile(rf"{HOUSE},?[ \t]+(?:{_WORD}[ \t]+){{0,3}}{_WORD}(?=[ \t]*(?:,|\n))")
_CITY_PIN = re.compile(
    rf"[ \t]*(?:,|\n)[ \t]*{NAME}(?:[ \-]{NAME})?[ \t]*[-–]?[ \t]*[1-9]\d{{5}}(?!\w)")
# A postcode no ordinary number looks like: a region code and digits ("NSW 2687", "DC 20500"),
# British, Irish or Canadian letters and digits, a six-digit PIN
_STRONG_TAIL = re.compile(r"\b[A-Z]{2,3},?[ \t]+\d{4,5}\b|\b[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}\b"
                          r"|\b[A-Z]\d[A-Z][ \t]?\d[A-Z]\d\b|[-–][ \t]?[1-9]\d{5}(?!\d)")
_POSTCODE_NEXT = re.compile(r"[0-9A-Za-z/\-]{0,6}\.?,[ \t]*(?:[A-Z]{1,2}-|TK[ \t]?)?\d{3}")
_NAMED_NUMBER = re.compile(
    rf"(?<![\w\-])(?:{_WORD})(?:[ \t]+(?:{_WORD})){{0,2}}[ \t]+(?P<number>{HOUSE})\.?,[ \t]*"
    r"(?P<postcode>(?:[A-Z]{1,2}-|TK[ \t]?)?\d{5}|\d{4}-\d{3}|\d{5}-\d{3}|\d{3} \d{2}"
    r"|[A-Z]{1,2}-\d{4})"
    rf"[ \t]+(?P<city>{UP}{L}{{2,}}(?:['’\-]{L}+)*)")
_MILITARY_WORDS = frozenset({"PSC", "Unit", "CMR", "AA", "AE", "AP"})
_MILITARY = re.compile(r"(?:PSC|Unit|CMR) \d{4},? Box \d{4},?\s*(?:APO|FPO|DPO) A[AEP] \d{5}\b")
_SHIP = re.compile(rf"\bUS(?:NS|NV|S|CGC) {UP}{L}+\s*(?:APO|FPO|DPO) A[AEP] \d{{5}}$")
# Hungarian order: "1051 Budapest, Széchenyi István tér 9"
_CITY_HEAD = re.compile(rf"(?<![\w\-])\d{{4}}\s+{NAME},\s*$")
# Lowercase words that may stand right before a house number
_LOWER_BEFORE = frozenset({w for w in _AFTER if w[0].islower()} | NUMBER_MARKS)

_TAIL_BEFORE = re.compile(TAIL_BEFORE)
_TAIL_AFTER = re.compile(TAIL_AFTER)
_TAIL_CITY = re.compile(TAIL_CITY)
_UNITS = re.compile(UNITS)
_HOUSE = re.compile(rf"{HOUSE}(?!\w)")
_PUNCT_TO_SPACE = str.maketrans(dict.fromkeys("\"'(«“„[:;|,", " "))
_CLOSERS = ".,;:)\"'"
_DIGIT = re.compile(r"\d")
_ORDINALS = ("st ", "nd ", "rd ", "th ")
_TAIL_END = re.compile(r"[ \t]*(?:$|[\n,.;:)!?\"'|]|[a-zß-ÿ])")  # not "12000 Fans watched"
_LINE_END = re.compile(r"[ \t]*[\n;|\"]")  # the end of a line or a field
_DISTRICT = re.compile(r" (?:[A-Z]|\d{1,2}|\(.*\))$")
_WORDS_RE = re.compile(rf"{L}+")
_FOUR_DIGITS = re.compile(r"\d{4}")


def find_address(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The span of a street address around the short run of digits at text[s:e], if any."""
    found = _find_address(text, s, e)
    space = text.rfind(" ", s, e)
    if found is None and space != -1 and text[s:space].isdigit():
        found = _find_address(text, space + 1, e)  # "Apt. 931 441 Olivia Quays": the last
    return found


def _find_address(text: str, s: int, e: int) -> tuple[int, int] | None:
    if s == 0 or not text[s - 1].isalnum():
        after = _AFTER_NUMBER.match(text, e)
        space = text.find(" ", s, e) if after is None else -1
        if space != -1 and text.startswith(_ORDINALS, e):  # "350 5th Ave": the run is "350 5"
            e = space
            after = _AFTER_NUMBER.match(text, e)
        found = _number_first(text, s, e) if after is not None else None
        if found is not None:
            return found
    found = None
    if s >= 3 and text[s - 1] == " ":
        found = _name_first(text, s) or (
            _untyped_name_first(text, s) if _POSTCODE_NEXT.match(text, e) else None)
    if found is None and _FOUR_DIGITS.search(text, e, e + 60):  # a postcode may follow
        found = plain_address(text, s, e, _english())
    return found


def _untyped_name_first(text: str, s: int) -> tuple[int, int] | None:
    """A street of no known type before its number ("Petrokerason 11, 95536 Serres") counts
    with a postcode no ordinary number looks like right after it (five digits, 1234-567,
    12345-678, 123 45, a country prefix as in DK-2200; five plain digits before a town we
    know) and a town that is no English word."""
    for m in _NAMED_NUMBER.finditer(text, max(0, s - 60), min(len(text), s + 90)):
        if m.start("number") != s or _common_word(m.group("city")):
            continue
        if m.group("postcode").isdigit() and not _city_known(m.group("city")):
            continue  # five plain digits: "Gleis 4, 10115 Reisende" is no address
        return m.start(), m.end()
    return None


@functools.lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "common_words.txt"
    return frozenset(w.strip().lower() for w in path.read_text().splitlines()
                     if w and not w.startswith("#"))


def _common_word(word: str) -> bool:
    return word.lower() in _english()


def _number_first(text: str, s: int, e: int) -> tuple[int, int] | None:
    """Number first: "221B Baker Street, London NW1 6XE", "8, boulevard Haussmann, 75009 Paris"."""
    if _TYPE_WORDS.isdisjoint([w.rstrip(_CLOSERS) for w in text[e : e + 60].split()[:7]]):
        return _untyped(text, s)  # no street type among the next words: the regex needs not run
    m = _NUMBER_FIRST.match(text, s)
    if m is None:
        return _untyped(text, s)
    end = _units_end(text, m.end())
    tail = _TAIL_BEFORE.match(text, end)
    if tail is None and (m.group("fr") or m.group("common")):
        tail = _TAIL_AFTER.match(text, end) or (
            _TAIL_CITY.match(text, end) if m.group("common") else None)
    elif tail is None:
        return _untyped(text, s)  # "12 Oak Ridge" alone is too often something else
    head = _UNIT_HEAD.search(text, max(0, s - 24), s)
    return head.start() if head else s, tail.end() if tail else end


def _untyped(text: str, s: int) -> tuple[int, int] | None:
    """A street of a type we do not know ("5 Jennifer Deviation", "10, Bobal Ganj") counts only
    with a city and a postcode after it ("Roseton, NSW, 2687", "Mumbai-267663")."""
    m = _UNTYPED.match(text, s)
    if m is None:
        return None
    tail = _TAIL_BEFORE.match(text, m.end()) or _TAIL_AFTER.match(text, m.end()) or \
        _CITY_PIN.match(text, m.end())
    if tail is None or not _STRONG_TAIL.search(tail.group()):
        return None
    head = _UNIT_HEAD.search(text, max(0, s - 24), s)
    return head.start() if head else s, tail.end()


def _name_first(text: str, s: int) -> tuple[int, int] | None:
    """Name first: "Hauptstraße 5, 10115 Berlin", "ul. Marszałkowska 84/92", "Ilica 12, 10000
    Zagreb"; s is where the house number starts, right after a space."""
    word = text.rfind(" ", max(0, s - 30), s - 1) + 1
    before = text[word : s - 1].rstrip(",")
    cut = None if before.isalpha() else _BREAK.match(before)
    if cut is not None:  # "Anna;Hauptstraße 5", "Adresse:\nHauptstraße 5"
        word += cut.end()
        before = before[cut.end() :]
    if before in _MILITARY_WORDS:  # US military mail: "PSC 1234, Box 5678\nAPO AA 34012"
        m = _MILITARY.match(text, word) or _SHIP.search(text, max(0, word - 50), s + 5)
        return m.span() if m is not None else None
    if before[:1].isupper():
        if before.lower() in NOT_STREET:
            return None  # "Windows 11", "Chapter 4", "Spring 2024"
    elif before not in _LOWER_BEFORE and not before.endswith(_SUFFIXES):
        return None  # most numbers in prose follow a lowercase word: "in 2023", "rose 7.5"
    number = _HOUSE.match(text, s)
    if number is None:
        return None
    street_word = (before.endswith(_SUFFIXES) or _is_compound(before) or before in _AFTER
                   or before in NUMBER_MARKS
                   or not _PREFIX_WORDS.isdisjoint(
                       text[max(0, s - 60) : s].translate(_PUNCT_TO_SPACE).split()))
    if not street_word and _DIGIT.search(text, number.end(), number.end() + 40) is None:
        return None  # no street word, and no postcode after it
    j = word - 1 if before in NUMBER_MARKS else s - 1  # "Strada Lipscani nr. 5"
    comma = j > 0 and text[j - 1] == ","  # "Avenida da Liberdade, 110", "Rua Nova, nº 5"
    words = _words_before(text, j - 1 if comma else j) if j > 0 else []
    if not words:
        return None
    end = _units_end(text, number.end())
    if text.startswith(".\n", end):  # Hungarian "Rákóczi krt. 12.\n1072 Budapest"
        end += 1
    tail = _TAIL_AFTER.match(text, end) or _TAIL_BEFORE.match(text, end)
    street = _street(words) if street_word else None
    if street is not None:
        start, needs_postcode = street
        if tail is None and (needs_postcode or _year_like(text, s, number.end())):
            return None  # "Spring 2024" is a season, "Delta gate 12" no street
    else:
        bare = _bare_street(words) if tail is not None and not comma else None
        if bare is None or tail is None or not _plausible_bare(text, bare, s, number, tail):
            return None
        start = bare
    head = _CITY_HEAD.search(text, max(0, start - 30), start)
    return head.start() if head else start, tail.end() if tail else end


def _units_end(text: str, i: int) -> int:
    """Where the apartment and floor parts after text[i] end ("Apt 4B", ", 2. OG")."""
    m = _UNITS.match(text, i)
    return m.end() if m is not None else i


def _words_before(text: str, j: int) -> list[tuple[int, str]]:
    """Up to 7 words before text[j], nearest last, back to a line break or punctuation."""
    words: list[tuple[int, str]] = []
    parts = text[max(0, j - 60) : j].split(" ")
    if j > 60 and (len(parts) > 1 or parts[0].isalpha()):
        parts = parts[1:]  # the first one may be cut in two (a long token: where it breaks)
    for w in reversed(parts[-7:]):
        j -= len(w)
        cut = None if w.isalpha() else _BREAK.match(w)
        if cut is not None:  # "Biuro:", "Bezoekadres\nPrinsengracht"
            if cut.end() < len(w):
                words.append((j + cut.end(), w[cut.end() :]))
            break
        if w:
            words.append((j, w))
        j -= 1
    words.reverse()
    return words


def _street(words: list[tuple[int, str]]) -> tuple[int, bool] | None:
    """Where the street named by `words` (ending right before the number) starts, and whether
    it also needs a postcode after it; None if no street word says it is a street."""
    start, last = words[-1]
    n = len(words)
    if _is_compound(last):
        if n > 2 and f"{words[-3][1]} {words[-2][1]}" in _PREFIX:  # "An der Alster"
            start = words[-3][0]
        elif n > 1 and (words[-2][1] in _PREFIX or _ADJECTIVE.fullmatch(words[-2][1])):
            start = words[-2][0]  # "Am Kupfergraben", "Landstraßer Hauptstraße"
        return start, False
    lower_compound = last[0].islower() and last.endswith(_SUFFIXES)  # "Hervannan valtaväylä"
    if last in _AFTER or lower_compound:  # "Karl Johans gate", "Széchenyi István tér"
        k = n - 1
        while k > max(0, n - 4) and (_NAME.fullmatch(words[k - 1][1])
                                     or (words[k - 1][1] in _PARTICLES and k > 1)
                                     or (k > 1 and last not in ENGLISH_AFTER
                                         and words[k - 1][1].isalpha()
                                         and words[k - 1][1].islower()
                                         and _NAME.fullmatch(words[k - 2][1]) is not None)):
            k -= 1  # "Ady endre utca" (a given name written in lower case)
        if k < n - 1 and words[k][1] not in _PARTICLES:
            return words[k][0], last in ENGLISH_AFTER or lower_compound
    if not _NAME.fullmatch(last) or _PREFIX_WORDS.isdisjoint([w for _, w in words[:-1]]):
        return None
    for k in range(n - 2, max(-1, n - 7), -1):  # "Calle de Alcalá", "Corso Vittorio Emanuele II"
        prefix = words[k][1]
        if k > 0 and f"{words[k - 1][1]} {prefix}" in _PREFIX:
            k, prefix = k - 1, f"{words[k - 1][1]} {prefix}"
        elif prefix not in _PREFIX:
            if any(c.isdigit() for c in prefix):
                return None
            continue
        name = words[k + 1 + prefix.count(" ")][1]
        if name.lower() in NOT_STREET or (prefix in GERMAN_PREFIX and name in NOT_GERMAN):
            return None
        return words[k][0], prefix in AMBIGUOUS_PREFIX and name not in _PARTICLES
    return None


def _is_compound(word: str) -> bool:
    """"Hauptstraße", "Nørrebrogade", "Hans-Müller-Straße", "Karl-Marx-Allee"."""
    if word.endswith(_SUFFIXES):
        return _COMPOUND.fullmatch(word) is not None and word not in NOT_COMPOUND
    return "-" in word and word.rpartition("-")[2] in _AFTER and word[0].isupper()


def _bare_street(words: list[tuple[int, str]]) -> int | None:
    """A street named without a street word: "Vinohradská", "Unter den Linden"."""
    n = len(words)
    if not _CAPITALISED.fullmatch(words[-1][1]):
        return None
    k = n - 1
    while k > max(0, n - 4) and (_CAPITALISED.fullmatch(words[k - 1][1])
                                 or (words[k - 1][1] in _PARTICLES and k > 1)):
        k -= 1
    while words[k][1] in _PARTICLES:
        k += 1
    if k > 0 and words[k - 1][1] in PREPOSITIONS:
        k -= 1
    return words[k][0]


def _year_like(text: str, s: int, e: int) -> bool:
    return e - s == 4 and text[s] in "12"


def _plausible_bare(text: str, start: int, s: int, number: re.Match[str],
                    tail: re.Match[str]) -> bool:
    """A street named without a street word: "Vinohradská 1511, Praha 3, 130 00" and not
    "Python 3, 2024 Release notes" or "Mission 2030, 2040 Targets"."""
    words = text[start:s].split()
    if words[0].lower() in NOT_STREET or words[-1].lower() in NOT_STREET:
        return False
    if len(words[-1]) > 1 and words[-1].isupper():
        return False  # "ISO 9001", "COP 28"
    if number.end() - s == 4 and text[s : s + 2] in ("19", "20"):
        return False
    part = text[tail.start() : tail.end()]
    city = tail.group("city")
    if city is None or not NOT_CITY.isdisjoint(w.lower() for w in _WORDS_RE.findall(part)):
        return False  # "10000" alone, "2024 Edition", "19 May 2025"
    if tail.re is _TAIL_BEFORE and not (  # ", Praha 3, 130 00": set apart, nothing capitalised next
            part[0] in ",\n" and _TAIL_END.match(text, tail.end()) is not None):
        return False
    if not tail.group("postcode").isdigit():
        return True  # "130 00", "00-514", "1012 PH", "LV-1010": shaped like no count
    # "10000 Zagreb" but not "Standort 12, 2000 Kunden": a known city, or a line of its own
    return ("\n" in text[number.end() : tail.end()] or _city_known(city)
            or _LINE_END.match(text, tail.end()) is not None)


def _city_known(city: str) -> bool:
    """Whether `city` (maybe with a district: "Praha 3", "(MI)") is a town in data/cities.txt."""
    towns = _towns()
    city = _DISTRICT.sub("", city)
    return city in towns or city.split(" ")[0] in towns


@functools.cache
def _towns() -> frozenset[str]:
    try:
        lines = (Path(__file__).parent / "data" / "cities.txt").read_text("utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w and not w.startswith("#"))
