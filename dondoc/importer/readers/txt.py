"""Plain text: the layouts plan text arrives in when copied from legal web sites or PDFs.

- " | " rows: one table row per line, cells joined by " | " (a site's text export);
- "|" lines: each cell's text, possibly wrapped mid-phrase, followed by a line
  holding only "|" (web tables copied as text);
- one cell per line: cells (or a cell's paragraphs) on their own lines with blank
  lines between and a no-break space standing for an empty cell (HTML copied as
  text), or a PDF's text with cells wrapped over narrow lines, two cells sharing a
  printed line and the header repeated on every page.

Each is read into the same Grid. Where a layout lost the cell boundaries,
`segment.py` puts them back from the header's columns. A text may hold several
documents and tables in different layouts one after another (documents pasted
together): the text is cut into stretches by the table headers it holds, and each
stretch is read in its own layout. Every step is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..columns import fast_key, start_facts, text_width
from ..grid import Grid, Row, Table
from ..headers import field_of, header_fields, is_column_numbering
from ..segment import (
    Atom,
    Widths,
    continue_cells,
    estimate_widths,
    every_cut,
    name_key,
    segment,
    segment_across,
    split_candidates,
)
from ..tables import upper_ratio
from ..text import first_letter_is_lower, fold, is_roman, nfc

_NBSP_ONLY = re.compile(r"^[\s\u00a0]*\u00a0[\s\u00a0]*$")
_NUM_LINE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?$")
_NUM_TEXT = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(\.?)\s+(\S.*)$")
_ROMAN_LINE = re.compile(r"^([IVXL]{1,6})\.?$")
_ROMAN_TEXT = re.compile(r"^([IVXL]{1,6})[.:]\s*(\S.*)$")
_LETTER = re.compile(r"^([a-zđ])\s*\)\s*(.*)$")
_PIPE_SPLIT = re.compile(r"\s*\|\s*")
MAX_HEADER_LINES = 16
MAX_HEADER_CELL = 160  # characters: a longer text is no header cell
WIDTH_SAMPLE_BREAKS = 8  # line breaks per column in a first reading that show the columns' printed widths
FIRST_READING_ATOMS = 10  # a cell's atoms in that first reading (but the task's text)
# Lines that only stand outside a task table: the national motto, the issuer block, a document's
# title word, "Nơi nhận", a signature block (Nghị định 30/2020/NĐ-CP layout). A table ends there.
_BOUNDARY = re.compile(
    r"^((cong )?hoa xa hoi chu nghia viet nam|doc lap\s*-\s*tu do\s*-\s*hanh phuc|"
    r"noi nhan\s*:?|(tm|kt|tl|tuq)\.\s.*|uy|uy ban nhan dan|ban nhan dan|"
    r"(ke hoach|quyet dinh|bao cao|chuong trinh|huong dan|cong van|thong bao|nghi quyet|chi thi|to trinh|"
    r"de an|quy che|quy dinh)\s*:?)$")
# A body named with its head noun ("Phòng Tài chính - Kế hoạch", "Các phòng: Văn hóa - Thông tin"):
# elsewhere the same table may name it bare ("Tài chính - Kế hoạch").
_HEADED_NAME = re.compile(r"(?<!Văn )(?<!văn )\b(?:Phòng|phòng:|Ban|Trung tâm|Chi cục)\s+([A-ZĐÂĂÊÔƠƯ]\w*\s+\w+)")
_NUMBER_HEAD = re.compile(r"^(s\.? ?tt|tt|so tt|so thu tu|thu tu|stt)\b")
_TITLE_ABOVE = re.compile(r"^(phu luc|bieu|bang)\b")


def read_txt(text: str) -> Grid:
    lines = [nfc(line.rstrip("\r")).expandtabs() for line in text.split("\n")]
    stretches = _stretches(lines)
    if not stretches:
        if sum(1 for line in lines if line.strip() == "|") >= 8:
            return _read_pipe_tokens(lines)
        return _read_line_cells(lines)
    grid = Grid()
    for reader, a, b in stretches:
        part = reader(lines[a:b], a)
        grid.body.extend(part.body)
        grid.tables.extend(part.tables)
        grid.warnings.extend(part.warnings)
    return grid


def is_boundary(line: str) -> bool:
    """A line that never sits inside a task table (see `_BOUNDARY`)."""
    text = line.strip()
    if not text or len(text) > 60:
        return False
    k = fast_key(text)
    if not _BOUNDARY.match(k):
        return False
    return k.startswith(("noi nhan", "tm.", "kt.", "tl.", "tuq.", "doc lap")) or upper_ratio(text) >= 0.9


def _stretches(lines: list[str]) -> list[tuple[Callable[[list[str], int], Grid], int, int]]:
    """(reader, first line, end line) per stretch of the text, each holding the tables of one
    layout; [] when the text holds no task-table header at all."""
    heads: list[tuple[int, int]] = []  # (line, layout): 0 " | " rows, 1 "|" lines, 2 one cell per line
    heads += [(i, 0) for i, line in enumerate(lines) if _is_pipe_row_header(line)]
    if sum(1 for line in lines if line.strip() == "|") >= 8:
        heads += [(line, 1) for line in _pipe_token_headers(lines)]
    pos = 0
    while True:
        found = _find_line_header(lines, pos)
        if found is None:
            break
        heads.append((found[0], 2))
        pos = found[1]
    if not heads:
        return []
    heads.sort()
    # one stretch per run of headers of the same layout; a stretch ends at the first line after its
    # last header that only stands outside a table (the next document's head), else at the next header
    groups: list[list[int]] = []  # [layout, first header, last header]
    for line, layout in heads:
        if groups and groups[-1][0] == layout:
            groups[-1][2] = line
        elif not groups or line > groups[-1][2]:
            groups.append([layout, line, line])
    readers: list[Callable[[list[str], int], Grid]] = [_read_pipe_rows, _read_pipe_tokens, _read_line_cells]
    bounds = [0]
    for prev, nxt in zip(groups, groups[1:], strict=False):
        cut = nxt[1]
        for i in range(prev[2] + 1, nxt[1]):
            if is_boundary(lines[i]):
                cut = i
                break
        bounds.append(max(cut, bounds[-1]))
    bounds.append(len(lines))
    return [(readers[g[0]], bounds[k], bounds[k + 1]) for k, g in enumerate(groups)]


# --- " | " rows -------------------------------------------------------------------------------

def _pipe_cells(line: str) -> list[str]:
    cells = _PIPE_SPLIT.split(line.strip())
    if cells and cells[-1] == "":
        cells.pop()
    if cells and cells[0] == "" and line.strip().startswith("|"):
        cells.pop(0)
    return cells


def _is_pipe_row_header(line: str) -> bool:
    return line.count("|") >= 3 and bool(header_fields(_pipe_cells(line)))


def _read_pipe_rows(lines: list[str], offset: int = 0) -> Grid:
    grid = Grid()
    table: Table | None = None
    width = 0
    body_mark = 0  # body lines before this index belong above an earlier table
    for number, line in enumerate(lines, 1 + offset):
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

def _tokens(lines: list[str], offset: int = 0) -> list[tuple[str, int]]:
    """Cell texts between lone "|" lines, with the line number each starts on."""
    out: list[tuple[str, int]] = []
    buf: list[str] = []
    start = 1 + offset
    for number, line in enumerate(lines, 1 + offset):
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


def _token_header(tokens: list[tuple[str, int]], i: int) -> tuple[int, list[str], str] | None:
    """(size, header cell texts, first cell) of a header that starts at token i."""
    text = tokens[i][0]
    first = text if len(text) <= MAX_HEADER_CELL and field_of(text) else ""
    if not first:
        last = text[text.rfind("\n") + 1:]
        if "\n" not in text or len(last) > MAX_HEADER_CELL or not field_of(last):
            return None
        first = last  # the header's first cell shares a token with the title above it
    header = None
    window = [fold(first)]
    for size in range(3, 11):
        for t, _ in tokens[i + len(window):i + size]:
            if len(t) > MAX_HEADER_CELL or not field_of(t):
                return header
            window.append(fold(t))
        if len(window) < size:
            break
        if header_fields(window):
            header = (size, list(window), window[0])
    return header


def _pipe_token_headers(lines: list[str]) -> list[int]:
    """Line numbers (0-based) where a "|"-lines task-table header starts."""
    tokens = _tokens(lines)
    out = []
    for i in range(len(tokens)):
        if _token_header(tokens, i):
            out.append(tokens[i][1] - 1)
    return out


def _read_pipe_tokens(lines: list[str], offset: int = 0) -> Grid:
    grid = Grid()
    tokens = _tokens(lines, offset)
    i = 0
    while i < len(tokens):
        found = _token_header(tokens, i)
        lead_lines = tokens[i][0].split("\n")
        header = (found[0], found[1]) if found else None
        first = found[2] if found else ""
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


def _ends_row(kind: str, token: str, filled: int) -> bool:
    """Does `token` open the next row? A section or letter row ends at any row start; a numbered row
    only at another number once it has two cells (its own cells may start with a number)."""
    if kind == "number":
        return bool(_row_start_kind(token)) and filled >= 2 and _is_number_token(token)
    return bool(_row_start_kind(token))


def _pipe_token_rows(tokens: list[tuple[str, int]], i: int, width: int, table: Table) -> int:
    while i < len(tokens):
        text, line = tokens[i]
        kind = _row_start_kind(text)
        if kind in ("section", "letter", "number"):
            cells = [text]
            j = i + 1
            while j < len(tokens) and len(cells) < width and not _ends_row(kind, tokens[j][0], len(cells)):
                cells.append(tokens[j][0])
                j += 1
            if not is_column_numbering(cells):
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
        for atom in split_candidates(line, limit=6, any_capital=True):
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


def _line_header_at(lines: list[str], i: int) -> tuple[int, int, list[str], list[str]] | None:
    """(first line, end line, header line keys, header cell texts) of a header starting at line i."""
    n = len(lines)
    first = lines[i].strip()
    if not first or len(first) > 60 or not _NUMBER_HEAD.match(fast_key(first)):
        return None  # a one-cell-per-line header opens with its number column ("TT", "STT", ...)
    window: list[str] = []
    j = i
    while j < n and len(window) < MAX_HEADER_LINES:
        text = lines[j].strip().replace("\u00a0", " ").strip()
        j += 1
        if not text:
            continue
        if len(text) > 70 or text == "|" or _row_start_kind(text) or is_column_numbering([text]) or \
                _ROMAN_TEXT.match(text):
            break
        window.append(text)
        cells = _header_cells(window)
        fields = [f for f, _ in cells]
        if header_fields([t for _, t in cells]) and "number" in fields[:1] and len(set(fields)) >= 4:
            # extend greedily while the next lines still belong to the header
            best = (i, j, list(window))
            k = j
            extra = list(window)
            while k < n:
                t = lines[k].strip().replace("\u00a0", " ").strip()
                k += 1
                if not t:
                    continue
                if len(t) > 70 or t == "|" or _row_start_kind(t) or is_column_numbering([t]) or \
                        _ROMAN_TEXT.match(t):
                    break
                extra.append(t)
                if not header_fields([t2 for _, t2 in _header_cells(extra)]):
                    break
                best = (i, k, list(extra))
            texts = [t for _, t in _header_cells(best[2])]
            return best[0], best[1], [fast_key(x) for x in best[2]], texts
    return None


def _find_line_header(lines: list[str], start: int) -> tuple[int, int, list[str], list[str]] | None:
    """The next one-cell-per-line task-table header at or after line `start`."""
    for i in range(start, len(lines)):
        found = _line_header_at(lines, i)
        if found:
            return found
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
    if m and not re.match(r"^\d+\s*(%|/|-)", t) and not first_letter_is_lower(m.group(3)):
        # "01 năm 2 lần", "6 tháng đầu năm": a quantity, not a row number with its text
        return "numtext", m.group(1), m.group(3)
    m = _LETTER.match(t)
    if m:
        return "letter", m.group(1), m.group(2)
    return None


def _expected(number: str, last: str | None) -> bool:
    """Does `number` plausibly follow the row number `last`?"""
    if number.startswith("0") and last is not None and not last.startswith("0"):
        return False  # "01" after "12" is a count ("01 năm"), not the next row
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


def _bare_names(text: str) -> frozenset[str]:
    """Keys (`segment.name_key`) of the bodies `text` names after a head noun."""
    out = set()
    for m in _HEADED_NAME.finditer(text):
        words = m.group(1).split()
        s = start_facts(" ".join(words))
        if not (s.when or s.agency or s.doc):  # "Phòng Kế hoạch" yes; "Văn phòng Theo quy định" no
            out.add(name_key(words))
    return frozenset(out)


def _read_line_cells(lines: list[str], offset: int = 0) -> Grid:
    """One cell per line: every task table in `lines`, with the body text around them."""
    grid = Grid()
    pos = 0
    while True:
        found = _find_line_header(lines, pos)
        if found is None:
            grid.body.extend(fold(line) for line in lines[pos:] if fold(line))
            return grid
        grid.body.extend(fold(line) for line in lines[pos:found[0]] if fold(line) and line.strip() != "|")
        end = _read_line_table(lines, found, grid, offset)
        pos = max(end, found[1])


Item = tuple[str, int, str]  # (kind, 0-based line, text): kind "line", "empty" (a no-break space), "pagebreak"


def _table_items(lines: list[str], h_end: int, header_keys: list[str], markers: bool) -> tuple[list[Item], int]:
    """The lines after a header as items, up to where the table ends: a line that only stands
    outside a table, or another table's header (a different one, or the same one under a title
    line). A header repeated with nothing above it is a page break."""
    items: list[Item] = []
    n = len(lines)
    hk_len = len(header_keys)
    i = h_end
    while i < n:
        raw = lines[i]
        if markers and _NBSP_ONLY.match(raw):
            items.append(("empty", i, ""))
            i += 1
            continue
        if not raw.strip():
            i += 1
            continue
        text = raw.strip().replace("\u00a0", " ").strip()
        if is_boundary(text):
            return items, i
        if fast_key(text) == header_keys[0]:
            got, j = [], i
            while j < n and len(got) < hk_len:
                if lines[j].strip():
                    got.append(fast_key(lines[j].strip()))
                j += 1
            if got == header_keys:
                titled = 0
                for kind, _, prev in reversed(items[-2:]):
                    if kind == "line" and (_TITLE_ABOVE.match(fast_key(prev)) or
                                           (upper_ratio(prev) >= 0.9 and not _line_kind(prev))):
                        titled += 1
                    else:
                        break
                if titled:
                    return items[:-titled], items[-titled][1]  # a new table under its own title
                items.append(("pagebreak", i, ""))
                i = j
                continue
        if _NUMBER_HEAD.match(fast_key(text)):
            other = _line_header_at(lines, i)
            if other and other[2] != header_keys:
                titled = 0
                for kind, _, prev in reversed(items[-2:]):
                    if kind == "line" and (_TITLE_ABOVE.match(fast_key(prev)) or
                                           (upper_ratio(prev) >= 0.9 and not _line_kind(prev))):
                        titled += 1
                    else:
                        break
                return (items[:-titled], items[-titled][1]) if titled else (items, i)
        if is_column_numbering(text.split()) and text.startswith("("):
            i += 1
            continue
        items.append(("line", i, text))
        i += 1
    return items, n


def _read_line_table(lines: list[str], found: tuple[int, int, list[str], list[str]], grid: Grid,
                     offset: int) -> int:
    """Read the table whose header `found` gives into `grid`; returns the line where it ended."""
    h_start, h_end, header_keys, header_texts = found
    fields = [field_of(t) or "" for t in header_texts]
    table = Table(before=list(grid.body[-4:]))
    table.rows.append(Row(cells=header_texts, line=h_start + 1 + offset))
    grid.tables.append(table)
    after_number = fields[1:]
    probe_end = min(len(lines), h_end + 400)
    markers = sum(1 for line in lines[h_end:probe_end] if _NBSP_ONLY.match(line)) >= 3
    wrapped = not markers
    items, end = _table_items(lines, h_end, header_keys, markers)
    reader = _LineRows(items, after_number, wrapped, markers)
    table.rows.extend(reader.read(offset))
    grid.body.extend(reader.leftover)
    return end


class _LineRows:
    """A one-cell-per-line table's items -> rows: row starts found, the lines between shared out
    over the columns by `segment`. PDF text (wrapped) is read twice over its first rows: once to
    learn each column's printed width, then for good with the widths."""

    def __init__(self, items: list[Item], fields: list[str], wrapped: bool, markers: bool) -> None:
        self.items = items
        self.fields = fields
        self.wrapped = wrapped
        self.markers = markers
        self.last_number: str | None = None
        self.leftover: list[str] = []
        self.widths: Widths | None = None
        self.names = _bare_names(" ".join(text for kind, _, text in items if kind == "line"))

    def _next_start(self, p: int) -> int:
        items, q = self.items, p
        while q < len(items):
            kind, _, text = items[q]
            if kind == "pagebreak":
                return q
            if kind == "line":
                lk = _line_kind(text)
                if lk and lk[0] == "section":
                    return q
                if lk and lk[0] == "number" and (not lk[1].startswith("0") or self.last_number is None
                                                 or self.last_number.startswith("0")):
                    return q
                if lk and lk[0] == "numtext" and _expected(lk[1], self.last_number):
                    return q
                if lk and lk[0] == "letter" and upper_ratio(lk[2]) < 0.95 and len(lk[2]) < 120 and \
                        (q + 1 < len(items) and items[q + 1][0] == "line" and
                         (_line_kind(items[q + 1][2]) or ("", "", ""))[0] in ("number", "numtext")):
                    return q
            q += 1
        return q

    def _atoms(self, chunk: list[Item], *, fragment: bool = False) -> list[Atom]:
        atoms: list[Atom] = []
        widths = self.widths or {}
        known = [w for f, w in widths.items() if not fragment or f != self.fields[0]]
        widest = max(known) if known else 0.0
        for kind, _, text in chunk:
            if kind == "empty":
                atoms.append(Atom("", empty_marker=True))
            elif self.wrapped:
                pieces = split_candidates(text)
                if fragment and self.widths or widest and any(text_width(p.text) > widest * 1.08 for p in pieces):
                    # wider than any column, or the top of a page where every cell may go on: a cell may end
                    # anywhere in the line, wherever it reads best
                    pieces = every_cut(text)
                atoms.extend(pieces)
            else:
                atoms.append(Atom(text))
        return atoms

    def _jobs(self) -> list[tuple]:
        """The table as a list of jobs in order, before any segmentation."""
        items, fields = self.items, self.fields
        jobs: list[tuple] = []
        pos = 0
        while pos < len(items):
            kind, line_no, text = items[pos]
            if kind == "pagebreak":
                pos += 1
                end = self._next_start(pos)
                if items[pos:end]:
                    jobs.append(("fragment", items[pos:end]))
                pos = end
                continue
            if kind != "line":
                pos += 1
                continue
            lk = _line_kind(text)
            if lk is None or lk[0] == "numtext" and not _expected(lk[1], self.last_number) and \
                    pos != self._next_start(pos):
                # text before any row start: an unnumbered row in wrapped layouts
                end = self._next_start(pos + 1)
                jobs.append(("unnumbered", items[pos:end], line_no, end >= len(items), self._continues(end)))
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
                jobs.append(("row", Row(cells=[number, "\n".join(title_lines)] + [""] * (len(fields) - 1),
                                        line=line_no)))
                pos = q
                continue
            nxt = _line_kind(items[pos + 1][2]) if pos + 1 < len(items) and items[pos + 1][0] == "line" else None
            if kind2 == "letter" or (kind2 == "numtext" and nxt and nxt[0] == "number" and "." in nxt[1]):
                label = f"{number}) {rest}" if kind2 == "letter" else f"{number}. {rest}"
                jobs.append(("row", Row(cells=[label], line=line_no, spans_all=True)))
                pos += 1
                continue
            # a task row
            self.last_number = number
            end = self._next_start(pos + 1)
            jobs.append(("task", number, rest, items[pos + 1:end], line_no, end >= len(items), self._continues(end)))
            pos = end
        return jobs

    def _continues(self, end: int) -> bool:
        return end < len(self.items) and self.items[end][0] == "pagebreak"

    def _task_atoms(self, job: tuple) -> list[Atom]:
        _, _, rest, chunk, _, _, _ = job
        atoms = self._atoms(chunk)
        if rest:
            atoms = (split_candidates(rest) if self.wrapped else [Atom(rest)]) + atoms
        return atoms

    def read(self, offset: int) -> list[Row]:
        jobs = self._jobs()
        pool: list[list[str]] = []
        if self.wrapped:
            breaks = [0] * len(self.fields)
            for j in (j for j in jobs if j[0] == "task"):
                cells = segment(self._task_atoms(j), self.fields, wrapped=True, drop_tail=j[5], continues=j[6],
                                max_atoms=FIRST_READING_ATOMS, names=self.names)[0][0]
                pool.append(cells)
                for c, cell in enumerate(cells):
                    breaks[c] += cell.count("\n")
                if min(breaks) >= WIDTH_SAMPLE_BREAKS:
                    break  # every column has shown its width often enough
            self.widths = estimate_widths(pool, self.fields) or None
            pool = []
        rows: list[Row] = []
        carried: list[str] | None = None  # the next page's share of a row read across a page break
        for n_job, job in enumerate(jobs):
            if job[0] == "fragment" and carried is not None:
                self._carry(rows, carried)
                carried = None
                continue
            carried = None
            if job[0] == "task" and self.wrapped and self.widths and job[6] and n_job + 1 < len(jobs) and \
                    jobs[n_job + 1][0] == "fragment" and not self.markers:
                _, number, _, _, line_no, _, _ = job
                cells, carried = segment_across(self._task_atoms(job), self._atoms(jobs[n_job + 1][1], fragment=True),
                                                self.fields, widths=self.widths, names=self.names)
                self._learn(pool, cells)
                rows.append(Row(cells=[number] + cells, line=line_no + 1 + offset))
                continue
            if job[0] == "row":
                row = job[1]
                rows.append(Row(cells=row.cells, line=row.line + 1 + offset, spans_all=row.spans_all))
            elif job[0] == "fragment":
                self._fragment(job[1], rows)
            elif job[0] == "unnumbered":
                _, chunk, line_no, last, continues = job
                out, _ = segment(self._atoms(chunk), self.fields, wrapped=self.wrapped, drop_tail=last,
                                 widths=self.widths, continues=continues, names=self.names)
                rows.append(Row(cells=[""] + out[0], line=line_no + 1 + offset, notes=["unnumbered_row"]))
            else:
                _, number, _, _, line_no, last, continues = job
                atoms = self._task_atoms(job)
                # an unnumbered row under this one opens with an empty marker for its number
                extra = min(3, sum(1 for a in atoms if a.empty_marker)) if self.markers else 0
                out, used = segment(atoms, self.fields, wrapped=self.wrapped, max_extra_rows=extra, drop_tail=last,
                                    widths=self.widths, continues=continues, names=self.names)
                if self.wrapped:
                    self._learn(pool, out[0])
                for r, cells in enumerate(out):
                    if r == 0:
                        rows.append(Row(cells=[number] + cells, line=line_no + 1 + offset))
                    else:
                        rows.append(Row(cells=cells, line=line_no + 1 + offset, notes=["unnumbered_row"]))
                if used < len(atoms):
                    self.leftover.extend(a.text for a in atoms[used:] if a.text)
        return rows

    def _learn(self, pool: list[list[str]], cells: list[str]) -> None:
        """Widths of columns the first rows did not show wrapping, learnt as the table goes on."""
        pool.append(cells)
        missing = [f for f in self.fields if f not in (self.widths or {})]
        if missing and len(pool) % 4 == 0:
            cols = [self.fields.index(f) for f in missing]
            more = estimate_widths([[row[c] for c in cols] for row in pool], missing)
            if more:
                self.widths = {**(self.widths or {}), **more}

    def _fragment(self, chunk: list[Item], rows: list[Row]) -> None:
        """The top of a page: the rest of the row the page break cut."""
        if not rows or rows[-1].spans_all or len(rows[-1].cells) < 2:
            return
        atoms = self._atoms(chunk, fragment=True)
        if self.wrapped:
            extra = continue_cells(atoms, self.fields, rows[-1].cells[1:], wrapped=True, widths=self.widths,
                                   names=self.names)
        else:
            extra = segment(atoms, self.fields, wrapped=False, first_optional=True)[0][0]
        self._carry(rows, extra)

    @staticmethod
    def _carry(rows: list[Row], extra: list[str]) -> None:
        """Add the next page's pieces (one per column after the number) to the last row."""
        if not rows or rows[-1].spans_all or len(rows[-1].cells) < 2:
            return
        target = rows[-1]
        for c, text in enumerate(extra, start=1):
            if text and c < len(target.cells):
                target.cells[c] = f"{target.cells[c]}\n{text}" if target.cells[c] else text
        target.notes.append("row_joined_across_page")
