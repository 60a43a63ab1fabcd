"""Periodic reports: what a draft is composed from (data windows, where tasks stood at the cut-off), the workflow
draft → leader approval → submitted and locked → correction, submission tracking and reminders, the province's
aggregate, report periods and letterheads, and the pages end to end."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dondoc.accounts.models import User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.audit.models import AuditEvent
from dondoc.plans import services as plan_services
from dondoc.plans.models import Plan, ReportPeriod, Status, Task
from dondoc.reports import selectors, services
from dondoc.reports.compose import bucket, compose
from dondoc.reports.models import Letterhead, Report
from dondoc.tracking import services as tracking
from dondoc.tracking.models import Notification

from .conftest import PASSWORD, sample_plan_json

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


@pytest.fixture
def plan(agencies: dict[str, Agency], users: dict[str, User]) -> Plan:
    """Task 1 led by Sở Tư pháp (due 30/6/2025), task 2 by Sở Nội vụ (continuous); period Quý I/2025 as stated,
    plus the half year."""
    plan = plan_services.store_plan(sample_plan_json(), resolve=lambda n: agency_services.ensure(n),
                                    owner=agencies["province"], actor=users["admin"])
    ReportPeriod.objects.create(plan=plan, name="6 tháng đầu năm 2025", data_from=date(2024, 12, 15),
                                data_to=date(2025, 6, 14), submit_by=date(2025, 6, 14))
    return plan


def q1(plan: Plan) -> ReportPeriod:
    return plan.report_periods.get(name="Quý I/2025")


def h1(plan: Plan) -> ReportPeriod:
    return plan.report_periods.get(name="6 tháng đầu năm 2025")


def justice_task(plan: Plan) -> Task:
    return plan.tasks.get(number="1")


def login(client: Client, user: User) -> Client:
    # django-axes checks every sign-in against its lockouts: authenticate() needs a request
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    return client


# --- composing from the data --------------------------------------------------------------------------------

def test_bucket_rules() -> None:
    cut = date(2025, 3, 14)
    assert bucket(Status.DONE, 100, date(2025, 3, 1), date(2025, 2, 1), cut) == "done_on_time"
    assert bucket(Status.DONE, 100, date(2025, 3, 1), date(2025, 3, 2), cut) == "done_late"
    assert bucket(Status.DONE, 100, None, date(2025, 3, 2), cut) == "done_on_time"
    assert bucket(Status.IN_PROGRESS, 40, date(2025, 3, 13), None, cut) == "overdue"
    assert bucket(Status.IN_PROGRESS, 40, date(2025, 3, 14), None, cut) == "in_progress"  # due on the cut-off day
    assert bucket(Status.NOT_STARTED, 0, date(2025, 6, 30), None, cut) == "not_started"
    assert bucket(Status.NOT_STARTED, 0, date(2025, 1, 30), None, cut) == "overdue"
    assert bucket(Status.PAUSED, 10, date(2025, 1, 30), None, cut) == "stopped"


def test_an_update_on_14_march_counts_in_q1_and_one_on_15_march_only_from_the_half_year(
        plan: Plan, users: dict[str, User]) -> None:
    task = justice_task(plan)
    with time_machine.travel(at(date(2025, 3, 14), 23, 30), tick=False):  # late evening, still the 14th in Hà Nội
        tracking.record_progress(task, actor=users["focal"], text="Đã lấy ý kiến các sở", progress=30,
                                 status=Status.IN_PROGRESS)
    task.refresh_from_db()
    with time_machine.travel(at(date(2025, 3, 15), 0, 30), tick=False):  # 14/3 17:30 UTC, but 15/3 in Hà Nội
        tracking.record_progress(task, actor=users["focal"], text="Đã trình dự thảo", progress=60,
                                 status=Status.IN_PROGRESS, version=task.version)
    justice = users["focal"].agency_id
    first = compose(q1(plan), justice, today=date(2025, 4, 1))
    half = compose(h1(plan), justice, today=date(2025, 7, 1))
    (line,) = list(first.all_tasks())
    assert [u.split(": ", 1)[1] for u in line.updates] == ["Đã lấy ý kiến các sở"]
    assert line.updates[0].startswith("14/03/2025")
    assert line.progress == 30 and line.bucket == "in_progress"  # where it stood at the cut-off, not today
    (line,) = list(half.all_tasks())
    assert [u.split(": ", 1)[1] for u in line.updates] == ["Đã lấy ý kiến các sở", "Đã trình dự thảo"]
    assert line.updates[1].startswith("15/03/2025")
    assert line.progress == 60


def test_a_report_composed_late_says_what_was_true_at_the_cut_off(plan: Plan, users: dict[str, User]) -> None:
    task = justice_task(plan)
    Task.objects.filter(pk=task.pk).update(due_date=date(2025, 3, 10))
    task.refresh_from_db()
    with time_machine.travel(at(date(2025, 3, 20)), tick=False):
        tracking.record_progress(task, actor=users["leader"], text="Đã ban hành kế hoạch", progress=100,
                                 status=Status.DONE, evidence=[tracking.EvidenceInput(
                                     kind="ke_hoach", number="15/KH-STP", issued_on=date(2025, 3, 20))])
    justice = users["focal"].agency_id
    in_q1 = compose(q1(plan), justice, today=date(2025, 9, 1))
    assert next(iter(in_q1.all_tasks())).bucket == "overdue"  # not done on 14/3, and past its due date
    assert in_q1.totals["overdue"] == 1 and in_q1.totals["total"] == 1
    in_h1 = compose(h1(plan), justice, today=date(2025, 9, 1))
    line = next(iter(in_h1.all_tasks()))
    assert line.bucket == "done_late" and line.completed == date(2025, 3, 20)
    assert line.evidence == ["Kế hoạch số 15/KH-STP ngày 20/03/2025"]
    assert in_h1.documents == ["Kế hoạch số 15/KH-STP ngày 20/03/2025"]
    # while the window is open the report shows the current state
    live = compose(h1(plan), justice, today=date(2025, 6, 1))
    assert live.totals["done_late"] == 1


def test_the_province_aggregate_counts_every_task_of_the_plan_and_the_plans_cascaded_from_it(
        plan: Plan, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    child = plan_services.store_plan(sample_plan_json(lead="Sở Tài chính"), resolve=lambda n: agency_services.ensure(n),
                                     owner=agencies["finance"], actor=users["admin"], parent=plan)
    assert child.parent_id == plan.pk
    data = compose(q1(plan), None, today=date(2025, 3, 1))
    assert data.totals["total"] == 4
    names = {a.name: a.counts["total"] for a in data.agencies}
    assert names == {"Sở Tư pháp": 1, "Sở Nội vụ": 2, "Sở Tài chính": 1}
    assert [a.area for a in data.areas] == ["the_che"]
    expected = [s.agency.name for s in selectors.submissions(q1(plan), date(2025, 3, 1))]
    assert expected == sorted(["Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp"])  # the province itself does not report


# --- the workflow ---------------------------------------------------------------------------------------------

def test_draft_approve_submit_lock_and_correct(plan: Plan, users: dict[str, User]) -> None:
    focal, leader = users["focal"], users["leader"]
    with time_machine.travel(at(date(2025, 3, 10)), tick=False):
        report = services.open_report(q1(plan), actor=focal)
        assert report.state == Report.State.DRAFT and report.version == 1
        assert "Trong kỳ, cơ quan chủ trì 1 nhiệm vụ" in report.results  # drafted from the data
        assert services.open_report(q1(plan), actor=focal).pk == report.pk  # opening again finds it
        report = services.save_narrative(report, {"direction": "Ban hành kế hoạch triển khai."}, actor=focal,
                                         edit_version=report.edit_version)
        with pytest.raises(ValidationError):  # the form was opened before that save
            services.save_narrative(report, {"direction": "Khác"}, actor=focal, edit_version=0)
        with pytest.raises(PermissionDenied):
            services.approve_and_submit(report, actor=focal)  # the officer does not approve
        report = services.send_for_approval(report, actor=focal)
        assert Notification.objects.filter(user=leader, kind=Notification.Kind.REPORT).exists()
        with pytest.raises(ValidationError):
            services.return_report(report, actor=leader, note="  ")
        report = services.return_report(report, actor=leader, note="Bổ sung số liệu thủ tục hành chính")
        assert report.state == Report.State.DRAFT and report.return_note
        report = services.send_for_approval(report, actor=focal)
    with time_machine.travel(at(date(2025, 3, 13)), tick=False):
        report = services.approve_and_submit(report, actor=leader)
    assert report.state == Report.State.SUBMITTED and report.locked and not report.submitted_late
    assert report.snapshot["totals"]["total"] == 1 and report.approved_by == leader
    assert Notification.objects.filter(user=users["standing"], key=f"report-submitted:{report.pk}").exists()
    with pytest.raises(PermissionDenied):
        services.save_narrative(report, {"direction": "Sửa sau khi gửi"}, actor=focal, edit_version=report.edit_version)
    # later progress does not change what was sent
    task = justice_task(plan)
    tracking.record_progress(task, actor=leader, text="Xong", progress=100, status=Status.DONE)
    assert services.compose_for(report).totals == report.snapshot["totals"]
    # a correction is a new version; the one sent stays
    correction = services.start_correction(report, actor=focal)
    assert (correction.version, correction.previous_id, correction.state) == (2, report.pk, Report.State.DRAFT)
    assert correction.direction == "Ban hành kế hoạch triển khai."
    with pytest.raises(ValidationError):
        services.start_correction(report, actor=focal)  # the old version is not corrected twice
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED
    (sub,) = [s for s in selectors.submissions(q1(plan), date(2025, 3, 20)) if s.agency.pk == focal.agency_id]
    assert sub.submitted.pk == report.pk and sub.report.pk == correction.pk and sub.label == "Đã gửi, đang sửa đổi"
    actions = set(AuditEvent.objects.filter(object_type="reports.report").values_list("action", flat=True))
    assert {"report.create", "report.edit", "report.send_for_approval", "report.return", "report.submit",
            "report.correct"} <= actions


def test_who_may_write_and_approve(plan: Plan, users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        services.open_report(q1(plan), actor=users["viewer"])  # a viewer does not write
    report = services.open_report(q1(plan), actor=users["focal"])
    with pytest.raises(PermissionDenied):
        services.save_narrative(report, {"direction": "x"}, actor=users["other_focal"], edit_version=0)
    with pytest.raises(PermissionDenied):
        services.approve_and_submit(report, actor=users["standing"])  # the agency's leader sends its report
    with pytest.raises(PermissionDenied):
        services.open_report(q1(plan), actor=users["focal"], scope=Report.Scope.PROVINCE)
    with pytest.raises(PermissionDenied):
        services.remind(q1(plan), actor=users["focal"])


def test_late_submission_and_reminders(plan: Plan, users: dict[str, User], agencies: dict[str, Agency]) -> None:
    period = q1(plan)
    with time_machine.travel(at(date(2025, 3, 11)), tick=False):
        assert services.send_report_reminders(days=3) == 2  # focal and leader of Sở Tư pháp; Sở Nội vụ has none
        assert services.send_report_reminders(days=3) == 0  # once a day
    subs = {s.agency.name: s for s in selectors.submissions(period, date(2025, 3, 20))}
    assert subs["Sở Tư pháp"].late and subs["Sở Tư pháp"].label == "Chưa lập báo cáo (quá hạn gửi)"
    with time_machine.travel(at(date(2025, 3, 20)), tick=False):
        assert services.remind(period, actor=users["standing"]) == 2
        assert services.remind(period, actor=users["standing"]) == 0
        report = services.open_report(period, actor=users["focal"])
        report = services.approve_and_submit(report, actor=users["leader"])
    assert report.submitted_late
    subs = {s.agency.name: s for s in selectors.submissions(period, date(2025, 3, 20))}
    assert subs["Sở Tư pháp"].label == "Đã gửi (muộn)"
    note = Notification.objects.filter(user=users["focal"], kind=Notification.Kind.REPORT).first()
    assert note is not None and "Quý I/2025" in note.title


def test_the_aggregate_takes_the_agencies_sent_narratives(plan: Plan, users: dict[str, User]) -> None:
    period = q1(plan)
    with time_machine.travel(at(date(2025, 3, 12)), tick=False):
        report = services.open_report(period, actor=users["focal"])
        report = services.save_narrative(report, {"proposals": "Đề nghị bổ sung biên chế."}, actor=users["focal"],
                                         edit_version=report.edit_version)
        services.approve_and_submit(report, actor=users["leader"])
        aggregate = services.open_report(period, actor=users["standing"], scope=Report.Scope.PROVINCE)
    assert aggregate.agency.name == "Ủy ban nhân dân tỉnh Hòa Bình Xanh"
    assert "Sở Tư pháp:\nĐề nghị bổ sung biên chế." in aggregate.proposals
    data = services.compose_for(aggregate)
    justice = next(a for a in data.agencies if a.name == "Sở Tư pháp")
    assert justice.report_state == Report.State.SUBMITTED and justice.submitted_at
    home = next(a for a in data.agencies if a.name == "Sở Nội vụ")
    assert home.report_state_label == "Chưa lập báo cáo"
    aggregate = services.approve_and_submit(aggregate, actor=users["standing"])
    assert aggregate.snapshot["agencies"]


# --- periods, letterheads, re-import -------------------------------------------------------------------------

def test_editing_report_periods(plan: Plan, users: dict[str, User]) -> None:
    period = q1(plan)
    rows = [services.PeriodInput(pk=period.pk, name="Quý I/2025", data_from=date(2024, 12, 15),
                                 data_to=date(2025, 3, 14), submit_by=date(2025, 3, 12)),
            services.PeriodInput(pk=None, name="Quý III/2025", data_from=date(2025, 6, 15),
                                 data_to=date(2025, 9, 14), submit_by=date(2025, 9, 14))]
    with pytest.raises(PermissionDenied):
        services.save_periods(plan, rows, users["focal"])
    services.save_periods(plan, rows, users["standing"])
    period.refresh_from_db()
    assert period.submit_by == date(2025, 3, 12) and plan.report_periods.count() == 3
    with pytest.raises(ValidationError):
        services.save_periods(plan, [services.PeriodInput(pk=None, name="Sai", data_from=date(2025, 5, 1),
                                                          data_to=date(2025, 4, 1), submit_by=None)], users["standing"])
    services.open_report(period, actor=users["focal"])
    with pytest.raises(ValidationError):
        services.save_periods(plan, [services.PeriodInput(pk=period.pk, name=period.name, data_from=None,
                                                          data_to=None, submit_by=None, delete=True)],
                              users["standing"])
    # importing the plan again keeps the period its reports hang on
    plan_services.store_plan({**sample_plan_json(), "report_periods": []}, resolve=agency_services.ensure,
                             owner=plan.owner, actor=users["admin"], replaces=plan)
    assert ReportPeriod.objects.filter(pk=period.pk).exists()
    assert not plan.report_periods.filter(name="Quý III/2025").exists()


def test_letterhead_is_edited_by_the_agency_leader_or_the_standing_agency(users: dict[str, User]) -> None:
    agency = users["focal"].agency
    with pytest.raises(PermissionDenied):
        services.save_letterhead(agency, {"place": "Hòa Bình"}, actor=users["focal"])
    head = services.save_letterhead(agency, {"place": "Hòa Bình", "sign_title": "GIÁM ĐỐC"}, actor=users["leader"])
    assert Letterhead.objects.get(agency=agency).place == head.place == "Hòa Bình"
    assert AuditEvent.objects.filter(action="letterhead.edit").count() == 1


# --- the pages ------------------------------------------------------------------------------------------------

def test_pages_from_draft_to_submission(client: Client, plan: Plan, users: dict[str, User]) -> None:
    period = q1(plan)
    login(client, users["focal"])
    page = client.get(reverse("reports_home") + "?nam=2025")
    assert page.status_code == 200 and "Quý I/2025" in page.content.decode()
    page = client.get(reverse("report_open", args=[period.pk]))
    assert page.status_code == 200 and "Lập dự thảo báo cáo" in page.content.decode()
    response = client.post(reverse("report_open", args=[period.pk]), {"scope": "agency"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    form = {"number": "", "edit_version": report.edit_version, "direction": "Chỉ đạo quyết liệt.",
            "results": report.results, "strengths": "", "shortcomings": "", "causes": "", "next_tasks": "",
            "proposals": ""}
    assert client.post(report.get_absolute_url(), form).status_code == 302
    report.refresh_from_db()
    assert report.direction == "Chỉ đạo quyết liệt."
    stale = client.post(report.get_absolute_url(), {**form, "edit_version": 0, "direction": "Ghi đè"})
    assert stale.status_code == 200 and "người khác lưu" in stale.content.decode()
    assert client.post(reverse("report_action", args=[report.pk, "trinh"])).status_code == 302
    assert client.post(reverse("report_action", args=[report.pk, "duyet"])).status_code == 403  # not the leader
    report.refresh_from_db()
    assert report.state == Report.State.AWAITING_APPROVAL
    docx = client.get(reverse("report_download", args=[report.pk, "docx"]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    xlsx = client.get(reverse("report_download", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("report_download", args=[report.pk, "odt"])).status_code == 404

    client.logout()
    login(client, users["other_focal"])
    assert client.get(report.get_absolute_url()).status_code == 404  # another agency's report does not exist
    assert client.get(reverse("period_detail", args=[period.pk])).status_code == 302  # to its own report

    client.logout()
    login(client, users["leader"])
    assert client.post(reverse("report_action", args=[report.pk, "duyet"])).status_code == 302
    report.refresh_from_db()
    assert report.state == Report.State.SUBMITTED
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Lập bản sửa đổi" in page and 'id="luu"' not in page

    client.logout()
    login(client, users["standing"])
    page = client.get(reverse("period_detail", args=[period.pk])).content.decode()
    assert "Đã gửi" in page and "1/2" in page
    assert client.post(reverse("period_remind", args=[period.pk])).status_code == 302
    response = client.post(reverse("report_open", args=[period.pk]), {"scope": "province"})
    aggregate = Report.objects.get(scope=Report.Scope.PROVINCE)
    assert response["Location"] == aggregate.get_absolute_url()
    assert "Chỉ đạo quyết liệt." in aggregate.direction
    assert client.get(aggregate.get_absolute_url()).status_code == 200
    assert client.get(reverse("plan_periods", args=[plan.pk])).status_code == 200


def test_period_and_letterhead_pages(client: Client, plan: Plan, users: dict[str, User]) -> None:
    login(client, users["standing"])
    period = q1(plan)
    data: dict[str, Any] = {"ky-TOTAL_FORMS": "2", "ky-INITIAL_FORMS": "2", "ky-MIN_NUM_FORMS": "0",
                            "ky-MAX_NUM_FORMS": "40"}
    for i, p in enumerate(plan.report_periods.all()):
        data |= {f"ky-{i}-pk": p.pk, f"ky-{i}-name": p.name, f"ky-{i}-data_from": p.data_from.isoformat(),
                 f"ky-{i}-data_to": p.data_to.isoformat(), f"ky-{i}-submit_by": p.submit_by.isoformat()}
    assert data["ky-0-pk"] == period.pk  # periods are listed by deadline
    data["ky-0-submit_by"] = "2025-03-10"
    assert client.post(reverse("plan_periods", args=[plan.pk]), data).status_code == 302
    period.refresh_from_db()
    assert period.submit_by == date(2025, 3, 10) and h1(plan).submit_by == date(2025, 6, 14)
    agency = users["focal"].agency
    page = client.get(reverse("letterhead_edit", args=[agency.pk]))
    assert page.status_code == 200 and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.content.decode()
    assert client.post(reverse("letterhead_edit", args=[agency.pk]), {
        "governing_body": "UBND TỈNH HÒA BÌNH XANH", "issuer_name": "", "report_symbol": "BC-STP",
        "letter_symbol": "", "place": "Hòa Bình", "sign_authority": "KT. GIÁM ĐỐC", "sign_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Trần Thị B", "recipients": "- Sở Nội vụ;\n- Lưu: VT."}).status_code == 302
    assert Letterhead.objects.get(agency=agency).signer_name == "Trần Thị B"
    client.logout()
    login(client, users["focal"])
    assert client.get(reverse("letterhead_edit", args=[agency.pk])).status_code == 403
    assert client.post(reverse("plan_periods", args=[plan.pk]), data).status_code == 403


def test_the_aggregate_quotes_each_agency_section_only_so_far(plan: Plan) -> None:
    from types import SimpleNamespace

    from dondoc.reports.narrative import QUOTE_LIMIT, province_draft

    data = compose(q1(plan), None, today=date(2025, 3, 1))
    long_text = "\n".join(f"Dòng {i}" for i in range(QUOTE_LIMIT + 5))
    sent = SimpleNamespace(agency=SimpleNamespace(name="Sở Y tế"), **{name: "" for name in (
        "direction", "results", "strengths", "shortcomings", "causes", "next_tasks")}, proposals=long_text)
    texts = province_draft(data, [sent])
    assert f"Dòng {QUOTE_LIMIT - 1}" in texts["proposals"] and f"Dòng {QUOTE_LIMIT}\n" not in texts["proposals"]
    assert "(… 5 dòng nữa trong báo cáo của cơ quan)" in texts["proposals"]
    assert texts["results"].startswith("Kế hoạch có 2 nhiệm vụ")


def test_the_page_lists_a_few_tasks_per_area_and_the_annex_all(client: Client, plan: Plan, agencies: dict[str, Agency],
                                                               users: dict[str, User],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The province's aggregate covers every task of the year: its page lists TASK_ROWS per area and says where
    the whole list is (here one row of the area's four tasks, to see it on a small plan)."""
    from dondoc.reports import views

    plan_services.store_plan(sample_plan_json(lead="Sở Tài chính"), resolve=lambda n: agency_services.ensure(n),
                             owner=agencies["finance"], actor=users["admin"], parent=plan)
    monkeypatch.setattr(views, "TASK_ROWS", 1)
    report = services.open_report(q1(plan), actor=users["standing"], scope=Report.Scope.PROVINCE)
    login(client, users["standing"])
    html = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    section = html[html.index('id="nhiem-vu"'):]
    assert section.count("<tr><td>") == 1
    assert "Trang này hiện 1 trong 4 nhiệm vụ của lĩnh vực" in section
    assert reverse("report_download", args=[report.pk, "xlsx"]) in section
    sheets = load_workbook(io.BytesIO(client.get(reverse("report_download", args=[report.pk, "xlsx"])).content))
    cells = {str(c.value) for ws in sheets for row in ws.iter_rows() for c in row if c.value}
    assert {t.content for t in Task.objects.all()} <= cells
