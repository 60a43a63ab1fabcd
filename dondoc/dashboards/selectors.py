"""Reads of the dashboards: tasks by status per area and per lead agency, the area × agency on-time heatmap, the
overdue trend over the year, targets met per plan, the PAR-Index rankings and the task-completion grades.

Built for province scale (≈250 agencies, ≈30,000 tasks a year): each chart is one aggregate query over its whole
scope (GROUP BY with conditional counts, one scan for the twelve month ends of the trend), never a query per
agency, area or task. The number of queries of a dashboard does not grow with the data.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dondoc.agencies.models import Agency, Level
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.importer.text import key
from dondoc.indicators.metrics import ACHIEVEMENT_LABELS, NO_DATA, achievement
from dondoc.indicators.models import TargetActual
from dondoc.indicators.selectors import TargetRow, target_rows
from dondoc.plans.models import CLOSED, Plan, ReportPeriod, Status, Target, Task, TaskAgency
from dondoc.scoring import rules as scoring_rules
from dondoc.scoring import selectors as scoring
from dondoc.scoring.models import Assessment, Framework
from dondoc.tracking.selectors import OTHER_AREA

# The stacked bars' segments: each task falls in exactly one. "Quá hạn" is the app's overdue rule
# (tracking.rules.is_overdue: not done nor cancelled, current due date passed), so a paused task past its due date
# is overdue; done tasks split on time / late as tracking.rules.completion_label does.
BUCKETS: tuple[tuple[str, Any], ...] = (
    ("not_started", _("Chưa triển khai")),
    ("in_progress", _("Đang thực hiện")),
    ("awaiting_approval", _("Chờ duyệt")),
    ("done_on_time", _("Hoàn thành đúng hạn")),
    ("done_late", _("Hoàn thành quá hạn")),
    ("overdue", _("Quá hạn")),
    ("stopped", _("Tạm dừng/Không thực hiện")),
)
BUCKET_KEYS = tuple(k for k, _label in BUCKETS)
BUCKET_COLOURS = {"not_started": "#9aa5b1", "in_progress": "#0b5cad", "awaiting_approval": "#7b4fa0",
                  "done_on_time": "#2e7d32", "done_late": "#c68a00", "overdue": "#a3161a", "stopped": "#5d4037"}
OTHER = OTHER_AREA  # ("khac", "Khác"): tasks whose section names no standard area


def area_name(code: str) -> str:
    return AREA_NAMES.get(code, OTHER[1])


# --- the scope of a dashboard ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Which tasks a dashboard counts: the year's plans (or one plan); for an agency's dashboard, those it leads.
    `today` decides what is overdue now."""

    year: int
    today: date
    plan: Plan | None = None
    agency: Agency | None = None

    def plans_q(self, prefix: str = "") -> Q:
        if self.plan is not None:
            return Q(**{f"{prefix}plan_id": self.plan.pk})
        return Q(**{f"{prefix}plan__year": self.year})

    def tasks(self) -> QuerySet[Task]:
        tasks = Task.objects.filter(self.plans_q())
        if self.agency is not None:  # (task, agency, role) is unique: the join adds no duplicate
            tasks = tasks.filter(task_agencies__agency_id=self.agency.pk, task_agencies__role=TaskAgency.Role.LEAD)
        return tasks.order_by()

    def leads(self) -> QuerySet[TaskAgency]:
        links = TaskAgency.objects.filter(self.plans_q("task__"), role=TaskAgency.Role.LEAD)
        if self.agency is not None:
            links = links.filter(agency_id=self.agency.pk)
        return links.order_by()


def plans_of(year: int) -> QuerySet[Plan]:
    return Plan.objects.filter(year=year).order_by("number", "title")


# --- the conditional counts, for a Task queryset (prefix "") or a TaskAgency one (prefix "task__") ---------------

def _bucket_filters(today: date, p: str = "") -> dict[str, Q]:
    def q(**kwargs: Any) -> Q:
        return Q(**{f"{p}{name}": value for name, value in kwargs.items()})

    overdue = ~q(status__in=CLOSED) & q(due_date__lt=today)
    not_overdue = q(due_date__isnull=True) | q(due_date__gte=today)
    return {
        "not_started": q(status=Status.NOT_STARTED) & not_overdue,
        "in_progress": q(status=Status.IN_PROGRESS) & not_overdue,
        "awaiting_approval": q(status=Status.AWAITING_APPROVAL) & not_overdue,
        "done_on_time": q(status=Status.DONE) & (q(due_date__isnull=True) | q(completed_on__isnull=True)
                                                 | q(completed_on__lte=F(f"{p}due_date"))),
        "done_late": q(status=Status.DONE, completed_on__gt=F(f"{p}due_date")),
        "overdue": overdue,
        "stopped": q(status=Status.CANCELLED) | (q(status=Status.PAUSED) & not_overdue),
        # the heatmap: tasks with a due date that are done or whose due date has passed (cancelled ones left out),
        # and of those the ones done by their (current) due date
        "due": q(due_date__isnull=False) & ~q(status=Status.CANCELLED) & (q(status=Status.DONE)
                                                                            | q(due_date__lt=today)),
        "on_time": q(status=Status.DONE, due_date__isnull=False) & (q(completed_on__isnull=True)
                                                                     | q(completed_on__lte=F(f"{p}due_date"))),
    }


def _counts(today: date, p: str = "") -> dict[str, Count]:
    return {name: Count("id", filter=condition) for name, condition in _bucket_filters(today, p).items()}


# --- (a) tasks by status per area --------------------------------------------------------------------------------

@dataclass
class StatusRow:
    """One bar of a stacked chart: an area or a lead agency, with its tasks per status bucket."""

    key: str
    name: str
    counts: dict[str, int]
    agency_id: int | None = None
    linkable: bool = False  # an agency (not a group designation): its own dashboard exists

    @property
    def values(self) -> list[int]:
        return [self.counts[k] for k in BUCKET_KEYS]

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def overdue(self) -> int:
        return self.counts["overdue"]


def _empty() -> dict[str, int]:
    return dict.fromkeys((*BUCKET_KEYS, "due", "on_time"), 0)


def status_by_area(scope: Scope) -> list[StatusRow]:
    """The seven areas in the plans' order (all of them, even empty), then "Khác" when some task has no area."""
    found: dict[str, dict[str, int]] = {}
    for row in scope.tasks().values("section__area").annotate(**_counts(scope.today)):
        code = row.pop("section__area") or OTHER[0]
        bucket = found.setdefault(code if code in AREA_NAMES else OTHER[0], _empty())
        for name, value in row.items():
            bucket[name] += value
    codes = [*AREA_NAMES, *([OTHER[0]] if OTHER[0] in found else [])]
    return [StatusRow(code, area_name(code), found.get(code, _empty())) for code in codes]


def total_row(rows: list[StatusRow]) -> StatusRow:
    counts = _empty()
    for row in rows:
        for name in counts:
            counts[name] += row.counts.get(name, 0)
    return StatusRow("total", str(_("Tổng cộng")), counts)


# --- (b) tasks by status per lead agency, (c) the area × agency heatmap: one aggregate for both ------------------

@dataclass
class HeatCell:
    due: int = 0
    on_time: int = 0

    @property
    def share(self) -> float | None:
        """Per cent of the due tasks done on time, to one decimal; None when no task was due."""
        return round(100 * self.on_time / self.due, 1) if self.due else None

    @property
    def hue(self) -> int:
        """The table cell's colour, as the chart's: red (0) at 0% on time to green (120) at 100%."""
        return round(1.2 * self.share) if self.share is not None else 0

    @property
    def hue_step(self) -> int:
        """The hue to 5°, naming the cell's class in app.css (.heat-0 … .heat-120): no inline style under the CSP."""
        return 5 * round(self.hue / 5)


@dataclass
class HeatRow:
    agency_id: int
    name: str
    linkable: bool
    cells: list[HeatCell]
    total: HeatCell


@dataclass
class Heatmap:
    areas: list[tuple[str, str]]  # (code, name) of the columns
    rows: list[HeatRow]


@dataclass
class AgencyBreakdown:
    rows: list[StatusRow]  # most overdue first
    heatmap: Heatmap


def agency_breakdown(scope: Scope) -> AgencyBreakdown:
    """Every lead agency's tasks per status (a task with two lead agencies counts for both), sorted by overdue
    tasks (most first), then by number of tasks; and its share of due tasks done on time per area."""
    per_agency: dict[int, dict[str, int]] = {}
    per_cell: dict[tuple[int, str], HeatCell] = {}
    areas_seen: set[str] = set()
    # grouped by ids only, the names read after: grouping by the name strings too costs a fifth more
    query = scope.leads().values("agency_id", "task__section__area").annotate(**_counts(scope.today, "task__"))
    for row in query:
        agency_id = row.pop("agency_id")
        code = row.pop("task__section__area") or OTHER[0]
        code = code if code in AREA_NAMES else OTHER[0]
        areas_seen.add(code)
        totals = per_agency.setdefault(agency_id, _empty())
        for name, value in row.items():
            totals[name] += value
        cell = per_cell.setdefault((agency_id, code), HeatCell())
        cell.due += row["due"]
        cell.on_time += row["on_time"]
    names = {pk: (name, not is_group) for pk, name, is_group in
             Agency.objects.filter(pk__in=list(per_agency)).values_list("pk", "name", "is_group")}
    rows = [StatusRow(str(agency_id), names[agency_id][0], counts, agency_id, names[agency_id][1])
            for agency_id, counts in per_agency.items()]
    rows.sort(key=lambda r: (-r.overdue, -r.total, key(r.name)))
    codes = [*AREA_NAMES, *([OTHER[0]] if OTHER[0] in areas_seen else [])]
    heat_rows = [HeatRow(r.agency_id or 0, r.name, r.linkable,
                         [per_cell.get((r.agency_id or 0, c), HeatCell()) for c in codes],
                         HeatCell(r.counts["due"], r.counts["on_time"])) for r in rows]
    return AgencyBreakdown(rows, Heatmap([(c, area_name(c)) for c in codes], heat_rows))


# --- (d) the overdue trend ----------------------------------------------------------------------------------------

@dataclass
class TrendPoint:
    day: date
    label: str
    overdue: int


def trend_days(year: int, today: date) -> list[tuple[date, str]]:
    """The month ends of the year up to today, then today itself when the year is under way."""
    days = []
    for month in range(1, 13):
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end > today:
            break
        days.append((end, f"{month:02d}/{year}"))
    if date(year, 1, 1) <= today <= date(year, 12, 31) and (not days or days[-1][0] != today):
        days.append((today, str(_("Đến %(day)s") % {"day": today.strftime("%d/%m")})))
    return days


def overdue_at(day: date) -> Q:
    """Overdue at the day: the current due date before it, not completed by then (no completion date, or a later
    one), and not cancelled. The current due date is used (after extensions): history of due dates is not kept."""
    return (Q(due_date__lt=day) & ~Q(status=Status.CANCELLED)
            & (Q(completed_on__isnull=True) | Q(completed_on__gt=day)))


def overdue_trend(scope: Scope) -> list[TrendPoint]:
    """Tasks overdue at each month end of the year: one query, a conditional count per day."""
    days = trend_days(scope.year, scope.today)
    if not days:
        return []
    counts = scope.tasks().aggregate(**{f"d{i}": Count("id", filter=overdue_at(day))
                                        for i, (day, _label) in enumerate(days)})
    return [TrendPoint(day, label, counts[f"d{i}"] or 0) for i, (day, label) in enumerate(days)]


# --- (e) targets met per plan ---------------------------------------------------------------------------------------

STATES = tuple(ACHIEVEMENT_LABELS)  # met, not_met, no_data


@dataclass
class PlanTargets:
    plan: Plan
    counts: dict[str, int]

    @property
    def values(self) -> list[int]:
        return [self.counts[s] for s in STATES]

    @property
    def total(self) -> int:
        return sum(self.values)


def targets_by_plan(scope: Scope) -> list[PlanTargets]:
    """Per plan of the scope, its targets by the achievement of their latest actual.

    The rule of indicators.selectors.target_rows (the scope-wide actual of the latest of the plan's report periods,
    or of the target's own period, that has one; judged by metrics.achievement), read as plain values: four
    queries and no model instance per target or actual (target_rows builds ≈2,000 of them for a province's year,
    most of this chart's time)."""
    targets = list(Target.objects.filter(scope.plans_q()).order_by("plan__number", "plan_id", "order")
                   .values_list("pk", "plan_id", "value", "comparator", "period_id"))
    plan_ids = {plan_id for _pk, plan_id, *_rest in targets}
    periods = ReportPeriod.objects.filter(plan_id__in=plan_ids).order_by("data_to", "submit_by", "name")
    order = {pk: (i, plan_id) for i, (pk, plan_id) in enumerate(periods.values_list("pk", "plan_id"))}
    of_target = {pk: (plan_id, period_id) for pk, plan_id, _value, _comparator, period_id in targets}
    latest: dict[int, tuple[int, Decimal]] = {}
    for target_id, period_id, value in (TargetActual.objects.filter(scope.plans_q("target__"), agency__isnull=True)
                                        .values_list("target_id", "period_id", "value")):
        plan_id, own_period = of_target[target_id]
        rank, period_plan = order.get(period_id, (-1, None))
        if period_plan != plan_id or (own_period is not None and own_period != period_id):
            continue  # not one of the periods the target is followed in
        if target_id not in latest or rank > latest[target_id][0]:
            latest[target_id] = (rank, value)
    counts: dict[int, dict[str, int]] = {}
    for pk, plan_id, goal, comparator, _period in targets:
        actual = latest.get(pk)
        state = achievement(comparator, float(goal) if goal is not None else None,
                            float(actual[1]) if actual is not None else None)
        counts.setdefault(plan_id, dict.fromkeys(STATES, 0))[state] += 1
    plans = Plan.objects.in_bulk(list(counts))
    return [PlanTargets(plans[plan_id], per_state) for plan_id, per_state in counts.items()]


# --- (f) rankings ---------------------------------------------------------------------------------------------------

@dataclass
class LevelRanking:
    level: str
    level_name: str
    framework: Framework
    rows: list[scoring.RankRow]


def par_rankings() -> list[LevelRanking]:
    """The latest published PAR-Index ranking of each level that has one, levels in their order.

    One query finds the latest published framework per level (the order of scoring.latest_published), then
    scoring.ranking per level: the number of levels is small and fixed (data, not agencies)."""
    latest: dict[str, Framework] = {}
    for framework in Framework.objects.exclude(published_at=None).order_by("-year", "-published_at"):
        latest.setdefault(framework.level, framework)
    if not latest:
        return []
    levels = {lv.code: lv for lv in Level.objects.filter(code__in=latest)}
    out = []
    for code in sorted(latest, key=lambda c: (levels[c].rank if c in levels else 999, c)):
        rows = scoring.ranking(latest[code])
        if rows:
            out.append(LevelRanking(code, levels[code].name if code in levels else code, latest[code], rows))
    return out


def department_grades(year: int, today: date) -> list[scoring.GradeRow]:
    return scoring.grade_ranking(year, "department", today=today)


# --- an agency's own dashboard ----------------------------------------------------------------------------------

@dataclass
class AgencyTarget:
    """A target of the agency (assigned to it, or in a plan it issued): the scope's latest actual, and the agency's
    own latest actual when one was entered or computed for it."""

    row: TargetRow
    own: TargetActual | None
    own_state: str = NO_DATA

    @property
    def target(self) -> Target:
        return self.row.target

    @property
    def state(self) -> str:
        return self.row.state

    @property
    def label(self) -> str:
        return str(ACHIEVEMENT_LABELS[self.row.state])

    @property
    def own_label(self) -> str:
        return str(ACHIEVEMENT_LABELS[self.own_state])


def agency_targets(scope: Scope) -> list[AgencyTarget]:
    agency = scope.agency
    assert agency is not None
    targets = (Target.objects.filter(scope.plans_q()).filter(Q(agencies=agency) | Q(plan__owner=agency))
               .distinct().order_by("plan__number", "plan_id", "order"))
    rows = target_rows(targets)
    own: dict[int, TargetActual] = {}
    for actual in (TargetActual.objects.filter(target__in=[r.target.pk for r in rows], agency=agency)
                   .select_related("period").order_by("period__data_to", "period__submit_by", "pk")):
        own[actual.target_id] = actual  # the latest period wins
    out = []
    for row in rows:
        mine = own.get(row.target.pk)
        goal = float(row.target.value) if row.target.value is not None else None
        state = achievement(row.target.comparator, goal, float(mine.value)) if mine else NO_DATA
        out.append(AgencyTarget(row, mine, state))
    return out


def target_counts(rows: list[AgencyTarget]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def par_history(agency: Agency) -> list[Assessment]:
    """The agency's published PAR-Index results, oldest year first."""
    return list(Assessment.objects.filter(agency=agency, status=Assessment.Status.PUBLISHED)
                .select_related("framework").order_by("framework__year", "framework__published_at", "pk"))


@dataclass
class AgencyDashboard:
    agency: Agency
    areas: list[StatusRow]
    trend: list[TrendPoint]
    targets: list[AgencyTarget]
    history: list[Assessment]
    grade: scoring_rules.Grade
    totals: StatusRow = field(init=False)

    def __post_init__(self) -> None:
        self.totals = total_row(self.areas)


def agency_dashboard(scope: Scope) -> AgencyDashboard:
    agency = scope.agency
    assert agency is not None
    return AgencyDashboard(agency, status_by_area(scope), overdue_trend(scope), agency_targets(scope),
                           par_history(agency), scoring.task_grade(agency, scope.year, scope.today))

