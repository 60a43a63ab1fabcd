"""Reads of the follow-up: a task's state for display, work queues, the overdue board, the audit trail."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from dondoc.agencies.models import Agency
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.importer.text import key
from dondoc.plans.models import CLOSED, Milestone, Plan, Section, Status, Task, TaskAgency

from . import rules
from .models import BulkUpload, Evidence, Extension, ProgressUpdate, UrgingLetter


def plan_start(issued: date | None, year: int | None) -> date | None:
    """When a plan's work could start: its issue date, else the first day of its year."""
    if issued:
        return issued
    return date(year, 1, 1) if year else None


def task_start(task: Task) -> date | None:
    return plan_start(task.plan.issued_date, task.plan.year)


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


def due_soon_tasks(today: date, days: int | None = None) -> QuerySet[Task]:
    days = settings.DONDOC_REMIND_DAYS if days is None else days
    return tasks_with_agencies().exclude(status__in=CLOSED).filter(due_date__gte=today,
                                                                   due_date__lte=today + timedelta(days=days))


def _in_role(agency_id: int, role: str) -> QuerySet[Task]:
    # by the task ids of the agency's links, not a join: a join needs DISTINCT over every column of the task
    # (its texts too), which PostgreSQL sorts for each list and each count of the work queue
    links = TaskAgency.objects.filter(agency_id=agency_id, role=role).values("task_id")
    return tasks_with_agencies().filter(pk__in=links)


def led_by(agency_id: int) -> QuerySet[Task]:
    return _in_role(agency_id, TaskAgency.Role.LEAD)


def coordinated_by(agency_id: int) -> QuerySet[Task]:
    return _in_role(agency_id, TaskAgency.Role.COORDINATING)


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


# --- the task page, the work queue, extensions ------------------------------------------------------------------

def conditional_milestones(task: Task) -> list[Milestone]:
    return [m for m in task.milestones.all() if m.kind == Milestone.Kind.CONDITIONAL]


def recurring_milestones(task: Task) -> list[Milestone]:
    return [m for m in task.milestones.all() if m.kind == Milestone.Kind.RECURRING]


def pending_extension_of(task: Task) -> Extension | None:
    return extensions_of(task).filter(decision=Extension.Decision.PENDING).first()


def evidence_item(pk: int) -> Evidence:
    """One evidence record with its task (for the download view); raises Evidence.DoesNotExist."""
    return Evidence.objects.select_related("update", "update__task").get(pk=pk)


def decided_extensions(limit: int = 100) -> QuerySet[Extension]:
    return (Extension.objects.exclude(decision=Extension.Decision.PENDING)
            .select_related("task", "task__plan", "agency", "requested_by", "decided_by")
            .order_by("-decided_at", "-pk")[:limit])


@dataclass
class AuditChange:
    field: str
    old: str
    new: str


@dataclass
class AuditRow:
    """One line of a task's audit trail: who changed which record when, and each field's old → new value."""

    when: Any
    actor: str
    action: str
    what: str
    changes: list[AuditChange]
    created: bool = False


AUDIT_ACTIONS = {LogEntry.Action.CREATE: "Tạo", LogEntry.Action.UPDATE: "Sửa", LogEntry.Action.DELETE: "Xóa",
                 LogEntry.Action.ACCESS: "Xem"}
AUDIT_HIDDEN = {"id", "task", "update", "template", "search_key", "version", "sha256", "file"}
EMPTY = "—"
NAMELESS = re.compile(r" object \(\d+\)$")  # a model without __str__


def _audit_field(model: Any, name: str) -> Any:
    """The model field a change names; False for a reverse relation (not a change of this record)."""
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field if field is None or getattr(field, "concrete", False) else False


def _audit_value(field: Any, raw: Any, names: dict[tuple[Any, str], str]) -> str:
    if raw is None or raw in ("None", ""):
        return EMPTY
    text = str(raw)
    if field is None:
        return text[:200]
    if field.choices:
        return str(dict(field.choices).get(text, text))
    if field.is_relation:
        return names.get((field.related_model, text), text)
    kind = field.get_internal_type()
    try:
        if kind == "DateField":
            return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
        if kind == "DateTimeField":
            return timezone.localtime(datetime.fromisoformat(text)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return text
    if kind == "BooleanField":
        return {"True": "có", "False": "không"}.get(text, text)
    return text if len(text) <= 200 else text[:199] + "…"


def audit_rows(task: Task, limit: int = 100) -> list[AuditRow]:
    """The task's audit trail (django-auditlog) for display: related records' names fetched once, not per field."""
    entries = audit_trail(task, limit)
    wanted: dict[Any, set[Any]] = {}
    parsed: list[tuple[LogEntry, Any, list[tuple[Any, str, Any, Any]]]] = []
    for entry in entries:
        model = entry.content_type.model_class()
        fields = []
        for name, values in (entry.changes_dict or {}).items():
            if name in AUDIT_HIDDEN or not isinstance(values, list | tuple) or len(values) != 2:
                continue
            field = _audit_field(model, name)
            if field is False:
                continue
            if field is not None and field.is_relation and field.related_model is not None:
                for raw in values:
                    if raw not in (None, "None", ""):
                        with contextlib.suppress(ValidationError):
                            wanted.setdefault(field.related_model, set()).add(
                                field.related_model._meta.pk.to_python(raw))
            fields.append((field, name, values[0], values[1]))
        parsed.append((entry, model, fields))
    names = {(related, str(pk)): str(obj) for related, pks in wanted.items()
             for pk, obj in related._default_manager.in_bulk(list(pks)).items()}
    rows = []
    for entry, model, fields in parsed:
        changes = [AuditChange(str(f.verbose_name) if f is not None else name, _audit_value(f, old, names),
                               _audit_value(f, new, names)) for f, name, old, new in fields]
        if entry.action == LogEntry.Action.UPDATE:
            changes = [c for c in changes if c.old != c.new]
        elif entry.action == LogEntry.Action.CREATE:
            changes = [c for c in changes if c.new != EMPTY]
        what = str(model._meta.verbose_name) if model is not None else entry.content_type.model
        name = entry.object_repr if not NAMELESS.search(entry.object_repr) else f"#{entry.object_pk}"
        rows.append(AuditRow(when=entry.timestamp, actor=str(entry.actor) if entry.actor else "Hệ thống",
                             action=AUDIT_ACTIONS.get(entry.action, ""), what=f"{what}: {name}"[:300],
                             changes=changes, created=entry.action == LogEntry.Action.CREATE))
    return rows


@dataclass
class WorkQueue:
    """An agency's work (or the whole province's): late, due soon, at risk, waiting for the leader's approval,
    coordinated for others, recurring periods to report, extension requests under review."""

    overdue: list[TaskState]
    due_soon: list[TaskState]
    at_risk: list[TaskState]
    awaiting_approval: list[TaskState]
    coordinating: list[TaskState]
    periods: list[Milestone]
    extensions: list[Extension]
    counts: dict[str, int]


def _queue_filter(qs: QuerySet[Task], query: str, plan: int | None, area: str, status: str) -> QuerySet[Task]:
    for word in key(query).split():
        qs = qs.filter(search_key__contains=word)
    if plan:
        qs = qs.filter(plan_id=plan)
    if area:
        qs = qs.filter(section__area=area)
    if status:
        qs = qs.filter(status=status)
    return qs


def work_queue(today: date, *, agency_id: int | None, whole_province: bool = False, query: str = "",
               plan: int | None = None, area: str = "", status: str = "", days: int | None = None,
               limit: int = 200) -> WorkQueue:
    """The lists of one agency's work queue (the tasks it leads, and those it coordinates), or with
    `whole_province` and no agency, every task's. Filters: accent-free words, plan, area, status."""
    days = settings.DONDOC_REMIND_DAYS if days is None else days
    if agency_id:
        led = led_by(agency_id)
        coordinated = coordinated_by(agency_id).exclude(pk__in=led.values("pk"))
    elif whole_province:
        led, coordinated = tasks_with_agencies(), Task.objects.none()
    else:
        led = coordinated = Task.objects.none()
    led = _queue_filter(led, query, plan, area, status)
    coordinated = _queue_filter(coordinated, query, plan, area, status)
    open_led = led.exclude(status__in=CLOSED)

    def states(qs: QuerySet[Task]) -> list[TaskState]:
        return [state(t, today) for t in qs[:limit]]

    overdue = open_led.filter(due_date__lt=today).order_by("due_date", "pk")
    due_soon = open_led.filter(due_date__gte=today, due_date__lte=today + timedelta(days=days)).order_by("due_date",
                                                                                                         "pk")
    risky = _at_risk(open_led.filter(due_date__gte=today), today, limit)
    awaiting = led.filter(status=Status.AWAITING_APPROVAL).order_by("due_date", "pk")
    coordinating = coordinated.exclude(status__in=CLOSED).order_by(F("due_date").asc(nulls_last=True), "pk")
    periods = (Milestone.objects.filter(kind=Milestone.Kind.OCCURRENCE, task__in=open_led.values("pk"),
                                        due_date__lte=today + timedelta(days=days))
               .exclude(status__in=CLOSED).select_related("task", "task__plan").order_by("due_date", "pk"))
    extensions = pending_extensions().filter(task__in=led.values("pk")).order_by("created_at")
    counts = {"overdue": overdue.count(), "due_soon": due_soon.count(), "at_risk": risky.count,
              "awaiting_approval": awaiting.count(), "coordinating": coordinating.count(),
              "periods": periods.count(), "extensions": extensions.count(), "led": led.count()}
    return WorkQueue(overdue=states(overdue), due_soon=states(due_soon), at_risk=risky.rows,
                     awaiting_approval=states(awaiting), coordinating=states(coordinating),
                     periods=list(periods[:limit]), extensions=list(extensions[:limit]), counts=counts)


@dataclass
class AtRisk:
    count: int
    rows: list[TaskState]  # the most behind first, at most the queue's limit


def _at_risk(not_yet_due: QuerySet[Task], today: date, limit: int) -> AtRisk:
    """The open tasks not yet due whose progress lags the time used (rules.at_risk). Judged on a few columns of
    every such task (a province has thousands), then only the rows shown are read whole, with their agencies."""
    gap = settings.DONDOC_AT_RISK_GAP
    found = []
    for pk, status, progress, due, issued, year in not_yet_due.order_by().values_list(
            "pk", "status", "progress", "due_date", "plan__issued_date", "plan__year"):
        start = plan_start(issued, year)
        if rules.at_risk(status, progress, start, due, today, gap):
            found.append((progress - (rules.time_used(start, due, today) or 0) * 100, due, pk))
    found.sort()
    shown = [pk for _lag, _due, pk in found[:limit]]
    tasks = tasks_with_agencies().in_bulk(shown)
    return AtRisk(count=len(found), rows=[state(tasks[pk], today) for pk in shown])


def queue_choices(agency_id: int | None, whole_province: bool) -> dict[str, Any]:
    """What the work queue's filters offer: the plans with tasks in scope, the areas, the statuses, and for
    managers the agencies that lead tasks."""
    if agency_id:
        tasks = TaskAgency.objects.filter(agency_id=agency_id).values("task_id")
        plans = Plan.objects.filter(tasks__in=tasks).distinct()
    elif whole_province:
        plans = Plan.objects.filter(tasks__isnull=False).distinct()
    else:
        plans = Plan.objects.none()
    leads = TaskAgency.objects.filter(role=TaskAgency.Role.LEAD).values("agency_id")
    agencies = Agency.objects.filter(pk__in=leads).order_by("name") if whole_province else Agency.objects.none()
    return {"plans": plans.order_by("-year", "number"), "areas": list(AREA_NAMES.items()),
            "statuses": Status.choices, "agencies": agencies}


# --- the overdue board, urging letters, bulk updates, the plan timeline, agency calendars ---------------------

NO_LEAD = "Chưa xác định cơ quan chủ trì"
OTHER_AREA = ("khac", "Khác")  # tasks whose section names no standard area


@dataclass
class BoardRow:
    """One overdue task on the board: how many days late and which agencies lead it."""

    task: Task
    days_late: int
    leads: list[Agency]


@dataclass
class BoardGroup:
    """One lead agency's or one reform area's overdue tasks: how many, the latest due date missed, and the most
    late of them (all of them when the board is narrowed to this group)."""

    key: str
    name: str
    rows: list[BoardRow]
    agency: Agency | None = None
    count: int = 0
    most_days_late: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


@dataclass
class OverdueBoard:
    total: int
    groups: list[BoardGroup]  # the page's
    grouped_by: str  # "co_quan" (lead agency) or "linh_vuc" (reform area)
    page: int = 1
    pages: int = 1


#: rows per group on the whole board, and agencies per page: a province has thousands of overdue tasks over some
#: 250 agencies, and the board is for choosing whom to urge; each group links to the board narrowed to it, which
#: lists all its rows
BOARD_ROWS = 10
BOARD_GROUPS = 20
BY_AGENCY, BY_AREA = "co_quan", "linh_vuc"


def _overdue_filtered(today: date, *, plan: int | None, year: int | None, area: str, agency: int | None,
                      query: str) -> QuerySet[Task]:
    qs = open_tasks().filter(due_date__lt=today)
    if plan:
        qs = qs.filter(plan_id=plan)
    if year:
        qs = qs.filter(plan__year=year)
    if area == OTHER_AREA[0]:
        qs = qs.filter(Q(section__isnull=True) | Q(section__area="") | ~Q(section__area__in=list(AREA_NAMES)))
    elif area:
        qs = qs.filter(section__area=area)
    if agency:
        qs = qs.filter(pk__in=TaskAgency.objects.filter(agency_id=agency, role=TaskAgency.Role.LEAD).values("task_id"))
    for word in key(query).split():
        qs = qs.filter(search_key__contains=word)
    return qs


def _area_code(area: str | None) -> str:
    return area if area in AREA_NAMES else OTHER_AREA[0]


def _rank(partition: Any) -> Window:
    """Each row's place in its group, most late first (then plan and plan order)."""
    return Window(RowNumber(), partition_by=[partition],
                  order_by=[F("due_date").asc(), F("plan_id").asc(), F("order").asc(), F("pk").asc()])


def _rows(tasks: QuerySet[Task], today: date) -> list[BoardRow]:
    tasks = tasks.select_related("plan", "section").prefetch_related(
        Prefetch("task_agencies", queryset=TaskAgency.objects.filter(role=TaskAgency.Role.LEAD)
                 .select_related("agency")))
    return [BoardRow(task=t, days_late=(today - t.due_date).days, leads=[ta.agency for ta in t.task_agencies.all()])
            for t in tasks.order_by("due_date", "plan_id", "order", "pk")]


def overdue_board(today: date, *, plan: int | None = None, year: int | None = None, area: str = "",
                  agency: int | None = None, query: str = "", group_by: str = BY_AGENCY,
                  every_row: bool = False, page: int = 1) -> OverdueBoard:
    """Open tasks past their due date, filtered (plan, plan year, area, lead agency, accent-free words) and
    grouped by lead agency (a task with two leads is in both groups) or by reform area, the groups with most tasks
    first, each group's most late first. A group shows BOARD_ROWS rows unless the board is narrowed to it (or
    `every_row`); agencies come BOARD_GROUPS to a `page`.

    The groups' sizes come from one aggregate and the rows from one windowed query, so the board costs the same
    few queries for ten overdue tasks or ten thousand."""
    tasks = _overdue_filtered(today, plan=plan, year=year, area=area, agency=agency, query=query)
    limit = None if every_row else BOARD_ROWS
    unled = ~Exists(TaskAgency.objects.filter(task_id=OuterRef("pk"), role=TaskAgency.Role.LEAD))
    sums = tasks.order_by().aggregate(total=Count("pk"), unled=Count("pk", filter=unled),
                                      first_unled=Min("due_date", filter=unled))
    total = sums["total"]
    if group_by == BY_AREA:
        return OverdueBoard(total=total, groups=_by_area(tasks, today, None if area else limit), grouped_by=group_by)
    unled_size = {"n": 0, "first_due": None} if agency else {"n": sums["unled"], "first_due": sums["first_unled"]}
    groups, pages = _by_agency(tasks, today, agency, None if agency else limit, page, unled_size)
    return OverdueBoard(total=total, groups=groups, grouped_by=group_by, page=min(max(page, 1), pages), pages=pages)


def _by_agency(tasks: QuerySet[Task], today: date, agency: int | None, limit: int | None, page: int,
               unled_size: dict[str, Any]) -> tuple[list[BoardGroup], int]:
    leads = TaskAgency.objects.filter(role=TaskAgency.Role.LEAD, task__in=tasks)
    if agency:
        leads = leads.filter(agency_id=agency)
    sizes = {row["agency_id"]: row for row in leads.order_by().values("agency_id").annotate(
        n=Count("task_id", distinct=True), first_due=Min("task__due_date"))}
    names = dict(Agency.objects.filter(pk__in=list(sizes)).values_list("pk", "name"))
    groups = sorted([BoardGroup(key=str(pk), name=names[pk], rows=[], count=size["n"],
                                most_days_late=(today - size["first_due"]).days) for pk, size in sizes.items()],
                    key=lambda g: (-g.count, key(g.name)))
    if unled_size["n"]:
        groups.append(BoardGroup(key="", name=NO_LEAD, rows=[], count=unled_size["n"],
                                 most_days_late=(today - unled_size["first_due"]).days))
    pages = max(1, -(-len(groups) // BOARD_GROUPS))
    start = (min(max(page, 1), pages) - 1) * BOARD_GROUPS
    groups = groups[start:start + BOARD_GROUPS]
    by_pk = {int(g.key): g for g in groups if g.key}
    for agency_obj in Agency.objects.filter(pk__in=list(by_pk)):
        by_pk[agency_obj.pk].agency = agency_obj
    shown = tasks.filter(task_agencies__role=TaskAgency.Role.LEAD).annotate(
        lead_id=F("task_agencies__agency_id")).filter(lead_id__in=list(by_pk))
    if limit is not None:
        shown = shown.annotate(place=_rank(F("lead_id"))).filter(place__lte=limit)
    placed: dict[int, list[int]] = {}
    for task_id, lead_id in shown.order_by().values_list("pk", "lead_id"):
        placed.setdefault(task_id, []).append(lead_id)
    for row in _rows(Task.objects.filter(pk__in=list(placed)), today):
        for lead_id in placed[row.task.pk]:
            by_pk[lead_id].rows.append(row)
    if groups and not groups[-1].key:  # all of them: no filter narrows the board to tasks without a lead; few
        groups[-1].rows = _rows(tasks.exclude(task_agencies__role=TaskAgency.Role.LEAD), today)
    return groups, pages


def _by_area(tasks: QuerySet[Task], today: date, limit: int | None) -> list[BoardGroup]:
    area = Coalesce(F("section__area"), Value(""))
    groups: dict[str, BoardGroup] = {}
    for row in tasks.order_by().annotate(code=area).values("code").annotate(n=Count("pk"), first_due=Min("due_date")):
        code = _area_code(row["code"])
        group = groups.setdefault(code, BoardGroup(key=code, name=AREA_NAMES.get(code, OTHER_AREA[1]), rows=[]))
        group.count += row["n"]
        group.most_days_late = max(group.most_days_late, (today - row["first_due"]).days)
    shown = tasks if limit is None else tasks.annotate(place=_rank(area)).filter(place__lte=limit)
    for row in _rows(Task.objects.filter(pk__in=list(shown.values_list("pk", flat=True))), today):
        groups[_area_code(row.task.area)].rows.append(row)
    order = [*AREA_NAMES, OTHER_AREA[0]]
    for group in groups.values():  # areas outside the standard seven share "Khác": its rows in the board's order
        group.rows.sort(key=lambda r: (r.task.due_date, r.task.plan_id, r.task.order, r.task.pk))
        if limit is not None:
            del group.rows[limit:]
    return sorted(groups.values(), key=lambda g: order.index(g.key))


def board_choices(today: date) -> dict[str, Any]:
    """What the board's filters offer: plans, years and lead agencies that have overdue tasks, and the areas."""
    late = Task.objects.exclude(status__in=CLOSED).filter(due_date__lt=today)
    plans = list(Plan.objects.filter(pk__in=late.values("plan_id")).order_by("-year", "number"))
    return {
        "plans": plans,
        "years": sorted({p.year for p in plans if p.year}, reverse=True),
        "areas": [*AREA_NAMES.items(), OTHER_AREA],
        "agencies": Agency.objects.filter(pk__in=TaskAgency.objects.filter(
            task__in=late, role=TaskAgency.Role.LEAD).values("agency_id")).order_by("name"),
    }


def overdue_of_agency(agency_id: int, today: date, task_ids: set[int] | None = None) -> list[BoardRow]:
    """The overdue tasks an agency leads (those chosen, when task_ids is given), for its urging letter."""
    groups = overdue_board(today, agency=agency_id, every_row=True).groups
    rows = groups[0].rows if groups else []
    return [r for r in rows if task_ids is None or r.task.pk in task_ids]


def urging_letters(agency_id: int | None = None) -> QuerySet[UrgingLetter]:
    qs = UrgingLetter.objects.select_related("agency", "created_by").prefetch_related("tasks")
    return qs.filter(agency_id=agency_id) if agency_id else qs


def bulk_tasks(agency_id: int) -> QuerySet[Task]:
    """The open tasks an agency leads, in plan order: the rows of its progress workbook."""
    return led_by(agency_id).exclude(status__in=CLOSED).order_by("-plan__year", "plan_id", "order", "pk")


def bulk_uploads_of(agency_id: int | None) -> QuerySet[BulkUpload]:
    return BulkUpload.objects.filter(agency_id=agency_id).select_related("user")


@dataclass
class GanttMarker:
    left: float
    day: date
    label: str
    css: str


@dataclass
class GanttRow:
    task: Task
    state: TaskState
    css: str
    markers: list[GanttMarker]
    bar_left: float | None = None
    bar_width: float | None = None
    note: str = ""


@dataclass
class Gantt:
    start: date
    end: date  # the first day after the last month shown
    months: list[date]
    sections: list[tuple[Section | None, list[GanttRow]]]
    today_left: float | None


def _month_add(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _bar_css(state: TaskState) -> str:
    status = state.task.status
    if status in (Status.DONE, Status.CANCELLED, Status.PAUSED):
        return {Status.DONE: "done", Status.CANCELLED: "cancelled", Status.PAUSED: "paused"}[status]
    if state.overdue:
        return "overdue"
    if state.at_risk:
        return "risk"
    return "todo" if status == Status.NOT_STARTED else "doing"


GANTT_MAX_MONTHS = 36


def plan_gantt(plan: Plan, today: date) -> Gantt:
    """The plan's tasks on a month grid: a bar from the plan's start to each task's due date, a marker per due
    date and per reporting period, coloured by status (overdue, at risk, done …). The grid spans the plan year,
    widened to the due dates outside it (at most three years); without a year, the span of the due dates."""
    tasks = list(Task.objects.filter(plan=plan).select_related("plan", "section")
                 .prefetch_related("milestones").order_by("section__order", "order", "pk"))
    dates = [d for t in tasks for d in [t.due_date, *(m.due_date for m in t.milestones.all())] if d]
    if plan.year:
        first, last = date(plan.year, 1, 1), date(plan.year, 12, 1)
    elif dates:
        first, last = min(dates).replace(day=1), max(dates).replace(day=1)
    else:
        first = last = (plan.issued_date or today).replace(day=1)
    if dates:
        first, last = min(first, min(dates).replace(day=1)), max(last, max(dates).replace(day=1))
    last = min(last, _month_add(first, GANTT_MAX_MONTHS - 1))
    end = _month_add(last, 1)
    months, m = [], first
    while m < end:
        months.append(m)
        m = _month_add(m, 1)
    span = (end - first).days

    def pos(day: date) -> float:
        return round(min(max((day - first).days / span, 0.0), 1.0) * 100, 3)

    def end_of(day: date) -> float:  # a marker sits where that day ends, as the bar does
        return pos(day + timedelta(days=1))

    sections: dict[Section | None, list[GanttRow]] = {}
    for task in tasks:
        st = state(task, today)
        row = GanttRow(task=task, state=st, css=_bar_css(st), markers=[])
        start = task_start(task) or first
        if task.due_date:
            row.bar_left = pos(start)
            row.bar_width = max(end_of(task.due_date) - row.bar_left, 0.6)
        elif task.continuous:
            row.bar_left, row.bar_width, row.note = pos(start), 100 - pos(start), "Thường xuyên"
        else:
            row.note = "Theo điều kiện" if task.conditional else "Chưa có hạn"
        milestones = list(task.milestones.all())
        has_occurrences = any(ms.kind == Milestone.Kind.OCCURRENCE for ms in milestones)
        for ms in milestones:
            if ms.kind == Milestone.Kind.RECURRING and not has_occurrences and plan.year:
                for period in rules.periods(ms.rhythm, plan.year):
                    if first <= period.due < end:
                        row.markers.append(GanttMarker(end_of(period.due), period.due, period.label, "planned"))
                continue
            if not ms.due_date or not first <= ms.due_date < end:
                continue
            if ms.kind == Milestone.Kind.OCCURRENCE:
                css = ("done" if ms.status in CLOSED else
                       "overdue" if rules.is_overdue(ms.status, ms.due_date, today) else "open")
                row.markers.append(GanttMarker(end_of(ms.due_date), ms.due_date, ms.label, f"occurrence {css}"))
            elif ms.kind in (Milestone.Kind.DUE, Milestone.Kind.CONDITIONAL):
                row.markers.append(GanttMarker(end_of(ms.due_date), ms.due_date, "Hạn hoàn thành", f"due {row.css}"))
        if task.due_date and first <= task.due_date < end and not any(
                mk.day == task.due_date and mk.css.startswith("due") for mk in row.markers):
            row.markers.append(GanttMarker(end_of(task.due_date), task.due_date, "Hạn hiện hành", f"due {row.css}"))
        row.markers.sort(key=lambda mk: mk.day)
        sections.setdefault(task.section, []).append(row)
    return Gantt(start=first, end=end, months=months, sections=list(sections.items()),
                 today_left=pos(today) if first <= today < end else None)


@dataclass
class Deadline:
    """One date an agency must meet: a task's due date or one period of a recurring task."""

    uid: str
    day: date
    task: Task
    label: str
    role: str


def agency_deadlines(agency_id: int) -> list[Deadline]:
    """The due dates of the open tasks an agency leads or coordinates, and their open reporting periods."""
    open_periods = Milestone.objects.filter(kind=Milestone.Kind.OCCURRENCE, due_date__isnull=False).exclude(
        status__in=CLOSED).order_by("due_date")
    tasks = (tasks_with_agencies().filter(pk__in=TaskAgency.objects.filter(agency_id=agency_id).values("task_id"))
             .exclude(status__in=CLOSED)
             .prefetch_related(Prefetch("milestones", queryset=open_periods, to_attr="open_periods"))
             .order_by("due_date", "pk"))
    out: list[Deadline] = []
    for task in tasks:
        role = (TaskAgency.Role.LEAD.label if agency_id in task.lead_agency_ids()
                else TaskAgency.Role.COORDINATING.label)
        if task.due_date:
            out.append(Deadline(f"task-{task.pk}", task.due_date, task, "", role))
        for period in task.open_periods:
            out.append(Deadline(f"occurrence-{period.pk}", period.due_date, task, period.label, role))
    return sorted(out, key=lambda d: (d.day, d.uid))
