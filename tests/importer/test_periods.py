"""normalise.periods.extract_report_periods: the plan's report periods and their dates."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.normalise.periods import extract_report_periods

_spec = importlib.util.spec_from_file_location("_seed_helpers", Path(__file__).with_name("test_body.py"))
seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seeds)  # type: ignore[union-attr]

RULE = ("Các cơ quan, đơn vị xây dựng báo cáo tình hình, kết quả CCHC hàng quý, 6 tháng, 9 tháng và năm, gửi về "
        "Sở Nội vụ trước ngày 15 của tháng cuối kỳ báo cáo. Thời gian chốt số liệu như sau:")


def rows(lines, year):
    return [(p.name, p.data_from, p.data_to, p.submit_by) for p in extract_report_periods(lines, year)]


def test_quarterly_rule_with_each_window():
    lines = [RULE,
             "- Báo cáo quý I/2024: thời gian chốt số liệu tính từ ngày 15/12/2023 đến ngày 14/3/2024.",
             "- Báo cáo quý II/2024: từ ngày 15/3/2024 đến ngày 14/6/2024.",
             "- Báo cáo quý IV năm 2024: từ ngày 15/9/2024 đến ngày 14/12/2024."]
    assert rows(lines, 2024) == [
        ("Quý I/2024", date(2023, 12, 15), date(2024, 3, 14), date(2024, 3, 14)),
        ("Quý II/2024", date(2024, 3, 15), date(2024, 6, 14), date(2024, 6, 14)),
        ("Quý IV/2024", date(2024, 9, 15), date(2024, 12, 14), date(2024, 12, 14)),
    ]


def test_nine_month_report():
    lines = [RULE, "- Báo cáo 9 tháng năm 2022: thời gian chốt số liệu từ ngày 15/12/2021 đến ngày 14/9/2022."]
    assert rows(lines, 2022) == [("9 tháng đầu năm 2022", date(2021, 12, 15), date(2022, 9, 14), date(2022, 9, 14))]


def test_leap_year_window_ending_before_the_first_of_march():
    lines = ["Báo cáo quý I/2024 gửi Sở Nội vụ chậm nhất ngày 05 của tháng cuối kỳ; số liệu tính từ ngày "
             "15/12/2023 đến trước ngày 01/3/2024."]
    assert rows(lines, 2024) == [("Quý I/2024", date(2023, 12, 15), date(2024, 2, 29), date(2024, 3, 5))]


def test_dates_in_words_and_years_left_out():
    lines = ["Thời gian chốt số liệu báo cáo 6 tháng đầu năm: tính từ ngày 15 tháng 12 năm trước kỳ báo cáo đến "
             "ngày 14 tháng 6 của kỳ báo cáo; báo cáo năm: từ ngày 15/12 năm trước đến ngày 14/12.",
             "Báo cáo gửi trước ngày 15 tháng cuối kỳ."]
    assert rows(lines, 2023) == [
        ("6 tháng đầu năm 2023", date(2022, 12, 15), date(2023, 6, 14), date(2023, 6, 14)),
        ("Năm 2023", date(2022, 12, 15), date(2023, 12, 14), date(2023, 12, 14)),
    ]


def test_own_submission_date_beats_the_rule():
    lines = [RULE, "- Báo cáo 6 tháng đầu năm 2022: số liệu từ ngày 15/12/2021 đến ngày 14/6/2022, gửi về Sở Nội vụ "
                   "trước ngày 20/6/2022.",
             "- Báo cáo năm 2022: số liệu từ 15/12/2021 đến 14/12/2022, gửi chậm nhất ngày 18/12/2022."]
    assert rows(lines, 2022) == [
        ("6 tháng đầu năm 2022", date(2021, 12, 15), date(2022, 6, 14), date(2022, 6, 19)),
        ("Năm 2022", date(2021, 12, 15), date(2022, 12, 14), date(2022, 12, 18)),
    ]


def test_unnamed_window_named_by_what_it_spans_and_no_rule_means_no_submit_date():
    lines = ["Thời gian chốt số liệu báo cáo: từ ngày 15/6/2025 đến ngày 14/9/2025.",
             "Số liệu báo cáo năm tính từ ngày 15/12/2024 đến ngày 14/12/2025."]
    assert rows(lines, None) == [("Quý III/2025", date(2025, 6, 15), date(2025, 9, 14), None),
                                 ("Năm 2025", date(2024, 12, 15), date(2025, 12, 14), None)]


def test_wrapped_period_lines():
    lines = ["hàng quý, 6 tháng và năm, gửi qua Văn phòng trước ngày 15 của tháng",
             "cuối kỳ báo cáo. Thời điểm chốt số liệu của từng loại báo cáo như sau:",
             "- Báo cáo Quý III/2023: thời gian chốt số liệu tính từ ngày 14/6/2023 đến",
             "trước ngày 14/9/2023."]
    assert rows(lines, 2023) == [("Quý III/2023", date(2023, 6, 14), date(2023, 9, 13), date(2023, 9, 14))]


def test_no_dated_periods():
    assert rows(["Định kỳ hàng quý, 6 tháng, 9 tháng, cả năm hoặc đột xuất báo cáo Chủ tịch UBND tỉnh.",
                 "Tổng hợp kết quả thực hiện và báo cáo Chủ tịch UBND tỉnh (qua Sở Nội vụ) trước 15/11/2022.",
                 "Thời gian thực hiện kế hoạch từ ngày 01/01/2022 đến ngày 31/12/2022."], 2022) == []
    assert rows([], 2022) == []
    assert rows(["Báo cáo quý I: từ ngày 15/12 đến ngày 14/3."], None) == []  # no year to date it by


def test_impossible_dates_are_dropped_not_raised():
    assert rows(["Báo cáo quý I/2023: số liệu từ ngày 15/12/2022 đến ngày 31/2/2023."], 2023) == []
    out = rows(["Báo cáo quý I/2023: số liệu từ ngày 45/12/2022 đến ngày 14/3/2023."], 2023)
    assert out == [("Quý I/2023", None, date(2023, 3, 14), None)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), st.sampled_from(
    ["Báo cáo quý I/2021: từ ngày 15/12/2020 đến ngày 14/3/2021", "trước ngày 99 của tháng cuối kỳ",
     "báo cáo năm: từ ngày 0/0 đến trước ngày 0/0", "báo cáo 6 tháng từ 31/2/2021 đến 30/2/2021",
     "số liệu từ ngày 15/12/9999 đến trước ngày 01/01/0001", "quý V/2021"])), max_size=20),
       st.one_of(st.none(), st.integers(min_value=-5, max_value=10000)))
def test_never_raises(lines, year):
    out = extract_report_periods(lines, year)
    assert isinstance(out, list)


def test_long_repetitive_text():
    lines = [RULE] + ["- Báo cáo quý I/2024: số liệu tính từ ngày 15/12/2023 đến ngày 14/3/2024; báo cáo quý II/2024 "
                      "từ ngày 15/3/2024 đến ngày 14/6/2024."] * 5000
    assert len(extract_report_periods(lines, 2024)) == 2


# ---------------------------------------------------------------- seeds against gold

@pytest.mark.parametrize("stem", seeds.SEED_NAMES or ["none"])
def test_seed_periods_exact(stem):
    seeds.need_seeds()
    want = seeds.gold(stem)
    got = [p.to_dict() for p in extract_report_periods(seeds.seed_body_lines(stem), want["document"]["plan_year"])]
    assert got == want["report_periods"]


def test_relative_window_stated_once_for_every_period():
    lines = ["Các cơ quan báo cáo định kỳ hàng quý, 6 tháng, năm gửi Sở Nội vụ trước ngày 15 của tháng cuối kỳ "
             "báo cáo.",
             "Thời gian chốt số liệu: tính từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối kỳ báo "
             "cáo (báo cáo quý, 6 tháng, năm)."]
    assert rows(lines, 2024) == [
        ("Quý I/2024", date(2023, 12, 15), date(2024, 3, 14), date(2024, 3, 14)),
        ("6 tháng đầu năm 2024", date(2023, 12, 15), date(2024, 6, 14), date(2024, 6, 14)),
        ("Quý III/2024", date(2024, 6, 15), date(2024, 9, 14), date(2024, 9, 14)),
        ("Năm 2024", date(2023, 12, 15), date(2024, 12, 14), date(2024, 12, 14)),
    ]
    assert rows(lines, None) == []
