"""The overdue board and its urging letters (DOCX, ND 30/2020), bulk progress updates from a workbook (download,
fill, upload, preview, confirm: all or nothing), a plan's month timeline and an agency's deadline calendar,
on an invented plan under a frozen clock."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx.shared import Mm
from icalendar import Calendar
from openpyxl import load_workbook

from dondoc.accounts.models import User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.audit.models import AuditEvent
from dondoc.plans.models import Milestone, Plan, Status, Task
from dondoc.plans.services import store_plan
from dondoc.tracking import bulk, letters, selectors, services
from dondoc.tracking.models import BulkUpload, Evidence, Notification, ProgressUpdate, UrgingLetter

from .conftest import docx_lines, sample_plan_json

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2025, 9, 15)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (key, section, area, content, lead, due date or None) — due dates relative to TODAY
TASKS = [
    ("review", "I", "the_che", "Rà soát văn bản quy phạm pháp luật của tỉnh", "Sở Tư pháp", "2025-06-30"),
    ("inspect", "I", "the_che", "Kiểm tra công tác cải cách hành chính tại các huyện", "Sở Nội vụ", None),
    ("publish", "II", "tthc", "Công khai thủ tục hành chính trên Cổng dịch vụ công của tỉnh", "Sở Tư pháp",
     "2025-09-10"),
    ("simplify", "II", "tthc", "Đơn giản hóa thủ tục hành chính lĩnh vực tài chính", "Sở Tài chính", "2025-08-31"),
    ("digitise", "III", "chinh_quyen_so", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Sở Tài chính",
     "2025-12-31"),
    ("sign", "III", "chinh_quyen_so", "Triển khai chữ ký số cho cán bộ, công chức", "Sở Tư pháp", "2025-03-31"),
    ("rules", "III", "chinh_quyen_so", "Xây dựng quy chế phối hợp chia sẻ dữ liệu", "Sở Tư pháp", "2025-11-30"),
]
SECTIONS = {"I": "CẢI CÁCH THỂ CHẾ", "II": "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "III": "CHÍNH QUYỀN SỐ"}


@pytest.fixture(autouse=True)
def _clock(settings: Any) -> Iterator[None]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DONDOC_COMPLETION_NEEDS_APPROVAL = True
    with time_machine.travel(datetime(2025, 9, 15, 9, 0, tzinfo=VN), tick=False):
        yield


def board_plan_json() -> dict[str, Any]:
    data = sample_plan_json()
    base = data["tasks"][0]
    data["tasks"] = [
        {**base, "number": str(i), "section_number": section, "section_title": SECTIONS[section], "area": area,
         "content": content, "lead": lead, "lead_agencies": [lead], "coordinating": "Sở Nội vụ" if i == 1 else "",
         "coordinating_agencies": ["Sở Nội vụ"] if i == 1 else [], "deadline": due or "Hằng quý",
         "schedule": {"due_dates": [due] if due else [], "recurrence": [] if due else ["quarterly"],
                      "continuous": due is None, "conditional": False}}
        for i, (_, section, area, content, lead, due) in enumerate(TASKS, start=1)]
    return data


@pytest.fixture
def plan(users: dict[str, User], agencies: dict[str, Agency]) -> Plan:
    stored = store_plan(board_plan_json(), resolve=lambda name: agency_services.ensure(name),
                        owner=agencies["province"], actor=users["admin"])
    sign = task_of(stored, "sign")
    Task.objects.filter(pk=sign.pk).update(status=Status.DONE, progress=100, completed_on=date(2025, 3, 20))
    return stored


def task_of(plan: Plan, name: str) -> Task:
    content = next(t[3] for t in TASKS if t[0] == name)
    return Task.objects.get(plan=plan, content=content)


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- the board ---------------------------------------------------------------------------------------------------

def test_board_groups_overdue_tasks_by_agency_and_area(client: Client, users: dict[str, User], plan: Plan,
                                                       agencies: dict[str, Agency]) -> None:
    login(client, users["standing"])
    response = client.get(reverse("overdue_board"))
    assert response.status_code == 200
    board = response.context["board"]
    review, publish, simplify = task_of(plan, "review"), task_of(plan, "publish"), task_of(plan, "simplify")
    assert board.total == 3 and board.grouped_by == "co_quan"
    by_agency = {g.name: [(r.task, r.days_late) for r in g.rows] for g in board.groups}
    assert by_agency == {"Sở Tư pháp": [(review, 77), (publish, 5)], "Sở Tài chính": [(simplify, 15)]}
    assert board.groups[0].agency == agencies["justice"] and board.groups[0].most_days_late == 77
    assert [g.count for g in board.groups] == [2, 1]
    by_area_board = client.get(reverse("overdue_board"), {"theo": "linh_vuc"}).context["board"]
    by_area = {g.key: [r.task for r in g.rows] for g in by_area_board.groups}
    assert by_area == {"the_che": [review], "tthc": [simplify, publish]}
    assert [g.name for g in by_area_board.groups] == ["Cải cách thể chế", "Cải cách thủ tục hành chính"]
    html = response.content.decode()
    assert "Nhiệm vụ quá hạn" in html and "Sở Tư pháp" in html and "<strong>77</strong>" in html
    assert reverse("letter_create", args=[agencies["justice"].pk]) in html

    by_area_page = client.get(reverse("overdue_board"), {"theo": "linh_vuc"}).content.decode()
    assert "Cải cách thủ tục hành chính" in by_area_page

    def rows(**params: Any) -> list[Task]:
        """Every task on the board, most late first."""
        board = client.get(reverse("overdue_board"), params).context["board"]
        found = {r.task for g in board.groups for r in g.rows}
        return sorted(found, key=lambda t: (t.due_date, t.plan_id, t.order, t.pk))

    assert rows(linh_vuc="tthc") == [simplify, publish]
    assert rows(co_quan=agencies["finance"].pk) == [simplify]
    assert rows(q="cong khai thu tuc") == [publish]  # accent-free search
    assert rows(q="CÔNG KHAI") == [publish]
    assert rows(ke_hoach=plan.pk, nam=2025) == [review, simplify, publish]
    assert rows(nam=2024) == []
    assert rows(linh_vuc="khac") == []


def test_board_shows_a_few_rows_per_agency_and_pages_agencies(client: Client, users: dict[str, User], plan: Plan,
                                                              agencies: dict[str, Agency],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A province has thousands of overdue tasks: each group shows its most late rows and links to the rest, and
    agencies come a page at a time (here one row and one agency, to see it on three tasks)."""
    monkeypatch.setattr(selectors, "BOARD_ROWS", 1)
    monkeypatch.setattr(selectors, "BOARD_GROUPS", 1)
    login(client, users["standing"])
    review, publish, simplify = task_of(plan, "review"), task_of(plan, "publish"), task_of(plan, "simplify")
    first = client.get(reverse("overdue_board"), {"q": "", "nam": 2025})
    board = first.context["board"]
    assert (board.total, board.page, board.pages) == (3, 1, 2)
    [justice] = board.groups
    assert (justice.name, justice.count, justice.more, [r.task for r in justice.rows]) == ("Sở Tư pháp", 2, 1, [review])
    html = first.content.decode()
    assert f"co_quan={agencies['justice'].pk}&amp;nam=2025" in html  # the rest of the group, the year kept
    assert "trang=2" in html
    [finance] = client.get(reverse("overdue_board"), {"trang": 2}).context["board"].groups
    assert finance.name == "Sở Tài chính" and [r.task for r in finance.rows] == [simplify]
    assert client.get(reverse("overdue_board"), {"trang": 99}).context["board"].page == 2  # past the end: the last
    narrowed = client.get(reverse("overdue_board"), {"co_quan": agencies["justice"].pk}).context["board"]
    assert [r.task for r in narrowed.groups[0].rows] == [review, publish]  # narrowed to the group: every row
    areas = client.get(reverse("overdue_board"), {"theo": "linh_vuc"}).context["board"].groups
    assert [(g.key, g.count, g.more) for g in areas] == [("the_che", 1, 0), ("tthc", 2, 1)]
    tthc = client.get(reverse("overdue_board"), {"theo": "linh_vuc", "linh_vuc": "tthc"}).context["board"].groups
    assert [r.task for r in tthc[0].rows] == [simplify, publish]


def test_board_and_letters_are_for_the_standing_agency_only(client: Client, users: dict[str, User], plan: Plan,
                                                            agencies: dict[str, Agency]) -> None:
    for role in ("focal", "leader", "viewer"):
        login(client, users[role])
        assert client.get(reverse("overdue_board")).status_code == 403
        assert client.post(reverse("letter_create", args=[agencies["justice"].pk]),
                           {"issued_on": "2025-09-15", "task": [task_of(plan, "review").pk]}).status_code == 403
        assert reverse("overdue_board") not in client.get(reverse("home")).content.decode()
    assert not UrgingLetter.objects.exists()
    login(client, users["standing"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("overdue_board") in home and ">Quá hạn</a>" in home
    login(client, users["focal"])
    assert reverse("bulk_home") in client.get(reverse("home")).content.decode()
    login(client, users["viewer"])
    assert reverse("bulk_home") not in client.get(reverse("home")).content.decode()


# --- the urging letter ---------------------------------------------------------------------------------------------

def test_urging_letter_docx_and_its_records(client: Client, users: dict[str, User], plan: Plan,
                                            agencies: dict[str, Agency]) -> None:
    justice = agencies["justice"]
    review, publish = task_of(plan, "review"), task_of(plan, "publish")
    login(client, users["standing"])
    form = client.get(reverse("letter_create", args=[justice.pk]))
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["symbol"] == "SNV-CCHC" and initial["place"] == "Hòa Bình Xanh"
    assert {r.task for r in form.context["rows"]} == {review, publish}

    response = client.post(reverse("letter_create", args=[justice.pk]), {
        "number": "125", "symbol": "SNV-CCHC", "place": "Hòa Bình Xanh", "issued_on": "2025-09-15",
        "reply_by": "2025-09-30", "signer_name": "", "task": [review.pk, publish.pk]})
    assert response.status_code == 302
    letter = UrgingLetter.objects.get()
    assert letter.agency == justice and letter.number == "125/SNV-CCHC" and letter.issued_on == TODAY
    assert set(letter.tasks.all()) == {review, publish}

    download = client.get(reverse("letter_download", args=[letter.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].endswith('.docx"')
    document, lines = docx_lines(b"".join(download.streaming_content))
    text = "\n".join(lines)
    assert "Kính gửi: Sở Tư pháp." in lines
    assert review.content in lines and publish.content in lines
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines and "Độc lập - Tự do - Hạnh phúc" in lines
    assert "UBND TỈNH HÒA BÌNH XANH" in lines and "SỞ NỘI VỤ" in lines
    assert lines.index("UBND TỈNH HÒA BÌNH XANH") + 1 == lines.index("SỞ NỘI VỤ")  # parent body above
    assert "Số: 125/SNV-CCHC" in lines
    assert "Hòa Bình Xanh, ngày 15 tháng 9 năm 2025" in lines
    assert "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính" in lines
    assert "KT. GIÁM ĐỐC" in lines and "PHÓ GIÁM ĐỐC" in lines
    assert "Nơi nhận:" in lines and "- Như trên;" in lines and "- Lưu: VT, CCHC." in lines
    assert "trước ngày 30/09/2025" in text and "./." in text
    # the table: header, then one row per late task with its plan, due date, days late and progress
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    assert [c.text for c in table.rows[0].cells] == list(letters.TABLE_HEADERS)
    assert [c.text for c in table.rows[1].cells] == ["1", review.content, "12/KH-UBND", "30/06/2025", "77",
                                                     "0% (Chưa triển khai)"]
    assert [c.text for c in table.rows[2].cells][3:5] == ["10/09/2025", "5"]
    assert len(table.rows) == 3
    # format: A4, margins, Times New Roman 11-14 pt everywhere
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.left_margin - Mm(30)) < Mm(1) and Mm(20) <= section.top_margin <= Mm(25)
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [r for p in document.paragraphs for r in p.runs] + [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    assert {r.font.size.pt for r in runs if r.text.strip()} <= {11, 12, 13, 14}

    # recorded: the task histories, the audit log, the agency's officers notified
    urged = ProgressUpdate.objects.filter(kind=ProgressUpdate.Kind.URGING)
    assert {u.task for u in urged} == {review, publish}
    assert "125/SNV-CCHC" in urged.get(task=review).text
    assert AuditEvent.objects.filter(action="urging.issue", object_id=str(letter.pk)).exists()
    notes = Notification.objects.filter(kind=Notification.Kind.URGING)
    assert {n.user for n in notes} == {users["focal"], users["leader"]}
    assert notes.first().url == reverse("letter_download", args=[letter.pk])
    # the agency it is addressed to may read it; others may not
    for role, status in (("focal", 200), ("leader", 200), ("other_focal", 403), ("viewer", 403)):
        login(client, users[role])
        assert client.get(reverse("letter_download", args=[letter.pk])).status_code == status, role
    login(client, users["standing"])
    listing = client.get(reverse("letter_list")).content.decode()
    assert "125/SNV-CCHC" in listing and reverse("letter_download", args=[letter.pk]) in listing


def test_letter_without_number_and_for_chosen_tasks_only(users: dict[str, User], plan: Plan,
                                                         agencies: dict[str, Agency]) -> None:
    review = task_of(plan, "review")
    data = letters.default_input(users["standing"].agency, TODAY)
    letter = letters.issue_letter(agencies["justice"], actor=users["standing"], data=data, task_ids={review.pk})
    assert letter.number == "" and list(letter.tasks.all()) == [review]
    _, lines = docx_lines(letter.file.read())
    number = next(line for line in lines if line.startswith("Số:"))
    assert number.replace("\u00a0", " ").startswith("Số:    ") and number.endswith("/SNV-CCHC")
    assert task_of(plan, "publish").content not in lines
    with pytest.raises(Exception, match="không có nhiệm vụ quá hạn"):
        letters.issue_letter(agencies["home"], actor=users["standing"], data=data)
    with pytest.raises(Exception, match="cơ quan thường trực"):
        letters.issue_letter(agencies["justice"], actor=users["focal"], data=data)


def test_letter_helpers() -> None:
    assert letters.vietnamese_date(date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert letters.vietnamese_date(date(2025, 2, 28)) == "ngày 28 tháng 02 năm 2025"
    assert letters.vietnamese_date(date(2025, 12, 9)) == "ngày 09 tháng 12 năm 2025"
    assert letters.LetterInput(number="7", symbol="SNV-CCHC").number_line() == "Số: 7/SNV-CCHC"


# --- bulk progress updates -----------------------------------------------------------------------------------------

def download(client: Client) -> Any:
    response = client.get(reverse("bulk_download"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def row_of(ws: Any, task: Task) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == task.pk)


def fill(ws: Any, row: int, **values: Any) -> None:
    titles = {c.field: i for i, c in enumerate(bulk.COLUMNS, start=1)}
    for field, value in values.items():
        ws.cell(row, titles[field], value)


def upload(client: Client, wb: Any, name: str = "cap-nhat.xlsx") -> Any:
    out = io.BytesIO()
    wb.save(out)
    return client.post(reverse("bulk_home"), {"file": SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)})


def test_bulk_round_trip(client: Client, users: dict[str, User], plan: Plan, agencies: dict[str, Agency]) -> None:
    review, publish, rules_task = task_of(plan, "review"), task_of(plan, "publish"), task_of(plan, "rules")
    login(client, users["focal"])
    assert client.get(reverse("bulk_home")).status_code == 200
    wb = download(client)
    ws = wb[bulk.SHEET]
    assert [cell.value for cell in ws[1]] == [c.title for c in bulk.COLUMNS]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert sorted(ids) == sorted([review.pk, publish.pk, rules_task.pk])  # open tasks Sở Tư pháp leads
    assert ws.cell(row_of(ws, review), 6).value == "Chưa triển khai"
    assert ws.column_dimensions["M"].hidden
    validation = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert "Đang thực hiện" in validation.formula1 and "Hoàn thành" in validation.formula1

    fill(ws, row_of(ws, review), new_status="Đang thực hiện", new_progress=60, text="Đã rà soát 30 văn bản",
         evidence_number="15/BC-STP", evidence_date="10/09/2025")
    fill(ws, row_of(ws, publish), new_status="hoan thanh", text="Đã công khai trên Cổng",
         evidence_date=datetime(2025, 9, 12))
    response = upload(client, wb)
    assert response.status_code == 302
    pending = BulkUpload.objects.get()
    assert response["Location"] == reverse("bulk_preview", args=[pending.pk])
    assert pending.errors == [] and len(pending.changes) == 2 and pending.agency == agencies["justice"]
    preview = client.get(response["Location"]).content.decode()
    assert "Chưa triển khai → <strong>Đang thực hiện</strong>" in preview and "0% → <strong>60%</strong>" in preview
    assert "Chờ lãnh đạo duyệt hoàn thành" in preview  # done by the focal officer goes to the leader
    assert "15/BC-STP" in preview and "ngày 10/09/2025" in preview
    assert Task.objects.get(pk=review.pk).progress == 0  # nothing changes before the confirmation

    response = client.post(reverse("bulk_confirm", args=[pending.pk]), follow=True)
    assert "Đã cập nhật tiến độ 2 nhiệm vụ." in response.content.decode()
    review.refresh_from_db()
    publish.refresh_from_db()
    assert (review.status, review.progress) == (Status.IN_PROGRESS, 60)
    assert (publish.status, publish.progress) == (Status.AWAITING_APPROVAL, 100)
    evidence = Evidence.objects.get(update__task=review)
    assert evidence.number == "15/BC-STP" and evidence.issued_on == date(2025, 9, 10)
    assert Evidence.objects.get(update__task=publish).issued_on == date(2025, 9, 12)
    assert review.updates.filter(kind=ProgressUpdate.Kind.PROGRESS, text="Đã rà soát 30 văn bản").exists()
    assert BulkUpload.objects.get().status == BulkUpload.Status.APPLIED
    assert AuditEvent.objects.filter(action="bulk.apply").exists()
    # applied once only
    client.post(reverse("bulk_confirm", args=[pending.pk]))
    assert review.updates.filter(kind=ProgressUpdate.Kind.PROGRESS).count() == 1


def test_bulk_rows_that_cannot_be_applied(client: Client, users: dict[str, User], plan: Plan) -> None:
    review, publish, rules_task = task_of(plan, "review"), task_of(plan, "publish"), task_of(plan, "rules")
    simplify, inspect = task_of(plan, "simplify"), task_of(plan, "inspect")
    login(client, users["focal"])
    wb = download(client)
    ws = wb[bulk.SHEET]
    fill(ws, row_of(ws, review), new_progress=150)
    fill(ws, row_of(ws, publish), new_status="Xong rồi")
    fill(ws, row_of(ws, rules_task), new_progress="40%", evidence_date="31/02/2025")
    last = ws.max_row
    fill(ws, last + 1, task=999999, new_progress=10, version=0)
    fill(ws, last + 2, task=simplify.pk, new_progress=10, version=simplify.version)  # Sở Tài chính's task
    fill(ws, last + 3, task="abc", new_progress=10, version=0)
    fill(ws, last + 4, task=inspect.pk, new_status="Tạm dừng", version=inspect.version)  # Sở Nội vụ's task
    response = upload(client, wb)
    assert response.status_code == 302
    pending = BulkUpload.objects.get()
    assert pending.changes == []
    errors = {e["row"]: e["reason"] for e in pending.errors}
    assert "Tiến độ “150” không hợp lệ" in errors[row_of(ws, review)]
    assert "Trạng thái “Xong rồi” không có trong danh sách" in errors[row_of(ws, publish)]
    assert "Ngày văn bản “31/02/2025” không đúng dạng dd/mm/yyyy" in errors[row_of(ws, rules_task)]
    assert errors[last + 1] == "Không có nhiệm vụ mã 999999."
    assert "không do Sở Tư pháp chủ trì" in errors[last + 2]
    assert "Mã nhiệm vụ “abc” không hợp lệ" in errors[last + 3]
    assert "không do Sở Tư pháp chủ trì" in errors[last + 4]
    preview = client.get(reverse("bulk_preview", args=[pending.pk])).content.decode()
    assert "Dòng không áp dụng được (7)" in preview and f"<td>{last + 1}</td>" in preview
    assert "Tệp không có thay đổi nào áp dụng được." in preview
    assert reverse("bulk_confirm", args=[pending.pk]) not in preview
    response = client.post(reverse("bulk_discard", args=[pending.pk]))
    assert response.status_code == 302 and BulkUpload.objects.get().status == BulkUpload.Status.DISCARDED


def test_bulk_reports_a_task_changed_since_download(client: Client, users: dict[str, User], plan: Plan) -> None:
    review = task_of(plan, "review")
    login(client, users["focal"])
    wb = download(client)
    ws = wb[bulk.SHEET]
    services.record_progress(review, actor=users["leader"], text="Lãnh đạo cập nhật", progress=10,
                             status=Status.IN_PROGRESS)
    fill(ws, row_of(ws, review), new_progress=50)
    upload(client, wb)
    [error] = BulkUpload.objects.get().errors
    assert error["row"] == row_of(ws, review) and "sau khi tệp được tải về" in error["reason"]


def test_bulk_confirm_is_all_or_nothing(client: Client, users: dict[str, User], plan: Plan) -> None:
    review, publish = task_of(plan, "review"), task_of(plan, "publish")
    login(client, users["focal"])
    wb = download(client)
    ws = wb[bulk.SHEET]
    fill(ws, row_of(ws, review), new_progress=60, text="Đã rà soát")
    fill(ws, row_of(ws, publish), new_status="Đang thực hiện", new_progress=20)
    upload(client, wb)
    pending = BulkUpload.objects.get()
    assert len(pending.changes) == 2 and not pending.errors
    # between preview and confirm, the leader updates one of the tasks
    services.record_progress(publish, actor=users["leader"], text="Lãnh đạo cập nhật", progress=30,
                             status=Status.IN_PROGRESS)
    before = ProgressUpdate.objects.count()
    response = client.post(reverse("bulk_confirm", args=[pending.pk]), follow=True)
    html = response.content.decode()
    assert f"Dòng {row_of(ws, publish)}:" in html and "Chưa cập nhật nhiệm vụ nào" in html
    review.refresh_from_db()
    publish.refresh_from_db()
    assert (review.status, review.progress) == (Status.NOT_STARTED, 0)  # the first row was rolled back too
    assert publish.progress == 30
    assert ProgressUpdate.objects.count() == before
    assert BulkUpload.objects.get().status == BulkUpload.Status.PENDING


def xlsx_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("cap-nhat.csv", b"a,b\n", "chỉ nhận bảng tính Excel (.xlsx)"),
    ("cap-nhat.xlsx", b"", "rỗng"),
    ("cap-nhat.xlsx", b"%PDF-1.7 not a workbook", "không phải bảng tính Excel (.xlsx)"),
    ("cap-nhat.xlsx", xlsx_bytes({"word/document.xml": b"<w/>"}), "không phải bảng tính Excel"),
    ("cap-nhat.xlsx", xlsx_bytes({"xl/workbook.xml": b"<khong-phai-xml", "[Content_Types].xml": b"<x"}),
     "Không đọc được tệp Excel"),
    ("cap-nhat.xlsx", b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024), "lớn hơn giới hạn 5 MB"),
])
def test_bulk_upload_is_checked(client: Client, users: dict[str, User], plan: Plan, name: str, content: bytes,
                                message: str) -> None:
    login(client, users["focal"])
    response = client.post(reverse("bulk_home"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BulkUpload.objects.exists()


def test_bulk_workbook_without_the_columns(client: Client, users: dict[str, User], plan: Plan) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["STT", "Nội dung"])
    login(client, users["focal"])
    response = upload(client, wb)
    assert response.status_code == 200 and "thiếu cột" in response.content.decode()


def test_bulk_is_for_agency_officers(client: Client, users: dict[str, User], plan: Plan) -> None:
    login(client, users["viewer"])
    assert client.get(reverse("bulk_home")).status_code == 403
    assert client.get(reverse("bulk_download")).status_code == 403
    login(client, users["focal"])
    upload(client, download(client))
    pending = BulkUpload.objects.get()
    login(client, users["other_focal"])  # another agency's upload does not exist for them
    assert client.get(reverse("bulk_preview", args=[pending.pk])).status_code == 404
    assert client.post(reverse("bulk_confirm", args=[pending.pk])).status_code == 404


@pytest.mark.parametrize(("value", "number_format", "expected"), [
    (60, "General", 60), (0.35, "0%", 35), ("45", "@", 45), ("45%", "@", 45), ("45,0", "@", 45), (100.0, "", 100),
])
def test_percent_cells(value: Any, number_format: str, expected: int) -> None:
    assert bulk.parse_percent(value, number_format) == expected


@pytest.mark.parametrize("value", [150, -1, "nhiều", 45.5, True])
def test_bad_percent_cells(value: Any) -> None:
    with pytest.raises(ValueError):
        bulk.parse_percent(value)


def test_date_cells() -> None:
    assert bulk.parse_day("05/03/2025") == date(2025, 3, 5)
    assert bulk.parse_day("2025-03-05") == date(2025, 3, 5)
    assert bulk.parse_day(datetime(2025, 3, 5, 0, 0)) == date(2025, 3, 5)
    assert bulk.parse_day(45721) == date(2025, 3, 5)  # an Excel serial number
    with pytest.raises(ValueError):
        bulk.parse_day("5 tháng 3")


# --- calendar and timeline -------------------------------------------------------------------------------------------

def test_agency_calendar(client: Client, users: dict[str, User], plan: Plan, agencies: dict[str, Agency]) -> None:
    inspect = task_of(plan, "inspect")
    assert services.generate_occurrences([inspect], 2025) == 4
    first = inspect.milestones.filter(kind=Milestone.Kind.OCCURRENCE).order_by("due_date").first()
    services.complete_occurrence(first, actor=users["standing"])
    login(client, users["viewer"])
    response = client.get(reverse("agency_calendar", args=[agencies["home"].pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    review = task_of(plan, "review")
    # Sở Nội vụ coordinates "review" and leads "inspect": three open quarterly periods (the first is done)
    assert set(events) == {f"task-{review.pk}"} | {
        f"occurrence-{m.pk}" for m in inspect.milestones.filter(kind=Milestone.Kind.OCCURRENCE, status="not_started")}
    event = events[f"task-{review.pk}"]
    assert str(event["summary"]) == review.content
    assert event.decoded("dtstart") == date(2025, 6, 30) and event.decoded("dtend") == date(2025, 7, 1)
    description = str(event["description"])
    assert "12/KH-UBND" in description and f"http://testserver/nhiem-vu/{review.pk}/" in description
    periods = sorted(e.decoded("dtstart") for k, e in events.items() if k.startswith("occurrence"))
    assert periods == [date(2025, 6, 14), date(2025, 9, 14), date(2025, 12, 14)]
    justice = Calendar.from_ical(client.get(reverse("agency_calendar", args=[agencies["justice"].pk])).content)
    assert {str(e["summary"]) for e in justice.walk("VEVENT")} == {
        task_of(plan, name).content for name in ("review", "publish", "rules")}  # "sign" is done
    page = client.get(reverse("agency_detail", args=[agencies["home"].pk])).content.decode()
    assert reverse("agency_calendar", args=[agencies["home"].pk]) in page


def test_plan_gantt(client: Client, users: dict[str, User], plan: Plan) -> None:
    inspect = task_of(plan, "inspect")
    services.generate_occurrences([inspect], 2025)
    gantt = selectors.plan_gantt(plan, TODAY)
    assert [m.month for m in gantt.months] == list(range(1, 13)) and gantt.start == date(2025, 1, 1)
    rows = {row.task.pk: row for _, section_rows in gantt.sections for row in section_rows}
    review = rows[task_of(plan, "review").pk]
    assert review.css == "overdue" and review.bar_left == 0  # the plan was issued in December 2024
    assert abs(review.bar_width - 181 / 365 * 100) < 0.01  # up to the end of 30 June
    assert rows[task_of(plan, "sign").pk].css == "done"
    assert rows[task_of(plan, "digitise").pk].css in {"todo", "risk"}
    assert len([m for m in rows[inspect.pk].markers if "occurrence" in m.css]) == 4
    assert rows[inspect.pk].bar_width == 100  # continuous work spans the year
    assert [s.title if s else "" for s, _ in gantt.sections] == list(SECTIONS.values())
    assert abs(gantt.today_left - (date(2025, 9, 15) - date(2025, 1, 1)).days / 365 * 100) < 0.01

    login(client, users["viewer"])
    html = client.get(reverse("plan_gantt", args=[plan.pk])).content.decode()
    assert "Tiến độ theo tháng" in html and html.count('class="g-row" data-task=') == len(TASKS)
    assert "T12" in html and 'class="bar overdue"' in html and "left: 0.0%" in html and "0,0" not in html
    assert reverse("plan_gantt", args=[plan.pk]) in client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
