"""Demo reports over the imported plans: every plan gets its report periods (the default regime where the plan
states none) and the demo agency's first report of each plan it leads tasks in is drafted from the demo data,
so an officer can walk it through approval and submission. Idempotent: a second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from dondoc.plans.models import Plan, TaskAgency

from . import services


def seed_reports(plans: list[Plan], *, manager: Any, focal: Any) -> int:
    """Returns how many report drafts exist for the focal officer's agency after the run."""
    drafted = 0
    for plan in plans:
        try:
            services.ensure_periods(plan, manager)
        except ValidationError:
            continue  # a plan without a year has no default periods
        if focal.agency_id is None or not TaskAgency.objects.filter(
                task__plan=plan, agency_id=focal.agency_id, role=TaskAgency.Role.LEAD).exists():
            continue
        first = plan.report_periods.order_by("submit_by", "pk").first()
        if first is not None:
            services.open_report(first, actor=focal)
            drafted += 1
    return drafted
