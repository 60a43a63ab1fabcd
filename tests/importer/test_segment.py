from dondoc.importer.columns import text_width
from dondoc.importer.segment import (
    Atom,
    continue_cells,
    estimate_widths,
    every_cut,
    segment,
    segment_across,
    split_candidates,
)

FIELDS = ["content", "output", "lead", "coordinating", "deadline", "funding"]


def test_one_paragraph_per_cell_maps_straight():
    atoms = [Atom(t) for t in ["Ban hành kế hoạch kiểm tra năm 2024", "Kế hoạch", "Sở Nội vụ",
                               "Các sở, ban, ngành", "Quý I/2024", "Kinh phí thường xuyên"]]
    rows, used = segment(atoms, FIELDS, wrapped=False)
    assert used == 6
    assert rows == [["Ban hành kế hoạch kiểm tra năm 2024", "Kế hoạch", "Sở Nội vụ", "Các sở, ban, ngành",
                     "Quý I/2024", "Kinh phí thường xuyên"]]


def test_multi_paragraph_cells_go_to_their_columns():
    atoms = [Atom(t) for t in [
        "Ban hành và tổ chức thực hiện Kế hoạch tuyên truyền năm 2024",
        "- Kế hoạch của Chủ tịch UBND huyện;", "- Báo cáo kết quả thực hiện.",
        "Phòng Nội vụ", "- Các phòng, ban chuyên môn;", "- UBND các xã, thị trấn.",
        "- Ban hành kế hoạch tháng 02/2024", "- Báo cáo hằng quý, 6 tháng, năm",
        "Kinh phí hoạt động thường xuyên"]]
    rows, _ = segment(atoms, FIELDS, wrapped=False)
    content, output, lead, coordinating, deadline, funding = rows[0]
    assert output.count("\n") == 1 and lead == "Phòng Nội vụ"
    assert coordinating.startswith("- Các phòng") and deadline.startswith("- Ban hành")
    assert funding == "Kinh phí hoạt động thường xuyên"


def test_empty_markers_and_an_unnumbered_row():
    e = Atom("", empty_marker=True)
    atoms = [Atom("Quyết định thành lập Ban bầu cử cấp tỉnh"), Atom("Quyết định của UBND tỉnh"),
             Atom("Sở Nội vụ"), Atom("Các sở, ngành liên quan"), Atom("Tháng 3/2026"), e,
             e, Atom("Quyết định thành lập Ban bầu cử cấp xã"), Atom("Quyết định của UBND tỉnh"),
             Atom("Sở Nội vụ"), Atom("Các sở, ngành liên quan"), Atom("Tháng 3/2026"), e]
    rows, used = segment(atoms, FIELDS, wrapped=False, max_extra_rows=2)
    assert used == len(atoms) and len(rows) == 2
    assert rows[1][0] == "" and rows[1][1] == "Quyết định thành lập Ban bầu cử cấp xã"


def test_wrapped_pdf_text_splits_a_shared_line():
    fields = ["content", "output", "lead", "coordinating", "deadline"]
    lines = ["Ban hành và tổ chức thực hiện Kế", "hoạch kiểm tra công tác CCHC năm", "2025.",
             "- Kế hoạch;", "- Báo cáo kết quả thực", "hiện.", "Văn phòng Các phòng, đơn vị",
             "Quý I/2025"]
    atoms = [a for line in lines for a in split_candidates(line)]
    rows, _ = segment(atoms, fields, wrapped=True)
    content, output, lead, coordinating, deadline = rows[0]
    assert content.replace("\n", " ").endswith("năm 2025.")
    assert lead == "Văn phòng" and coordinating == "Các phòng, đơn vị" and deadline == "Quý I/2025"


def test_drop_tail_leaves_what_follows_the_table():
    atoms = [Atom(t) for t in ["Ban hành kế hoạch số hóa hồ sơ", "Kế hoạch", "Sở Nội vụ", "Các sở",
                               "Quý II/2025", "Kinh phí thường xuyên", "HIỆU LỰC VĂN BẢN",
                               "Tải văn bản"]]
    rows, used = segment(atoms, FIELDS, wrapped=False, drop_tail=True)
    assert used == 6 and rows[0][5] == "Kinh phí thường xuyên"


# --- PDF text: printed widths, shared lines, page breaks (invented rows) ---------------------------

FIELDS5 = ["content", "output", "lead", "coordinating", "deadline"]
WIDTHS = {"content": 15.0, "output": 9.0, "lead": 7.0, "coordinating": 8.0, "deadline": 9.0}  # em


def _atoms(lines):
    return [a for line in lines for a in split_candidates(line)]


def test_a_line_break_where_the_next_word_would_have_fitted_ends_the_cell():
    lines = ["Duy trì hệ thống quản lý văn bản và", "điều hành của Ủy ban nhân dân xã.", "Báo cáo kết quả",
             "Văn phòng", "các phòng chuyên môn", "Thường xuyên"]
    rows, _ = segment(_atoms(lines), FIELDS5, wrapped=True)
    assert rows[0][2] == "Văn phòng\ncác phòng chuyên môn"  # a lower-case line reads as a wrap
    rows, _ = segment(_atoms(lines), FIELDS5, wrapped=True, widths=WIDTHS)
    # "Văn phòng các" fits a 7 em column: had the cell gone on, "các" would sit on its first line
    assert rows[0][2:] == ["Văn phòng", "các phòng chuyên môn", "Thường xuyên"]


def test_a_printed_line_is_cut_only_where_a_cell_can_start():
    cut = split_candidates("Công văn Phòng Tư pháp Các xã, thị trấn")
    assert [a.text for a in cut] == ["Công văn", "Phòng Tư pháp", "Các xã, thị trấn"]
    assert [a.same_line for a in cut] == [False, True, True]
    assert [a.text for a in split_candidates("Phòng Nội vụ Thường xuyên")] == ["Phòng Nội vụ", "Thường xuyên"]
    # a dash inside a name is no list item; a dash after a sentence is
    assert [a.text for a in split_candidates("tin - Văn hóa -")] == ["tin - Văn hóa -"]
    assert [a.text for a in split_candidates("của xã theo quy định.  - Báo cáo tổng")] == [
        "của xã theo quy định.", "- Báo cáo tổng"]
    # capitalised words inside a task's text are no cut
    assert len(split_candidates("hoạch nâng cao Chỉ số Hài lòng của Người dân")) == 1


def test_every_cut_keeps_the_vetted_cuts_firm():
    atoms = every_cut("kết quả. - Báo cáo")
    assert [a.text for a in atoms] == ["kết", "quả.", "-", "Báo", "cáo"]
    assert [a.loose for a in atoms] == [False, True, False, True, True]


def test_a_title_keeps_its_complement_on_a_shared_line():
    lines = ["Trình Chủ tịch UBND huyện ban hành", "Quy chế làm việc năm 2026.", "- Tờ trình;", "- Quyết định của",
             "Chủ tịch UBND huyện", "Phòng Nội vụ", "Các phòng, ban", "Quý I/2026"]
    rows, _ = segment(_atoms(lines), FIELDS5, wrapped=True, widths=WIDTHS)
    assert rows[0][1].endswith("Chủ tịch UBND huyện") and rows[0][2] == "Phòng Nội vụ"


def test_widths_come_from_the_wraps_a_first_reading_shows():
    cells = [["Tổ chức tập huấn nghiệp vụ cho công\nchức một cửa cấp xã năm 2026", "Kế hoạch",
              "Phòng Văn hóa và\nThông tin", "Các xã, thị trấn", "Quý III/2026"]] * 3
    widths = estimate_widths(cells, FIELDS5, min_samples=2)
    assert set(widths) == {"content", "lead"}  # one-line cells show no width
    assert text_width("Phòng Văn hóa và") <= widths["lead"] < text_width("Phòng Văn hóa và Thông")


def test_the_top_of_a_page_goes_on_in_the_cells_it_continues():
    cells = ["Triển khai phần mềm một cửa điện tử tại các", "- Kế hoạch;", "Phòng Nội vụ", "Các cơ quan, đơn",
             "Năm 2026"]
    fragment = every_cut("xã, thị trấn.") + every_cut("vị có liên quan")
    assert continue_cells(fragment, FIELDS5, cells, wrapped=True, widths=WIDTHS) == [
        "xã, thị trấn.", "", "", "vị có liên quan", ""]


def test_a_row_cut_by_a_page_break_is_read_with_its_rest():
    lines = ["Tổ chức đối thoại với doanh nghiệp về", "thủ tục hành chính năm 2026", "Báo cáo kết quả", "Văn phòng",
             "Các phòng: Tư pháp;", "Tài chính - Kế", "hoạch;", "Kinh tế - Hạ tầng", "- Đô thị; các",
             "Báo cáo định kỳ theo", "quý, năm theo quy", "định"]
    cells, rest = segment_across(_atoms(lines), every_cut("phòng, ban liên quan"), FIELDS5, widths=WIDTHS)
    assert cells[3].endswith("- Đô thị; các") and cells[4].startswith("Báo cáo định kỳ")
    assert rest == ["", "", "", "phòng, ban liên quan", ""]


def test_a_page_top_read_with_a_shared_cache_reads_as_read_alone():
    # segment_across reads the same page top against many first-page readings, sharing what those
    # readings have in common; each must come out as if read on its own
    from dondoc.importer.segment import MAX_CELL_ATOMS, _continue, _Spans

    fragment = every_cut("xã, thị trấn.") + every_cut("vị có liên quan") + every_cut("Quý II/2026")
    readings = [
        ["Triển khai phần mềm một cửa điện tử tại các", "- Kế hoạch;", "Phòng Nội vụ", "Các cơ quan, đơn", "Năm 2026"],
        ["Triển khai phần mềm một cửa điện tử tại các", "- Kế hoạch;", "Phòng Nội vụ", "Các cơ quan,", ""],
        ["Triển khai phần mềm một cửa điện tử tại các", "- Kế hoạch; - Báo", "", "Các cơ quan, đơn", "Năm 2026"],
        ["Triển khai phần mềm một cửa", "điện tử tại các - Kế hoạch;", "Phòng Nội vụ", "", "Năm 2026"],
        ["", "- Kế hoạch;", "Phòng Nội vụ", "Các cơ quan, đơn", "Năm 2026"],
    ]
    shared = _Spans(fragment, True, WIDTHS, False, MAX_CELL_ATOMS)
    for cells in readings * 2:
        assert _continue(fragment, FIELDS5, cells, True, WIDTHS, spans=shared) == \
            _continue(fragment, FIELDS5, cells, True, WIDTHS)
