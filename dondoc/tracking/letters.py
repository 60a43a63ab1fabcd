"""Urging letters (công văn đôn đốc): the standing agency writes to an agency about the tasks it leads that are
past their due date. The letter is a DOCX in the format of Nghị định 30/2020/NĐ-CP (A4, Times New Roman, the
issuing body and the national motto side by side, number and date, "V/v", "Kính gửi", the body with a table of
the late tasks, the signature block and "Nơi nhận"), and issuing it is recorded: the letter with its tasks, an
URGING entry in each task's history, the audit log, a notification to the agency's officers.

The format is dondoc.documents.nd30's; the heading and signature are the issuer's letterhead
(dondoc.reports.letterhead), so a province that edits its letterhead changes its letters too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.audit.services import record
from dondoc.documents import nd30
from dondoc.documents.nd30 import MOTTO as MOTTO  # re-exported: the browser tests look for it
from dondoc.documents.nd30 import vietnamese_date as vietnamese_date  # re-exported for callers of this module
from dondoc.importer.text import key
from dondoc.plans.models import Plan
from dondoc.reports.letterhead import heading_for

from . import selectors
from .models import Notification, ProgressUpdate, UrgingLetter
from .notify import agency_officers, notify

SUBJECT = "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính"
TABLE_HEADERS = ("TT", "Nhiệm vụ", "Kế hoạch", "Hạn hoàn thành", "Số ngày quá hạn", "Tiến độ")
REPLY_DAYS = 15  # default time given to report back


@dataclass
class LetterInput:
    """What the officer may set before the letter is generated; blank fields print as blanks to fill by hand."""

    number: str = ""
    symbol: str = ""
    place: str = ""
    issued_on: date | None = None
    reply_by: date | None = None
    signer_name: str = ""

    def number_line(self) -> str:
        return nd30.number_line(self.number, self.symbol)

    def reference(self) -> str:
        """The number as stored and quoted ("125/SNV-CCHC"), empty while the letter has no number."""
        if not self.number.strip():
            return ""
        return f"{self.number.strip()}/{self.symbol.strip()}".rstrip("/")


def default_input(issuer: Agency | None, today: date) -> LetterInput:
    """The form's initial values: symbol, place and signer from the issuer's letterhead (or the directory)."""
    reply_by = today + timedelta(days=REPLY_DAYS)
    if issuer is None:
        return LetterInput(symbol="CCHC", issued_on=today, reply_by=reply_by)
    head = heading_for(issuer, "letter")
    return LetterInput(symbol=head.symbol, place=head.place, signer_name=head.signer_name, issued_on=today,
                       reply_by=reply_by)


def plan_reference(plan: Plan) -> str:
    kind = plan.kind or "Kế hoạch"
    if plan.number:
        text = f"{kind} số {plan.number}"
        if plan.issued_date:
            text += f" ngày {plan.issued_date:%d/%m/%Y}"
        if plan.issuer_name or plan.owner_id:
            text += f" của {plan.issuer_name or plan.owner}"
        return text
    return f"{kind} “{plan.title}”"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{'; '.join(items[:-1])} và {items[-1]}"


# --- the document --------------------------------------------------------------------------------------------

def render_letter(*, issuer: Agency, agency: Agency, rows: Sequence[selectors.BoardRow], data: LetterInput) -> bytes:
    """The letter as DOCX bytes: the issuer's letterhead, with the symbol, place and signer the officer chose."""
    document = nd30.new_document(SUBJECT)
    issued_on = data.issued_on or timezone.localdate()
    heading = replace(heading_for(issuer, "letter"), symbol=data.symbol, place=data.place,
                      signer_name=data.signer_name)
    nd30.header(document, heading, number=data.number, day=issued_on, subject=SUBJECT)

    nd30.para(document, f"Kính gửi: {agency.name}.", 14, before=18, after=12)

    plans = list(dict.fromkeys(r.task.plan for r in rows))
    body, indent = nd30.JUSTIFY, nd30.BODY_INDENT
    nd30.para(document, f"Thực hiện {_join([plan_reference(p) for p in plans])}; qua theo dõi tình hình thực "
                        f"hiện, {issuer.name} nhận thấy {agency.name} còn {len(rows)} nhiệm vụ đã quá thời hạn hoàn "
                        "thành nhưng chưa hoàn thành, cụ thể như sau:", 14, align=body, after=6, indent=indent)

    values = [(str(index), row.task.content, row.task.plan.number or row.task.plan.title,
               f"{row.task.due_date:%d/%m/%Y}", str(row.days_late),
               f"{row.task.progress}% ({row.task.get_status_display()})")
              for index, row in enumerate(rows, start=1)]
    nd30.data_table(document, TABLE_HEADERS, values, (10.0, 66.0, 27.0, 22.0, 18.0, 22.0), size=12)

    governing = f", báo cáo {issuer.parent.name}" if issuer.parent is not None else ""
    deadline = f" trước ngày {data.reply_by:%d/%m/%Y}" if data.reply_by else ""
    nd30.para(document, f"Để bảo đảm tiến độ thực hiện nhiệm vụ cải cách hành chính theo kế hoạch, {issuer.name} "
                        f"đề nghị {agency.name} khẩn trương chỉ đạo, tập trung triển khai hoàn thành các nhiệm vụ nêu "
                        "trên; cập nhật tiến độ, kết quả thực hiện trên hệ thống theo dõi, đôn đốc cải cách hành "
                        f"chính và báo cáo kết quả, nêu rõ nguyên nhân chậm (nếu có), gửi về {issuer.name}{deadline} "
                        f"để tổng hợp{governing}.", 14, align=body, before=12, after=6, indent=indent)
    nd30.para(document, f"Đề nghị {agency.name} quan tâm, thực hiện./.", 14, align=body, after=12, indent=indent)

    nd30.signature(document, heading)
    return nd30.to_bytes(document)


# --- issuing ---------------------------------------------------------------------------------------------------

def _recipients(agency: Agency) -> Any:
    """The agency's focal officers and leaders: they may open the letter (see views_board.letter_download)."""
    return agency_officers({agency.pk})


@transaction.atomic
def issue_letter(agency: Agency, *, actor: Any, data: LetterInput, task_ids: set[int] | None = None,
                 today: date | None = None) -> UrgingLetter:
    """Write the letter about the agency's overdue tasks (those chosen, when task_ids is given) and record it."""
    if not policy.can_urge(actor):
        raise PermissionDenied("Chỉ cơ quan thường trực lập văn bản đôn đốc.")
    issuer = actor.agency
    if issuer is None:
        raise ValidationError("Tài khoản của bạn chưa gắn với cơ quan nào: không lập được văn bản đôn đốc.")
    today = today or timezone.localdate()
    rows = selectors.overdue_of_agency(agency.pk, today, task_ids)
    if not rows:
        raise ValidationError(f"{agency.name} không có nhiệm vụ quá hạn nào được chọn để đôn đốc.")
    data.issued_on = data.issued_on or today
    content = render_letter(issuer=issuer, agency=agency, rows=rows, data=data)
    letter = UrgingLetter(agency=agency, number=data.reference()[:100], issued_on=data.issued_on, created_by=actor)
    filename = f"cong-van-don-doc-{slugify(key(agency.name))[:60]}-{data.issued_on:%Y%m%d}.docx"
    letter.file.save(filename, ContentFile(content), save=False)
    letter.save()
    letter.tasks.set([r.task for r in rows])
    reference = f"số {letter.number} " if letter.number else ""
    for row in rows:
        task = row.task
        ProgressUpdate.objects.create(
            task=task, kind=ProgressUpdate.Kind.URGING, author=actor, agency=issuer, progress=task.progress,
            status=task.status, text=f"Văn bản đôn đốc {reference}ngày {data.issued_on:%d/%m/%Y} của {issuer.name}: "
                                     f"quá hạn {row.days_late} ngày.")
    record(actor, "urging.issue", letter, summary=f"{agency.name}: {len(rows)} nhiệm vụ quá hạn",
           changes={"agency": agency.pk, "tasks": [r.task.pk for r in rows], "number": letter.number,
                    "issued_on": data.issued_on.isoformat()})
    lines = "\n".join(f"- {r.task.content[:200]} (hạn {r.task.due_date:%d/%m/%Y}, quá {r.days_late} ngày)"
                      for r in rows)
    for user in _recipients(agency):
        notify(user, kind=Notification.Kind.URGING, key=f"urging:{letter.pk}",
               title=f"Văn bản đôn đốc: {len(rows)} nhiệm vụ quá hạn",
               body=f"{issuer.name} đôn đốc {agency.name} thực hiện các nhiệm vụ đã quá hạn:\n{lines}",
               url=reverse("letter_download", args=[letter.pk]), task=rows[0].task if len(rows) == 1 else None)
    return letter
