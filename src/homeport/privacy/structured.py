"""Values of a column that names them, in structured text: the cells under a header cell of a
CSV, TSV or Markdown table ("dob", "fecha_nacimiento", "MRN"), and the values of an SQL
`INSERT INTO t (name, dob, ...) VALUES (...), (...)` mapped to its column list by position
(quoted strings with commas inside, doubled quotes, backslash escapes and function calls such
as TO_DATE('1984-03-02', 'YYYY-MM-DD') keep their place). A date in another column (admitted,
visit) is left alone. JSON, YAML and key=value are read by the keyword rules (birth_mrn)."""

from __future__ import annotations

import re

from homeport.entities import ADDRESS
from homeport.privacy.birth_mrn import at_word_start, cell_finding
from homeport.privacy.columns import cells_below
from homeport.privacy.compacted import id_cell, id_column
from homeport.privacy.context_words import KEYWORDS
from homeport.types import Finding

COLUMN_KINDS = ("birth", "mrn", "ssn")
MAX_ROWS = 2000
_INSERT = re.compile(
    r"insert\s+(?:ignore\s+)?into\s+[^\s(]{1,128}\s*\(([^()]{1,2000})\)\s*values\s*")
# One token of a VALUES list: a quoted string (doubled quotes and backslash escapes inside),
# a parenthesis or comma, anything else up to one of those; a lone quote (unterminated) last.
_TOKEN = re.compile(
    r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|[(),]|[^'\"(),]+|['\"]", re.S)
_QUOTED = re.compile(r"'((?:[^'\\]|\\.|'')*)'|\"((?:[^\"\\]|\\.|\"\")*)\"", re.S)
# A FHIR identifier typed "MR" (medical record number) and its value
_FHIR_MR = re.compile(r'"code"\s*:\s*"MR"[^"]{0,40}(?:"[^"]{0,100}"[^"]{0,40}){0,6}?'
                      r'"value"\s*:\s*"([^"\n]{1,40})"')
_COLUMN_KEYWORDS = tuple(k for k in KEYWORDS if k[1] in COLUMN_KINDS)


def column_kind(name: str) -> str | None:
    """"birth", "mrn" or "ssn" when a column name names one ("dob", "DateOfBirth",
    "fecha_nacimiento", "patient_id"); else None."""
    name += ":"  # a key's end, as the keyword rules expect after the word
    low = name.lower()
    if len(low) != len(name):
        return None
    for probe, kind, rx in _COLUMN_KEYWORDS:
        i = low.find(probe)
        while i != -1:
            if rx.match(low, i) and at_word_start(name, low, i):
                return kind
            i = low.find(probe, i + 1)
    return None


def column_values(text: str, kind: str, start: int, end: int, out: list[Finding]) -> None:
    """The values in a table column whose header cell holds the keyword text[start:end]."""
    for a, b in cells_below(text, start, end):
        cell_finding(kind, text, a, b, out)


def structured_values(text: str, low: str, out: list[Finding]) -> None:
    """Findings in SQL INSERT columns, HL7 PID segments and FHIR identifiers typed "MR";
    three substring probes otherwise."""
    if "insert" in low:
        sql_values(text, low, out)
    if "PID|" in text:
        hl7_pid(text, out)
    if '"MR"' in text:
        for m in _FHIR_MR.finditer(text):
            cell_finding("mrn", text, *m.span(1), out)


def sql_values(text: str, low: str, out: list[Finding]) -> None:
    """Findings in the columns of SQL INSERT statements whose names say what they hold."""
    for m in _INSERT.finditer(low):
        names = [c.strip(" \t\r\n`\"[]") for c in text[m.start(1) : m.end(1)].split(",")]
        kinds = [(column_kind(n) or ("id" if id_column(n) else None)) if n else None
                 for n in names]
        if not any(kinds):
            continue
        for row in _rows(text, m.end()):
            if len(row) != len(names):
                break
            for kind, name, (a, b) in zip(kinds, names, row, strict=True):
                if kind == "id":
                    id_cell(text, *_literal(text, a, b), name, out)
                elif kind is not None:
                    cell_finding(kind, text, *_literal(text, a, b), out)


def _rows(text: str, pos: int) -> list[list[tuple[int, int]]]:
    """Cell spans of each parenthesised row of a VALUES list that starts at pos."""
    rows: list[list[tuple[int, int]]] = []
    cells: list[tuple[int, int]] = []
    depth, cell = 0, pos
    for t in _TOKEN.finditer(text, pos):
        c = t.group()
        if c in ("'", '"'):
            break  # an unterminated string: the rest is not SQL we can read
        if depth == 0:
            if c == "(":
                depth, cells, cell = 1, [], t.end()
            elif c != "," and not c.isspace():
                break  # ";" or other text after the last row
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                cells.append((cell, t.start()))
                rows.append(cells)
                if len(rows) >= MAX_ROWS:
                    break
        elif c == "," and depth == 1:
            cells.append((cell, t.start()))
            cell = t.end()
    return rows


def _literal(text: str, a: int, b: int) -> tuple[int, int]:
    """The value of one SQL cell: inside its quotes, or the first quoted string of an
    expression (DATE '1984-03-02', TO_DATE('02/03/1984', ...)); else the bare token."""
    q = _QUOTED.search(text, a, b)
    if q is not None:
        return q.span(1) if q.group(1) is not None else q.span(2)
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def hl7_pid(text: str, out: list[Finding]) -> None:
    """HL7 v2 PID segments: the patient identifiers (PID-2 to PID-4, first component of each
    repetition) are record numbers, PID-7 (YYYYMMDD[HHMM]) the date of birth, PID-11 the
    address."""
    i = text.find("PID|")
    while i != -1:
        end = min((j for j in (text.find("\r", i), text.find("\n", i)) if j != -1),
                  default=len(text))
        if i == 0 or text[i - 1] in "\r\n":
            fields, a = [], i
            for k in range(i, end + 1):
                if k == end or text[k] == "|":
                    fields.append((a, k))
                    a = k + 1
            for a, b in fields[2:5]:
                for ra, rb in _parts(text, a, b, "~"):
                    cell_finding("mrn", text, ra, _parts(text, ra, rb, "^")[0][1], out)
            if len(fields) > 7 and fields[7][1] - fields[7][0] >= 8:
                cell_finding("birth", text, fields[7][0], fields[7][0] + 8, out)
            if len(fields) > 11:  # PID-11, the patient's address (street^other^city^...)
                a, b = fields[11]
                value = text[a:b]
                if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                    out.append(Finding(ADDRESS, a, b, 0.74))
        i = text.find("PID|", end)


def _parts(text: str, a: int, b: int, sep: str) -> list[tuple[int, int]]:
    out, start = [], a
    while (k := text.find(sep, start, b)) != -1:
        out.append((start, k))
        start = k + 1
    out.append((start, b))
    return out
