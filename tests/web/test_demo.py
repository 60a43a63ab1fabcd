"""`dondoc load_demo`: the five seed plans as demo data, as `make run` loads them."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dondoc.accounts.models import Role, User
from dondoc.agencies.services import ensure_levels
from dondoc.plans.models import Plan, Task, TaskAgency

from .conftest import GOLD, SEEDS


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    if not SEEDS.is_dir() or not GOLD.is_dir():
        pytest.skip(f"không có văn bản mẫu {SEEDS} hoặc đáp án {GOLD} (shared/ phải nằm cạnh kho mã)")
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("load_demo", seeds=str(SEEDS), stdout=out)
        yield out.getvalue()
        # written outside the per-test transactions: leave the database as the migrations made it
        call_command("flush", interactive=False, verbosity=0)
        ensure_levels()


@pytest.mark.django_db
def test_demo_plans_hold_the_gold_task_counts(demo: str) -> None:
    for gold_file in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_file.read_text("utf-8"))
        plan = Plan.objects.get(source_name=gold["source"])
        assert plan.tasks.count() == len(gold["tasks"]), gold["source"]
        assert plan.number == (gold["document"]["number"] or "")


@pytest.mark.django_db
def test_every_lead_agency_resolves(demo: str) -> None:
    for task in Task.objects.prefetch_related("task_agencies"):
        names = {ta.text for ta in task.task_agencies.all() if ta.role == "lead"}
        # the importer's lead list for this task, as stored raw, must all be linked
        assert not task.lead_text or names, f"nhiệm vụ không có cơ quan chủ trì liên kết: {task}"
    assert not TaskAgency.objects.filter(agency__isnull=True).exists()


@pytest.mark.django_db
def test_demo_accounts_one_per_role_and_printed(demo: str) -> None:
    assert set(User.objects.values_list("role", flat=True)) == {r.value for r in Role}
    for user in User.objects.all():
        assert user.username in demo
    assert "mật khẩu" in demo


@pytest.mark.django_db
def test_demo_pages_render(demo: str, client: Client) -> None:
    client.force_login(User.objects.get(role=Role.STANDING))
    plan = Plan.objects.order_by("pk").first()
    task = plan.tasks.first()
    agency = task.task_agencies.first().agency
    for url in [reverse("home"), reverse("plan_list"), reverse("plan_list") + "?q=so+hoa&nam=2021",
                reverse("plan_detail", args=[plan.pk]), reverse("task_detail", args=[task.pk]),
                reverse("agency_directory"), reverse("agency_directory") + "?q=so+noi+vu",
                reverse("agency_detail", args=[agency.pk]), reverse("search") + "?q=ubnd+tinh",
                reverse("import_start")]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Sở Nội vụ" in client.get(reverse("agency_directory") + "?q=so noi vu").content.decode()


@pytest.mark.django_db
def test_demo_has_a_realistic_spread_of_follow_up(demo: str) -> None:
    from datetime import date

    from dondoc.plans.models import Milestone, Status
    from dondoc.tracking.models import Evidence, Extension

    today = date(2026, 1, 1)  # every seed plan's year is over by then
    done = Task.objects.filter(status=Status.DONE)
    assert done.count() > Task.objects.count() // 3
    late = [t for t in done if t.due_date and t.completed_on and t.completed_on > t.due_date]
    assert late, "some tasks were finished late"
    assert Task.objects.exclude(status__in=[Status.DONE, Status.CANCELLED]).filter(due_date__lt=today).count() > 10
    assert Extension.objects.filter(decision="approved").exists()
    assert Evidence.objects.exclude(number="").count() > 50
    assert Task.objects.filter(status=Status.PAUSED).exclude(status_reason="").exists()
    assert Milestone.objects.filter(kind=Milestone.Kind.OCCURRENCE, status=Status.DONE).exists()
    assert "Tiến độ mẫu" in demo


@pytest.mark.django_db
def test_demo_has_report_periods_and_a_drafted_report(demo: str, client: Client) -> None:
    from dondoc.plans.models import ReportPeriod
    from dondoc.reports.models import Report

    assert not Plan.objects.exclude(year=None).filter(report_periods__isnull=True).exists()  # every plan has periods
    report = Report.objects.select_related("agency", "period").order_by("pk").first()
    assert report is not None and report.agency.name == "Sở Tư pháp" and report.state == Report.State.DRAFT
    assert "Trong kỳ, cơ quan chủ trì" in report.results
    assert ReportPeriod.objects.filter(name__startswith="Quý I/").exists()
    client.force_login(User.objects.get(username="daumoi"))
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 200
    client.force_login(User.objects.get(role=Role.STANDING))
    page = client.get(reverse("period_detail", args=[report.period.pk]))
    assert page.status_code == 200 and "Sở Tư pháp" in page.content.decode()
    assert "Báo cáo định kỳ mẫu" in demo
