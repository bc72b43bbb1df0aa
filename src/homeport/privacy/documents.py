"""Passport and driving-licence numbers: a keyword in one of many languages ("passport no.",
"Reisepass-Nr.", "útlevélszám", "carta de condução n.º", "řidičský průkaz č."), then a token of
6-16 letters and digits with at least two digits (dates aside). Score 0.85 (DOC).
"""

from __future__ import annotations

import re

from homeport.entities import DRIVER_LICENSE, PASSPORT
from homeport.types import Finding

DOC = 0.85
DL_CONTEXT = re.compile(
    r"licen[cs]e|\bdl\b|f[üu]e?hrerschein|permis|conducir|patente|rijbewijs|jazdy")

# (probe, type, the keyword at the probe, words one of which must be in the 12 characters before)
_DOC_WORDS: tuple[tuple[str, str, re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (probe, kind, re.compile(rx), needs) for probe, kind, rx, needs in (
        ("pas", PASSPORT,
         r"(?:pass(?:port|eport|aporto|aporte|nummer|nr|in?)?s?|pasaporte|pasaport|paspoort\w*"
         r"|paszport\w*|pasu?)\b", ()),
        ("pașaport", PASSPORT, r"pașaport\w*", ()),
        ("paşaport", PASSPORT, r"paşaport\w*", ()),
        ("útlevél", PASSPORT, r"útlevél\w*", ()),
        ("putovnic", PASSPORT, r"putovnic\w*", ()),
        ("licen", DRIVER_LICENSE, r"licen[cs]es?\b", ("driv",)),
        ("dl", DRIVER_LICENSE, r"dl\b", ()),
        ("hrerschein", DRIVER_LICENSE, r"hrerschein\w*", ()),
        ("condu", DRIVER_LICENSE, r"condu(?:ire|cir|ção|cao|cere)\b",
         ("permis", "carnet", "carta", "carteira", "licencia")),
        ("habilita", DRIVER_LICENSE, r"habilita(?:ção|cao)\b", ("carteira", "cart.")),
        ("cnh", DRIVER_LICENSE, r"cnh\b", ()),
        ("patente", DRIVER_LICENSE, r"patente(?: di guida)?\b", ()),
        ("rijbewijs", DRIVER_LICENSE, r"rijbewijs\w*", ()),
        ("jazdy", DRIVER_LICENSE, r"jazdy\b", ()),
        ("kort", DRIVER_LICENSE, r"kort\w*", ("kör", "køre")),
        ("førerkort", DRIVER_LICENSE, r"førerkort\w*", ()),
        ("ajokort", DRIVER_LICENSE, r"ajokortti\w*", ()),
        ("řidič", DRIVER_LICENSE, r"řidič\w*(?: průkaz\w*)?", ()),
        ("ridic", DRIVER_LICENSE, r"ridic\w*(?: prukaz\w*)?", ()),
        ("vodič", DRIVER_LICENSE, r"vodič\w*(?: preukaz\w*)?", ()),
        ("vozač", DRIVER_LICENSE, r"vozač\w*(?: dozvol\w*)?", ()),
        ("jogosítv", DRIVER_LICENSE, r"jogosítvány\w*", ()),
        ("ehliyet", DRIVER_LICENSE, r"ehliyet\w*", ()),
    )
)
_BOUNDED = frozenset(("pas", "dl", "licen", "cnh"))  # must start a word ("reisepass" aside)
# "licence" without "driving", German "Pass" and Danish or Czech "pas", count only as "licence
# number", "Pass-Nr.", "pas č."
_NUMBER_WORD = re.compile(r"[\s\-]?(?:n(?:umber|ummer|o|r)\b|#|:|č\b|br\b|n\.o\b)")
_FILLER = (r"(?:number|num|nummer|numéro|numero|número|numer|nr|no|n°|n\.o|n:o|nro|n|id|is|was"
           r"|of|the|my|de|du|del|di|van|ist|est|es|è|é|är|er|č|číslo|cislo|br|broj|száma|számú"
           r"|szám|nummeret|numeret|jest|je)")
_DOC_VALUE = re.compile(
    rf"(?:[\s:#.\-=]*{_FILLER}(?!\w))*[\s:#.\-=(]*"
    r"([a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){5,19})(?![\w\-]|\.\w)")
_DATE_LIKE = re.compile(r"\d{1,4}-\d{1,2}-\d{1,4}")


def find_documents(text: str, low: str, out: list[Finding]) -> None:
    """Append a PASSPORT or DRIVER_LICENSE finding for each number after its keyword."""
    seen: set[int] = set()
    ascii_only = low.isascii()
    for probe, kind, rx, needs in _DOC_WORDS:
        if ascii_only and not probe.isascii():
            continue
        i = low.find(probe)
        while i != -1:
            k = rx.match(low, i)
            if k and _keyword_ok(low, probe, i, k.end(), needs):
                v = _DOC_VALUE.match(low, k.end())
                if v and v.start(1) not in seen and _doc_token(v.group(1), kind):
                    seen.add(v.start(1))
                    out.append(Finding(kind, v.start(1), v.end(1), DOC))
            i = low.find(probe, i + len(probe))


def _keyword_ok(low: str, probe: str, i: int, end: int, needs: tuple[str, ...]) -> bool:
    if probe in _BOUNDED and i and low[i - 1].isalpha() and not low.endswith("reise", 0, i):
        return False
    if needs and any(w in low[max(0, i - 12) : i] for w in needs):
        return True
    if probe == "licen" or (probe == "pas" and end - i <= 4):  # "licence", "Pass", "pas"
        return _NUMBER_WORD.match(low, end) is not None
    return not needs


def _doc_token(token: str, kind: str) -> bool:
    alnum = token.replace("-", "")
    if sum(c.isdigit() for c in alnum) < 2 or _DATE_LIKE.fullmatch(token):
        return False
    if kind == PASSPORT:
        return "-" not in token and 6 <= len(alnum) <= 12
    return 6 <= len(alnum) <= 16

