"""normalise.metadata.extract_document: the document's particulars from its running text."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.normalise.metadata import extract_document

_spec = importlib.util.spec_from_file_location("_seed_helpers", Path(__file__).with_name("test_body.py"))
seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seeds)  # type: ignore[union-attr]

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------"]


def meta(lines):
    return extract_document(lines)


# ---------------------------------------------------------------- headers beyond the seeds

def test_district_plan_one_cell_per_line():
    m = meta(["ỦY BAN NHÂN DÂN", "HUYỆN MAI SƠN", "-------", *MOTTO, "Số: 15/KH-UBND",
              "Mai Sơn, ngày 05 tháng 01 năm 2023", "KẾ HOẠCH", "CẢI CÁCH HÀNH CHÍNH HUYỆN MAI SƠN NĂM 2023",
              "Căn cứ Kế hoạch số 189/KH-UBND ngày 23/12/2022 của UBND tỉnh Sơn La;",
              "Ủy ban nhân dân huyện Mai Sơn ban hành Kế hoạch cải cách hành chính năm 2023 như sau:",
              "I. MỤC ĐÍCH, YÊU CẦU", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
              "Lò Văn Mừng"])
    assert m.number == "15/KH-UBND"
    assert m.kind == "Kế hoạch"
    assert m.issuer == "Ủy ban nhân dân huyện Mai Sơn"
    assert m.place == "Mai Sơn"
    assert m.issued_date == date(2023, 1, 5)
    assert m.signer == "Lò Văn Mừng"
    assert m.title == "Kế hoạch cải cách hành chính huyện Mai Sơn năm 2023"
    assert m.plan_year == 2023


def test_district_header_as_layout_rows_left_column_continues():
    # a PDF reader keeps the two header columns side by side, row by row
    m = meta(["ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |",
              "HUYỆN MAI SƠN | Độc lập - Tự do - Hạnh phúc |",
              "Số: 15/KH-UBND | Mai Sơn, ngày 05 tháng 01 năm 2023 |",
              "KẾ HOẠCH", "Cải cách hành chính năm 2023"])
    assert m.issuer == "Ủy ban nhân dân huyện Mai Sơn"
    assert (m.number, m.kind, m.place, m.issued_date) == ("15/KH-UBND", "Kế hoạch", "Mai Sơn", date(2023, 1, 5))
    assert m.title == "Kế hoạch cải cách hành chính năm 2023"


def test_commune_plan():
    m = meta(["ỦY BAN NHÂN DÂN", "XÃ CHIỀNG MUNG", "-------", *MOTTO, "Số: 03/KH-UBND",
              "Chiềng Mung, ngày 10 tháng 01 năm 2024", "KẾ HOẠCH", "CẢI CÁCH HÀNH CHÍNH NĂM 2024",
              "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Cầm Văn Hùng"])
    assert m.issuer == "Ủy ban nhân dân xã Chiềng Mung"
    assert m.place == "Chiềng Mung"
    assert m.issued_date == date(2024, 1, 10)
    assert m.signer == "Cầm Văn Hùng"
    assert m.plan_year == 2024


def test_department_under_its_province():
    m = meta(["UBND TỈNH ĐIỆN BIÊN", "SỞ TƯ PHÁP", "-------", *MOTTO, "Số: 12/KH-STP",
              "Điện Biên, ngày 28 tháng 12 năm 2022", "KẾ HOẠCH", "CẢI CÁCH HÀNH CHÍNH NĂM 2023",
              "Thực hiện Kế hoạch số 4512/KH-UBND của UBND tỉnh, Sở Tư pháp ban hành Kế hoạch như sau:",
              "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(Đã ký)", "Nguyễn Thị Hoa"])
    assert m.issuer == "Sở Tư pháp tỉnh Điện Biên"
    assert m.kind == "Kế hoạch"
    assert m.number == "12/KH-STP"
    assert m.place == "Điện Biên"
    assert m.signer == "Nguyễn Thị Hoa"
    assert m.plan_year == 2023


def test_department_in_one_docx_cell_with_its_number():
    m = meta(["UBND TỈNH BÀ RỊA - VŨNG TÀU SỞ KẾ HOẠCH VÀ ĐẦU TƯ ------- Số: 45/KH-SKHĐT | CỘNG HÒA XÃ HỘI CHỦ "
              "NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc --------------- Bà Rịa - Vũng Tàu, ngày 15 tháng 01 năm 2022",
              "KẾ HOẠCH", "THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2022",
              "Sở Kế hoạch và Đầu tư xây dựng kế hoạch như sau:"])
    assert m.issuer == "Sở Kế hoạch và Đầu tư tỉnh Bà Rịa - Vũng Tàu"
    assert m.number == "45/KH-SKHĐT"
    assert m.place == "Bà Rịa - Vũng Tàu"
    assert m.issued_date == date(2022, 1, 15)
    assert m.title == "Kế hoạch thực hiện công tác cải cách hành chính năm 2022"


def test_division_under_a_district():
    m = meta(["UBND HUYỆN THỌ XUÂN", "PHÒNG NỘI VỤ", "-------", *MOTTO, "Số: 02/KH-PNV",
              "Thọ Xuân, ngày 06 tháng 01 năm 2022", "KẾ HOẠCH", "CẢI CÁCH HÀNH CHÍNH NĂM 2022",
              "TRƯỞNG PHÒNG", "Lê Văn Tâm"])
    assert m.issuer == "Phòng Nội vụ huyện Thọ Xuân"
    assert m.signer == "Lê Văn Tâm"


def test_city_decision_issuing_a_plan():
    m = meta(["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "-------", *MOTTO, "Số: 399/QĐ-UBND",
              "Hà Nội, ngày 20 tháng 01 năm 2022", "QUYẾT ĐỊNH", "VỀ VIỆC BAN HÀNH KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH "
              "NHÀ NƯỚC NĂM 2022 CỦA THÀNH PHỐ HÀ NỘI", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
              "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;", "QUYẾT ĐỊNH:",
              "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính nhà nước năm 2022 của thành "
              "phố Hà Nội.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Chử Xuân Dũng"])
    assert m.kind == "Quyết định"
    assert m.issuer == "Ủy ban nhân dân thành phố Hà Nội"
    assert m.place == "Hà Nội"
    assert m.signer == "Chử Xuân Dũng"
    assert m.title == "Kế hoạch cải cách hành chính nhà nước năm 2022 của thành phố Hà Nội"
    assert m.plan_year == 2022


def test_town_with_blank_day_and_name_on_the_signature_line():
    m = meta(["ỦY BAN NHÂN DÂN THỊ XÃ NGHI SƠN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |",
              "Số: /KH-UBND | Nghi Sơn, ngày      tháng 12 năm 2022 |", "KẾ HOẠCH",
              "CẢI CÁCH HÀNH CHÍNH THỊ XÃ NGHI SƠN NĂM 2023", "Nội dung thị xã Nghi Sơn.",
              "Nơi nhận: - Như trên; - Lưu: VT. | KT. CHỦ TỊCH PHÓ CHỦ TỊCH Mai Xuân Liêm |"])
    assert m.number is None  # a draft without its number yet
    assert m.kind == "Kế hoạch"
    assert m.issuer == "Ủy ban nhân dân thị xã Nghi Sơn"
    assert m.place == "Nghi Sơn"
    assert m.issued_date is None
    assert m.signer == "Mai Xuân Liêm"
    assert m.title == "Kế hoạch cải cách hành chính thị xã Nghi Sơn năm 2023"
    assert m.plan_year == 2023


def test_no_header_department_found_from_text_and_province():
    m = meta(["KẾ HOẠCH", "Thực hiện công tác cải cách hành chính năm 2024",
              "Thực hiện Quyết định số 10/QĐ-UBND ngày 02/01/2024 của UBND tỉnh Lào Cai.",
              "Sở Y tế ban hành Kế hoạch thực hiện công tác CCHC năm 2024 như sau:",
              "Các bệnh viện trên địa bàn tỉnh Lào Cai thực hiện.", "GIÁM ĐỐC", "Hà Văn Thắng"])
    assert m.issuer == "Sở Y tế tỉnh Lào Cai"
    assert (m.number, m.place, m.issued_date) == (None, None, None)
    assert m.kind == "Kế hoạch"
    assert m.title == "Kế hoạch thực hiện công tác cải cách hành chính năm 2024"
    assert m.signer == "Hà Văn Thắng"
    assert m.plan_year == 2024


def test_province_from_authority_line_when_header_is_short():
    m = meta(["ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |",
              "Số: 120/QĐ-UBND | Đắk Lắk, ngày 14 tháng 01 năm 2021 |",
              "BAN HÀNH KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2021", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
              "Căn cứ Nghị quyết số 76/NQ-CP.", "| CHỦ TỊCH |"])
    assert m.issuer == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert m.kind == "Quyết định"
    assert m.issued_date == date(2021, 1, 14)
    assert m.signer is None
    assert m.title == "Kế hoạch cải cách hành chính năm 2021"


def test_title_casing_restored_from_the_text():
    m = meta(["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", *MOTTO, "Số: 88/KH-UBND", "Quảng Ninh, ngày 30 tháng 12 năm 2022",
              "KẾ HOẠCH", "TRIỂN KHAI ĐỀ ÁN 06 VỀ CHUYỂN ĐỔI SỐ TRÊN ĐỊA BÀN TỈNH QUẢNG NINH NĂM 2023",
              "Thực hiện Đề án 06 của Chính phủ, UBND tỉnh Quảng Ninh ban hành kế hoạch.",
              "Tiếp tục triển khai Đề án 06 tại tỉnh Quảng Ninh."])
    assert m.title == "Kế hoạch triển khai Đề án 06 về chuyển đổi số trên địa bàn tỉnh Quảng Ninh năm 2023"
    assert m.issuer == "Ủy ban nhân dân tỉnh Quảng Ninh"


def test_acronym_in_title_kept_and_plan_year_from_issue_date():
    m = meta(["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", *MOTTO, "Số: 300/KH-UBND", "Hà Giang, ngày 20 tháng 11 năm 2023",
              "KẾ HOẠCH", "KIỂM TRA CÔNG TÁC CCHC", "Kiểm tra công tác CCHC tại các cơ quan.",
              "Công tác CCHC năm tới."])
    assert m.title == "Kế hoạch kiểm tra công tác CCHC"
    assert m.plan_year == 2024  # issued in late autumn for the coming year


def test_site_box_only_as_a_fallback():
    m = meta(["Số hiệu: | 128/KH-UBND", "Người ký: | Trần Văn B", "Ngày ban hành: | 21/05/2021",
              "ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", *MOTTO, "Số: 130/KH-UBND", "Sơn La, ngày 22 tháng 5 năm 2021",
              "KẾ HOẠCH", "TRIỂN KHAI ĐỀ ÁN", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Hoàng Quốc Khánh",
              "TP. HCM, ngày 31/05/2021"])
    assert (m.number, m.issued_date, m.signer) == ("130/KH-UBND", date(2021, 5, 22), "Hoàng Quốc Khánh")
    bare = meta(["Số hiệu: | 128/KH-UBND", "Loại văn bản: | Kế hoạch", "Người ký: | Trần Văn Bình",
                 "Ngày ban hành: | 21/05/2021", "Nội dung văn bản."])
    assert (bare.number, bare.kind, bare.signer, bare.issued_date) == (
        "128/KH-UBND", "Kế hoạch", "Trần Văn Bình", date(2021, 5, 21))


def test_nothing_known_gives_nulls():
    m = meta(["Một đoạn văn bản bất kỳ.", "Không có tiêu đề."])
    assert m.to_dict() == {"number": None, "kind": None, "issuer": None, "place": None, "issued_date": None,
                           "signer": None, "title": None, "plan_year": None}
    assert meta([]).to_dict()["number"] is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), st.sampled_from(
    ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số:", "189/KH-UBND", "KẾ HOẠCH",
     "Sơn La, ngày 31 tháng 2 năm 2020", "CHỦ TỊCH", "|", "UBND TỈNH", "SỞ", "Sở Nội vụ ban hành kế hoạch",
     "ngày 99 tháng 99 năm 9999", "Người ký:", "KẾ HOẠCH Ư"])), max_size=30))
def test_never_raises(lines):
    m = extract_document(lines)
    assert m.plan_year is None or isinstance(m.plan_year, int)


def test_a_hundred_plans_in_one_text():
    base = ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", *MOTTO, "Số: 1/KH-UBND", "KẾ HOẠCH", "CẢI CÁCH", "CHỦ TỊCH",
            "Nguyễn Văn An"] + ["- Nội dung kế hoạch số 1 của tỉnh Sơn La đạt 100%; CHỦ TỊCH ỦY BAN"] * 300
    lines = base * 100
    assert extract_document(lines).number == "1/KH-UBND"


# ---------------------------------------------------------------- seeds against gold

FIELDS = ("number", "kind", "issuer", "issued_date", "signer", "plan_year", "place", "title")


@pytest.mark.parametrize("stem", seeds.SEED_NAMES or ["none"])
def test_seed_document_matches_gold(stem):
    seeds.need_seeds()
    got = extract_document(seeds.seed_body_lines(stem)).to_dict()
    want = seeds.gold(stem)["document"]
    assert {k: got[k] for k in FIELDS} == {k: want[k] for k in FIELDS}


def test_city_names_and_department_naming_its_province():
    m = meta(["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH", "-------", *MOTTO, "Số: 1234/KH-UBND",
              "Thành phố Hồ Chí Minh, ngày 5 tháng 1 năm 2023", "KẾ HOẠCH", "CẢI CÁCH HÀNH CHÍNH NĂM 2023"])
    assert m.issuer == "Ủy ban nhân dân thành phố Hồ Chí Minh"
    assert m.place == "Thành phố Hồ Chí Minh"
    assert m.issued_date == date(2023, 1, 5)
    m = meta(["SỞ NỘI VỤ TỈNH SƠN LA", "-------", *MOTTO, "Số: 9/KH-SNV", "TP. Sơn La, ngày 9 tháng 1 năm 2023"])
    assert m.issuer == "Sở Nội vụ tỉnh Sơn La"
    assert m.place == "TP. Sơn La"


def test_convention_casing_of_departments_without_a_spelling_in_the_text():
    m = meta(["UBND TỈNH NGHỆ AN", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "-------", *MOTTO])
    assert m.issuer == "Sở Lao động - Thương binh và Xã hội tỉnh Nghệ An"
    m = meta(["UBND HUYỆN QUỲNH LƯU", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "-------", *MOTTO])
    assert m.issuer == "Phòng Tài chính - Kế hoạch huyện Quỳnh Lưu"


def test_decision_with_subject_line_in_ordinary_case_and_numeric_date():
    m = meta(["ỦY BAN NHÂN DÂN", "TỈNH YÊN BÁI", *MOTTO, "Số: 77/QĐ-UBND", "Yên Bái, ngày 12/01/2023",
              "QUYẾT ĐỊNH", "Về việc ban hành Kế hoạch cải cách hành chính tỉnh Yên Bái năm 2023",
              "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "Căn cứ Luật Tổ chức chính quyền địa phương;",
              "Q. CHỦ TỊCH", "Trần Huy Tuấn"])
    assert (m.kind, m.issued_date, m.signer) == ("Quyết định", date(2023, 1, 12), "Trần Huy Tuấn")
    assert m.title == "Kế hoạch cải cách hành chính tỉnh Yên Bái năm 2023"
    assert m.plan_year == 2023
