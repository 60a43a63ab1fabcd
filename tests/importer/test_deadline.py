"""Deadline grammar: invented phrasings of the genre, every gold task, and fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.model import RECURRENCES, Schedule
from dondoc.importer.normalise.deadline import parse_schedule

GOLD = Path(__file__).resolve().parents[3] / "shared" / "benchmark" / "gold"

Q, S, N, A, M, T = "quarterly", "semiannual", "nine_months", "annual", "monthly", "twice_yearly"

# (cell text, plan year, due dates, recurrence, continuous, conditional)
CASES: list[tuple[str, int | None, list[str], list[str], bool, bool]] = [
    # months
    ("Tháng 02/2024", 2024, ["2024-02-29"], [], False, False),
    ("tháng 2 năm 2024", 2023, ["2024-02-29"], [], False, False),
    ("Tháng 02/2023", 2023, ["2023-02-28"], [], False, False),
    ("T12/2021", 2022, ["2021-12-31"], [], False, False),
    ("t6/2022", 2022, ["2022-06-30"], [], False, False),
    ("THÁNG 3", 2022, ["2022-03-31"], [], False, False),
    ("thang 11/2021", 2021, ["2021-11-30"], [], False, False),
    ("Trong tháng 4 năm 2022", 2022, ["2022-04-30"], [], False, False),
    ("Tháng 6 và tháng 12/2022", 2022, ["2022-06-30", "2022-12-31"], [], False, False),
    ("Tháng 01 - 02/2023", 2023, ["2023-02-28"], [], False, False),
    ("Từ tháng 3 đến tháng 5/2022", 2022, ["2022-05-31"], [], False, False),
    ("  Tháng   12 / 2022  ", 2022, ["2022-12-31"], [], False, False),
    ("tháng 12/22", 2022, ["2022-12-31"], [], False, False),
    ("Cuối tháng 9/2024", 2024, ["2024-09-30"], [], False, False),
    # quarters
    ("Quý I/2022", 2022, ["2022-03-31"], [], False, False),
    ("QUÝ IV/2023", 2023, ["2023-12-31"], [], False, False),
    ("quý 2/2021", 2021, ["2021-06-30"], [], False, False),
    ("Quy III/2022", 2022, ["2022-09-30"], [], False, False),
    ("Quý II, III/2022", 2022, ["2022-06-30", "2022-09-30"], [], False, False),
    ("Quý I và Quý III", 2023, ["2023-03-31", "2023-09-30"], [], False, False),
    ("Quý IV năm 2023", 2024, ["2023-12-31"], [], False, False),
    ("Quý I, II năm 2024", 2024, ["2024-03-31", "2024-06-30"], [], False, False),
    ("Trong quý II", 2022, ["2022-06-30"], [], False, False),
    ("Thực hiện từ quý I đến quý III/2023", 2023, ["2023-09-30"], [], False, False),
    ("Quý III/2022 - Quý IV/2022", 2022, ["2022-09-30", "2022-12-31"], [], False, False),
    ("quí I/2022", 2022, ["2022-03-31"], [], False, False),
    # before / by a day
    ("Trước ngày 15/6/2022", 2022, ["2022-06-14"], [], False, False),
    ("Trước 01/3/2024", 2024, ["2024-02-29"], [], False, False),
    ("trước ngày 15 tháng 6 năm 2021", 2021, ["2021-06-14"], [], False, False),
    ("Chậm nhất 20/01/2024", 2024, ["2024-01-20"], [], False, False),
    ("chậm nhất ngày 31 tháng 3 năm 2022", 2022, ["2022-03-31"], [], False, False),
    ("Đến ngày 30/6/2022", 2022, ["2022-06-30"], [], False, False),
    ("Hạn chót: 15/11/2022", 2022, ["2022-11-15"], [], False, False),
    ("Hoàn thành trước 30/9/2023", 2023, ["2023-09-29"], [], False, False),
    ("Trước ngày 15/12", 2022, ["2022-12-14"], [], False, False),
    ("TRƯỚC 15/02/2022", 2022, ["2022-02-14"], [], False, False),
    ("Trước ngày 15/6, 15/9 và 15/12/2022", 2022, ["2022-06-14", "2022-09-14", "2022-12-14"], [],
     False, False),
    ("Từ ngày 01/3/2022 đến ngày 30/6/2022", 2022, ["2022-06-30"], [], False, False),
    ("Trước năm 2025", 2024, ["2024-12-31"], [], False, False),
    # half years and year ends
    ("6 tháng đầu năm", 2022, ["2022-06-30"], [], False, False),
    ("6 tháng cuối năm 2023", 2023, ["2023-12-31"], [], False, False),
    ("Sáu tháng đầu năm", 2021, ["2021-06-30"], [], False, False),
    ("9 tháng đầu năm", 2022, ["2022-09-30"], [], False, False),
    ("Cuối năm", 2022, ["2022-12-31"], [], False, False),
    # years and spans
    ("Năm 2024", 2024, ["2024-12-31"], [], False, False),
    ("Nam 2023", 2023, ["2023-12-31"], [], False, False),
    ("Trong năm 2022", 2022, ["2022-12-31"], [], False, False),
    ("Trong năm", 2024, ["2024-12-31"], [], False, False),
    ("Năm 2021 - 2025", 2021, ["2025-12-31"], [], False, False),
    ("2026 - 2030", 2026, ["2030-12-31"], [], False, False),
    ("Giai đoạn 2021-2025", 2021, ["2025-12-31"], [], False, False),
    ("giai doan 2021 - 2030", 2021, ["2030-12-31"], [], False, False),
    ("Đến hết năm 2025", 2022, ["2025-12-31"], [], False, False),
    ("Năm 2022, 2023", 2022, ["2022-12-31", "2023-12-31"], [], False, False),
    ("Năm 2022 - năm 2023", 2022, ["2023-12-31"], [], False, False),
    ("Báo cáo năm 2022", 2022, ["2022-12-31"], [], False, False),
    # ongoing
    ("Thường xuyên", 2022, [], [], True, False),
    ("thuong xuyen", 2022, [], [], True, False),
    ("THỰC HIỆN THƯỜNG XUYÊN, LIÊN TỤC", 2022, [], [], True, False),
    ("Thường xuyên trong năm 2022", 2022, ["2022-12-31"], [], True, False),
    ("Năm 2023 và những năm tiếp theo", 2023, ["2023-12-31"], [], True, False),
    ("Từ năm 2022 trở đi", 2022, [], [], True, False),
    ("Quý I/2022 và thường xuyên", 2022, ["2022-03-31"], [], True, False),
    # rhythms
    ("Hàng quý", 2022, [], [Q], False, False),
    ("hằng quý", 2022, [], [Q], False, False),
    ("Báo cáo định kỳ hằng tháng", 2022, [], [M], False, False),
    ("Hàng tháng", 2022, [], [M], False, False),
    ("Hằng năm", 2022, [], [A], False, False),
    ("hang nam", 2022, [], [A], False, False),
    ("Năm", 2022, [], [A], False, False),
    ("Thường niên", 2022, [], [A], False, False),
    ("Định kỳ 6 tháng", 2022, [], [S], False, False),
    ("6 tháng", 2022, [], [S], False, False),
    ("Báo cáo 9 tháng", 2022, [], [N], False, False),
    ("Định kỳ hai lần/năm", 2022, [], [T], False, False),
    ("2 lần/năm", 2022, [], [T], False, False),
    ("6 tháng/lần", 2022, [], [T], False, False),
    ("Sáu tháng một lần", 2022, [], [T], False, False),
    ("Mỗi năm 1 lần", 2022, [], [A], False, False),
    ("Báo cáo tháng, quý, năm", 2022, [], [M, Q, A], False, False),
    ("Báo cáo quý, 6 tháng, 9 tháng và năm", 2022, [], [Q, S, N, A], False, False),
    ("Sơ kết 6 tháng, tổng kết năm", 2022, [], [S, A], False, False),
    ("bao cao theo quy, nam", 2022, [], [Q, A], False, False),
    ("Báo cáo quý, 6 tháng, năm gửi trước ngày 15 của tháng cuối quý", 2022, [], [Q, S, A], False, False),
    ("Hàng quý (trước ngày 20 của tháng cuối quý)", 2022, [], [Q], False, False),
    ("Hằng năm, trước ngày 31/10", 2022, ["2022-10-30"], [A], False, False),
    ("Ngày 13/10 hằng năm", 2022, ["2022-10-13"], [A], False, False),
    # conditions
    ("Khi có yêu cầu", 2022, [], [], False, True),
    ("Khi Bộ Nội vụ ban hành hướng dẫn", 2022, [], [], False, True),
    ("Sau khi Thủ tướng Chính phủ phê duyệt Đề án", 2022, [], [], False, True),
    ("Ngay sau khi có Quyết định công bố", 2022, [], [], False, True),
    ("Theo hướng dẫn của Bộ Nội vụ", 2022, [], [], False, True),
    ("Theo kế hoạch của Ban Chỉ đạo", 2022, [], [], False, True),
    ("THEO QUY ĐỊNH", 2022, [], [], False, True),
    ("Theo lộ trình của Chính phủ", 2022, [], [], False, True),
    ("Theo yêu cầu của UBND tỉnh", 2022, [], [], False, True),
    ("Đột xuất", 2022, [], [], False, True),
    ("Trong vòng 30 ngày kể từ ngày Quyết định có hiệu lực", 2022, [], [], False, True),
    ("Báo cáo kết quả thực hiện", 2022, [], [], False, True),
    # a day or month inside a condition belongs to the condition
    ("Theo Kế hoạch số 45/KH-UBND ngày 10/3/2022 của UBND tỉnh", 2022, [], [], False, True),
    ("Khi có văn bản hướng dẫn (dự kiến tháng 6/2022)", 2022, [], [], False, True),
    ("Sau khi có hướng dẫn của Bộ, hoàn thành trong quý III/2022", 2022, ["2022-09-30"], [], False, True),
    ("Tháng 5/2022 (sau khi có kết quả khảo sát)", 2022, ["2022-05-31"], [], False, True),
    ("Theo hướng dẫn của Bộ Nội vụ, Quý IV/2022", 2022, ["2022-12-31"], [], False, True),
    ("Theo Quyết định số 1291/QĐ-TTg, ngày 07/10/2019", 2022, [], [], False, True),
    # combinations in one cell
    ("- Xây dựng kế hoạch: Tháng 02/2022; - Triển khai: thường xuyên", 2022, ["2022-02-28"], [], True, False),
    ("- Ban hành kế hoạch trong quý I/2024 - Báo cáo hàng quý, 6 tháng, năm", 2024,
     ["2024-03-31"], [Q, S, A], False, False),
    ("Quý I/2022; báo cáo theo quy định", 2022, ["2022-03-31"], [], False, True),
    ("Báo cáo 6 tháng và năm theo quy định", 2022, [], [S, A], False, True),
    ("Định kỳ hằng quý và đột xuất theo yêu cầu", 2022, [], [Q], False, True),
    ("+ Kế hoạch năm 2023: trước 31/12/2022 + Báo cáo: hằng quý", 2023, ["2022-12-30"], [Q], False, False),
    ("- Tổ chức hội nghị: Quý II/2022. - Sơ kết: tháng 7/2022.", 2022, ["2022-06-30", "2022-07-31"], [],
     False, False),
]


def _as_tuple(s: Schedule) -> tuple:
    d = s.to_dict()
    return (tuple(sorted(d["due_dates"])), tuple(d["recurrence"]), d["continuous"], d["conditional"])


@pytest.mark.parametrize(("text", "year", "dates", "rhythms", "continuous", "conditional"), CASES)
def test_phrasing(text: str, year: int | None, dates: list[str], rhythms: list[str], continuous: bool,
                  conditional: bool) -> None:
    got = parse_schedule(text, year)
    assert _as_tuple(got) == (tuple(sorted(dates)), tuple(rhythms), continuous, conditional)
    assert got.understood


def test_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 70
    assert len({(c[0], c[1]) for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "text", ["xyz", "Chưa xác định", "Trước ngày 15 của tháng cuối kỳ", "Thực hiện trong 6 tháng"])
def test_unread_text_is_flagged(text: str) -> None:
    got = parse_schedule(text, 2022)
    assert _as_tuple(got) == ((), (), False, False)
    assert not got.understood


@pytest.mark.parametrize("text", ["", "   ", "-", "…", "\n"])
def test_blank_cells_are_empty_but_not_flagged(text: str) -> None:
    got = parse_schedule(text, 2022)
    assert _as_tuple(got) == ((), (), False, False)
    assert got.understood


def test_month_without_year_needs_the_plan_year() -> None:
    assert parse_schedule("Tháng 3", 2022).due_dates[0].isoformat() == "2022-03-31"
    unknown = parse_schedule("Tháng 3", None)
    assert unknown.due_dates == [] and not unknown.understood
    assert [d.isoformat() for d in parse_schedule("Quý II/2021", None).due_dates] == ["2021-06-30"]


def test_dates_sorted_unique_and_rhythms_canonical() -> None:
    got = parse_schedule("Năm, 6 tháng, hàng quý; Tháng 12/2022; Quý IV/2022; Tháng 01/2022", 2022)
    assert [d.isoformat() for d in got.due_dates] == ["2022-01-31", "2022-12-31"]
    assert got.recurrence == [Q, S, A]


def _gold_tasks() -> list[tuple[str, str, int | None, dict]]:
    out = []
    for path in sorted(GOLD.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        year = doc["document"]["plan_year"]
        for i, task in enumerate(doc["tasks"]):
            out.append((f"{path.stem}#{i}", task["deadline"], year, task["schedule"]))
    return out


def test_every_gold_schedule() -> None:
    if not GOLD.is_dir() or not any(GOLD.glob("*.json")):
        pytest.skip(f"gold files not found at {GOLD}")
    misses = []
    tasks = _gold_tasks()
    for where, text, year, gold in tasks:
        want = (tuple(sorted(gold["due_dates"])), tuple(gold["recurrence"]), bool(gold["continuous"]),
                bool(gold["conditional"]))
        got = _as_tuple(parse_schedule(text, year))
        if got != want:
            misses.append(f"{where} {text!r}: got {got}, gold {want}")
    assert not misses, f"{len(misses)}/{len(tasks)} gold schedules differ:\n" + "\n".join(misses)


@settings(max_examples=400, deadline=None)
@given(st.text(), st.one_of(st.none(), st.integers(min_value=-10_000, max_value=10_000)))
def test_never_raises_on_any_text(text: str, year: int | None) -> None:
    got = parse_schedule(text, year)
    assert isinstance(got, Schedule)
    assert got.due_dates == sorted(set(got.due_dates))
    assert got.recurrence == [r for r in RECURRENCES if r in got.recurrence]
    assert len(set(got.recurrence)) == len(got.recurrence)


_WORDS = ["tháng", "quý", "năm", "I", "IV", "6", "9", "02", "15", "/", "-", "2021", "2024", ",", "và",
          "trước", "ngày", "chậm nhất", "đến", "từ", "hàng", "hằng", "lần", "thường xuyên", "khi", "theo",
          "quy định", "báo cáo", ":", ";", ".", "đầu", "cuối", "các năm tiếp theo", "giai đoạn", "T12"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30), st.integers(min_value=1990, max_value=2100))
def test_never_raises_on_domain_word_salad(words: list[str], year: int) -> None:
    assert isinstance(parse_schedule(" ".join(words), year), Schedule)


def test_long_input_is_read() -> None:
    text = "Báo cáo hàng quý, 6 tháng, năm; Trước ngày 15/6/2021 - Quý II, III/2021 " * 2000
    schedule = parse_schedule(text, 2021)
    assert schedule.due_dates and "quarterly" in schedule.recurrence
