"""Readers: every gold plan rendered in every format reads back into the right Grid,
and every bad file becomes a PlanImportError with the right code."""

from __future__ import annotations

import io
import json
import os
import random
import re
import stat
import zipfile
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dondoc.importer.errors import PlanImportError
from dondoc.importer.grid import Grid
from dondoc.importer.readers import decode_text, read_grid, sniff
from dondoc.importer.text import fold

try:
    from .fixtures_render import RENDERERS, FontNotFound, _cp1258, build, pdf_fonts, render_html, split_items
except ImportError:  # tests/importer is not a package: imported from its own directory
    from fixtures_render import RENDERERS, FontNotFound, _cp1258, build, pdf_fonts, render_html, split_items

SHARED = Path(os.environ.get("DONDOC_SHARED", Path(__file__).resolve().parents[3] / "shared"))
GOLD_DIR = SHARED / "benchmark" / "gold"
GOLD = sorted(p.name for p in GOLD_DIR.glob("*.json")) if GOLD_DIR.is_dir() else []
FIELDS = ("content", "output", "lead", "coordinating", "deadline", "funding", "note")
FORMATS = ("docx", "html", "html1258", "xlsx", "odt", "pdf")
EXT = {"html1258": "htm"}

needs_gold = pytest.mark.skipif(not GOLD, reason=f"gold plans not found in {GOLD_DIR}")


def _fonts_or_skip() -> None:
    try:
        pdf_fonts()
    except FontNotFound as exc:
        pytest.skip(str(exc))


@cache
def gold(name: str) -> dict[str, Any]:
    return json.loads((GOLD_DIR / name).read_text(encoding="utf-8"))


@cache
def rendered(name: str, fmt: str, style: str) -> bytes:
    if fmt == "html1258":
        return render_html(gold(name), section_style=style, charset="windows-1258")
    return RENDERERS[fmt](gold(name), section_style=style)


@cache
def grid_of(name: str, fmt: str, style: str) -> Grid:
    return read_grid(rendered(name, fmt, style), f"ke-hoach.{EXT.get(fmt, fmt)}")


def folded_rows(grid: Grid, fmt: str = "") -> list[tuple[str, ...]]:
    return [tuple(_key(c, fmt) for c in row.cells) for table in grid.tables for row in table.rows]


def _key(text: str, fmt: str) -> str:
    """Folded text; for PDF also "KH- UBND" as "KH-UBND": a PDF cannot tell a typed
    "- " from a line wrapped after a hyphen, and the reader joins the latter."""
    text = fold(text)
    return re.sub(r"(?<=\w-) (?=\w)", "", text) if fmt == "pdf" else text


def task_fields(plan: dict[str, Any]) -> list[str]:
    return [f for f in FIELDS if any(t[f] for t in plan["tasks"])]


# ---------------------------------------------------------------- every gold plan, every format


@needs_gold
@pytest.mark.parametrize("style", ["split", "merged"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", GOLD)
def test_tasks_read_back(name: str, fmt: str, style: str) -> None:
    if fmt == "pdf":
        _fonts_or_skip()
    plan = gold(name)
    grid = grid_of(name, fmt, style)
    row_set = set(folded_rows(grid, fmt))
    fields = task_fields(plan)
    missing = []
    for task in plan["tasks"]:
        expected = (task["number"], *(_key(task[f], fmt) for f in fields))
        if expected not in row_set:
            missing.append(expected)
    assert not missing, f"{len(missing)} of {len(plan['tasks'])} task rows not found, first: {missing[0]}"


@needs_gold
@pytest.mark.parametrize("style", ["split", "merged"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", GOLD)
def test_section_rows(name: str, fmt: str, style: str) -> None:
    if fmt == "pdf":
        _fonts_or_skip()
    plan = gold(name)
    grid = grid_of(name, fmt, style)
    width = 1 + len(task_fields(plan))
    all_rows = [row for table in grid.tables for row in table.rows]
    headings: list[tuple[str, str]] = []
    for task in plan["tasks"]:
        if task["section_number"]:
            headings.append((task["section_number"], task["section_title"]))
        if task["subsection"]:
            headings.append(("", task["subsection"]))
    for number, title in dict.fromkeys(headings):
        if style == "merged":
            text = f"{number}. {title}" if number else title
            hits = [r for r in all_rows if fold(r.cells[0]) == text]
            assert hits, f"no row for {text!r}"
            assert all(r.spans_all for r in hits), f"{text!r} is not marked spans_all"
            assert all(not fold(c) for r in hits for c in r.cells[1:])
        else:
            expected = (number, title) + ("",) * (width - 2)
            hits = [r for r in all_rows if tuple(fold(c) for c in r.cells) == expected]
            assert hits, f"no row {expected!r}"
            assert not any(r.spans_all for r in hits)


@needs_gold
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", GOLD)
def test_body_and_titles(name: str, fmt: str) -> None:
    if fmt == "pdf":
        _fonts_or_skip()
    plan = gold(name)
    grid = grid_of(name, fmt, "split")
    body = [fold(line) for line in grid.body]
    meta = plan["document"]
    if meta["number"]:
        assert f"Số: {meta['number']}" in body
    assert "KẾ HOẠCH" in body
    if meta["signer"]:
        assert meta["signer"] in body
    assert not grid.warnings
    # Nothing from <script>, <nav> or <footer> boilerplate leaks into the text.
    assert not any("KHÔNG ĐƯỢC ĐỌC" in line or "Trang chủ" in line for line in body)
    # A per-area plan: each area's title sits in `before` of the table holding its first task.
    if all(t["section_number"] == "" for t in plan["tasks"]):
        fields = task_fields(plan)
        firsts: dict[str, dict[str, Any]] = {}
        for task in plan["tasks"]:
            firsts.setdefault(task["section_title"], task)
        for title, task in firsts.items():
            expected = (task["number"], *(fold(task[f]) for f in fields))
            tables = [t for t in grid.tables if expected in {tuple(fold(c) for c in r.cells) for r in t.rows}]
            assert tables, f"first task of {title!r} not found"
            assert title in [fold(b) for b in tables[0].before], (title, tables[0].before)


@needs_gold
@pytest.mark.parametrize("fmt", ["docx", "html", "html1258", "xlsx", "odt"])
@pytest.mark.parametrize("name", GOLD)
def test_multi_paragraph_cells_keep_line_breaks(name: str, fmt: str) -> None:
    plan = gold(name)
    grid = grid_of(name, fmt, "split")
    raw_cells = {c for table in grid.tables for row in table.rows for c in row.cells}
    listed = [t[f] for t in plan["tasks"] for f in FIELDS if len(split_items(t[f])) > 1]
    assert listed, "the plan has listed cells"
    for text in listed:
        assert "\n".join(split_items(text)) in raw_cells, text


@needs_gold
def test_pdf_table_continues_over_pages_with_repeated_header() -> None:
    _fonts_or_skip()
    name = GOLD[0]
    grid = grid_of(name, "pdf", "split")
    task_tables = [t for t in grid.tables if t.rows and fold(t.rows[0].cells[0]) == "TT"]
    assert len(task_tables) > 3  # one per page
    headers = {tuple(fold(c) for c in t.rows[0].cells) for t in task_tables}
    assert len(headers) == 1
    # A continuation table does not inherit the appendix title lines.
    assert task_tables[0].before and not task_tables[1].before


@needs_gold
def test_merged_tt_cell_leaves_continuation_empty() -> None:
    plan = next((gold(n) for n in GOLD if any(t["number"] == "" for t in gold(n)["tasks"])), None)
    if plan is None:
        pytest.skip("no gold plan with an unnumbered task")
    doc = build(plan)
    assert any(r.merge_up for t in doc.tables for r in t.rows)


# ---------------------------------------------------------------- HTML specifics


def test_html_spans_nested_tables_and_breaks() -> None:
    page = """<html><body><p>Trước bảng</p>
    <table border=1>
      <tr><th>TT</th><th>Nội dung</th><th>Cơ quan chủ trì</th></tr>
      <tr><td colspan=3><b>I. CẢI CÁCH THỂ CHẾ</b></td></tr>
      <tr><td rowspan=2>1</td><td>Việc A<br>dòng hai</td>
          <td><table><tr><td>Sở X</td><td>Sở Y</td></tr></table></td></tr>
      <tr><td><p>Việc B</p><ul><li>ý 1</li><li>ý 2</li></ul></td><td>Sở Z</td></tr>
    </table><p>Sau bảng</p></body></html>""".encode()
    grid = read_grid(page, "a.html")
    assert grid.body == ["Trước bảng", "Sau bảng"]
    (table,) = grid.tables
    assert table.before == ["Trước bảng"]
    cells = [r.cells for r in table.rows]
    assert cells[1] == ["I. CẢI CÁCH THỂ CHẾ", "", ""] and table.rows[1].spans_all
    assert cells[2] == ["1", "Việc A\ndòng hai", "Sở X\nSở Y"]
    assert cells[3] == ["", "Việc B\ný 1\ný 2", "Sở Z"]  # rowspan: the text is not repeated


def test_html_page_layout_table_is_looked_through() -> None:
    task = "".join(f"<tr><td>{i}</td><td>Việc {i}</td><td>Sở {i}</td></tr>" for i in range(1, 4))
    page = f"""<html><body><table width=100%><tr><td>Menu</td><td>
      <p>KẾ HOẠCH</p>
      <table border=1><tr><th>TT</th><th>Nội dung</th><th>Cơ quan chủ trì</th></tr>{task}</table>
    </td></tr></table></body></html>""".encode()
    grid = read_grid(page, "a.html")
    assert "KẾ HOẠCH" in grid.body
    assert [r.cells for r in grid.tables[0].rows][1] == ["1", "Việc 1", "Sở 1"]


def test_html_hostile_spans_are_bounded() -> None:
    page = b"<table><tr><td colspan=999999999 rowspan=999999999>x</td><td colspan='2px'>y</td></tr></table>"
    grid = read_grid(page, "a.html")
    assert grid.tables[0].rows[0].cells[0] == "x"


def test_mht_single_file_web_page() -> None:
    html_part = "<html><body><p>Số: 12/KH-UBND</p><table><tr><td>1</td><td>Việc</td></tr></table></body></html>"
    mht = (
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
        "Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{html_part}\r\n--B--\r\n"
    ).encode()
    grid = read_grid(mht, "a.mht")
    assert "Số: 12/KH-UBND" in grid.body
    assert grid.tables[0].rows[0].cells == ["1", "Việc"]


# ---------------------------------------------------------------- DOCX specifics


def _docx_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_order_numbering_merges_and_nested_tables() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Mở đầu")
    document.add_paragraph("Mục một", style="List Number")
    document.add_paragraph("Mục hai", style="List Number")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for c, text in enumerate(["TT", "Nội dung", "Cơ quan"]):
        table.cell(0, c).text = text
    merged = table.cell(1, 0).merge(table.cell(1, 2))
    merged.text = "I. CẢI CÁCH THỂ CHẾ"
    table.cell(2, 0).text = "1"
    table.cell(2, 1).text = "Việc A"
    table.cell(2, 1).add_paragraph("ý hai")
    nested = table.cell(2, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "Sở X"
    nested.cell(0, 1).text = "Sở Y"
    table.cell(3, 1).text = "Việc B"
    table.cell(2, 0).merge(table.cell(3, 0))  # vertical merge of the TT cell
    document.add_paragraph("Kết thúc")
    grid = read_grid(_docx_bytes(document), "a.docx")
    assert grid.body == ["Mở đầu", "1. Mục một", "2. Mục hai", "Kết thúc"]
    (t,) = grid.tables
    assert t.before == ["Mở đầu", "1. Mục một", "2. Mục hai"]
    rows = [r.cells for r in t.rows]
    assert rows[1] == ["I. CẢI CÁCH THỂ CHẾ", "", ""] and t.rows[1].spans_all
    assert rows[2][0] == "1" and rows[2][1] == "Việc A\ný hai"
    assert "Sở X\nSở Y" in rows[2][2]
    assert rows[3][:2] == ["", "Việc B"]  # continuation of the merge: empty, not repeated


def test_macro_enabled_docx_is_read() -> None:
    data = _small_docx()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "[Content_Types].xml":
                payload = payload.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            dst.writestr(info, payload)
    grid = read_grid(out.getvalue(), "a.docm")
    assert grid.body == ["Kế hoạch"] and len(grid.tables) == 1


def test_docx_without_table_reads_as_body_only() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Thông báo")
    document.add_paragraph("Không có bảng nhiệm vụ nào.")
    grid = read_grid(_docx_bytes(document), "thong-bao.docx")
    assert grid.tables == [] and grid.body == ["Thông báo", "Không có bảng nhiệm vụ nào."]


def test_docx_sniffed_by_content_not_name() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Nội dung thật")
    data = _docx_bytes(document)
    assert sniff(data, "ke-hoach.txt") == "docx"
    grid = read_grid(data, "ke-hoach.txt")
    assert grid.body == ["Nội dung thật"] and grid.warnings


# ---------------------------------------------------------------- XLSX specifics


def _xlsx(build_sheet: Any) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    build_sheet(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_values_merges_and_hidden_sheets() -> None:
    def fill(wb: Any) -> None:
        ws = wb.active
        ws.append(["TT", "Nội dung", "Thời gian", "Kinh phí"])
        ws.append(["I. CẢI CÁCH THỂ CHẾ"])
        ws.merge_cells("A2:D2")
        ws.append([1, "Việc A\ndòng hai", datetime(2021, 3, 5), 3.0])
        ws.append([2.0, "Việc B", date(2021, 12, 31), 2.5])
        ws["D5"] = 0.85
        ws["D5"].number_format = "0%"
        hidden = wb.create_sheet("Ẩn")
        hidden["A1"] = "bí mật"
        hidden.sheet_state = "hidden"

    grid = read_grid(_xlsx(fill), "a.xlsx")
    (table,) = grid.tables
    rows = [r.cells for r in table.rows]
    assert rows[1] == ["I. CẢI CÁCH THỂ CHẾ", "", "", ""] and table.rows[1].spans_all
    assert rows[2] == ["1", "Việc A\ndòng hai", "05/03/2021", "3"]
    assert rows[3] == ["2", "Việc B", "31/12/2021", "2.5"]
    assert rows[4][3] == "85%"
    assert [r.line for r in table.rows] == [1, 2, 3, 4, 5]
    assert any("Ẩn" in w for w in grid.warnings)


# ---------------------------------------------------------------- ODT specifics


def test_odt_spans_and_spreadsheet_padding() -> None:
    content = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>
<text:p>Số: 5/KH-UBND<text:s text:c="3"/>x</text:p>
<table:table><table:table-column table:number-columns-repeated="3"/>
<table:table-row><table:table-cell table:number-columns-spanned="3"><text:p>I. THỂ CHẾ</text:p></table:table-cell>
<table:covered-table-cell/><table:covered-table-cell/></table:table-row>
<table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>1</text:p></table:table-cell>
<table:table-cell><text:p>A<text:line-break/>B</text:p></table:table-cell><table:table-cell/></table:table-row>
<table:table-row><table:covered-table-cell/><table:table-cell><text:p>C</text:p></table:table-cell>
<table:table-cell table:number-columns-repeated="16000"/></table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/>
</table:table-row>
</table:table></office:text></office:body></office:document-content>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
    grid = read_grid(out.getvalue(), "a.odt")
    assert grid.body == ["Số: 5/KH-UBND   x"]
    rows = grid.tables[0].rows
    assert [r.cells for r in rows] == [["I. THỂ CHẾ", "", ""], ["1", "A\nB", ""], ["", "C", ""]]
    assert rows[0].spans_all and not rows[1].spans_all


# ---------------------------------------------------------------- text decoding


def test_decode_text_encodings() -> None:
    text = "Kế hoạch cải cách hành chính năm 2021"
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_text(text.encode("utf-16")) == text  # with BOM
    assert decode_text(text.encode("utf-16-le")) == text  # without BOM
    # Windows-1258 writes tone marks as combining characters: read back as NFC.
    assert decode_text(_cp1258(text)) == text


def test_decode_text_rejects_binary() -> None:
    with pytest.raises(PlanImportError) as err:
        decode_text(bytes(range(32)) * 20)
    assert err.value.code == "unsupported"


def test_plain_text_goes_to_the_text_reader() -> None:
    try:
        from dondoc.importer.readers.txt import read_txt  # noqa: F401
    except ImportError:
        pytest.skip("readers/txt.py not there yet")
    grid = read_grid("Số: 1/KH-UBND\nKẾ HOẠCH\n".encode("cp1258", "replace"), "a.txt")
    assert isinstance(grid, Grid)


# ---------------------------------------------------------------- bad files


def _pdf(draw: Any, **kwargs: Any) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, **kwargs)
    draw(c)
    c.showPage()
    c.save()
    return out.getvalue()


def _code(data: bytes, filename: str | None, **kwargs: Any) -> str:
    with pytest.raises(PlanImportError) as err:
        read_grid(data, filename, **kwargs)
    assert err.value.message and err.value.message == str(err.value)
    return err.value.code


def _small_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Kế hoạch")
    t = document.add_table(rows=2, cols=4)
    for i in range(4):
        t.cell(0, i).text = f"Cột {i}"
        t.cell(1, i).text = f"Ô {i}"
    return _docx_bytes(document)


def test_empty_and_too_large() -> None:
    assert _code(b"", "a.docx") == "empty"
    assert _code(b" \r\n\t ", "a.txt") == "empty"
    with pytest.raises(PlanImportError) as err:
        read_grid(b"x" * 2048, "a.txt", max_bytes=1024)
    assert err.value.code == "too_large" and "MB" in err.value.message
    with pytest.raises(PlanImportError) as err:
        read_grid(b"x" * (51 * 1024 * 1024), "a.txt")
    assert "50 MB" in err.value.message


def test_random_bytes() -> None:
    data = random.Random(7).randbytes(8192)
    assert _code(data, "a.bin") == "unsupported"
    assert _code(data, "a.docx") == "unsupported"


def test_truncated_office_files() -> None:
    docx_data = _small_docx()
    assert _code(docx_data[: len(docx_data) // 2], "a.docx") == "corrupt"
    xlsx_data = _xlsx(lambda wb: wb.active.append(["a", "b"]))
    code = _code(xlsx_data[: len(xlsx_data) // 2], "a.xlsx")
    assert code == "corrupt"
    with pytest.raises(PlanImportError) as err:
        read_grid(xlsx_data[: len(xlsx_data) // 2], "a.xlsx")
    assert "XLSX" in err.value.message


def test_corrupt_member_inside_a_valid_zip() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("word/document.xml", "<w:document><broken")
    assert _code(out.getvalue(), "a.docx") == "corrupt"


def test_zip_bomb() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(300):  # 300 MB of zeros, streamed: a few hundred kB on disk
                member.write(chunk)
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024
    assert _code(data, "bom.docx") == "zip_bomb"


def test_other_containers_and_images() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("ppt/presentation.xml", "<p/>")
    assert _code(out.getvalue(), "a.pptx") == "unsupported"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert _code(out.getvalue(), "a.zip") == "unsupported"
    assert _code(b"\x89PNG\r\n\x1a\n" + bytes(100), "scan.png") == "needs_ocr"
    assert _code(b"PK\x03\x04garbage", "a.docx") == "corrupt"


def test_old_office_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.importer.readers import office

    monkeypatch.setattr(office, "find_soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert _code(ole + "EncryptedPackage".encode("utf-16-le"), "a.docx") == "encrypted"
    assert _code(ole + "WordDocument".encode("utf-16-le"), "a.doc") == "needs_libreoffice"
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        assert _code(ole + "Workbook".encode("utf-16-le"), "a.xls") == "unsupported"
    assert _code(ole, "a.bin") == "unsupported"
    assert _code(b"{\\rtf1\\ansi Ke hoach}", "a.rtf") == "needs_libreoffice"


def test_doc_converted_by_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The conversion path, with a stand-in soffice that "converts" to a prepared DOCX."""
    prepared = tmp_path / "prepared.docx"
    prepared.write_bytes(_small_docx())
    fake = tmp_path / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        f'cp "{prepared}" "$2/input.docx"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    from dondoc.importer.readers import office

    monkeypatch.setattr(office, "find_soffice", lambda: str(fake))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le")
    grid = read_grid(ole, "cu.doc")
    assert grid.body == ["Kế hoạch"] and grid.tables[0].rows[1].cells == ["Ô 0", "Ô 1", "Ô 2", "Ô 3"]

    failing = tmp_path / "soffice-fails"
    failing.write_text("#!/bin/sh\nexit 1\n")
    failing.chmod(failing.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(office, "find_soffice", lambda: str(failing))
    assert _code(ole, "cu.doc") == "conversion_failed"


def test_encrypted_pdf() -> None:
    from reportlab.lib import pdfencrypt

    def draw(c: Any) -> None:
        c.drawString(100, 700, "Ke hoach")

    locked = _pdf(draw, encrypt=pdfencrypt.StandardEncryption("mat-khau", ownerPassword="chu"))
    assert _code(locked, "a.pdf") == "encrypted"
    # Only an owner password (no password to open): readable.
    opened = _pdf(draw, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="chu", canCopy=0))
    assert read_grid(opened, "a.pdf").body == ["Ke hoach"]


def test_scanned_pdf() -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (200, 100), color=255)

    def draw(c: Any) -> None:
        c.drawImage(ImageReader(image), 50, 500, width=400, height=200)

    assert _code(_pdf(draw), "scan.pdf") == "needs_ocr"


def test_pdf_page_limit_and_garbage() -> None:
    from dondoc.importer.readers.pdf import read_pdf

    def draw(c: Any) -> None:
        for _ in range(2):
            c.drawString(100, 700, "trang")
            c.showPage()

    with pytest.raises(PlanImportError) as err:
        read_pdf(_pdf(draw), max_pages=1)
    assert err.value.code == "too_large"
    assert _code(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "a.pdf") == "corrupt"


# ---------------------------------------------------------------- nothing but PlanImportError escapes


def _read_any(data: bytes, filename: str | None) -> None:
    try:
        grid = read_grid(data, filename)
    except PlanImportError as exc:
        assert exc.code and exc.message
        return
    assert isinstance(grid, Grid)
    for table in grid.tables:
        widths = {len(r.cells) for r in table.rows}
        assert len(widths) <= 1, "rows of one table have one width"


PREFIXES = [
    b"",
    b"PK\x03\x04",
    b"%PDF-1.7\n",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"<html><body><table><tr><td colspan=3>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"{\\rtf1",
    b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n",
]
NAMES = [None, "a.docx", "a.xlsx", "a.pdf", "a.txt", "a.html", "a.doc", "a.xls", "a.odt", "noext"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_arbitrary_bytes_only_raise_plan_import_error(prefix: bytes, body: bytes, name: str | None) -> None:
    from dondoc.importer.readers import office

    office_find = office.find_soffice
    office.find_soffice = lambda: None  # never start a real LibreOffice on junk
    try:
        _read_any(prefix + body, name)
    finally:
        office.find_soffice = office_find


@cache
def _valid_samples() -> dict[str, bytes]:
    samples = {
        "docx": _small_docx(),
        "xlsx": _xlsx(lambda wb: [wb.active.append(["TT", "Nội dung", "x"]), wb.active.merge_cells("A1:B1")]),
        "html": b"<html><body><p>A</p><table><tr><td rowspan=2>1</td><td>x</td></tr><tr><td>y</td></tr></table>",
    }
    if GOLD:
        samples["odt"] = RENDERERS["odt"](gold(GOLD[2 if len(GOLD) > 2 else 0]))
    try:
        pdf_fonts()
        samples["pdf"] = _pdf(lambda c: c.drawString(100, 700, "Kế hoạch"))
    except FontNotFound:
        pass
    return samples


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_valid_files_only_raise_plan_import_error(data: st.DataObject) -> None:
    samples = _valid_samples()
    kind = data.draw(st.sampled_from(sorted(samples)))
    original = bytearray(samples[kind])
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(original) - 1))
        original[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(original)))
    _read_any(bytes(original[:cut]), f"a.{kind}")
