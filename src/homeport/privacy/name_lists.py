"""The name and place lists behind privacy.names and privacy.name_fields (data/*.txt; sources
and licences in data/README.md), and the questions asked of them: is a word a listed given name,
a surname (or marked as one by its ending), an English word, a place?"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

_DATA = Path(__file__).with_name("data")
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i",
                       "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th",
                       "Þ": "Th", "ð": "d", "ħ": "h", "’": "'"})
# Endings and prefixes that mark surnames: Turkish, Greek, Armenian, Georgian, Slavic,
# Romanian, Nordic, Baltic; Arabic and Hebrew "Al-Farsi", "El-Sayed", "Ben-David".
_SURNAME_MARK = re.compile(
    r"(?:oğlu|oglu|opoulos|poulos|akis|idis|iadis|yan|yants|shvili|dze|enko|chuk|czuk|vich"
    r"|vych|ović|ovic|ević|evic|wicz|escu|eanu|sson|dottir|dóttir|aitis|aitė|ienė|ytė|ski|ska"
    r"|sky|skyi|cki|cka|dzki|ov|ova|ev|eva)$|^(?:Al|El|Ben|Bin|Abu|Abd|Abdel|Abdul)-[A-Z]")
# Romanised Korean and Chinese given names: "Ha-eun", "Ji-hoon", "Ying-jeou".
_HYPHENATED_GIVEN = re.compile(r"[A-Z][a-z]{1,4}-[a-z]{2,5}")


@functools.cache
def _list(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    start = 0
    while start < len(lines) and lines[start].startswith("#"):  # the notice heads the file
        start += 1
    return frozenset(lines[start:]) - {""}


@functools.cache
def _places() -> tuple[frozenset[str], dict[str, tuple[tuple[str, ...], ...]]]:
    """One-word places, and places of several words by their first word."""
    single, multi = set(), defaultdict(list)
    for place in _list("places.txt") | {c for c in _list("cities.txt") if " " in c}:
        words = tuple(place.split())
        if len(words) == 1:
            single.add(place)
        else:
            multi[words[0]].append(words)
    return frozenset(single), {k: tuple(sorted(v, key=len, reverse=True))
                               for k, v in multi.items()}


@functools.cache
def _trigrams() -> dict[str, float]:
    """name_trigrams.txt: trigram -> how much likelier in a name than in an English word."""
    return {g: float(x) for g, _, x in (line.partition("\t")
                                         for line in _list("name_trigrams.txt"))}


def name_likeness(word: str) -> float:
    """Mean trigram score of `word`: above 0 it is spelled more like the listed names than
    like English words ("Tesfaye" 0.3, "Oluwaseun" 1.4; "Postgres" -1.0, "Copilot" -0.7)."""
    scores = _trigrams()
    w = "^" + fold(word).lower() + "$"
    grams = [w[i : i + 3] for i in range(len(w) - 2)]
    return sum(scores.get(g, scores[""]) for g in grams) / max(len(grams), 1)


def load() -> None:
    """Read the lists (once); detection reads them on first use otherwise."""
    for name in ("first_names.txt", "surnames.txt", "common_words.txt", "cities.txt"):
        _list(name)
    _places()
    _trigrams()


def fold(word: str) -> str:
    """`word` without accents: "Nguyễn" -> "Nguyen", "Wiśniewski" -> "Wisniewski"."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _known(word: str, names: frozenset[str]) -> bool:
    return word in names or (not word.isascii() and fold(word) in names)


def _parts(word: str) -> list[str]:
    return word.split("-") if "-" in word else [word]


def _first(word: str) -> bool:
    names = _list("first_names.txt")
    return (_known(word, names) or ("-" in word and _known(_parts(word)[0], names))
            or _HYPHENATED_GIVEN.fullmatch(word) is not None)


def _surname(word: str) -> bool:
    """A listed surname (double-barrelled: both listed)."""
    names = _list("surnames.txt")
    return _known(word, names) or ("-" in word and all(_known(p, names) for p in _parts(word)))


def _surname_like(word: str) -> bool:
    return _surname(word) or (len(word) > 5 and _SURNAME_MARK.search(word) is not None)


def _common(word: str) -> bool:
    """An English word ("Rust"); of a double word, each part ("Ha-eun" is none)."""
    if _HYPHENATED_GIVEN.fullmatch(word):
        return False
    words = _list("common_words.txt")
    return word.lower() in words or all(p.lower() in words for p in _parts(word))


def _place_word(word: str) -> bool:
    """A one-word place that is no surname ("Italy", "Texas"; not "Jordan", "Washington"),
    or a town that is no name either ("Praha"; not "Florence", "Lincoln")."""
    return ((word in _places()[0] and not _surname(word))
            or (word in _list("cities.txt") and not _surname(word) and not _first(word)))


def _city(word: str) -> bool:
    return word in _places()[0] or word in _list("cities.txt")


def is_place(text: str) -> bool:
    """Whether `text` names a country, state, time zone city or town ("Sri Lanka")."""
    words = tuple(text.split())
    return bool(words) and (text in _list("cities.txt") or text in _places()[0]
                            or words in _places()[1].get(words[0], ()))


@functools.cache
def _eponym_pattern() -> re.Pattern[str]:
    phrases = sorted(_list("eponyms.txt"), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w])",
                      re.I)


@functools.lru_cache(maxsize=64)
def eponym_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where `text` names a dish, drink or product after a person or place (data/eponyms.txt:
    "Beef Wellington", "Earl Grey")."""
    return tuple(m.span() for m in _eponym_pattern().finditer(text))


def in_eponym(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside such a name."""
    return any(a <= start and end <= b for a, b in eponym_spans(text))
