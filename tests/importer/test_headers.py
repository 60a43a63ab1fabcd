import pytest

from dondoc.importer.headers import field_of, header_fields, is_column_numbering


@pytest.mark.parametrize(("text", "field"), [
    ("TT", "number"), ("STT", "number"), ("Số TT", "number"), ("S TT", "number"),
    ("Nhiệm vụ cụ thể", "content"), ("NỘI DUNG", "content"), ("Nội dung thực hiện", "content"),
    ("Danh mục các hoạt động, nhiệm vụ", "content"), ("noi dung cong viec", "content"),
    ("Sản phẩm đầu ra", "output"), ("Kết quả/sản phẩm", "output"), ("SẢN\nPHẨM", "output"),
    ("Sản phẩm/Kết quả", "output"),
    ("Cơ quan chủ trì", "lead"), ("Đơn vị chủ trì tham mưu", "lead"), ("Cơ quan thực hiện", "lead"),
    ("CO QUAN CHU TRI", "lead"),
    ("Cơ quan phối hợp", "coordinating"), ("Đơn vị phối hợp", "coordinating"),
    ("Thời gian hoàn thành", "deadline"), ("THỜI GIAN BAN HÀNH", "deadline"), ("Thời hạn", "deadline"),
    ("Tiến độ thực hiện", "deadline"),
    ("Nguồn Kinh phí thực hiện", "funding"), ("Kinh phí", "funding"),
    ("Ghi chú", "note"), ("GHI\nCHÚ", "note"),
    ("Căn cứ Luật Tổ chức chính quyền địa phương năm 2015", None), ("", None),
])
def test_field_of(text, field):
    assert field_of(text) == field


def test_header_needs_content_and_support():
    assert header_fields(["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian"]) == [
        "number", "content", "lead", "deadline"]
    assert header_fields(["Thời gian", "Cơ quan chủ trì"]) is None  # no content column
    assert header_fields(["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]) is None


def test_any_column_order_and_duplicates():
    fields = header_fields(["Thời hạn", "Đơn vị phối hợp", "Nội dung", "Chủ trì", "Nội dung khác"])
    assert fields == ["deadline", "coordinating", "content", "lead", None]


def test_column_numbering_row():
    assert is_column_numbering(["(1)", "(2)", "(3)"])
    assert is_column_numbering(["1", "2", "3", "4"])
    assert not is_column_numbering(["1", "Ban hành kế hoạch"])
