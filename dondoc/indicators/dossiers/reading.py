"""Read a one-stop-shop export (CSV/TSV in any of the encodings Vietnamese systems write, or XLSX) into a frame
of text cells, one column per header, plus each row's line number in the file.

Nothing is interpreted here: every cell stays text (NFC, stripped); ``normalise`` reads the values. Exports can
be millions of rows, so the text path is polars all the way; only XLSX (openpyxl) and the streaming transcoder
of non-UTF-8 files loop in Python.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

LINE = "_line"
NO_ROWS = "Tệp không có dòng dữ liệu nào"
NOT_TABLE = ("Tệp không phải CSV hoặc XLSX. Hãy xuất dữ liệu từ hệ thống một cửa ra tệp CSV hoặc Excel (.xlsx) "
             "rồi tải lên lại.")
OLD_XLS = ("Tệp là Excel 97-2003 (.xls), dondoc chưa đọc được định dạng này. Hãy mở tệp trong Excel, chọn "
           "Lưu thành (Save As) → Excel Workbook (.xlsx) hoặc CSV UTF-8 rồi tải lên lại.")

_SNIFF_BYTES = 1 << 20  # enough to tell UTF-8 from Windows-1258 and to see the header line
_CHUNK_BYTES = 16 << 20  # transcoding chunk: bounded memory whatever the file size
_XLSX_BATCH = 100_000  # rows kept as Python lists before they become a polars frame
_DELIMITERS = (",", ";", "\t")
_TITLE_ROWS = 20  # filled one-cell rows looked through for the header before taking the first as header


class ExportError(ValueError):
    """File-level problem; str(e) is a clear Vietnamese message for the officer."""


@dataclass
class Export:
    """The export as text.

    ``headers`` is the header row as written (NFC, stripped), with two adjustments so that each header names
    exactly one column of ``frame``: a blank header becomes "Cột N" (N = its 1-based position) and a repeated one
    gets " (2)", " (3)"… The header row is the first row with two or more filled cells; title rows above it
    (one filled cell, e.g. "DANH SÁCH HỒ SƠ") and blank rows are skipped.

    ``frame`` has one Utf8 column per header, in order (cells NFC, stripped, never null), then ``_line``
    (Int64): the line of the row as an editor or spreadsheet shows it. For CSV the header is line 1 when
    nothing is above it, and a quoted cell spanning several lines counts all of them, so ``_line`` is the
    physical line where the record starts (not the record number + 1); for XLSX it is the sheet row. Fully
    empty rows are left out (their numbers are simply skipped). Short CSV rows are padded with "".
    """

    headers: list[str]
    frame: pl.DataFrame
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1258" or "xlsx"


def read_export(path: Path, *, encoding: str | None = None,
                progress: Callable[[float], None] | None = None) -> Export:
    """Read an export; the format is told by content, not by the file name.

    ``encoding`` None = detect (UTF-8 BOM → utf-8-sig, UTF-16 BOM → utf-16, valid UTF-8 → utf-8, else
    Windows-1258); any other value is used as given and a file that does not decode in it is an ExportError.
    ``progress`` receives a few fractions in 0..1 while a big file is read.
    """
    path = Path(path)
    report = _Throttled(progress)
    report(0.0)
    head = _head(path)
    if _is_workbook(path, head):
        export = _read_xlsx(path, report)
    else:
        export = _read_text(path, head, *_text_encoding(head, encoding), report)
    report(1.0)
    return export


def read_headers(path: Path, *, encoding: str | None = None) -> list[str]:
    """The header row only, as ``read_export(...).headers`` gives it, read from the start of the file: quick
    enough to run on upload. Raises ExportError as read_export does for a file that is not a table, does not
    decode, or (when it fits in the first megabyte) has no data row."""
    path = Path(path)
    head = _head(path)
    if _is_workbook(path, head):
        return _xlsx_headers(path)
    encoding, explicit = _text_encoding(head, encoding)
    whole = path.stat().st_size <= len(head)
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=whole)
    except UnicodeDecodeError as exc:
        if explicit or encoding != "utf-8":
            raise ExportError(_undecodable(encoding, exc.start + 1)) from None
        text = head.decode("cp1258", errors="replace")  # as read_export will: not UTF-8 after all
    separator, before, raw, span = _sniff_header(text)
    if whole:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
        if not any(any(c.strip() for c in record) for record in reader if reader.line_num > before + span):
            raise ExportError(NO_ROWS)
    return _column_names(raw)


class _Throttled:
    """Pass on a fraction only when it moved by 5 % or more (and always 0 and 1): "a few times", not per chunk."""

    def __init__(self, progress: Callable[[float], None] | None) -> None:
        self.progress = progress
        self.last = -1.0

    def __call__(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if self.progress is not None and (fraction - self.last >= 0.05 or fraction in (0.0, 1.0)) \
                and fraction != self.last:
            self.last = fraction
            self.progress(fraction)


def _head(path: Path) -> bytes:
    """The first megabyte; an empty (or blank) file is refused here."""
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise ExportError(NO_ROWS)
    return head


def _is_workbook(path: Path, head: bytes) -> bool:
    """True for an XLSX workbook; refuses other zips (DOCX…) and legacy .xls; False means text."""
    if head.startswith(b"PK\x03\x04"):
        if not _is_xlsx(path):
            raise ExportError(NOT_TABLE + " (Tệp là một tệp nén ZIP hoặc Word, không phải bảng tính Excel.)")
        return True
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ExportError(OLD_XLS)
    return False


# --- text (CSV/TSV) ---------------------------------------------------------------------------------------


_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")


def _text_encoding(head: bytes, encoding: str | None) -> tuple[str, bool]:
    """(codec name, named by the caller); refuses binary content and a start that does not decode."""
    if encoding is None:
        encoding, explicit = _detect_encoding(head), False
    else:
        encoding, explicit = _codec_name(encoding), True
        if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"  # the BOM is not data, whoever named the encoding
        try:  # say "wrong encoding" rather than "not a CSV" when the start already does not decode
            codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=False)
        except UnicodeDecodeError as exc:
            raise ExportError(_undecodable(encoding, exc.start + 1)) from None
    if not encoding.startswith(("utf-16", "utf-32")) and (b"\x00" in head or head.startswith(_SIGNATURES)):
        raise ExportError(NOT_TABLE)
    return encoding, explicit


def _read_text(path: Path, head: bytes, encoding: str, explicit: bool, report: Callable[[float], None]) -> Export:
    size = max(path.stat().st_size, 1)
    if encoding in ("utf-8", "utf-8-sig"):
        try:
            return _read_utf8(path, encoding, report)
        except _InvalidUtf8:
            if explicit:
                raise ExportError(_undecodable(encoding)) from None
            # The first megabyte was UTF-8 but later bytes are not: a Windows-1258 file with a plain ASCII start.
            encoding = "cp1258"

    fd, tmp = tempfile.mkstemp(prefix="dondoc-export-", suffix=".csv")
    os.close(fd)
    try:
        _transcode(path, encoding, Path(tmp), lambda done: report(0.7 * done / size))
        export = _read_utf8(Path(tmp), encoding, report)
    except _InvalidUtf8:  # cannot happen for our own output; kept so the error stays in Vietnamese
        raise ExportError(_undecodable(encoding)) from None
    finally:
        os.unlink(tmp)
    return export


class _InvalidUtf8(Exception):
    pass


def _codec_name(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ExportError(f"Không biết bảng mã '{encoding}'. Hãy chọn UTF-8, UTF-16 hoặc Windows-1258.") from None
    return {"windows-1258": "cp1258"}.get(name, name)


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut last character is fine
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def _undecodable(encoding: str, where: int | None = None) -> str:
    at = f" (lỗi ở byte thứ {where:,})".replace(",", ".") if where is not None else ""
    return (f"Tệp không đọc được theo bảng mã {_ENCODING_NAMES.get(encoding, encoding)}{at}. Hãy chọn đúng bảng mã "
            "hoặc xuất lại tệp dưới dạng CSV UTF-8.")


_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1258": "Windows-1258"}


def _transcode(src: Path, encoding: str, dest: Path, report: Callable[[int], None]) -> None:
    """Stream ``src`` in ``encoding`` into UTF-8 NFC ``dest``, a chunk at a time.

    NFC is applied to complete lines only: a line break is a starter that composes with nothing, so no
    composition can straddle it, while a chunk cut mid-line could split a letter from its tone mark.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    read = 0
    pending = ""
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while chunk := fin.read(_CHUNK_BYTES):
            try:
                text = pending + decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise ExportError(_undecodable(encoding, read + exc.start + 1)) from None
            read += len(chunk)
            cut = text.rfind("\n") + 1
            fout.write(unicodedata.normalize("NFC", text[:cut]).encode("utf-8"))
            pending = text[cut:]
            report(read)
        try:
            pending += decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ExportError(_undecodable(encoding, read)) from None
        fout.write(unicodedata.normalize("NFC", pending).encode("utf-8"))


def _read_utf8(path: Path, encoding: str, report: Callable[[float], None]) -> Export:
    """Read a UTF-8 file (BOM or not) with polars; raises _InvalidUtf8 when some bytes are not UTF-8."""
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(head, final=False)
    separator, before, raw_headers, span = _sniff_header(text)
    options: dict[str, Any] = {"separator": separator, "quote_char": '"', "infer_schema": False,
                               "empty_string_is_null": False, "encoding": "utf8", "raise_if_empty": False}
    if before:
        options["skip_lines"] = before  # title lines above the header
    try:
        try:
            frame = pl.read_csv(path, has_header=True, **options)
        except pl.exceptions.ComputeError as exc:
            if "more fields" not in str(exc):
                raise
            # Rows with more fields than the header: harmless when the extras are empty (a trailing delimiter
            # on every data row, as some exporters write), a real problem otherwise.
            _raise_on_extra_fields(path, separator, len(raw_headers), before + span)
            frame = pl.read_csv(path, has_header=True, truncate_ragged_lines=True, **options)
    except ExportError:
        raise
    except pl.exceptions.PolarsError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise _InvalidUtf8 from None
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExportError(f"Không đọc được tệp CSV: tệp có dòng không đúng cấu trúc ({detail}).") from None
    report(0.8)
    headers = _column_names(raw_headers)
    frame.columns = headers
    return Export(headers, _finish(frame, first_line=before + span + 1), encoding)


def _sniff_header(text: str) -> tuple[str, int, list[str], int]:
    """(delimiter, lines above the header, header cells, lines the header spans) from the start of a CSV.

    The delimiter is the one of , ; TAB that splits the header into the most filled cells, so a title line
    above it or a comma inside a quoted header does not mislead.
    """
    best: tuple[str, int, list[str], int] | None = None
    for separator in _DELIMITERS:
        try:
            before, cells, span = _locate_header(text, separator)
        except csv.Error:  # e.g. a cell over the csv module's size limit when split this way
            continue
        if best is None or _filled(cells) > _filled(best[2]):
            best = (separator, before, cells, span)
    if best is None:
        raise ExportError("Không đọc được dòng tiêu đề của tệp CSV.")
    return best


def _filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def _locate_header(text: str, separator: str) -> tuple[int, list[str], int]:
    """(lines above the header, header cells, lines the header spans) from the start of a CSV.

    The header is the first record with two or more filled cells: a dossier export has at least five
    columns, so lines above it with one filled cell are a title ("DANH SÁCH HỒ SƠ…") or blank. Without such a
    record among the first few filled ones, the first filled record is the header.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    before = 0
    first: tuple[int, list[str], int] | None = None
    filled_records = 0
    for record in reader:
        filled = _filled(record)
        if filled >= 2:
            return before, record, reader.line_num - before
        if filled:
            first = first or (before, record, reader.line_num - before)
            filled_records += 1
            if filled_records >= _TITLE_ROWS:
                break
        before = reader.line_num
    if first is None:
        raise ExportError(NO_ROWS)
    return first


def _raise_on_extra_fields(path: Path, separator: str, width: int, header_end: int) -> None:
    """Find the first record with non-empty cells beyond the header's width (error path only: a Python scan)."""
    limit = csv.field_size_limit(1 << 30)  # a long cell is not this scan's business (restored below)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=separator, quotechar='"')
        start = 1
        try:
            for record in reader:
                if start > header_end and len(record) > width and any(cell.strip() for cell in record[width:]):
                    raise ExportError(
                        f"Dòng {start} có {len(record)} cột, nhiều hơn {width} cột của dòng tiêu đề. Hãy kiểm tra "
                        f"dấu phân cách '{_SEPARATOR_NAMES[separator]}' hoặc dấu ngoặc kép trong các ô của dòng này.")
                start = reader.line_num + 1
        except csv.Error as exc:
            raise ExportError(f"Không đọc được tệp CSV: dòng {start} không đúng cấu trúc ({exc}).") from None
        finally:
            csv.field_size_limit(limit)


_SEPARATOR_NAMES = {",": ",", ";": ";", "\t": "TAB"}


# --- XLSX ---------------------------------------------------------------------------------------------------


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV export would carry (dates in ISO so normalise reads them unambiguously)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


@contextmanager
def _first_sheet(path: Path) -> Iterator[Any]:
    """The workbook's first sheet, read-only. A file object, not the path: openpyxl refuses names not ending in
    .xlsx, and uploads are stored under any name."""
    import openpyxl  # only XLSX needs it

    with open(path, "rb") as fh:
        try:
            workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
            raise ExportError(f"Không mở được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx ({exc}).") from None
        try:
            yield workbook.worksheets[0]
        finally:
            workbook.close()


def _read_xlsx(path: Path, report: Callable[[float], None]) -> Export:
    with _first_sheet(path) as sheet:
        estimate = sheet.max_row or 0  # from the sheet's stated dimension: only for progress
        sheet.reset_dimensions()  # some generators state a wrong dimension; read every row there is
        frame, raw_headers = _xlsx_frame(sheet.iter_rows(values_only=True), estimate, report)
    report(0.8)
    headers = _column_names(raw_headers)
    frame.columns = [*headers, LINE]
    return Export(headers, _finish(frame), "xlsx")


def _xlsx_headers(path: Path) -> list[str]:
    with _first_sheet(path) as sheet:
        sheet.reset_dimensions()
        _, header = _xlsx_frame(sheet.iter_rows(values_only=True), 0, lambda _f: None, header_only=True)
    return _column_names(header)


def _xlsx_frame(rows: Iterator[tuple[Any, ...]], estimate: int, report: Callable[[float], None], *,
                header_only: bool = False) -> tuple[pl.DataFrame, list[str]]:
    """Rows of cell values → text frame (columns c0, c1…, then _line) and the header cells.

    Read-only sheets yield an empty tuple for each missing row, so enumerate gives true sheet row numbers. The
    header is found as in a CSV (see _locate_header): title rows with one filled cell above it are skipped.
    """
    header: list[str] | None = None
    columns: list[list[str]] = []
    lines: list[int] = []
    batches: list[pl.DataFrame] = []
    waiting: list[tuple[int, list[str]]] = []  # filled one-cell rows seen before any header

    def flush() -> None:
        if lines:
            data: dict[str, Any] = {f"c{i}": col for i, col in enumerate(columns)}
            data[LINE] = pl.Series(LINE, lines, dtype=pl.Int64)
            batches.append(pl.DataFrame(data, schema={**{f"c{i}": pl.Utf8 for i in range(len(columns))},
                                                      LINE: pl.Int64}))
            for col in columns:
                col.clear()
            lines.clear()

    def add(number: int, cells: list[str]) -> None:
        assert header is not None
        if len(cells) > len(columns):  # data beyond the header: kept under a "Cột N" column
            columns.extend([""] * len(lines) for _ in range(len(cells) - len(columns)))
            header.extend([""] * (len(cells) - len(header)))
        cells.extend([""] * (len(columns) - len(cells)))
        for col, cell in zip(columns, cells, strict=True):
            col.append(cell)
        lines.append(number)
        if len(lines) >= _XLSX_BATCH:
            flush()

    def take_header(cells: list[str], then: list[tuple[int, list[str]]]) -> None:
        nonlocal header, columns
        header = cells
        columns = [[] for _ in header]
        for number, data in then:
            add(number, data)

    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        if header is None:
            if sum(1 for c in cells if c.strip()) >= 2:
                take_header(cells, [])
            else:
                waiting.append((number, cells))
                if len(waiting) >= _TITLE_ROWS:  # no real header in sight: the first filled row is it
                    take_header(waiting[0][1], waiting[1:])
            if header is not None and header_only:
                break
            continue
        add(number, cells)
        if estimate and number % 10_000 == 0:
            report(min(0.75, 0.75 * number / estimate))
    if header is None and waiting:
        take_header(waiting[0][1], waiting[1:])
    flush()
    if header is None:
        raise ExportError(NO_ROWS)
    names = [f"c{i}" for i in range(len(header))]
    if not batches:
        return pl.DataFrame(schema={**dict.fromkeys(names, pl.Utf8), LINE: pl.Int64}), header
    # A later batch may be wider (data beyond the header appeared late): align by name, fill with "".
    frame = pl.concat(batches, how="diagonal").select(*[pl.col(n).fill_null("") for n in names], LINE)
    return frame, header


# --- shared --------------------------------------------------------------------------------------------------


def _column_names(raw: list[str]) -> list[str]:
    """Header cells → unique column names (NFC, stripped; blank → "Cột N"; repeats → "X (2)")."""
    names: list[str] = []
    seen = {LINE}
    for i, cell in enumerate(raw, start=1):
        base = unicodedata.normalize("NFC", (cell or "").replace("\ufeff", "")).strip() or f"Cột {i}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name)
        names.append(name)
    return names


def _finish(frame: pl.DataFrame, *, first_line: int | None = None) -> pl.DataFrame:
    """Strip and NFC every cell, number the lines (CSV: the first record is on ``first_line``), drop fully
    empty rows."""
    texts = [c for c in frame.columns if c != LINE]
    nfc = _non_nfc_pattern()
    # One scan per column finds the rare columns that need more work: a cell spanning lines (line numbers) or
    # a character that may change under NFC. NFC costs up to ~1 µs a cell, so only those columns pay it; most
    # exports are NFC already, some systems write NFD (Unicode tổ hợp) throughout.
    special = frame.select(pl.col(c).str.contains(nfc[:-1] + "\n]").any() for c in texts).row(0) if texts else ()
    rare = [c for c, hit in zip(texts, special, strict=True) if hit]
    multiline: list[str] = []
    non_nfc: set[str] = set()
    if rare:
        found = frame.select(
            *(pl.col(c).str.contains("\n", literal=True).any().alias(f"nl{i}") for i, c in enumerate(rare)),
            *(pl.col(c).str.contains(nfc).any().alias(f"nfc{i}") for i, c in enumerate(rare))).row(0)
        multiline = [c for c, hit in zip(rare, found[:len(rare)], strict=True) if hit]
        non_nfc = {c for c, hit in zip(rare, found[len(rare):], strict=True) if hit}
    if first_line is not None:
        frame = frame.with_columns(_csv_line_numbers(multiline, first_line))

    def cleaned(c: str) -> pl.Expr:
        col = pl.col(c).fill_null("") if frame[c].null_count() else pl.col(c)
        if c in non_nfc:
            col = col.str.normalize("NFC")
        return col.str.strip_chars()

    frame = frame.with_columns(cleaned(c) for c in texts)
    if texts:
        frame = frame.filter(~pl.all_horizontal(pl.col(c) == "" for c in texts))
    if frame.height == 0:
        raise ExportError(NO_ROWS)
    return frame.select(*texts, pl.col(LINE).cast(pl.Int64))


def _csv_line_numbers(multiline: list[str], first_line: int) -> pl.Expr:
    """Records numbered from ``first_line``; quoted cells spanning lines push the following records down."""
    index = pl.int_range(pl.len(), dtype=pl.Int64) + first_line
    if not multiline:
        return index.alias(LINE)
    breaks = pl.sum_horizontal(pl.col(c).str.count_matches("\n", literal=True) for c in multiline).cast(pl.Int64)
    return (index + breaks.cum_sum().shift(1, fill_value=0)).alias(LINE)


@cache
def _non_nfc_pattern() -> str:
    """A regex class of every character that may change under NFC: combining marks, characters that compose
    with a preceding one, and those NFC replaces (singletons, composition exclusions). Built once from the
    Python Unicode database (≈0.3 s)."""
    second: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V and T jamo
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                second.add(int(parts[1], 16))

    def changes(cp: int) -> bool:
        ch = chr(cp)
        return cp in second or unicodedata.combining(ch) != 0 or unicodedata.normalize("NFC", ch) != ch

    return char_class(changes)


def char_class(test: Callable[[int], bool]) -> str:
    """A regex character class (Rust regex syntax, as polars takes it) of every code point ``test`` accepts."""
    ranges: list[str] = []
    start: int | None = None
    for cp in range(0x110001):
        if cp < 0x110000 and test(cp):
            if start is None:
                start = cp
        elif start is not None:
            end = cp - 1
            ranges.append(f"\\x{{{start:x}}}" if start == end else f"\\x{{{start:x}}}-\\x{{{end:x}}}")
            start = None
    return "[" + "".join(ranges) + "]"


__all__ = ["Export", "ExportError", "LINE", "read_export", "read_headers"]
