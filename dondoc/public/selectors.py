"""Reads of the citizens' transparency page: the province's plans, where their tasks stand per reform area and
per lead agency, the plans' targets, and the published PAR-Index rankings.

Only what a plan document or a published decision already makes public leaves this module: plan number, title,
issuing agency and date (never the signer), task contents with their agencies and deadlines, derived statuses,
target goals with the scope-wide actuals, published index results. Progress texts, evidence, task notes and
status reasons, files and people are never handed to the templates (tasks go out as PublicTask rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from dondoc.agencies.selectors import level_names
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.importer.text import key
from dondoc.indicators.selectors import TargetRow, target_rows
from dondoc.plans.models import CLOSED, Plan, Section, Status, Target, Task, TaskAgency
from dondoc.scoring.models import Framework
from dondoc.scoring.selectors import RankRow, ranking
from dondoc.tracking import rules

NO_LEAD = "Chưa xác định cơ quan chủ trì"
OTHER_AREA = ("khac", "Khác")  # tasks whose section names no standard area


# --- counts -------------------------------------------------------------------------------------------------------

def _count_expressions(prefix: str, today: date) -> dict[str, Count]:
    """The counts of one group of tasks as SQL aggregates; `prefix` is the path to the task ("" or "task__").

    Done on time / late follow tracking.rules.completion_label (no due date or no completion date counts as on
    time); overdue follows rules.is_overdue (open and past its due date); in progress is the other open tasks."""
    def f(name: str) -> str:
        return f"{prefix}{name}"

    done = Q(**{f("status"): Status.DONE})
    late = done & Q(**{f("due_date__isnull"): False, f("completed_on__isnull"): False,
                       f("completed_on__gt"): F(f("due_date"))})
    open_ = ~Q(**{f("status__in"): CLOSED})
    overdue = open_ & Q(**{f("due_date__lt"): today})
    pk = f("pk")
    return {
        "total": Count(pk, distinct=True),
        "done_on_time": Count(pk, filter=done & ~late, distinct=True),
        "done_late": Count(pk, filter=late, distinct=True),
        "in_progress": Count(pk, filter=open_ & ~overdue, distinct=True),
        "overdue": Count(pk, filter=overdue, distinct=True),
        "cancelled": Count(pk, filter=Q(**{f("status"): Status.CANCELLED}), distinct=True),
    }


@dataclass
class Counts:
    """Where a group of tasks stands. Cancelled tasks ("không thực hiện") count in the total but not in the share
    done, which is of the tasks still to be carried out."""

    key: str
    name: str
    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    overdue: int = 0
    cancelled: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def share_done(self) -> float | None:
        """Percent of the tasks to carry out (total less cancelled) that are done; None when there are none."""
        base = self.total - self.cancelled
        return round(100 * self.done / base, 1) if base else None

    def add(self, other: Counts) -> None:
        for name in ("total", "done_on_time", "done_late", "in_progress", "overdue", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _counts_of(row: dict[str, Any], key_: str, name: str) -> Counts:
    return Counts(key=key_, name=name, total=row["total"], done_on_time=row["done_on_time"],
                  done_late=row["done_late"], in_progress=row["in_progress"], overdue=row["overdue"],
                  cancelled=row["cancelled"])


@dataclass
class Progress:
    by_area: list[Counts]
    by_agency: list[Counts]
    overall: Counts


def progress(tasks: QuerySet[Task], today: date) -> Progress:
    """Counts per reform area (the standard areas in plan order, then "Khác"), per lead agency (most tasks first;
    a task with two lead agencies counts for both; tasks without one last) and overall: three aggregate
    queries whatever the number of tasks or agencies."""
    area_rows = tasks.order_by().values("section__area").annotate(**_count_expressions("", today))
    by_code: dict[str, Counts] = {}
    for row in area_rows:
        code = row["section__area"] if row["section__area"] in AREA_NAMES else OTHER_AREA[0]
        found = _counts_of(row, code, AREA_NAMES.get(code, OTHER_AREA[1]))
        if code in by_code:
            by_code[code].add(found)
        else:
            by_code[code] = found
    order = [*AREA_NAMES, OTHER_AREA[0]]
    by_area = sorted(by_code.values(), key=lambda c: order.index(c.key))

    links = (TaskAgency.objects.filter(role=TaskAgency.Role.LEAD, task__in=tasks.order_by().values("pk"))
             .order_by().values("agency_id", "agency__name").annotate(**_count_expressions("task__", today)))
    by_agency = sorted((_counts_of(row, str(row["agency_id"]), row["agency__name"]) for row in links),
                       key=lambda c: (-c.total, key(c.name)))
    no_lead = (tasks.order_by().exclude(pk__in=TaskAgency.objects.filter(role=TaskAgency.Role.LEAD)
                                        .values("task_id"))
               .aggregate(**_count_expressions("", today)))
    if no_lead["total"]:
        by_agency.append(_counts_of(no_lead, "", NO_LEAD))

    overall = Counts(key="", name="")
    for c in by_area:
        overall.add(c)
    return Progress(by_area=by_area, by_agency=by_agency, overall=overall)


def progress_of_year(year: int | None, today: date) -> Progress:
    return progress(Task.objects.filter(plan__year=year), today)


def progress_of_plan(plan: Plan, today: date) -> Progress:
    return progress(Task.objects.filter(plan=plan), today)


# --- plans --------------------------------------------------------------------------------------------------------

def asked_year(asked: str | None) -> int | None:
    """A `?nam=` value as a year, None when it is not one."""
    try:
        year = int(asked or "")
    except ValueError:
        return None
    return year if 1900 <= year <= 2999 else None


def chosen_year(asked: str | None, years: list[int], today: date) -> int | None:
    """The year asked for (`?nam=`); else this year when it has plans, else the latest that has."""
    year = asked_year(asked)
    if year is not None:
        return year
    if today.year in years:
        return today.year
    return years[0] if years else None


def plans_of_year(year: int | None, today: date) -> QuerySet[Plan]:
    """The year's plans with the issuing agency and their task counts (one query)."""
    done = Q(tasks__status=Status.DONE)
    return (Plan.objects.filter(year=year).select_related("owner")
            .only("pk", "kind", "number", "title", "issuer_name", "issued_date", "year", "owner__name")
            .annotate(task_total=Count("tasks", distinct=True),
                      task_done=Count("tasks", filter=done, distinct=True),
                      task_overdue=Count("tasks", filter=~Q(tasks__status__in=CLOSED) & Q(tasks__due_date__lt=today),
                                         distinct=True))
            .order_by("-issued_date", "number", "pk"))


def public_plan(pk: int) -> Plan:
    """One plan with what the page shows of it; raises Plan.DoesNotExist."""
    return (Plan.objects.select_related("owner", "parent")
            .only("pk", "kind", "number", "title", "issuer_name", "place", "issued_date", "year", "owner__name",
                  "parent__number", "parent__title")
            .get(pk=pk))


@dataclass
class PublicTask:
    """A task row as the public sees it: the plan document's own columns and the derived status."""

    number: str
    content: str
    output: str
    subsection: str
    leads: list[str]
    coordinating: list[str]
    deadline_text: str
    funding: str
    status: str
    status_label: str
    progress: int
    due_date: date | None
    css: str


def _status(task: Task, today: date) -> tuple[str, str]:
    """The label tracking shows (TaskState.label) and a css class for it."""
    completion = rules.completion_label(task.status, task.due_date, task.completed_on)
    if completion:
        return completion, "met" if completion == "Hoàn thành đúng hạn" else "late"
    if rules.is_overdue(task.status, task.due_date, today):
        return "Quá hạn", "not_met"
    return Status(task.status).label, ""


@dataclass
class SectionTasks:
    section: Section | None
    area: str
    tasks: list[PublicTask] = field(default_factory=list)


def plan_sections(plan: Plan, today: date) -> list[SectionTasks]:
    """The plan's tasks grouped by section in document order (two queries: tasks with sections, their agencies)."""
    agencies = TaskAgency.objects.select_related("agency").only("task_id", "role", "order", "agency__name")
    tasks = (Task.objects.filter(plan=plan).select_related("section")
             .only("pk", "plan_id", "number", "order", "content", "output", "subsection", "deadline_text",
                   "funding", "status", "progress", "due_date", "completed_on", "lead_text", "coordinating_text",
                   "section__number", "section__title", "section__area", "section__order", "section__plan_id")
             .prefetch_related(Prefetch("task_agencies", queryset=agencies))
             .order_by("section__order", "order", "pk"))
    groups: dict[int | None, SectionTasks] = {}
    for task in tasks:
        group = groups.get(task.section_id)
        if group is None:
            section = task.section
            group = groups[task.section_id] = SectionTasks(
                section, AREA_NAMES.get(section.area, "") if section else "")
        links = list(task.task_agencies.all())
        leads = [ta.agency.name for ta in links if ta.role == TaskAgency.Role.LEAD]
        coordinating = [ta.agency.name for ta in links if ta.role == TaskAgency.Role.COORDINATING]
        label, css = _status(task, today)
        group.tasks.append(PublicTask(
            number=task.number, content=task.content, output=task.output, subsection=task.subsection,
            leads=leads or ([task.lead_text] if task.lead_text else []),
            coordinating=coordinating or ([task.coordinating_text] if task.coordinating_text else []),
            deadline_text=task.deadline_text, funding=task.funding, status=task.status, status_label=label,
            progress=100 if task.status == Status.DONE else task.progress, due_date=task.due_date, css=css))
    return list(groups.values())


# --- targets ------------------------------------------------------------------------------------------------------

def targets(*, year: int | None = None, plan: Plan | None = None) -> list[TargetRow]:
    """The targets of one plan or of the year's plans, each with its latest scope-wide actual and achievement."""
    found = Target.objects.filter(plan=plan) if plan is not None else Target.objects.filter(plan__year=year)
    return target_rows(found.order_by("plan__issued_date", "plan_id", "order", "pk"))


# --- rankings -----------------------------------------------------------------------------------------------------

@dataclass
class PublishedRanking:
    framework: Framework
    level_name: str
    rows: list[RankRow]


def published_frameworks(year: int | None = None) -> QuerySet[Framework]:
    """Frameworks whose results the province has published (a finalised, unpublished scorecard is never here)."""
    found = Framework.objects.exclude(published_at=None).only(
        "pk", "code", "name", "year", "level", "source", "decision", "published_at", "total_points")
    if year:
        found = found.filter(year=year)
    return found.order_by("-year", "level", "-published_at", "name")


def _published_ranking(framework: Framework, names: dict[str, str]) -> PublishedRanking:
    # ranking() counts only published scorecards (include_unpublished stays off)
    return PublishedRanking(framework, names.get(framework.level, framework.level), ranking(framework))


def rankings(year: int | None = None) -> list[PublishedRanking]:
    names = level_names()
    return [_published_ranking(fw, names) for fw in published_frameworks(year)]


def latest_rankings() -> list[PublishedRanking]:
    """For each level that has one, the latest published framework's ranking."""
    names = level_names()
    latest: dict[str, Framework] = {}
    for fw in Framework.objects.exclude(published_at=None).order_by("-year", "-published_at"):
        latest.setdefault(fw.level, fw)
    return [_published_ranking(fw, names) for fw in latest.values()]


def ranking_years() -> list[int]:
    return sorted(set(Framework.objects.exclude(published_at=None).values_list("year", flat=True)), reverse=True)

