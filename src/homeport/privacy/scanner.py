"""Classify a request: find sensitive entities in every text it carries and derive its sensitivity.

Effective sensitivity = max(detected, the caller's declared level, the team's default, labels of
attached knowledge). Pattern recognisers always run (fast); NER runs on demand, since it costs
milliseconds and often cannot change where a request goes.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

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
        self._ner: Any = None
        self._ner_lock = threading.Lock()

    def scan_text(self, text: str, ner: bool = False) -> list[Finding]:
        found = self.patterns.detect(text) if self.cfg.enabled else []
        if ner and self.cfg.enabled:
            found = merge(found, self.ner().detect(text))
        return found

    def classify(self, texts: list[str], *, opaque: list[str] | None = None,
                 declared: Sensitivity = Sensitivity.PUBLIC, team: str | None = None,
                 labels: Sensitivity = Sensitivity.PUBLIC, ner: bool = False) -> Classification:
        """Findings in `texts` (maskable) and `opaque` (scanned, never masked)."""
        team_default = self.cfg.team_sensitivity.get(team or "", Sensitivity.PUBLIC)
        return Classification(self.levels, [self.scan_text(t, ner) for t in
                                             [*texts, *(opaque or ())]],
                               len(texts), declared=declared, team_default=team_default,
                               labels=labels, ner_done=ner)

    def add_ner(self, c: Classification, texts: list[str]) -> Classification:
        """`c` with NER findings added (blocking: run it in a worker thread). `texts`: all the
        texts `c` was classified from, maskable then opaque."""
        if c.ner_done or not self.cfg.enabled:
            return c
        ner = self.ner()
        return c.with_findings([merge(fs, ner.detect(t)) for fs, t in zip(c.findings, texts,
                                                                         strict=True)], True)

    def ner(self) -> Any:
        with self._ner_lock:
            if self._ner is None:
                from homeport.privacy.ner import NerDetector

                detector = NerDetector(self.cfg.ner_model)
                detector.load()
                self._ner = detector
            return self._ner


def merge(patterns: list[Finding], ner: Iterable[Finding]) -> list[Finding]:
    """Pattern findings plus NER findings that overlap none of them (checksums beat guesses)."""
    out = list(patterns)
    for f in ner:
        if all(f.end <= p.start or f.start >= p.end for p in patterns):
            out.append(f)
    out.sort(key=lambda f: f.start)
    return out


def request_texts(req: ChatRequest) -> list[str]:
    """Every text a request carries, in a fixed order `with_texts` relies on: per message its
    content (or each text part), then each tool call's arguments; or the completion prompt."""
    return [text for _, text in _walk(req)]


def text_sources(req: ChatRequest) -> list[str]:
    """Where each of `request_texts` comes from, e.g. `messages[2].tool_calls[0].arguments`."""
    return [source for source, _ in _walk(req)]


def opaque_texts(req: ChatRequest) -> list[tuple[str, str]]:
    """(source, text) of every other string the request sends upstream: message names,
    non-text content parts, tool calls' other fields, tools, response_format, stop, user and
    pass-through parameters. Scanned like the rest but never masked, so what they carry goes
    only to providers cleared for it."""
    out: list[tuple[str, str]] = []
    for i, m in enumerate(req.messages):
        if m.name:
            out.append((f"messages[{i}].name", m.name))
        if isinstance(m.content, list):
            out.extend((f"messages[{i}].content[{j}]", _json(p))
                       for j, p in enumerate(m.content) if p.get("type") != "text")
        for j, call in enumerate(m.tool_calls or ()):
            function = {k: v for k, v in call.get("function", {}).items() if k != "arguments"}
            out.append((f"messages[{i}].tool_calls[{j}]", _json({**call, "function": function})))
    for name in ("tools", "response_format", "stop", "user", "extra"):
        value = getattr(req, name)
        if value:
            out.append((name, value if isinstance(value, str) else _json(value)))
    return out


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
