"""One test per bug the fuzzing found (issue 8), each on the smallest file that showed it.

Before the fixes: a PDF whose references resolve to each other hung for ever; a PDF stream
inflated without limit (1.5 MB -> 1.5 GB); a ruled 200 x 200 grid took a minute; a page of
150,000 characters, or a Form XObject drawn 200,000 times, took gigabytes or half a minute; an
XLSX merging (or hyperlinking) a whole sheet made openpyxl build 17 billion cells; a DOCX table
of 10^6 empty cells (a 10 kB upload) took 13 s and 540 MB, and the cell bound held per table,
not per document; 90,000 combining marks on one letter took 20 s to normalise.

Each read runs in a thread with a generous limit, so that a regression fails the test
instead of hanging the run (the limits catch hangs; they are not timings).
"""

from __future__ import annotations

import io
import threading
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from dondoc.importer import PlanImportError, read_plan
from dondoc.importer.readers import common as common_mod
from dondoc.importer.readers import read_grid
from dondoc.importer.text import MAX_COMBINING_RUN, cap_combining

T = TypeVar("T")
HANG = 60.0  # seconds: far above what any of these takes once fixed


def within(seconds: float, fn: Callable[[], T]) -> T:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"no result in {seconds:.0f} s: the read hangs")
    if "error" in box:
        raise box["error"]
    return box["value"]


def code_of(data: bytes, filename: str) -> str | None:
    """The PlanImportError code, or None when the file reads into a Plan."""

    def read() -> str | None:
        try:
            read_plan(data, filename)
        except PlanImportError as exc:
            return exc.code
        return None

    return within(HANG, read)


# ---------------------------------------------------------------- PDF


def _pdf(objects: list[tuple[int, bytes]]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num, body in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    start, size = len(out), max(offsets) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join((b"%010d 00000 n \n" % offsets[i]) if i in offsets else b"0000000000 65535 f \n"
                    for i in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, start)
    return bytes(out)


TEXT = b"BT /F1 12 Tf 72 500 Td (Ke hoach cai cach hanh chinh) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def _one_page(content: bytes = TEXT, *, pages: bytes = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              page: bytes = PAGE, stream: bytes | None = None, extra: tuple[tuple[int, bytes], ...] = ()) -> bytes:
    return _pdf([(1, b"<< /Type /Catalog /Pages 2 0 R >>"), (2, pages), (3, page),
                 (4, stream or _stream(content)), (5, FONT), *extra])


@pytest.mark.parametrize("case", ["pages", "mediabox", "length", "self", "root"])
def test_pdf_reference_cycles_end(case: str) -> None:
    data = {
        "pages": _one_page(pages=b"6 0 R", extra=((6, b"2 0 R"),)),
        "mediabox": _one_page(page=PAGE.replace(b"[0 0 612 792]", b"7 0 R"), extra=((7, b"8 0 R"), (8, b"7 0 R"))),
        "length": _one_page(stream=b"<< /Length 9 0 R >>\nstream\n" + TEXT + b"\nendstream",
                            extra=((9, b"10 0 R"), (10, b"9 0 R"))),
        "self": _one_page(pages=b"2 0 R"),
        "root": _pdf([(1, b"7 0 R"), (7, b"1 0 R")]),
    }[case]
    assert code_of(data, "a.pdf") in {"no_tasks", "corrupt", "needs_ocr"}


def _zeros_deflated(mb: int, prefix: bytes = b"") -> bytes:
    z = zlib.compressobj(1)
    chunk = bytes(1 << 20)
    return z.compress(prefix) + b"".join(z.compress(chunk) for _ in range(mb)) + z.flush()


@pytest.mark.parametrize("filters", ["flate", "flate-twice", "runlength"])
def test_pdf_stream_bombs_are_refused(filters: str) -> None:
    bomb = _zeros_deflated(120, TEXT + b"\n")
    data, entries = {
        "flate": (bomb, b" /Filter /FlateDecode"),
        "flate-twice": (zlib.compress(bomb), b" /Filter [/FlateDecode /FlateDecode]"),
        "runlength": (b"\x81\x00" * (1 << 20) + b"\x80", b" /Filter /RunLengthDecode"),  # 128 MB of zeros
    }[filters]
    with pytest.raises(PlanImportError) as err:
        within(HANG, lambda: read_grid(_one_page(stream=_stream(data, entries)), "a.pdf"))
    assert err.value.code == "zip_bomb" and "100 MB" in err.value.message


def test_pdf_guards_leave_pdfminer_alone_outside_a_read() -> None:
    """The hooks only act inside pdfguard.reading(): elsewhere pdfminer decodes as it always has."""
    import pdfminer.pdftypes as pdftypes

    from dondoc.importer.readers import pdfguard

    big = zlib.compress(bytes(3 << 20))
    assert pdftypes.zlib.decompress(big) == bytes(3 << 20)
    assert pdftypes.rldecode(b"\x81\x07\x80") == b"\x07" * 128
    with pdfguard.reading(limit=1 << 20), pytest.raises(PlanImportError):
        pdftypes.zlib.decompress(big)
    # A damaged stream: what decodes before the damage, as pdfminer's own fallback gives.
    damaged = zlib.compress(b"BT (x) Tj ET" * 1000)[:-40]
    with pdfguard.reading():
        assert pdftypes.decompress_corrupted(damaged) == zlib.decompressobj().decompress(damaged)


def test_pdf_dense_rules_skip_table_finding_on_that_page() -> None:
    n = 200
    rules = b"".join(b"%.2f 0 m %.2f 792 l S\n" % (x * 612 / n, x * 612 / n) for x in range(n + 1))
    rules += b"".join(b"0 %.2f m 612 %.2f l S\n" % (y * 792 / n, y * 792 / n) for y in range(n + 1))
    grid = within(HANG, lambda: read_grid(_one_page(TEXT + b"\n" + rules), "a.pdf"))
    assert grid.body == ["Ke hoach cai cach hanh chinh"]
    assert any("quá nhiều đường kẻ" in w for w in grid.warnings)


def test_pdf_page_too_complex_is_skipped_or_refused() -> None:
    chars = b"BT /F1 4 Tf " + b"".join(b"1 0 0 1 %d %d Tm (xxxxxxxxxx) Tj\n" % (i % 600, i // 600 * 4 % 780)
                                       for i in range(15_000)) + b"ET"
    with pytest.raises(PlanImportError) as err:
        within(HANG, lambda: read_grid(_one_page(chars), "a.pdf"))
    assert err.value.code == "too_large" and "quá phức tạp" in err.value.message
    form = b" /Type /XObject /Subtype /Form /BBox [0 0 612 792]"
    page = PAGE.replace(b"/F1 5 0 R >>", b"/F1 5 0 R >> /XObject << /X 6 0 R >>")
    many = _one_page(b"/X Do " * 200_000, page=page, extra=((6, _stream(b"q Q", form)),))
    with pytest.raises(PlanImportError) as err:
        within(HANG, lambda: read_grid(many, "a.pdf"))
    assert err.value.code == "too_large"


# ---------------------------------------------------------------- XLSX


def _xlsx(extra_sheet_xml: bytes = b"", *, rows: bytes = b"") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"])
    ws.append([1, "Rà soát thủ tục hành chính", "Sở Nội vụ", "Quý I/2024"])
    ws.merge_cells("A1:A1")
    out = io.BytesIO()
    wb.save(out)
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(package, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", rows + b"</sheetData>" + extra_sheet_xml)
            dst.writestr(info, body)
    return package.getvalue()


@pytest.mark.parametrize("xml", [
    b'<mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>',
    b'<mergeCells count="1"><mergeCell ref="A20:ALL1019"/></mergeCells>',
    b'<mergeCells count="1"><mergeCell ref="H:H"/></mergeCells>',
    b'<hyperlinks><hyperlink ref="A20:ALL1019" location="A1"/></hyperlinks>',
], ids=["whole-sheet", "1000x1000", "whole-column", "hyperlink"])
def test_xlsx_huge_ranges_are_refused_before_openpyxl_lays_them_out(xml: bytes) -> None:
    assert code_of(_xlsx(xml), "a.xlsx") == "too_large"


def test_xlsx_a_million_empty_cells_is_refused_before_openpyxl_builds_them() -> None:
    from openpyxl.utils import get_column_letter

    cols = [get_column_letter(c).encode() for c in range(1, 101)]
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"/>' % (c, r) for c in cols) + b"</row>"
                    for r in range(10, 10_010))
    assert code_of(_xlsx(rows=rows), "a.xlsx") == "too_large"


def test_xlsx_whole_row_merge_and_far_cell_still_read() -> None:
    """Bounds count what openpyxl builds: a title merged across the whole row is 16,384 cells, and a
    stray cell far down the sheet lays out only the rows that hold something."""
    merged = _xlsx(b'<mergeCells count="1"><mergeCell ref="A5:XFD5"/></mergeCells>')
    assert code_of(merged, "a.xlsx") is None
    far = _xlsx(rows=b'<row r="900000"><c r="Z900000" t="inlineStr"><is><t>x</t></is></c></row>')
    assert code_of(far, "a.xlsx") is None


# ---------------------------------------------------------------- DOCX, ODT, HTML: cells per document


def _docx(body: bytes) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Kế hoạch")
    out = io.BytesIO()
    document.save(out)
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + body, 1)
            dst.writestr(info.filename, data)
    return package.getvalue()


def test_docx_table_of_a_million_empty_cells_is_refused() -> None:
    table = b"<w:tbl>" + (b"<w:tr>" + b"<w:tc/>" * 1000 + b"</w:tr>") * 1000 + b"</w:tbl>"
    data = _docx(table)
    assert len(data) < 100_000
    assert code_of(data, "a.docx") == "too_large"


def test_cell_bound_holds_for_the_whole_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several tables each under the bound, together over it (MAX_CELLS made small for the test)."""
    monkeypatch.setattr(common_mod, "MAX_CELLS", 1000)
    table = b"<w:tbl>" + (b"<w:tr>" + b"<w:tc><w:p/></w:tc>" * 20 + b"</w:tr>") * 20 + b"</w:tbl><w:p/>"
    assert code_of(_docx(table * 2), "a.docx") != "too_large"  # 800 cells
    assert code_of(_docx(table * 3), "a.docx") == "too_large"  # 1,200 cells in three tables of 400
    html = b"<html><body>" + (b"<table>" + (b"<tr>" + b"<td>x</td>" * 20 + b"</tr>") * 20 + b"</table>") * 3
    assert code_of(html, "a.html") == "too_large"


def test_odt_repeated_cells_count_toward_the_bound() -> None:
    from tests.importer.fixtures_render import render_odt

    plan = {"document": {"issuer": "UBND tỉnh", "number": "1/KH", "place": "Sơn La", "issued_date": None,
                         "title": "Kế hoạch", "plan_year": 2024, "signer": "A"},
            "report_periods": [], "targets": [],
            "tasks": [{"section_number": "I", "section_title": "CHUNG", "subsection": None, "number": "1",
                       "content": "Nội dung", "output": "", "lead": "Sở Nội vụ", "coordinating": "",
                       "deadline": "Quý I/2024", "funding": "", "note": ""}]}
    odt = render_odt(plan)
    cell = b'<table:table-cell table:number-columns-repeated="1000000"><text:p>x</text:p></table:table-cell>'
    rows = b'<table:table><table:table-row table:number-rows-repeated="1000000">' + cell + b"</table:table-row>"
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(odt)) as src, zipfile.ZipFile(package, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                data = data.replace(b"<office:text>", b"<office:text>" + rows + b"</table:table>", 1)
            dst.writestr(info, data)
    assert code_of(package.getvalue(), "a.odt") == "too_large"


def test_html_spans_count_before_the_table_is_built() -> None:
    html = b"<html><body><table>" + b"<tr><td colspan=200>x</td><td colspan=200>y</td></tr>" * 5000 + b"</table>"
    assert code_of(html, "a.html") == "too_large"


# ---------------------------------------------------------------- text


def test_combining_mark_storm_is_capped_before_normalisation() -> None:
    storm = "a" + "\u0301\u0323\u0309" * 30_000
    header = "TT | Nội dung | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
    text = header + f"1 | {storm} | Báo cáo | Sở Nội vụ | Các sở | Quý I/2024 |\n"
    plan = within(HANG, lambda: read_plan(text.encode("utf-8"), "a.txt"))
    assert len(plan.tasks) == 1 and len(plan.tasks[0].content) <= 1 + MAX_COMBINING_RUN
    assert cap_combining("Nguyễn Văn Ạ") == "Nguyễn Văn Ạ"  # real text is untouched
    assert cap_combining("e" + "\u0302" * 40) == "e" + "\u0302" * MAX_COMBINING_RUN
    mixed = "e" + "\u0302\U0001d167" * 20  # marks of two planes taking turns are one run too
    assert cap_combining(mixed) == mixed[: 1 + MAX_COMBINING_RUN]


# ---------------------------------------------------------------- normalisers (found by the stage targets)


def test_metadata_drops_years_no_plan_can_name() -> None:
    """"năm 4044" in the title made the plan year 4044, and a plan issued on 30/12/2200 planned
    for 2201; the deadline reader has always kept to MIN_YEAR..MAX_YEAR."""
    from dondoc.importer.normalise.metadata import extract_document

    head = ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số: 12/KH-UBND"]
    meta = extract_document([*head, "Sơn La, ngày 30 tháng 12 năm 2200", "KẾ HOẠCH", "Cải cách hành chính năm 4044"])
    assert meta.plan_year is None and meta.issued_date is not None
    meta = extract_document([*head, "Sơn La, ngày 15 tháng 3 năm 9999", "KẾ HOẠCH", "Cải cách hành chính năm 2024"])
    assert meta.issued_date is None and meta.plan_year == 2024


def test_fold_and_key_are_idempotent() -> None:
    """A zero-width space between a letter and its tone mark kept them apart through NFC (fold gave a
    text that folded again differently); a tone mark alone between spaces left key() two spaces."""
    from dondoc.importer.text import fold, key

    assert fold("hai\u200b\u0323 x") == "hai\u0323 x".replace("i\u0323", "ị") == fold(fold("hai\u200b\u0323 x"))
    assert key("Nô \u0323 i dung") == "no i dung" == key(key("Nô \u0323 i dung"))


def test_a_declared_charset_codecs_refuse_to_look_up_falls_back() -> None:
    """An MHT's "charset=ut\\0f-8" made codecs.lookup raise ValueError, which the charset fallback did
    not expect: the page was refused as corrupt instead of read as UTF-8."""
    from dondoc.importer.readers.html import decode_html

    page = "<html><body><p>Kế hoạch</p></body></html>".encode()
    mht = b"MIME-Version: 1.0\nContent-Type: text/html; charset=ut\x00f-8\n\n" + page
    assert read_grid(mht, "a.mht").body == ["Kế hoạch"]
    for charset in ("ut\x00f-8", "idna", "base64", "x-no-such"):
        assert decode_html(page, charset) == page.decode()
