from dondoc.importer.segment import Atom, segment, split_candidates

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
