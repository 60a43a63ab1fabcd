"""Reads of the follow-up: a task's state for display, work queues, the overdue board, the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from dondoc.plans.models import CLOSED, Milestone, Status, Task, TaskAgency

from . import rules
from .models import Extension, ProgressUpdate


def task_start(task: Task) -> date | None:
    """When the work could start: the plan's issue date, else the first day of its year."""
    if task.plan.issued_date:
        return task.plan.issued_date
    return date(task.plan.year, 1, 1) if task.plan.year else None


@dataclass
class TaskState:
    """What a task page, a queue row and a board row show about where a task stands."""

    task: Task
    overdue: bool
    at_risk: bool
    time_used: float | None
    completion: str
    days_late: int

    @property
    def label(self) -> str:
        if self.completion:
            return self.completion
        if self.overdue:
            return "Quá hạn"
        return self.task.get_status_display()


def state(task: Task, today: date) -> TaskState:
    start = task_start(task)
    overdue = rules.is_overdue(task.status, task.due_date, today)
    return TaskState(
        task=task, overdue=overdue,
        at_risk=rules.at_risk(task.status, task.progress, start, task.due_date, today, settings.DONDOC_AT_RISK_GAP),
        time_used=rules.time_used(start, task.due_date, today),
        completion=rules.completion_label(task.status, task.due_date, task.completed_on),
        days_late=(today - task.due_date).days if overdue and task.due_date else 0)


def tasks_with_agencies() -> QuerySet[Task]:
    return Task.objects.select_related("plan", "section").prefetch_related(
        Prefetch("task_agencies", queryset=TaskAgency.objects.select_related("agency")))


def open_tasks() -> QuerySet[Task]:
    return Task.objects.exclude(status__in=CLOSED)


def overdue_tasks(today: date) -> QuerySet[Task]:
    return tasks_with_agencies().exclude(status__in=CLOSED).filter(due_date__lt=today)


def due_soon_tasks(today: date, days: int | None = None) -> QuerySet[Task]:
    days = settings.DONDOC_REMIND_DAYS if days is None else days
    return tasks_with_agencies().exclude(status__in=CLOSED).filter(due_date__gte=today,
                                                                   due_date__lte=today + timedelta(days=days))


def led_by(agency_id: int) -> QuerySet[Task]:
    return tasks_with_agencies().filter(task_agencies__agency_id=agency_id,
                                        task_agencies__role=TaskAgency.Role.LEAD).distinct()


def coordinated_by(agency_id: int) -> QuerySet[Task]:
    return tasks_with_agencies().filter(task_agencies__agency_id=agency_id,
                                        task_agencies__role=TaskAgency.Role.COORDINATING).distinct()


def updates_of(task: Task) -> QuerySet[ProgressUpdate]:
    return task.updates.select_related("author", "agency", "milestone").prefetch_related("evidence")


def extensions_of(task: Task) -> QuerySet[Extension]:
    return task.extensions.select_related("requested_by", "decided_by", "agency")


def pending_extensions() -> QuerySet[Extension]:
    return Extension.objects.filter(decision=Extension.Decision.PENDING).select_related(
        "task", "task__plan", "agency", "requested_by")


def occurrences_of(task: Task) -> QuerySet[Milestone]:
    return task.milestones.filter(kind=Milestone.Kind.OCCURRENCE).order_by("due_date")


def audit_trail(task: Task, limit: int = 200) -> list[LogEntry]:
    """Every recorded change of the task and of its milestones, links, updates, evidence and extensions."""
    task_type = ContentType.objects.get_for_model(Task)
    entries = (LogEntry.objects.filter(Q(content_type=task_type, object_pk=str(task.pk))
                                       | Q(additional_data__task=task.pk))
               .select_related("actor", "content_type").order_by("-timestamp", "-id"))
    return list(entries[:limit])


def status_counts(tasks: QuerySet[Task], today: date) -> dict[str, Any]:
    counts = {s.value: 0 for s in Status}
    for status in tasks.values_list("status", flat=True):
        counts[status] += 1
    counts["overdue"] = tasks.exclude(status__in=CLOSED).filter(due_date__lt=today).count()
    return counts
