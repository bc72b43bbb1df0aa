"""Street addresses that a word names, in layouts the number-led reader (privacy.addresses) does
not know: the value of an address field ("Address:", "Anschrift:", "Morada:", "Lakcím:",
"Adresa:", `"address": "..."`, `<postal>...</postal>`, an "address" column) or of a phrase
("lives at", "bor på", "residente em", "wohnhaft in"); post-office boxes ("PO Box 23, Osborne
9492"); and streets without a house number before a postcode and town ("chemin Ribeiro, 39503
Julien-sur-Mer"). A value counts when it has a digit (a house number or postcode), a word of
three letters or more and a second token, and is no e-mail address, URL, date or number alone.
"""

from __future__ import annotations

import re

from homeport.entities import ADDRESS
from homeport.privacy.columns import cells_below
from homeport.types import Finding

SCORE = 0.74  # below the number-led reader (0.75), whose spans are exact where it finds one
# Substrings of the labels and phrases below: each is looked for, and the regexes are tried
# only at the start of the words that hold one (a regex over the whole text costs far more)
_PROBES = ("dres", "addr", "anschrift", "wohn", "direcci", "domicil", "indiriz", "morada",
           "endere", "lak", "bydl", "osoite", "ikamet", "prebiva", "resid", "post", "liv",
           "bor ", "mieszk", "demeur", "deliver", "late of", "box", "apartado")
_STREET_PROBES = ("rue ", "chemin ", "avenue ", "boulevard ")
_WORDS = (r"address|addr|adres(?:se|sen|a|ă|i)?|adressen?|anschrift|wohnanschrift|wohnadresse"
          r"|wohnort|direcci[óo]n|domicilio|indirizzo|morada|endere[çc]o|lakc[íi]m|bydli[šs]t[ěe]"
          r"|bydlisko|bostadsadress|postadress|hemadress|osoite|kotiosoite|ikametgah|adresi"
          r"|prebivali[šs]te|residenza|residence|postal")
_LABEL = re.compile(
    r"(?<![^\W\d_@.])(?i:(?:(?:home|postal|mailing|street|billing|shipping|residential|current"
    r"|permanent|correspondence|delivery|private|patient)[ _\-]?)?"
    rf"(?:{_WORDS})(?:[ _](?:zamieszkania|bydliště|do korespondencji|stanovanja|di residenza"
    r"|de resid[êe]ncia|fiscal|line ?1|du domicile))?)"
    r"(?:[\"']?\s*:\s*[\"']?|\s*=\s*[\"']?|>|[ \t]+[\-–][ \t]+|(?=\s*\n)"
    r"|[ \t]+(?=[A-ZÀ-Ý0-9]|(?:ul|al|os|pl|str|nám|rue|via|calle|rua|av)\.?\s))[ \t]*")
_PHRASE = re.compile(
    r"(?<![^\W\d_])(?:(?:lives|living|residing|resident|currently|resides|staying) (?:at|in)"
    r"|bor (?:på|i)|mieszka(?:jąc[ya])? (?:przy|w|na)|wohnhaft(?: in)?|wohnt in"
    r"|demeurant(?: au| à)?|domicili[ée]e? (?:au|à)|residente (?:em|en|in|a|na|no)"
    r"|bydl[íi] (?:v|na)|lakik|stanuje|živi (?:na|u)|deliver to|ship to|send to|late of"
    r"|zamieszka[łl]a?|prebiva(?:lište)?|trvalé bydliště|con domicilio en|domiciliad[oa] en)"
    r"[ \t:]+")
# Words before "address" that make it another kind of address
_OTHER_KIND = re.compile(r"(?:\bip|mac|e-?mail|email|web|wallet|memory|server|host|bitcoin|btc"
                         r"|eth|ethereum|contract|return|url|sender|mail|ipv[46])[ _\-]?$")
# ", tel. ...", ", born ...": a lower-case word after a comma ends an address, unless it is
# one of the words addresses have there ("12, rue ...", "Rua Nova, nº 5", "Długa 5, m. 3")
_COMMA_WORD = (
    r",\s(?!(?:rue|av|avenue|bd|boulevard|chemin|allée|impasse|place|quai|route|via|viale"
    r"|piazza|calle|avenida|rua|travessa|ul|ulica|al|os|utca|út|tér|ulice|strada|str|cesta"
    r"|gade|vej|gate|vei|gatan|apt|flat|unit|suite|bus|bte|esc|piso|bajo|puerta|dcha|izq|box"
    r"|no|nº|nr|n|m|lok|app|int|sc|andar|bl|et|ap)\b)[a-zà-ÿ]")
_FIELD_END = re.compile(rf"[\n|;\t\"<]|{_COMMA_WORD}|(?<=[a-zà-ÿ]{{3}})\.(?:\s|$)")
_PROSE_END = re.compile(
    rf"[\n;|(\"<]|\s(?:and|und|et|e|og|och|i|a|y|és|oraz|ve|și)\s|\s[\-–]\s|{_COMMA_WORD}"
    r"|(?<=[a-zà-ÿ]{3})\.(?:\s|$)")
_DIGIT = re.compile(r"\d")
_TRAILING_WORD = re.compile(r"\s(\d*[a-zà-ÿ]+)$")
_KEEP_LAST = frozenset(("tv", "th", "mf", "st", "izq", "dcha", "bajo", "esq", "dto", "bis",
                        "ter", "utca", "út", "tér", "vej", "gade", "gate", "vei", "gatan"))
_WORD3 = re.compile(r"[^\W\d_]{3}")
_NOT_ADDRESS = re.compile(r"@|://|^[\d\s./:+\-()]+$")
_CONTINUATION = re.compile(r"[^\n:@]{2,60}")
_CAPITALISED = re.compile(r"(?:[A-ZÀ-Ý][\w'’\-.]*\s*){1,3}")
_PO_BOX = re.compile(
    r"(?<![\w])(?:P\.?\s?O\.?\s?Box|Post Office Box|Postfach|Postboks|Boîte postale|Apartado)"
    r"\s\d{1,6}(?:,\s*|\s*\n\s*)(?:(?:[A-Z][\w'’\-]+\s){1,3}(?:[A-Z]{2,3},?\s)?\d{4,5}"
    r"|\d{4,5}\s(?:[A-Z][\w'’\-]+)(?:\s[A-Z][\w'’\-]+){0,2})(?![\w])")
_NO_NUMBER_STREET = re.compile(
    r"(?<![\w])(?:rue|avenue|boulevard|chemin|allée|impasse|place|quai|route|passage|square"
    r"|cours|Rue|Avenue|Boulevard|Chemin|Allée|Impasse|Place|Quai|Route)\s+(?:(?:de|du|des|la"
    r"|le|d'|l')\s*)*[A-ZÀ-Ý][\w'’\-]+(?:\s[A-ZÀ-Ý][\w'’\-]+){0,3},\s*\d{4,5}\s+[A-ZÀ-Ý]"
    r"[\w'’\-]+(?:[\s\-](?:[A-ZÀ-Ý][\w'’\-]*|sur|sous|en|le|la|les|de|du|des|am|an|der)(?![\w])){0,4}")


def find_address_fields(text: str, low: str, out: list[Finding]) -> None:
    """Append an ADDRESS finding for each address that a label, phrase or layout marks."""
    tried: set[int] = set()
    for probe in _PROBES:
        i = low.find(probe)
        while i != -1:
            start = i
            while start > 0 and text[start - 1].isalpha() and not (
                    text[start].isupper() and text[start - 1].islower()):
                start -= 1  # back to the start of the word ("homeAddress": to "home")
            if start not in tried:
                tried.add(start)
                _at(text, low, start, out)
            i = low.find(probe, i + len(probe))
    for probe in _STREET_PROBES:
        i = low.find(probe)
        while i != -1:
            m = _NO_NUMBER_STREET.match(text, i)
            if m is not None:
                out.append(Finding(ADDRESS, m.start(), m.end(), SCORE))
            i = low.find(probe, i + len(probe))


def _at(text: str, low: str, start: int, out: list[Finding]) -> None:
    """The label, phrase or post-office box that begins at text[start], if any."""
    m = _LABEL.match(text, start)
    if m is not None and not _OTHER_KIND.search(low, max(0, start - 12), start):
        _field(text, m.end(), m.group().rstrip().endswith(">"), out)
        if text.find("\n", m.end()) != -1:
            for a, b in cells_below(text, start, start + len(m.group().rstrip(" :=\"'"))):
                _add(text, a, b, out)
        return
    m = _PHRASE.match(low, start)
    if m is not None:
        end = _PROSE_END.search(text, m.end(), m.end() + 160)
        _add(text, m.end(), end.start() if end else min(len(text), m.end() + 160), out)
        return
    m = _PO_BOX.search(text, max(0, start - 8), start + 90)
    if m is not None and m.start() <= start < m.end():
        out.append(Finding(ADDRESS, m.start(), m.end(), SCORE))


def _field(text: str, start: int, xml: bool, out: list[Finding]) -> None:
    """The value after a label, to the end of its field; continued over up to two short lines
    (a street, then "1234 Town"), or begun on the next line when the label ends its line."""
    while start < len(text) and text[start] in " \t":
        start += 1
    if text.startswith("\n", start):
        start += 1
        while start < len(text) and text[start] in " \t":
            start += 1
    end = _FIELD_END.search(text, start, start + 160)
    stop = end.start() if end else min(len(text), start + 160)
    if not xml and end is not None and text[stop] == "\n":
        for _ in range(2):
            line = _CONTINUATION.match(text, stop + 1)
            if line is None or (line.end() < len(text) and text[line.end()] != "\n"):
                break
            value = line.group().strip()
            if not (_DIGIT.search(value) or _CAPITALISED.fullmatch(value)):
                break
            stop = line.end()
    _add(text, start, stop, out)


def _add(text: str, a: int, b: int, out: list[Finding]) -> None:
    while True:  # trailing punctuation and lower-case words ("..., 2150 after 5pm")
        while b > a and text[b - 1] in " \t\r\n,.;:'\")":
            b -= 1
        tail = _TRAILING_WORD.search(text, a, b)
        if tail is None or tail.group(1) in _KEEP_LAST:
            break
        b = tail.start()
    while a < b and text[a] in " \t\"'(":
        a += 1
    value = text[a:b]
    if (6 <= len(value) <= 160 and _DIGIT.search(value) and _WORD3.search(value)
            and (" " in value or "\n" in value) and not _NOT_ADDRESS.search(value)):
        out.append(Finding(ADDRESS, a, b, SCORE))
