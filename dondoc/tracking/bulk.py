"""Bulk progress updates from a spreadsheet: an agency downloads its open tasks as XLSX, fills in the new status,
percentage, update text and evidence, uploads the file back, sees every change (old → new) and every row that
cannot be applied with its reason, and confirms: the changes go through `services.record_progress` row by row,
each with the version the workbook was made from, in one transaction (all or nothing)."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.audit.services import record
from dondoc.importer.text import key
from dondoc.plans.models import Status, Task, TaskAgency
from dondoc.web import uploads

from . import selectors
from .models import BulkUpload
from .services import EvidenceInput, record_progress

MAX_BYTES = 5 * 1024 * 1024  # the upload itself
MAX_UNPACKED = 60 * 1024 * 1024  # what its zip may expand to (a zip bomb is refused before openpyxl reads it)
MAX_ROWS = 5000  # task rows read from one workbook
SHEET = "Cập nhật tiến độ"


@dataclass(frozen=True)
class Column:
    field: str
    title: str
    width: int
    fill: bool = False  # the agency fills it in


COLUMNS = (
    Column("task", "Mã nhiệm vụ", 11),
    Column("plan", "Kế hoạch", 18),
    Column("number", "STT", 7),
    Column("content", "Nội dung nhiệm vụ", 60),
    Column("due", "Hạn hoàn thành", 14),
    Column("status", "Trạng thái hiện tại", 20),
    Column("progress", "Tiến độ hiện tại (%)", 12),
    Column("new_status", "Trạng thái mới", 22, True),
    Column("new_progress", "Tiến độ mới (%)", 12, True),
    Column("text", "Nội dung cập nhật", 45, True),
    Column("evidence_number", "Số văn bản kiểm chứng", 22, True),
    Column("evidence_date", "Ngày văn bản (dd/mm/yyyy)", 16, True),
    Column("version", "Phiên bản", 9),
)
FILL_FIELDS = [c.field for c in COLUMNS if c.fill]
REQUIRED = ("task", "version", *FILL_FIELDS)
# The statuses an agency may choose (awaiting approval follows from "Hoàn thành" when the leader must confirm).
CHOOSABLE = [s for s in Status if s != Status.AWAITING_APPROVAL]
_STATUS_BY_KEY = {**{key(s.label): s.value for s in CHOOSABLE}, **{s.value: s.value for s in CHOOSABLE}}
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")


class BulkError(ValidationError):
    """The upload as a whole cannot be read (wrong kind of file, corrupt, not dondoc's workbook)."""


# --- who -------------------------------------------------------------------------------------------------------

def officer_agency(user: Any) -> Agency:
    """The agency a user updates in bulk: their own, when they act for it (officers and managers)."""
    if not policy.can_bulk_update(user):
        raise PermissionDenied("Chỉ cán bộ của cơ quan chủ trì cập nhật tiến độ hàng loạt.")
    return user.agency


def may_open(user: Any, bulk: BulkUpload) -> bool:
    """An upload is seen by its agency's officers and by the managers (like an import draft)."""
    return policy.can_see_agency_upload(user, bulk.agency_id)


# --- the workbook ------------------------------------------------------------------------------------------------

def workbook_name(agency: Agency, today: date) -> str:
    return f"cap-nhat-tien-do-{slugify(key(agency.name))[:60]}-{today:%Y%m%d}.xlsx"


def build_workbook(agency: Agency, tasks: list[Task], *, today: date) -> bytes:
    """The agency's open tasks, one per row, with empty columns to fill and a hidden version column."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    head_fill, todo_fill = PatternFill("solid", fgColor="DCE6F1"), PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = todo_fill if column.fill else head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = column.width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, task in enumerate(tasks, start=2):
        values = {"task": task.pk, "plan": task.plan.number or task.plan.title[:60], "number": task.number,
                  "content": task.content, "due": task.due_date, "status": task.get_status_display(),
                  "progress": task.progress, "version": task.version}
        for index, column in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=row, column=index, value=values.get(column.field))
            cell.alignment = wrap
            if column.field == "due":
                cell.number_format = "DD/MM/YYYY"
            elif column.field in ("evidence_number", "evidence_date", "text"):
                cell.number_format = "@"  # typed as text: "12/QĐ-UBND" stays as written
            if column.fill:
                cell.fill = todo_fill
    last = max(len(tasks) + 1, 2)
    letters = {c.field: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    statuses = DataValidation(type="list", formula1='"{}"'.format(",".join(s.label for s in CHOOSABLE)),
                              allow_blank=True, showErrorMessage=True, errorTitle="Trạng thái không hợp lệ",
                              error="Chọn một trạng thái trong danh sách.")
    statuses.add(f"{letters['new_status']}2:{letters['new_status']}{last}")
    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                             showErrorMessage=True, errorTitle="Tiến độ không hợp lệ",
                             error="Nhập số nguyên từ 0 đến 100.")
    percent.add(f"{letters['new_progress']}2:{letters['new_progress']}{last}")
    ws.add_data_validation(statuses)
    ws.add_data_validation(percent)
    ws.column_dimensions[letters["version"]].hidden = True
    ws.freeze_panes = "A2"

    guide = wb.create_sheet("Hướng dẫn")
    lines = [
        f"Cập nhật tiến độ nhiệm vụ của {agency.name} — tệp lập ngày {today:%d/%m/%Y}.",
        "Chỉ điền các cột nền vàng: Trạng thái mới (chọn trong danh sách), Tiến độ mới (0-100), Nội dung cập nhật, "
        "Số và ngày văn bản kiểm chứng (dd/mm/yyyy).",
        "Dòng để trống các cột nền vàng được giữ nguyên. Không sửa cột Mã nhiệm vụ và không xóa cột ẩn Phiên bản.",
        "Tạm dừng hoặc Không thực hiện: ghi lý do ở cột Nội dung cập nhật.",
        "Tải tệp lên trang Cập nhật hàng loạt; dondoc hiển thị các thay đổi để bạn xác nhận trước khi lưu.",
    ]
    for row, line in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=line)
    guide.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading an upload ---------------------------------------------------------------------------------------------

def check_upload(upload: UploadedFile) -> bytes:
    """The file's bytes, once it is known to be a bounded .xlsx (dondoc.web.uploads). Raises BulkError in Vietnamese."""
    try:
        checked = uploads.check_upload(upload, kinds=("xlsx",), max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED)
    except ValidationError as exc:
        raise BulkError(exc.messages) from exc
    try:
        return upload.read(checked.size + 1)
    finally:
        upload.seek(0)


def _rows(data: bytes, name: str) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's data rows as {field: (value, number_format)}, columns found by their headers."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, zip and XML errors …)
        raise BulkError(f"Không đọc được tệp Excel “{name}”: tệp bị hỏng hoặc không đúng định dạng .xlsx.") from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        by_title = {key(c.title): c.field for c in COLUMNS}
        header_row, columns = 0, {}
        out: list[tuple[int, dict[str, Any]]] = []
        for row_number, cells in enumerate(ws.iter_rows(), start=1):
            if not header_row:
                found = {by_title[key(str(c.value))]: i for i, c in enumerate(cells)
                         if c.value is not None and key(str(c.value)) in by_title}
                if "task" in found:
                    header_row, columns = row_number, found
                elif row_number >= 10:
                    break
                continue
            if row_number > header_row + MAX_ROWS:
                if any(c.value is not None for c in cells):
                    raise BulkError(f"Tệp “{name}” có hơn {MAX_ROWS} dòng: hãy dùng tệp tải từ trang Cập nhật hàng "
                                    "loạt.")
                break  # empty rows after the data
            values = {field: (cells[i].value if i < len(cells) else None,
                              getattr(cells[i], "number_format", "") or "" if i < len(cells) else "")
                      for field, i in columns.items()}
            out.append((row_number, values))
    except BulkError:
        raise
    except Exception as exc:
        raise BulkError(f"Không đọc được tệp Excel “{name}”: tệp bị hỏng hoặc không đúng định dạng .xlsx.") from exc
    finally:
        wb.close()
    missing = [c.title for c in COLUMNS if c.field in REQUIRED and c.field not in columns]
    if not header_row or missing:
        raise BulkError(f"Tệp “{name}” thiếu cột {', '.join(f'“{m}”' for m in missing)}: hãy dùng tệp tải từ "
                        "trang Cập nhật hàng loạt.")
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_percent(value: Any, number_format: str = "") -> int:
    """0-100 from a number, a percentage cell (0.35 shown as 35%) or text ("35", "35%", "35,0")."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
        if "%" in number_format and 0 <= number <= 1:
            number *= 100
    else:
        number = float(str(value).strip().rstrip("%").strip().replace(",", "."))
    if abs(number - round(number)) > 1e-6 or not 0 <= round(number) <= 100:
        raise ValueError(value)
    return round(number)


def parse_day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        converted = from_excel(value)
        return converted.date() if isinstance(converted, datetime) else converted
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_status(value: Any) -> str:
    found = _STATUS_BY_KEY.get(key(str(value)))
    if found is None:
        raise ValueError(value)
    return found


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(str(value).strip())


def _label(status: str) -> str:
    return Status(status).label


def read_changes(data: bytes, name: str, *, user: Any, agency: Agency) -> tuple[list[dict[str, Any]],
                                                                              list[dict[str, Any]]]:
    """The changes the workbook asks for and the rows that cannot be applied (row number, task, reason).
    A row whose columns to fill are all empty asks for nothing and is neither."""
    rows = _rows(data, name)
    wanted = [r for r in rows if any(not _blank(r[1].get(f, (None,))[0]) for f in FILL_FIELDS)]
    ids: set[int] = set()
    for _, values in wanted:
        with contextlib.suppress(TypeError, ValueError):
            ids.add(_int(values["task"][0]))
    ids = {i for i in ids if 0 < i < 2**53}  # a database key, not any number typed in the column
    tasks = {t.pk: t for t in selectors.tasks_with_agencies().filter(pk__in=ids)}
    changes: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    for row_number, values in wanted:
        raw_id = _text(values["task"][0])
        problems: list[str] = []

        def fail(reason: str, *, row: int = row_number, task: str = raw_id) -> None:
            errors.append({"row": row, "task": task, "reason": reason})

        if not raw_id:
            fail("Thiếu mã nhiệm vụ.")
            continue
        try:
            task = tasks.get(_int(values["task"][0]))
        except (TypeError, ValueError):
            fail(f"Mã nhiệm vụ “{raw_id}” không hợp lệ.")
            continue
        if task is None:
            fail(f"Không có nhiệm vụ mã {raw_id}.")
            continue
        leads = {ta.agency_id for ta in task.task_agencies.all() if ta.role == TaskAgency.Role.LEAD}
        if agency.pk not in leads or not policy.can_update_progress(user, task):
            fail(f"Nhiệm vụ không do {agency.name} chủ trì: không cập nhật được.")
            continue
        if task.pk in seen:
            fail(f"Nhiệm vụ đã có ở dòng {seen[task.pk]}.")
            continue
        seen[task.pk] = row_number
        try:
            version = _int(values["version"][0])
        except (TypeError, ValueError):
            version = None
        if version is None:
            problems.append("Thiếu phiên bản (cột ẩn): hãy dùng tệp tải từ dondoc.")
        elif version != task.version:
            problems.append("Nhiệm vụ đã được cập nhật sau khi tệp được tải về: hãy tải tệp mới và nhập lại.")
        status = task.status
        raw_status = values["new_status"][0]
        if not _blank(raw_status):
            try:
                status = parse_status(raw_status)
            except ValueError:
                problems.append(f"Trạng thái “{_text(raw_status)}” không có trong danh sách.")
        progress: int | None = None
        raw_progress, progress_format = values["new_progress"]
        if not _blank(raw_progress):
            try:
                progress = parse_percent(raw_progress, progress_format)
            except (TypeError, ValueError):
                problems.append(f"Tiến độ “{_text(raw_progress)}” không hợp lệ: nhập số nguyên từ 0 đến 100.")
        evidence_day: date | None = None
        raw_day = values["evidence_date"][0]
        if not _blank(raw_day):
            try:
                evidence_day = parse_day(raw_day)
            except (TypeError, ValueError, OverflowError):
                problems.append(f"Ngày văn bản “{_text(raw_day)}” không đúng dạng dd/mm/yyyy.")
        text = str(values["text"][0]).strip() if not _blank(values["text"][0]) else ""
        evidence_number = _text(values["evidence_number"][0])
        if status == Status.AWAITING_APPROVAL:
            problems.append("Nhiệm vụ đang chờ lãnh đạo duyệt hoàn thành: hãy chọn trạng thái mới.")
        elif status in (Status.PAUSED, Status.CANCELLED) and not text:
            problems.append("Hãy ghi lý do tạm dừng hoặc không thực hiện ở cột “Nội dung cập nhật”.")
        if problems:
            fail(" ".join(problems))
            continue
        new_progress = 100 if status == Status.DONE else task.progress if progress is None else progress
        shown = status
        if status == Status.NOT_STARTED and new_progress > 0:
            shown = Status.IN_PROGRESS
        note = ""
        if status == Status.DONE and settings.DONDOC_COMPLETION_NEEDS_APPROVAL and \
                not policy.can_approve_completion(user, task):
            shown, note = Status.AWAITING_APPROVAL, "Lãnh đạo cơ quan sẽ được đề nghị duyệt hoàn thành."
        if shown == task.status and new_progress == task.progress and not (text or evidence_number or evidence_day):
            continue  # asks for nothing new
        changes.append({
            "row": row_number, "task": task.pk, "version": version, "plan": task.plan.number or task.plan.title[:60],
            "number": task.number, "content": task.content[:300],
            "old_status": task.status, "old_status_label": task.get_status_display(), "old_progress": task.progress,
            "status": status, "status_label": _label(shown), "progress": new_progress, "text": text,
            "evidence_number": evidence_number, "evidence_date": evidence_day.isoformat() if evidence_day else "",
            "note": note})
    return changes, errors


# --- the writes ------------------------------------------------------------------------------------------------------

@transaction.atomic
def start_upload(user: Any, upload: UploadedFile) -> BulkUpload:
    """Check and read the workbook, keep it with its changes and errors for the preview."""
    agency = officer_agency(user)
    name = Path(upload.name or "").name[:255]
    data = check_upload(upload)
    changes, errors = read_changes(data, name, user=user, agency=agency)
    bulk = BulkUpload(user=user, agency=agency, original_name=name, changes=changes, errors=errors)
    bulk.file.save(workbook_name(agency, timezone.localdate()), ContentFile(data), save=False)
    bulk.save()
    record(user, "bulk.upload", bulk, summary=f"{name}: {len(changes)} thay đổi, {len(errors)} dòng không áp dụng được")
    return bulk


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@transaction.atomic
def apply_upload(bulk: BulkUpload, *, actor: Any) -> int:
    """Every change, through record_progress with the row's version; one failure undoes them all."""
    bulk = BulkUpload.objects.select_for_update().get(pk=bulk.pk)
    if not may_open(actor, bulk):
        raise PermissionDenied("Bạn không được cập nhật tệp này.")
    if bulk.status != BulkUpload.Status.PENDING:
        raise ValidationError("Tệp này đã được xử lý.")
    if not bulk.changes:
        raise ValidationError("Tệp không có thay đổi nào áp dụng được.")
    tasks = {t.pk: t for t in selectors.tasks_with_agencies().filter(pk__in=[c["task"] for c in bulk.changes])}
    for change in bulk.changes:
        task = tasks.get(change["task"])
        where = f"Dòng {change['row']}"
        try:
            if task is None:
                raise ValidationError("Nhiệm vụ không còn trong hệ thống.")
            evidence = EvidenceInput(number=change["evidence_number"],
                                     issued_on=date.fromisoformat(change["evidence_date"])
                                     if change["evidence_date"] else None)
            record_progress(task, actor=actor, text=change["text"], progress=change["progress"],
                            status=change["status"], evidence=[evidence], version=change["version"])
        except (ValidationError, PermissionDenied) as exc:
            raise ValidationError(f"{where}: {_message(exc)} Chưa cập nhật nhiệm vụ nào; hãy tải tệp mới và nhập "
                                  "lại.") from exc
    bulk.status = BulkUpload.Status.APPLIED
    bulk.save(update_fields=["status"])
    record(actor, "bulk.apply", bulk, summary=f"{len(bulk.changes)} nhiệm vụ cập nhật từ {bulk.original_name}",
           changes={"tasks": [c["task"] for c in bulk.changes]})
    return len(bulk.changes)


@transaction.atomic
def discard_upload(bulk: BulkUpload, *, actor: Any) -> None:
    bulk = BulkUpload.objects.select_for_update().get(pk=bulk.pk)
    if not may_open(actor, bulk):
        raise PermissionDenied("Bạn không được hủy tệp này.")
    if bulk.status != BulkUpload.Status.PENDING:
        raise ValidationError("Tệp này đã được xử lý.")
    bulk.status = BulkUpload.Status.DISCARDED
    bulk.save(update_fields=["status"])
    record(actor, "bulk.discard", bulk, summary=bulk.original_name)
