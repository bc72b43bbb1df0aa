"""Pattern detectors: regexes, checksums and context words for structured identifiers.

Built for speed on texts with few entities: one regex pass finds every run of digits and
each run is checked only for the types its shape allows; context-driven types (dates of
birth, MRNs, bare SSNs, generic secrets) start from keyword hits in the lower-cased text;
secrets with a known prefix are searched only when a cheap substring probe finds the prefix.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Sequence

import phonenumbers

from homeport.entities import (
    ADDRESS,
    API_KEY,
    CREDIT_CARD,
    EMAIL,
    IBAN,
    IP,
    NATIONAL_ID_TYPES,
    PHONE,
    SSN,
)
from homeport.privacy.address_fields import find_address_fields
from homeport.privacy.addresses import find_address
from homeport.privacy.birth_mrn import at_word_start, birth_after, mrn_after
from homeport.privacy.cards import find_cards
from homeport.privacy.compacted import find_compacted
from homeport.privacy.context_words import PROBES, SSN_AFTER
from homeport.privacy.credentials import assigned_secret, prefixed_secrets
from homeport.privacy.evasion import WINDOW, across_breaks, encoded_tokens
from homeport.privacy.national_ids import find_national_ids
from homeport.privacy.normalize import normalize
from homeport.privacy.phone_checks import date_shaped, drop_named_phones, phone_header
from homeport.privacy.structured import COLUMN_KINDS, column_values, structured_values
from homeport.privacy.taken import Taken
from homeport.privacy.validators import IBAN_LENGTHS, iban_valid, ssn_valid
from homeport.types import Finding

# Runs of digits joined by at most two separators: "+1 (415) 555-2671" -> "1 (415) 555-2671".
_NUM = re.compile(r"[0-9](?:[ .\-/()]{0,2}[0-9])*")  # [0-9] scans faster than \d
_SSN = re.compile(r"(?<![\d\-./])(\d{3})([ \-./]?)(\d{2})\2(\d{4})(?![\d\-/]|\.\d)")
_LOOSE_IBAN = re.compile(r"[A-Za-z]{2}[0-9]{2}(?:[ \-./]?[A-Za-z0-9]){11,32}")
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d|\.\d)")
_IBAN = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,32}")
_DATE_SHAPE = re.compile(r"\d{1,4}([./\-])\d{1,2}\1\d{1,4}")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([ .,])\d{3})(?:\1\d{3})*")
_NANP = re.compile(r"(?:\+?1[ .\-]?)?(?:\(\d{3}\)|\d{3})[ .\-]?\d{3}[ .\-]\d{4}")
_PHONE_GROUPS = re.compile(r"\(?\d{2,5}\)?(?:[ .\-/]\d{2,8}){1,4}")
_IN_TOKEN = re.compile(r"[A-Za-z0-9]{12,}$")  # a keyword right after this is inside a token
_DECIMAL = re.compile(r"\d+\.\d+")
_EXTENSION = re.compile(r"\s?(?:x|ext\.?|extension)\s?\d{1,6}\b", re.I)
_EMAIL = re.compile(r"[\w%+\-]+(?:\.[\w%+\-]+)*@(?:[^\W_](?:[\w\-]*[^\W_])?\.)+[^\W\d_]{2,24}\b")
_HEX_IP = frozenset("0123456789abcdefABCDEF:.")
_COLON = re.compile(r":(?=[0-9A-Fa-f:])")


_PHONE_CTX = re.compile(
    r"\b(?:phone|tel|telephone|call|mobile|cell|fax|contact|reach|text|sms|whatsapp|dial"
    r"|landline|hotline|ring|reachable|callback|mob|tlf|telefon|telefone|telefoon|téléphone"
    r"|telefono|teléfono|móvil|movil|celular|handy|mobil|mobiel|gsm|puhelin|joindre|ringe"
    r"|hívj|telefonszám|bellen|chiamare|llamar|ligar|rückfragen|tél|portable|cellulare|cel"
    r"|telemóvel|telemovel|telefonu|telefonní|puh|kom|komórka|natel|tlf\.?nr|mobilnr"
    r"|contacto|kontakt|tfn|telf|ringede|ringer|ringt|ringte|ringde|soitti|zadzwoni\w*|volal\w*"
    r"|hívott|nazvao|nazvala|ligou|chamou|chiamato|llamó|belde|rief|angerufen|appelé"
    r"|\w*(?:telefon|mobil|handy|puhelin)(?:nummer|nr|numero|szám|a)"
    r"|mobitel\w*|(?:new|my|nytt|mitt|mit|nyt|moje|můj|mój|mein|meine|neue|nuovo|mio|meu|novo"
    r"|mon|nouveau|nieuw|mijn|uusi|új) (?:number|nummer|numer|číslo|broj|numero|número|numéro"
    r"|szám|numer))\b|(?:^|\n)\s*[mt]\s*:\s*$"
)
# A phone word right after the number: "0883860753 as contact number", "0171 234567 (mobile)"
_PHONE_AFTER = re.compile(r"[ \t]*(?:\((?:mobile|cell|phone|tel|home|work|landline|mob)\)"
                          r"|as (?:a |the |his |her |my )?(?:contact |phone |mobile )?number)",
                          re.I)
# A date and a time: a timestamp, not a phone number ("2024-08-04 21:34")
_TIMESTAMP = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d")
# Words right before a number that make it some other kind of number, not a phone number.
_NEG_CTX = re.compile(
    r"(?:\b(?:order|invoice|ref|reference|tracking|account|acct|ticket|case|file|serial|sku"
    r"|isbn|imei|transaction|confirmation|booking|policy|claim|po|id|code|version|build|patent"
    r"|part|mrn|record|patient|chart|member|customer|routing|fallnummer|patientennummer"
    r"|journalnummer|dossier|ipp|nhc|fall|pat|hosp|krankenakte|aufnahme|expediente|cartella"
    r"|prontu[aá]rio|choroby|cl[ií]nic[oa]|ziekenhuisnummer|patiëntnummer|dossiernummer)\b|#)"
    r"(?:[\s.\-]*(?:(?:number|num|núm|no|nr|id|code)\b|n\.?\s?[º°o])\.?)*[\s:#=(]*(?:is\s+)?$"
)
# 2.24.33.22838 is a version; phone numbers with dots look like 415.555.2671, 06.12.34.56.78
_VERSION_LIKE = re.compile(r"(?:0|[1-9]\d?)(?:\.\d+)+")
_VERSION_CTX = re.compile(r"(?:\b(?:version|ver|release|build|firmware|rev)\.?\s*|\bv)$")

_SPLIT = re.compile(r"\S+")
_SECRET_KINDS = ("password", "secret", "key")
_NO_TRUNK_MOBILE = ("IN",)  # regions whose mobiles are commonly written without the leading 0
_NOT_DIGIT = re.compile(r"\D")
# Types read in views where line breaks inside identifiers are gone (checksums or strict shapes)
_STRONG_TYPES = frozenset((CREDIT_CARD, IBAN, SSN, API_KEY, *NATIONAL_ID_TYPES))


class PatternDetector:
    """Regex, checksum and context detectors for every type in PATTERN_TYPES. Stateless after
    construction, so one instance serves any number of threads.

    Scores: 1.0 checksum-validated (cards, IBANs, private key blocks); 0.9-0.95 validated
    formats (valid phone numbers, IPs, e-mail, keys with a known prefix, dashed SSNs); 0.85
    context-based (MRNs, dates of birth, SSNs after "SSN"); 0.8 generic assigned secrets;
    0.75 street addresses; 0.6 phone numbers that are possible but not assigned.
    """

    def __init__(self, phone_regions: Sequence[str] = ("US", "GB", "DE", "FR", "IN")) -> None:
        regions = [r.upper() for r in phone_regions]
        self._nanp = tuple(r for r in regions if phonenumbers.country_code_for_region(r) == 1)
        self._trunk = tuple(r for r in regions if r not in self._nanp)
        self._prefix = {
            r: (m.national_prefix or "") if (m := phonenumbers.PhoneMetadata.metadata_for_region(r))
            else "" for r in self._trunk
        }

    def detect(self, text: str) -> list[Finding]:
        """Findings sorted by start, without overlaps (higher score, then longer, wins), with
        code-point offsets into `text`. The text is normalised first (privacy.normalize)."""
        if not text:
            return []
        norm = normalize(text)
        found = self.detect_normalized(norm.text)
        if norm.changed:
            return [Finding(f.type, *norm.span(f.start, f.end), f.score) for f in found]
        return found

    def detect_normalized(self, text: str) -> list[Finding]:
        """`detect` on a text that is already normalised; also reads identifiers split across
        lines and short encoded tokens."""
        out = self._scan(text)
        for window, cut, shift, shift_after in across_breaks(text):
            out.extend(Finding(f.type, f.start + shift, f.end + shift_after, f.score)
                       for f in self._scan(window)
                       if f.type in _STRONG_TYPES and f.start < cut < f.end)
        for start, end, decoded in encoded_tokens(text):
            # the decoded value read in place, so the words around it still count
            before, after = text[max(0, start - WINDOW) : start], text[end : end + WINDOW]
            inner = normalize(decoded).text
            lo, hi = len(before), len(before) + len(inner)
            out.extend(Finding(f.type, start, end, f.score)
                       for f in self._scan(before + inner + after)
                       if f.start < hi and f.end > lo)
        return _resolve(drop_named_phones(out))

    def _scan(self, text: str) -> list[Finding]:
        out: list[Finding] = []
        if "@" in text:
            self._emails(text, out)
        self._numbers(text, out)
        if ":" in text:
            self._ipv6(text, out)
        low = _lower(text)
        find_cards(text, low, out)
        prefixed_secrets(text, low, out)
        self._keywords(text, low, out)
        find_address_fields(text, low, out)
        structured_values(text, low, out)
        taken = Taken(out)  # digits already read as a card, IBAN, key or e-mail
        find_national_ids(text, low, out, taken)
        find_compacted(text, low, out, taken)
        return out

    # -- e-mail and IPv6: seeded by one character -------------------------------------------

    def _emails(self, text: str, out: list[Finding]) -> None:
        i = text.find("@")
        while i != -1:
            j = i
            while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "._%+-"):
                j -= 1
            while j < i and text[j] == ".":
                j += 1
            m = _EMAIL.match(text, j) if j < i else None
            # user:password@host and token@host in URLs are credentials, not addresses
            credentials = text.endswith("://", 0, j) or (
                j > 0 and text[j - 1] == ":" and "://" in text[max(0, j - 80) : j])
            if m is not None and not credentials:
                out.append(Finding(EMAIL, j, m.end(), 0.95))
            i = text.find("@", m.end() if m is not None else i + 1)

    def _ipv6(self, text: str, out: list[Finding]) -> None:
        done = -1
        for m in _COLON.finditer(text):
            if m.start() < done:
                continue
            a, b = m.start(), m.start() + 1
            while a > 0 and text[a - 1] in _HEX_IP:
                a -= 1
            while b < len(text) and text[b] in _HEX_IP:
                b += 1
            done = b
            token = text[a:b].rstrip(".")
            if token.count(":") < 2 or not any(c.isdigit() for c in token):
                continue
            if (a > 0 and (text[a - 1].isalnum() or text[a - 1] == "_")) or _is_alnum(text, b):
                continue
            groups = [g for g in token.split(":") if g]
            if len(groups) < 2 and token != "::1":
                continue
            try:
                ipaddress.IPv6Address(token)
            except ValueError:
                continue
            out.append(Finding(IP, a, a + len(token), 0.9))

    # -- runs of digits ---------------------------------------------------------------------

    def _numbers(self, text: str, out: list[Finding]) -> None:
        skip_to = 0
        for m in _NUM.finditer(text):
            s, e = m.span()
            if s < skip_to:
                continue
            country = text[s - 2 : s] if s >= 2 else ""
            if country.isascii() and country.isalpha():
                # upper case with spaces, else any case and separator ("de89-3704-...")
                iban, shape_end = _iban(text, s - 2) if country.isupper() else (None, s)
                iban = iban or _loose_iban(text, s - 2)
                if iban is not None:
                    out.append(iban)
                    shape_end = max(shape_end, iban.end)
                skip_to = shape_end  # digits inside an IBAN-shaped token are nothing else
                if shape_end > s:
                    continue
            if e - s <= 14:  # house number and postcode without a comma run together
                address = find_address(text, s, e)
                if address is not None:
                    out.append(Finding(ADDRESS, *address, 0.75))
            if e - s < 4:  # most numbers in prose: nothing else to look for
                continue
            ext = _EXTENSION.match(text, e)  # 555-123-4567x89
            if not _standalone(text, s, ext.end() if ext else e):
                continue
            chunk = m.group()
            digits = _NOT_DIGIT.sub("", chunk)
            if len(digits) < 4:
                continue
            before = len(out)
            if "." in chunk:
                self._ipv4(text, s, chunk, out)
            if len(digits) >= 9:
                for sm in _SSN.finditer(chunk):
                    if sm.group(2) and ssn_valid(sm.group(1), sm.group(3), sm.group(4)):
                        score = 0.9 if sm.group(2) == "-" else 0.8
                        out.append(Finding(SSN, s + sm.start(), s + sm.end(), score))
            whole = any(f.start <= s and e <= f.end for f in out[before:])
            if len(digits) >= 7 and not whole:  # a card, SSN or IP is not also a phone number
                self._phones(text, s, e, digits, out)

    def _ipv4(self, text: str, s: int, chunk: str, out: list[Finding]) -> None:
        for m in _IPV4.finditer(chunk):
            try:
                ipaddress.IPv4Address(m.group())
            except ValueError:
                continue
            start = s + m.start()
            if _VERSION_CTX.search(text[max(0, start - 12) : start].lower()):
                continue
            out.append(Finding(IP, start, s + m.end(), 0.9))

    def _phones(self, text: str, s: int, e: int, digits: str, out: list[Finding]) -> None:
        while s > 0 and text[s - 1] in "+(":
            s -= 1
        if len(digits) <= 15:
            spans = [(s, e)]
        else:  # several numbers in a row: each space-separated piece on its own
            spans = [(s + t.start(), s + t.end()) for t in _SPLIT.finditer(text[s:e])]
        for start, end in spans:
            score = self._phone_score(text, start, end)
            if score:
                out.append(Finding(PHONE, start, end, score))

    def _phone_score(self, text: str, start: int, end: int) -> float:
        cand = text[start:end]
        digits = _NOT_DIGIT.sub("", cand)
        if not 7 <= len(digits) <= 15 or _DATE_SHAPE.fullmatch(cand):
            return 0.0
        if _TIMESTAMP.match(text, start):
            return 0.0
        if _IPV4.fullmatch(cand) or date_shaped(cand):
            return 0.0
        before = text[max(0, start - 40) : start].lower()
        if _NEG_CTX.search(before) or _VERSION_CTX.search(before):
            return 0.0
        if _VERSION_LIKE.fullmatch(cand):
            return 0.0
        formatted = len(digits) < len(cand)
        context = _PHONE_CTX.search(_same_field(before)) is not None or (
            _PHONE_AFTER.match(text, end) is not None) or (
            "\n" in text and phone_header(text, start, end))
        if _DECIMAL.fullmatch(cand) or not (formatted or context or cand[0] == "+"):
            return 0.0  # a bare run of digits is a phone number only where the text says so
        if not context and (_SSN.fullmatch(cand) or _THOUSANDS.fullmatch(cand)):
            return 0.0  # shaped as an SSN or an amount ("539 605 979"), and no phone word
        if "+" in cand[:2] or (cand.startswith("00") and len(digits) >= 10):
            num = _parse("+" + digits[2:] if cand.startswith("00") else cand, None)
            if num is None or not phonenumbers.is_possible_number(num):
                return 0.0
            return 0.95 if phonenumbers.is_valid_number(num) else 0.6
        for region in self._regions_for(digits):
            num = _parse(cand, region)
            if num is None or not phonenumbers.is_valid_number(num):
                continue
            prefix = self._prefix.get(region, "")
            if not prefix or digits.startswith(prefix) or (
                    region in _NO_TRUNK_MOBILE
                    and phonenumbers.number_type(num) == phonenumbers.PhoneNumberType.MOBILE):
                return 0.9
        # phone-shaped but unassigned (fictional 555 numbers, made-up area codes): possible only
        if (_NANP.fullmatch(cand) or (digits[0] == "0" and _PHONE_GROUPS.fullmatch(cand))
                or (context and len(digits) == 10)):
            for region in self._regions_for(digits):
                num = _parse(cand, region)
                if num is not None and phonenumbers.is_possible_number(num):
                    return 0.6
        if context and (formatted or digits[0] == "0" or len(digits) >= 8):
            # the text says it is a phone number, of a region not configured: above an
            # identifier's bare grouping ("910 342 559" under "telefone" is no SIN)
            return 0.82
        return 0.0

    def _regions_for(self, digits: str) -> tuple[str, ...]:
        if digits[0] == "0":
            return self._trunk
        if digits[0] == "1" and len(digits) == 11:
            return self._nanp
        return self._nanp + self._trunk

    # -- context keywords: dates of birth, MRNs, bare SSNs, assigned secrets ----------------

    def _keywords(self, text: str, low: str, out: list[Finding]) -> None:
        ascii_only = text.isascii()
        for head, head_ascii, entries in PROBES:
            if ascii_only and not head_ascii:
                continue
            i = low.find(head)
            while i != -1:
                for probe, kind, rx in entries:
                    k = rx.match(low, i) if probe is head or low.startswith(probe, i) else None
                    if k is None:
                        pass
                    elif kind in _SECRET_KINDS:  # DB_PASSWORD, x-api-key; not in a long token
                        if not _IN_TOKEN.search(text, max(0, i - 12), i):
                            self._after_keyword(text, low, kind, i, k.end(), out)
                    elif at_word_start(text, low, i):
                        self._after_keyword(text, low, kind, i, k.end(), out)
                i = low.find(head, i + len(head))

    def _after_keyword(self, text: str, low: str, kind: str, start: int, end: int,
                       out: list[Finding]) -> None:
        if kind in _SECRET_KINDS:
            assigned_secret(text, low, kind, start, end, out)
        elif kind[0] == "b":
            birth_after(text, low, kind, start, end, out)
        elif kind[0] == "m":
            mrn_after(text, low, kind, start, end, out)
        elif kind == "ssn":
            m = SSN_AFTER.match(text, end)
            if m is not None and ssn_valid(m.group(1), m.group(3), m.group(4)):
                out.append(Finding(SSN, m.start(1), m.end(4), 0.95 if m.group(2) else 0.85))
        if kind in COLUMN_KINDS and text.find("\n", end) != -1:
            column_values(text, kind, start, end, out)


def _iban(text: str, s: int) -> tuple[Finding | None, int]:
    """The valid IBAN at `s`, if any, and where the IBAN-shaped text there ends."""
    m = _IBAN.match(text, s)
    if m is None or _is_alnum(text, s - 1):
        return None, s
    chars = [(i, c) for i, c in enumerate(m.group()) if c != " "]
    compact = "".join(c for _, c in chars)
    want = IBAN_LENGTHS.get(compact[:2])
    for n in (want,) if want else range(min(34, len(compact)), 14, -1):
        if n is None or n > len(compact):
            continue
        end = s + chars[n - 1][0] + 1
        if not _is_alnum(text, end) and iban_valid(compact[:n]):
            return Finding(IBAN, s, end, 1.0), end
    # some IBAN generators get a country's length wrong: the whole token, if mod-97 holds
    if want != len(compact) and not _is_alnum(text, m.end()) and iban_valid(compact, False):
        return Finding(IBAN, s, m.end(), 0.9), m.end()
    if want and want <= len(compact) and not _is_alnum(text, s + chars[want - 1][0] + 1):
        return None, s + chars[want - 1][0] + 1
    return None, s


def _loose_iban(text: str, s: int) -> Finding | None:
    """The IBAN at `s` in any case, with spaces, dashes or dots between groups, if any."""
    m = _LOOSE_IBAN.match(text, s)
    if m is None or _is_alnum(text, s - 1):
        return None
    chars = [(i, c) for i, c in enumerate(m.group()) if c.isalnum()]
    compact = "".join(c for _, c in chars).upper()
    want = IBAN_LENGTHS.get(compact[:2])
    if want is None or want > len(compact):
        return None
    end = s + chars[want - 1][0] + 1
    if _is_alnum(text, end) or not iban_valid(compact[:want]):
        return None
    return Finding(IBAN, s, end, 1.0)


def _same_field(before: str) -> str:
    """The text before a number on its own line (a phone word of a table header's other
    column is no context), or the label line above when the number starts its line."""
    nl = before.rfind("\n")
    if nl == -1 or (not before[nl + 1 :].strip() and before[:nl].rstrip().endswith(":")):
        return before
    return before[nl + 1 :]


def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def _standalone(text: str, s: int, e: int) -> bool:
    """Whether text[s:e] is not part of a longer token such as "xoxp-1225-4978" or "ID123"."""
    if s > 0 and (text[s - 1].isalnum() or text[s - 1] == "_"
                  or (text[s - 1] == "-" and _is_alnum(text, s - 2))):
        return False
    return e >= len(text) or not (text[e].isalnum() or text[e] == "_"
                                  or (text[e] == "-" and _is_alnum(text, e + 1)))


def _is_alnum(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()


def _lower(text: str) -> str:
    """Lower-cased text of the same length (a few characters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _resolve(found: list[Finding]) -> list[Finding]:
    """Drop overlaps: higher score first, then longer; the result sorted by start."""
    found.sort(key=lambda f: (-f.score, f.start - f.end, f.start))
    starts: list[int] = []
    kept: list[Finding] = []
    for f in found:
        i = bisect.bisect_left(starts, f.start)
        if (i > 0 and kept[i - 1].end > f.start) or (i < len(kept) and kept[i].start < f.end):
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept
