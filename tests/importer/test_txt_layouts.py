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
