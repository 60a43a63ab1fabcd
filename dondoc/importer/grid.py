"""The intermediate form every reader produces: running text plus tables of cells.

A reader keeps what the layout tells it and nothing more: a cell's text keeps its
line breaks (later stages fold them), a row that spans the whole table width is
marked, and each table remembers the body lines that came right before it (a
per-area table's title sits there).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    cells: list[str]
    line: int | None = None  # 1-based source line or row index, for the review screen
    spans_all: bool = False  # one merged cell across the table (a section row in DOCX/XLSX/HTML)
    notes: list[str] = field(default_factory=list)  # warning codes the reader raised for this row


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # body lines just before the table (title lines)


@dataclass
class Grid:
    body: list[str] = field(default_factory=list)  # running text lines, tables removed
    tables: list[Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
