"""`dondoc demo_scale` (dondoc.web.scale) at a small size: what it makes, and that it keeps what the services keep."""

from __future__ import annotations

import hashlib
import io
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from dondoc.accounts.models import Role, User
from dondoc.agencies.models import Agency, AgencyAlias, alias_key
from dondoc.agencies.services import ensure_levels
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.importer.text import key
from dondoc.plans.models import Plan, ReportPeriod, Status, Task, TaskAgency
from dondoc.reports.compose import compose
from dondoc.reports.models import Report
from dondoc.reports.periods import default_periods
from dondoc.reports.selectors import expected_agencies
from dondoc.scoring import rules
from dondoc.scoring.models import Assessment, Framework
from dondoc.tracking.models import Evidence, Extension, ProgressUpdate
from dondoc.web.scale import DEFAULT_PASSWORD

TODAY = date(2026, 11, 21)
YEARS = (2024, 2025, 2026)
AGENCIES = 20
BUMPS = {ProgressUpdate.Kind.PROGRESS, ProgressUpdate.Kind.COMPLETION_REQUEST, ProgressUpdate.Kind.APPROVAL,
         ProgressUpdate.Kind.REFUSAL, ProgressUpdate.Kind.CONDITION}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: Any) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scale")
    return {"media": root / "files", "dossiers": root / "dossiers"}


@pytest.fixture(scope="module")
def built(django_db_setup: Any, django_db_blocker: Any, folders: dict[str, Path]) -> Any:
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folders["media"],
                                                        DONDOC_DOSSIER_DIR=folders["dossiers"]):
        out = io.StringIO()
        call_command("demo_scale", agencies=AGENCIES, scale=0.05, seed=3, years=list(YEARS), today=TODAY,
                     stdout=out)
        yield out.getvalue()
        # written outside the per-test transactions: leave the database as the migrations made it
        call_command("flush", interactive=False, verbosity=0)
        ensure_levels()


@pytest.fixture
def world(built: str, settings: Any, folders: dict[str, Path]) -> str:
    settings.MEDIA_ROOT = folders["media"]
    settings.DONDOC_DOSSIER_DIR = folders["dossiers"]
    return built


pytestmark = pytest.mark.django_db


def test_progress_is_printed_step_by_step(world: str) -> None:
    for step in range(1, 9):
        assert f"[{step}/8]" in world
    assert "nhiệm vụ" in world and DEFAULT_PASSWORD in world


def test_agencies_sit_on_the_real_levels(world: str) -> None:
    agencies = Agency.objects.filter(is_group=False).select_related("level", "parent__level")
    assert agencies.count() == AGENCIES
    levels = Counter(a.level.code for a in agencies)
    assert levels["province"] == 1 and levels["department"] >= 4 and levels["district"] >= 1
    assert levels["commune"] == AGENCIES - 1 - levels["department"] - levels["district"]
    for agency in agencies:
        expected_parent = {"province": None, "department": "province", "district": "province",
                           "commune": "district"}[agency.level.code]
        assert (agency.parent.level.code if agency.parent else None) == expected_parent, agency
        assert agency.search_key == key(f"{agency.name} {agency.short_name}")
        assert AgencyAlias.objects.filter(agency=agency, key=alias_key(agency.name)).exists()
    groups = Agency.objects.filter(is_group=True)
    assert sorted(g.member_level.code for g in groups) == ["commune", "department", "district"]


def test_plans_cascade_from_the_province_plan_every_year(world: str) -> None:
    province = Agency.objects.get(level__code="province")
    reporters = Agency.objects.filter(is_group=False).exclude(pk=province.pk).count()
    for year in YEARS:
        top = Plan.objects.get(year=year, parent=None)
        assert top.owner == province and top.search_key == key(f"{top.number} {top.title} {top.issuer_name}")
        children = Plan.objects.filter(year=year, parent=top)
        assert children.count() == reporters
        assert {c.owner_id for c in children} == set(Agency.objects.filter(is_group=False).exclude(
            pk=province.pk).values_list("pk", flat=True))
        for plan in [top, *children]:
            assert sorted(plan.sections.values_list("area", flat=True)) == sorted(AREA_NAMES)
            periods = [(p.name, p.data_from, p.data_to, p.submit_by) for p in plan.report_periods.order_by(
                "submit_by")]
            assert periods == [(p.name, p.data_from, p.data_to, p.submit_by) for p in default_periods(year)]
        assert top.targets.exclude(metric="").exists()


def test_every_task_has_one_lead_and_the_fields_the_services_keep(world: str) -> None:
    tasks = list(Task.objects.select_related("plan", "section").prefetch_related("task_agencies__agency"))
    assert len(tasks) > 100
    for task in tasks:
        leads = [ta for ta in task.task_agencies.all() if ta.role == TaskAgency.Role.LEAD]
        assert len(leads) == 1, task
        assert task.lead_text == leads[0].agency.name
        assert task.search_key == key(f"{task.number} {task.content} {task.output} {task.lead_text}")
        assert task.section.plan_id == task.plan_id
        year = task.plan.year
        assert task.due_date is None or date(year, 1, 1) <= task.due_date <= date(year, 12, 31)
        assert (task.completed_on is not None) == (task.status in (Status.DONE, Status.AWAITING_APPROVAL)), task
        if task.status in (Status.DONE, Status.AWAITING_APPROVAL):
            assert task.progress == 100
        if task.plan.parent_id is None:
            assert leads[0].agency.level.code == "department"
        else:
            assert leads[0].agency_id == task.plan.owner_id
        if task.parent_task_id is not None:
            assert task.parent_task.plan_id == task.plan.parent_id
    statuses = Counter(t.status for t in tasks)
    assert statuses[Status.DONE] and statuses[Status.IN_PROGRESS] and statuses[Status.NOT_STARTED]


def test_histories_are_chronological_within_the_plan_year_and_end_where_the_task_stands(world: str) -> None:
    zone = timezone.get_current_timezone()
    approved = Counter(Extension.objects.filter(decision=Extension.Decision.APPROVED).values_list("task_id",
                                                                                                  flat=True))
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for u in ProgressUpdate.objects.order_by("created_at", "pk"):
        updates[u.task_id].append(u)
    assert sum(len(v) for v in updates.values()) > 2 * Task.objects.count()
    for task in Task.objects.select_related("plan"):
        rows = updates.get(task.pk, [])
        year = task.plan.year
        days = [u.reported_on for u in rows]
        assert days == sorted(days), task
        for u in rows:
            assert date(year, 1, 1) <= u.reported_on <= min(TODAY, date(year, 12, 31)), (task, u.reported_on)
            assert u.created_at.astimezone(zone).date() == u.reported_on
            assert u.agency_id is not None and u.author_id is not None
        # what the optimistic lock counted
        assert task.version == sum(1 for u in rows if u.kind in BUMPS) + approved[task.pk], task
        stated = [u for u in rows if u.status]
        if stated:
            assert stated[-1].status == task.status, task
        else:
            assert task.status == Status.NOT_STARTED


def test_evidence_extensions_and_files(world: str) -> None:
    evidence = list(Evidence.objects.select_related("update"))
    assert evidence
    for e in evidence:
        assert e.issued_on <= e.update.reported_on and e.number and e.issuer
    files = [e for e in evidence if e.file]
    assert files, "a few evidence documents carry a real file"
    for e in files:
        with default_storage.open(e.file.name, "rb") as fh:
            content = fh.read()
        assert content.startswith(b"%PDF") and len(content) == e.size
        assert hashlib.sha256(content).hexdigest() == e.sha256
    for x in Extension.objects.select_related("task"):
        assert x.old_due is not None and x.new_due > x.old_due
        assert x.decided_at is None or x.decided_at > x.created_at
        if x.decision == Extension.Decision.APPROVED:
            assert x.task.due_date == x.new_due
            assert x.task.milestones.filter(kind="due", due_date=x.old_due).count() == 0


def test_reports_belong_to_their_agencies_periods_and_closed_windows(world: str) -> None:
    submitted = Report.objects.filter(state=Report.State.SUBMITTED, scope=Report.Scope.AGENCY).select_related(
        "period__plan", "agency")
    assert submitted.count() > AGENCIES
    expected: dict[int, set[int]] = {}
    for report in submitted:
        period = report.period
        assert period.plan.parent_id is None  # agencies report on the province plan's periods
        if period.pk not in expected:
            expected[period.pk] = {a.pk for a, _ in expected_agencies(period)}
        assert report.agency_id in expected[period.pk]
        assert report.snapshot and report.submitted_at and report.approved_by.agency_id == report.agency_id
        assert report.approved_by.role == Role.LEADER
        assert report.submitted_at.date() >= period.data_from
        if period.data_to < TODAY and report.submitted_at.astimezone(timezone.get_current_timezone()).date() \
                > period.data_to:
            # sent after the cut-off: its figures are where each task stood on the window's last day
            assert report.snapshot["as_of"] == period.data_to.isoformat()
    # a bulk-written snapshot is what compose gives at the cut-off
    report = submitted.filter(period__data_to__lt=TODAY, version=1).order_by("pk").first()
    fresh = compose(report.period, report.agency_id, today=report.period.data_to + timedelta(days=1))
    assert fresh.totals == report.snapshot["totals"]
    for correction in Report.objects.filter(version=2):
        assert correction.previous.version == 1 and correction.previous.agency_id == correction.agency_id
    # every closed period has the province's aggregate; the current one its draft and the agencies' drafts
    periods = ReportPeriod.objects.filter(plan__parent=None, data_to__lt=TODAY)
    for period in periods:
        assert Report.objects.filter(period=period, scope=Report.Scope.PROVINCE,
                                     state=Report.State.SUBMITTED).count() == 1
    current = ReportPeriod.objects.get(plan__parent=None, data_from__lte=TODAY, data_to__gte=TODAY)
    assert Report.objects.filter(period=current, scope=Report.Scope.PROVINCE, state=Report.State.DRAFT).exists()
    assert Report.objects.filter(period=current, scope=Report.Scope.AGENCY).exists()


def test_scorecards_totals_are_the_sums_of_their_scores(world: str) -> None:
    assessments = list(Assessment.objects.select_related("framework").prefetch_related("scores__criterion"))
    assert assessments
    for a in assessments:
        applicable = [s for s in a.scores.all() if not s.not_applicable]
        assert a.self_total == rules.quantize(sum((s.self_points or Decimal(0) for s in applicable), Decimal(0)))
        final = sum((s.final_points or Decimal(0) for s in applicable), Decimal(0))
        assert a.final_total == rules.quantize(final)
        maximum = sum((s.criterion.max_points for s in applicable), Decimal(0))
        assert a.max_total == rules.quantize(maximum) and a.index == rules.index_percent(final, maximum)
        if a.status != Assessment.Status.DRAFT:
            assert not [s for s in applicable if s.criterion.self_assessed and s.self_points is None]
        if a.status == Assessment.Status.PUBLISHED:
            assert all(s.final_points is not None for s in applicable)
    published = Framework.objects.exclude(published_at=None)
    assert sorted(set(published.values_list("year", flat=True))) == [2024, 2025]
    assert Assessment.objects.filter(framework__year=2026).exclude(status=Assessment.Status.PUBLISHED).exists()


def test_dossier_indicators_are_computable_and_actuals_match_the_refresh(world: str) -> None:
    from dondoc.indicators import selectors, services
    from dondoc.indicators.dossiers.compute import Window
    from dondoc.indicators.models import TargetActual
    from dondoc.plans.models import Target

    rows = selectors.indicator_table(Window("Năm 2025", date(2024, 12, 15), date(2025, 12, 14)), by="agency")
    assert len(rows) >= AGENCIES - 2
    assert all(r["received"] > 0 and 0 <= r["on_time_rate"] <= 100 for r in rows if r["finished"])
    # the agencies' own targets: the actuals written in bulk are the ones refresh_actuals writes
    targets = list(Target.objects.exclude(metric="").exclude(agencies=None).order_by("pk"))[:3]  # a sample: ≈1 s each
    assert targets

    def actuals() -> set[tuple[Any, ...]]:
        return set(TargetActual.objects.filter(target__in=targets, source=TargetActual.Source.COMPUTED)
                   .values_list("target_id", "period_id", "agency_id", "value", "basis"))

    before = actuals()
    assert before
    services.refresh_actuals(targets)
    assert actuals() == before


def test_every_user_can_sign_in(world: str) -> None:
    users = User.objects.select_related("agency")
    roles = Counter(u.role for u in users)
    assert roles[Role.FOCAL] == roles[Role.LEADER] == AGENCIES
    assert roles[Role.ADMIN] == 1 and roles[Role.VIEWER] == 1 and roles[Role.STANDING] >= 1
    for username in ("quantri", "thuongtruc", "nguoixem", "daumoi001", "lanhdao005"):
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302, username
        assert client.get(reverse("home")).status_code == 200


def test_a_database_with_plans_is_refused(world: str) -> None:
    plans = Plan.objects.count()
    with pytest.raises(CommandError, match="đã có kế hoạch"):
        call_command("demo_scale", agencies=AGENCIES, scale=0.05, stdout=io.StringIO())
    assert Plan.objects.count() == plans


def test_the_same_seed_tells_the_same_years() -> None:
    import random

    from dondoc.web.scale import StoryTeller

    def stories(seed: int) -> list[Any]:
        teller = StoryTeller(random.Random(seed), TODAY)
        out = []
        for kind, due in (("dated", date(2025, 6, 30)), ("dated", date(2026, 12, 31)), ("continuous", None),
                          ("conditional", None)) * 25:
            story = teller.tell(due.year if due else 2025, date(2025, 1, 10), kind, due, coordinated=True)
            out.append((story.status, story.progress, story.completed_on, story.due, story.version,
                        [(e.day, e.kind, e.status, e.progress) for e in story.events]))
        return out

    assert stories(7) == stories(7)
    assert stories(7) != stories(8)


def test_clock_writes_the_simulated_time_and_gives_the_real_one_back() -> None:
    import random

    from dondoc.web.scale import clock, moment

    at = moment(date(2024, 3, 5), random.Random(1))
    with clock(at):
        assert timezone.localdate() == date(2024, 3, 5)
        first, second = timezone.now(), timezone.now()
        assert at <= first < second
    assert timezone.localdate() > date(2024, 3, 5)
