"""Street addresses of no street type that privacy.addresses knows, by their layout alone: a
street, a house number, a postcode and a town, in either order of street and number:
"Mlinarska 6, 85783 Krapina", "Tošovac 0b/1, 80120 Benkovac", "13 Korenbloemstraat, 1599
Virton", "1388 Parnasvej, DK-7358 Brabrand", "72 Wakatahi Amble, Francisneath 6097".

Precision comes from the whole layout: every word of the street and the town capitalised and no
English word (data/common_words.txt: "Chapter 4, 2019 Edition" is none), a postcode of four or
five digits (or with a country prefix), and the town followed by the end of the text, a line
or a clause.
"""

from __future__ import annotations

import re

from homeport.privacy.address_parts import NOT_CITY, NOT_STREET, UP, L

_WORD = rf"{UP}{L}+(?:['’\-]{L}+)*"
_STREET = rf"{_WORD}(?:[ \t]+(?:{_WORD}|gang|vej|vei|veien|gate|gata|gatan|utca|út|tér|tie|katu))" \
          r"{0,2}"
_HOUSE = r"\d{1,4}[A-Za-z]?(?:/\d{1,3}[A-Za-z]?)?"
_POSTCODE = r"(?:[A-Z]{1,2}-)?\d{4,5}"
_TOWN = (rf"{UP}[^\W\d_A-Z]{L}*(?:['’\-]{L}+)*"  # not in capitals ("10000 EUR")
         rf"(?:[ \-](?:{_WORD}|am|an|an der|sur|sous|de|la|le)){{0,2}}")
_END = r"(?=[ \t]*(?:$|[\n,.;:)!?|\"<]|[ \t][\-–][ \t]))"
_NAME_FIRST = re.compile(
    rf"(?P<street>{_STREET})[ \t]+(?P<number>{_HOUSE})\.?,[ \t]*(?P<postcode>{_POSTCODE})"
    rf"[ \t]+(?P<town>{_TOWN}){_END}")
_NUMBER_FIRST = re.compile(
    rf"(?P<number>{_HOUSE})[ \t]+(?P<street>{_STREET})(?:,[ \t]*|[ \t]*\n[ \t]*)"
    rf"(?:(?P<postcode>{_POSTCODE})[ \t]+(?P<town>{_TOWN})"
    rf"|(?P<town2>{_TOWN})[ \t]+(?P<postcode2>\d{{4}})){_END}")
_LETTERS = re.compile(rf"{L}+")
_POSTCODE_AFTER = re.compile(rf"[A-Za-z]?(?:/\d{{1,3}}[A-Za-z]?)?\.?,[ \t]*{_POSTCODE}[ \t]+{UP}")
# Words of other languages before a number that name no street: platforms, rooms, accounts,
# pages; and after a postcode-sized number, no town: people, currencies, things
_NOT_STREET = frozenset(str.split(
    "gleis bahnsteig konto zimmer raum saal halle tor seite kapitel abschnitt artikel heft band"
    " nummer stock etage kasse schalter linie zug flug sitz reihe sala stanza piano binario"
    " pokój peron perron spor kamer zaal pagina hoofdstuk sida kapitel rum plads side sivu"
    " huone oldal szoba terem fejezet strana kapitola místnost soba stranica"))
_NOT_TOWN = frozenset(str.split(
    "reisende kunden gäste personen stück mitarbeiter einwohner besucher teilnehmer euro eur"
    " usd punkte stimmen dollar francs franken kronen kroner kronor złotych forint personas"
    " persone personnes mensen personer henkilöä osob lidí ljudi"))


def plain_address(text: str, s: int, e: int, common: frozenset[str]) -> tuple[int, int] | None:
    """The address whose house number is text[s:e], in one of the layouts above, if any;
    `common` holds lower-case English words."""
    if text.startswith(" ", e) and text[e + 1 : e + 2].isupper():  # "13 Korenbloemstraat"
        m = _NUMBER_FIRST.match(text, s)
        if m is not None and _plausible(m.group("street"), m.group("town") or m.group("town2"),
                                        common) and not _inside_word(text, s):
            return m.start(), m.end()
    if _POSTCODE_AFTER.match(text, e) is None:  # "Mlinarska 6, 85783 Krapina" needs it
        return None
    lo = max(0, s - 60)
    for m in _NAME_FIRST.finditer(text, lo, min(len(text), s + 80)):
        if m.start("number") == s and not _inside_word(text, m.start()) and _plausible(
                m.group("street"), m.group("town"), common):
            return m.start(), m.end()
        if m.start() > s:
            break
    return None


def _plausible(street: str, town: str, common: frozenset[str]) -> bool:
    street_words = [w.lower() for w in _LETTERS.findall(street)]
    town_words = [w.lower() for w in _LETTERS.findall(town)]
    if any(w in common for w in street_words if len(w) > 3 or w == street_words[-1]):
        return False  # "Chapter 4, ...", "Windows 10, ..."
    if any(w in NOT_STREET or w in _NOT_STREET for w in street_words):
        return False
    return not any(w in NOT_CITY or w in _NOT_TOWN or (w in common and len(w) > 2)
                   for w in town_words)


def _inside_word(text: str, i: int) -> bool:
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] in "-_")
