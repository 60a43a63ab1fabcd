"""Import with review through the web views: upload, read, correct, map agencies, confirm, re-import."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.audit.models import AuditEvent
from dondoc.plans.models import ImportDraft, Plan

from .conftest import PASSWORD, gold, seed

pytestmark = pytest.mark.django_db

# An invented plan in the " | " one-row-per-line layout: two areas, one agency the directory does not know.
PLAN_TXT = """ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 77/KH-UBND | Hòa Bình Xanh, ngày 25 tháng 12 năm 2024
KẾ HOẠCH
Cải cách hành chính năm 2025
Phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98%.
PHỤ LỤC
I. CẢI CÁCH THỂ CHẾ
TT | Nhiệm vụ | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
1 | Rà soát văn bản quy phạm pháp luật | Báo cáo | Sở Tư pháp | Ban Quản lý khu kinh tế Hồ Xanh | Quý II/2025
2 | Kiểm tra việc thi hành pháp luật | Kết luận | Sở Tư pháp | Sở Nội vụ | Tháng 9/2025
II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH
TT | Nhiệm vụ | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
1 | Công bố danh mục thủ tục hành chính | Quyết định | Sở Nội vụ | Các sở, ban, ngành | Thường xuyên
"""


def login(client: Client, user: Any) -> Client:
    # django-axes checks every sign-in against its lockouts: authenticate() needs a request
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    return client


def upload(client: Client, content: bytes, name: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("import_start"), {"file": SimpleUploadedFile(name, content)})


def test_upload_review_correct_map_confirm(client: Client, users: dict[str, Any], agencies: dict[str, Agency],
                                           django_capture_on_commit_callbacks: Any) -> None:
    login(client, users["standing"])
    response = upload(client, PLAN_TXT.encode(), "ke-hoach.txt", django_capture_on_commit_callbacks)
    draft = ImportDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_review", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "ready", draft.error
    assert len(draft.plan_json["tasks"]) == 3

    page = client.get(reverse("import_review", args=[draft.pk])).content.decode()
    assert "Ban Quản lý khu kinh tế Hồ Xanh" in page and "Rà soát văn bản quy phạm pháp luật" in page
    status = client.get(reverse("import_status", args=[draft.pk])).json()
    assert status == {"status": "ready", "progress": 100, "stage": "Chờ duyệt", "error": ""}

    # correct a deadline cell: the schedule is read again
    edited = client.post(reverse("import_edit_cell", args=[draft.pk]), {"index": 1, "field": "deadline",
                         "value": "Quý III/2025"}, HTTP_ACCEPT="application/json").json()["task"]
    assert edited["schedule"]["due_dates"] == ["2025-09-30"] and edited["edited"] == ["deadline"]
    bad = client.post(reverse("import_edit_cell", args=[draft.pk]), {"index": 0, "field": "content", "value": " "},
                      HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "không được để trống" in bad.json()["error"]

    # map the unknown agency to an existing one: the alias is learnt on confirm
    target = agency_services.create_agency("Ban Quản lý Khu kinh tế tỉnh")
    client.post(reverse("import_choose_agency", args=[draft.pk]),
                {"name": "Ban Quản lý khu kinh tế Hồ Xanh", "action": "map", "agency": target.pk})
    response = client.post(reverse("import_confirm", args=[draft.pk]))
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plan_detail", args=[plan.pk])
    assert plan.tasks.count() == 3 and plan.number == "77/KH-UBND"
    assert plan.tasks.get(order=1).deadline_text == "Quý III/2025"
    assert agency_services.find("Ban Quản lý khu kinh tế Hồ Xanh") == target
    assert target.aliases.filter(learnt=True).exists()
    assert plan.tasks.get(order=0).task_agencies.filter(agency=target, role="coordinating").exists()
    assert plan.source_file and plan.file_hash == draft.file_hash
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"import.upload", "import.edit_cell", "import.choose_agency", "import.confirm", "plan.create"} <= actions

    # the plan page and the accent-free search find what was stored
    assert "Rà soát văn bản" in client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    found = client.get(reverse("search"), {"q": "kiem tra viec thi hanh"}).content.decode()
    assert "Kiểm tra việc thi hành pháp luật" in found
    assert client.get(reverse("plan_source", args=[plan.pk])).status_code == 200

    # the same file again is recognised and offered as an update; confirming updates in place
    upload(client, PLAN_TXT.encode(), "ke-hoach-lan-2.txt", django_capture_on_commit_callbacks)
    second = ImportDraft.objects.exclude(pk=draft.pk).get()
    assert second.replaces == plan
    assert 'id="duplicate-notice"' in client.get(reverse("import_review", args=[second.pk])).content.decode()
    client.post(reverse("import_confirm", args=[second.pk]), {"mode": "update"})
    assert Plan.objects.count() == 1 and Plan.objects.get().tasks.count() == 3


def test_same_number_and_issuer_is_an_update_even_with_another_file(
        client: Client, users: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    login(client, users["standing"])
    upload(client, PLAN_TXT.encode(), "a.txt", django_capture_on_commit_callbacks)
    client.post(reverse("import_confirm", args=[ImportDraft.objects.get().pk]))
    changed = PLAN_TXT.replace("Tháng 9/2025", "Tháng 10/2025")
    upload(client, changed.encode(), "b.txt", django_capture_on_commit_callbacks)
    assert ImportDraft.objects.get(original_name="b.txt").replaces == Plan.objects.get()


def broken_docx() -> bytes:
    """A DOCX by its bytes (a ZIP holding word/document.xml) whose XML is broken: accepted at upload, fails when read.
    (Bytes that are no DOCX at all are refused at upload: tests/web/test_uploads.py.)"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><khong-dong")
    return out.getvalue()


@pytest.mark.parametrize(("content", "name", "message"), [
    (broken_docx(), "rac.docx", "DOCX"),
    ("Một văn bản không có bảng nhiệm vụ nào.\n".encode(), "thu.txt", "nhiệm vụ"),
])
def test_unreadable_files_fail_with_vietnamese_message(client: Client, users: dict[str, Any], content: bytes,
                                                       name: str, message: str,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    login(client, users["standing"])
    upload(client, content, name, django_capture_on_commit_callbacks)
    draft = ImportDraft.objects.get()
    assert draft.status == "failed" and message.lower() in draft.error.lower()
    page = client.get(reverse("import_review", args=[draft.pk])).content.decode()
    assert "Không đọc được tệp" in page


def test_upload_is_checked_before_reading(client: Client, users: dict[str, Any], settings: Any,
                                          django_capture_on_commit_callbacks: Any) -> None:
    login(client, users["standing"])
    response = upload(client, b"MZ\x90\x00", "virus.exe", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "chưa được hỗ trợ" in response.content.decode()
    settings.DONDOC_IMPORT_MAX_MB = 0.001
    response = upload(client, PLAN_TXT.encode() * 3, "lon.txt", django_capture_on_commit_callbacks)
    assert "lớn hơn giới hạn" in response.content.decode()
    assert not ImportDraft.objects.exists()


def test_edit_whole_row_form_and_discard(client: Client, users: dict[str, Any],
                                         django_capture_on_commit_callbacks: Any) -> None:
    login(client, users["focal"])
    upload(client, PLAN_TXT.encode(), "ke-hoach.txt", django_capture_on_commit_callbacks)
    draft = ImportDraft.objects.get()
    assert draft.agency == users["focal"].agency
    url = reverse("import_edit_task", args=[draft.pk, 0])
    row = draft.plan_json["tasks"][0]
    form = {k: row[k] for k in ("number", "content", "output", "lead", "coordinating", "deadline", "funding", "note")}
    form["lead"] = "Sở Tư pháp; Sở Tài chính"
    assert client.post(url, form).status_code == 302
    draft.refresh_from_db()
    assert draft.plan_json["tasks"][0]["lead_agencies"] == ["Sở Tư pháp", "Sở Tài chính"]
    client.post(reverse("import_discard", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "discarded"
    assert client.post(reverse("import_confirm", args=[draft.pk])).status_code == 302
    assert not Plan.objects.exists()


def test_real_seed_imports_with_gold_task_count(client: Client, users: dict[str, Any],
                                               django_capture_on_commit_callbacks: Any) -> None:
    path = seed("002")
    login(client, users["standing"])
    upload(client, path.read_bytes(), path.name, django_capture_on_commit_callbacks)
    draft = ImportDraft.objects.get()
    client.post(reverse("import_confirm", args=[draft.pk]))
    plan = Plan.objects.get()
    assert plan.tasks.count() == len(gold("002")["tasks"])
    for task in plan.tasks.prefetch_related("task_agencies"):
        assert task.lead_text == "" or task.lead_agency_ids(), task.content


def test_officer_saves_only_own_agencys_plans(client: Client, users: dict[str, Any],
                                              django_capture_on_commit_callbacks: Any) -> None:
    """PLAN_TXT is issued by the province's people's committee, which the directory knows: not Sở Tư pháp's."""
    login(client, users["focal"])
    upload(client, PLAN_TXT.encode(), "ke-hoach.txt", django_capture_on_commit_callbacks)
    draft = ImportDraft.objects.get()
    response = client.post(reverse("import_confirm", args=[draft.pk]), follow=True)
    assert "chỉ cơ quan thường trực được lưu kế hoạch của cơ quan khác" in response.content.decode()
    assert not Plan.objects.exists()
    # the same officer's own plan (its issuer new to the directory) is saved as Sở Tư pháp's
    own = PLAN_TXT.replace("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH", "SỞ TƯ PHÁP TỈNH ĐỒI CAO").replace("77/KH-UBND",
                                                                                             "5/KH-STP")
    upload(client, own.encode(), "cua-so.txt", django_capture_on_commit_callbacks)
    client.post(reverse("import_confirm", args=[ImportDraft.objects.get(original_name="cua-so.txt").pk]))
    assert Plan.objects.get().owner == users["focal"].agency
