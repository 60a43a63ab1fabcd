"""Writes and look-ups for report periods: fill in the default regime, find the period a day counts in."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dondoc.audit.services import record
from dondoc.plans.models import Plan, ReportPeriod

from .periods import default_periods


def ensure_periods(plan: Plan, actor: Any) -> list[ReportPeriod]:
    """Give a plan that states no report periods those of the default regime (Nghị định 09/2019/NĐ-CP).

    Idempotent: a plan that has periods (its own, or ones made here before) is left alone and nothing
    is returned; otherwise the created periods are returned and the write is audited."""
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)  # two callers at once create the rows once
        if locked.report_periods.exists():
            return []
        if not locked.year:
            raise ValidationError("Kế hoạch chưa có năm kế hoạch nên không thể lập các kỳ báo cáo mặc định.")
        created = ReportPeriod.objects.bulk_create([
            ReportPeriod(plan=locked, name=p.name, data_from=p.data_from, data_to=p.data_to, submit_by=p.submit_by)
            for p in default_periods(locked.year)])
        record(actor, "plan.report_periods.default", locked,
               summary=f"Lập {len(created)} kỳ báo cáo mặc định năm {locked.year} cho {locked}",
               changes={"report_periods": [
                   {"name": p.name, "data_from": p.data_from.isoformat(), "data_to": p.data_to.isoformat(),
                    "submit_by": p.submit_by.isoformat()} for p in created]})
    return created


def period_for_update(plan: Plan, day: date) -> ReportPeriod | None:
    """The report a task update dated `day` goes into first: of the plan's periods whose data window holds
    the day, the one due first (ties: the narrower window). None when no window holds it."""
    candidates = [p for p in plan.report_periods.all()
                  if p.data_from is not None and p.data_to is not None and p.data_from <= day <= p.data_to]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (p.submit_by or p.data_to or day, p.data_to or day,
                                          -(p.data_from or day).toordinal()))
