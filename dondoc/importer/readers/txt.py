"""Plain text: the layouts plan text arrives in when copied from legal web sites or PDFs.

- " | " rows: one table row per line, cells joined by " | " (a site's text export);
- "|" lines: each cell's text, possibly wrapped mid-phrase, followed by a line
  holding only "|" (web tables copied as text);
- one cell per line: cells (or a cell's paragraphs) on their own lines with blank
  lines between and a no-break space standing for an empty cell (HTML copied as
  text), or a PDF's text with cells wrapped over narrow lines, two cells sharing a
  printed line and the header repeated on every page.

Each is read into the same Grid. Where a layout lost the cell boundaries,
`segment.py` puts them back from the header's columns.
"""

from __future__ import annotations

import re

from ..grid import Grid, Row, Table
from ..headers import field_of, header_fields, is_column_numbering
from ..segment import Atom, segment, split_candidates
from ..tables import upper_ratio
from ..text import fold, is_roman, key, nfc

_NBSP_ONLY = re.compile(r"^[\s\u00a0]*\u00a0[\s\u00a0]*$")
_NUM_LINE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?$")
_NUM_TEXT = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(\.?)\s+(\S.*)$")
_ROMAN_LINE = re.compile(r"^([IVXL]{1,6})\.?$")
_ROMAN_TEXT = re.compile(r"^([IVXL]{1,6})[.:]\s*(\S.*)$")
_LETTER = re.compile(r"^([a-zđ])\s*\)\s*(.*)$")
_PIPE_SPLIT = re.compile(r"\s*\|\s*")
MAX_HEADER_LINES = 16


def read_txt(text: str) -> Grid:
    lines = [nfc(line.rstrip("\r")).expandtabs() for line in text.split("\n")]
    if _pipe_row_header(lines) is not None:
        return _read_pipe_rows(lines)
    if sum(1 for line in lines if line.strip() == "|") >= 8:
        return _read_pipe_tokens(lines)
    return _read_line_cells(lines)


# --- " | " rows -------------------------------------------------------------------------------

def _pipe_cells(line: str) -> list[str]:
    cells = _PIPE_SPLIT.split(line.strip())
    if cells and cells[-1] == "":
        cells.pop()
    if cells and cells[0] == "" and line.strip().startswith("|"):
        cells.pop(0)
    return cells


def _pipe_row_header(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if line.count("|") >= 3 and header_fields(_pipe_cells(line)):
            return i
    return None


def _read_pipe_rows(lines: list[str]) -> Grid:
    grid = Grid()
    table: Table | None = None
    width = 0
    body_mark = 0  # body lines before this index belong above an earlier table
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text:
            continue
        cells = _pipe_cells(text) if "|" in text else None
        if cells and len(cells) >= 3 and header_fields(cells):
            table = Table(before=list(grid.body[max(body_mark, len(grid.body) - 4):]))
            grid.tables.append(table)
            width = len(cells)
            table.rows.append(Row(cells=cells, line=number))
            continue
        if table is not None and cells and len(cells) >= 2:
            if len(cells) < width and table.rows and not _NUM_LINE.match(cells[0].rstrip(".")):
                # a cell with a line break: the line goes on in the next printed line
                prev = table.rows[-1]
                prev.cells[-1] = f"{prev.cells[-1]}\n{cells[0]}"
                prev.cells.extend(cells[1:])
                continue
            table.rows.append(Row(cells=cells + [""] * (width - len(cells)), line=number))
            continue
        if table is not None and cells is None and table.rows and len(table.rows[-1].cells) < width:
            table.rows[-1].cells[-1] += "\n" + text
            continue
        if table is not None:
            body_mark = len(grid.body)
        table = None
        grid.body.append(text)
    return grid


# --- "|" lines ---------------------------------------------------------------------------------

def _tokens(lines: list[str]) -> list[tuple[str, int]]:
    """Cell texts between lone "|" lines, with the line number each starts on."""
    out: list[tuple[str, int]] = []
    buf: list[str] = []
    start = 1
    for number, line in enumerate(lines, 1):
        if line.strip() == "|":
            out.append(("\n".join(buf), start))
            buf, start = [], number + 1
        else:
            if not buf:
                start = number
            if line.strip():
                buf.append(line.strip())
    if buf:
        out.append(("\n".join(buf), start))
    return out


def _is_number_token(text: str) -> bool:
    return bool(_NUM_LINE.match(fold(text)))


def _row_start_kind(text: str) -> str | None:
    t = fold(text)
    if _NUM_LINE.match(t):
        return "number"
    if _ROMAN_LINE.match(t) and is_roman(t.rstrip(".")):
        return "section"
    if _LETTER.match(t) and len(t) <= 3:
        return "letter"
    return None


def _read_pipe_tokens(lines: list[str]) -> Grid:
    grid = Grid()
    tokens = _tokens(lines)
    i = 0
    while i < len(tokens):
        header = None
        lead_lines = tokens[i][0].split("\n")
        first = fold(tokens[i][0])
        if field_of(first) is None and len(lead_lines) > 1 and field_of(lead_lines[-1]):
            first = fold(lead_lines[-1])  # the header's first cell shares a token with the title above it
        for size in range(3, 11):
            window = [first] + [fold(t) for t, _ in tokens[i + 1:i + size]]
            if len(window) < size or not all(field_of(w) for w in window):
                break
            fields = header_fields(window)
            if fields:
                header = (size, window)
        if header is None:
            grid.body.extend(line for line in tokens[i][0].split("\n") if line.strip())
            i += 1
            continue
        size, header_cells = header
        if first != fold(tokens[i][0]):
            grid.body.extend(line for line in lead_lines[:-1] if line.strip())
        table = Table(before=list(grid.body[-4:]), rows=[Row(cells=header_cells, line=tokens[i][1])])
        grid.tables.append(table)
        i = _pipe_token_rows(tokens, i + size, size, table)
    return grid


def _plausible_unnumbered(cells: list[str]) -> bool:
    from ..columns import agency_evidence

    return any(agency_evidence(fold(c)) > 0 for c in cells[1:])


def _pipe_token_rows(tokens: list[tuple[str, int]], i: int, width: int, table: Table) -> int:
    while i < len(tokens):
        text, line = tokens[i]
        kind = _row_start_kind(text)
        if kind in ("section", "letter"):
            cells = [text]
            j = i + 1
            while j < len(tokens) and len(cells) < width and not _row_start_kind(tokens[j][0]):
                cells.append(tokens[j][0])
                j += 1
            if is_column_numbering(cells):
                i = j
                continue
            table.rows.append(Row(cells=cells + [""] * (width - len(cells)), line=line))
            i = j
            continue
        if kind == "number":
            cells = [text]
            j = i + 1
            while j < len(tokens) and len(cells) < width:
                if _row_start_kind(tokens[j][0]) and len(cells) >= 2 and _is_number_token(tokens[j][0]):
                    break
                cells.append(tokens[j][0])
                j += 1
            if is_column_numbering(cells):
                i = j
                continue
            table.rows.append(Row(cells=cells + [""] * (width - len(cells)), line=line))
            i = j
            continue
        # a row without a number of its own: the number cell was merged with the row above
        if not fold(text):
            i += 1  # an empty cell left over from a merged (rowspan) column
            continue
        cells = [""] + [t for t, _ in tokens[i:i + width - 1]]
        if is_column_numbering([t for t, _ in tokens[i:i + width]]):
            i += width
            continue
        if not _plausible_unnumbered(cells):
            return i  # the table has ended
        table.rows.append(Row(cells=cells + [""] * (width - len(cells)), line=line, notes=["unnumbered_row"]))
        i += width - 1
    return i


# --- one cell per line (HTML text, PDF text) ---------------------------------------------------

def _header_cells(lines: list[str]) -> list[tuple[str | None, str]]:
    """Header lines -> (field, text) cells: pieces of one printed line may be two headers."""
    cells: list[tuple[str | None, str]] = []
    for line in lines:
        for atom in split_candidates(line, limit=6):
            f = field_of(atom.text)
            if cells and (f is None or f == cells[-1][0]) and not (f is None and not cells[-1][0]):
                cells[-1] = (cells[-1][0], cells[-1][1] + " " + atom.text)
            elif cells and cells[-1][0] is None and f is None:
                cells[-1] = (None, cells[-1][1] + " " + atom.text)
            else:
                cells.append((f, atom.text))
    # pieces merged by the split that together name one header ("Nguồn" + "Kinh phí thực hiện")
    merged: list[tuple[str | None, str]] = []
    for f, text in cells:
        f2 = field_of(text)
        if merged and f2 is None:
            merged[-1] = (merged[-1][0], merged[-1][1] + " " + text)
        else:
            merged.append((f2 or f, text))
    return merged


def _find_line_header(lines: list[str], start: int) -> tuple[int, int, list[str], list[str]] | None:
    """(first line, end line, header line keys, header cell texts) of the next task-table header."""
    n = len(lines)
    for i in range(start, n):
        first = lines[i].strip()
        if not first or len(first) > 60 or field_of(first.split()[0] if first.split() else "") is None and \
                field_of(first) is None:
            continue
        window: list[str] = []
        idx: list[int] = []
        j = i
        while j < n and len(window) < MAX_HEADER_LINES:
            text = lines[j].strip().replace("\u00a0", " ").strip()
            j += 1
            if not text:
                continue
            if len(text) > 70 or _row_start_kind(text) or is_column_numbering([text]) or \
                    _ROMAN_TEXT.match(text):
                break
            window.append(text)
            idx.append(j - 1)
            cells = _header_cells(window)
            fields = [f for f, _ in cells]
            if header_fields([t for _, t in cells]) and "number" in fields[:1] and len(set(fields)) >= 4:
                # extend greedily while the next lines still belong to the header
                best = (i, j, list(window), [f or "" for f in fields])
                k = j
                extra = list(window)
                while k < n:
                    t = lines[k].strip().replace("\u00a0", " ").strip()
                    k += 1
                    if not t:
                        continue
                    if len(t) > 70 or _row_start_kind(t) or is_column_numbering([t]) or _ROMAN_TEXT.match(t):
                        break
                    extra.append(t)
                    c2 = _header_cells(extra)
                    f2 = [f for f, _ in c2]
                    if not header_fields([t2 for _, t2 in c2]):
                        break
                    best = (i, k, list(extra), [f or "" for f in f2])
                texts = [t for _, t in _header_cells(best[2])]
                return best[0], best[1], [key(x) for x in best[2]], texts
        # not a header here
    return None


def _line_kind(text: str) -> tuple[str, str, str] | None:
    """('number'|'section'|'numtext'|'letter', number, rest) for a line that may open a row."""
    t = text.strip().replace("\u00a0", " ").strip()
    m = _NUM_LINE.match(t)
    if m:
        return "number", m.group(1), ""
    m = _ROMAN_LINE.match(t)
    if m and is_roman(m.group(1)):
        return "section", m.group(1), ""
    m = _ROMAN_TEXT.match(t)
    if m and is_roman(m.group(1)) and upper_ratio(m.group(2)) >= 0.8:
        return "section", m.group(1), m.group(2)
    m = _NUM_TEXT.match(t)
    if m and not re.match(r"^\d+\s*(%|/|-)", t):
        return "numtext", m.group(1), m.group(3)
    m = _LETTER.match(t)
    if m:
        return "letter", m.group(1), m.group(2)
    return None


def _expected(number: str, last: str | None) -> bool:
    """Does `number` plausibly follow the row number `last`?"""
    parts = [int(p) for p in number.split(".")]
    if last is None:
        return parts[0] == 1 or len(parts) == 1
    prev = [int(p) for p in last.split(".")]
    if parts == [1] or parts[:-1] + [parts[-1] - 1] == prev:
        return True
    if len(parts) > len(prev) and parts[: len(prev)] == prev and parts[-1] == 1:
        return True
    if len(parts) < len(prev) and parts[-1] == prev[len(parts) - 1] + 1:
        return True
    return len(parts) == len(prev) + 1 and parts[:-1] == prev[:-1] and parts[-1] == 1


def _read_line_cells(lines: list[str]) -> Grid:
    grid = Grid()
    found = _find_line_header(lines, 0)
    if found is None:
        grid.body = [fold(line) for line in lines if fold(line)]
        return grid
    h_start, h_end, header_keys, header_texts = found
    fields = [field_of(t) or "" for t in header_texts]
    grid.body = [fold(line) for line in lines[:h_start] if fold(line)]
    markers = sum(1 for line in lines[h_end:] if _NBSP_ONLY.match(line)) >= 3
    wrapped = not markers
    table = Table(before=list(grid.body[-4:]))
    table.rows.append(Row(cells=header_texts, line=h_start + 1))
    grid.tables.append(table)
    after_number = fields[1:]

    # 1. the lines after the header as items: repeated headers dropped, row starts marked
    items: list[tuple[str, int, str]] = []  # (kind, line number, text)
    i = h_end
    n = len(lines)
    hk_len = len(header_keys)
    while i < n:
        raw = lines[i]
        if markers and _NBSP_ONLY.match(raw):
            items.append(("empty", i + 1, ""))
            i += 1
            continue
        if not raw.strip():
            i += 1
            continue
        text = raw.strip().replace("\u00a0", " ").strip()
        if key(text) == header_keys[0]:
            # a header repeated at a page break
            got, j = [], i
            while j < n and len(got) < hk_len:
                if lines[j].strip():
                    got.append(key(lines[j].strip()))
                j += 1
            if got == header_keys:
                items.append(("pagebreak", i + 1, ""))
                i = j
                continue
        if is_column_numbering(text.split()) and text.startswith("("):
            i += 1
            continue
        items.append(("line", i + 1, text))
        i += 1

    # 2. rows
    rows: list[Row] = []
    last_number: str | None = None
    pos = 0

    def next_start(p: int) -> int:
        nonlocal last_number
        q = p
        while q < len(items):
            kind, _, text = items[q]
            if kind == "line":
                lk = _line_kind(text)
                if lk and lk[0] == "section":
                    return q
                if lk and lk[0] == "number" and (not lk[1].startswith("0") or last_number is None
                                                 or last_number.startswith("0")):
                    return q
                if lk and lk[0] == "numtext" and _expected(lk[1], last_number):
                    return q
                if lk and lk[0] == "letter" and upper_ratio(lk[2]) < 0.95 and len(lk[2]) < 120 and \
                        (q + 1 < len(items) and items[q + 1][0] == "line" and
                         (_line_kind(items[q + 1][2]) or ("", "", ""))[0] in ("number", "numtext")):
                    return q
            if kind == "pagebreak":
                return q
            q += 1
        return q

    def atoms_of(chunk: list[tuple[str, int, str]]) -> list[Atom]:
        atoms: list[Atom] = []
        for kind, _, text in chunk:
            if kind == "empty":
                atoms.append(Atom("", empty_marker=True))
            elif wrapped:
                atoms.extend(split_candidates(text))
            else:
                atoms.append(Atom(text))
        return atoms

    while pos < len(items):
        kind, line_no, text = items[pos]
        if kind == "pagebreak":
            pos += 1
            end = next_start(pos)
            chunk = items[pos:end]
            if chunk and rows and not rows[-1].spans_all:
                frag, _ = segment(atoms_of(chunk), after_number, wrapped=wrapped, drop_tail=False,
                                  first_optional=True)
                target = rows[-1]
                for c, extra in enumerate(frag[0], start=1):
                    if extra and c < len(target.cells):
                        target.cells[c] = f"{target.cells[c]}\n{extra}" if target.cells[c] else extra
                target.notes.append("row_joined_across_page")
            pos = end
            continue
        if kind != "line":
            pos += 1
            continue
        lk = _line_kind(text)
        if lk is None or lk[0] == "numtext" and not _expected(lk[1], last_number) and pos != next_start(pos):
            # text before any row start: an unnumbered row in wrapped layouts
            end = next_start(pos + 1)
            chunk = items[pos:end]
            rows_out, used = segment(atoms_of(chunk), after_number, wrapped=wrapped, drop_tail=end >= len(items))
            for cells in rows_out[:1]:
                rows.append(Row(cells=[""] + cells, line=line_no, notes=["unnumbered_row"]))
            pos = end
            continue
        kind2, number, rest = lk
        if kind2 == "section":
            title_lines = [rest] if rest else []
            q = pos + 1
            while q < len(items) and items[q][0] == "line" and not _line_kind(items[q][2]) and \
                    upper_ratio(items[q][2]) >= 0.8:
                title_lines.append(items[q][2])
                q += 1
            while q < len(items) and items[q][0] == "empty":
                q += 1
            rows.append(Row(cells=[number, "\n".join(title_lines)] + [""] * (len(fields) - 2), line=line_no))
            pos = q
            continue
        if kind2 == "letter" or (kind2 == "numtext" and pos + 1 < len(items) and items[pos + 1][0] == "line"
                                  and (_line_kind(items[pos + 1][2]) or ("",))[0] == "number"
                                  and "." in (_line_kind(items[pos + 1][2]) or ("", ""))[1]):
            label = f"{number}) {rest}" if kind2 == "letter" else f"{number}. {rest}"
            rows.append(Row(cells=[label], line=line_no, spans_all=True))
            pos += 1
            continue
        # a task row
        last_number = number
        end = next_start(pos + 1)
        chunk = items[pos + 1:end]
        atoms = atoms_of(chunk)
        if rest:
            atoms = [Atom(rest)] + atoms
        is_last = end >= len(items)
        rows_out, used = segment(atoms, after_number, wrapped=wrapped, max_extra_rows=3 if markers else 0,
                                 drop_tail=is_last)
        for r, cells in enumerate(rows_out):
            if r == 0:
                rows.append(Row(cells=[number] + cells, line=line_no))
            else:
                rows.append(Row(cells=cells, line=line_no, notes=["unnumbered_row"]))
        if used < len(atoms):
            grid.body.extend(a.text for a in atoms[used:] if a.text)
        last_number = number
        pos = end
    table.rows.extend(rows)
    return grid
