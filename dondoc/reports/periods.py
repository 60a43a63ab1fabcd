"""The periodic-report regime of Nghị định 09/2019/NĐ-CP, as date arithmetic (pure Python, no Django).

For a plan year Y the default regime has four reports, each with its data window (thời gian chốt số
liệu) and the last day for submitting it ("trước ngày 15 của tháng cuối kỳ báo cáo" = the 14th):

    Quý I/Y                15/12/Y-1 → 14/3/Y     due 14/3/Y
    6 tháng đầu năm Y      15/12/Y-1 → 14/6/Y     due 14/6/Y
    Quý III/Y              15/6/Y    → 14/9/Y     due 14/9/Y
    Năm Y                  15/12/Y-1 → 14/12/Y    due 14/12/Y

The third report is what plans call "Quý III" (seeds 000 and 001) and what some call "9 tháng"; its
window is the one DOMAIN.md gives for Q3 (15/6 → 14/9), hence the kind code "q3_or_m9". The windows
overlap (a day in January counts for Q1, the half year and the year), so "which period does a day
count in" has several answers; `periods_containing` gives them all, earliest due first.

`dondoc.tracking.rules.periods` is related but different: it gives a recurring milestone's calendar
periods and due dates, not a report's data window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

#: the first day of a data window: the 15th of the month before the period
WINDOW_START_DAY = 15
#: the last day of a data window and of submission: the 14th of the period's last month
WINDOW_END_DAY = 14


@dataclass(frozen=True)
class ReportingPeriod:
    """One periodic report: its name as plans write it, its kind, data window and last submission day."""

    name: str
    kind: str  # "q1", "h1", "q3_or_m9" or "year"
    data_from: date
    data_to: date
    submit_by: date


# kind, name pattern, (year offset, month) of the window's start, month of its end (in the plan year)
_REGIME: tuple[tuple[str, str, tuple[int, int], int], ...] = (
    ("q1", "Quý I/{year}", (-1, 12), 3),
    ("h1", "6 tháng đầu năm {year}", (-1, 12), 6),
    ("q3_or_m9", "Quý III/{year}", (0, 6), 9),
    ("year", "Năm {year}", (-1, 12), 12),
)


def default_periods(year: int) -> list[ReportingPeriod]:
    """The four reports of the default regime for plan year `year`, in order of their due dates."""
    out = []
    for kind, name, (offset, start_month), end_month in _REGIME:
        out.append(ReportingPeriod(
            name=name.format(year=year), kind=kind,
            data_from=date(year + offset, start_month, WINDOW_START_DAY),
            data_to=date(year, end_month, WINDOW_END_DAY),
            submit_by=date(year, end_month, WINDOW_END_DAY)))
    return out


def window_contains(period: ReportingPeriod, day: date) -> bool:
    """Whether `day` falls in the period's data window (both ends included)."""
    return period.data_from <= day <= period.data_to


def periods_containing(periods: Iterable[Any], day: date) -> list[Any]:
    """The periods whose data window holds `day`, the one due first first (ties: the narrower window).

    Works on `ReportingPeriod` and on stored report periods alike; a period without both window ends holds
    no day, one without a deadline is due at its window's end."""
    found = [p for p in periods if p.data_from is not None and p.data_to is not None and window_contains(p, day)]
    return sorted(found, key=lambda p: (p.submit_by or p.data_to, p.data_to, -p.data_from.toordinal()))


def report_due(period: ReportingPeriod) -> date:
    """The last day for submitting the period's report: before the 15th of its last month, i.e. the 14th."""
    return date(period.data_to.year, period.data_to.month, WINDOW_END_DAY)
