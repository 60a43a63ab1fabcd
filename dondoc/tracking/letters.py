"""Urging letters (công văn đôn đốc): the standing agency writes to an agency about the tasks it leads that are
past their due date. The letter is a DOCX in the format of Nghị định 30/2020/NĐ-CP (A4, Times New Roman, the
issuing body and the national motto side by side, number and date, "V/v", "Kính gửi", the body with a table of
the late tasks, the signature block and "Nơi nhận"), and issuing it is recorded: the letter with its tasks, an
URGING entry in each task's history, the audit log, a notification to the agency's officers."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.audit.services import record
from dondoc.importer.text import key
from dondoc.plans.models import Plan

from . import selectors
from .models import Notification, ProgressUpdate, UrgingLetter
from .notify import agency_officers, notify

FONT = "Times New Roman"
SUBJECT = "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
SIGN_AUTHORITY = "KT. GIÁM ĐỐC"
SIGN_TITLE = "PHÓ GIÁM ĐỐC"
TABLE_HEADERS = ("TT", "Nhiệm vụ", "Kế hoạch", "Hạn hoàn thành", "Số ngày quá hạn", "Tiến độ")
REPLY_DAYS = 15  # default time given to report back
BLANK_NUMBER = "\u00a0" * 6  # "Số:      /SNV-CCHC" when the number is given by the clerk at registration

# Page set-up (ND 30/2020, phụ lục I): A4; top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH = 210 - 30 - 15  # mm


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
        return f"Số: {self.number.strip() or BLANK_NUMBER}/{self.symbol.strip()}".rstrip("/")

    def reference(self) -> str:
        """The number as stored and quoted ("125/SNV-CCHC"), empty while the letter has no number."""
        if not self.number.strip():
            return ""
        return f"{self.number.strip()}/{self.symbol.strip()}".rstrip("/")


# --- defaults read from the directory ------------------------------------------------------------------------

_PREFIX = re.compile(r"^(?:(?:ủy|uỷ) ban nhân dân|ubnd|hội đồng nhân dân|hđnd)\s+(?:tỉnh|thành phố|tp\.?)\s+",
                     re.IGNORECASE)
_COMMITTEE = re.compile(r"^(?:ỦY|UỶ) BAN NHÂN DÂN\b")


def abbreviation(agency: Agency) -> str:
    """The issuing body's letters in a document symbol: its short name, else the initials ("Sở Nội vụ" → "SNV")."""
    if agency.short_name.strip():
        return agency.short_name.strip().upper().replace(" ", "")
    return "".join(word[0] for word in key(agency.name).split() if word[0].isalnum()).upper()


def default_symbol(issuer: Agency | None) -> str:
    return f"{abbreviation(issuer)}-CCHC" if issuer else "CCHC"


def default_place(issuer: Agency | None) -> str:
    """The place name printed before the date: the province (or city) the issuing body belongs to."""
    agency = issuer
    while agency is not None:
        name = " ".join(agency.name.split())
        stripped = _PREFIX.sub("", name)
        if stripped != name:
            return stripped
        agency = agency.parent
    top = issuer
    while top is not None and top.parent is not None:
        top = top.parent
    if top is not None:
        place = Plan.objects.filter(owner=top).exclude(place="").values_list("place", flat=True).first()
        if place:
            return place
    return ""


def default_input(issuer: Agency | None, today: date) -> LetterInput:
    return LetterInput(symbol=default_symbol(issuer), place=default_place(issuer), issued_on=today,
                       reply_by=today + timedelta(days=REPLY_DAYS))


def vietnamese_date(day: date) -> str:
    """"ngày 05 tháng 01 năm 2025": a day below 10 and the months 1 and 2 take a leading zero (ND 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def parent_line(parent: Agency) -> str:
    """The governing body above the issuer, in capitals, the people's committee shortened: "UBND TỈNH …"."""
    return _COMMITTEE.sub("UBND", " ".join(parent.name.split()).upper())


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

def _font(run: Any, size: float, *, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold, run.font.italic, run.font.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para(container: Any, text: str = "", size: float = 14, *, bold: bool = False, italic: bool = False,
          align: int = WD_ALIGN_PARAGRAPH.CENTER, before: float = 0, after: float = 0, indent: Length | None = None,
          first: bool = False) -> Paragraph:
    """A paragraph in a cell or the body; `first` reuses the empty paragraph a new cell starts with."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    if indent is not None:
        fmt.first_line_indent = indent
    if text:
        _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


# w:pPr's children in schema order after w:pBdr (Word refuses a file whose pPr children are out of order)
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")


def _rule(cell: _Cell, cell_mm: float, line_mm: float) -> None:
    """The short solid line under the issuing body's name and under the motto: a top border on an empty,
    tiny paragraph indented so the line is `line_mm` long and centred in the cell."""
    paragraph = _para(cell, "", 2)
    paragraph.paragraph_format.line_spacing = Pt(4)  # exactly: the line sits just under the text above
    side = Mm(max((cell_mm - line_mm) / 2, 0))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(attr), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _widths(table: Any, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _setup(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    document.core_properties.title = SUBJECT
    document.core_properties.language = "vi-VN"


def render_letter(*, issuer: Agency, agency: Agency, rows: Sequence[selectors.BoardRow], data: LetterInput) -> bytes:
    """The letter as DOCX bytes."""
    document = Document()
    _setup(document)
    issued_on = data.issued_on or timezone.localdate()

    # header: issuing body (left) and national motto (right); number and subject under the body, place and date
    # under the motto
    left_mm, right_mm = 68.0, TEXT_WIDTH - 68.0
    header = document.add_table(rows=2, cols=2)
    _widths(header, (left_mm, right_mm))
    left, right = header.rows[0].cells
    number_cell, date_cell = header.rows[1].cells
    name = " ".join(issuer.name.split()).upper()
    if issuer.parent is not None:
        _para(left, parent_line(issuer.parent), 13, first=True)
        _para(left, name, 13, bold=True)
    else:
        _para(left, name, 13, bold=True, first=True)
    _rule(left, left_mm, min(max(len(name) * 2.9 * 0.5, 18.0), left_mm * 0.6))
    _para(right, MOTTO, 13, bold=True, first=True)
    _para(right, SLOGAN, 14, bold=True)
    _rule(right, right_mm, 62.0)
    # the number and the place and date on one line, the subject under the number
    _para(number_cell, data.number_line(), 13, before=6, first=True)
    _para(number_cell, SUBJECT, 12, before=2)
    place = data.place.strip() or "\u2026\u2026"
    _para(date_cell, f"{place}, {vietnamese_date(issued_on)}", 14, italic=True, before=6, first=True)

    _para(document, f"Kính gửi: {agency.name}.", 14, before=18, after=12)

    plans = list(dict.fromkeys(r.task.plan for r in rows))
    body = WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(document, f"Thực hiện {_join([plan_reference(p) for p in plans])}; qua theo dõi tình hình thực hiện, "
                    f"{issuer.name} nhận thấy {agency.name} còn {len(rows)} nhiệm vụ đã quá thời hạn hoàn thành "
                    "nhưng chưa hoàn thành, cụ thể như sau:", 14, align=body, after=6, indent=Mm(12.7))

    widths = (10.0, 66.0, 27.0, 22.0, 18.0, 22.0)
    table = document.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = document.styles["Table Grid"]
    for cell, title in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        _para(cell, title, 12, bold=True, first=True)
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table runs to
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for index, row in enumerate(rows, start=1):
        task = row.task
        values = (str(index), task.content, task.plan.number or task.plan.title, f"{task.due_date:%d/%m/%Y}",
                  str(row.days_late), f"{task.progress}% ({task.get_status_display()})")
        for col, (cell, value) in enumerate(zip(table.add_row().cells, values, strict=True)):
            _para(cell, value, 12, align=WD_ALIGN_PARAGRAPH.LEFT if col == 1 else WD_ALIGN_PARAGRAPH.CENTER,
                  first=True)
    _widths(table, widths)

    governing = f", báo cáo {issuer.parent.name}" if issuer.parent is not None else ""
    deadline = f" trước ngày {data.reply_by:%d/%m/%Y}" if data.reply_by else ""
    _para(document, f"Để bảo đảm tiến độ thực hiện nhiệm vụ cải cách hành chính theo kế hoạch, {issuer.name} đề "
                    f"nghị {agency.name} khẩn trương chỉ đạo, tập trung triển khai hoàn thành các nhiệm vụ nêu trên; "
                    "cập nhật tiến độ, kết quả thực hiện trên hệ thống theo dõi, đôn đốc cải cách hành chính và báo "
                    f"cáo kết quả, nêu rõ nguyên nhân chậm (nếu có), gửi về {issuer.name}{deadline} để tổng hợp"
                    f"{governing}.", 14, align=body, before=12, after=6, indent=Mm(12.7))
    _para(document, f"Đề nghị {agency.name} quan tâm, thực hiện./.", 14, align=body, after=12, indent=Mm(12.7))

    # signature block (right) and recipients (left)
    footer = document.add_table(rows=1, cols=2)
    _widths(footer, (85.0, TEXT_WIDTH - 85.0))
    recipients, signature = footer.rows[0].cells
    _para(recipients, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for line in ("- Như trên;", "- Lưu: VT, CCHC."):
        _para(recipients, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(signature, SIGN_AUTHORITY, 14, bold=True, first=True)
    _para(signature, SIGN_TITLE, 14, bold=True)
    for _ in range(4):
        _para(signature, "", 14)
    _para(signature, data.signer_name.strip(), 14, bold=True)
    _para(document, "", 14)  # a document does not end on a table

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


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
