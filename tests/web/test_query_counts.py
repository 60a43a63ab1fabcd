"""The number of queries each main page makes does not grow with the province.

The pages officers open every day (the work queue, the overdue board, a plan, a report draft, the province's
aggregate draft, the API's lists) are counted on a small world, then again after the world has grown by more
agencies leading tasks with progress updates, evidence, extensions and submitted reports: the count must be the
same (no query per row), and within the stated ceiling. The dashboards have their own such test
(test_dashboards.test_same_number_of_queries_small_and_big).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dondoc.accounts.models import Role, User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, Status, Task, TaskAgency
from dondoc.plans.services import store_plan
from dondoc.reports import services as report_services
from dondoc.reports.models import Report
from dondoc.tracking import services as tracking_services

from .conftest import make_user, sample_plan_json

pytestmark = pytest.mark.django_db

PERIOD = "Quý I/2025"
# the ceiling per page: measured plus two; a page that needs more should say why here
MAX_QUERIES = {
    "work_queue": 24,
    "overdue_board": 16,
    "plan_detail": 18,
    "report_agency": 20,
    "report_province": 20,
    "api_plan-list": 6,
    "api_task-list": 7,
    "api_milestone-list": 6,
    "api_update-list": 7,
    "api_agency-list": 6,
    "api_report-list": 6,
    "api_target-list": 8,
}


class Province:
    """The province's plan with its periods, Sở Tư pháp's draft report and the province's aggregate draft."""

    def __init__(self, users: dict[str, User], agencies: dict[str, Agency]) -> None:
        self.users, self.agencies = users, agencies
        self.plan: Plan = store_plan(sample_plan_json(), resolve=self._resolve, owner=agencies["province"],
                                     actor=users["admin"], source=ContentFile(b"ke hoach"),
                                     source_name="ke-hoach.txt", file_hash="1" * 64)
        self.period = self.plan.report_periods.get(name=PERIOD)
        self.sections = list(self.plan.sections.all())
        self.n = 1000
        self.grown = 0

    def _resolve(self, name: str) -> Agency:
        return agency_services.ensure(name, actor=self.users["admin"])

    def grow(self, agencies: int, tasks_each: int) -> None:
        """More departments, each with its own plan under the province's, leading tasks (some overdue, some done)
        with progress, evidence and an extension; Sở Tư pháp leads some more too; each new department submits its
        report of the period."""
        today = date.today()
        for i in range(self.grown, self.grown + agencies):
            agency = agency_services.create_agency(f"Sở thử nghiệm số {i}", parent=self.agencies["province"])
            focal = make_user(f"qc-daumoi-{i}", Role.FOCAL, agency)
            leader = make_user(f"qc-lanhdao-{i}", Role.LEADER, agency)
            Plan.objects.create(title=f"Kế hoạch CCHC năm 2025 của sở số {i}", year=2025, owner=agency,
                                number=f"{i}/KH", parent=self.plan)
            for lead in (agency, self.agencies["justice"]):
                for j in range(tasks_each):
                    self._task(lead, focal if lead == agency else self.users["focal"], today, j)
            report = report_services.open_report(self.period, actor=focal)
            report_services.approve_and_submit(report, actor=leader)
        self.grown += agencies

    def _task(self, lead: Agency, officer: User, today: date, j: int) -> None:
        self.n += 1
        due = today - timedelta(days=10) if j % 2 else today + timedelta(days=40)
        task = Task.objects.create(plan=self.plan, section=self.sections[j % len(self.sections)], number=str(self.n),
                                   order=self.n, content=f"Nhiệm vụ tăng thêm {self.n}", status=Status.NOT_STARTED,
                                   due_date=due, deadline_text=f"{due:%d/%m/%Y}")
        TaskAgency.objects.create(task=task, agency=lead, role=TaskAgency.Role.LEAD, text=lead.name, order=0)
        TaskAgency.objects.create(task=task, agency=self.agencies["home"], role=TaskAgency.Role.COORDINATING,
                                  text="Sở Nội vụ", order=1)
        pdf = SimpleUploadedFile(f"bc-{self.n}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        tracking_services.record_progress(
            task, actor=officer, text="Đang triển khai", progress=30, status=Status.IN_PROGRESS,
            evidence=[tracking_services.EvidenceInput(number=f"{self.n}/BC", file=pdf)])
        if j % 3 == 0:
            tracking_services.request_extension(task, actor=officer, new_due=due + timedelta(days=30),
                                                reason="Chờ hướng dẫn")


@pytest.fixture
def province(users: dict[str, User], agencies: dict[str, Agency]) -> Province:
    """Already one of everything (an empty list skips its prefetches: fewer queries, but not a fair start)."""
    p = Province(users, agencies)
    p.grow(agencies=1, tasks_each=2)
    return p


def pages(p: Province) -> dict[str, tuple[User, str]]:
    """Each page, with who opens it."""
    agency_report = report_services.open_report(p.period, actor=p.users["focal"])
    province_report = report_services.open_report(p.period, actor=p.users["standing"], scope=Report.Scope.PROVINCE)
    out = {
        "work_queue": (p.users["focal"], reverse("work_queue")),
        "overdue_board": (p.users["standing"], reverse("overdue_board")),
        "plan_detail": (p.users["standing"], reverse("plan_detail", args=[p.plan.pk])),
        "report_agency": (p.users["focal"], reverse("report_detail", args=[agency_report.pk])),
        "report_province": (p.users["standing"], reverse("report_detail", args=[province_report.pk])),
    }
    for name in MAX_QUERIES:
        if name.startswith("api_"):
            out[name] = (p.users["standing"], reverse(name))
    return out


def count(client: Client, p: Province) -> dict[str, int]:
    counts = {}
    for name, (user, url) in pages(p).items():
        client.force_login(user)
        assert client.get(url).status_code == 200, name  # warm: the session read the same way each time
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


def test_pages_make_as_many_queries_for_a_bigger_province(client: Client, province: Province) -> None:
    small = count(client, province)
    province.grow(agencies=6, tasks_each=4)
    assert Task.objects.filter(plan=province.plan).count() >= 52
    assert Report.objects.filter(state=Report.State.SUBMITTED).count() == 7
    big = count(client, province)
    print("queries per page:", big)
    grew = {name: (small[name], big[name]) for name in small if big[name] != small[name]}
    assert not grew, f"queries per page grew with the data (small, big): {grew}"
    over = {name: (n, MAX_QUERIES[name]) for name, n in big.items() if n > MAX_QUERIES[name]}
    assert not over, f"pages over their ceiling (queries, ceiling): {over}"


def test_the_ceilings_are_not_loose(client: Client, province: Province) -> None:
    """A ceiling far above the real count would hide a regression: each is at most two above it."""
    counts = count(client, province)
    loose = {name: (n, MAX_QUERIES[name]) for name, n in counts.items() if MAX_QUERIES[name] - n > 2}
    assert not loose, f"ceilings to tighten (queries, ceiling): {loose}"

