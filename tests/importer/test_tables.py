"""Table understanding on hand-made grids: subsection headings printed "split" (empty
TT cell, the heading merged over the other columns) against unnumbered task rows
of the same shape, and per-area table titles under a repeated appendix heading."""

from __future__ import annotations

from dondoc.importer.grid import Grid, Row, Table
from dondoc.importer.tables import TaskRow, table_title, task_rows

HEADER = ["TT", "Nội dung", "Sản phẩm", "Cơ quan chủ trì", "Thời gian hoàn thành"]


def _row(*cells: str, spans_all: bool = False) -> Row:
    return Row(cells=list(cells) + [""] * (len(HEADER) - len(cells)), spans_all=spans_all)


def _task(number: str, content: str) -> Row:
    return _row(number, content, "Kế hoạch", "Sở Nội vụ", "Quý I/2024")


def _read(*tables: list[Row], before: list[list[str]] | None = None) -> list[TaskRow]:
    before = before or [[] for _ in tables]
    return task_rows(Grid(tables=[Table(rows=rows, before=b) for rows, b in zip(tables, before, strict=True)]))


def _shape(rows: list[TaskRow]) -> list[tuple[str | None, str, str]]:
    return [(r.subsection, r.cells.get("number", ""), r.cells.get("content", "")) for r in rows]


def test_split_subsection_rows_are_headings() -> None:
    rows = _read([
        _row(*HEADER),
        _row("I", "CẢI CÁCH THỂ CHẾ"),
        _row("", "1. Tham mưu UBND tỉnh"),
        _task("1.1", "Kế hoạch chuyển đổi số"),
        _task("1.2", "Quyết định phê duyệt"),
        _row("", "2. Triển khai tại cơ quan"),
        _task("2.1", "Duy trì Cổng thông tin"),
        _row("II", "CẢI CÁCH CÔNG VỤ"),
        _row("", "a) Tuyển dụng"),
        _task("1", "Thi tuyển công chức"),
        _row("", "b) Đánh giá"),
        _task("2", "Đánh giá công chức"),
    ])
    assert _shape(rows) == [
        ("1. Tham mưu UBND tỉnh", "1.1", "Kế hoạch chuyển đổi số"),
        ("1. Tham mưu UBND tỉnh", "1.2", "Quyết định phê duyệt"),
        ("2. Triển khai tại cơ quan", "2.1", "Duy trì Cổng thông tin"),
        ("a) Tuyển dụng", "1", "Thi tuyển công chức"),
        ("b) Đánh giá", "2", "Đánh giá công chức"),
    ]
    assert [r.section_number for r in rows] == ["I", "I", "I", "II", "II"]


def test_unnumbered_task_row_stays_a_task() -> None:
    rows = _read([
        _row(*HEADER),
        _task("1", "Rà soát thủ tục hành chính"),
        _row("", "Cập nhật lên Cổng dịch vụ công", "Báo cáo", "Văn phòng UBND tỉnh", "Thường xuyên"),
        _row("", "Công khai kết quả", "", "", ""),  # no marker: a task, however bare
        _task("2", "Kiểm tra Bộ phận Một cửa"),
    ])
    assert [r.cells["content"] for r in rows] == [
        "Rà soát thủ tục hành chính", "Cập nhật lên Cổng dịch vụ công", "Công khai kết quả",
        "Kiểm tra Bộ phận Một cửa"]
    assert all(r.subsection is None for r in rows)


def test_items_under_a_task_that_announces_a_list_are_tasks() -> None:
    rows = _read([
        _row(*HEADER),
        _task("1", "Xây dựng, ban hành các văn bản sau:"),
        _row("", "a) Kế hoạch tuyên truyền"),
        _row("", "b) Kế hoạch kiểm tra"),
        _task("2", "Tổ chức đối thoại"),
    ])
    assert _shape(rows) == [
        (None, "1", "Xây dựng, ban hành các văn bản sau:"),
        (None, "", "a) Kế hoạch tuyên truyền"),
        (None, "", "b) Kế hoạch kiểm tra"),
        (None, "2", "Tổ chức đối thoại"),
    ]


def test_a_run_of_marker_rows_is_a_list_not_headings() -> None:
    rows = _read([
        _row(*HEADER),
        _task("1", "Ban hành văn bản"),
        _row("", "1. Kế hoạch tuyên truyền"),
        _row("", "2. Kế hoạch kiểm tra"),
        _task("2", "Tổ chức đối thoại"),
    ])
    assert [r.cells["content"] for r in rows] == [
        "Ban hành văn bản", "1. Kế hoạch tuyên truyền", "2. Kế hoạch kiểm tra", "Tổ chức đối thoại"]
    assert all(r.subsection is None for r in rows)


def test_heading_then_lettered_heading_both_read_as_headings_in_turn() -> None:
    rows = _read([
        _row(*HEADER),
        _row("", "1. Tham mưu UBND tỉnh"),
        _row("", "a) Văn bản"),
        _task("1", "Kế hoạch chuyển đổi số"),
    ])
    assert _shape(rows) == [("a) Văn bản", "1", "Kế hoạch chuyển đổi số")]


def test_merged_subsection_row_still_read() -> None:
    rows = _read([
        _row(*HEADER),
        _row("I. CẢI CÁCH THỂ CHẾ", spans_all=True),
        _row("a) Hoàn thiện thể chế", spans_all=True),
        _task("1", "Rà soát văn bản"),
    ])
    assert _shape(rows) == [("a) Hoàn thiện thể chế", "1", "Rà soát văn bản")]


def test_page_break_heading_and_list_continuation() -> None:
    first = [
        _row(*HEADER),
        _task("1", "Kế hoạch chuyển đổi số"),
        _row("", "2. Triển khai tại cơ quan"),  # last row of the page: a heading over the next page
    ]
    second = [_task("2.1", "Duy trì Cổng thông tin")]
    rows = _read(first, second)
    assert _shape(rows) == [
        (None, "1", "Kế hoạch chuyển đổi số"),
        ("2. Triển khai tại cơ quan", "2.1", "Duy trì Cổng thông tin"),
    ]
    # A task whose list of items is cut by the page break: the rest joins it.
    first = [_row(*HEADER), _task("1", "Nội dung gồm:\na) Rà soát")]
    second = [_row("", "b) Công bố"), _task("2", "Kiểm tra")]
    rows = _read(first, second)
    assert _shape(rows) == [(None, "1", "Nội dung gồm:\na) Rà soát\nb) Công bố"), (None, "2", "Kiểm tra")]


def test_appendix_heading_repeated_above_each_table_is_not_part_of_the_title() -> None:
    heading = ["PHỤ LỤC", "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2024"]
    rows = _read(
        [_row(*HEADER), _task("1", "Rà soát văn bản")],
        [_row(*HEADER), _task("1", "Rà soát thủ tục")],
        before=[heading + ["CÁC NHIỆM VỤ VỀ CẢI CÁCH THỂ CHẾ"], heading + ["CÁC NHIỆM VỤ VỀ CẢI CÁCH TTHC"]],
    )
    assert [r.section_title for r in rows] == ["CÁC NHIỆM VỤ VỀ CẢI CÁCH THỂ CHẾ", "CÁC NHIỆM VỤ VỀ CẢI CÁCH TTHC"]


def test_title_wrapped_over_two_lines_is_kept_whole() -> None:
    assert table_title(["PHỤ LỤC 02", "CÁC NHIỆM VỤ TRỌNG TÂM VỀ", "CẢI CÁCH THỂ CHẾ"]) == (
        "02", "CÁC NHIỆM VỤ TRỌNG TÂM VỀ CẢI CÁCH THỂ CHẾ")
    shared = frozenset({"CÁC NHIỆM VỤ TRỌNG TÂM VỀ"})
    # A line shared with other tables only ends a title; alone it is the title.
    assert table_title(["CÁC NHIỆM VỤ TRỌNG TÂM VỀ"], shared) == ("", "CÁC NHIỆM VỤ TRỌNG TÂM VỀ")
