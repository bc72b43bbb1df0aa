"""Values under a column header that names them: "dob" over a column of dates, "mrn" or "ssn"
over a column of numbers, in CSV, TSV and Markdown tables pasted into a prompt."""

from __future__ import annotations

_DELIMITERS = (",", ";", "\t", "|")
MAX_ROWS = 2000
MAX_LINE = 1000  # a longer line is prose, not a table row


def cells_below(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the cells in the column whose header cell holds text[start:end], when that
    sits in a delimited header line and the cell is a label (short); else nothing."""
    head = text.rfind("\n", 0, start) + 1
    tail = text.find("\n", end)
    if tail == -1 or tail - head > MAX_LINE:
        return []
    line = text[head:tail]
    delimiter = max(_DELIMITERS, key=line.count)
    if not _label_cell(line, delimiter, start - head):
        return []  # prose: the word is no short cell of a delimited line
    header = _split(line, delimiter)
    if len(header) < 2:
        return []
    column = next((i for i, (a, b) in enumerate(header) if a <= start - head < b), None)
    if column is None or header[column][1] - header[column][0] > 32:
        return []
    cells: list[tuple[int, int]] = []
    pos = tail + 1
    while pos < len(text) and len(cells) < MAX_ROWS:
        stop = text.find("\n", pos)
        stop = len(text) if stop == -1 else stop
        if stop - pos > MAX_LINE:
            break
        row = _split(text[pos:stop], delimiter)
        if len(row) < len(header) or (len(row) > len(header) and column > 0):
            # too few cells; or more (an unquoted "1,234"): only the first column is sure
            if text[pos:stop].strip(" -|:") == "" and cells == []:  # a Markdown rule
                pos = stop + 1
                continue
            break
        a, b = row[column]
        cells.append(_strip(text, pos + a, pos + b))
        pos = stop + 1
    return cells


def _label_cell(line: str, delimiter: str, i: int) -> bool:
    """Whether position i sits in a short cell of a line that `delimiter` splits."""
    a = line.rfind(delimiter, 0, i) + 1
    b = line.find(delimiter, i)
    b = len(line) if b == -1 else b
    return (a > 0 or b < len(line)) and b - a <= 32


def _split(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Cell spans of one line; a delimiter inside double quotes does not split."""
    if '"' not in line:
        spans, start = [], 0
        for cell in line.split(delimiter):
            spans.append((start, start + len(cell)))
            start += len(cell) + 1
        return _trim_bars(spans, line, delimiter)
    spans, start, quoted = [], 0, False
    for i, c in enumerate(line):
        if c == '"':
            quoted = not quoted
        elif c == delimiter and not quoted:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(line)))
    return _trim_bars(spans, line, delimiter)


def _trim_bars(spans: list[tuple[int, int]], line: str,
               delimiter: str) -> list[tuple[int, int]]:
    if delimiter == "|":  # | a | b |: the empty cells outside the first and last bar
        return [s for k, s in enumerate(spans)
                if not (k in (0, len(spans) - 1) and not line[s[0]:s[1]].strip())]
    return spans


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in ' "\'':
        a += 1
    while b > a and text[b - 1] in ' "\'\r':
        b -= 1
    return a, b


def header_above(text: str, start: int, end: int) -> str:
    """The header of the table column that holds text[start:end] (the first line of the block
    of lines with as many cells), lower-cased; "" when the text there is no table."""
    head = text.rfind("\n", 0, start) + 1
    tail = text.find("\n", end)
    tail = len(text) if tail == -1 else tail
    if head == 0 or tail - head > MAX_LINE:
        return ""
    line = text[head:tail]
    delimiter = max(_DELIMITERS, key=line.count)
    cells = _split(line, delimiter)
    column = next((i for i, (a, b) in enumerate(cells) if a <= start - head < b), None)
    if len(cells) < 2 or column is None:
        return ""
    top = head
    for _ in range(MAX_ROWS):
        previous = text.rfind("\n", 0, top - 1) + 1
        if top - 1 - previous > MAX_LINE or \
                len(_split(text[previous : top - 1], delimiter)) != len(cells):
            break
        top = previous
        if top == 0:
            break
    if top == head:
        return ""
    header = text[top : text.find("\n", top)]
    a, b = _split(header, delimiter)[column]
    return header[a:b].strip(' "\'').lower()
