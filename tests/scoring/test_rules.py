"""Every scoring rule type on hand-computed cases (pure: no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dondoc.scoring import rules

D = Decimal
BANDS = {"metric": "on_time_rate", "bands": [{"min": 100, "points": 1}, {"min": 95, "points": 0.5}]}
DAYS = {"metric": "avg_processing_days", "bands": [{"max": 3, "points": 1}, {"max": 5, "points": 0.25}]}
LINEAR = {"metric": "online_rate", "zero_at": 80, "full_at": 100}


@pytest.mark.parametrize(("value", "expected"), [
    (100, "1.00"), (99.99, "0.50"), (95, "0.50"), (94.99, "0.00"), (0, "0.00"), (None, None)])
def test_metric_bands_give_the_first_band_reached(value: float | None, expected: str | None) -> None:
    points = rules.points_from_metric(value, D(1), BANDS)
    assert points == (None if expected is None else D(expected))


@pytest.mark.parametrize(("value", "expected"), [(2.5, "1.00"), (3, "1.00"), (4, "0.25"), (6, "0.00")])
def test_metric_bands_with_a_ceiling_read_lower_as_better(value: float, expected: str) -> None:
    assert rules.points_from_metric(value, D(1), DAYS) == D(expected)


@pytest.mark.parametrize(("value", "expected"), [
    (70, "0.00"), (80, "0.00"), (90, "0.75"), (97.5, "1.31"), (100, "1.50"), (120, "1.50")])
def test_metric_linear_between_zero_and_full(value: float, expected: str) -> None:
    # 1,5 points; 90% is half way from 80 to 100: 0,75; 97,5%: 1,5 × 17,5/20 = 1,3125 → 1,31
    assert rules.points_from_metric(value, D("1.5"), LINEAR) == D(expected)


def test_metric_linear_reversed_is_lower_is_better() -> None:
    params = {"metric": "avg_processing_days", "zero_at": 10, "full_at": 2}
    assert rules.points_from_metric(6, D(2), params) == D("1.00")
    assert rules.points_from_metric(1, D(2), params) == D("2.00")
    assert rules.points_from_metric(12, D(2), params) == D("0.00")


def test_band_points_never_exceed_the_leaf_maximum() -> None:
    assert rules.points_from_metric(100, D("0.5"), BANDS) == D("0.50")


def test_task_points_are_the_share_done_on_time() -> None:
    # 7 of 8 due tasks on time, 2 points: 1,75
    assert rules.points_from_tasks(D(2), 7, 8) == D("1.75")
    # 2 of 3: 0,6666… → 0,67 (half up)
    assert rules.points_from_tasks(D(1), 2, 3) == D("0.67")
    assert rules.points_from_tasks(D(1), 0, 0) is None


def test_index_is_points_over_the_applicable_maximum() -> None:
    assert rules.index_percent(D("72.5"), D("94")) == D("77.13")  # 72,5/94 = 77,1276…%
    assert rules.index_percent(D(0), D(0)) == D("0.00")


DUE = date(2025, 6, 30)
EXTENDED = date(2025, 9, 30)
AS_OF = date(2025, 12, 31)


@pytest.mark.parametrize(("status", "first_due", "due", "completed", "outcome"), [
    ("done", None, DUE, date(2025, 6, 30), rules.ON_TIME),  # on the due day is on time
    ("done", DUE, EXTENDED, date(2025, 8, 1), rules.EXCUSED),  # after the first date, within the extension
    ("done", DUE, EXTENDED, date(2025, 6, 1), rules.ON_TIME),
    ("done", None, DUE, date(2025, 7, 1), rules.LATE),
    ("done", DUE, EXTENDED, date(2025, 10, 1), rules.LATE),
    ("done", None, None, date(2025, 7, 1), rules.ON_TIME),  # ongoing work that was closed
    ("in_progress", None, DUE, None, rules.NOT_DONE),
    ("in_progress", None, date(2026, 1, 15), None, rules.NOT_DUE),
    ("not_started", None, AS_OF, None, rules.NOT_DUE),  # due on the last day: not late yet
    ("cancelled", None, DUE, None, rules.EXCLUDED),
    ("in_progress", None, None, None, rules.EXCLUDED),
])
def test_task_outcome(status: str, first_due: date | None, due: date | None, completed: date | None,
                      outcome: str) -> None:
    assert rules.task_outcome(status, first_due, due, completed, AS_OF) == outcome


def test_grade_weights_and_bands() -> None:
    outcomes = [rules.ON_TIME] * 6 + [rules.EXCUSED] + [rules.LATE] * 2 + [rules.NOT_DONE] + [rules.NOT_DUE] * 3
    result = rules.grade(outcomes)
    # (6 + 1 + 2 × 0,5 + 0) / 10 graded = 80% → "tốt" (70 ≤ 80 < 90)
    assert (result.graded, result.score, result.band) == (10, D("80.00"), "Hoàn thành tốt nhiệm vụ")
    assert result.counts[rules.NOT_DUE] == 3
    strict = rules.Weights(excused=D("0.5"), late=D(0))
    assert rules.grade(outcomes, strict).score == D("65.00")  # (6 + 0,5) / 10
    assert rules.grade(outcomes, strict).band == "Hoàn thành nhiệm vụ"
    custom = [{"min": 60, "label": "Đạt"}, {"min": 0, "label": "Không đạt"}]
    assert rules.grade(outcomes, strict, custom).band == "Đạt"


def test_grade_without_due_tasks_has_no_score() -> None:
    result = rules.grade([rules.NOT_DUE, rules.EXCLUDED])
    assert result.score is None and result.band == "" and result.label == "Chưa có nhiệm vụ đến hạn"


def test_band_checks() -> None:
    assert rules.check_bands(list(rules.DEFAULT_BANDS)) == []
    assert rules.check_bands([{"min": 50, "label": "Đạt"}])  # no floor at 0
    assert rules.check_bands([{"min": 0, "label": "A"}, {"min": 0, "label": "B"}])
    assert rules.check_bands([{"min": 120, "label": "A"}, {"min": 0, "label": "B"}])
    assert rules.check_bands([])


def test_competition_ranks_share_ties_and_skip() -> None:
    values = [D("90.5"), D("88"), D("90.5"), None, D("70"), D("88.004")]
    # 90,5 and 90,5 share 1; 88 and 88,004 (both 88,00 at two decimals) share 3; 70 is 5th; None unranked
    assert rules.competition_ranks(values) == [1, 3, 1, None, 5, 3]


def test_number_text_is_vietnamese() -> None:
    assert rules.number_text(D("97.50")) == "97,5"
    assert rules.number_text(D("1.00")) == "1"
    assert rules.number_text(0.755) == "0,76"
    assert rules.number_text(None) == ""
