"""Street addresses around a house number found in text.

Three orders: number, street name, street type ("221B Baker Street", "1600 Pennsylvania Ave
NW, Washington, DC 20500", "12/41, Tella Path, Guna 449786"); French ("12 rue de Rivoli,
75001 Paris"); street before number ("Hauptstraße 5, 10115 Berlin", "Via Roma 12"). Precision
first: common street types ("Street", "Ave") stand alone, the long tail of USPS/Royal Mail
types ("Ridge", "View", "Path") counts only with a city and a postcode after it.
"""

from __future__ import annotations

import re

_NUM = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"
_DIR = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)"
_WORDS = r"(?:(?:[A-Z][a-zA-Z'\-]+|\d{1,3}(?:st|nd|rd|th)|de|la|of|the)\s+){1,4}"
_COMMON = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq"
    "|Terrace|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Way|Close|Crescent|Mews|Trail|Alley|Plaza"
    "|Turnpike|Expressway|Loop|Pike"
)
_RARE = (
    "Bend|Bluff|Branch|Bridge|Brook|Burg|Bypass|Camp|Canyon|Cape|Causeway|Center|Centre|Cliff"
    "|Common|Corner|Course|Cove|Creek|Crest|Crossing|Curve|Dale|Dam|Divide|Estate|Extension"
    "|Falls?|Ferry|Field|Flats?|Ford|Forest|Forge|Fork|Fort|Freeway|Gardens?|Gate|Gateway|Glen"
    "|Green|Grove|Harbor|Harbour|Haven|Heights|Hill|Hollow|Inlet|Island|Isle|Junction|Key|Knoll"
    "|Lake|Landing|Light|Lock|Lodge|Mall|Manor|Meadow|Mill|Mission|Motorway|Mount|Mountain"
    "|Neck|Orchard|Oval|Overpass|Park|Pass|Passage|Path|Pine|Plain|Point|Port|Prairie|Radial"
    "|Ramp|Ranch|Rapids?|Rest|Ridge|Rise|River|Route|Row|Run|Shoal|Shore|Skyway|Spring|Spur"
    "|Station|Stravenue|Stream|Summit|Trace|Track|Trafficway|Tunnel|Underpass|Union|Vale"
    "|Valley|Via|View|Village|Ville|Vista|Walk|Wall|Wells?|Wharf|Yard|Crossroads?|Throughway"
    "|Club|Loaf|Rue|Marg|Nagar|Chowk|Ganj|Bazaa?r"
)
_UNIT = (r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|Room|Rm|Flat|Bldg|#)\.?\s*#?\s*"
         r"[A-Za-z0-9\-]+)?")
_CITY = r",\s*[A-Z][a-z][a-zA-Z]*(?:[ \-][A-Z][a-z][a-zA-Z]*){0,2}"
_REGION = r",?\s*[A-Z]{2}\b"
_POSTCODE = r"(?:,?[\s\-]*(?:\d{5}(?:-\d{4})?|\d{6})\b|,?\s*[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b)"
_STREET = rf"{_NUM},?\s+(?:{_DIR}\.?\s+)?{_WORDS}"
_DIR_AFTER = rf"(?:\s+{_DIR}\b\.?)?"
_COMMON_ADDRESS = re.compile(
    rf"{_STREET}(?:{_COMMON})s?\b\.?{_DIR_AFTER}{_UNIT}(?:{_CITY})?(?:{_REGION})?(?:{_POSTCODE})?"
)
_RARE_ADDRESS = re.compile(
    rf"{_STREET}(?:{_RARE})s?\b\.?{_DIR_AFTER}{_UNIT}{_CITY}(?:{_REGION})?{_POSTCODE}"
)
_FRENCH = re.compile(
    r"\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|quai|chemin|allée"
    r"|impasse|cours|route)\s+(?:(?:de|du|des|la|le|l'|d')\s*)*[A-ZÉÈ][\w'\-]+"
    r"(?:[\s\-][A-ZÉÈ][\w'\-]+)*(?:,?\s*\d{5}\s+[A-ZÉÈ][\w'\-]+(?:[\s\-][\w'\-]+)*)?"
)
_AFTER_NUMBER = re.compile(r"[A-Za-z]?,?\s+[A-Z0-9]")
_FRENCH_TYPES = ("rue ", "avenue ", "av. ", "boulevard ", "bd ", "place ", "quai ", "chemin ",
                 "allée ", "impasse ", "cours ", "route ", "bis ", "ter ")
# Streets named before their number: "Hauptstraße 5", "Rico-Steuer-Weg 56/30", "Via Roma 12".
_STREET_BEFORE = re.compile(
    r"(?:[A-ZÄÖÜ][\w\-]*(?:[Ss]tra(?:ß|ss)e|[Ss]tr\.|[Ww]eg|[Aa]llee|[Pp]latz|[Gg]asse|[Dd]amm"
    r"|[Uu]fer|[Pp]fad|[Ss]teig|[Cc]haussee|[Gg]raben|straat|laan|gracht|plein|kade|gatan"
    r"|vägen|gade|vej)|[A-ZÄÖÜ][\w\-]{4,}ring|[A-ZÄÖÜ][\w\-]*-Ring|(?:Calle|Carrer|Via|Viale|Piazza|Corso|Avenida"
    r"|Rua|Rue)\s+(?:(?:de|del|la|di|da|dos|das)\s+)*[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?"
    r"|(?:Am|An der|Auf der|Im|Zum|Zur)\s+[A-ZÄÖÜ][\w\-]+)\s+$"
)
_NUMBER_AFTER_STREET = re.compile(r"\d{1,4}\s?[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}[a-z]?)?(?!\w)")
_POSTCODE_CITY = re.compile(r",?\s*\d{4,5}\s+[A-ZÄÖÜ][\w\-]+")


def find_address(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The span of a street address around the short run of digits at text[s:e], if any."""
    if s == 0 or not text[s - 1].isalnum():
        if _AFTER_NUMBER.match(text, e):
            m = _COMMON_ADDRESS.match(text, s) or _RARE_ADDRESS.match(text, s)
            if m is not None:
                return s, m.end()
        elif text[e : e + 12].lstrip(", ").lower().startswith(_FRENCH_TYPES):
            m = _FRENCH.match(text, s)
            if m is not None:
                return s, m.end()
    if s >= 3 and text[s - 1] == " ":
        word = text.rfind(" ", max(0, s - 30), s - 1)
        if not text[word + 1].isupper():
            return None
        street = _STREET_BEFORE.search(text, max(0, s - 50), s)
        number = _NUMBER_AFTER_STREET.match(text, s) if street is not None else None
        if street is None or number is None:
            return None
        tail = _POSTCODE_CITY.match(text, number.end())
        if tail is None and number.end() - s == 4 and text[s] in "12":
            return None  # "Spring 2024" is a season, not an address
        return street.start(), tail.end() if tail else number.end()
    return None
