"""Structure-aware chunking: parsed blocks -> pieces that fit the embedder whole.

A heading starts a new piece; the blocks of one section are packed greedily; a block too big
for one piece is split on sentences (then words) for text, on lines for code, on rows for
tables (repeating the header row). Consecutive pieces of one section share about `overlap`
tokens of whole sentences. `max_tokens` bounds the whole `embed_text` (heading path + body).

Tokens are counted once per block (and per unit of a block that has to be split) and summed:
units are joined by whitespace, which WordPiece-style tokenizers (such as MiniLM's) never
merge across, so the sum is the count of the joined text. `count_tokens("")` is taken as
the fixed cost of special tokens and charged once per piece.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from homeport.knowledge.parse import Block, ParsedDocument

SEP = " › "
_CLIP = 100  # characters kept of each title/heading in the prefix
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’)\]])\s+|(?<=[。！？])\s*")


@dataclass(frozen=True, slots=True)
class Piece:
    seq: int
    text: str
    headings: tuple[str, ...]
    page: int | None
    offset: int
    tokens: int

    def embed_text(self, title: str) -> str:
        """`title › h1 › h2`, a blank line, then the body: what is embedded and indexed."""
        prefix = _prefix(title, self.headings)
        return f"{prefix}\n\n{self.text}" if prefix else self.text


def _prefix(title: str, headings: tuple[str, ...]) -> str:
    parts = list(headings)
    if title.strip() and (not parts or parts[0] != title.strip()):
        parts.insert(0, title.strip())
    return SEP.join(_clip(p) for p in parts)


def _clip(text: str) -> str:
    return text if len(text) <= _CLIP else text[:_CLIP - 1].rstrip() + "…"


@dataclass(slots=True)
class _Seg:
    text: str
    tokens: int
    kind: str       # block kind: "text" segments are prose (sentences may overlap)
    block: int      # segments of one block join with " " (prose) or "\n" (lines)
    page: int | None
    offset: int
    new: bool = True  # False for overlap carried from the previous piece


def chunk(doc: ParsedDocument, count_tokens: Callable[[str], int], max_tokens: int = 256,
          overlap: int = 32) -> Iterator[Piece]:
    """Pieces of `doc` in document order; deterministic, and lazy over `doc.blocks`."""
    if max_tokens < 32 or overlap < 0:
        raise ValueError("need max_tokens >= 32 and overlap >= 0")
    packer = _Packer(doc.title, count_tokens, max_tokens, min(overlap, max_tokens // 4))
    path: list[tuple[int, str]] = []
    packer.section(())
    for block in doc.blocks:
        if block.kind == "heading":
            if not block.text.strip():
                continue
            yield from packer.flush()
            level = max(block.level, 1)
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, _clip(block.text)))
            packer.section(tuple(h for _, h in path))
        else:
            yield from packer.add(block)
    yield from packer.flush()


class _Packer:
    def __init__(self, title: str, count: Callable[[str], int], max_tokens: int, overlap: int):
        self.title, self.count, self.max, self.overlap = title, count, max_tokens, overlap
        self.base = count("")  # special tokens, once per piece
        self.seq = self.blocks = 0
        self.headings: tuple[str, ...] = ()
        self.cap = self.used = 0
        self.cur: list[_Seg] = []
        self.tail: list[_Seg] = []

    def cost(self, text: str) -> int:
        return self.count(text) - self.base if text.strip() else 0

    def section(self, headings: tuple[str, ...]) -> None:
        """New heading path: fit its prefix into half the budget, dropping middle headings."""
        hs = list(headings)
        while True:
            prefix = self.cost(_prefix(self.title, tuple(hs)))
            if prefix <= self.max // 2 or not hs:
                break
            del hs[1 if len(hs) > 2 else 0]
        self.headings, self.tail = tuple(hs), []
        self.cap = self.max - self.base - prefix
        if self.cap < 8:
            raise ValueError(f"max_tokens={self.max} leaves no room after the title")

    # -- packing -------------------------------------------------------------------------

    def add(self, block: Block) -> Iterator[Piece]:
        self.blocks += 1
        # every word is at least a token: a block with more words than a piece cannot fit,
        # and is split without counting it whole first
        big = len(block.text.split()) > self.cap
        seg = _Seg(block.text, 0 if big else self.cost(block.text), block.kind, self.blocks,
                   block.page, block.offset)
        if big or seg.tokens > self.cap:
            yield from self.split(block, seg.block)
        elif seg.tokens <= self.space():
            self.put(seg)
        else:  # fits a piece of its own: keep it whole
            yield from self.emit()
            self.put(seg)

    def split(self, block: Block, bid: int) -> Iterator[Piece]:
        header: _Seg | None = None
        if block.kind == "text":
            units = [u for s in _sentences(block.text) for u in self.fit(s)]
        else:
            lines = block.text.split("\n")
            if block.kind == "table" and len(lines) > 1 and " | " in lines[0]:
                header = _Seg(lines[0], self.cost(lines[0]), block.kind, bid, block.page,
                              block.offset)
                lines = lines[1:]
                if header.tokens > self.cap // 2:  # a header too big to repeat: plain rows
                    lines, header = [header.text, *lines], None
            limit = self.cap - (header.tokens if header else 0)
            units = [u for ln in lines for u in self.fit(ln, limit)]
        if header is not None:
            self.tail = []  # a table gets its header row as context, not prose overlap
            if header.tokens + units[0][1] > self.space():
                yield from self.emit()
            self.put(header)
        for text, tokens in units:
            seg = _Seg(text, tokens, block.kind, bid, block.page, block.offset)
            if seg.tokens > self.space():
                yield from self.emit()
                if header is not None:
                    self.put(_Seg(header.text, header.tokens, header.kind, bid, header.page,
                                  header.offset))
            self.put(seg)

    def fit(self, text: str, limit: int = 0) -> list[tuple[str, int]]:
        """`text` as units of at most `limit` (default: a piece) tokens: itself, else runs of
        words, else runs of characters."""
        limit = limit or self.cap
        words = text.split()
        tokens = self.cost(text) if len(words) <= limit else 0
        if len(words) <= limit and tokens <= limit:
            return [(text, tokens)]
        if len(words) == 1:
            return self.windows(list(text), "", tokens, limit)
        return self.windows(words, " ", tokens, limit)

    def windows(self, items: list[str], sep: str, tokens: int, limit: int
                ) -> list[tuple[str, int]]:
        """Consecutive runs of `items`, each counted once and checked against `limit`; run
        lengths follow the tokens per item seen so far."""
        out: list[tuple[str, int]] = []
        i, ratio = 0, tokens / len(items) if tokens else 1.5
        while i < len(items):
            n = max(1, min(len(items) - i, int(0.9 * limit / ratio)))
            while True:
                text = sep.join(items[i:i + n])
                cost = self.cost(text)
                if cost <= limit or n == 1:
                    break
                n = max(1, min(n - 1, n * limit // cost))
            out.append((text, cost))
            i, ratio = i + n, max(cost / n, 0.05)
        return out

    def space(self) -> int:
        return self.cap - self.used if self.cur else self.cap

    def put(self, seg: _Seg) -> None:
        if not self.cur and self.tail:  # open the piece with the overlap, trimmed to fit
            tail, self.tail = self.tail, []
            while tail and sum(s.tokens for s in tail) + seg.tokens > self.cap:
                tail.pop(0)
            self.cur.extend(tail)
            self.used = sum(s.tokens for s in tail)
        self.cur.append(seg)
        self.used += seg.tokens

    def flush(self) -> Iterator[Piece]:
        yield from self.emit()
        self.tail = []

    def emit(self) -> Iterator[Piece]:
        segs, used, self.cur, self.used = self.cur, self.used, [], 0
        if not any(s.new for s in segs):
            return
        parts = [segs[0].text]
        for prev, seg in itertools.pairwise(segs):
            same = prev.block == seg.block
            parts.append((" " if seg.kind == "text" else "\n") if same else "\n\n")
            parts.append(seg.text)
        text = "".join(parts).strip("\n")
        if not text.strip():
            return
        tokens = self.max - self.cap + used
        first = next(s for s in segs if s.new)  # where the new content starts: cited page
        yield Piece(self.seq, text, self.headings, first.page, first.offset, tokens)
        self.seq += 1
        self.tail = self.overlap_of(segs)

    def overlap_of(self, segs: list[_Seg]) -> list[_Seg]:
        """Whole sentences from the end of the prose that ends `segs`, up to `overlap` tokens;
        the last words when even the last sentence is longer."""
        out: list[_Seg] = []
        total = 0
        for seg in reversed(segs):
            if seg.kind != "text" or not self.overlap:
                break
            for s in reversed(_sentences(seg.text, tail=64 * self.overlap)):
                t = seg.tokens if s is seg.text else self.cost(s)
                if total + t > self.overlap:
                    return out or self.last_words(s, t, seg)
                out.insert(0, _Seg(s, t, seg.kind, seg.block, seg.page, seg.offset, False))
                total += t
        return out

    def last_words(self, sentence: str, tokens: int, seg: _Seg) -> list[_Seg]:
        words = sentence.split()
        n = min(len(words) - 1, len(words) * self.overlap // max(tokens, 1))
        while n > 0:
            text = " ".join(words[-n:])
            cost = self.cost(text)
            if cost <= self.overlap:
                return [_Seg(text, cost, seg.kind, seg.block, seg.page, seg.offset, False)]
            n = min(n - 1, n * self.overlap // cost)
        return []


def _sentences(text: str, tail: int = 0) -> list[str]:
    """Sentences of `text`; with `tail`, only those in its last `tail` characters (the cut
    one dropped, or kept alone when it is all there is)."""
    if 0 < tail < len(text):
        parts = [s for s in _SENTENCE.split(text[-tail:]) if s.strip()]
        return parts[1:] or parts[:1]
    return [s for s in _SENTENCE.split(text) if s.strip()] or [text]
