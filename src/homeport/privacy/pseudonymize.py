"""Pseudonymisation for cloud calls: entities become `<TYPE_n>` placeholders, restored after.

One `Pseudonymizer` per request. `mask` replaces findings with placeholders, the same value
getting the same placeholder in every text of the request; the mapping lives only in that
object (never stored, never logged, hidden from `repr`). `restore` and `restorer()` put the
originals back, the latter chunk by chunk for streamed responses.

Choices:
- Only the exact issued form (`<PERSON_1>`) is restored. Variants a model might write
  (`<PERSON 1>`, `[PERSON_1]`, `<person_1>`) are left as they are: matching them would mean
  holding back more of the stream and rewriting text the model wrote for other reasons,
  while a missed restoration only shows a placeholder and reveals nothing.
- Numbers already present in the request's texts as lookalikes (`<PERSON_1>` typed by the
  user) are skipped, and only issued placeholders are restored. `mask` reserves the text it
  is given; before masking several texts, pass them all to `reserve` so that a lookalike in
  a later text cannot collide with a placeholder issued for an earlier one.
- Tool-call arguments stream as fragments of JSON text: use one `restorer(json_escape=True)`
  per tool-call index. Originals are then inserted JSON-escaped (a quote becomes `\\"`), and
  placeholders with escaped brackets (`\\u003cPERSON_1\\u003e`, as Go encoders write them)
  are recognised too; such brackets are emitted unescaped, which is the same JSON string.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Collection, Sequence

from homeport.entities import PERSON
from homeport.types import Finding

_TYPE = re.compile(r"[A-Z][A-Z0-9_]*")
_LOOKALIKE = re.compile(r"<[A-Z][A-Z0-9_]*_[0-9]+>")


class Pseudonymizer:
    """Masks entities in a request's texts and restores them in its response."""

    __slots__ = ("_by_key", "_issued", "_last", "_longest", "_prefixes", "_reserved", "_types")

    def __init__(self) -> None:
        self._issued: dict[str, str] = {}  # placeholder -> original
        self._by_key: dict[tuple[str, str], str] = {}  # (type, normalised value) -> placeholder
        self._last: dict[str, int] = {}  # type -> last number issued
        self._reserved: set[str] = set()  # lookalikes present in the request's texts
        self._types: set[str] = set()
        self._prefixes: set[str] = set()  # proper prefixes of issued placeholders
        self._longest = 0  # length of the longest issued placeholder

    def __repr__(self) -> str:
        return f"Pseudonymizer(placeholders={len(self._issued)}, types={sorted(self._types)})"

    @property
    def masked_types(self) -> frozenset[str]:
        """The entity types replaced so far."""
        return frozenset(self._types)

    def reserve(self, *texts: str) -> None:
        """Keep placeholder lookalikes in `texts` from being issued (see module doc)."""
        for text in texts:
            self._reserved.update(_LOOKALIKE.findall(text))

    def mask(self, text: str, findings: Sequence[Finding], types: Collection[str]) -> str:
        """`text` with each finding whose type is in `types` replaced by its placeholder.

        Findings may be unsorted; of overlapping ones the longer is kept (then the higher
        score, then the earlier). Offsets are str indices into `text`.
        """
        self.reserve(text)
        wanted = [f for f in findings if f.type in types]
        for f in wanted:
            if not 0 <= f.start < f.end <= len(text):
                raise ValueError(f"finding {f.type} [{f.start}, {f.end}) is outside the text")
        starts: list[int] = []  # chosen spans, sorted by start
        chosen: list[Finding] = []
        for f in sorted(wanted, key=lambda f: (f.start - f.end, -f.score, f.start)):
            i = bisect_left(starts, f.start)
            before = i > 0 and chosen[i - 1].end > f.start
            if before or (i < len(chosen) and chosen[i].start < f.end):
                continue
            starts.insert(i, f.start)
            chosen.insert(i, f)
        parts: list[str] = []
        pos = 0
        for f in chosen:
            parts += (text[pos:f.start], self._placeholder(f.type, text[f.start:f.end]))
            pos = f.end
        parts.append(text[pos:])
        return "".join(parts)

    def restore(self, text: str, json_escape: bool = False) -> str:
        """`text` with this instance's placeholders replaced by their originals."""
        r = self.restorer(json_escape)
        return r.feed(text) + r.flush()

    def restorer(self, json_escape: bool = False) -> StreamRestorer:
        """A restorer for one streamed text (one per tool call's arguments)."""
        return StreamRestorer(self, json_escape=json_escape)

    def _placeholder(self, type_: str, value: str) -> str:
        norm = " ".join(value.split()).casefold() if type_ == PERSON else value
        key = (type_, norm)
        if (found := self._by_key.get(key)) is not None:
            return found
        if not _TYPE.fullmatch(type_):
            raise ValueError(f"entity type {type_!r} cannot name a placeholder")
        n = self._last.get(type_, 0) + 1
        while f"<{type_}_{n}>" in self._reserved:
            n += 1
        self._last[type_] = n
        placeholder = f"<{type_}_{n}>"
        self._issued[placeholder] = value
        self._by_key[key] = placeholder
        self._types.add(type_)
        self._prefixes.update(placeholder[:k] for k in range(1, len(placeholder)))
        self._longest = max(self._longest, len(placeholder))
        return placeholder


class StreamRestorer:
    """Restores one streamed text: `feed` each delta, then `flush` once at the end.

    Holds back only a trailing fragment that could still become an issued placeholder
    (`<PER`, `<PERSON_1`), so a `<` that cannot start one is emitted at once. Each call
    costs O(len(delta)): placeholders have a bounded length and contain no other `<`.
    """

    __slots__ = ("_held", "_json", "_owner", "_raw")

    def __init__(self, owner: Pseudonymizer, json_escape: bool = False) -> None:
        self._owner = owner
        self._json = json_escape
        self._raw = ""  # json mode: a trailing partial escape (`\`, `\u00`), not yet decoded
        self._held = ""  # a trailing prefix of an issued placeholder

    def __repr__(self) -> str:
        return f"StreamRestorer(json_escape={self._json}, holding={len(self._raw + self._held)})"

    def feed(self, delta: str) -> str:
        """What of the text so far can be emitted now, restored."""
        issued = self._owner._issued
        if not issued:
            out, self._raw, self._held = self._held + self._raw + delta, "", ""
            return out
        text = self._raw + delta
        if self._json:
            text, self._raw = _decode_brackets(text)
        return self._match(self._held + text)

    def flush(self) -> str:
        """The rest, at the end of the stream: an unfinished placeholder stays literal."""
        out, self._raw, self._held = self._held + self._raw, "", ""
        return out

    def _match(self, buf: str) -> str:
        issued = self._owner._issued
        prefixes = self._owner._prefixes
        longest = self._owner._longest
        parts: list[str] = []
        pos = 0
        self._held = ""
        while (i := buf.find("<", pos)) >= 0:
            parts.append(buf[pos:i])
            j = buf.find(">", i + 1, i + longest)
            original = issued.get(buf[i:j + 1]) if j >= 0 else None
            if original is not None:
                parts.append(json.dumps(original, ensure_ascii=False)[1:-1] if self._json
                             else original)
                pos = j + 1
            elif j < 0 and buf[i:] in prefixes:
                self._held = buf[i:]
                return "".join(parts)
            else:
                parts.append("<")
                pos = i + 1
        parts.append(buf[pos:])
        return "".join(parts)


def _decode_brackets(text: str) -> tuple[str, str]:
    """JSON text with escaped `<`/`>` decoded, and a trailing partial escape split off."""
    parts: list[str] = []
    pos = 0
    while (i := text.find("\\", pos)) >= 0:
        esc = text[i:i + 6].lower()
        if len(esc) < 6 and "\\u003".startswith(esc):
            parts.append(text[pos:i])
            return "".join(parts), text[i:]
        if esc in ("\\u003c", "\\u003e"):
            parts += (text[pos:i], "<" if esc[-1] == "c" else ">")
            pos = i + 6
        else:  # another escape, kept whole so that `\\u003c` is not mistaken for one
            parts.append(text[pos:i + 2])
            pos = i + 2
    parts.append(text[pos:])
    return "".join(parts), ""
