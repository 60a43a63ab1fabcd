"""The follow-up rules, as pure functions of dates and numbers (no database): overdue, on time or late,
at risk of being late, and the reporting periods of a recurring rhythm."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from dondoc.plans.models import CLOSED, Status


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """Quá hạn: open work past its due date."""
    return due is not None and status not in CLOSED and due < today


def completion_label(status: str, due: date | None, completed_on: date | None) -> str:
    if status != Status.DONE:
        return ""
    if due is None or completed_on is None or completed_on <= due:
        return "Hoàn thành đúng hạn"
    return "Hoàn thành quá hạn"


def time_used(start: date | None, due: date | None, today: date) -> float | None:
    """Share (0..1) of the time between start and due already spent; None without both dates."""
    if start is None or due is None or due <= start:
        return None
    return min(1.0, max(0.0, (today - start).days / (due - start).days))


def at_risk(status: str, progress: int, start: date | None, due: date | None, today: date, gap: int) -> bool:
    """Có nguy cơ chậm: still open, not yet late, and the share of time used exceeds progress by `gap` points."""
    used = time_used(start, due, today)
    if used is None or status in CLOSED or is_overdue(status, due, today):
        return False
    return used * 100 - progress >= gap


AT_RISK_EXPLAINED = ("Nhiệm vụ “có nguy cơ chậm” khi phần thời gian đã trôi qua (từ đầu năm kế hoạch, hoặc ngày "
                     "ban hành kế hoạch, đến hạn) vượt tiến độ đã đạt từ {gap} điểm phần trăm trở lên, ví dụ đã dùng "
                     "80% thời gian mà mới đạt 20% khối lượng.")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    due: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _report_due(year: int, last_month: int) -> date:
    # ND 09/2019: a period's report is due before the 15th of its last month
    return date(year, last_month, 14)


def periods(rhythm: str, year: int) -> list[Period]:
    """The periods of one plan year for a recurring rhythm, each with the date its report or activity is due."""
    if rhythm == "monthly":
        return [Period(f"Tháng {m:02d}/{year}", date(year, m, 1), _month_end(year, m), _month_end(year, m))
                for m in range(1, 13)]
    if rhythm == "quarterly":
        return [Period(f"Quý {q}/{year}", date(year, 3 * i + 1, 1), _month_end(year, 3 * i + 3),
                       _report_due(year, 3 * i + 3)) for i, q in enumerate(("I", "II", "III", "IV"))]
    if rhythm == "semiannual":
        return [Period(f"6 tháng đầu năm {year}", date(year, 1, 1), date(year, 6, 30), _report_due(year, 6))]
    if rhythm == "nine_months":
        return [Period(f"9 tháng năm {year}", date(year, 1, 1), date(year, 9, 30), _report_due(year, 9))]
    if rhythm == "annual":
        return [Period(f"Năm {year}", date(year, 1, 1), date(year, 12, 31), _report_due(year, 12))]
    if rhythm == "twice_yearly":
        return [Period(f"6 tháng đầu năm {year}", date(year, 1, 1), date(year, 6, 30), _report_due(year, 6)),
                Period(f"6 tháng cuối năm {year}", date(year, 7, 1), date(year, 12, 31), _report_due(year, 12))]
    return []
