"""Classify a request: find sensitive entities in every text it carries and derive its sensitivity.

Effective sensitivity = max(detected, the caller's declared level, the team's default, labels of
attached knowledge). Pattern recognisers always run (fast); NER runs on demand, since it costs
milliseconds and often cannot change where a request goes.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from homeport.entities import CREDIT_CARD, IBAN, NATIONAL_ID_TYPES, SSN
from homeport.privacy.ner_gate import may_name
from homeport.privacy.scan_cache import ScanCache
from homeport.privacy.validators import ssn_valid
from homeport.settings import PrivacyConfig
from homeport.types import ChatRequest, Finding, Message, Sensitivity


@dataclass(slots=True)
class Classification:
    """What a request carries: findings per text — first the `maskable` texts (in
    `request_texts` order), then the opaque ones (`opaque_texts`) — and the levels."""

    levels: dict[str, Sensitivity]
    findings: list[list[Finding]]
    maskable: int = -1  # how many leading texts may be masked; -1: all of them
    declared: Sensitivity = Sensitivity.PUBLIC  # x-homeport-sensitivity
    team_default: Sensitivity = Sensitivity.PUBLIC
    labels: Sensitivity = Sensitivity.PUBLIC  # attached knowledge passages
    ner_done: bool = False
    _types: frozenset[str] | None = field(default=None, repr=False)

    @property
    def entity_types(self) -> frozenset[str]:
        if self._types is None:
            self._types = frozenset(f.type for fs in self.findings for f in fs)
        return self._types

    @property
    def detected(self) -> Sensitivity:
        return max((self.levels[t] for t in self.entity_types), default=Sensitivity.PUBLIC)

    @property
    def effective(self) -> Sensitivity:
        return max(self.detected, self.declared, self.team_default, self.labels)

    def residual(self, masked: Collection[str]) -> Sensitivity:
        """The sensitivity left once the entity types in `masked` are replaced by placeholders
        (in the maskable texts: what opaque texts carry stays)."""
        opaque = {f.type for fs in self.findings[self.maskable:] for f in fs} \
            if self.maskable >= 0 else set()
        left = (self.levels[t] for t in self.entity_types if t not in masked or t in opaque)
        return max(self.declared, self.team_default, self.labels,
                   max(left, default=Sensitivity.PUBLIC))

    def with_findings(self, findings: list[list[Finding]], ner_done: bool) -> Classification:
        return dataclasses.replace(self, findings=findings, ner_done=ner_done, _types=None)

    def explain(self) -> str:
        """Why the request has its sensitivity, for x-homeport-reason and the ledger."""
        parts = [f"{self.effective}"]
        if self.entity_types:
            parts.append("found " + ",".join(sorted(self.entity_types)))
        for name, level in (("declared", self.declared), ("team", self.team_default),
                            ("knowledge", self.labels)):
            if level > Sensitivity.PUBLIC:
                parts.append(f"{name} {level}")
        return " ".join(parts)


class Scanner:
    """Pattern recognisers plus (lazily loaded) NER, configured by `privacy` settings."""

    def __init__(self, cfg: PrivacyConfig):
        self.cfg = cfg
        from homeport.privacy.recognizers import PatternDetector

        self.levels = cfg.levels()
        self.patterns = PatternDetector(cfg.phone_regions)
        self.cache = ScanCache(cfg.scan_cache_texts)  # pattern findings, and seams
        self.ner_cache = ScanCache(cfg.scan_cache_texts)
        self._ner: Any = None
        self._ner_lock = threading.Lock()
        self._ner_closed = False

    def scan_text(self, text: str, ner: bool = False) -> list[Finding]:
        return self.scan_texts([text], ner)[0]

    def scan_texts(self, texts: list[str], ner: bool = False) -> list[list[Finding]]:
        """Findings per text, as a model reads the texts: one per line. Short requests are read
        joined; longer ones text by text (remembered by content: resent history and a shared
        system prompt cost nothing) and seam by seam (SEAM characters each side of each join),
        so a value split across two texts, or named by a word at the end of the one before, is
        still found."""
        if not self.cfg.enabled:
            return [[] for _ in texts]
        if len(texts) == 1 or sum(map(len, texts)) <= JOINED_CHARS:  # one read is cheaper
            found = split_findings(self.patterns.detect("\n".join(texts)), texts)
        else:
            found = [self.cache.findings(t, self.patterns.detect) for t in texts]
            self._seams(texts, found)
        if len(texts) > 1:
            self._split_numbers(texts, found)
        for fs, text in zip(found, texts, strict=True):
            if text.isascii() and text.isdigit():
                fs.extend(number_findings(text))
        if ner:
            found = [merge(fs, self.ner_findings(t)) for fs, t in zip(found, texts, strict=True)]
        return found

    def _seams(self, texts: list[str], found: list[list[Finding]]) -> None:
        """Add what the end of each text and the start of the next show read together."""
        for i in range(len(texts) - 1):
            a, b = texts[i][-SEAM:], texts[i + 1][:SEAM]
            joined = f"{a}\n{b}"
            cut, clipped_a, clipped_b = len(a), len(texts[i]) > SEAM, len(texts[i + 1]) > SEAM
            for f in self.cache.findings(joined, self.patterns.detect):
                if (clipped_a and f.start == 0) or (clipped_b and f.end == len(joined)):
                    continue  # may be a piece of a longer value cut by the window
                shift = len(texts[i]) - cut
                for j, start, end in ((i, f.start + shift, min(f.end, cut) + shift),
                                      (i + 1, max(f.start - cut - 1, 0), f.end - cut - 1)):
                    if end > start and not _covered(found[j], f.type, start, end):
                        found[j].append(Finding(f.type, start, end, f.score))

    def _split_numbers(self, texts: list[str], found: list[list[Finding]]) -> None:
        """A number that ends one text and one that starts a later text, read as one (a card
        sent in two messages with a reply between them)."""
        ends = [(i, m, len(t) - len(last)) for i, t in enumerate(texts)
                if (m := _TRAILING_NUMBER.search(last := t[-_SPLIT_TAIL:]))]
        starts = [(i, m) for i, t in enumerate(texts) if (m := _LEADING_NUMBER.match(t))]
        for i, tail, offset in ends[:_MAX_SPLIT]:
            for j, head in starts[:_MAX_SPLIT]:
                if j <= i + 1:  # neighbours: their seam was read together
                    continue
                digits = _count_digits(tail.group(1)) + _count_digits(head.group(1))
                if not _SPLIT_DIGITS[0] <= digits <= _SPLIT_DIGITS[1]:
                    continue  # too short or too long for any identifier
                joined = f"{tail.group(1)}\n{head.group(1)}"
                cut = len(tail.group(1))
                for f in self.patterns.detect(joined):
                    if f.start < cut < f.end and f.type in _SPLIT_TYPES:
                        found[i].append(Finding(f.type, offset + tail.start(1) + f.start,
                                                offset + tail.end(1), f.score))
                        found[j].append(Finding(f.type, head.start(1),
                                                head.start(1) + f.end - cut - 1, f.score))

    def classify(self, texts: list[str], *, opaque: list[str] | None = None,
                 declared: Sensitivity = Sensitivity.PUBLIC, team: str | None = None,
                 labels: Sensitivity = Sensitivity.PUBLIC, ner: bool = False) -> Classification:
        """Findings in `texts` (maskable) and `opaque` (scanned, never masked)."""
        team_default = self.cfg.team_sensitivity.get(team or "", Sensitivity.PUBLIC)
        return Classification(self.levels, self.scan_texts([*texts, *(opaque or ())], ner),
                              len(texts), declared=declared, team_default=team_default,
                              labels=labels, ner_done=ner)

    def add_ner(self, c: Classification, texts: list[str]) -> Classification:
        """`c` with NER findings added (blocking: run it in a worker thread). `texts`: all the
        texts `c` was classified from, maskable then opaque."""
        if c.ner_done or not self.cfg.enabled:
            return c
        return c.with_findings([merge(fs, self.ner_findings(t))
                                for fs, t in zip(c.findings, texts, strict=True)], True)

    def ner_findings(self, text: str) -> list[Finding]:
        """NER's findings in `text` (blocking), remembered by content; none without a word
        NER could take for a name (`may_name`)."""
        if not may_name(text):
            return []
        return self.ner_cache.findings(text, self.ner().detect)

    def ner(self) -> Any:
        """The NerDetector, loaded on first use (`privacy.ner_workers` processes, or none)."""
        with self._ner_lock:
            if self._ner is None:
                from homeport.privacy.ner import NerDetector

                detector = NerDetector(self.cfg.ner_model, self.cfg.ner_workers)
                if self._ner_closed:
                    detector.close()  # a closed scanner starts nothing: detecting raises
                detector.load()
                self._ner = detector
            return self._ner

    def close(self) -> None:
        """Stop NER's thread or worker processes (what is queued finishes first)."""
        with self._ner_lock:
            self._ner_closed = True
            if self._ner is not None:
                self._ner.close()


def merge(patterns: list[Finding], ner: Iterable[Finding]) -> list[Finding]:
    """Pattern findings plus NER findings that overlap none of them (checksums beat guesses)."""
    out = list(patterns)
    for f in ner:
        if all(f.end <= p.start or f.start >= p.end for p in patterns):
            out.append(f)
    out.sort(key=lambda f: f.start)
    return out


_TRAILING_NUMBER = re.compile(r"(?<![0-9])([0-9][0-9 .\-/]*[0-9]|[0-9])[^\w]*$")
_LEADING_NUMBER = re.compile(r"[^\w]*([0-9][0-9 .\-/]*[0-9]|[0-9])(?![0-9])")
_SPLIT_TYPES = frozenset((CREDIT_CARD, IBAN, SSN, *NATIONAL_ID_TYPES))
_MAX_SPLIT = 20
_SPLIT_TAIL = 80  # a number that ends a text is looked for in its last characters
SEAM = 200  # characters of each side of a seam between two texts read together
JOINED_CHARS = 1000  # requests up to this long are read in one piece, not text by text
_SPLIT_DIGITS = (9, 34)  # an SSN's nine digits to an IBAN's 34 characters


def _covered(found: list[Finding], type_: str, start: int, end: int) -> bool:
    return any(f.type == type_ and f.start <= start and f.end >= end for f in found)


def _count_digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def split_findings(found: list[Finding], texts: list[str]) -> list[list[Finding]]:
    """Findings in `texts` joined by line breaks, as findings per text (a finding that spans
    several texts is in each of them)."""
    starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    out: list[list[Finding]] = [[] for _ in texts]
    for f in found:
        i = bisect.bisect_right(starts, f.start) - 1
        while i < len(texts) and starts[i] < f.end:
            start = max(f.start - starts[i], 0)
            end = min(f.end - starts[i], len(texts[i]))
            if end > start:
                out[i].append(Finding(f.type, start, end, f.score))
            i += 1
    return out


def number_findings(digits: str) -> list[Finding]:
    """A number a request carries on its own (a seed, a metadata value): nine digits that
    could be an SSN are taken as one (fail closed); cards are found by the patterns."""
    if len(digits) == 9 and ssn_valid(digits[:3], digits[3:5], digits[5:]):
        return [Finding(SSN, 0, 9, 0.6)]
    return []


def request_texts(req: ChatRequest) -> list[str]:
    """Every text a request carries, in a fixed order `with_texts` relies on: per message its
    content (or each text part), then each tool call's arguments; or the completion prompt."""
    return [text for _, text in _walk(req)]


def text_sources(req: ChatRequest) -> list[str]:
    """Where each of `request_texts` comes from, e.g. `messages[2].tool_calls[0].arguments`."""
    return [source for source, _ in _walk(req)]


# Request fields known to hold no user data: the only ones not scanned.
UNSCANNED = frozenset((
    "model", "stream", "stream_options", "include_usage", "temperature", "top_p", "max_tokens",
    "max_completion_tokens", "n", "best_of", "presence_penalty", "frequency_penalty",
    "logprobs", "top_logprobs", "parallel_tool_calls", "echo", "knowledge"))
# ChatRequest's other fields; messages and the prompt are the maskable texts, extra is walked
_REQUEST_FIELDS = tuple(f.name for f in dataclasses.fields(ChatRequest)
                        if f.name not in UNSCANNED | {"messages", "prompt", "extra"})
_MIN_NUMBER_DIGITS = 9  # shorter numbers on their own are no identifier


def opaque_texts(req: ChatRequest) -> list[tuple[str, str]]:
    """(source, text) of every other value the request sends upstream, strings and numbers:
    message names and tool_call_ids, content parts' other keys and non-text parts, tool calls'
    ids and names, tools, tool_choice, response_format, stop, seed, user, and every field
    passed through that is not in `UNSCANNED`. Scanned like the rest but never masked, so what
    they carry goes only to providers cleared for it. Long numbers also come on their own."""
    out: list[tuple[str, str]] = []
    for i, m in enumerate(req.messages):
        for name in ("name", "tool_call_id"):
            if (value := getattr(m, name)) is not None:
                out.append((f"messages[{i}].{name}", _text(value)))
        if isinstance(m.content, list):
            for j, p in enumerate(m.content):
                rest = {k: v for k, v in p.items() if k not in ("type", "text")} \
                    if p.get("type") == "text" else p
                if rest:
                    _add(out, f"messages[{i}].content[{j}]", rest)
        for j, call in enumerate(m.tool_calls or ()):
            function = {k: v for k, v in call.get("function", {}).items() if k != "arguments"}
            _add(out, f"messages[{i}].tool_calls[{j}]", {**call, "function": function})
    fields = [(name, getattr(req, name)) for name in _REQUEST_FIELDS]
    for name, value in [*fields, *req.extra.items()]:
        if name not in UNSCANNED and value is not None and value != [] and value is not False:
            _add(out, name, value)
    return out


def _add(out: list[tuple[str, str]], source: str, value: Any) -> None:
    out.append((source, _text(value)))
    if isinstance(value, dict | list):
        out.extend((source, n) for n in _numbers_alone(value))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(abs(value))
    return _json(value)


def _numbers_alone(value: Any) -> Iterator[str]:
    """Long numbers (and strings of digits) that are values of their own in a structure."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) >= 10 ** (_MIN_NUMBER_DIGITS - 1):
            yield str(abs(value))
    elif isinstance(value, str):
        if len(value) >= _MIN_NUMBER_DIGITS and value.isdigit():
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers_alone(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers_alone(v)


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _walk(req: ChatRequest) -> Iterator[tuple[str, str]]:
    if req.prompt is not None:
        yield "prompt", req.prompt
        return
    for i, m in enumerate(req.messages):
        if isinstance(m.content, str):
            yield f"messages[{i}].content", m.content
        elif m.content is not None:
            for j, p in enumerate(m.content):
                if p.get("type") == "text":
                    yield f"messages[{i}].content[{j}].text", p.get("text", "")
        for j, call in enumerate(m.tool_calls or ()):
            yield f"messages[{i}].tool_calls[{j}].function.arguments", _arguments(call)


def with_texts(req: ChatRequest, texts: list[str]) -> ChatRequest:
    """A copy of `req` with its texts replaced (same order as `request_texts`)."""
    if req.prompt is not None:
        return dataclasses.replace(req, prompt=texts[0])
    it = iter(texts)
    messages: list[Message] = []
    for m in req.messages:
        content: Any = m.content
        if isinstance(content, str):
            content = next(it)
        elif content is not None:
            content = [{**p, "text": next(it)} if p.get("type") == "text" else p
                       for p in content]
        calls = None
        if m.tool_calls is not None:
            calls = [{**c, "function": {**c.get("function", {}), "arguments": next(it)}}
                     for c in m.tool_calls]
        messages.append(dataclasses.replace(m, content=content, tool_calls=calls))
    return dataclasses.replace(req, messages=messages)


def _arguments(call: dict[str, Any]) -> str:
    args = call.get("function", {}).get("arguments", "")
    return args if isinstance(args, str) else _json(args)
