"""body.paragraphs: hard-wrapped running text back into paragraphs.

Also home of the seed helpers the other normaliser tests load (`seed_body_lines`,
`gold`): they build a document's running text the way a reader delivers it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.body import paragraphs
from dondoc.importer.text import fold

# ---------------------------------------------------------------- seed helpers (tests only)

_SHARED_CANDIDATES = [Path(__file__).resolve().parents[3] / "shared", Path(__file__).resolve().parents[2] / "shared"]
SHARED = next((p for p in _SHARED_CANDIDATES if (p / "seeds").is_dir()), _SHARED_CANDIDATES[0])
SEEDS = SHARED / "seeds"
GOLD = SHARED / "benchmark" / "gold"
SEED_NAMES = sorted(p.stem for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []

_APPENDIX = re.compile(r"^(PHỤ LỤC|Phụ lục)\b")
_TABLE_ROW = re.compile(r"^\s*(?:\d+\.?|TT|STT)\s*\|")  # a task-table row in the " | " layout


def need_seeds() -> None:
    if not SEED_NAMES or not GOLD.is_dir():
        pytest.skip(f"seed documents and gold answers not found under {SHARED} (../shared/seeds, "
                    "../shared/benchmark/gold): seed tests skipped")


def seed_body_lines(stem: str) -> list[str]:
    """A seed's running text outside its task tables, as a reader gives it: no blank lines, no lone
    "|" lines, the appendix table (from the "PHỤ LỤC" line on) and " | " table rows cut out."""
    out = []
    for line in (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if not s or s == "|":
            continue
        if _APPENDIX.match(s) and len(s) < 40:
            break
        if _TABLE_ROW.match(s):
            continue
        out.append(line)
    return out


def gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- paragraphs

def test_wrapped_lines_are_rejoined():
    lines = [
        "- Tiếp tục đẩy mạnh triển khai thực",
        "hiện có hiệu quả định hướng CCHC nhà nước giai đoạn 2021- 2030 theo Báo cáo số",
        "348/BC-UBND ngày 17/9/2020.",
        "- Xây dựng hệ thống các cơ quan hành",
        "chính nhà nước của tỉnh trong sạch, vững mạnh.",
    ]
    assert paragraphs(lines) == [
        "- Tiếp tục đẩy mạnh triển khai thực hiện có hiệu quả định hướng CCHC nhà nước giai đoạn 2021- 2030 "
        "theo Báo cáo số 348/BC-UBND ngày 17/9/2020.",
        "- Xây dựng hệ thống các cơ quan hành chính nhà nước của tỉnh trong sạch, vững mạnh.",
    ]


def test_headings_split_and_wrapped_headings_join():
    lines = ["II. NHIỆM VỤ CẢI", "CÁCH HÀNH CHÍNH", "1. Cải cách thể", "chế", "- Xây dựng và ban hành VBQPPL.",
             "2. Cải cách thủ tục", "hành chính", "a) Chỉ tiêu", "- 100% văn bản QPPL được rà soát."]
    assert paragraphs(lines) == ["II. NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", "1. Cải cách thể chế",
                                 "- Xây dựng và ban hành VBQPPL.", "2. Cải cách thủ tục hành chính", "a) Chỉ tiêu",
                                 "- 100% văn bản QPPL được rà soát."]


def test_short_heading_then_capitalised_text_is_two_paragraphs():
    lines = ["1. Mục đích", "Triển khai toàn diện, đồng bộ Chương trình tổng thể.", "5. Sở Tài chính",
             "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan.", "1. Giao Sở Nội vụ chủ trì, phối hợp với",
             "Văn phòng UBND tỉnh tổng hợp."]
    assert paragraphs(lines) == ["1. Mục đích", "Triển khai toàn diện, đồng bộ Chương trình tổng thể.",
                                 "5. Sở Tài chính", "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan.",
                                 "1. Giao Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND tỉnh tổng hợp."]


def test_one_paragraph_per_line_stays_so():
    lines = ["Căn cứ Luật Tổ chức chính quyền địa phương năm 2015;", "Căn cứ Công văn số 6459/BNV-CCHC;",
             "QUYẾT ĐỊNH:", "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.", "Điều 2. Giao Sở Nội vụ."]
    assert paragraphs(lines) == lines


def test_words_that_look_like_markers_inside_a_sentence():
    # "điều", "chương" and a legal number starting a wrapped line do not open a paragraph
    lines = ["- Nghị định số 34/2016/NĐ-CP quy định chi tiết một số", "điều và biện pháp thi hành.",
             "- Tổ chức thực hiện có hiệu quả các", "chương trình, đề án do UBND tỉnh giao.",
             "- 100% hồ sơ trễ hạn được xin lỗi theo Nghị định số", "61/2018/NĐ-CP.",
             "- Kinh tế thị trường và phát triển kinh tế", "- xã hội của tỉnh."]
    assert paragraphs(lines) == [
        "- Nghị định số 34/2016/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành.",
        "- Tổ chức thực hiện có hiệu quả các chương trình, đề án do UBND tỉnh giao.",
        "- 100% hồ sơ trễ hạn được xin lỗi theo Nghị định số 61/2018/NĐ-CP.",
        "- Kinh tế thị trường và phát triển kinh tế - xã hội của tỉnh.",
    ]


def test_semicolon_then_target_keeps_the_list_together():
    lines = ["- 100% văn bản QPPL phát hiện sai phạm qua kiểm tra được kiến nghị xử lý;",
             "100% văn bản QPPL được kiến nghị xử lý sau rà soát.", "+ Mục con thứ nhất;", "+ Mục con thứ hai."]
    assert paragraphs(lines) == [
        "- 100% văn bản QPPL phát hiện sai phạm qua kiểm tra được kiến nghị xử lý; "
        "100% văn bản QPPL được kiến nghị xử lý sau rà soát.", "+ Mục con thứ nhất;", "+ Mục con thứ hai."]


def test_thousands_and_years_at_line_start_are_not_headings():
    lines = ["Phấn đấu năng suất tối thiểu:", "1.600 hồ sơ mỗi năm và giai đoạn", "2021-2025 tiếp theo."]
    assert paragraphs(lines) == ["Phấn đấu năng suất tối thiểu: 1.600 hồ sơ mỗi năm và giai đoạn 2021-2025 tiếp theo."]


def test_header_pieces_and_layout_rows():
    lines = ["ỦY", "BAN NHÂN DÂN", "TỈNH KIÊN GIANG", "-------", "CỘNG", "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "Số: 5347/QĐ-UBND | Thanh Hóa, ngày 24 tháng 12 năm 2021 |", "KẾ HOẠCH",
             "CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2021", "Căn cứ Nghị quyết số 30c/NQ-CP ngày",
             "08 tháng 11 năm 2011 của Chính phủ.", "- Lưu: VT.", "TM.", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
             "Lâm Minh Thành"]
    assert paragraphs(lines) == [
        "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 5347/QĐ-UBND | Thanh Hóa, ngày 24 tháng 12 năm 2021 |",
        "KẾ HOẠCH CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2021",
        "Căn cứ Nghị quyết số 30c/NQ-CP ngày 08 tháng 11 năm 2011 của Chính phủ.", "- Lưu: VT.", "TM.",
        "ỦY BAN NHÂN DÂN CHỦ TỊCH", "Lâm Minh Thành"]


def test_subtitle_under_kind_heading():
    lines = ["KẾ HOẠCH", "Thực hiện công tác cải cách hành chính năm 2023",
             "Thực hiện Quyết định số 2697/QĐ-UBND ngày 23/12/2022 của UBND tỉnh", "về việc ban hành Kế hoạch."]
    assert paragraphs(lines) == ["KẾ HOẠCH", "Thực hiện công tác cải cách hành chính năm 2023",
                                 "Thực hiện Quyết định số 2697/QĐ-UBND ngày 23/12/2022 của UBND tỉnh về việc "
                                 "ban hành Kế hoạch."]


def test_white_space_folded_and_nfc():
    decomposed = unicodedata.normalize("NFD", "Sở Nội vụ")
    assert paragraphs([f"  {decomposed}\u00a0 chủ   trì\t", "|", "", "   "]) == ["Sở Nội vụ chủ trì"]


def test_empty_and_junk_input():
    assert paragraphs([]) == []
    assert paragraphs(["", "|", "   ", "-------"]) == []
    assert paragraphs(None) == []  # type: ignore[arg-type]
    assert paragraphs([None, 3, "Văn bản."]) == ["Văn bản."]  # type: ignore[list-item]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=40))
def test_never_raises_and_keeps_the_words(lines):
    out = paragraphs(lines)
    assert all(isinstance(p, str) and p and p == p.strip() for p in out)
    words_in = {w for line in lines for w in fold(line).split(" ")}
    assert all(w in words_in for p in out for w in p.split(" "))


def test_a_long_document_is_read_whole():
    base = ["- Tiếp tục đẩy mạnh triển khai thực", "hiện có hiệu quả định hướng CCHC nhà nước", "giai đoạn 2021-2030"]
    lines = base * 20000  # 60,000 lines: a quadratic step would not finish (speed is measured by make bench-import)
    out = paragraphs(lines)
    assert len(out) == 20000
    assert out[0] == " ".join(base)


# ---------------------------------------------------------------- seeds

@pytest.mark.parametrize("stem", SEED_NAMES or ["none"])
def test_seed_paragraphs(stem):
    need_seeds()
    paras = paragraphs(seed_body_lines(stem))
    assert paras
    assert all(p == p.strip() and "  " not in p for p in paras)
    # every numbered heading or list item begins its own paragraph
    assert not any(re.search(r"\s- (?:Tiếp tục|Tăng cường) ", p) for p in paras)


def test_seed_001_pdf_wrapping():
    need_seeds()
    paras = paragraphs(seed_body_lines("001_9bde7478ca4ccc81"))
    assert "a) Chỉ tiêu" in paras
    assert ("- 100% văn bản QPPL phát hiện sai phạm qua kiểm tra được kiến nghị xử lý; 100% văn bản QPPL được "
            "kiến nghị xử lý sau rà soát.") in paras
    assert ("- Báo cáo Quý I/2023: thời gian chốt số liệu tính từ ngày 15/12/2022 đến trước ngày 14/3/2023."
            in paras)


def test_seed_002_web_wrapping():
    need_seeds()
    paras = paragraphs(seed_body_lines("002_3056cad089dd4c0e"))
    assert "II. NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH" in paras
    assert "7. Công tác chỉ đạo, điều hành" in paras
    assert ("- Phấn đấu đưa Chỉ số Cải cách hành chính (PAR INDEX) của tỉnh trong nhóm từ 25-30 các tỉnh, thành "
            "phố trực thuộc Trung ương.") in paras


def test_long_upper_case_runs_join():
    lines = ["CỘNG HÒA XÃ HỘI", "CHỦ NGHĨA VIỆT NAM"] * 20000
    assert len(paragraphs(lines)) == 1


def test_one_paragraph_per_line_reader_without_final_punctuation():
    long_text = "Tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân, doanh nghiệp " * 3
    lines = [long_text.strip() + ".", "- Tổ chức tập huấn nghiệp vụ cho công chức một cửa",
             "Công tác kiểm tra được tăng cường", "KẾ HOẠCH", "CẢI CÁCH HÀNH CHÍNH NĂM 2024",
             "Nội dung bị ngắt giữa câu và", "tiếp tục ở dòng sau."]
    assert paragraphs(lines) == [long_text.strip() + ".", "- Tổ chức tập huấn nghiệp vụ cho công chức một cửa",
                                 "Công tác kiểm tra được tăng cường", "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024",
                                 "Nội dung bị ngắt giữa câu và tiếp tục ở dòng sau."]
