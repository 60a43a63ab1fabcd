"""normalise.targets.extract_targets: the quantified targets a plan commits to."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.body import paragraphs
from dondoc.importer.normalise.targets import extract_targets

_spec = importlib.util.spec_from_file_location("_seed_helpers", Path(__file__).with_name("test_body.py"))
seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seeds)  # type: ignore[union-attr]


def got(*paras, tasks=()):
    return [(t.text, t.value, t.unit, t.comparator) for t in extract_targets(list(paras), list(tasks))]


def vals(*paras, tasks=()):
    return [(t.value, t.unit, t.comparator) for t in extract_targets(list(paras), list(tasks))]


# ---------------------------------------------------------------- clauses beyond the seeds

def test_floor_with_tro_len():
    assert got("- Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.") == [
        ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên", 98, "%", ">=")]


def test_ceiling_in_working_days():
    assert got("Rút ngắn thời gian giải quyết thủ tục đăng ký doanh nghiệp xuống còn không quá 02 ngày làm việc.") == [
        ("Rút ngắn thời gian giải quyết thủ tục đăng ký doanh nghiệp xuống còn không quá 02 ngày làm việc", 2,
         "ngày làm việc", "<=")]


def test_below_a_share():
    assert vals("Tỷ lệ hồ sơ trễ hạn dưới 1%; tỷ lệ hồ sơ phải xin lỗi giảm còn dưới 0,5%.") == [
        (1, "%", "<="), (0.5, "%", "<=")]


def test_waiting_minutes_and_minimum_per_dossier():
    para = "Thời gian chờ đợi của người dân tối đa 20 phút/lượt; thời gian tiếp nhận tối thiểu 15 phút/hồ sơ."
    assert vals(para) == [(20, "phút", "<="), (15, "phút", ">=")]


def test_all_of_them_is_equal_and_decimal_comma():
    assert got("b) 100% cán bộ, công chức cấp xã được bồi dưỡng kiến thức CCHC; 99,5% hồ sơ đúng hạn.") == [
        ("100% cán bộ, công chức cấp xã được bồi dưỡng kiến thức CCHC", 100, "%", "="),
        ("99,5% hồ sơ đúng hạn", 99.5, "%", ">=")]


def test_rank_group_and_range():
    assert vals("Phấn đấu Chỉ số CCHC của tỉnh thuộc nhóm 20 tỉnh, thành phố dẫn đầu cả nước.") == [
        (20, "hạng", "<=")]
    assert vals("Phấn đấu Chỉ số SIPAS xếp hạng từ 10 đến 15 cả nước.") == [(10, "hạng", ">="), (15, "hạng", "<=")]


def test_percentage_range():
    assert vals("Mức độ hài lòng của người dân đạt từ 85-90%.") == [(85, "%", ">="), (90, "%", "<=")]


def test_counts_with_and_without_a_comparator_word():
    assert vals("Tổ chức ít nhất 02 lớp tập huấn nghiệp vụ cho công chức một cửa.") == [(2, "lớp", ">=")]
    assert vals("Thực hiện kiểm tra công tác CCHC tại 12 cơ quan, đơn vị.") == [(12, "cơ quan", "=")]
    assert vals("Phấn đấu có thêm 05 mô hình, sáng kiến CCHC được công nhận.") == [(5, "mô hình", ">=")]
    assert vals("Tổ chức 03 lớp tập huấn.") == []  # a count of activities, not a target


def test_thousands_dot():
    assert vals("Năng suất của mỗi công chức một cửa tối thiểu 2.000 hồ sơ/năm.") == [(2000, "hồ sơ", ">=")]


def test_above_and_more_than():
    assert vals("Kiểm tra trên 30% cơ quan; hơn 50% dịch vụ công có phát sinh hồ sơ trực tuyến.") == [
        (30, "%", ">="), (50, "%", ">=")]


def test_subject_then_colon_list_and_trong_do():
    assert got("Sử dụng chữ ký số cho cán bộ, công chức, viên chức các cấp trên địa bàn tỉnh: 100% lãnh đạo sở, "
               "70% công chức cấp huyện được cấp chữ ký số trong đó 50% thường xuyên sử dụng.") == [
        ("100% lãnh đạo sở", 100, "%", "="),
        ("70% công chức cấp huyện được cấp chữ ký số", 70, "%", ">="),
        ("trong đó 50% thường xuyên sử dụng", 50, "%", ">=")]


def test_commitment_verb_starts_a_long_clause():
    assert got("Đổi mới phương thức quản lý, nâng cao chất lượng đội ngũ công chức xã, phấn đấu 90% công chức "
               "xã đạt chuẩn.") == [("phấn đấu 90% công chức xã đạt chuẩn", 90, "%", ">=")]


def test_continuation_shares_text_and_comparator():
    out = got("Năng suất tiếp nhận của 01 công chức trong 01 năm tối thiểu: khu vực đô thị 2.000 hồ sơ; "
              "khu vực nông thôn 1.500 hồ sơ.")
    text = "Năng suất tiếp nhận của 01 công chức trong 01 năm tối thiểu: khu vực đô thị 2.000 hồ sơ; " \
           "khu vực nông thôn 1.500 hồ sơ"
    assert out == [(text, 2000, "hồ sơ", ">="), (text, 1500, "hồ sơ", ">=")]


def test_parenthesised_second_target():
    t = "Tỷ lệ viên chức hoàn thành tốt nhiệm vụ đạt 85% (trong đó, hoàn thành xuất sắc đạt 10%)"
    assert got(t + ".") == [(t, 85, "%", ">="), (t, 10, "%", ">=")]


def test_references_are_not_targets():
    assert got("Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 và Quyết định số 1380/QĐ-TTg; triển khai dịch "
               "vụ công trực tuyến mức độ 3, 4 giai đoạn 2021-2030; Điều 3 khoản 2; tổ chức hội nghị lần thứ 4.",
               "Căn cứ Luật số 47/2019/QH14 (đạt 100%);", "III. NHIỆM VỤ NĂM 2022",
               "Nội dung bảo đảm toàn diện trên 6 lĩnh vực; duy trì hội nghị trực tuyến 3 cấp; (1) Cải cách thể chế.",
               "- Báo cáo Quý I/2021: thời gian chốt số liệu tính từ ngày 15/12/2020 đến ngày 14/3/2021.",
               "Tiêu chuẩn TCVN ISO 9001:2015; Kế hoạch số 93/KH-UBND ngày 09/5/2018.") == []


def test_past_results_are_not_targets():
    assert got("Năm 2022, tỷ lệ hồ sơ giải quyết đúng hạn đã đạt 98,7%.",
               "Kết quả đạt được 95% sự hài lòng.") == []


def test_subject_cut_from_its_predicate_takes_it_back():
    t = ("100% các văn bản về phòng, chống tham nhũng; thực hành tiết kiệm, chống lãng phí được tuyên truyền "
         "đến công chức")
    assert got("- " + t + ".") == [(t, 100, "%", "=")]


def test_body_duplicates_kept_task_cells_only_when_the_body_has_none():
    body = ["1.2. 100% hồ sơ đủ điều kiện được giải quyết trực tuyến.",
            "b) Duy trì tỷ lệ đúng hạn từ 98% trở lên; 100% hồ sơ đủ điều kiện được giải quyết trực tuyến."]
    tasks = ["Duy trì tỷ lệ đúng hạn từ 98% trở lên", "Tổ chức kiểm tra 50% xã"]
    assert vals(*body, tasks=tasks) == [(100, "%", "="), (98, "%", ">="), (100, "%", "=")]
    # no target in the body: the task cells', an output echoing its task's target only once
    tasks = ["Số hóa kết quả giải quyết TTHC đạt tối thiểu 30% vào năm 2025", "Số hóa kết quả giải quyết TTHC đạt 30%",
             "Triển khai số hóa tại 50% Bộ phận Một cửa cấp huyện và 30% cấp xã"]
    assert vals("Mục đích, yêu cầu.", tasks=tasks) == [(30, "%", ">="), (50, "%", ">="), (30, "%", ">=")]


def test_junk_input():
    assert extract_targets([]) == []
    assert extract_targets(None, None) == []  # type: ignore[arg-type]
    assert extract_targets([None, 5, ""], [None]) == []  # type: ignore[list-item]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=100), st.sampled_from(
    ["100%", "đạt tối thiểu 85%;", "từ 25-30", "1.600 hồ sơ; vùng 1.200 hồ sơ", "(trong đó, 15%", ")", "(",
     "tối đa 15 phút/01 lượt", "trong nhóm 999-1000", ": 1", "nhóm từ", "99,99 %", "9" * 400])),
    max_size=15), st.lists(st.text(max_size=60), max_size=5))
def test_never_raises(paras, tasks):
    for t in extract_targets(paras, tasks):
        assert t.comparator in (">=", "<=", "=") and t.text and isinstance(t.value, float)


def test_long_repetitive_text():
    para = ("Phấn đấu 100% hồ sơ được giải quyết đúng hạn; mức độ hài lòng đạt tối thiểu 90% (trong đó, "
            "lĩnh vực đất đai đạt 85%); vùng sâu 800 hồ sơ")
    assert len(extract_targets([para] * 3000)) == 12000
    giant = "; ".join([para] * 2000)  # one enormous paragraph
    assert len(extract_targets([giant])) >= 6000


# ---------------------------------------------------------------- seeds against gold

def _scorer():
    path = seeds.SHARED / "benchmark" / "score.py"
    if not path.exists():
        pytest.skip(f"scorer not found at {path}")
    spec = importlib.util.spec_from_file_location("_benchmark_score", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_benchmark_score", mod)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _seed_targets(stem):
    g = seeds.gold(stem)
    cells = [x for t in g["tasks"] for x in (t["content"], t["output"])]  # the task table's text cells
    return [t.to_dict() for t in extract_targets(paragraphs(seeds.seed_body_lines(stem)), cells)]


@pytest.mark.parametrize("stem", seeds.SEED_NAMES or ["none"])
def test_seed_targets(stem):
    seeds.need_seeds()
    score = _scorer()
    tp, fp, fn = score.score_targets(seeds.gold(stem)["targets"], _seed_targets(stem))
    assert score.f1(tp, fp, fn) >= 0.9, (tp, fp, fn)


def test_seed_targets_overall():
    seeds.need_seeds()
    score = _scorer()
    tp = fp = fn = 0
    for stem in seeds.SEED_NAMES:
        a, b, c = score.score_targets(seeds.gold(stem)["targets"], _seed_targets(stem))
        tp, fp, fn = tp + a, fp + b, fn + c
    assert score.f1(tp, fp, fn) >= 0.95, (tp, fp, fn)


def test_results_section_of_last_year_states_no_targets():
    body = ["I. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2022",
            "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%; mức độ hài lòng đạt 92%.",
            "II. MỤC TIÊU, CHỈ TIÊU NĂM 2023", "1. Kết quả giải quyết hồ sơ đúng hạn đạt trên 99%.",
            "2. Tồn tại, hạn chế", "Còn 2% hồ sơ trễ hạn.", "3. Chỉ tiêu", "- Mức độ hài lòng đạt tối thiểu 95%."]
    assert vals(*body) == [(99, "%", ">="), (95, "%", ">=")]


def test_scopes_after_a_comma_stay_in_one_clause_and_past_counts_are_skipped():
    t = ("Thực hiện số hóa kết quả giải quyết TTHC đạt 100% đối với cấp tỉnh, 80% đối với cấp huyện và 60% đối "
         "với cấp xã")
    assert got(t + ".") == [(t, 100, "%", "="), (t, 80, "%", ">="), (t, 60, "%", ">=")]
    assert got("Năm 2022, toàn tỉnh đã tiếp nhận 15.234 hồ sơ.") == []
    assert vals("Chỉ số CCHC của tỉnh tăng ít nhất 03 bậc so với năm 2022.") == [(3, "bậc", ">=")]


def test_a_body_with_one_target_still_takes_the_table_ones():
    assert vals("Phấn đấu 100% hồ sơ đúng hạn.", tasks=["Phấn đấu 100% hồ sơ được giải quyết đúng hạn",
                                                        "Số hóa tối thiểu 30% kết quả giải quyết TTHC"]) == [
        (100, "%", "="), (30, "%", ">=")]
