"""Reminders and urging: the daily job under a frozen clock (due soon, overdue, recurring periods of a whole seed
plan year, each notification once), the weekly digest, the queue (embedded SQLite for `make run`, Redis), the
command, and the notifications page."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from dondoc.accounts.models import Role, User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.imports import import_document
from dondoc.plans.models import CLOSED, Milestone, Plan, Status, Task, TaskAgency
from dondoc.plans.services import store_plan
from dondoc.tracking import reminders, rules, services
from dondoc.tracking.models import Notification

from .conftest import make_user, sample_plan_json, seed

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[2]
SITE = "https://dondoc.tinh.example.vn"
DUE = date(2025, 6, 30)  # task 1 of the sample plan (Sở Tư pháp leads), "Quý II/2025"


def at(day: date, hour: int = 7, minute: int = 0) -> datetime:
    """That day at that time in Vietnam."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DONDOC_SITE_URL = SITE
    settings.DONDOC_REMIND_DAYS = 7


@pytest.fixture
def people(users: dict[str, User], agencies: dict[str, Agency]) -> dict[str, User]:
    """The conftest users with e-mail addresses, plus Sở Nội vụ's focal officer (task 2's lead agency)."""
    users = {**users, "home_focal": make_user("daumoi_snv", Role.FOCAL, agencies["home"])}
    for name, user in users.items():
        user.email = f"{name}@tinh.example.vn"
        user.save(update_fields=["email"])
    return users


@pytest.fixture
def plan(people: dict[str, User]) -> Plan:
    """The sample plan of 2025: task 1 led by Sở Tư pháp, due 30/06/2025; task 2 led by Sở Nội vụ, quarterly."""
    return store_plan(sample_plan_json(), resolve=lambda name: agency_services.ensure(name, actor=people["admin"]),
                      owner=None, actor=people["admin"])


def task_of(plan: Plan, number: str) -> Task:
    return plan.tasks.get(number=number)


def notes(user: User, kind: str | None = None) -> list[Notification]:
    query = Notification.objects.filter(user=user)
    return list(query.filter(kind=kind) if kind else query)


# --- due soon, overdue, once ------------------------------------------------------------------------------------

def test_due_soon_at_n_days_then_overdue_the_day_after(plan: Plan, people: dict[str, User]) -> None:
    task = task_of(plan, "1")
    assert task.due_date == DUE
    focal, leader = people["focal"], people["leader"]

    with time_machine.travel(at(DUE - timedelta(days=8)), tick=False):
        reminders.send_reminders()
    assert not Notification.objects.filter(task=task).exists()  # 8 days before: not yet

    # 00:30 in Vietnam is still the previous day in UTC: the job counts days in Vietnam
    with time_machine.travel(datetime(2025, 6, 22, 17, 30, tzinfo=UTC), tick=False):
        run = reminders.send_reminders()
    assert run.day == DUE - timedelta(days=7)
    for user in (focal, leader):
        (note,) = notes(user, Notification.Kind.DUE_SOON)
        assert note.task == task and note.key == f"due_soon:task:{task.pk}:2025-06-30"
        assert note.url == f"/nhiem-vu/{task.pk}/#cap-nhat"
        assert note.title.startswith("Sắp đến hạn 30/06/2025: 1. Rà soát văn bản quy phạm pháp luật")
        assert "Hạn: 30/06/2025 (còn 7 ngày)" in note.body and "Cơ quan chủ trì: Sở Tư pháp" in note.body
    # nobody else hears about Sở Tư pháp's task: not another agency, not a viewer, not the standing agency
    for name in ("other_focal", "viewer", "standing", "admin", "home_focal"):
        assert not Notification.objects.filter(user=people[name], task=task).exists(), name

    for day in (DUE - timedelta(days=3), DUE):  # still within the window: nothing new
        reminders.send_reminders(day)
    assert Notification.objects.filter(task=task).count() == 2

    reminders.send_reminders(DUE + timedelta(days=1))  # the day after: overdue
    for user in (focal, leader):
        (note,) = notes(user, Notification.Kind.OVERDUE)
        assert note.key == f"overdue:task:{task.pk}:2025-06-30"
        assert note.title.startswith("Quá hạn từ 30/06/2025: 1. Rà soát")
        assert "đã quá hạn 1 ngày" in note.body
    assert Notification.objects.filter(task=task).count() == 4


def test_recurring_periods_are_reminded_to_their_lead_agency(plan: Plan, people: dict[str, User]) -> None:
    task = task_of(plan, "2")  # quarterly, led by Sở Nội vụ
    run = reminders.send_reminders(date(2025, 6, 7))  # Quý II/2025 is due 14/06; Quý I (14/03) is late
    assert run.occurrences_created == 4
    labels = {n.key: n.title for n in notes(people["home_focal"])}
    q1, q2 = (task.milestones.get(label=f"Quý {q}/2025") for q in ("I", "II"))
    assert labels[f"overdue:occurrence:{q1.pk}:2025-03-14"].startswith("Quá hạn từ 14/03/2025: Quý I/2025 — 2. Kiểm")
    assert labels[f"due_soon:occurrence:{q2.pk}:2025-06-14"].startswith("Sắp đến hạn 14/06/2025: Quý II/2025 — ")
    assert len(labels) == 2  # Quý III and IV are not near
    assert "Kỳ: Quý II/2025" in Notification.objects.get(key__startswith="due_soon:occurrence").body


def test_closed_tasks_and_done_periods_are_not_reminded(plan: Plan, people: dict[str, User]) -> None:
    task, recurring = task_of(plan, "1"), task_of(plan, "2")
    reminders.send_reminders(date(2025, 1, 2))  # the periods of 2025 exist from now on
    services.record_progress(task, actor=people["leader"], text="Đã ban hành báo cáo rà soát", progress=100,
                             status=Status.DONE, today=date(2025, 6, 20))
    assert Task.objects.get(pk=task.pk).status == Status.DONE
    q2 = recurring.milestones.get(label="Quý II/2025")
    services.complete_occurrence(q2, actor=people["home_focal"], today=date(2025, 6, 1))
    cancelled = Task.objects.create(plan=plan, number="3", content="Nhiệm vụ không còn thực hiện", order=3,
                                    due_date=date(2025, 6, 28), status=Status.CANCELLED)
    TaskAgency.objects.create(task=cancelled, agency=people["focal"].agency, role=TaskAgency.Role.LEAD)

    for day in (date(2025, 6, 23), date(2025, 7, 1), date(2025, 9, 10)):
        reminders.send_reminders(day)
    assert not Notification.objects.filter(task__in=[task, cancelled]).exists()
    keys = {n.key for n in notes(people["home_focal"])}
    assert not any(f":occurrence:{q2.pk}:" in k for k in keys)  # Quý II was reported
    q3 = recurring.milestones.get(label="Quý III/2025")
    assert f"due_soon:occurrence:{q3.pk}:2025-09-14" in keys  # Quý III was not


def test_each_notification_goes_out_once_however_often_the_job_runs(plan: Plan, people: dict[str, User],
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    day = date(2025, 6, 23)
    with django_capture_on_commit_callbacks(execute=True):  # e-mails go once the job's writes are committed
        first = reminders.send_reminders(day)
    assert first.sent[Notification.Kind.DUE_SOON] == 2  # task 1 to Sở Tư pháp's two officers
    assert first.sent[Notification.Kind.OVERDUE] == 2  # Quý I and II/2025 of task 2 to Sở Nội vụ's officer
    count, outbox = Notification.objects.count(), len(mail.outbox)
    assert count == outbox == 4
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            again = reminders.send_reminders(day)
        assert not again.sent and again.occurrences_created == 0
    assert Notification.objects.count() == count and len(mail.outbox) == outbox
    assert Counter(Notification.objects.values_list("user_id", "key")).most_common(1)[0][1] == 1

    task = task_of(plan, "1")
    message = next(m for m in mail.outbox if m.to == ["focal@tinh.example.vn"])
    assert message.subject.startswith("[dondoc] Sắp đến hạn 30/06/2025: 1. Rà soát")
    assert message.body.startswith("Kính gửi daumoi,")
    assert f"Cập nhật tiến độ nhiệm vụ tại: {SITE}/nhiem-vu/{task.pk}/#cap-nhat" in message.body
    assert f"{SITE}/thong-bao/" in message.body
    assert Notification.objects.filter(emailed=True).count() == count


def test_an_extension_brings_a_reminder_for_the_new_date(plan: Plan, people: dict[str, User]) -> None:
    task = task_of(plan, "1")
    reminders.send_reminders(date(2025, 6, 25))
    extension = services.request_extension(task, actor=people["focal"], new_due=date(2025, 8, 15),
                                           reason="Chờ ý kiến của Bộ Tư pháp", today=date(2025, 6, 25))
    services.decide_extension(extension, actor=people["standing"], approve=True)
    reminders.send_reminders(date(2025, 7, 1))  # the old date is no longer late
    assert not Notification.objects.filter(task=task, kind=Notification.Kind.OVERDUE).exists()
    reminders.send_reminders(date(2025, 8, 8))
    keys = set(Notification.objects.filter(user=people["focal"], task=task).values_list("key", flat=True))
    assert keys == {f"due_soon:task:{task.pk}:2025-06-30", f"due_soon:task:{task.pk}:2025-08-15"}


def test_a_conditional_deadline_is_reminded_once_its_event_happened(plan: Plan, people: dict[str, User]) -> None:
    task = Task.objects.create(plan=plan, number="3", order=3, content="Sửa đổi quy chế khi có hướng dẫn của Bộ",
                               conditional=True)
    TaskAgency.objects.create(task=task, agency=people["focal"].agency, role=TaskAgency.Role.LEAD)
    condition = Milestone.objects.create(task=task, kind=Milestone.Kind.CONDITIONAL, condition="Khi có hướng dẫn")
    reminders.send_reminders(date(2025, 6, 1))
    assert not Notification.objects.filter(task=task).exists()  # no date yet: nothing to remind
    services.record_condition_event(condition, actor=people["focal"], happened_on=date(2025, 6, 2),
                                    due=date(2025, 6, 20))
    reminders.send_reminders(date(2025, 6, 15))
    # the milestone and the task's own due date are the same date: one reminder, not two
    assert list(Notification.objects.filter(user=people["focal"], task=task).values_list("key", flat=True)) == [
        f"due_soon:task:{task.pk}:2025-06-20"]


def test_users_without_email_are_notified_in_the_app(plan: Plan, people: dict[str, User]) -> None:
    User.objects.filter(pk=people["leader"].pk).update(email="")
    reminders.send_reminders(date(2025, 6, 23))
    (note,) = notes(people["leader"], Notification.Kind.DUE_SOON)
    assert not note.emailed
    assert all(m.to != [""] for m in mail.outbox)
    assert not any("leader@" in m.to[0] for m in mail.outbox)


# --- the weekly digest ------------------------------------------------------------------------------------------

def test_weekly_digest_once_per_week_to_the_standing_agency(plan: Plan, people: dict[str, User],
                                                           django_capture_on_commit_callbacks: Any) -> None:
    second_standing = make_user("thuongtruc2", Role.STANDING, people["standing"].agency)
    monday = date(2025, 7, 7)  # task 1 is late (30/06); Quý I and II/2025 of task 2 too
    sent = 0
    for offset in range(14):  # two weeks, the digest asked for every day (as `send_reminders --digest` would)
        with time_machine.travel(at(monday + timedelta(days=offset), 7, 30), tick=False):
            sent += reminders.send_digest()
    assert sent == 4  # two people × two ISO weeks
    digests = Notification.objects.filter(kind=Notification.Kind.DIGEST)
    assert sorted(digests.values_list("user__username", "key")) == [
        ("thuongtruc", "digest:2025-W28"), ("thuongtruc", "digest:2025-W29"),
        ("thuongtruc2", "digest:2025-W28"), ("thuongtruc2", "digest:2025-W29")]
    assert not digests.exclude(user__role=Role.STANDING).exists()
    first = digests.get(user=people["standing"], key="digest:2025-W28")
    assert first.title == "Tổng hợp tuần 28 (07/07–13/07/2025): 2 nhiệm vụ quá hạn, 0 việc đến hạn trong tuần"
    assert "Nhiệm vụ quá hạn: 2" in first.body
    assert "- Sở Tư pháp: 1" in first.body and "- Sở Nội vụ: 1" in first.body
    assert "- Cải cách thể chế: 2" in first.body
    assert "Tình hình theo dõi, đôn đốc đến ngày 07/07/2025." in first.body
    assert first.url == reverse("overdue_board")  # the board the standing agency urges from

    # the week of 14/09: Quý III/2025 of task 2 falls due on Sunday 14/09
    with django_capture_on_commit_callbacks(execute=True):  # e-mails go once the job's writes are committed
        reminders.send_digest(date(2025, 9, 8))
    september = Notification.objects.get(user=second_standing, key="digest:2025-W37")
    assert "Đến hạn trong tuần (08/09–14/09/2025): 1" in september.body
    assert "- 14/09/2025: Quý III/2025 — 2. Kiểm tra công tác cải cách hành chính" in september.body
    assert any(m.to == ["standing@tinh.example.vn"] and "Tổng hợp tuần 37" in m.subject for m in mail.outbox)


# --- a whole plan year of a seed plan, week by week --------------------------------------------------------------

def _weeks(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=7)


def _expected_items(plan: Plan, before: date) -> set[str]:
    """The refs of the plan's open items due before `before`, read straight from the rows."""
    refs: set[str] = set()
    for task in plan.tasks.exclude(status__in=CLOSED):
        dates = {task.due_date} if task.due_date else set()
        dates |= set(task.milestones.filter(kind__in=[Milestone.Kind.DUE, Milestone.Kind.CONDITIONAL],
                                            due_date__isnull=False).exclude(status__in=CLOSED)
                     .values_list("due_date", flat=True))
        refs |= {f"task:{task.pk}:{d.isoformat()}" for d in dates if d < before}
        for occurrence in task.milestones.filter(kind=Milestone.Kind.OCCURRENCE, due_date__lt=before) \
                .exclude(status__in=CLOSED):
            refs.add(f"occurrence:{occurrence.pk}:{occurrence.due_date.isoformat()}")
    return refs


def test_a_seed_plan_year_recurring_periods_and_reminders(people: dict[str, User], settings: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    path = seed("000")
    settings.DONDOC_COMPLETION_NEEDS_APPROVAL = False
    plan, _ = import_document(path, actor=people["admin"])
    assert plan.year == 2021
    # a focal officer (with an e-mail) for every agency leading a task of the plan
    officers: dict[int, User] = {}
    for agency in Agency.objects.filter(task_roles__task__plan=plan, task_roles__role=TaskAgency.Role.LEAD,
                                        is_group=False).distinct():
        existing = agency.users.filter(role__in=[Role.FOCAL, Role.LEADER]).order_by("pk").first()
        if existing is not None:  # the agencies of conftest (Sở Tư pháp, Sở Nội vụ …) have theirs
            officers[agency.pk] = existing
            continue
        officers[agency.pk] = make_user(f"daumoi-cq{agency.pk}", Role.FOCAL, agency)
        officers[agency.pk].email = f"daumoi-cq{agency.pk}@tinh.example.vn"
        officers[agency.pk].save(update_fields=["email"])
    templates = list(Milestone.objects.filter(task__plan=plan, kind=Milestone.Kind.RECURRING).select_related("task"))
    assert {t.rhythm for t in templates} >= {"quarterly", "annual", "semiannual", "twice_yearly"}

    # a task due 30/09 with no earlier date, led by an agency with an officer: it will be done in June
    closed_task = next(t for t in plan.tasks.filter(due_date=date(2021, 9, 30)).order_by("order")
                       if not t.milestones.filter(due_date__lt=date(2021, 9, 1)).exists()
                       and not t.milestones.filter(kind=Milestone.Kind.RECURRING).exists()
                       and t.lead_agency_ids() & officers.keys())
    done_period: Milestone | None = None
    for day in _weeks(date(2021, 1, 1), date(2022, 1, 7)):
        with time_machine.travel(at(day), tick=False), django_capture_on_commit_callbacks(execute=True):
            reminders.send_reminders()  # its e-mails go once its writes are committed
        if day == date(2021, 1, 1):
            first_week = Milestone.objects.filter(task__plan=plan, kind=Milestone.Kind.OCCURRENCE).count()
        if day == date(2021, 6, 4):  # the agencies report some work before it is late
            done_period = next(o for o in Milestone.objects.filter(task__plan=plan, label="Quý II/2021")
                               if o.task.lead_agency_ids() & officers.keys())
            lead = next(iter(done_period.task.lead_agency_ids() & officers.keys()))
            services.complete_occurrence(done_period, actor=officers[lead], today=day)
            lead = next(iter(closed_task.lead_agency_ids() & officers.keys()))
            services.record_progress(closed_task, actor=officers[lead], text="Đã hoàn thành", progress=100,
                                     status=Status.DONE, today=day)

    # the periods: made on the first run, exactly those of rules.periods for each rhythm
    occurrences = Milestone.objects.filter(task__plan=plan, kind=Milestone.Kind.OCCURRENCE)
    assert occurrences.count() == first_week == sum(len(rules.periods(t.rhythm, 2021)) for t in templates)
    for template in templates:
        made = [(o.label, o.due_date, o.period_start, o.period_end) for o in template.occurrences.order_by("due_date")]
        assert made == [(p.label, p.due, p.start, p.end) for p in rules.periods(template.rhythm, 2021)]
        assert all(o.task_id == template.task_id and o.rhythm == template.rhythm for o in template.occurrences.all())
    quarterly = next(t for t in templates if t.rhythm == "quarterly")
    assert [(o.label, o.due_date) for o in quarterly.occurrences.order_by("due_date")] == [
        ("Quý I/2021", date(2021, 3, 14)), ("Quý II/2021", date(2021, 6, 14)),
        ("Quý III/2021", date(2021, 9, 14)), ("Quý IV/2021", date(2021, 12, 14))]

    # overdue: every open item late by the end of the year, once per officer of its lead agency, no duplicates
    overdue = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    expected = _expected_items(plan, date(2022, 1, 7))
    got = Counter(n.key.split(":", 1)[1] for n in overdue)
    people_of = {ref: _officer_count(ref) for ref in expected}
    reachable = {ref for ref in expected if people_of[ref]}
    assert set(got) == reachable and len(reachable) > 50
    for ref, count in got.items():
        assert count == people_of[ref], ref  # one per officer, never two
    assert overdue.count() == sum(people_of[ref] for ref in reachable)
    assert f"occurrence:{done_period.pk}:2021-06-14" not in got
    assert not Notification.objects.filter(task=closed_task, kind=Notification.Kind.OVERDUE).exists()

    # due soon: 0..7 days before the date, overdue: on the first run after it (weekly runs: within 7 days)
    for note in Notification.objects.filter(kind__in=[Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE]):
        due = date.fromisoformat(note.key.rsplit(":", 1)[1])
        sent_on = note.created_at.astimezone(VN).date()
        if note.kind == Notification.Kind.DUE_SOON:
            assert 0 <= (due - sent_on).days <= 7, note.key
        else:
            assert 1 <= (sent_on - due).days <= 7 or due < date(2021, 1, 1), note.key
    # every period of the year was announced before it fell due (the first run is on 01/01)
    soon = set(Notification.objects.filter(kind=Notification.Kind.DUE_SOON).values_list("key", flat=True))
    for occurrence in occurrences.exclude(pk=done_period.pk):
        if people_of.get(f"occurrence:{occurrence.pk}:{occurrence.due_date.isoformat()}"):
            assert f"due_soon:occurrence:{occurrence.pk}:{occurrence.due_date.isoformat()}" in soon
    assert len(mail.outbox) == Notification.objects.count()


def _officer_count(ref: str) -> int:
    """How many focal officers and leaders the item's lead agencies have."""
    kind, pk, _ = ref.split(":")
    task = Milestone.objects.get(pk=pk).task if kind == "occurrence" else Task.objects.get(pk=pk)
    return User.objects.filter(is_active=True, role__in=[Role.FOCAL, Role.LEADER],
                               agency_id__in=task.lead_agency_ids()).count()


# --- the queue: periodic tasks on the embedded queue, and through Redis ----------------------------------------

def test_make_run_uses_the_embedded_sqlite_queue(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DONDOC_QUEUE", "DJANGO_SETTINGS_MODULE"}}
    env["DONDOC_DATA_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", "import dondoc.settings as s; print(s.HUEY['huey_class'], "
                          "s.HUEY['filename'], s.HUEY['immediate'])"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["huey.SqliteHuey", str(tmp_path / "queue.sqlite3"), "False"]
    run_target = (ROOT / "Makefile").read_text("utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "run_huey" in run_target and "--no-periodic" not in run_target


def test_periodic_tasks_run_at_seven_in_vietnam() -> None:
    from huey.contrib.djhuey import HUEY

    from dondoc.tracking import tasks

    ours = {tasks.daily_reminders.task_class: "daily", tasks.weekly_digest.task_class: "weekly"}

    def due_at(local: datetime) -> set[str]:  # as the consumer asks: a naive UTC timestamp
        stamp = local.astimezone(UTC).replace(tzinfo=None) if HUEY.utc else local.replace(tzinfo=None)
        return {ours[type(t)] for t in HUEY.read_periodic(stamp) if type(t) in ours}

    monday = date(2025, 3, 10)
    assert due_at(at(monday, 7, 0)) == {"daily"}
    assert due_at(at(monday, 7, 30)) == {"weekly"}
    assert due_at(at(monday + timedelta(days=1), 7, 0)) == {"daily"}
    assert due_at(at(monday + timedelta(days=1), 7, 30)) == set()
    assert due_at(datetime(2025, 3, 10, 7, 0, tzinfo=UTC)) == set()  # 07:00 UTC is 14:00 in Vietnam
    for minute in range(0, 24 * 60, 30):  # once a day, once a week
        moment = at(monday, minute // 60, minute % 60)
        assert tasks.DAILY(moment) == (minute == 7 * 60)
        assert tasks.MONDAY_MORNING(moment) == (minute == 7 * 60 + 30)
    assert tasks.MONDAY_MORNING(datetime(2025, 3, 10, 0, 30))  # naive UTC, as Huey passes it
    assert not tasks.MONDAY_MORNING(at(monday + timedelta(days=7 - 1), 7, 30))  # a Sunday
    # the job functions themselves, as the worker calls them
    with time_machine.travel(at(monday), tick=False):
        assert tasks.daily_reminders.call_local() == {"day": "2025-03-10", "occurrences_created": 0, "due_soon": 0,
                                                      "overdue": 0}
        assert tasks.weekly_digest.call_local() == 0  # nobody of the standing agency yet


@pytest.fixture
def redis_huey() -> Iterator[Any]:
    from huey import RedisHuey
    from redis.exceptions import RedisError

    huey = RedisHuey(name=f"dondoc-test-{uuid.uuid4().hex}", url="redis://127.0.0.1:6379/15")
    try:
        huey.storage.conn.ping()
    except RedisError as exc:
        if os.environ.get("DONDOC_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis không kết nối được ở redis://127.0.0.1:6379/15 (DONDOC_REQUIRE_REDIS=1): {exc}")
        pytest.skip(f"không có Redis ở redis://127.0.0.1:6379/15 ({exc}); đặt DONDOC_REQUIRE_REDIS=1 để bắt buộc")
    try:
        yield huey
    finally:
        huey.storage.flush_all()


def test_reminders_through_a_redis_queue(redis_huey: Any, plan: Plan, people: dict[str, User],
                                         django_capture_on_commit_callbacks: Any) -> None:
    from dondoc.tracking import tasks

    # the same job functions, registered on a Redis-backed Huey as a worker with DONDOC_QUEUE=redis://… has them
    daily = redis_huey.periodic_task(tasks.local_crontab(redis_huey.utc, minute="0", hour="7"))(
        tasks.daily_reminders.call_local)
    dated = redis_huey.task()(reminders.run_job)

    # a worker's scheduler at 07:00 in Vietnam on 23/06/2025 puts the daily job on the queue …
    moment = at(DUE - timedelta(days=7))
    with time_machine.travel(moment, tick=False):
        stamp = moment.astimezone(UTC).replace(tzinfo=None)
        for periodic in redis_huey.read_periodic(stamp):
            redis_huey.enqueue(periodic)
        assert redis_huey.pending_count() == 1
        assert redis_huey.storage.conn.llen(redis_huey.storage.queue_key) == 1  # the message is in Redis
        task = redis_huey.dequeue()  # … and a worker reads it back and runs it
        assert isinstance(task, daily.task_class) and redis_huey.pending_count() == 0
        with django_capture_on_commit_callbacks(execute=True):  # e-mails go once the job's writes are committed
            result = redis_huey.execute(task)  # (Huey keeps no result of periodic tasks: the value is returned)
    assert result == {"day": "2025-06-23", "occurrences_created": 4, "due_soon": 2, "overdue": 2}
    assert len(notes(people["focal"], Notification.Kind.DUE_SOON)) == 1
    assert len(mail.outbox) == 4

    # a job enqueued with its date (huey.enqueue through the task wrapper), run by the worker the day after
    pending = dated((DUE + timedelta(days=1)).isoformat())
    assert redis_huey.pending_count() == 1
    redis_huey.execute(redis_huey.dequeue())
    assert pending.get() == {"day": "2025-07-01", "occurrences_created": 0, "due_soon": 0, "overdue": 2}
    assert len(notes(people["leader"], Notification.Kind.OVERDUE)) == 1


# --- the command ------------------------------------------------------------------------------------------------

def test_send_reminders_command(plan: Plan, people: dict[str, User]) -> None:
    out = io.StringIO()
    call_command("send_reminders", "--date", "2025-06-23", "--digest", stdout=out)
    text = out.getvalue()
    assert "Ngày 23/06/2025: tạo 4 kỳ định kỳ; 1 việc sắp đến hạn, 2 việc quá hạn;" in text
    assert "gửi 2 nhắc sắp đến hạn, 2 nhắc quá hạn tới 3 người." in text
    assert "Tổng hợp tuần: gửi 1 thông báo." in text
    out = io.StringIO()
    call_command("send_reminders", "--date", "2025-06-23", "--digest", stdout=out)
    assert "gửi 0 nhắc sắp đến hạn, 0 nhắc quá hạn tới 0 người." in out.getvalue()
    assert "Tổng hợp tuần: gửi 0 thông báo." in out.getvalue()
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("send_reminders", "--date", "23/06/2025")


# --- the notifications page -------------------------------------------------------------------------------------

def test_notifications_page_shows_ones_own_newest_first_and_marks_read(plan: Plan, people: dict[str, User],
                                                                       client: Client) -> None:
    with time_machine.travel(at(date(2025, 6, 23)), tick=False):
        reminders.send_reminders()
    with time_machine.travel(at(date(2025, 7, 1)), tick=False):
        reminders.send_reminders()
    focal, other = people["focal"], people["home_focal"]
    client.force_login(focal)
    html = client.get(reverse("notifications")).content.decode()
    assert "Thông báo (2)" in html  # the navigation bar
    assert "2 thông báo chưa đọc" in html
    assert html.index("Quá hạn từ 30/06/2025") < html.index("Sắp đến hạn 30/06/2025")  # newest first
    assert "Quý I/2025" not in html  # Sở Nội vụ's notifications are not shown to Sở Tư pháp
    theirs = notes(other)[0]

    # someone else's notification does not exist for me
    assert client.post(reverse("notifications_read"), {"id": theirs.pk}).status_code == 404
    assert client.post(reverse("notifications_read"), {"id": "abc"}).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    mine = notes(focal, Notification.Kind.OVERDUE)[0]
    response = client.post(reverse("notifications_read"), {"id": mine.pk, "open": "1"})
    assert response.status_code == 302 and response["Location"] == mine.url  # straight to the update form
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert "Thông báo (1)" in client.get(reverse("home")).content.decode()

    response = client.post(reverse("notifications_read"), {"all": "1"}, follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(user=focal, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == len(notes(other))
    html = client.get(reverse("notifications")).content.decode()
    assert ">Thông báo</a>" in html and "0 thông báo chưa đọc" in html
    assert client.get(reverse("notifications_read")).status_code == 405


def test_notifications_page_pages_and_is_empty_for_newcomers(people: dict[str, User], client: Client) -> None:
    client.force_login(people["viewer"])
    assert "Chưa có thông báo nào." in client.get(reverse("notifications")).content.decode()
    for i in range(60):
        Notification.objects.create(user=people["viewer"], kind=Notification.Kind.URGING, key=f"k{i}",
                                    title=f"Thông báo thử {i:02d}")
    first = client.get(reverse("notifications")).content.decode()
    assert "Thông báo thử 59" in first and "Thông báo thử 09" not in first and "Trang 1/2" in first
    assert "Thông báo thử 09" in client.get(reverse("notifications"), {"page": 2}).content.decode()
