"""Reminders and urging: the daily job that finds what falls due soon or is already late and tells the people
who must act, and the weekly digest for the standing agency.

An *item* is one date someone must meet:

- a task's current due date, and its intermediate due dates (DUE milestones) and conditional deadlines whose
  event has happened (CONDITIONAL milestones with a date) — one item per (task, date), so a date the document
  printed twice is reminded once;
- one period of a recurring task (an OCCURRENCE milestone, "Quý I/2021"), until that period is marked done.

Items of closed tasks (done, cancelled) and done periods are left out.

Who is told: the focal officers and leaders of the task's lead agencies (`notify.agency_officers`), in the
app and by e-mail; the e-mail links to the task page's update form. The standing agency gets the weekly digest.

Once: each notification has a key — `due_soon:task:<id>:<date>`, `overdue:occurrence:<id>:<date>`,
`digest:<ISO year>-W<week>` — and `Notification` is unique per (user, key), so every (person, item, kind, due
date) goes out once however often the job runs; an extension gives the item a new date and so a new reminder.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dondoc.accounts.models import User
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.plans.models import CLOSED, Milestone, Plan, Task, TaskAgency

from . import rules, services
from .models import Notification
from .notify import agency_officers, notify, standing_users, task_url

logger = logging.getLogger(__name__)

UPDATE_ANCHOR = "#cap-nhat"  # the task page's update form
DATED_KINDS = (Milestone.Kind.OCCURRENCE, Milestone.Kind.DUE, Milestone.Kind.CONDITIONAL)
NO_AGENCY = "(chưa xác định cơ quan chủ trì)"
NO_AREA = "Khác"
DIGEST_LIST_LIMIT = 40  # items listed one by one in the digest; the rest are counted
UNUSED_TASK_FIELDS = ("output", "lead_text", "coordinating_text", "deadline_text", "funding", "note", "warnings",
                      "search_key", "status_reason")  # not read by the messages: left in the database


@dataclass(frozen=True)
class Item:
    """One date to meet: a task-level date, or one period of a recurring task."""

    task: Task
    due: date
    occurrence: Milestone | None = None

    @property
    def ref(self) -> str:
        return f"occurrence:{self.occurrence.pk}" if self.occurrence else f"task:{self.task.pk}"

    def key(self, kind: str) -> str:
        return f"{kind}:{self.ref}:{self.due.isoformat()}"

    @property
    def period(self) -> str:
        return self.occurrence.label if self.occurrence else ""

    def lead_ids(self) -> set[int]:
        return self.task.lead_agency_ids()

    def lead_names(self) -> list[str]:
        return [ta.agency.name for ta in self.task.task_agencies.all() if ta.role == TaskAgency.Role.LEAD]

    @property
    def area(self) -> str:
        return AREA_NAMES.get(self.task.area, NO_AREA) if self.task.area else NO_AREA

    def task_text(self) -> str:
        text = f"{self.task.number}. {self.task.content}" if self.task.number else self.task.content
        return " ".join(text.split())

    def heading(self) -> str:
        return f"{self.period} — {self.task_text()}" if self.period else self.task_text()


@dataclass
class ReminderRun:
    """What one run did (for the command's output, the job's log and the tests)."""

    day: date
    occurrences_created: int = 0
    due_soon: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    sent: Counter[str] = field(default_factory=Counter)  # notifications created, per kind
    recipients: set[int] = field(default_factory=set)

    def summary(self) -> str:
        return (f"Ngày {self.day:%d/%m/%Y}: tạo {self.occurrences_created} kỳ định kỳ; "
                f"{len(self.due_soon)} việc sắp đến hạn, {len(self.overdue)} việc quá hạn; "
                f"gửi {self.sent[Notification.Kind.DUE_SOON]} nhắc sắp đến hạn, "
                f"{self.sent[Notification.Kind.OVERDUE]} nhắc quá hạn tới {len(self.recipients)} người.")


# --- finding the items ------------------------------------------------------------------------------------------

def _with_agencies() -> Prefetch:
    return Prefetch("task_agencies", queryset=TaskAgency.objects.select_related("agency"))


def generate_for_year(year: int) -> int:
    """The periods of every recurring task of the plans of `year` (idempotent: existing periods are kept).
    Two queries when every period already exists, as on every run but the first of a year."""
    templates = list(Milestone.objects.filter(task__plan__year=year, kind=Milestone.Kind.RECURRING)
                     .values_list("pk", "rhythm", "task_id"))
    made = set(Milestone.objects.filter(template__task__plan__year=year, template__kind=Milestone.Kind.RECURRING)
               .values_list("template_id", "label"))
    missing = {task_id for pk, rhythm, task_id in templates
               if any((pk, period.label) not in made for period in rules.periods(rhythm, year))}
    if not missing:
        return 0
    return services.generate_occurrences(Task.objects.filter(pk__in=missing).prefetch_related("milestones"), year)


def open_items(until: date) -> list[Item]:
    """Every open item due on or before `until`, earliest first."""
    dated = Milestone.objects.filter(kind__in=DATED_KINDS, due_date__lte=until).exclude(status__in=CLOSED)
    tasks = {t.pk: t for t in Task.objects.exclude(status__in=CLOSED)
             .filter(Q(due_date__lte=until) | Q(pk__in=dated.values("task_id")))
             .select_related("plan", "section").defer(*UNUSED_TASK_FIELDS).prefetch_related(_with_agencies())}
    found: dict[tuple[str, int, date], Item] = {}
    for task in tasks.values():
        if task.due_date is not None and task.due_date <= until:
            found[("task", task.pk, task.due_date)] = Item(task, task.due_date)
    for milestone in dated.only("pk", "task_id", "kind", "due_date", "label"):
        task = tasks.get(milestone.task_id)
        if task is None:  # the task is closed
            continue
        if milestone.kind == Milestone.Kind.OCCURRENCE:
            found[("occurrence", milestone.pk, milestone.due_date)] = Item(task, milestone.due_date, milestone)
        else:
            found.setdefault(("task", task.pk, milestone.due_date), Item(task, milestone.due_date))
    return sorted(found.values(), key=lambda i: (i.due, i.task.plan_id, i.task.order, i.task.pk, i.ref))


def split(items: Iterable[Item], today: date, days: int) -> tuple[list[Item], list[Item]]:
    """(due soon: due today or within `days` days, overdue: due before today)."""
    due_soon, overdue = [], []
    for item in items:
        if rules.is_overdue(item.task.status, item.due, today):
            overdue.append(item)
        elif item.due <= today + timedelta(days=days):
            due_soon.append(item)
    return due_soon, overdue


# --- the messages -----------------------------------------------------------------------------------------------

def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _plan_line(plan: Plan) -> str:
    return " ".join(f"{plan.kind} số {plan.number} — {plan.title}".split()) if plan.number else plan.title


def _facts(item: Item) -> list[str]:
    task = item.task
    lines = [f"Nhiệm vụ: {item.task_text()}", f"Kế hoạch: {_plan_line(task.plan)}"]
    if item.period:
        lines.append(f"Kỳ: {item.period}")
    lines.append(f"Cơ quan chủ trì: {', '.join(item.lead_names()) or NO_AGENCY}")
    lines.append(f"Tình trạng: {task.get_status_display()}, tiến độ {task.progress}%")
    return lines


def due_soon_message(item: Item, today: date) -> tuple[str, str]:
    left = (item.due - today).days
    when = "hôm nay là hạn" if left == 0 else f"còn {left} ngày"
    title = f"Sắp đến hạn {item.due:%d/%m/%Y}: {_short(item.heading())}"
    body = "\n".join([*_facts(item), f"Hạn: {item.due:%d/%m/%Y} ({when})", "",
                      "Đề nghị cơ quan cập nhật tiến độ, kết quả thực hiện trước hạn; nếu không kịp, "
                      "đề nghị gia hạn kèm lý do."])
    return title, body


def overdue_message(item: Item, today: date) -> tuple[str, str]:
    late = (today - item.due).days
    title = f"Quá hạn từ {item.due:%d/%m/%Y}: {_short(item.heading())}"
    body = "\n".join([*_facts(item), f"Hạn: {item.due:%d/%m/%Y} (đã quá hạn {late} ngày)", "",
                      "Đề nghị cơ quan khẩn trương thực hiện, cập nhật kết quả kèm tài liệu kiểm chứng; "
                      "nếu cần thêm thời gian, đề nghị gia hạn kèm lý do."])
    return title, body


# --- sending ----------------------------------------------------------------------------------------------------

def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _already_sent(keys: set[str]) -> set[tuple[int, str]]:
    """(user id, key) pairs already notified: skipped without an insert that would fail anyway."""
    sent: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(keys)):
        sent.update(Notification.objects.filter(key__in=chunk).values_list("user_id", "key"))
    return sent


class _Officers:
    """The focal officers and leaders of every agency (`notify.agency_officers`), read once per run."""

    def __init__(self) -> None:
        self._by_agency: dict[int, list[User]] = {}
        for user in agency_officers(None).exclude(agency_id=None).order_by("pk"):
            self._by_agency.setdefault(user.agency_id, []).append(user)

    def of(self, agency_ids: set[int]) -> list[User]:
        return [user for agency_id in sorted(agency_ids) for user in self._by_agency.get(agency_id, [])]


def _send(run: ReminderRun, kind: str, items: list[Item], today: date, officers: _Officers,
          sent: set[tuple[int, str]]) -> None:
    message = due_soon_message if kind == Notification.Kind.DUE_SOON else overdue_message
    for item in items:
        key = item.key(kind)
        people = [u for u in officers.of(item.lead_ids()) if (u.pk, key) not in sent]
        if not people:
            continue
        title, body = message(item, today)
        for user in people:
            if notify(user, kind=kind, key=key, title=title, body=body, url=task_url(item.task) + UPDATE_ANCHOR,
                      task=item.task, link_text="Cập nhật tiến độ nhiệm vụ tại") is not None:
                run.sent[kind] += 1
                run.recipients.add(user.pk)


def send_reminders(today: date | None = None, days: int | None = None) -> ReminderRun:
    """The daily job: make this year's recurring periods, then remind what is due within `days` days
    (DONDOC_REMIND_DAYS) and what is overdue. Safe to run any number of times a day."""
    today = today or timezone.localdate()
    days = settings.DONDOC_REMIND_DAYS if days is None else days
    run = ReminderRun(day=today, occurrences_created=generate_for_year(today.year))
    run.due_soon, run.overdue = split(open_items(today + timedelta(days=days)), today, days)
    officers = _Officers()
    keys = {i.key(Notification.Kind.DUE_SOON) for i in run.due_soon}
    keys |= {i.key(Notification.Kind.OVERDUE) for i in run.overdue}
    sent = _already_sent(keys)
    _send(run, Notification.Kind.OVERDUE, run.overdue, today, officers, sent)
    _send(run, Notification.Kind.DUE_SOON, run.due_soon, today, officers, sent)
    logger.info(run.summary())
    return run


# --- the weekly digest ------------------------------------------------------------------------------------------

@dataclass
class Digest:
    day: date
    week_start: date
    week_end: date
    overdue_tasks: int
    by_agency: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    due_this_week: list[Item]

    @property
    def key(self) -> str:
        year, week, _ = self.day.isocalendar()
        return f"digest:{year}-W{week:02d}"

    @property
    def title(self) -> str:
        week = self.day.isocalendar()[1]
        return (f"Tổng hợp tuần {week} ({self.week_start:%d/%m}–{self.week_end:%d/%m/%Y}): "
                f"{self.overdue_tasks} nhiệm vụ quá hạn, {len(self.due_this_week)} việc đến hạn trong tuần")

    @property
    def body(self) -> str:
        lines = [f"Tình hình theo dõi, đôn đốc đến ngày {self.day:%d/%m/%Y}.", "",
                 f"Nhiệm vụ quá hạn: {self.overdue_tasks}"]
        if self.by_agency:
            lines += ["", "Theo cơ quan chủ trì:", *(f"- {name}: {n}" for name, n in self.by_agency)]
            lines += ["", "Theo lĩnh vực:", *(f"- {name}: {n}" for name, n in self.by_area)]
        lines += ["", f"Đến hạn trong tuần ({self.week_start:%d/%m}–{self.week_end:%d/%m/%Y}): "
                      f"{len(self.due_this_week)}"]
        for item in self.due_this_week[:DIGEST_LIST_LIMIT]:
            leads = ", ".join(item.lead_names()) or NO_AGENCY
            lines.append(f"- {item.due:%d/%m/%Y}: {_short(item.heading(), 160)} ({leads})")
        if len(self.due_this_week) > DIGEST_LIST_LIMIT:
            lines.append(f"… và {len(self.due_this_week) - DIGEST_LIST_LIMIT} việc khác.")
        return "\n".join(lines)


def build_digest(today: date) -> Digest:
    """Overdue tasks (a task with at least one overdue item counts once) per lead agency and per area, and the
    items due in the ISO week of `today` (Monday to Sunday)."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    items = open_items(sunday)
    late = {i.task.pk: i for i in items if rules.is_overdue(i.task.status, i.due, today)}
    by_agency: Counter[str] = Counter()
    by_area: Counter[str] = Counter()
    for item in late.values():
        by_agency.update(item.lead_names() or [NO_AGENCY])
        by_area[item.area] += 1
    return Digest(day=today, week_start=monday, week_end=sunday, overdue_tasks=len(late),
                  by_agency=sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0])),
                  by_area=sorted(by_area.items(), key=lambda kv: (-kv[1], kv[0])),
                  due_this_week=[i for i in items if max(today, monday) <= i.due <= sunday
                                 and not rules.is_overdue(i.task.status, i.due, today)])


def _board_url() -> str:
    try:
        return reverse("overdue_board")
    except NoReverseMatch:  # a project without the overdue board: the digest stands alone
        return ""


def send_digest(today: date | None = None) -> int:
    """The weekly digest to the standing agency's users, once per ISO week each. Returns how many were sent."""
    today = today or timezone.localdate()
    generate_for_year(today.year)  # the digest counts this year's periods even before the daily job ran
    digest: Digest | None = None
    count = 0
    for user in standing_users().order_by("pk"):
        digest = digest or build_digest(today)
        if notify(user, kind=Notification.Kind.DIGEST, key=digest.key, title=digest.title, body=digest.body,
                  url=_board_url(), link_text="Bảng nhiệm vụ quá hạn") is not None:
            count += 1
    logger.info("Tổng hợp tuần ngày %s: gửi %d thông báo.", f"{today:%d/%m/%Y}", count)
    return count


def run_job(today: str | None = None) -> dict[str, Any]:
    """The daily reminders as a queue job: JSON-friendly argument (ISO date or none) and result."""
    run = send_reminders(date.fromisoformat(today) if today else None)
    return {"day": run.day.isoformat(), "occurrences_created": run.occurrences_created,
            "due_soon": run.sent[Notification.Kind.DUE_SOON], "overdue": run.sent[Notification.Kind.OVERDUE]}
