"""Each text layout the genre arrives in, on small documents written for the test."""

from dondoc.importer.readers.txt import read_txt
from dondoc.importer.tables import task_rows

PIPE_ROWS = """ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
Số: 12/KH-UBND | Mai Sơn, ngày 05 tháng 01 năm 2024 |
KẾ HOẠCH
Cải cách hành chính huyện năm 2024
CÁC NHIỆM VỤ VỀ CẢI CÁCH THỂ CHẾ
STT | Nội dung | Cơ quan chủ trì | Thời hạn | Sản phẩm |
1. | Rà soát văn bản QPPL của huyện | Phòng Tư pháp | Quý II/2024 | Báo cáo |
2. | Kiểm tra văn bản | Phòng Tư pháp | Thường xuyên | Báo cáo |
CÁC NHIỆM VỤ VỀ CẢI CÁCH THỦ TỤC HÀNH CHÍNH
STT | Nội dung | Cơ quan chủ trì | Thời hạn | Sản phẩm |
1. | Công khai TTHC | Văn phòng HĐND và UBND huyện | Tháng 3/2024 | Danh mục |
Nơi nhận:
"""

PIPE_LINES = """KẾ HOẠCH
PHỤ LỤC
STT
|
NỘI
DUNG
|
CƠ QUAN
CHỦ TRÌ
|
THỜI GIAN
|
I
|
CẢI CÁCH
THỂ CHẾ
|
1
|
Ban hành kế hoạch rà soát
văn bản năm 2024
|
Phòng Tư
pháp
|
Tháng
02/2024
|
|
Rà soát chuyên đề đất đai
|
Phòng Tài nguyên và Môi trường
|
Quý III/2024
|
2
|
Kiểm tra việc thi hành pháp luật
|
Phòng Tư pháp
|
Năm 2024
|
Bản quyền thuộc về trang web.
|
"""

LINE_CELLS = """PHỤ LỤC

TT

Nhiệm vụ

Sản phẩm

Đơn vị chủ trì

Thời gian hoàn thành

I

CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH

\u00a0

\u00a0

\u00a0

1

Ban hành Kế hoạch CCHC năm 2025 của xã

- Kế hoạch;

- Báo cáo kết quả.

UBND xã

Tháng 01/2025

2

Tổ chức tự đánh giá Chỉ số CCHC

Báo cáo

Công chức Văn phòng - Thống kê

Quý IV/2025
"""


def test_pipe_rows_one_table_per_area():
    rows = task_rows(read_txt(PIPE_ROWS))
    assert [r.cells["number"] for r in rows] == ["1.", "2.", "1."]
    assert rows[0].section_title == "CÁC NHIỆM VỤ VỀ CẢI CÁCH THỂ CHẾ"
    assert rows[2].section_title == "CÁC NHIỆM VỤ VỀ CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    assert rows[2].cells["lead"] == "Văn phòng HĐND và UBND huyện"
    assert rows[1].cells["output"] == "Báo cáo"


def test_pipe_lines_with_wrapped_cells_and_an_unnumbered_row():
    rows = task_rows(read_txt(PIPE_LINES))
    assert [r.cells["number"] for r in rows] == ["1", "", "2"]
    assert rows[0].section_number == "I" and rows[0].section_title == "CẢI CÁCH THỂ CHẾ"
    assert rows[0].cells["lead"] == "Phòng Tư\npháp"
    assert rows[1].cells["lead"] == "Phòng Tài nguyên và Môi trường" and "unnumbered_row" in rows[1].notes
    assert rows[2].cells["deadline"] == "Năm 2024"  # the site's footer after the table is not a row


def test_one_cell_per_line_with_empty_markers():
    rows = task_rows(read_txt(LINE_CELLS))
    assert len(rows) == 2
    assert rows[0].section_title == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    assert rows[0].cells["output"] == "- Kế hoạch;\n- Báo cáo kết quả."
    assert rows[0].cells["lead"] == "UBND xã" and rows[0].cells["deadline"] == "Tháng 01/2025"
    assert rows[1].cells["lead"] == "Công chức Văn phòng - Thống kê"


def test_text_without_a_task_table_has_no_rows():
    assert task_rows(read_txt("Báo cáo kết quả công tác năm 2024.\nKhông có bảng.")) == []


# PDF text of a commune's plan: cells wrapped on narrow lines, two cells on one printed line, the header
# repeated at a page break and a row going on after it.
PDF_TEXT = """KẾ HOẠCH
Cải cách hành chính năm 2026 của xã Tân Lập

I. MỤC ĐÍCH, YÊU CẦU
Nâng cao chất lượng giải quyết thủ tục hành chính tại Bộ phận một cửa.

TT
Nội dung công việc
Sản phẩm
Đơn vị chủ trì
Đơn vị phối hợp Thời gian hoàn thành
I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH
1
Ban hành Kế hoạch cải cách hành chính
năm 2026 của Ủy ban nhân dân xã.
- Kế hoạch;
- Báo cáo kết quả thực
hiện.
Văn phòng Các bộ phận chuyên môn
- Ban hành kế hoạch
trong tháng 01/2026;
- Báo cáo theo quý, 6
tháng, năm.
2
Tổ chức kiểm tra công tác cải cách
hành chính tại các thôn, bản năm 2026.
- Kế hoạch kiểm tra;
- Biên bản kiểm tra.
Văn phòng Các thôn, bản Quý III/2026
II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH
1
Niêm yết công khai thủ tục hành chính
tại Bộ phận một cửa và trên Cổng thông
tin điện tử của xã.
Danh mục thủ tục
hành chính được
niêm yết
Công chức Tư
pháp - Hộ tịch
Văn phòng Thường xuyên
2
Tiếp nhận, giải quyết hồ sơ thủ tục
hành chính đúng hạn; gửi thư xin lỗi
- Sổ theo dõi hồ sơ;
Các công chức
chuyên môn
Văn phòng Thường xuyên
TT
Nội dung công việc
Sản phẩm
Đơn vị chủ trì
Đơn vị phối hợp Thời gian hoàn thành
khi giải quyết quá hạn.
- Thư xin lỗi.
3
Số hóa hồ sơ, kết quả giải quyết thủ
tục hành chính theo quy định.
Báo cáo kết quả số
hóa
Công chức Văn hóa
- Xã hội
Văn phòng Hằng quý
"""

NB = "\u00a0"
# HTML copied as text, two appendix tables with a sentence between them.
TWO_TABLES = f"""PHỤ LỤC I

TT

Nhiệm vụ

Sản phẩm

Đơn vị chủ trì

Thời gian hoàn thành

I

CẢI CÁCH THỂ CHẾ

{NB}

{NB}

{NB}

1

Rà soát văn bản quy phạm pháp luật do xã ban hành

Báo cáo

Công chức Tư pháp - Hộ tịch

Quý II/2026

2

Tự kiểm tra văn bản của Hội đồng nhân dân xã

Kết luận kiểm tra

Công chức Tư pháp - Hộ tịch

Tháng 11/2026

Các nhiệm vụ trên được bố trí từ nguồn kinh phí chi thường xuyên của xã.

PHỤ LỤC II

NHIỆM VỤ CẢI CÁCH THỦ TỤC HÀNH CHÍNH

TT

Nhiệm vụ

Sản phẩm

Đơn vị chủ trì

Thời gian hoàn thành

1

Công khai thủ tục hành chính tại Bộ phận một cửa

Danh mục thủ tục hành chính

Văn phòng - Thống kê

Tháng 02/2026

2

Khảo sát mức độ hài lòng của người dân

Báo cáo kết quả khảo sát

Văn phòng - Thống kê

Quý IV/2026
"""

PIPE_DOC = """ỦY BAN NHÂN DÂN XÃ BÌNH AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
KẾ HOẠCH
CÁC NHIỆM VỤ VỀ CẢI CÁCH TÀI CHÍNH CÔNG
STT | Nội dung | Cơ quan chủ trì | Thời hạn | Sản phẩm |
1. | Công khai dự toán ngân sách xã năm 2026 | Công chức Tài chính - Kế toán | Tháng 01/2026 | Báo cáo |
2. | Công khai quyết toán ngân sách năm 2025 | Công chức Tài chính - Kế toán | Quý III/2026 | Báo cáo |
Nơi nhận:
"""


def test_pdf_text_cells_wrapped_shared_lines_and_a_page_break():
    rows = task_rows(read_txt(PDF_TEXT))
    assert [(r.section_number, r.cells["number"]) for r in rows] == [
        ("I", "1"), ("I", "2"), ("II", "1"), ("II", "2"), ("II", "3")]
    first = rows[0].cells
    assert first["lead"] == "Văn phòng" and first["coordinating"] == "Các bộ phận chuyên môn"
    assert first["output"] == "- Kế hoạch;\n- Báo cáo kết quả thực\nhiện."
    assert (rows[1].cells["coordinating"], rows[1].cells["deadline"]) == ("Các thôn, bản", "Quý III/2026")
    assert rows[2].cells["lead"] == "Công chức Tư\npháp - Hộ tịch" and rows[2].cells["deadline"] == "Thường xuyên"
    cut = rows[3].cells  # the page break falls inside this row
    assert cut["content"].endswith("gửi thư xin lỗi\nkhi giải quyết quá hạn.")
    assert cut["output"] == "- Sổ theo dõi hồ sơ;\n- Thư xin lỗi."
    assert cut["lead"] == "Các công chức\nchuyên môn" and cut["coordinating"] == "Văn phòng"
    assert "row_joined_across_page" in rows[3].notes
    assert rows[4].cells["lead"] == "Công chức Văn hóa\n- Xã hội"


def test_one_cell_per_line_reads_every_table():
    grid = read_txt(TWO_TABLES)
    assert len(grid.tables) == 2
    rows = task_rows(grid)
    assert [(r.section_number, r.cells["number"]) for r in rows] == [("I", "1"), ("I", "2"), ("II", "1"), ("II", "2")]
    assert rows[2].section_title == "NHIỆM VỤ CẢI CÁCH THỦ TỤC HÀNH CHÍNH"  # the title above the second header
    assert rows[1].cells["deadline"] == "Tháng 11/2026"
    assert any(line.startswith("Các nhiệm vụ trên") for line in grid.body)  # the sentence between stays body


def test_documents_pasted_together_are_read_each_in_its_layout():
    text = PDF_TEXT + "\nNơi nhận:\n- Như trên;\n" + PIPE_DOC + "\n" + TWO_TABLES
    rows = task_rows(read_txt(text))
    assert len(rows) == 5 + 2 + 4
    assert [r.cells["content"][:12] for r in rows[5:7]] == ["Công khai dự", "Công khai qu"]
    assert rows[5].section_title == "CÁC NHIỆM VỤ VỀ CẢI CÁCH TÀI CHÍNH CÔNG"
    assert rows[4].cells["deadline"] == "Hằng quý"  # the PDF table ends where the next document starts
    assert rows[-1].cells["content"] == "Khảo sát mức độ hài lòng của người dân"
    # the same text twice over: twice the rows, nothing merged across the copies
    assert len(task_rows(read_txt(text + "\n" + text))) == 2 * len(rows)


def test_a_count_at_the_start_of_a_line_is_no_row_number():
    text = LINE_CELLS.replace("Quý IV/2025", "01 năm 2 lần (6 tháng/lần)")
    rows = task_rows(read_txt(text))
    assert len(rows) == 2 and rows[1].cells["deadline"] == "01 năm 2 lần (6 tháng/lần)"
