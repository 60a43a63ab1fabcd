"""Reads of the API: what a user may see (accounts.policy decides), with the filters the reporting system asks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.indicators.models import TargetActual
from dondoc.plans.models import Milestone, Plan, Target, Task, TaskAgency
from dondoc.reports.models import Report
from dondoc.tracking.models import Evidence, ProgressUpdate


def agencies() -> QuerySet[Agency]:
    return Agency.objects.select_related("level").order_by("pk")


def plans(user: Any, *, year: int | None = None, agency: int | None = None,
          updated_since: datetime | None = None) -> QuerySet[Plan]:
    # counted per plan returned (a page), not grouped over every task of the province before the page is cut
    tasks_of_plan = Task.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk"))
    qs = (Plan.objects.filter(policy.visible_plan_filter(user)).select_related("owner")
          .annotate(task_count=Coalesce(Subquery(tasks_of_plan.values("n")), 0)).order_by("pk"))
    if year:
        qs = qs.filter(year=year)
    if agency:
        qs = qs.filter(owner_id=agency)
    if updated_since:
        qs = qs.filter(updated_at__gte=updated_since)
    return qs


def tasks(user: Any, *, plan: int | None = None, agency: int | None = None, status: str = "",
          year: int | None = None, updated_since: datetime | None = None) -> QuerySet[Task]:
    qs = (Task.objects.filter(policy.visible_task_filter(user)).select_related("plan", "section")
          .prefetch_related(Prefetch("task_agencies", queryset=TaskAgency.objects.select_related("agency")))
          .order_by("pk"))
    if plan:
        qs = qs.filter(plan_id=plan)
    if agency:
        qs = qs.filter(pk__in=TaskAgency.objects.filter(agency_id=agency).values("task_id"))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(plan__year=year)
    if updated_since:  # a task changes through its updates (progress, status, approval …)
        qs = qs.filter(pk__in=ProgressUpdate.objects.filter(created_at__gte=updated_since).values("task_id"))
    return qs


def milestones(user: Any, *, plan: int | None = None, task: int | None = None, agency: int | None = None,
               status: str = "", year: int | None = None) -> QuerySet[Milestone]:
    qs = Milestone.objects.filter(policy.visible_task_filter(user, "task__")).order_by("pk")
    if plan:
        qs = qs.filter(task__plan_id=plan)
    if task:
        qs = qs.filter(task_id=task)
    if agency:
        qs = qs.filter(task_id__in=TaskAgency.objects.filter(agency_id=agency).values("task_id"))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(task__plan__year=year)
    return qs


def progress_updates(user: Any, *, plan: int | None = None, task: int | None = None, agency: int | None = None,
                     status: str = "", year: int | None = None,
                     updated_since: datetime | None = None) -> QuerySet[ProgressUpdate]:
    qs = (ProgressUpdate.objects.filter(policy.visible_task_filter(user, "task__"))
          .select_related("author", "agency")
          .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
          .order_by("pk"))
    if plan:
        qs = qs.filter(task__plan_id=plan)
    if task:
        qs = qs.filter(task_id=task)
    if agency:
        qs = qs.filter(agency_id=agency)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(task__plan__year=year)
    if updated_since:
        qs = qs.filter(created_at__gte=updated_since)
    return qs


def reports(user: Any, *, period: int | None = None, plan: int | None = None, agency: int | None = None,
            year: int | None = None, scope: str = "", submitted_since: datetime | None = None) -> QuerySet[Report]:
    """Submitted periodic reports (every submitted version; drafts and reports awaiting approval never): managers
    read all, an agency's user its agency's (accounts.policy.visible_report_filter)."""
    qs = (Report.objects.filter(policy.visible_report_filter(user), state=Report.State.SUBMITTED)
          .select_related("period", "agency", "approved_by").order_by("pk"))
    if period:
        qs = qs.filter(period_id=period)
    if plan:
        qs = qs.filter(period__plan_id=plan)
    if agency:
        qs = qs.filter(agency_id=agency)
    if year:
        qs = qs.filter(period__plan__year=year)
    if scope:
        qs = qs.filter(scope=scope)
    if submitted_since:
        qs = qs.filter(submitted_at__gte=submitted_since)
    return qs


def targets(user: Any, *, plan: int | None = None, year: int | None = None, metric: str = "") -> QuerySet[Target]:
    """The targets of the plans the user reads through the API, with their actuals."""
    actuals = TargetActual.objects.select_related("period").order_by("period__data_to", "agency_id")
    qs = (Target.objects.filter(plan__in=Plan.objects.filter(policy.visible_plan_filter(user)))
          .select_related("plan").prefetch_related("agencies", Prefetch("actuals", queryset=actuals))
          .order_by("plan_id", "order", "pk"))
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if year is not None:
        qs = qs.filter(plan__year=year)
    if metric:
        qs = qs.filter(metric=metric)
    return qs
