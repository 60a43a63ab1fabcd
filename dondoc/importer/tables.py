"""Table understanding: reader tables -> task rows with their section and subsection.

Finds the task tables by header vocabulary, maps columns to fields, drops repeated
headers and "(1) (2) ..." rows, reads section rows (roman numerals, merged rows, or
one table per area under a title line) and lettered/numbered subsections, joins a
row continued at the top of a continuation table, and keeps unnumbered rows as
tasks of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grid import Grid, Row
from .headers import header_fields, is_column_numbering
from .text import fold, is_roman, key

HEADER_SEARCH_ROWS = 12  # title rows above the header (XLSX, PDF) are skipped, not searched forever
_NUMBER = re.compile(r"^\d{1,3}(\.\d{1,3})*\.?$")
_SUB_LETTER = re.compile(r"^[a-zđ]\s*[).]?$")
_SECTION_INLINE = re.compile(r"^(?P<num>[IVXL]{1,6}|[A-H])\s*[.:)\-–]?\s+(?P<title>\S.*)$", re.S)
_SUB_INLINE = re.compile(r"^(?P<num>[a-zđ][).]|\d{1,2}[.)])\s+(?P<title>\S.*)$", re.S)
_APPENDIX_NO = re.compile(r"ph[uụ] l[uụ]c\s*(?:s[oố]\s*)?([0-9]{1,2}|[IVX]{1,5})\b", re.I)


@dataclass
class TaskRow:
    cells: dict[str, str]  # field -> raw cell text (line breaks kept)
    section_number: str = ""
    section_title: str = ""
    subsection: str | None = None
    line: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class _State:
    fields: list[str | None] | None = None
    section_number: str = ""
    section_title: str = ""
    subsection: str | None = None
    last: TaskRow | None = None


def upper_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def heading_text(cell: str) -> str:
    """A section title as printed: leading upper-case lines only, so a footnote
    glued into the same cell ("- UBND các huyện: gọi tắt là ...") stays out."""
    lines = [ln.strip() for ln in cell.splitlines() if ln.strip()]
    if not lines:
        return ""
    if upper_ratio(lines[0]) < 0.8:
        return fold(cell)
    kept = [lines[0]]
    for ln in lines[1:]:
        if upper_ratio(ln) < 0.8:
            break
        kept.append(ln)
    return fold(" ".join(kept))


def table_title(before: list[str]) -> tuple[str, str]:
    """(number, title) of a per-area table from the lines just above it."""
    number = ""
    title_lines: list[str] = []
    for line in reversed(before[-4:]):
        text = fold(line)
        if not text:
            continue
        m = _APPENDIX_NO.search(text)
        if m and not number:
            number = m.group(1)
            if title_lines:
                break
            continue
        if text.startswith("(") or upper_ratio(text) < 0.8:
            if title_lines:
                break
            continue
        if key(text).startswith("phu luc"):
            break
        title_lines.insert(0, text)
    return number, fold(" ".join(title_lines))


def _cells_by_field(fields: list[str | None], row: Row) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, text in zip(fields, row.cells, strict=False):
        if name and name not in out:
            out[name] = text or ""
    return out


def _classify(row: Row, fields: list[str | None]) -> tuple[str, str, str] | None:
    """('section'|'subsection', number, title) for a heading row, else None."""
    texts = [fold(c) for c in row.cells]
    filled = [t for t in texts if t]
    if not filled:
        return None
    if row.spans_all or len(filled) == 1:
        raw = next(c for c in row.cells if fold(c))
        text = fold(raw)
        m = _SECTION_INLINE.match(text)
        if m and is_roman(m.group("num")) and upper_ratio(m.group("title")) >= 0.6:
            return "section", m.group("num"), heading_text(raw[raw.find(m.group("title")[:5]):])
        m = _SUB_INLINE.match(text)
        if m and row.spans_all:
            return "subsection", "", text
        if upper_ratio(text) >= 0.8 and len(text) > 3 and (row.spans_all or not _NUMBER.match(text)):
            return "section", "", heading_text(raw)
        if row.spans_all:
            return "subsection", "", text
        return None
    by = _cells_by_field(fields, row)
    number = fold(by.get("number", ""))
    others = [fold(v) for k, v in by.items() if k not in ("number", "content") and fold(v)]
    content_raw = by.get("content", "")
    if not number or others or not fold(content_raw):
        return None
    token = number.rstrip(".")
    if is_roman(token) or re.fullmatch(r"[A-H]", token):
        return "section", token, heading_text(content_raw)
    if _SUB_LETTER.match(number):
        return "subsection", "", fold(f"{number} {fold(content_raw)}")
    return None


def _is_header_like(row: Row) -> bool:
    return header_fields([fold(c) for c in row.cells]) is not None


def _join(a: str, b: str) -> str:
    return f"{a}\n{b}" if a and b else a or b


def task_rows(grid: Grid) -> list[TaskRow]:
    out: list[TaskRow] = []
    state = _State()
    width = 0
    for table in grid.tables:
        rows = list(table.rows)
        start = None
        for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            fields = header_fields([fold(c) for c in row.cells])
            if fields:
                state.fields, start, width = fields, i + 1, len(row.cells)
                break
        continuation = start is None and state.fields is not None and len(rows[0].cells if rows else []) == width
        if start is None and not continuation:
            continue
        if start is not None:
            number, title = table_title(table.before)
            if title:
                state.section_number, state.section_title, state.subsection = number, title, None
            start_rows = rows[start:]
        else:
            start_rows = rows
        assert state.fields is not None
        first = True
        for row in start_rows:
            if is_column_numbering(row.cells) or _is_header_like(row):
                continue
            heading = _classify(row, state.fields)
            if heading:
                kind, number, title = heading
                if kind == "section":
                    state.section_number, state.section_title, state.subsection = number, title, None
                else:
                    state.subsection = title
                first = False
                continue
            cells = _cells_by_field(state.fields, row)
            if not any(fold(v) for v in cells.values()):
                continue
            if continuation and first and state.last is not None and not fold(cells.get("number", "")):
                # A row cut by a page break: its rest opens the next page's table.
                for name, text in cells.items():
                    state.last.cells[name] = _join(state.last.cells.get(name, ""), text)
                first = False
                continue
            first = False
            task = TaskRow(cells=cells, section_number=state.section_number, section_title=state.section_title,
                           subsection=state.subsection, line=row.line, notes=list(row.notes))
            out.append(task)
            state.last = task
    return out
