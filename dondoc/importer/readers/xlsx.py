"""XLSX to a Grid: one Table per visible sheet, merged ranges laid out like table spans.

The rows above a sheet's first wide row (3+ filled cells, normally the column
header) are also given as body lines: an Excel plan carries its number, date and
title there. They stay in the Table too; the table stage finds the header.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries

from ..errors import PlanImportError
from ..grid import Grid, Row
from .common import MAX_CELLS, GridBuilder
from .zipguard import open_zip

HEADER_MIN_FILLED = 3


def read_xlsx(data: bytes) -> Grid:
    with open_zip(data, "XLSX") as zf:
        _check_size(zf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles, validations, ...
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    out = GridBuilder()
    try:
        for ws in wb.worksheets:
            values = _values(ws)
            if ws.sheet_state != "visible":
                if values:
                    out.warn(f"Bỏ qua trang tính ẩn “{ws.title}”.")
                continue
            merges = [
                (m.min_row, m.min_col, m.max_row, m.max_col) for m in getattr(ws.merged_cells, "ranges", [])
            ]
            _sheet(values, merges, out)
    finally:
        wb.close()
    return out.grid


# What openpyxl builds one Cell object for (some 500 bytes and 10 µs each): every <c> element of a
# worksheet, empty or not, and every position a merged range or a hyperlink range covers.
_WORKSHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_RANGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(mergeCell|hyperlink)\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
MAX_ROW, MAX_COL = 1_048_576, 16_384


def _check_size(zf: zipfile.ZipFile) -> None:
    """PlanImportError "too_large" before openpyxl builds more than MAX_CELLS cells.

    openpyxl lays every cell of a merged range (and of a hyperlink's range) out as an object of
    its own: a 300-byte sheet merging A1:XFD1048576 would make 17 billion of them. The sheet XML
    is only counted here (regular expressions over the bytes), never parsed.
    """
    total = 0
    for info in zf.infolist():
        if not info.filename.lower().endswith(".xml"):
            continue
        body = zf.read(info)
        if not _WORKSHEET.search(body):
            continue
        total += len(_CELL.findall(body))
        for m in _RANGE.finditer(body):
            total += _area(m.group(2).decode("ascii", "replace")) - (m.group(1) == b"mergeCell")
        if total > MAX_CELLS:
            raise PlanImportError(
                "Bảng tính quá lớn để xử lý (quá nhiều ô, ô gộp hoặc liên kết trải trên cả trang tính).",
                "too_large",
            )


def _area(ref: str) -> int:
    """Cells a range ("A1:C3", "A:A", "1:1") covers; 0 for what is no range (openpyxl says so later)."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.strip())
    except (ValueError, TypeError):
        return 0
    cols = abs((max_col or MAX_COL) - (min_col or 1)) + 1
    rows = abs((max_row or MAX_ROW) - (min_row or 1)) + 1
    return rows * cols


def _values(ws: Any) -> dict[tuple[int, int], str]:
    """Non-empty cell texts by (row, column)."""
    cells = getattr(ws, "_cells", None)  # only the cells that exist: no walk over a styled 1M-row range
    items = (
        cells.items()
        if isinstance(cells, dict)
        else (((c.row, c.column), c) for row in ws.iter_rows() for c in row)
    )
    out: dict[tuple[int, int], str] = {}
    for pos, cell in items:
        text = cell_text(cell.value, getattr(cell, "number_format", "") or "")
        if text.strip():
            out[pos] = text
            if len(out) > MAX_CELLS:
                raise PlanImportError("Bảng tính quá lớn để xử lý.", "too_large")
    return out


def sheet_rows(values: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]]) -> list[Row]:
    if not values:
        return []
    min_col = min(c for _, c in values)
    max_col = max(c for _, c in values)
    width = max_col - min_col + 1
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), text in values.items():
        by_row.setdefault(r, {})[c] = text
    if width * len(by_row) > MAX_CELLS:  # only rows holding something are laid out, each `width` wide
        raise PlanImportError("Bảng tính quá lớn để xử lý.", "too_large")
    # Merge origins that cover the whole used width mark a heading row.
    full_rows = {r for r, c0, _, c1 in merges if c0 <= min_col and c1 >= max_col and width > 1}
    rows: list[Row] = []
    for r in sorted(by_row):
        cells = [by_row[r].get(c, "") for c in range(min_col, max_col + 1)]
        filled = [i for i, t in enumerate(cells) if t.strip()]
        spans_all = r in full_rows and filled == [0]
        rows.append(Row(cells=cells, line=r, spans_all=spans_all))
    return rows


Merge = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col


def _sheet(values: dict[tuple[int, int], str], merges: list[Merge], out: GridBuilder) -> None:
    rows = sheet_rows(values, merges)
    for row in rows:
        if sum(1 for t in row.cells if t.strip()) >= HEADER_MIN_FILLED:
            break
        for text in row.cells:
            out.line(text)
    out.table(rows)


def cell_text(value: Any, number_format: str = "") -> str:
    """A cell's value as it reads: dates dd/mm/yyyy, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if "%" in number_format:
            return _number(value * 100) + "%"
        return _number(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.15g}"


def read_xls_calamine(data: bytes) -> Grid:
    """Old Excel (.xls) through python-calamine when it is installed (no merge information)."""
    import python_calamine  # type: ignore[import-not-found]  # optional, MIT

    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = GridBuilder()
    for name in wb.sheet_names:
        values: dict[tuple[int, int], str] = {}
        for r, row in enumerate(wb.get_sheet_by_name(name).to_python(skip_empty_area=False), start=1):
            for c, value in enumerate(row, start=1):
                text = cell_text(value)
                if text.strip():
                    values[(r, c)] = text
            if len(values) > MAX_CELLS:
                raise PlanImportError("Bảng tính quá lớn để xử lý.", "too_large")
        _sheet(values, [], out)
    return out.grid
