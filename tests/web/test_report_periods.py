"""The periodic-report regime (Nghị định 09/2019/NĐ-CP): period arithmetic and the report-period service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.audit.models import AuditEvent
from dondoc.plans import services as plan_services
from dondoc.plans.models import Plan, ReportPeriod
from dondoc.reports.periods import ReportingPeriod, default_periods, periods_containing, report_due, window_contains
from dondoc.reports.services import ensure_periods, period_for_update

from .conftest import gold, sample_plan_json


def _by_kind(year: int) -> dict[str, ReportingPeriod]:
    return {p.kind: p for p in default_periods(year)}


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_default_regime_names_and_dates() -> None:
    assert [(p.name, p.kind, p.data_from, p.data_to, p.submit_by) for p in default_periods(2021)] == [
        ("Quý I/2021", "q1", date(2020, 12, 15), date(2021, 3, 14), date(2021, 3, 14)),
        ("6 tháng đầu năm 2021", "h1", date(2020, 12, 15), date(2021, 6, 14), date(2021, 6, 14)),
        ("Quý III/2021", "q3_or_m9", date(2021, 6, 15), date(2021, 9, 14), date(2021, 9, 14)),
        ("Năm 2021", "year", date(2020, 12, 15), date(2021, 12, 14), date(2021, 12, 14)),
    ]
    for p in default_periods(2021):
        assert report_due(p) == p.submit_by  # before the 15th of the period's last month


@pytest.mark.parametrize("year", [2021, 2023, 2024, 2100])
def test_windows_nest_and_join(year: int) -> None:
    k = _by_kind(year)
    # the half year takes over where Q1 ends and Q3 where the half year ends; the year holds them all
    assert k["q1"].data_from == k["h1"].data_from == k["year"].data_from
    assert k["h1"].data_to + timedelta(days=1) == k["q3_or_m9"].data_from
    assert k["q3_or_m9"].data_to < k["year"].data_to
    # one year's window starts the day after the previous year's ends: no day is lost between years
    assert _by_kind(year - 1)["year"].data_to + timedelta(days=1) == k["year"].data_from
    assert all(p.data_from <= p.data_to <= p.submit_by for p in k.values())
    assert [p.submit_by for p in default_periods(year)] == sorted(p.submit_by for p in default_periods(year))


def test_every_day_of_a_leap_year_window() -> None:
    periods = default_periods(2024)
    days = _days(date(2023, 12, 15), date(2024, 12, 14))
    assert len(days) == 366 and date(2024, 2, 29) in days
    for day in days:
        expected = {"year"}
        if day <= date(2024, 3, 14):
            expected.add("q1")
        if day <= date(2024, 6, 14):
            expected.add("h1")
        if date(2024, 6, 15) <= day <= date(2024, 9, 14):
            expected.add("q3_or_m9")
        assert {p.kind for p in periods_containing(periods, day)} == expected, day
    assert [p.kind for p in periods_containing(periods, date(2024, 2, 29))] == ["q1", "h1", "year"]
    # the leap day makes 2024's first quarter one day longer than 2023's
    q1_2024, q1_2023 = _by_kind(2024)["q1"], _by_kind(2023)["q1"]
    assert (q1_2024.data_to - q1_2024.data_from).days + 1 == 91
    assert (q1_2023.data_to - q1_2023.data_from).days + 1 == 90
    # just outside the year's window: counted in the neighbouring year's reports, not this one's
    assert periods_containing(periods, date(2023, 12, 14)) == []
    assert periods_containing(periods, date(2024, 12, 15)) == []
    assert [p.name for p in periods_containing(default_periods(2025), date(2024, 12, 15))] == [
        "Quý I/2025", "6 tháng đầu năm 2025", "Năm 2025"]


def test_cut_off_between_first_quarter_and_half_year() -> None:
    k = _by_kind(2021)
    assert window_contains(k["q1"], date(2021, 3, 14))
    assert not window_contains(k["q1"], date(2021, 3, 15))
    # an update dated 15/3 falls in the next window: the half-year report (the regime has no Q2 report)
    assert [p.kind for p in periods_containing(default_periods(2021), date(2021, 3, 15))] == ["h1", "year"]
    assert [p.kind for p in periods_containing(default_periods(2021), date(2021, 3, 14))] == ["q1", "h1", "year"]
    assert window_contains(k["q3_or_m9"], date(2021, 6, 15)) and not window_contains(k["q3_or_m9"], date(2021, 6, 14))


def _stated(prefix: str) -> tuple[int, list[dict[str, Any]]]:
    data = gold(prefix)
    periods = data.get("report_periods") or []
    if not periods:
        pytest.skip(f"đáp án chuẩn {prefix} không ghi kỳ báo cáo nào")
    return data["document"]["plan_year"], periods


def test_seed_000_follows_the_regime() -> None:
    """Seed 000 (plan for 2021) restates the regime word for word: same names, windows and due dates."""
    year, stated = _stated("000_")
    assert [{"name": p.name, "data_from": p.data_from.isoformat(), "data_to": p.data_to.isoformat(),
             "submit_by": p.submit_by.isoformat()} for p in default_periods(year)] == stated


def test_seed_001_differs_from_the_regime_by_a_day() -> None:
    """Seed 001 (plan for 2023) keeps the regime's names and due dates but writes its own windows.

    It says "từ ngày 15/12/2022 đến trước ngày 14/3/2023" (and likewise for 6/2023, 9/2023, 12/2023), so each
    window ends on the 13th instead of the 14th, and its Quý III starts on 14/6 instead of 15/6. The data
    starts of Q1, the half year and the year are the regime's. These are the plan's own dates: stored as
    written, and `ensure_periods` leaves them alone."""
    year, stated = _stated("001_")
    regime = default_periods(year)
    assert [p["name"] for p in stated] == [p.name for p in regime]
    assert [p["submit_by"] for p in stated] == [p.submit_by.isoformat() for p in regime]
    for own, p in zip(stated, regime, strict=True):
        assert date.fromisoformat(own["data_to"]) == p.data_to - timedelta(days=1)
        expected_from = p.data_from - timedelta(days=1) if p.kind == "q3_or_m9" else p.data_from
        assert date.fromisoformat(own["data_from"]) == expected_from


# --- the service ---------------------------------------------------------------------------------------------


def _plan(agencies: dict[str, Agency], actor: Any, **changes: Any) -> Plan:
    data = sample_plan_json()
    data.update({k: v for k, v in changes.items() if k != "plan_year"})
    if "plan_year" in changes:
        data["document"] = {**data["document"], "plan_year": changes["plan_year"]}
    return plan_services.store_plan(data, resolve=lambda name: agency_services.ensure(name, owner=agencies["province"]),
                                    owner=agencies["province"], actor=actor)


@pytest.mark.django_db
def test_ensure_periods_fills_in_the_regime_once(agencies: dict[str, Agency], users: dict[str, Any]) -> None:
    plan = _plan(agencies, users["standing"], report_periods=[])
    assert not plan.report_periods.exists()
    created = ensure_periods(plan, users["standing"])
    assert len(created) == 4
    rows = list(plan.report_periods.order_by("submit_by"))
    assert [(r.name, r.data_from, r.data_to, r.submit_by) for r in rows] == [
        (p.name, p.data_from, p.data_to, p.submit_by) for p in default_periods(2025)]
    events = AuditEvent.objects.filter(action="plan.report_periods.default", object_id=str(plan.pk))
    assert events.count() == 1 and events.get().actor == users["standing"]
    # idempotent: a second call changes nothing and records nothing
    assert ensure_periods(plan, users["standing"]) == []
    assert plan.report_periods.count() == 4 and events.count() == 1


@pytest.mark.django_db
def test_ensure_periods_leaves_the_plans_own_periods_alone(agencies: dict[str, Agency],
                                                           users: dict[str, Any]) -> None:
    plan = _plan(agencies, users["standing"])  # states "Quý I/2025" itself
    before = list(plan.report_periods.values_list("name", "data_from", "data_to", "submit_by"))
    assert ensure_periods(plan, users["standing"]) == []
    assert list(plan.report_periods.values_list("name", "data_from", "data_to", "submit_by")) == before
    assert not AuditEvent.objects.filter(action="plan.report_periods.default").exists()


@pytest.mark.django_db
def test_ensure_periods_needs_a_plan_year(agencies: dict[str, Agency], users: dict[str, Any]) -> None:
    plan = _plan(agencies, users["standing"], report_periods=[], plan_year=None)
    with pytest.raises(ValidationError, match="năm kế hoạch"):
        ensure_periods(plan, users["standing"])
    assert not ReportPeriod.objects.filter(plan=plan).exists()


@pytest.mark.django_db
def test_period_for_update(agencies: dict[str, Agency], users: dict[str, Any]) -> None:
    plan = _plan(agencies, users["standing"], report_periods=[])
    assert period_for_update(plan, date(2025, 3, 14)) is None  # no periods yet
    ensure_periods(plan, users["standing"])
    assert period_for_update(plan, date(2025, 3, 14)).name == "Quý I/2025"  # type: ignore[union-attr]
    assert period_for_update(plan, date(2025, 3, 15)).name == "6 tháng đầu năm 2025"  # type: ignore[union-attr]
    assert period_for_update(plan, date(2024, 12, 15)).name == "Quý I/2025"  # type: ignore[union-attr]
    assert period_for_update(plan, date(2025, 6, 15)).name == "Quý III/2025"  # type: ignore[union-attr]
    assert period_for_update(plan, date(2025, 10, 1)).name == "Năm 2025"  # type: ignore[union-attr]
    assert period_for_update(plan, date(2025, 12, 15)) is None
