"""Reading one-stop-shop exports (encodings, formats, line numbers) and checking their rows (pure: no database)."""

from __future__ import annotations

import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.indicators.dossiers import schema
from dondoc.indicators.dossiers.normalise import (
    ROW_SCHEMA,
    AgencyRef,
    check_mapping,
    normalise,
    parse_datetimes,
    vocab_key_expr,
)
from dondoc.indicators.dossiers.reading import Export, ExportError, read_export, read_headers

HEADERS = ["Mã hồ sơ", "Tên thủ tục", "Cơ quan tiếp nhận", "Ngày tiếp nhận", "Trạng thái"]
ROWS = [
    ["000.00.01.H56-240101-0001", "Đăng ký khai sinh", "Ủy ban nhân dân xã Đông Hưng", "01/02/2024 08:30",
     "Đã giải quyết"],
    ["000.00.01.H56-240101-0002", "Cấp đổi giấy phép lái xe", "Sở Giao thông vận tải", "02/02/2024",
     "Đang xử lý"],
    ["000.00.01.H56-240101-0003", "Chứng thực bản sao; “điểm” ổn", "Ủy ban nhân dân phường Phước Mỹ",
     "03/02/2024", "Trả lại"],
]


def csv_text(rows: list[list[str]], headers: list[str] = HEADERS, sep: str = ",", eol: str = "\n") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if any(ch in value for ch in (sep, '"', "\n")) else value

    return "".join(sep.join(cell(v) for v in row) + eol for row in [headers, *rows])


TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks Windows-1258 writes as combining characters


def cp1258_bytes(text: str) -> bytes:
    """Encode Vietnamese the way Windows-1258 writes it: Python's codec has no "ễ", so each letter is split
    into its base (precomposed when cp1258 has it, like "ê") and a combining tone mark."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


def values(path: Path, encoding: str | None = None) -> list[list[str]]:
    export = read_export(path, encoding=encoding)
    assert export.headers == HEADERS
    return [list(row) for row in export.frame.select(HEADERS).rows()]


# --- encodings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "hs.csv"
    path.write_bytes(csv_text(ROWS).encode(encoding))
    export = read_export(path)
    assert export.encoding == encoding
    assert export.headers == HEADERS
    assert [list(r) for r in export.frame.select(HEADERS).rows()] == ROWS
    assert export.frame["_line"].to_list() == [2, 3, 4]
    assert export.frame.schema["_line"] == pl.Int64


def test_utf16_tab_delimited_as_excel_unicode_text_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "hs.txt"
    path.write_bytes(b"\xff\xfe" + csv_text(ROWS, sep="\t", eol="\r\n").encode("utf-16-le"))
    export = read_export(path)
    assert export.encoding == "utf-16"
    assert values(path) == ROWS
    assert export.frame["_line"].to_list() == [2, 3, 4]


def test_utf16_big_endian(tmp_path: Path) -> None:
    path = tmp_path / "hs.txt"
    path.write_bytes(b"\xfe\xff" + csv_text(ROWS, sep="\t").encode("utf-16-be"))
    assert values(path) == ROWS


def test_windows_1258_is_read_into_nfc(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    raw = cp1258_bytes(csv_text(ROWS))
    assert b"\xde" in raw  # "ễ" really went in as "ê" + combining tilde (0xDE), as cp1258 writes it
    path.write_bytes(raw)
    export = read_export(path)
    assert export.encoding == "cp1258"
    assert values(path) == ROWS
    for row in export.frame.select(HEADERS).rows():
        assert all(unicodedata.is_normalized("NFC", v) for v in row)
    # The same with the encoding named by the officer.
    assert values(path, encoding="windows-1258") == ROWS


def test_windows_1258_after_a_long_ascii_start(tmp_path: Path) -> None:
    # The first megabyte is plain ASCII (valid UTF-8); the Vietnamese comes later and decides.
    filler = [[f"HS{i:07d}", "Khai sinh", "So Tu phap", "01/02/2024", "Dang xu ly"] for i in range(40_000)]
    path = tmp_path / "hs.csv"
    path.write_bytes(cp1258_bytes(csv_text([*filler, *ROWS])))
    assert path.stat().st_size > 1 << 20
    export = read_export(path)
    assert export.encoding == "cp1258"
    assert [list(r) for r in export.frame.select(HEADERS).tail(3).rows()] == ROWS
    assert export.frame["_line"].tail(1).to_list() == [40_000 + 3 + 1]


def test_decomposed_utf8_is_normalised_to_nfc(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_bytes(unicodedata.normalize("NFD", csv_text(ROWS)).encode("utf-8"))
    export = read_export(path)
    assert export.headers == HEADERS  # headers too
    assert values(path) == ROWS


def test_explicit_wrong_encoding_is_an_export_error(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_bytes(cp1258_bytes(csv_text(ROWS)))
    with pytest.raises(ExportError, match="bảng mã UTF-8"):
        read_export(path, encoding="utf-8")
    utf16 = tmp_path / "hs16.csv"
    utf16.write_bytes(csv_text(ROWS).encode("utf-16"))
    with pytest.raises(ExportError, match="bảng mã UTF-8"):
        read_export(utf16, encoding="utf-8")
    with pytest.raises(ExportError, match="Không biết bảng mã"):
        read_export(path, encoding="tcvn3-nope")


# --- formats and structure ---------------------------------------------------------------------------------


def test_semicolon_delimited(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text(csv_text(ROWS, sep=";"), encoding="utf-8")
    assert values(path) == ROWS  # the ";" inside a quoted cell stays in the cell


def test_line_numbers_follow_the_file(tmp_path: Path) -> None:
    # A blank line and an all-empty row are skipped but still counted; a quoted cell spanning two lines pushes
    # the following rows down; cells are stripped; a repeated header gets its own column name.
    text = ("Mã hồ sơ,Ghi chú,Ghi chú,\n"
            "A1,  một  ,x,\n"
            "\n"
            ",,,\n"
            'A2,"dòng một\ndòng hai",y,\n'
            "A3,ba,z,\n")
    path = tmp_path / "hs.csv"
    path.write_text(text, encoding="utf-8")
    export = read_export(path)
    assert export.headers == ["Mã hồ sơ", "Ghi chú", "Ghi chú (2)", "Cột 4"]
    assert export.frame.columns == [*export.headers, "_line"]
    assert export.frame["Mã hồ sơ"].to_list() == ["A1", "A2", "A3"]
    assert export.frame["Ghi chú"].to_list() == ["một", "dòng một\ndòng hai", "ba"]
    assert export.frame["_line"].to_list() == [2, 5, 7]


def test_xlsx_with_real_dates_and_sheet_row_numbers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])  # an empty first row: the header is the first non-empty row
    ws.append([*HEADERS, "Số trang"])
    ws.append([ROWS[0][0], ROWS[0][1], ROWS[0][2], datetime(2024, 2, 1, 8, 30), ROWS[0][4], 3.0])
    ws.append([])  # empty row inside the data: skipped, numbering kept
    ws.append([ROWS[1][0], ROWS[1][1], ROWS[1][2], "02/02/2024", ROWS[1][4], 2.5])
    ws.append([ROWS[2][0], ROWS[2][1], ROWS[2][2], date(2024, 2, 3), ROWS[2][4], None])
    path = tmp_path / "export.bin"  # told by content, not by name
    wb.save(path)
    export = read_export(path)
    assert export.encoding == "xlsx"
    assert export.headers == [*HEADERS, "Số trang"]
    assert export.frame["_line"].to_list() == [3, 5, 6]
    assert export.frame["Ngày tiếp nhận"].to_list() == ["2024-02-01 08:30:00", "02/02/2024", "2024-02-03 00:00:00"]
    assert export.frame["Số trang"].to_list() == ["3", "2.5", ""]
    assert export.frame["Tên thủ tục"].to_list() == [r[1] for r in ROWS]


def test_title_and_blank_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text("\n" + '"DANH SÁCH HỒ SƠ\nQuý I/2024",,,,\n' + "\n" + csv_text(ROWS), encoding="utf-8")
    export = read_export(path)
    assert export.headers == HEADERS
    assert [list(r) for r in export.frame.select(HEADERS).rows()] == ROWS
    assert export.frame["_line"].to_list() == [6, 7, 8]  # title on lines 2-3, header on line 5
    assert read_headers(path) == HEADERS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    ws.append([None, "Từ ngày 01/01/2024"])
    ws.append([])
    ws.append(HEADERS)
    for r in ROWS:
        ws.append(r)
    xlsx = tmp_path / "hs.xlsx"
    wb.save(xlsx)
    export = read_export(xlsx)
    assert export.headers == HEADERS
    assert export.frame["_line"].to_list() == [5, 6, 7]
    assert read_headers(xlsx) == HEADERS


def test_read_headers_reads_only_the_header(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_bytes(cp1258_bytes(csv_text(ROWS, headers=[*HEADERS, "", "Trạng thái"], sep=";")))
    assert read_headers(path) == [*HEADERS, "Cột 6", "Trạng thái (2)"]
    assert read_headers(path) == read_export(path).headers
    with pytest.raises(ExportError, match="bảng mã UTF-8"):
        read_headers(path, encoding="utf-8")
    path.write_text(csv_text([]), encoding="utf-8")
    with pytest.raises(ExportError, match="^Tệp không có dòng dữ liệu nào$"):
        read_headers(path)
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ExportError, match="^Tệp không phải CSV hoặc XLSX"):
        read_headers(path)


def test_xlsx_rows_read_like_csv_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(row)
    xlsx = tmp_path / "hs.xlsx"
    wb.save(xlsx)
    assert values(xlsx) == ROWS


@pytest.mark.parametrize("content", [b"", b"  \n", csv_text([]).encode()])
def test_no_data_rows(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hs.csv"
    path.write_bytes(content)
    with pytest.raises(ExportError, match="^Tệp không có dòng dữ liệu nào$"):
        read_export(path)


def test_header_and_empty_rows_only(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text(csv_text([["", "", "", "", ""]]) + "\n", encoding="utf-8")
    with pytest.raises(ExportError, match="không có dòng dữ liệu"):
        read_export(path)


def test_legacy_xls_asks_for_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "hs.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ExportError, match=r"\.xls\b.*\.xlsx"):
        read_export(path)


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"abc\x00\x01\x02def,ghi\n",
])
def test_other_binary_is_not_a_table(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hs.csv"
    path.write_bytes(content)
    with pytest.raises(ExportError, match="^Tệp không phải CSV hoặc XLSX"):
        read_export(path)


def test_zip_that_is_not_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "hs.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ExportError, match="^Tệp không phải CSV hoặc XLSX"):
        read_export(path)


def test_ragged_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6,7\n", encoding="utf-8")
    with pytest.raises(ExportError, match="^Dòng 4 có 3 cột, nhiều hơn 2 cột"):
        read_export(path)


def test_trailing_delimiter_on_data_rows_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text("a,b\n1,2,\n3,4,\n", encoding="utf-8")
    export = read_export(path)
    assert export.frame.select("a", "b").rows() == [("1", "2"), ("3", "4")]


def test_short_rows_are_padded_with_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_text("a,b,c\n1,2\n", encoding="utf-8")
    assert read_export(path).frame.select("a", "b", "c").rows() == [("1", "2", "")]


def test_progress_goes_from_0_to_1(tmp_path: Path) -> None:
    path = tmp_path / "hs.csv"
    path.write_bytes(cp1258_bytes(csv_text(ROWS)))
    seen: list[float] = []
    read_export(path, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


# --- mapping -----------------------------------------------------------------------------------------------


FULL_HEADERS = schema.DEFAULT_HEADERS
MAPPING = schema.suggest_mapping(FULL_HEADERS)
AGENCIES = {
    schema.vocab_key("UBND xã Đông Hưng"): AgencyRef(1, "commune"),
    schema.vocab_key("Ủy ban nhân dân xã Đông Hưng"): AgencyRef(1, "commune"),  # an alias
    schema.vocab_key("Sở Tư pháp"): AgencyRef(2, "province"),
    schema.vocab_key("UBND huyện Yên Lạc"): AgencyRef(3, None),
}


def test_records_have_the_stored_columns() -> None:
    from dondoc.indicators.dossiers.store import COLUMNS

    assert list(ROW_SCHEMA.items()) == list(COLUMNS.items())


def test_default_headers_map_every_field() -> None:
    assert set(MAPPING) == set(schema.FIELD_BY_NAME)


def test_check_mapping_names_unmapped_required_fields_and_absent_headers() -> None:
    mapping = {k: v for k, v in MAPPING.items() if k not in ("code", "status")}
    mapping["received_at"] = "Ngày nhận hồ sơ"
    mapping["rating"] = "Đánh giá"
    with pytest.raises(ExportError) as info:
        check_mapping(FULL_HEADERS, mapping)
    assert str(info.value) == ("Chưa chọn cột cho: Mã hồ sơ, Trạng thái. "
                               "Tệp thiếu cột: Ngày nhận hồ sơ, Đánh giá.")
    check_mapping(FULL_HEADERS, MAPPING)  # complete: no error


def test_normalise_refuses_an_incomplete_mapping(tmp_path: Path) -> None:
    export = read_full(tmp_path, [row()])
    with pytest.raises(ExportError, match="Chưa chọn cột cho: Kênh tiếp nhận"):
        normalise(export, {k: v for k, v in MAPPING.items() if k != "channel"}, AGENCIES)


# --- row checks --------------------------------------------------------------------------------------------


def row(**cells: str) -> list[str]:
    """A valid row of the default layout, with some cells replaced (keys are field names)."""
    base = {
        "code": "HS-1", "procedure_code": "1.001193", "procedure_name": "Đăng ký khai sinh", "field": "Hộ tịch",
        "agency": "UBND xã Đông Hưng", "level": "", "channel": "Trực tuyến", "online_kind": "Toàn trình",
        "received_at": "01/02/2024 08:30", "due_at": "05/02/2024", "finished_at": "03/02/2024 10:00",
        "returned_at": "", "status": "Đã giải quyết", "apology": "", "dossier_digitised": "Có",
        "result_digitised": "x", "rating": "Rất hài lòng",
    }
    base.update(cells)
    return [base[f.name] for f in schema.FIELDS]


def read_full(tmp_path: Path, rows: list[list[str]]) -> Export:
    path = tmp_path / "hs.csv"
    path.write_text(csv_text(rows, headers=FULL_HEADERS), encoding="utf-8")
    return read_export(path)


def test_good_rows_become_typed_records(tmp_path: Path) -> None:
    export = read_full(tmp_path, [
        row(),
        row(code="HS-2", agency="Ủy ban nhân dân xã  ĐÔNG HƯNG", channel="Trực tiếp", online_kind="Toàn trình",
            level="Cấp tỉnh", status="Đang xử lý", finished_at="", due_at="", rating="", dossier_digitised="Không",
            result_digitised="", apology="x", procedure_code=""),
        row(code="HS-3", agency="Sở Tư pháp", channel="Bưu chính công ích", received_at="2024-02-01",
            finished_at="2024-02-01 00:00:00", status="Hoàn thành", rating="4"),
        row(code="HS-4", agency="UBND huyện Yên Lạc", channel="Trực tuyến", online_kind="Một phần",
            status="trả lại", finished_at="", rating="chưa đánh giá"),
    ])
    result = normalise(export, MAPPING, AGENCIES)
    assert result.errors.height == 0
    assert result.total == 4
    rows = result.rows
    assert rows.schema == pl.Schema(ROW_SCHEMA)
    assert rows["code"].to_list() == ["HS-1", "HS-2", "HS-3", "HS-4"]
    assert rows["procedure_code"].to_list() == ["1.001193", None, "1.001193", "1.001193"]
    assert rows["agency_id"].to_list() == [1, 1, 2, 3]
    # The Cấp column when filled, else the agency directory's level, else null.
    assert rows["level"].to_list() == ["commune", "province", "province", None]
    assert rows["channel"].to_list() == ["online", "direct", "postal", "online"]
    assert rows["online_kind"].to_list() == ["full", None, None, "partial"]
    assert rows["status"].to_list() == ["finished", "processing", "finished", "rejected"]
    assert rows["received_at"].to_list() == [datetime(2024, 2, 1, 8, 30), datetime(2024, 2, 1, 8, 30),
                                            datetime(2024, 2, 1), datetime(2024, 2, 1, 8, 30)]
    assert rows["due_at"].to_list()[:2] == [datetime(2024, 2, 5), None]
    assert rows["finished_at"].to_list()[2] == datetime(2024, 2, 1)
    assert rows["returned_at"].null_count() == 4
    assert rows["apology"].to_list() == [False, True, False, False]
    assert rows["dossier_digitised"].to_list() == [True, False, True, True]
    assert rows["result_digitised"].to_list() == [True, False, True, True]
    assert rows["rating"].to_list() == [5, None, 4, None]


def test_unmapped_optional_fields_are_null_or_false(tmp_path: Path) -> None:
    export = read_full(tmp_path, [row()])
    required = {f.name: MAPPING[f.name] for f in schema.FIELDS if f.required}
    required["finished_at"] = MAPPING["finished_at"]  # a finished dossier needs its date
    result = normalise(export, required, AGENCIES)
    assert result.errors.height == 0
    record = result.rows.row(0, named=True)
    assert record["procedure_name"] is None and record["due_at"] is None and record["rating"] is None
    assert record["online_kind"] is None  # no column for it, even for an online dossier
    assert record["level"] == "commune"  # from the agency directory
    assert (record["apology"], record["dossier_digitised"], record["result_digitised"]) == (False, False, False)


def test_bad_rows_are_listed_with_line_numbers_and_reasons(tmp_path: Path) -> None:
    export = read_full(tmp_path, [
        row(code="HS-1"),                                                       # line 2: good
        row(code="HS-2", received_at="32/13/2024"),                             # 3
        row(code="HS-3", agency="UBND xã Không Có"),                            # 4
        row(code="HS-4", channel="Fax"),                                        # 5
        row(code="HS-1", status="Đang xử lý", finished_at=""),                  # 6: repeat of line 2
        row(code="HS-5", finished_at=""),                                       # 7
        row(code="HS-6", finished_at="31/01/2024 23:00"),                       # 8
        row(code="HS-7", finished_at="01/02/2024 07:00"),                       # 9: same day, earlier hour: good
        row(code="", agency="", status="", due_at="2024-01-30", rating="10"),   # 10
        row(code="HS-1"),                                                       # 11: repeat again
        row(code="HS-8", channel="Trực tiếp", online_kind="Mức độ 2"),          # 12: kind not read: good
        row(code="HS-9", online_kind="Mức độ 2", level="Trung ương"),           # 13
        row(code="HS-2"),                                                       # 14: first HS-2 was bad
    ])
    result = normalise(export, MAPPING, AGENCIES)
    assert result.errors.schema == pl.Schema({"line": pl.Int64, "code": pl.Utf8, "reasons": pl.Utf8})
    assert result.errors.rows() == [
        (3, "HS-2", "Ngày tiếp nhận '32/13/2024' không đúng định dạng ngày"),
        (4, "HS-3", "Không tìm thấy cơ quan 'UBND xã Không Có' trong danh mục"),
        (5, "HS-4", "Kênh tiếp nhận 'Fax' không hợp lệ"),
        (6, "HS-1", "Mã hồ sơ 'HS-1' trùng với dòng 2"),
        (7, "HS-5", "Hồ sơ đã giải quyết nhưng thiếu Ngày hoàn thành"),
        (8, "HS-6", "Ngày hoàn thành trước Ngày tiếp nhận"),
        (10, "", "Thiếu Mã hồ sơ; Thiếu Cơ quan tiếp nhận; Thiếu Trạng thái; "
                 "Đánh giá hài lòng '10' không hợp lệ; Ngày hẹn trả trước Ngày tiếp nhận"),
        (11, "HS-1", "Mã hồ sơ 'HS-1' trùng với dòng 2"),
        (13, "HS-9", "Cấp 'Trung ương' không hợp lệ; Hình thức DVC trực tuyến 'Mức độ 2' không hợp lệ"),
        (14, "HS-2", "Mã hồ sơ 'HS-2' trùng với dòng 3"),
    ]
    # Nothing half-imported: only the valid rows, and every row accounted for.
    assert result.rows["code"].to_list() == ["HS-1", "HS-7", "HS-8"]
    assert result.total == 13
    assert result.rows.height + result.errors.height == result.total


def test_xlsx_errors_carry_sheet_row_numbers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(FULL_HEADERS)
    ws.append(row())
    ws.append([])
    bad = row(code="HS-2", due_at="20/02/2024")
    bad[FULL_HEADERS.index("Ngày tiếp nhận")] = datetime(2024, 2, 10, 9, 0)  # a real date cell…
    bad[FULL_HEADERS.index("Ngày hoàn thành")] = "09/02/2024"                # …finished the day before
    ws.append(bad)
    path = tmp_path / "hs.xlsx"
    wb.save(path)
    result = normalise(read_export(path), MAPPING, AGENCIES)
    assert result.errors.rows() == [(4, "HS-2", "Ngày hoàn thành trước Ngày tiếp nhận")]
    assert result.rows["code"].to_list() == ["HS-1"]


# --- value reading -----------------------------------------------------------------------------------------


def test_every_date_layout_is_read() -> None:
    moment = datetime(2024, 3, 9, 14, 5, 7)
    cells = [moment.strftime(fmt) for fmt in schema.DATETIME_FORMATS]
    parsed = parse_datetimes(pl.Series(cells)).to_list()
    for fmt, value in zip(schema.DATETIME_FORMATS, parsed, strict=True):
        expected = datetime.strptime(moment.strftime(fmt), fmt)  # what the layout keeps (no seconds, no time…)
        assert value == expected, fmt
    assert parse_datetimes(pl.Series(["", "32/13/2024", "hôm qua", "2024-02-30"])).to_list() == [None] * 4


VIETNAMESE_SAMPLES = [
    "Ủy ban nhân dân xã Đông Hưng", "  SỞ  TÀI NGUYÊN\tVÀ MÔI TRƯỜNG ", "Đã giải quyết", "Trả lại, từ chối",
    "Dịch vụ bưu chính công ích", "Mức độ 4", "Toàn trình", "Chưa đánh giá", "Rất hài lòng", "Cấp huyện",
    unicodedata.normalize("NFD", "Nguyễn Thị Ễ – Huỳnh Phước Lộc"), "Sở\u00a0Y\u200btế", "Khánh Hòa — Khánh Hoà",
    "Cơ quan\u2212A", "ĐĂNG KÝ KHAI SINH", "", "   ", "x", "1",
]


def vocab_keys_expr(texts: list[str]) -> list[str]:
    return pl.select(vocab_key_expr(pl.lit(pl.Series(texts, dtype=pl.Utf8)))).to_series().to_list()


def test_vocab_key_expression_equals_schema_vocab_key() -> None:
    words = [*schema.LEVEL_WORDS, *schema.CHANNEL_WORDS, *schema.ONLINE_KIND_WORDS, *schema.STATUS_WORDS,
             *schema.BOOL_WORDS, *schema.RATING_WORDS, *schema.LEVELS.values(), *schema.CHANNELS.values(),
             *schema.ONLINE_KINDS.values(), *schema.STATUSES.values(), *(f.label for f in schema.FIELDS)]
    texts = [*words, *VIETNAMESE_SAMPLES]
    assert vocab_keys_expr(texts) == [schema.vocab_key(t) for t in texts]


_ALPHABET = st.sampled_from(list(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐEÊOÔƠUƯ áàảãạấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "ÁÀẢÃẠỄỆỨỰ0129-–—−,.\t\n\u00a0\u200b\u3000\x1c\u0300\u0301\u0302\u0303\u0309\u0323\u031b"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_ALPHABET, max_size=12), min_size=1, max_size=20))
def test_vocab_key_expression_on_random_vietnamese(texts: list[str]) -> None:
    assert vocab_keys_expr(texts) == [schema.vocab_key(t) for t in texts]
