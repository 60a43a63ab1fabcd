"""OpenDocument text (.odt) and spreadsheet (.ods) to a Grid, from content.xml directly.

No LibreOffice needed: ODF spells out merged cells (number-columns-spanned on the
first cell, table:covered-table-cell for the positions it covers), so the grid is
read as written.
"""

from __future__ import annotations

from lxml import etree

from ..errors import PlanImportError
from ..grid import Grid, Row
from .common import CellCount, GridBuilder, clamp_span, clean_lines
from .zipguard import open_zip

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"


def _t(name: str) -> str:
    return f"{{{TEXT_NS}}}{name}"


def _tb(name: str) -> str:
    return f"{{{TABLE_NS}}}{name}"


P, H, LIST, LIST_ITEM, LIST_HEADER = _t("p"), _t("h"), _t("list"), _t("list-item"), _t("list-header")
SECTION, S, TAB, LINE_BREAK, NOTE = _t("section"), _t("s"), _t("tab"), _t("line-break"), _t("note")
TABLE, ROW, CELL, COVERED = _tb("table"), _tb("table-row"), _tb("table-cell"), _tb("covered-table-cell")
ROW_GROUPS = {_tb("table-header-rows"), _tb("table-rows"), _tb("table-row-group")}
COLS_SPANNED, ROWS_REPEATED = _tb("number-columns-spanned"), _tb("number-rows-repeated")
COLS_REPEATED = _tb("number-columns-repeated")
FRAME, TEXT_BOX = f"{{{DRAW_NS}}}frame", f"{{{DRAW_NS}}}text-box"
# Repeated empty cells/rows pad a spreadsheet to its full size; they carry nothing.
MAX_REPEAT = 1000


def read_odt(data: bytes, label: str = "ODT") -> Grid:
    with open_zip(data, label) as zf:
        try:
            content = zf.read("content.xml")
        except KeyError as exc:
            raise PlanImportError(f"Tệp {label} bị hỏng: thiếu content.xml.", "corrupt") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise PlanImportError(f"Tệp {label} bị hỏng hoặc không đúng định dạng: {exc}", "corrupt") from exc
    body = root.find(f"{{{OFFICE_NS}}}body")
    out = GridBuilder()
    if body is not None:
        for doc in body:  # office:text or office:spreadsheet
            _blocks(doc, out)
    return out.grid


def _blocks(parent: etree._Element, out: GridBuilder) -> None:
    for child in parent:
        tag = child.tag
        if tag in (P, H):
            out.line(para_text(child))
            for frame in child.iter(TEXT_BOX):  # text boxes anchored in the paragraph
                _blocks(frame, out)
        elif tag == TABLE:
            out.table(table_rows(child, CellCount(out)))
        elif tag in (LIST, LIST_ITEM, LIST_HEADER, SECTION, TEXT_BOX, FRAME):
            _blocks(child, out)


def para_text(p: etree._Element) -> str:
    parts: list[str] = [p.text or ""]
    for child in p:
        tag = child.tag
        if tag == S:
            parts.append(" " * min(clamp_span(child.get(_t("c"), 1)), 100))
        elif tag == TAB:
            parts.append("\t")
        elif tag == LINE_BREAK:
            parts.append("\n")
        elif tag in (NOTE, FRAME):
            pass  # footnotes and anchored frames are not part of the line
        elif isinstance(tag, str):
            parts.append(para_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _cell_lines(cell: etree._Element, count: CellCount) -> list[str]:
    lines: list[str] = []
    for child in cell:
        tag = child.tag
        if tag in (P, H):
            lines.extend(para_text(child).split("\n"))
        elif tag == TABLE:  # nested table: flattened, cell by cell
            for row in table_rows(child, count):
                for text in row.cells:
                    lines.extend(text.split("\n"))
        elif tag in (LIST, LIST_ITEM, LIST_HEADER, SECTION):
            lines.extend(_cell_lines(child, count))
    return clean_lines(lines)


def _row_elements(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == ROW:
            rows.append(child)
        elif child.tag in ROW_GROUPS:
            rows.extend(_row_elements(child))
    return rows


def table_rows(table: etree._Element, count: CellCount | None = None) -> list[Row]:
    """The table's rows; `count` holds the cells read so far (nested tables' too), bounded by MAX_CELLS."""
    count = count or CellCount()
    grid: list[tuple[list[str], int]] = []
    for tr in _row_elements(table):
        cells: list[str] = []
        spanned_first = 0
        for cell in tr:
            if cell.tag not in (CELL, COVERED):
                continue
            text = "\n".join(_cell_lines(cell, count)) if cell.tag == CELL else ""
            repeat = clamp_span(cell.get(COLS_REPEATED, 1), 1_000_000)
            if repeat > MAX_REPEAT and not text.strip():
                continue  # a spreadsheet padding its rows out to the sheet's full width
            if not cells and cell.tag == CELL:
                spanned_first = clamp_span(cell.get(COLS_SPANNED, 1), 10_000)
            count.add(min(repeat, MAX_REPEAT))
            cells.extend([text] * min(repeat, MAX_REPEAT))
        repeat_rows = clamp_span(tr.get(ROWS_REPEATED, 1), 1_000_000)
        for i in range(1 if not any(cells) else min(repeat_rows, MAX_REPEAT)):
            if i:
                count.add(len(cells))
            grid.append((cells, spanned_first))
    width = max((len(c) for c, _ in grid), default=0)
    filled = [(i, cells, spanned) for i, (cells, spanned) in enumerate(grid, start=1) if any(t.strip() for t in cells)]
    count.add(sum(width - len(cells) for _, cells, _ in filled))  # the padding laid out below
    rows: list[Row] = []
    for i, cells, spanned in filled:
        padded = cells + [""] * (width - len(cells))
        spans_all = width > 1 and spanned >= width and not any(t.strip() for t in padded[1:])
        rows.append(Row(cells=padded, line=i, spans_all=spans_all))
    return rows
