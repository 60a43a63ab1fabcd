"""PDF (with a text layer) to a Grid, page by page, through pdfplumber.

Ruled tables are found from their drawn lines; a table that runs over several
pages gives one Table per page (the table stage joins them and drops the
repeated header). Text outside the tables becomes body lines in reading order;
a printed line with a wide gap (issuer | motto, "Số: ..." | place and date) is
cut into two lines.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import PlanImportError
from ..grid import Grid, Row
from . import pdfguard
from .common import GridBuilder

MAX_PAGES = 500
# Only when a page has no ruled table: word-aligned columns, accepted only when
# they look like a real table (prose paragraphs must not turn into tables).
TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
TEXT_TABLE_MIN_ROWS = 3
TEXT_TABLE_MIN_COLS = 4
# "NĐ-" at a line end and "CP" on the next is one token wrapped at its hyphen.
_HYPHEN_BREAK = re.compile(r"(?<=\w-)\n(?=\w)")
GAP_FACTOR = 1.5  # a gap wider than this many font sizes splits a printed line


def read_pdf(data: bytes, max_pages: int = MAX_PAGES) -> Grid:
    with pdfguard.reading() as budget:
        try:
            grid = _read(data, max_pages)
        except Exception as exc:
            # Once the decoding budget is spent every later decode fails too, whatever caught it.
            if budget.exceeded:
                raise budget.error() from exc
            raise
        if budget.exceeded:
            raise budget.error()
        return grid


def _read(data: bytes, max_pages: int) -> Grid:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _open_error(exc) from exc
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _open_error(exc) from exc
    out = GridBuilder()
    with pdf:
        try:
            pages = pdf.pages
        except PdfminerException as exc:
            raise _open_error(exc) from exc
        if not pages:
            raise PlanImportError("Tệp PDF không có trang nào.", "corrupt")
        if len(pages) > max_pages:
            raise PlanImportError(
                f"Tệp PDF có {len(pages)} trang, vượt giới hạn {max_pages} trang; "
                "hãy tách phần kế hoạch ra tệp riêng.",
                "too_large",
            )
        no_text: list[int] = []
        failed: list[int] = []
        too_complex: list[int] = []
        for number, page in enumerate(pages, start=1):
            try:
                pdfguard.layout(page)
                if not page.chars:
                    no_text.append(number)
                    continue
                _page(page, out, number)
            except PlanImportError:
                raise
            except pdfguard.PageTooComplex as exc:
                failed.append(number)
                too_complex.append(number)
                out.warn(f"Trang {number} của tệp PDF quá phức tạp ({exc}), nội dung bị bỏ qua.")
            except Exception as exc:  # one broken page should not lose the others
                inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else None
                if isinstance(inner, PlanImportError):
                    raise inner from exc
                failed.append(number)
            finally:
                page.close()
        if len(no_text) == len(pages):
            raise PlanImportError(
                "Tệp PDF là bản quét (không có lớp văn bản), cần nhận dạng ký tự (OCR) trước khi nhập.",
                "needs_ocr",
            )
        if len(failed) + len(no_text) == len(pages):
            if too_complex:
                raise PlanImportError(
                    f"Tệp PDF quá phức tạp để xử lý (trang {_pages(too_complex)} có quá nhiều ký tự, nét vẽ "
                    "hoặc nội dung); không đọc được trang nào.",
                    "too_large",
                )
            raise PlanImportError("Tệp PDF bị hỏng: không đọc được trang nào.", "corrupt")
        if no_text:
            out.warn(f"Trang {_pages(no_text)} không có lớp văn bản (bản quét), nội dung bị bỏ qua.")
        if len(failed) > len(too_complex):
            out.warn(f"Không đọc được trang {_pages([n for n in failed if n not in too_complex])} của tệp PDF.")
    return out.grid


def _open_error(exc: Exception) -> PlanImportError:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PlanImportError):
        return inner
    if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
        return PlanImportError(
            "Tệp PDF được bảo vệ bằng mật khẩu hoặc mã hóa; hãy gỡ mật khẩu rồi nhập lại.", "encrypted"
        )
    return PlanImportError(f"Tệp PDF bị hỏng hoặc không đúng định dạng: {inner}", "corrupt")


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (", ..." if len(numbers) > 10 else "")


def _page(page: Any, out: GridBuilder, number: int) -> None:
    try:
        tables = [t for t in pdfguard.find_tables(page) if _width(t) >= 2]
        if not tables:
            words = page.extract_words()
            tables = [t for t in pdfguard.find_tables(page, TEXT_SETTINGS) if _plausible_text_table(t, words)]
    except pdfguard.TooManyRules as exc:
        out.warn(f"Trang {number} của tệp PDF có quá nhiều đường kẻ ({exc}); không tìm bảng trên trang này.")
        tables = []
    bboxes = [t.bbox for t in tables]
    events: list[tuple[float, int, Any]] = []
    for table in tables:
        rows = _rows(table)
        if rows:
            events.append((table.bbox[1], 1, rows))
    outside = page.filter(lambda obj: not _inside(obj, bboxes)) if bboxes else page
    for top, text in _lines(outside):
        events.append((top, 0, text))
    events.sort(key=lambda e: (e[0], e[1]))
    for _, kind, item in events:
        if kind == 0:
            out.line(item)
        else:
            out.table(item)


def _width(table: Any) -> int:
    return max((len(r.cells) for r in table.rows), default=0)


def _plausible_text_table(table: Any, words: list[dict[str, Any]]) -> bool:
    """A word-aligned "table" is real only if its column edges never cut through a word
    (on prose the text strategy slices words: "SỞ TH" | "ÔNG TIN")."""
    if _width(table) < TEXT_TABLE_MIN_COLS:
        return False
    rows = table.extract()
    full = [r for r in rows if sum(1 for c in r if c and c.strip()) >= TEXT_TABLE_MIN_COLS - 1]
    if len(full) < TEXT_TABLE_MIN_ROWS:
        return False
    x0, top, x1, bottom = table.bbox
    edges = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
    inside = [w for w in words if x0 <= w["x0"] and w["x1"] <= x1 and top <= w["top"] and w["bottom"] <= bottom]
    cut = sum(1 for w in inside if any(w["x0"] + 1 < e < w["x1"] - 1 for e in edges))
    return bool(inside) and cut <= 0.02 * len(inside)


def _rows(table: Any) -> list[Row]:
    out: list[Row] = []
    for i, raw in enumerate(table.extract(), start=1):
        if not any(c and c.strip() for c in raw):
            continue
        cells = ["" if c is None else _HYPHEN_BREAK.sub("", c) for c in raw]
        # pdfplumber gives None for the positions a merged cell covers.
        spans_all = len(raw) > 1 and raw[0] is not None and all(c is None for c in raw[1:])
        out.append(Row(cells=cells, line=i, spans_all=spans_all))
    return out


def _inside(obj: dict[str, Any], bboxes: list[tuple[float, float, float, float]]) -> bool:
    if "x0" not in obj or "top" not in obj:
        return False
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in bboxes)


@dataclass
class _Segment:
    x0: float
    x1: float
    text: str

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class _Line:
    top: float
    bottom: float
    size: float
    segments: list[_Segment]


def _lines(page: Any) -> list[tuple[float, str]]:
    """Printed lines (top, text) in reading order; a wide gap inside a line starts a new one."""
    words = sorted(page.extract_words(extra_attrs=["size"]), key=lambda w: (w["top"], w["x0"]))
    groups: list[list[dict[str, Any]]] = []
    for word in words:
        if groups:
            last = groups[-1]
            tolerance = max(2.0, 0.4 * float(last[0].get("size") or 10))
            if abs(word["top"] - last[0]["top"]) <= tolerance:
                last.append(word)
                continue
        groups.append([word])
    lines: list[_Line] = []
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        segments: list[list[dict[str, Any]]] = [[]]
        prev: dict[str, Any] | None = None
        for word in group:
            size = float(word.get("size") or 10)
            if prev is not None and word["x0"] - prev["x1"] > GAP_FACTOR * size:
                segments.append([])
            segments[-1].append(word)
            prev = word
        lines.append(
            _Line(
                top=min(w["top"] for w in group),
                bottom=max(w["bottom"] for w in group),
                size=max(float(w.get("size") or 10) for w in group),
                segments=[_Segment(seg[0]["x0"], seg[-1]["x1"], " ".join(w["text"] for w in seg)) for seg in segments],
            )
        )
    out: list[tuple[float, str]] = []
    i = 0
    while i < len(lines):
        end, left, right = _column_block(lines, i)
        if end > i:
            # Issuer | motto, "Nơi nhận" | signature: each column read top to bottom,
            # the left one first. All lines keep the block's top so tables stay around it.
            top = lines[i].top
            out.extend((top, text) for text in left + right)
            i = end
        else:
            out.extend((lines[i].top, seg.text) for seg in lines[i].segments)
            i += 1
    return out


COLUMN_GAP_LINES = 8  # a signature leaves a few blank lines above the name


def _column_block(lines: list[_Line], i: int) -> tuple[int, list[str], list[str]]:
    """A run of lines laid out as two columns, from lines[i]: (end, left texts, right texts).

    end == i when there is no such block. Each later line must sit in one of the
    two columns (its start or its centre lines up with that column's) or hold two
    segments, one per column.
    """
    first = lines[i]
    if len(first.segments) != 2:
        return i, [], []
    lcol, rcol = [first.segments[0]], [first.segments[1]]
    left, right = [first.segments[0].text], [first.segments[1].text]
    both = 1
    j = i + 1
    prev = first
    while j < len(lines):
        line = lines[j]
        tol = 1.5 * line.size
        if line.top - prev.bottom > COLUMN_GAP_LINES * line.size or len(line.segments) > 2:
            break
        if len(line.segments) == 2:
            a, b = line.segments
            if not (_fits(a, lcol, tol) and _fits(b, rcol, tol)):
                break
            lcol.append(a)
            rcol.append(b)
            left.append(a.text)
            right.append(b.text)
            both += 1
        else:
            seg = line.segments[0]
            in_left, in_right = _fits(seg, lcol, tol), _fits(seg, rcol, tol)
            if in_left == in_right:
                break
            (lcol if in_left else rcol).append(seg)
            (left if in_left else right).append(seg.text)
        prev = line
        j += 1
    if both < 2:
        return i, [], []
    return j, left, right


def _fits(seg: _Segment, column: list[_Segment], tol: float) -> bool:
    x0 = min(s.x0 for s in column)
    x1 = max(s.x1 for s in column)
    center = (x0 + x1) / 2
    aligned = abs(seg.x0 - x0) <= tol or abs(seg.center - center) <= tol
    return aligned and seg.x0 >= x0 - 4 * tol and seg.x1 <= x1 + 4 * tol
