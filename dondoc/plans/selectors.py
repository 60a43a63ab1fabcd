"""Reads for plans and tasks: lists with filters, accent-free search, what each user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from dondoc.accounts import policy
from dondoc.importer.text import key

from .models import ImportDraft, Milestone, Plan, Task, TaskAgency


def plans(*, query: str = "", year: int | None = None, owner: int | None = None, level: str = "",
          area: str = "") -> QuerySet[Plan]:
    qs = Plan.objects.select_related("owner", "owner__level", "parent").annotate(task_count=Count("tasks"))
    for word in key(query).split():
        qs = qs.filter(search_key__contains=word)
    if year:
        qs = qs.filter(year=year)
    if owner:
        qs = qs.filter(owner_id=owner)
    if level:
        qs = qs.filter(owner__level__code=level)
    if area:
        qs = qs.filter(sections__area=area).distinct()
    return qs


def plan_years() -> list[int]:
    return sorted({y for y in Plan.objects.values_list("year", flat=True) if y}, reverse=True)


def tasks_of(plan: Plan) -> QuerySet[Task]:
    return (plan.tasks.select_related("section")
            .prefetch_related(Prefetch("task_agencies", queryset=TaskAgency.objects.select_related("agency")),
                              "milestones"))


def search_tasks(query: str, *, limit: int = 50) -> QuerySet[Task]:
    words = key(query).split()
    if not words:
        return Task.objects.none()
    qs = Task.objects.select_related("plan", "section")
    for word in words:
        qs = qs.filter(search_key__contains=word)
    return qs[:limit]


def leads_summary(plan: Plan) -> list[dict[str, Any]]:
    """Who leads what: agencies with the number of tasks they lead and coordinate in the plan."""
    rows = (TaskAgency.objects.filter(task__plan=plan)
            .values("agency_id", "agency__name", "agency__is_group")
            .annotate(lead=Count("pk", filter=Q(role=TaskAgency.Role.LEAD)),
                      coordinating=Count("pk", filter=Q(role=TaskAgency.Role.COORDINATING)))
            .order_by("-lead", "-coordinating", "agency__name"))
    return list(rows)


def timeline(plan: Plan) -> list[dict[str, Any]]:
    """Due dates of the plan's tasks by month: [{month: date, count: n}] in order."""
    counts: dict[Any, int] = {}
    for due in Milestone.objects.filter(task__plan=plan, kind=Milestone.Kind.DUE).values_list("due_date", flat=True):
        if due:
            month = due.replace(day=1)
            counts[month] = counts.get(month, 0) + 1
    return [{"month": m, "count": c} for m, c in sorted(counts.items())]


def drafts_for(user: Any) -> QuerySet[ImportDraft]:
    qs = ImportDraft.objects.select_related("uploaded_by", "agency", "result", "replaces")
    if policy.is_manager(user):
        return qs
    if not policy.can_import(user):
        return qs.none()
    return qs.filter(agency_id=user.agency_id)


def tasks_of_all() -> QuerySet[Task]:
    return (Task.objects.select_related("plan", "section", "parent_task", "parent_task__plan")
            .prefetch_related(Prefetch("task_agencies", queryset=TaskAgency.objects.select_related("agency")),
                              "milestones"))
