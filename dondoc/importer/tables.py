"""Table understanding: reader tables -> task rows with their section and subsection.

Finds the task tables by header vocabulary, maps columns to fields, drops repeated
headers and "(1) (2) ..." rows, reads section rows (roman numerals, merged rows, or
one table per area under a title line) and lettered/numbered subsections, joins a
row continued at the top of a continuation table, and keeps unnumbered rows as
tasks of their own.

A subsection heading printed "split" (empty TT cell, "1. Tham mưu ..." or "a) ..."
merged over the remaining columns) reads, once the reader has laid the merge out,
exactly like an unnumbered row with only its content filled. The shape tells
them apart: a heading's text opens with its own number or letter, every other
cell is empty, and task rows follow it. The same shape right under a task that
announces a list ("... gồm:"), or in a run of such rows, is that task's
enumerated items, each a task of its own as SCHEMA.md says.
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
    item_run: bool = False  # the last row read was an enumerated item (see _is_subsection_heading)


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


def table_title(before: list[str], shared: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(number, title) of a per-area table from the lines just above it.

    `shared` holds lines that stand above other tables too: the appendix's own
    heading repeated on every sheet ("DANH MỤC NHIỆM VỤ ..."), which ends the
    title it sits above rather than joining it.
    """
    number = ""
    title_lines: list[str] = []
    for line in reversed(before[-4:]):
        text = fold(line)
        if not text:
            continue
        if title_lines and text in shared:
            break
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


def _marker_kind(text: str) -> str:
    """'number' for "1. ...", 'letter' for "a) ...", "" for text opening with no subsection marker."""
    m = _SUB_INLINE.match(fold(text))
    if not m:
        return ""
    return "number" if m.group("num")[0].isdigit() else "letter"


def _marker_only(row: Row, fields: list[str | None]) -> str:
    """The marker kind ('number' for "1. ...", 'letter' for "a) ...") of a row shaped
    like a split subsection heading, else "".

    The shape: no number of its own and one filled cell, at or left of the content
    column (the heading is merged over the columns to its right), opening with a
    subsection marker.
    """
    filled = [i for i, c in enumerate(row.cells) if fold(c)]
    if len(filled) != 1:
        return ""
    at = filled[0]
    if at < len(fields) and fields[at] == "number":
        return ""
    if at > (fields.index("content") if "content" in fields else 1):
        return ""
    return _marker_kind(row.cells[at])


def _is_subsection_heading(kind: str, following: str, above: TaskRow | None, in_item_run: bool) -> bool:
    """Whether a row shaped like a split subsection heading (marker `kind`) is one.

    `following` is the marker kind of the next row when that row has the same
    shape, `above` the task the row just above gave (None when it gave none), and
    `in_item_run` whether that row was itself read as an enumerated item.
    """
    if not kind or in_item_run:
        return False
    if above is not None:
        content = above.cells.get("content", "")
        if fold(content).endswith(":"):
            return False  # the task right above announces a list: these rows are its items
        lines = [ln for ln in content.splitlines() if ln.strip()]
        if lines and _marker_kind(lines[-1]) == kind:
            return False  # its content ends in a list of the same kind (cut by a page break)
    # "a) ..." straight after "a) ...": a list of items, not a heading over no task.
    return following != kind


def _is_header_like(row: Row) -> bool:
    return header_fields([fold(c) for c in row.cells]) is not None


def _join(a: str, b: str) -> str:
    return f"{a}\n{b}" if a and b else a or b


def _shared_lines(grid: Grid) -> frozenset[str]:
    """Lines found above two or more tables."""
    seen: dict[str, int] = {}
    for table in grid.tables:
        for text in {fold(line) for line in table.before[-4:]}:
            seen[text] = seen.get(text, 0) + 1
    return frozenset(text for text, n in seen.items() if n > 1 and text)


def task_rows(grid: Grid) -> list[TaskRow]:
    out: list[TaskRow] = []
    state = _State()
    width = 0
    shared = _shared_lines(grid)
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
            number, title = table_title(table.before, shared)
            if title:
                state.section_number, state.section_title, state.subsection = number, title, None
            start_rows = rows[start:]
        else:
            start_rows = rows
        assert state.fields is not None
        fields = state.fields
        body = [r for r in start_rows if any(fold(c) for c in r.cells)
                and not (is_column_numbering(r.cells) or _is_header_like(r))]
        shapes = [_marker_only(r, fields) for r in body]
        first = True
        # The task the row just above gave (None when it gave none); a continuation
        # table goes on from the last row of the one before.
        above = state.last if continuation else None
        in_item_run = state.item_run and continuation
        for i, row in enumerate(body):
            heading = _classify(row, fields)
            following = shapes[i + 1] if i + 1 < len(body) else ""
            if heading is None and _is_subsection_heading(shapes[i], following, above, in_item_run):
                heading = ("subsection", "", fold(next(c for c in row.cells if fold(c))))
            if heading:
                kind, number, title = heading
                if kind == "section":
                    state.section_number, state.section_title, state.subsection = number, title, None
                else:
                    state.subsection = title
                first, above, in_item_run = False, None, False
                continue
            cells = _cells_by_field(fields, row)
            if not any(fold(v) for v in cells.values()):
                continue
            if continuation and first and state.last is not None and not fold(cells.get("number", "")):
                # A row cut by a page break: its rest opens the next page's table.
                for name, text in cells.items():
                    state.last.cells[name] = _join(state.last.cells.get(name, ""), text)
                first, above, in_item_run = False, state.last, False
                continue
            first = False
            task = TaskRow(cells=cells, section_number=state.section_number, section_title=state.section_title,
                           subsection=state.subsection, line=row.line, notes=list(row.notes))
            out.append(task)
            state.last = task
            above, in_item_run = task, bool(shapes[i])
        state.item_run = in_item_run
    return out
