"""Helpers shared by the layout readers: span expansion, layout tables, limits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import PlanImportError
from ..grid import Grid, Row, Table

# How many body lines a table remembers above itself (a per-area table's title,
# "PHỤ LỤC ...", "(Kèm theo ...)" sit there).
BEFORE_LINES = 4
# A table this small is page layout (issuer | motto, "Nơi nhận" | signature): its text
# is also running text, where the document number, date and signer are looked for.
LAYOUT_MAX_COLS = 2
LAYOUT_MAX_ROWS = 6
# Caps against hostile spans (colspan=100000) and giant tables. MAX_CELLS bounds the cells one
# document's tables hold together (every reader lays tables out through GridBuilder): the
# largest plans have some 10,000 task cells, and each cell costs about 10 µs and 500 bytes
# on its way through the readers, so half a million keeps a hostile file to seconds and a
# few hundred MB (a DOCX declaring a table of 10^6 empty cells is a 10 kB upload).
MAX_SPAN = 200
MAX_CELLS = 500_000


@dataclass
class SpanCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def clamp_span(value: object, limit: int = MAX_SPAN) -> int:
    """A span attribute as an int in 1..limit; garbage ("2px", "", "-1") reads as 1."""
    try:
        n = int(str(value).strip().rstrip("px").strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), limit)


def expand(rows: list[list[SpanCell]]) -> list[Row]:
    """Lay cells with row/column spans out on a rectangular grid.

    The origin of a merged area keeps the text, the positions it covers are "".
    A row whose single cell covers the whole width is marked `spans_all` (a
    section heading in a task table).
    """
    occupied: set[tuple[int, int]] = set()
    placed: list[list[tuple[int, SpanCell]]] = []
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        here: list[tuple[int, SpanCell]] = []
        for i, cell in enumerate(cells):
            while (r, c) in occupied:
                c += 1
            here.append((c, cell))
            for dr in range(min(cell.rowspan, len(rows) - r)):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, c + dc))
            if len(occupied) > MAX_CELLS:
                raise too_many_cells()
            # An over-long span on the row's last cell does not widen the table:
            # browsers and Word give those phantom columns no width either.
            end = c + 1 if i == len(cells) - 1 else c + cell.colspan
            width = max(width, end)
            c += cell.colspan
        placed.append(here)
    if width * len(rows) > MAX_CELLS:
        raise too_many_cells()
    out: list[Row] = []
    for r, here in enumerate(placed):
        texts = [""] * width
        for c, cell in here:
            if c < width:
                texts[c] = cell.text
        spans_all = width > 1 and len(here) == 1 and here[0][0] == 0 and here[0][1].colspan >= width
        out.append(Row(cells=texts, line=r + 1, spans_all=spans_all))
    return out


def too_many_cells() -> PlanImportError:
    return PlanImportError("Bảng trong tệp quá lớn để xử lý.", "too_large")


def is_layout(rows: list[Row]) -> bool:
    width = max((len(r.cells) for r in rows), default=0)
    return 0 < width <= LAYOUT_MAX_COLS and len(rows) <= LAYOUT_MAX_ROWS


def layout_lines(rows: list[Row]) -> list[str]:
    """A layout table read row by row, left to right, one line per printed line."""
    out: list[str] = []
    for row in rows:
        for cell in row.cells:
            out.extend(clean_lines(cell.split("\n")))
    return out


def clean_lines(lines: Iterable[str]) -> list[str]:
    return [s for s in (ln.strip() for ln in lines) if s]


class GridBuilder:
    """Collects body lines and tables in document order."""

    def __init__(self) -> None:
        self.grid = Grid()
        self._mark = 0  # body length right after the previous table
        self.cells = 0  # in all tables so far: bounded by MAX_CELLS for the whole document

    def line(self, text: str) -> None:
        for part in text.split("\n"):
            part = part.strip()
            if part:
                self.grid.body.append(part)

    def table(self, rows: list[Row]) -> None:
        if not rows:
            return
        cells = sum(len(r.cells) for r in rows)
        self.check(cells)
        self.cells += cells
        # Only lines since the previous table: a table continued on the next page
        # must not inherit the title lines of the one before it.
        start = max(self._mark, len(self.grid.body) - BEFORE_LINES)
        self.grid.tables.append(Table(rows=rows, before=list(self.grid.body[start:])))
        if is_layout(rows):
            self.grid.body.extend(layout_lines(rows))
        self._mark = len(self.grid.body)

    def check(self, pending: int) -> None:
        """PlanImportError "too_large" when `pending` more cells would take the document past
        MAX_CELLS. Readers call it while they build a table, so a hostile one is refused before
        it is all built."""
        if self.cells + pending > MAX_CELLS:
            raise too_many_cells()

    def warn(self, message: str) -> None:
        if message not in self.grid.warnings:
            self.grid.warnings.append(message)


class CellCount:
    """The cells of the table being read (spans and nested tables' cells included), checked
    against the document's MAX_CELLS as they come: a table of 10^6 empty cells is a few kB of
    XML, and it is refused before it is all built."""

    def __init__(self, out: GridBuilder | None = None) -> None:
        self.out = out or GridBuilder()
        self.n = 0

    def add(self, k: int) -> None:
        self.n += k
        self.out.check(self.n)
