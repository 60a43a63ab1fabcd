"""Task follow-up: the services' rules (lifecycle, approval, reasons, evidence checks, extensions, condition events,
recurring periods, the at-risk rule) and the task page, work queue and extensions review end to end."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dondoc.accounts.models import Role, User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans import selectors as plan_selectors
from dondoc.plans import services as plan_services
from dondoc.plans.models import Milestone, Plan, Status, Task
from dondoc.tracking import rules, selectors, services
from dondoc.tracking.models import Evidence, Extension, Notification, ProgressUpdate

from .conftest import make_user, sample_plan_json

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    """The smallest ZIP that is a DOCX by its table of contents (what dondoc.web.uploads checks)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


DOCX = _docx()


def pdf(name: str = "ket-qua.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def plan(agencies: dict[str, Agency], users: dict[str, User]) -> Plan:
    return plan_services.store_plan(sample_plan_json(), resolve=lambda n: agency_services.ensure(n),
                                    owner=agencies["province"], actor=users["admin"])


def fresh(task: Task) -> Task:
    return plan_selectors.tasks_of_all().get(pk=task.pk)


def set_due(task: Task, due: date | None) -> Task:
    Task.objects.filter(pk=task.pk).update(due_date=due)
    task.milestones.filter(kind=Milestone.Kind.DUE).update(due_date=due)
    return fresh(task)


@pytest.fixture
def task(plan: Plan) -> Task:
    """Task 1: led by Sở Tư pháp (focal, leader), coordinated by Sở Nội vụ; due in three months."""
    return set_due(plan.tasks.order_by("order").first(), timezone.localdate() + timedelta(days=90))


@pytest.fixture
def coordinator(agencies: dict[str, Agency]) -> User:
    return make_user("daumoi_noivu", Role.FOCAL, agencies["home"])


def evidence(file: Any = None, **kw: Any) -> list[services.EvidenceInput]:
    return [services.EvidenceInput(file=file, **kw)]


# --- lifecycle and approval -------------------------------------------------------------------------------------

def test_progress_moves_the_status_and_only_the_lead_agency_may(task: Task, users: dict[str, User]) -> None:
    update = services.record_progress(task, actor=users["focal"], text="Đã xây dựng dự thảo", progress=30,
                                      status=Status.NOT_STARTED)
    task = fresh(task)
    assert (task.status, task.progress) == (Status.IN_PROGRESS, 30)  # work reported: no longer "not started"
    assert update.kind == ProgressUpdate.Kind.PROGRESS and update.agency == users["focal"].agency
    for role in ("viewer", "other_focal"):
        with pytest.raises(PermissionDenied):
            services.record_progress(task, actor=users[role], text="", progress=50, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="0 đến 100"):
        services.record_progress(task, actor=users["focal"], text="", progress=120, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.record_progress(task, actor=users["focal"], text="", progress=10, status=Status.AWAITING_APPROVAL)
    assert fresh(task).progress == 30


@pytest.mark.parametrize("status", [Status.PAUSED, Status.CANCELLED])
def test_pause_and_cancel_need_a_reason(task: Task, users: dict[str, User], status: str) -> None:
    with pytest.raises(ValidationError, match="lý do"):
        services.record_progress(task, actor=users["focal"], text="  ", progress=10, status=status)
    assert fresh(task).status == Status.NOT_STARTED
    services.record_progress(task, actor=users["focal"], text="Chờ hướng dẫn của Bộ", progress=10, status=status)
    task = fresh(task)
    assert task.status == status and task.status_reason == "Chờ hướng dẫn của Bộ"
    services.record_progress(task, actor=users["focal"], text="Tiếp tục", progress=20, status=Status.IN_PROGRESS)
    assert fresh(task).status_reason == ""


def test_completion_needs_the_leaders_approval(task: Task, users: dict[str, User], settings: Any) -> None:
    settings.DONDOC_COMPLETION_NEEDS_APPROVAL = True
    asked_on = task.due_date - timedelta(days=5)
    request = services.record_progress(task, actor=users["focal"], text="Đã ban hành kế hoạch", progress=90,
                                       status=Status.DONE, today=asked_on)
    task = fresh(task)
    assert request.kind == ProgressUpdate.Kind.COMPLETION_REQUEST
    assert (task.status, task.progress, task.completed_on) == (Status.AWAITING_APPROVAL, 100, asked_on)
    assert Notification.objects.filter(user=users["leader"], kind=Notification.Kind.APPROVAL, task=task).exists()
    with pytest.raises(PermissionDenied):
        services.decide_completion(task, actor=users["focal"], approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_completion(task, actor=users["other_focal"], approve=True)
    with pytest.raises(ValidationError, match="lý do"):
        services.decide_completion(task, actor=users["leader"], approve=False, note="")
    services.decide_completion(task, actor=users["leader"], approve=False, note="Thiếu văn bản kết quả")
    task = fresh(task)
    assert (task.status, task.completed_on) == (Status.IN_PROGRESS, None)
    with pytest.raises(ValidationError, match="chờ duyệt"):
        services.decide_completion(task, actor=users["leader"], approve=True)
    # asked again, approved later: the completion date is the request's, on time
    services.record_progress(task, actor=users["focal"], text="Bổ sung quyết định", progress=100, status=Status.DONE,
                             evidence=evidence(kind="quyet_dinh", number="15/QĐ-STP", issued_on=asked_on),
                             today=asked_on)
    services.decide_completion(fresh(task), actor=users["leader"], approve=True, note="Đồng ý",
                               version=fresh(task).version)
    task = fresh(task)
    assert (task.status, task.completed_on) == (Status.DONE, asked_on)
    state = selectors.state(task, task.due_date + timedelta(days=30))
    assert state.label == "Hoàn thành đúng hạn" and not state.overdue
    kinds = list(task.updates.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == ["completion_request", "refusal", "completion_request", "approval"]
    # saving a done task again keeps the date its work was done
    services.record_progress(task, actor=users["leader"], text="Bổ sung tệp", progress=100, status=Status.DONE,
                             today=asked_on + timedelta(days=40))
    assert fresh(task).completed_on == asked_on


def test_leader_or_no_approval_setting_completes_at_once(task: Task, users: dict[str, User], settings: Any) -> None:
    settings.DONDOC_COMPLETION_NEEDS_APPROVAL = True
    late = task.due_date + timedelta(days=3)
    services.record_progress(task, actor=users["leader"], text="Xong", progress=100, status=Status.DONE, today=late)
    task = fresh(task)
    assert task.status == Status.DONE and selectors.state(task, late).label == "Hoàn thành quá hạn"
    other = set_due(task.plan.tasks.exclude(pk=task.pk).get(), None)
    settings.DONDOC_COMPLETION_NEEDS_APPROVAL = False
    services.record_progress(other, actor=users["standing"], text="Xong", progress=100, status=Status.DONE)
    assert fresh(other).status == Status.DONE


def test_stale_version_is_a_conflict(task: Task, users: dict[str, User]) -> None:
    version = task.version
    services.record_progress(task, actor=users["focal"], text="Lần 1", progress=10, status=Status.IN_PROGRESS,
                             version=version)
    with pytest.raises(services.ConflictError, match="tải lại"):
        services.record_progress(fresh(task), actor=users["leader"], text="Lần 2", progress=90,
                                 status=Status.IN_PROGRESS, version=version)
    assert fresh(task).progress == 10


def test_contribution_by_the_coordinating_agency(task: Task, users: dict[str, User], coordinator: User) -> None:
    update = services.add_contribution(task, actor=coordinator, text="Sở Nội vụ đã góp ý dự thảo",
                                       evidence=evidence(pdf("gop-y.pdf")))
    assert update.kind == ProgressUpdate.Kind.CONTRIBUTION and update.evidence.get().original_name == "gop-y.pdf"
    assert fresh(task).status == Status.NOT_STARTED  # the lead agency's status is not touched
    with pytest.raises(ValidationError):
        services.add_contribution(task, actor=coordinator, text="  ")
    with pytest.raises(PermissionDenied):
        services.add_contribution(task, actor=users["other_focal"], text="Không phải việc của tôi")


# --- evidence ---------------------------------------------------------------------------------------------------

def test_evidence_file_is_type_and_size_checked(task: Task, users: dict[str, User], settings: Any) -> None:
    fake = pdf("bao-cao.pdf", b"day khong phai PDF, chi dat ten .pdf")
    with pytest.raises(ValidationError, match="không đúng định dạng PDF"):
        services.check_evidence_file(fake)
    with pytest.raises(ValidationError, match="chỉ nhận"):
        services.check_evidence_file(SimpleUploadedFile("chay.exe", b"MZ\x90\x00"))
    with pytest.raises(ValidationError, match="rỗng"):
        services.check_evidence_file(SimpleUploadedFile("rong.pdf", b""))
    assert len(services.check_evidence_file(SimpleUploadedFile("ket-qua.docx", DOCX))) == 64
    assert len(services.check_evidence_file(SimpleUploadedFile("anh.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20))) == 64
    settings.DONDOC_EVIDENCE_MAX_MB = 0.001  # about 1 KB
    with pytest.raises(ValidationError, match="lớn hơn giới hạn"):
        services.check_evidence_file(pdf(data=PDF + b"0" * 2048))
    settings.DONDOC_EVIDENCE_MAX_MB = 20
    # a rejected file rejects the whole update: nothing saved, the version unchanged
    version = task.version
    with pytest.raises(ValidationError):
        services.record_progress(task, actor=users["focal"], text="Kèm tệp", progress=40, status=Status.IN_PROGRESS,
                                 evidence=evidence(fake, number="1/BC"), version=version)
    task = fresh(task)
    assert (task.progress, task.version, task.updates.count(), Evidence.objects.count()) == (0, version, 0, 0)
    update = services.record_progress(task, actor=users["focal"], text="Kèm tệp", progress=40,
                                      status=Status.IN_PROGRESS, version=version,
                                      evidence=evidence(pdf(), kind="bao_cao", number="1/BC-STP", issuer="Sở Tư pháp"))
    item = update.evidence.get()
    assert (item.kind, item.number, item.original_name, item.size) == ("bao_cao", "1/BC-STP", "ket-qua.pdf", len(PDF))
    assert len(item.sha256) == 64 and item.file.read() == PDF


# --- extensions -------------------------------------------------------------------------------------------------

def test_extension_approved_moves_the_due_date_and_keeps_history(task: Task, users: dict[str, User]) -> None:
    old_due = task.due_date
    with pytest.raises(ValidationError, match="lý do"):
        services.request_extension(task, actor=users["focal"], new_due=old_due + timedelta(days=30), reason=" ")
    with pytest.raises(ValidationError, match="sau hạn hiện hành"):
        services.request_extension(task, actor=users["focal"], new_due=old_due - timedelta(days=1), reason="Chờ Bộ")
    with pytest.raises(PermissionDenied):
        services.request_extension(task, actor=users["viewer"], new_due=old_due + timedelta(days=30), reason="x")
    first = services.request_extension(task, actor=users["focal"], new_due=old_due + timedelta(days=30),
                                       reason="Chờ ý kiến của Bộ Tư pháp")
    assert Notification.objects.filter(user=users["standing"], kind=Notification.Kind.EXTENSION).exists()
    with pytest.raises(ValidationError, match="đang chờ duyệt"):
        services.request_extension(task, actor=users["leader"], new_due=old_due + timedelta(days=60), reason="Lần 2")
    with pytest.raises(PermissionDenied):
        services.decide_extension(first, actor=users["leader"], approve=True)
    with pytest.raises(ValidationError, match="lý do"):
        services.decide_extension(first, actor=users["standing"], approve=False)
    services.decide_extension(first, actor=users["standing"], approve=True, note="Đồng ý")
    task = fresh(task)
    assert task.due_date == old_due + timedelta(days=30)
    assert [m.due_date for m in task.milestones.all() if m.kind == Milestone.Kind.DUE] == [task.due_date]
    with pytest.raises(ValidationError, match="đã được quyết định"):
        services.decide_extension(first, actor=users["standing"], approve=False, note="Đổi ý")
    second = services.request_extension(task, actor=users["focal"], new_due=task.due_date + timedelta(days=30),
                                        reason="Thêm thời gian lấy ý kiến")
    services.decide_extension(second, actor=users["admin"], approve=False, note="Không có căn cứ")
    assert fresh(task).due_date == old_due + timedelta(days=30)
    history = [(x.old_due, x.new_due, x.decision) for x in selectors.extensions_of(task).order_by("created_at")]
    assert history == [(old_due, old_due + timedelta(days=30), "approved"),
                       (old_due + timedelta(days=30), old_due + timedelta(days=60), "refused")]


# --- conditional deadlines and recurring periods -----------------------------------------------------------------

def test_condition_event_sets_the_due_date(task: Task, users: dict[str, User]) -> None:
    task = set_due(task, None)
    milestone = Milestone.objects.create(task=task, kind=Milestone.Kind.CONDITIONAL,
                                         condition="Sau khi có hướng dẫn của Bộ Tư pháp")
    due_milestone = task.milestones.get(kind=Milestone.Kind.DUE)
    with pytest.raises(ValidationError, match="không phụ thuộc điều kiện"):
        services.record_condition_event(due_milestone, actor=users["focal"], happened_on=date(2025, 3, 1),
                                        due=date(2025, 5, 1))
    with pytest.raises(ValidationError, match="trước ngày có sự kiện"):
        services.record_condition_event(milestone, actor=users["focal"], happened_on=date(2025, 3, 1),
                                        due=date(2025, 2, 1))
    with pytest.raises(PermissionDenied):
        services.record_condition_event(milestone, actor=users["other_focal"], happened_on=date(2025, 3, 1),
                                        due=date(2025, 5, 1))
    assert fresh(task).due_date is None  # waiting for the event: never overdue
    services.record_condition_event(milestone, actor=users["focal"], happened_on=date(2025, 3, 1),
                                    due=date(2025, 5, 1), note="Thông tư 01/2025/TT-BTP")
    milestone.refresh_from_db()
    assert (milestone.condition_met_on, milestone.due_date) == (date(2025, 3, 1), date(2025, 5, 1))
    assert fresh(task).due_date == date(2025, 5, 1)
    assert task.updates.get(kind=ProgressUpdate.Kind.CONDITION).text == "Thông tư 01/2025/TT-BTP"


@pytest.mark.parametrize(("rhythm", "labels", "dues"), [
    ("quarterly", ["Quý I/2025", "Quý II/2025", "Quý III/2025", "Quý IV/2025"],
     [date(2025, 3, 14), date(2025, 6, 14), date(2025, 9, 14), date(2025, 12, 14)]),
    ("annual", ["Năm 2025"], [date(2025, 12, 14)]),
    ("twice_yearly", ["6 tháng đầu năm 2025", "6 tháng cuối năm 2025"], [date(2025, 6, 14), date(2025, 12, 14)]),
])
def test_one_occurrence_per_period(task: Task, users: dict[str, User], rhythm: str, labels: list[str],
                                   dues: list[date]) -> None:
    Milestone.objects.create(task=task, kind=Milestone.Kind.RECURRING, rhythm=rhythm)
    task = fresh(task)
    assert services.generate_occurrences([task], 2025) == len(labels)
    assert services.generate_occurrences([task], 2025) == 0  # idempotent
    occurrences = list(selectors.occurrences_of(task))
    assert [o.label for o in occurrences] == labels and [o.due_date for o in occurrences] == dues
    assert all(o.rhythm == rhythm and o.period_start.year == 2025 for o in occurrences)
    first = occurrences[0]
    with pytest.raises(PermissionDenied):
        services.complete_occurrence(first, actor=users["other_focal"])
    services.complete_occurrence(first, actor=users["focal"], today=dues[0], text="Đã gửi báo cáo")
    first.refresh_from_db()
    assert (first.status, first.completed_on) == (Status.DONE, dues[0])
    assert fresh(task).status == Status.IN_PROGRESS
    with pytest.raises(ValidationError, match="đã được đánh dấu hoàn thành"):
        services.complete_occurrence(first, actor=users["focal"])
    with pytest.raises(ValidationError):
        services.complete_occurrence(task.milestones.get(kind=Milestone.Kind.DUE), actor=users["focal"])


def test_create_occurrences_is_checked(task: Task, users: dict[str, User]) -> None:
    with pytest.raises(ValidationError, match="định kỳ"):
        services.create_occurrences(task, actor=users["focal"], year=2025)
    Milestone.objects.create(task=task, kind=Milestone.Kind.RECURRING, rhythm="quarterly")
    with pytest.raises(PermissionDenied):
        services.create_occurrences(task, actor=users["viewer"], year=2025)
    assert services.create_occurrences(task, actor=users["focal"], year=2026) == 4


# --- the at-risk rule ---------------------------------------------------------------------------------------------

def test_at_risk_rule() -> None:
    start, due = date(2025, 1, 1), date(2025, 12, 31)
    late_in_year = date(2025, 10, 20)  # about 80% of the year used
    assert rules.at_risk(Status.IN_PROGRESS, 20, start, due, late_in_year, 30)
    assert not rules.at_risk(Status.IN_PROGRESS, 60, start, due, late_in_year, 30)
    assert rules.at_risk(Status.NOT_STARTED, 0, start, due, date(2025, 4, 30), 30)  # 32% used, nothing done
    assert not rules.at_risk(Status.NOT_STARTED, 0, start, due, date(2025, 4, 1), 30)
    assert not rules.at_risk(Status.DONE, 20, start, due, late_in_year, 30)  # closed
    assert not rules.at_risk(Status.IN_PROGRESS, 0, start, due, date(2026, 1, 5), 30)  # already overdue instead
    assert not rules.at_risk(Status.IN_PROGRESS, 0, start, None, late_in_year, 30)  # no due date
    assert rules.is_overdue(Status.IN_PROGRESS, due, date(2026, 1, 5))
    assert "30 điểm phần trăm" in rules.AT_RISK_EXPLAINED.format(gap=30)


def test_state_of_a_task(task: Task) -> None:
    today = timezone.localdate()
    state = selectors.state(set_due(task, today - timedelta(days=3)), today)
    assert state.overdue and state.days_late == 3 and state.label == "Quá hạn" and not state.at_risk
    state = selectors.state(set_due(task, today + timedelta(days=5)), today)  # plan issued 20/12/2024: time used
    assert state.at_risk and not state.overdue


# --- the task page ----------------------------------------------------------------------------------------------

def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def page(client: Client, task: Task) -> str:
    response = client.get(reverse("task_detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_task_page_shows_forms_only_to_those_allowed(client: Client, task: Task, users: dict[str, User],
                                                     coordinator: User) -> None:
    progress_url = reverse("task_progress", args=[task.pk])
    contribute_url = reverse("task_contribute", args=[task.pk])
    extension_url = reverse("task_request_extension", args=[task.pk])
    html = page(login(client, users["focal"]), task)
    assert progress_url in html and extension_url in html and contribute_url not in html
    assert f'name="version" value="{task.version}"' in html
    assert "Tình hình thực hiện" in html and "Chưa triển khai" in html and "điểm phần trăm" in html
    for role in ("viewer", "other_focal"):
        html = page(login(client, users[role]), task)
        assert progress_url not in html and contribute_url not in html and extension_url not in html, role
        assert "Lịch sử cập nhật" in html and "Nhật ký thay đổi" in html
    html = page(login(client, coordinator), task)
    assert contribute_url in html and progress_url not in html


def test_progress_with_evidence_through_the_page(client: Client, task: Task, users: dict[str, User]) -> None:
    login(client, users["focal"])
    response = client.post(reverse("task_progress", args=[task.pk]), {
        "status": Status.IN_PROGRESS, "progress": "45", "text": "Đã lấy ý kiến các sở", "version": task.version,
        "evidence_kind": "cong_van", "evidence_number": "123/STP-VP", "evidence_date": "2025-04-02",
        "evidence_issuer": "Sở Tư pháp", "evidence_file": pdf("cong-van-123.pdf")}, follow=True)
    assert "Đã cập nhật tiến độ nhiệm vụ." in messages_of(response)
    task = fresh(task)
    assert (task.status, task.progress, task.version) == (Status.IN_PROGRESS, 45, 1)
    item = Evidence.objects.get()
    html = response.content.decode()
    download = reverse("evidence_download", args=[item.pk])
    assert download in html and "cong-van-123.pdf" in html and "123/STP-VP" in html and "02/04/2025" in html
    assert "/files/" not in html  # never a public file address
    # anyone signed in reads the evidence, through the view; anonymous visitors go to the login page
    for role in ("viewer", "other_focal", "standing"):
        login(client, users[role])
        response = client.get(download)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF, role
        assert "attachment" in response["Content-Disposition"]
    client.logout()
    assert client.get(download).status_code == 302
    # the audit trail says who changed which field, old → new
    html = page(login(client, users["viewer"]), task)
    trail = html[html.index('id="nhat-ky"'):]
    assert "daumoi" in trail and "Trạng thái: Chưa triển khai → Đang thực hiện" in trail
    assert "Tiến độ (%): 0 → 45" in trail


def test_page_refuses_bad_input_with_a_message(client: Client, task: Task, users: dict[str, User]) -> None:
    login(client, users["focal"])
    url = reverse("task_progress", args=[task.pk])
    response = client.post(url, {"status": Status.IN_PROGRESS, "progress": "30", "text": "Kèm tệp giả",
                                 "version": task.version,
                                 "evidence_file": pdf("gia.pdf", b"<html>khong phai pdf</html>")}, follow=True)
    assert any("không đúng định dạng PDF" in m for m in messages_of(response))
    assert "Kèm tệp giả" in response.content.decode()  # what was typed is still in the form
    response = client.post(url, {"status": Status.PAUSED, "progress": "30", "text": "", "version": task.version},
                           follow=True)
    assert any("lý do tạm dừng" in m for m in messages_of(response))
    response = client.post(url, {"status": Status.IN_PROGRESS, "progress": "130", "version": task.version},
                           follow=True)
    assert messages_of(response)
    assert fresh(task).progress == 0 and not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    # a viewer's write is refused outright
    login(client, users["viewer"])
    assert client.post(url, {"status": Status.IN_PROGRESS, "progress": "30", "version": 0}).status_code == 403


def test_approval_flow_through_the_pages(client: Client, task: Task, users: dict[str, User], settings: Any) -> None:
    settings.DONDOC_COMPLETION_NEEDS_APPROVAL = True
    login(client, users["focal"])
    response = client.post(reverse("task_progress", args=[task.pk]),
                           {"status": Status.DONE, "progress": "100", "text": "Đã hoàn thành", "version": task.version},
                           follow=True)
    assert "Đã gửi đề nghị lãnh đạo cơ quan duyệt hoàn thành nhiệm vụ." in messages_of(response)
    decide = reverse("task_decide_completion", args=[task.pk])
    html = response.content.decode()
    assert "Đang chờ lãnh đạo cơ quan chủ trì duyệt hoàn thành." in html and decide not in html
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    login(client, users["leader"])
    html = page(client, task)
    assert decide in html
    queue = client.get(reverse("work_queue")).content.decode()
    assert "Chờ tôi duyệt hoàn thành" in queue and reverse("task_detail", args=[task.pk]) in queue
    response = client.post(decide, {"decision": "refuse", "note": "", "version": fresh(task).version}, follow=True)
    assert any("lý do chưa duyệt" in m for m in messages_of(response))
    assert fresh(task).status == Status.AWAITING_APPROVAL
    response = client.post(decide, {"decision": "approve", "note": "Đạt yêu cầu", "version": fresh(task).version},
                           follow=True)
    assert "Đã xác nhận nhiệm vụ hoàn thành." in messages_of(response)
    assert fresh(task).status == Status.DONE
    assert "Hoàn thành đúng hạn" in response.content.decode()


def test_extension_through_the_pages(client: Client, task: Task, users: dict[str, User]) -> None:
    new_due = task.due_date + timedelta(days=45)
    login(client, users["focal"])
    response = client.post(reverse("task_request_extension", args=[task.pk]),
                           {"new_due": new_due.isoformat(), "reason": "Chờ ý kiến thẩm định"}, follow=True)
    assert "Đã gửi đề nghị gia hạn tới cơ quan thường trực." in messages_of(response)
    assert client.get(reverse("extension_list")).status_code == 403
    login(client, users["standing"])
    html = client.get(reverse("extension_list")).content.decode()
    extension = Extension.objects.get()
    assert "Chờ ý kiến thẩm định" in html and reverse("extension_decide", args=[extension.pk]) in html
    response = client.post(reverse("extension_decide", args=[extension.pk]), {"decision": "refuse"}, follow=True)
    assert any("lý do không đồng ý" in m for m in messages_of(response))
    response = client.post(reverse("extension_decide", args=[extension.pk]),
                           {"decision": "approve", "note": "Đồng ý", "next": reverse("task_detail", args=[task.pk])})
    assert response.status_code == 302 and response["Location"] == reverse("task_detail", args=[task.pk])
    old_due = task.due_date
    task = fresh(task)
    assert task.due_date == new_due
    html = page(client, task)
    history = html[html.index("Lịch sử hạn hoàn thành"):]
    assert f"{old_due:%d/%m/%Y} → {new_due:%d/%m/%Y}" in history and "Đồng ý" in history
    # an outside "next" is not followed
    again = services.request_extension(task, actor=users["focal"], new_due=new_due + timedelta(days=10), reason="x")
    response = client.post(reverse("extension_decide", args=[again.pk]),
                           {"decision": "refuse", "note": "Không", "next": "https://example.com/"})
    assert response["Location"] == reverse("extension_list")


def test_condition_and_occurrences_through_the_page(client: Client, task: Task, users: dict[str, User]) -> None:
    condition = Milestone.objects.create(task=task, kind=Milestone.Kind.CONDITIONAL, condition="Khi Bộ hướng dẫn")
    Milestone.objects.create(task=task, kind=Milestone.Kind.RECURRING, rhythm="twice_yearly")
    login(client, users["focal"])
    html = page(client, task)
    assert reverse("task_condition_event", args=[task.pk, condition.pk]) in html and "Khi Bộ hướng dẫn" in html
    response = client.post(reverse("task_condition_event", args=[task.pk, condition.pk]),
                           {"happened_on": "2025-02-10", "due": "2025-08-10", "note": "Công văn 5/BTP",
                            "version": fresh(task).version}, follow=True)
    assert "Đã ghi nhận sự kiện và hạn hoàn thành của mốc theo điều kiện." in messages_of(response)
    condition.refresh_from_db()
    assert condition.due_date == date(2025, 8, 10)
    response = client.post(reverse("task_occurrences", args=[task.pk]), {"year": "2025"}, follow=True)
    assert "Đã lập 2 kỳ thực hiện." in messages_of(response)
    first = selectors.occurrences_of(task).first()
    done_url = reverse("task_occurrence_done", args=[task.pk, first.pk])
    assert done_url in response.content.decode() and "6 tháng đầu năm 2025" in response.content.decode()
    response = client.post(done_url, {"text": "Báo cáo số 9/BC-STP", "evidence_file": pdf("bc-9.pdf")}, follow=True)
    assert "Đã đánh dấu hoàn thành kỳ 6 tháng đầu năm 2025." in messages_of(response)
    first.refresh_from_db()
    assert first.status == Status.DONE and Evidence.objects.get().original_name == "bc-9.pdf"
    response = client.post(done_url, {"text": "lần nữa"}, follow=True)
    assert any("đã được đánh dấu hoàn thành" in m for m in messages_of(response))
    # another task's milestone cannot be reached through this task
    other = task.plan.tasks.exclude(pk=task.pk).get()
    assert client.post(reverse("task_occurrence_done", args=[other.pk, first.pk])).status_code == 404


def test_contribution_through_the_page(client: Client, task: Task, coordinator: User, users: dict[str, User]) -> None:
    login(client, coordinator)
    response = client.post(reverse("task_contribute", args=[task.pk]), {"text": "Đã cử cán bộ tham gia tổ soạn thảo"},
                           follow=True)
    assert "Đã ghi nội dung đóng góp của cơ quan phối hợp." in messages_of(response)
    assert "Đóng góp của cơ quan phối hợp" in response.content.decode()
    login(client, users["other_focal"])
    assert client.post(reverse("task_contribute", args=[task.pk]), {"text": "x"}).status_code == 403
    assert ProgressUpdate.objects.count() == 1


# --- the work queue ----------------------------------------------------------------------------------------------

def test_work_queue_lists_and_filters(client: Client, plan: Plan, users: dict[str, User], agencies: dict[str, Agency],
                                      coordinator: User) -> None:
    today = timezone.localdate()
    first, second = plan.tasks.order_by("order")
    late = set_due(first, today - timedelta(days=10))
    justice_soon = plan_services.store_plan(
        {**sample_plan_json(), "document": {**sample_plan_json()["document"], "number": "20/KH-UBND"}},
        resolve=lambda n: agency_services.ensure(n), owner=agencies["province"], actor=users["admin"],
    ).tasks.order_by("order").first()
    justice_soon.content = "Xây dựng đề án số hóa hồ sơ hộ tịch"
    justice_soon.save()  # the search key follows the content
    soon = set_due(fresh(justice_soon), today + timedelta(days=3))
    html = login(client, users["focal"]).get(reverse("work_queue")).content.decode()
    overdue = html[html.index('id="qua-han"'):html.index('id="sap-den-han"')]
    due_soon = html[html.index('id="sap-den-han"'):html.index('id="nguy-co"')]
    assert reverse("task_detail", args=[late.pk]) in overdue and reverse("task_detail", args=[soon.pk]) in due_soon
    assert "Sở Tư pháp" in html and "Việc của tôi" in html
    assert reverse("task_detail", args=[second.pk]) not in html  # Sở Nội vụ's task
    assert f'{reverse("task_detail", args=[late.pk])}#cap-nhat' in html
    # accent-free search
    html = client.get(reverse("work_queue"), {"q": "so hoa ho tich"}).content.decode()
    assert reverse("task_detail", args=[soon.pk]) in html and reverse("task_detail", args=[late.pk]) not in html
    html = client.get(reverse("work_queue"), {"trang_thai": Status.DONE}).content.decode()
    assert reverse("task_detail", args=[late.pk]) not in html
    # the coordinating agency sees the task under "phối hợp"
    html = login(client, coordinator).get(reverse("work_queue")).content.decode()
    coordinating = html[html.index('id="phoi-hop"'):]
    assert reverse("task_detail", args=[late.pk]) in coordinating
    # a manager sees the whole province, or one agency
    html = login(client, users["standing"]).get(reverse("work_queue")).content.decode()
    assert "Toàn tỉnh" in html and reverse("task_detail", args=[late.pk]) in html
    html = client.get(reverse("work_queue"), {"co_quan": agencies["finance"].pk}).content.decode()
    assert reverse("task_detail", args=[late.pk]) not in html
    # a viewer of Sở Tài chính: their agency's lists, read-only
    html = login(client, users["viewer"]).get(reverse("work_queue")).content.decode()
    assert reverse("task_detail", args=[late.pk]) not in html and "Bạn chỉ xem danh sách" in html
    assert "#cap-nhat" not in html


def test_work_queue_at_risk_and_periods(client: Client, task: Task, users: dict[str, User]) -> None:
    today = timezone.localdate()
    risky = set_due(task, today + timedelta(days=60))  # plan issued 20/12/2024: nearly all its time used, 0% done
    Milestone.objects.create(task=risky, kind=Milestone.Kind.RECURRING, rhythm="quarterly")
    services.generate_occurrences([fresh(risky)], today.year)
    html = login(client, users["focal"]).get(reverse("work_queue")).content.decode()
    at_risk = html[html.index('id="nguy-co"'):html.index('id="phoi-hop"')]
    assert reverse("task_detail", args=[risky.pk]) in at_risk and "điểm phần trăm" in at_risk
    periods = html[html.index('id="ky-dinh-ky"'):]
    assert re.search(r"Quý (I|II|III|IV)/\d{4}", periods)
    html = page(client, risky)
    assert "Có nguy cơ chậm" in html and 'id="nguy-co"' in html


def test_nav_has_the_work_queue(client: Client, users: dict[str, User]) -> None:
    html = login(client, users["viewer"]).get(reverse("home")).content.decode()
    assert f'href="{reverse("work_queue")}"' in html and "Việc của tôi" in html


def test_audit_trail_lists_related_records(task: Task, users: dict[str, User]) -> None:
    services.record_progress(task, actor=users["focal"], text="Có tệp", progress=20, status=Status.IN_PROGRESS,
                             evidence=evidence(pdf(), number="2/BC"))
    services.request_extension(fresh(task), actor=users["focal"], new_due=task.due_date + timedelta(days=9),
                               reason="Chờ số liệu")
    rows = selectors.audit_rows(task)
    whats = " | ".join(r.what for r in rows)
    assert "nhiệm vụ" in whats and "cập nhật tiến độ" in whats and "tài liệu kiểm chứng" in whats
    assert "đề nghị gia hạn" in whats
    task_update = next(r for r in rows if r.what.startswith("nhiệm vụ") and not r.created)
    assert {(c.field, c.old, c.new) for c in task_update.changes} >= {("trạng thái", "Chưa triển khai",
                                                                        "Đang thực hiện"), ("tiến độ (%)", "0", "20")}
    assert LogEntry.objects.count() >= len(rows)
