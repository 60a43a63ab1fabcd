"""The QĐ 766 index: its structure (18/20/22/22/18 = 100) and every criterion's points, computed by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from dondoc.indicators.metrics import METRIC_BY_CODE
from dondoc.indicators.service_index import (
    CRITERIA,
    CRITERION_BY_CODE,
    GROUPS,
    MANUAL_INPUTS,
    evaluate,
    points_for,
)

FULL_MANUAL = dict.fromkeys(MANUAL_INPUTS, 100.0)


def score(code: str, indicators: dict | None = None, manual: dict | None = None):
    """The (value, points) of one criterion."""
    result = evaluate(indicators or {}, manual)
    for g in result.groups:
        for s in g.criteria:
            if s.criterion.code == code:
                return s.value, s.points
    raise KeyError(code)


# --- structure ---------------------------------------------------------------------------------------------


def test_group_maxima_and_total():
    assert [(g.code, g.name, g.max_points) for g in GROUPS] == [
        ("1", "Công khai, minh bạch", 18),
        ("2", "Tiến độ, kết quả giải quyết", 20),
        ("3", "Số hóa hồ sơ", 22),
        ("4", "Cung cấp dịch vụ trực tuyến", 22),
        ("5", "Mức độ hài lòng", 18),
    ]
    for g in GROUPS:
        assert sum(c.max_points for c in g.criteria) == g.max_points, g.code
    assert sum(g.max_points for g in GROUPS) == 100
    assert sum(c.max_points for c in CRITERIA) == 100


def test_criterion_codes_are_numbered_within_their_group():
    for g in GROUPS:
        assert [c.code for c in g.criteria] == [f"{g.code}.{i}" for i in range(1, len(g.criteria) + 1)]
    assert len(CRITERION_BY_CODE) == len(CRITERIA)


def test_every_criterion_has_a_vietnamese_formula_with_its_points():
    for c in CRITERIA:
        assert c.name and c.formula, c.code
        assert "Tỷ lệ" in c.formula and "Điểm =" in c.formula, c.code
        assert f"× {c.max_points:g}" in c.formula, c.code
        if c.full_at < 100:
            assert f"Đạt từ {c.full_at:g}% trở lên" in c.formula, c.code
        assert 0 < c.full_at <= 100


def test_inputs_name_real_metrics_or_manual_inputs():
    manual_used = []
    for c in CRITERIA:
        assert c.source in ("computed", "manual")
        if c.source == "computed":
            assert c.inputs and all(i in METRIC_BY_CODE for i in c.inputs), c.code
        else:
            assert len(c.inputs) == 1 and c.inputs[0] in MANUAL_INPUTS, c.code
            manual_used.append(c.inputs[0])
    assert sorted(manual_used) == sorted(MANUAL_INPUTS)  # each manual input feeds exactly one criterion
    assert all("(%" in label for label in MANUAL_INPUTS.values())


def test_unconfirmed_criteria_say_so():
    noted = {c.code for c in CRITERIA if c.note}
    assert {"2.1", "3.2", "3.4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "5.3"} <= noted


# --- computed criteria -------------------------------------------------------------------------------------


def test_on_time_counts_open_dossiers_still_in_time():
    # 50 early + 20 on time of 80 judged (10 late); 20 open at the end, 5 of them overdue.
    ind = {"early": 50, "on_time": 20, "judged": 80, "open": 20, "open_overdue": 5}
    # (50 + 20 + 15) / (80 + 20) = 85 % → 20 × 0,85 = 17
    assert score("2.1", ind) == (85.0, 17.0)


def test_on_time_rounds_to_two_decimals():
    ind = {"early": 3, "on_time": 1, "judged": 6, "open": 1, "open_overdue": 0}
    # 5 / 7 = 71,428 % → 20 × 5 / 7 = 14,2857
    assert score("2.1", ind) == (71.43, 14.29)


def test_on_time_without_any_dossier_has_no_data():
    assert score("2.1", {"early": 0, "on_time": 0, "judged": 0, "open": 0, "open_overdue": 0}) == (None, None)


def test_on_time_with_a_missing_count_has_no_data():
    assert score("2.1", {"early": 5, "on_time": 1, "judged": 6, "open": 0}) == (None, None)


def test_electronic_results_are_proportional():
    assert score("3.1", {"result_digitised_rate": 75.0}) == (75.0, 4.5)  # 6 × 0,75


def test_digitised_dossiers_are_proportional():
    assert score("3.2", {"dossier_digitised_rate": 62.5}) == (62.5, 2.5)  # 4 × 0,625


def test_online_dossiers_reach_the_maximum_at_fifty_percent():
    assert score("4.3", {"online_rate": 30.0}) == (30.0, 3.6)  # 6 × 30 / 50
    assert score("4.3", {"online_rate": 50.0}) == (50.0, 6.0)
    assert score("4.3", {"online_rate": 80.0}) == (80.0, 6.0)  # clamped to the maximum


def test_a_rate_with_zero_denominator_has_no_data():
    # dossiers.compute gives a rate None when nothing was received or finished.
    assert score("4.3", {"online_rate": None, "received": 0}) == (None, None)
    assert score("3.1", {"result_digitised_rate": None, "finished": 0}) == (None, None)


def test_dossier_satisfaction_subtracts_overdue_and_unsatisfied():
    ind = {"finished": 80, "open": 20, "late": 10, "open_overdue": 5, "rated": 40, "satisfied": 35}
    # (100 − 10 − 5 − 5) / 100 = 80 % → 6 × 80 / 90 = 5,333
    assert score("5.3", ind) == (80.0, 5.33)


def test_dossier_satisfaction_full_from_ninety_percent():
    ind = {"finished": 100, "open": 0, "late": 3, "open_overdue": 0, "rated": 10, "satisfied": 8}
    # (100 − 3 − 2) / 100 = 95 % ≥ 90 % → 6
    assert score("5.3", ind) == (95.0, 6.0)


def test_dossier_satisfaction_never_below_zero():
    ind = {"finished": 4, "open": 0, "late": 4, "open_overdue": 0, "rated": 4, "satisfied": 0}
    assert score("5.3", ind) == (0.0, 0.0)  # 4 overdue + 4 unsatisfied on 4 dossiers


def test_dossier_satisfaction_without_dossiers_has_no_data():
    ind = {"finished": 0, "open": 0, "late": 0, "open_overdue": 0, "rated": 0, "satisfied": 0}
    assert score("5.3", ind) == (None, None)


def test_numbers_from_a_database_and_nan():
    assert score("3.1", {"result_digitised_rate": Decimal("50")}) == (50.0, 3.0)
    assert score("3.1", {"result_digitised_rate": math.nan}) == (None, None)
    assert score("3.1", {"result_digitised_rate": True}) == (None, None)


# --- manual criteria ---------------------------------------------------------------------------------------


def test_manual_proportional():
    assert score("1.1", manual={"tthc_published_on_time_rate": 50}) == (50.0, 3.0)  # 6 × 0,5
    assert score("1.2", manual={"tthc_disclosed_on_time_rate": 87.5}) == (87.5, 3.5)  # 4 × 0,875
    assert score("4.6", manual={"online_payment_dossier_rate": 33.3}) == (33.3, 2.0)  # 6 × 0,333 = 1,998


def test_manual_with_a_threshold():
    assert score("3.3", manual={"digitised_reuse_rate": 40}) == (40.0, 1.0)  # 2 × 40 / 80
    assert score("3.3", manual={"digitised_reuse_rate": 90}) == (90.0, 2.0)
    assert score("4.1", manual={"online_procedure_rate": 60}) == (60.0, 1.5)  # 2 × 60 / 80
    assert score("4.4", manual={"payment_integrated_procedure_rate": 80}) == (80.0, 2.0)


def test_manual_without_input_has_no_data():
    assert score("1.4") == (None, None)
    assert score("1.4", manual={"dossier_synced_rate": None}) == (None, None)
    assert score("5.1", manual={"something_else": 100}) == (None, None)


def test_manual_values_out_of_range_are_clamped():
    assert score("1.4", manual={"dossier_synced_rate": 120}) == (120.0, 6.0)
    assert score("1.4", manual={"dossier_synced_rate": -5}) == (-5.0, 0.0)


def test_no_feedback_is_entered_as_full_marks():
    assert score("5.1", manual={"feedback_on_time_rate": 100}) == (100.0, 6.0)
    assert score("5.2", manual={"feedback_satisfaction_rate": 100}) == (100.0, 6.0)


def test_points_for_rounds_and_clamps():
    c = CRITERION_BY_CODE["2.1"]
    assert points_for(c, None) is None
    assert points_for(c, 99.999) == 20.0
    assert points_for(c, 101) == 20.0
    assert points_for(c, 33.333) == 6.67


# --- the whole index ---------------------------------------------------------------------------------------

PERFECT = {
    "early": 90, "on_time": 10, "judged": 100, "open": 10, "open_overdue": 0, "finished": 100, "late": 0,
    "rated": 50, "satisfied": 50, "result_digitised_rate": 100.0, "dossier_digitised_rate": 100.0,
    "online_rate": 60.0,
}


def test_everything_perfect_scores_one_hundred():
    result = evaluate(PERFECT, FULL_MANUAL)
    assert result.points == 100.0 and result.max_points == 100.0
    assert result.complete and result.missing == []
    assert [g.points for g in result.groups] == [18.0, 20.0, 22.0, 22.0, 18.0]
    assert all(g.complete for g in result.groups)


def test_without_manual_inputs_only_computed_points_count():
    result = evaluate(PERFECT)
    # 2.1: 20; 3.1: 6; 3.2: 4; 4.3: 6; 5.3: 6
    assert [g.points for g in result.groups] == [0.0, 20.0, 10.0, 6.0, 6.0]
    assert result.points == 42.0
    assert not result.complete
    assert result.missing == [c.code for c in CRITERIA if c.source == "manual"]
    assert [g.complete for g in result.groups] == [False, True, False, False, False]


def test_nothing_known():
    result = evaluate({})
    assert result.points == 0.0 and not result.complete
    assert result.missing == [c.code for c in CRITERIA]
    for g in result.groups:
        assert g.points == 0.0 and not g.complete
        assert all(s.value is None and s.points is None for s in g.criteria)


def test_totals_add_up_from_mixed_inputs():
    ind = {"early": 50, "on_time": 20, "judged": 80, "open": 20, "open_overdue": 5,  # 2.1: 17
           "result_digitised_rate": 75.0, "dossier_digitised_rate": 62.5,  # 3.1: 4,5; 3.2: 2,5
           "online_rate": None,  # 4.3: no data
           "finished": 80, "late": 10, "rated": 40, "satisfied": 35}  # 5.3: 5,33
    manual = {"tthc_published_on_time_rate": 50, "dossier_synced_rate": 100,  # 1.1: 3; 1.4: 6
              "digitised_reuse_rate": 40,  # 3.3: 1
              "online_procedure_rate": 60, "online_payment_dossier_rate": 50,  # 4.1: 1,5; 4.6: 3
              "feedback_on_time_rate": 100, "feedback_satisfaction_rate": 90}  # 5.1: 6; 5.2: 5,4
    result = evaluate(ind, manual)
    assert [g.points for g in result.groups] == [9.0, 17.0, 8.0, 4.5, 16.73]
    assert result.points == pytest.approx(55.23)
    assert result.points == round(sum(g.points for g in result.groups), 2)
    assert "4.3" in result.missing and "2.1" not in result.missing
    for g in result.groups:
        assert g.points == round(sum(s.points for s in g.criteria if s.points is not None), 2)
