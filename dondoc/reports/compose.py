"""What a periodic report says, composed from the recorded data (reads only; no writes).

For a report period and an agency (or the whole plan, for the province's aggregate) it gathers the tasks
the agency leads in the plan and the plans cascaded from it, and for each task where it stood at the
report's cut-off: done on time, done late, in progress, not started, overdue (or paused/cancelled),
with the evidence, extensions and progress entries dated inside the period's data window.

"Where it stood" is read from the task's history when the window has closed (the last update dated on or
before the cut-off day; an update is dated by `ProgressUpdate.reported_on`, the local day it speaks for),
so a report composed later still says what was true at the cut-off; while the window is open it is the
task's current state. The result is plain data (`ReportData`), stored as JSON when a report
is submitted, so a submitted report never changes with later data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.plans.models import Plan, ReportPeriod, Status, Target, Task, TaskAgency
from dondoc.tracking.models import Evidence, Extension, ProgressUpdate

#: the status buckets of a report's tables, in the order they are printed
BUCKETS: tuple[tuple[str, str], ...] = (
    ("done_on_time", "Hoàn thành đúng hạn"),
    ("done_late", "Hoàn thành quá hạn"),
    ("in_progress", "Đang thực hiện"),
    ("not_started", "Chưa triển khai"),
    ("overdue", "Quá hạn"),
    ("stopped", "Tạm dừng, không thực hiện"),
)
BUCKET_LABELS = dict(BUCKETS)
OTHER_AREA = "Nhiệm vụ khác"
#: the progress entries a report quotes (not urging letters or the leader's refusals)
QUOTED_KINDS = (ProgressUpdate.Kind.PROGRESS, ProgressUpdate.Kind.CONTRIBUTION, ProgressUpdate.Kind.APPROVAL,
                ProgressUpdate.Kind.CONDITION)


def empty_counts() -> dict[str, int]:
    return {code: 0 for code, _ in BUCKETS} | {"total": 0}


def bucket(status: str, progress: int, due: date | None, completed_on: date | None, as_of: date) -> str:
    """The report bucket of a task that stood at `status` on the day `as_of`."""
    if status == Status.DONE:
        return "done_late" if due and completed_on and completed_on > due else "done_on_time"
    if status in (Status.PAUSED, Status.CANCELLED):
        return "stopped"
    if due is not None and due < as_of:
        return "overdue"
    if status == Status.NOT_STARTED and not progress:
        return "not_started"
    return "in_progress"


@dataclass
class TaskLine:
    task_id: int
    number: str
    content: str
    plan: str
    area: str
    lead: str
    bucket: str
    progress: int
    due_date: str | None  # ISO dates: the line is stored as JSON
    completed_on: str | None
    evidence: list[str] = field(default_factory=list)
    extensions: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)

    @property
    def bucket_label(self) -> str:
        return BUCKET_LABELS.get(self.bucket, self.bucket)

    @property
    def due(self) -> date | None:
        return date.fromisoformat(self.due_date) if self.due_date else None

    @property
    def completed(self) -> date | None:
        return date.fromisoformat(self.completed_on) if self.completed_on else None


@dataclass
class AreaBlock:
    area: str
    name: str
    counts: dict[str, int]
    tasks: list[TaskLine]


@dataclass
class AgencyLine:
    """One row of the aggregate's per-agency appendix (and of the submission tracking)."""

    agency_id: int
    name: str
    counts: dict[str, int]
    report_id: int | None = None
    report_state: str = ""
    report_state_label: str = "Chưa lập báo cáo"
    submitted_at: str | None = None
    late: bool = False


@dataclass
class TargetLine:
    text: str
    value: str | None
    unit: str
    comparator: str
    actual: str | None = None  # measured values come with the targets' actuals


@dataclass
class ReportData:
    scope: str
    agency_id: int | None
    agency_name: str
    period_name: str
    data_from: str | None
    data_to: str | None
    submit_by: str | None
    as_of: str
    plans: list[str]
    totals: dict[str, int]
    areas: list[AreaBlock]
    agencies: list[AgencyLine] = field(default_factory=list)
    targets: list[TargetLine] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # documents the agency issued in the window (evidence)
    upcoming: list[str] = field(default_factory=list)  # open tasks due before the next period's cut-off
    composed_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportData:
        data = dict(data)
        data["areas"] = [AreaBlock(**{**a, "tasks": [TaskLine(**t) for t in a["tasks"]]}) for a in data["areas"]]
        data["agencies"] = [AgencyLine(**a) for a in data.get("agencies", [])]
        data["targets"] = [TargetLine(**t) for t in data.get("targets", [])]
        return cls(**data)

    @property
    def bucket_columns(self) -> tuple[tuple[str, str], ...]:
        return BUCKETS

    @property
    def done(self) -> int:
        return self.totals["done_on_time"] + self.totals["done_late"]

    def all_tasks(self) -> Iterable[TaskLine]:
        for block in self.areas:
            yield from block.tasks


# --- reading the data ------------------------------------------------------------------------------------------

def plan_tree(plan_id: int) -> list[int]:
    """The plan and every plan cascaded from it, at any depth (a cycle cannot loop)."""
    found = [plan_id]
    seen = {plan_id}
    frontier = [plan_id]
    while frontier:
        children = [pk for pk in Plan.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
                    if pk not in seen]
        seen.update(children)
        found.extend(children)
        frontier = children
    return found


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def window_bounds(period: ReportPeriod) -> tuple[datetime | None, datetime | None]:
    """The data window as a half-open interval of instants [start, end) in the site's time zone."""
    start = _day_start(period.data_from) if period.data_from else None
    end = _day_start(period.data_to + timedelta(days=1)) if period.data_to else None
    return start, end


def _evidence_text(row: dict[str, Any]) -> str:
    kind = dict(Evidence.DocumentKind.choices).get(row["kind"], "") if row["kind"] else ""
    parts = [kind]
    if row["number"]:
        parts.append(f"số {row['number']}")
    if row["issued_on"]:
        parts.append(f"ngày {row['issued_on']:%d/%m/%Y}")
    if row["issuer"]:
        parts.append(f"của {row['issuer']}")
    text = " ".join(p for p in parts if p)
    if row["original_name"]:
        text = f"{text} (tệp {row['original_name']})" if text else f"Tệp {row['original_name']}"
    return text


def _extension_text(row: dict[str, Any]) -> str:
    decision = dict(Extension.Decision.choices).get(row["decision"], row["decision"])
    old = f" từ {row['old_due']:%d/%m/%Y}" if row["old_due"] else ""
    return f"Đề nghị gia hạn{old} đến {row['new_due']:%d/%m/%Y}: {decision.lower()}"


def _scope_tasks(plan_ids: list[int], agency_id: int | None) -> list[dict[str, Any]]:
    tasks = Task.objects.filter(plan_id__in=plan_ids)
    if agency_id is not None:
        tasks = tasks.filter(pk__in=TaskAgency.objects.filter(agency_id=agency_id, role=TaskAgency.Role.LEAD)
                             .values("task_id"))
    return list(tasks.order_by("plan_id", "order", "pk").values(
        "id", "number", "content", "plan_id", "plan__number", "plan__title", "section__area", "status", "progress",
        "due_date", "completed_on"))


def _chunked(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def compose(period: ReportPeriod, agency_id: int | None = None, *, today: date | None = None,
            reports: Iterable[Any] = ()) -> ReportData:
    """The report data of `agency_id` for `period` (the province's aggregate when None).

    `reports` (the agencies' latest reports of the period) fills the aggregate's per-agency appendix."""
    from dondoc.agencies.models import Agency

    today = today or timezone.localdate()
    window_closed = period.data_to is not None and period.data_to < today
    as_of = period.data_to if window_closed and period.data_to else today
    start, end = window_bounds(period)  # extensions are dated by when they were asked
    plan_ids = plan_tree(period.plan_id)
    rows = _scope_tasks(plan_ids, agency_id)
    task_ids = [r["id"] for r in rows]

    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    history: dict[int, tuple[str, int]] = {}
    evidence: dict[int, list[str]] = defaultdict(list)
    extensions: dict[int, list[str]] = defaultdict(list)
    updates: dict[int, list[str]] = defaultdict(list)
    documents: list[str] = []
    for chunk in _chunked(task_ids):
        for ta in (TaskAgency.objects.filter(task_id__in=chunk, role=TaskAgency.Role.LEAD)
                   .order_by("task_id", "order").values("task_id", "agency_id", "agency__name")):
            leads[ta["task_id"]].append((ta["agency_id"], ta["agency__name"]))
        if window_closed:
            # where each task stood at the cut-off: its last status entry dated on or before the cut-off day
            for u in (ProgressUpdate.objects.filter(task_id__in=chunk, reported_on__lte=as_of).exclude(status="")
                      .order_by("reported_on", "created_at", "pk").values("task_id", "status", "progress")):
                history[u["task_id"]] = (u["status"], u["progress"] or 0)
        dated = ProgressUpdate.objects.filter(task_id__in=chunk)
        if period.data_from is not None:
            dated = dated.filter(reported_on__gte=period.data_from)
        if period.data_to is not None:
            dated = dated.filter(reported_on__lte=period.data_to)
        for u in (dated.filter(kind__in=QUOTED_KINDS).exclude(text="").order_by("reported_on", "created_at", "pk")
                  .values("task_id", "reported_on", "text")):
            updates[u["task_id"]].append(f"{u['reported_on']:%d/%m/%Y}: {u['text']}")
        ev = Evidence.objects.filter(update__in=dated)
        for e in ev.order_by("update__reported_on", "update__created_at", "pk").values(
                "update__task_id", "kind", "number", "issued_on", "issuer", "original_name"):
            text = _evidence_text(e)
            evidence[e["update__task_id"]].append(text)
            if e["number"] and e["kind"]:
                documents.append(text)
        ext = Extension.objects.filter(task_id__in=chunk)
        if start is not None:
            ext = ext.filter(created_at__gte=start)
        if end is not None:
            ext = ext.filter(created_at__lt=end)
        for x in ext.order_by("created_at", "pk").values("task_id", "old_due", "new_due", "decision"):
            extensions[x["task_id"]].append(_extension_text(x))

    blocks: dict[str, AreaBlock] = {}
    totals = empty_counts()
    per_agency: dict[int, dict[str, int]] = defaultdict(empty_counts)
    agency_names: dict[int, str] = {}
    upcoming: list[str] = []
    horizon = _next_cut_off(period)
    for r in rows:
        if window_closed:
            status, progress = history.get(r["id"], (Status.NOT_STARTED, 0))
            completed = r["completed_on"] if status == Status.DONE else None
            if status == Status.DONE and (completed is None or completed > as_of):
                completed = r["completed_on"] if r["completed_on"] and r["completed_on"] <= as_of else as_of
        else:
            status, progress, completed = r["status"], r["progress"], r["completed_on"]
        code = bucket(status, progress, r["due_date"], completed, as_of)
        area = r["section__area"] or ""
        if area not in blocks:
            blocks[area] = AreaBlock(area=area, name=AREA_NAMES.get(area, OTHER_AREA), counts=empty_counts(), tasks=[])
        block = blocks[area]
        lead = leads.get(r["id"], [])
        line = TaskLine(
            task_id=r["id"], number=r["number"], content=r["content"], plan=r["plan__number"] or r["plan__title"],
            area=area, lead="; ".join(name for _, name in lead), bucket=code, progress=progress,
            due_date=r["due_date"].isoformat() if r["due_date"] else None,
            completed_on=completed.isoformat() if completed else None,
            evidence=evidence.get(r["id"], []), extensions=extensions.get(r["id"], []),
            updates=updates.get(r["id"], []))
        block.tasks.append(line)
        for counts in (block.counts, totals):
            counts[code] += 1
            counts["total"] += 1
        for lead_id, name in lead:
            agency_names[lead_id] = name
            per_agency[lead_id][code] += 1
            per_agency[lead_id]["total"] += 1
        if (code not in ("done_on_time", "done_late", "stopped") and r["due_date"] and horizon
                and as_of <= r["due_date"] <= horizon):
            upcoming.append(f"{r['content']} (hạn {r['due_date']:%d/%m/%Y})")

    order = {code: i for i, code in enumerate(AREA_NAMES)}
    areas = sorted(blocks.values(), key=lambda b: order.get(b.area, len(order)))
    agency_name = ""
    if agency_id is not None:
        agency_name = Agency.objects.filter(pk=agency_id).values_list("name", flat=True).first() or ""
    plans = [p.number or p.title for p in Plan.objects.filter(pk__in=plan_ids).order_by("pk").only("number", "title")]
    data = ReportData(
        scope="agency" if agency_id is not None else "province", agency_id=agency_id, agency_name=agency_name,
        period_name=period.name, data_from=_iso(period.data_from), data_to=_iso(period.data_to),
        submit_by=_iso(period.submit_by), as_of=as_of.isoformat(), plans=plans, totals=totals, areas=areas,
        targets=target_lines(period, agency_id),
        documents=list(dict.fromkeys(documents)), upcoming=upcoming[:50],
        composed_at=timezone.now().isoformat(timespec="seconds"))
    if agency_id is None:
        data.agencies = agency_lines(per_agency, agency_names, reports, period)
    return data


def target_lines(period: ReportPeriod, agency_id: int | None) -> list[TargetLine]:
    """The plan's targets with what each reached in the period: the agency's own figure in an agency's report,
    the target's scope-wide figure in the province's (measured from dossier data or entered by hand)."""
    from dondoc.indicators.metrics import ACHIEVEMENT_LABELS, achievement
    from dondoc.indicators.models import TargetActual

    targets = list(Target.objects.filter(plan_id=period.plan_id).order_by("order"))
    actuals = {a.target_id: a.value for a in TargetActual.objects.filter(target__in=targets, period=period,
                                                                         agency_id=agency_id)}
    lines = []
    for t in targets:
        actual = actuals.get(t.pk)
        shown = None
        if actual is not None:
            state = achievement(t.comparator, float(t.value) if t.value is not None else None, float(actual))
            number = f"{actual:.2f}".rstrip("0").rstrip(".").replace(".", ",")
            shown = f"{number}{'' if t.unit == '%' else ' '}{t.unit} ({ACHIEVEMENT_LABELS[state].lower()})"
        lines.append(TargetLine(text=t.text, value=None if t.value is None else f"{t.value.normalize():f}",
                                unit=t.unit, comparator=t.comparator, actual=shown))
    return lines


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _next_cut_off(period: ReportPeriod) -> date | None:
    """The last day of the next report's data window (what "the coming period" means in section IV)."""
    if period.data_to is None:
        return None
    following = (ReportPeriod.objects.filter(plan_id=period.plan_id, data_to__gt=period.data_to)
                 .order_by("data_to").values_list("data_to", flat=True).first())
    return following or period.data_to + timedelta(days=92)


def agency_lines(per_agency: dict[int, dict[str, int]], names: dict[int, str], reports: Iterable[Any],
                 period: ReportPeriod) -> list[AgencyLine]:
    """The per-agency appendix: every lead agency's task counts beside the state of its report."""
    latest = {r.agency_id: r for r in reports}
    lines = []
    for agency_id, counts in per_agency.items():
        line = AgencyLine(agency_id=agency_id, name=names.get(agency_id, ""), counts=counts)
        report = latest.get(agency_id)
        if report is not None:
            line.report_id, line.report_state = report.pk, report.state
            line.report_state_label = report.get_state_display()
            if report.submitted_at:
                line.submitted_at = timezone.localtime(report.submitted_at).isoformat(timespec="minutes")
            line.late = report.submitted_late
        lines.append(line)
    return sorted(lines, key=lambda a: a.name)
