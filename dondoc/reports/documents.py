"""A periodic report as documents: the DOCX in the format of Nghị định 30/2020/NĐ-CP (the standard CCHC report
outline I–V, the per-area results table, the signature block, an appendix listing the tasks), the XLSX of its
figures and task lists, and the PDF converted from the DOCX by LibreOffice when the server has it."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dondoc.documents import nd30
from dondoc.importer.text import key
from dondoc.tracking.letters import plan_reference

from .compose import BUCKETS, AgencyLine, AreaBlock, ReportData, TaskLine
from .letterhead import heading_for
from .models import Report

PDF_TIMEOUT = 120  # seconds: a report of a few hundred tasks converts in a few seconds
TABLE_CAPTION = "Kết quả thực hiện nhiệm vụ theo lĩnh vực"
BUCKET_HEADERS = tuple(label for _, label in BUCKETS)
AREA_HEADERS = ("TT", "Lĩnh vực", "Tổng số", *BUCKET_HEADERS)
AGENCY_HEADERS = ("TT", "Cơ quan, đơn vị", "Tình trạng báo cáo", "Ngày gửi", "Tổng số", *BUCKET_HEADERS)
TASK_HEADERS = ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Tình trạng", "Tiến độ", "Hạn", "Ngày hoàn thành",
                "Kết quả, tài liệu kiểm chứng")
SHEET_TASK_HEADERS = ("TT", "Nhiệm vụ", "Kế hoạch", "Cơ quan chủ trì", "Tình trạng", "Tiến độ (%)",
                      "Hạn hoàn thành", "Ngày hoàn thành", "Kết quả, tài liệu kiểm chứng", "Gia hạn")
SUMMARY_SHEET, AGENCY_SHEET = "Tổng hợp", "Theo cơ quan"
QUOTED_UPDATES = 3  # the latest progress entries quoted per task in the appendix (the full history is in the app)


def title(period_name: str) -> str:
    return f"Kết quả thực hiện công tác cải cách hành chính {period_name}"


def document_title(period_name: str) -> str:
    """"Báo cáo kết quả …": the file's title (the period name keeps its capitals: "Quý I/2025")."""
    text = title(period_name)
    return f"Báo cáo {text[0].lower()}{text[1:]}"


def issue_date(report: Report) -> date:
    """The date a report carries: the day it was sent, today while it is a draft."""
    if report.submitted_at:
        return timezone.localtime(report.submitted_at).date()
    return timezone.localdate()


def _dmy(iso: str | None) -> str:
    if not iso:
        return ""
    return f"{_as_date(iso):%d/%m/%Y}"


def _as_date(iso: str) -> date:
    return datetime.fromisoformat(iso).date() if "T" in iso else date.fromisoformat(iso)


def _counts(counts: dict[str, int]) -> list[str]:
    return [str(counts.get("total", 0)), *(str(counts.get(code, 0)) for code, _ in BUCKETS)]


def _submitted(line: AgencyLine) -> str:
    return f"{_dmy(line.submitted_at)}{' (muộn)' if line.late else ''}"


def _results(task: TaskLine) -> str:
    """The appendix's evidence column: documents and files, extensions, the latest progress entries."""
    return "\n".join([*task.evidence, *task.extensions, *task.updates[-QUOTED_UPDATES:]])


def _report_to(report: Report) -> Any:
    """Whom the report goes to: the plan's issuer, unless the report is its own (the aggregate)."""
    owner = report.period.plan.owner
    return owner if owner is not None and owner.pk != report.agency_id else None


# --- DOCX ------------------------------------------------------------------------------------------------------

def render_docx(report: Report, data: ReportData) -> bytes:
    """The report in the ND 30/2020 format, its appendix (per agency for the aggregate, per area the tasks) in a
    landscape section."""
    heading = heading_for(report.agency, "report", report_to=_report_to(report))
    day = issue_date(report)
    document = nd30.new_document(document_title(data.period_name))
    nd30.header(document, heading, number=report.number, day=day)

    nd30.para(document, "BÁO CÁO", 14, bold=True, before=18)
    nd30.para(document, title(data.period_name), 14, bold=True)
    nd30.rule(document, nd30.TEXT_WIDTH, 40.0)
    if data.scope == Report.Scope.PROVINCE:
        nd30.para(document, "(Báo cáo tổng hợp kết quả thực hiện của các cơ quan, đơn vị)", 14, italic=True)
    window = ""
    if data.data_from and data.data_to:
        window = f" (số liệu từ ngày {_dmy(data.data_from)} đến ngày {_dmy(data.data_to)})"
    intro = (f"Thực hiện {plan_reference(report.period.plan)}, {report.agency.name} báo cáo kết quả thực hiện công "
             f"tác cải cách hành chính {data.period_name}{window} như sau:")
    nd30.para(document, intro, 14, align=nd30.JUSTIFY, before=12, after=6, indent=nd30.BODY_INDENT)

    def section(text: str) -> None:
        nd30.para(document, text, 14, bold=True, align=nd30.JUSTIFY, before=6, after=6, indent=nd30.BODY_INDENT)

    section("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    nd30.body_text(document, report.direction)
    section("II. KẾT QUẢ THỰC HIỆN TRÊN CÁC LĨNH VỰC")
    nd30.body_text(document, report.results)
    nd30.para(document, TABLE_CAPTION, 13, bold=True, before=6, after=6)
    _area_table(document, data.areas, data.totals)
    nd30.para(document, "", 14)
    measured = [t for t in data.targets if t.actual]
    if measured:  # the plan's targets with what they reached in the period (dossier data or entered by hand)
        nd30.para(document, "Kết quả thực hiện các chỉ tiêu:", 14, bold=True, align=nd30.JUSTIFY,
                  indent=nd30.BODY_INDENT)
        nd30.body_text(document, "\n".join(f"- {t.text}: {t.actual}." for t in measured))
    section("III. ĐÁNH GIÁ CHUNG")
    for label, text in (("1. Ưu điểm", report.strengths), ("2. Tồn tại, hạn chế", report.shortcomings),
                        ("3. Nguyên nhân", report.causes)):
        section(label)
        nd30.body_text(document, text)
    section("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")
    nd30.body_text(document, report.next_tasks)
    section("V. ĐỀ XUẤT, KIẾN NGHỊ")
    nd30.body_text(document, report.proposals)
    nd30.para(document, "", 14)
    nd30.signature(document, heading)

    _appendix(document, report, data, heading, day)
    return nd30.to_bytes(document)


def _area_table(document: Any, areas: Sequence[AreaBlock], totals: dict[str, int]) -> None:
    rows = [[str(i), block.name, *_counts(block.counts)] for i, block in enumerate(areas, start=1)]
    rows.append(["", "Tổng cộng", *_counts(totals)])
    bucket_mm = (nd30.TEXT_WIDTH - 9.0 - 44.0 - 16.0) / len(BUCKETS)
    nd30.data_table(document, AREA_HEADERS, rows, (9.0, 44.0, 16.0, *[bucket_mm] * len(BUCKETS)), size=11,
                    bold_rows={len(rows) - 1})


#: above this many tasks the Word appendix names the Excel appendix instead of listing every task
DOCX_TASK_LIMIT = 1000


def _appendix(document: Any, report: Report, data: ReportData, heading: nd30.Heading, day: date) -> None:
    nd30.landscape_section(document)  # the wide task tables read better across the page
    width = nd30.LANDSCAPE_TEXT_WIDTH
    nd30.para(document, "PHỤ LỤC", 14, bold=True)
    nd30.para(document, f"{title(data.period_name).upper()}", 13, bold=True)
    number = nd30.number_line(report.number, heading.symbol).removeprefix("Số: ")
    nd30.para(document, f"(Kèm theo Báo cáo số {number} {nd30.vietnamese_date(day)} của {report.agency.name})", 13,
              italic=True)
    nd30.rule(document, width, 40.0)
    part = 0
    if data.scope == Report.Scope.PROVINCE:
        part += 1
        nd30.para(document, f"{part}. Kết quả theo cơ quan, đơn vị", 13, bold=True, align=nd30.LEFT, before=12,
                  after=6)
        rows = [[str(i), line.name, line.report_state_label, _submitted(line), *_counts(line.counts)]
                for i, line in enumerate(data.agencies, start=1)]
        bucket_mm = (width - 10.0 - 62.0 - 30.0 - 26.0 - 16.0) / len(BUCKETS)
        nd30.data_table(document, AGENCY_HEADERS, rows, (10.0, 62.0, 30.0, 26.0, 16.0, *[bucket_mm] * len(BUCKETS)),
                        size=11, left=(1,))
    if data.scope == Report.Scope.PROVINCE or data.totals.get("total", 0) > DOCX_TASK_LIMIT:
        # a province's tens of thousands of task lines make a Word file nobody prints (and minutes to build):
        # they go to the Excel appendix, one sheet per area
        nd30.para(document, f"{part + 1}. Danh sách nhiệm vụ theo lĩnh vực: xem phụ lục Excel kèm theo (mỗi lĩnh "
                            f"vực một trang tính, {data.totals.get('total', 0)} nhiệm vụ).", 13, align=nd30.LEFT,
                  before=12)
        return
    for block in data.areas:
        part += 1
        nd30.para(document, f"{part}. {block.name} ({block.counts.get('total', 0)} nhiệm vụ)", 13, bold=True,
                  align=nd30.LEFT, before=12, after=6)
        rows = [[str(i), task.content, task.lead, task.bucket_label, f"{task.progress}%", _dmy(task.due_date),
                 _dmy(task.completed_on), _results(task)] for i, task in enumerate(block.tasks, start=1)]
        nd30.data_table(document, TASK_HEADERS, rows, (10.0, 72.0, 34.0, 26.0, 15.0, 20.0, 22.0, 53.0), size=11,
                        left=(1, 2, 7))
    if not data.areas:
        nd30.para(document, "Không có nhiệm vụ trong kỳ báo cáo.", 13, italic=True, before=12)


# --- XLSX ------------------------------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "dd/mm/yyyy"


def sheet_name(name: str, taken: Iterable[str]) -> str:
    """A valid, unique worksheet name: no []:*?/\\, at most 31 characters, not quoted, not one already used."""
    base = _SHEET_FORBIDDEN.sub(" ", " ".join(name.split())).strip(" '")[:31].strip() or "Lĩnh vực"
    used = {t.lower() for t in taken}  # Excel compares sheet names without case
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = f"{base[:31 - len(suffix)].rstrip()}{suffix}"
    return candidate


def _text(value: str) -> str:
    # control characters are not allowed in a worksheet's XML
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put_cell(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False) -> Any:
    cell = ws.cell(row=row, column=col, value=_text(value) if isinstance(value, str) else value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a task that starts with "=" is text, not a formula
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = BOLD
    cell.alignment = WRAP
    return cell


def write_table(ws: Worksheet, first_row: int, headers: Sequence[str], rows: Iterable[Sequence[Any]],
           widths: Sequence[float], *, bold_last: bool = False) -> int:
    """Headers (bold, frozen) and rows from `first_row`; returns the last row written."""
    for col, header in enumerate(headers, start=1):
        put_cell(ws, first_row, col, header, bold=True)
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)
    last = first_row
    rows = list(rows)
    for i, values in enumerate(rows, start=1):
        last = first_row + i
        for col, value in enumerate(values, start=1):
            put_cell(ws, last, col, value, bold=bold_last and i == len(rows))
    ws.auto_filter.ref = f"A{first_row}:{get_column_letter(len(headers))}{last}"
    return last


def _count_values(counts: dict[str, int]) -> list[int]:
    return [counts.get("total", 0), *(counts.get(code, 0) for code, _ in BUCKETS)]


def render_xlsx(report: Report, data: ReportData) -> bytes:
    """The report's figures: the per-area summary, the per-agency table (aggregate), one sheet of tasks per area."""
    wb = Workbook()
    wb.properties.title = document_title(data.period_name)
    wb.properties.language = "vi-VN"
    ws = wb.active
    ws.title = SUMMARY_SHEET
    heading = [report.agency.name, document_title(data.period_name)
               + (" (tổng hợp)" if data.scope == Report.Scope.PROVINCE else "")]
    if data.data_from or data.data_to:
        heading.append(f"Số liệu từ ngày {_dmy(data.data_from)} đến ngày {_dmy(data.data_to)}")
    heading.append(f"Tình hình tính đến ngày {_dmy(data.as_of)}")
    for row, text in enumerate(heading, start=1):
        put_cell(ws, row, 1, text, bold=row <= 2).alignment = Alignment(wrap_text=False)
    rows: list[list[Any]] = [[i, block.name, *_count_values(block.counts)]
                             for i, block in enumerate(data.areas, start=1)]
    rows.append(["", "Tổng cộng", *_count_values(data.totals)])
    write_table(ws, len(heading) + 2, AREA_HEADERS, rows, (6, 40, 10, *[14] * len(BUCKETS)), bold_last=True)

    taken = [SUMMARY_SHEET]
    if data.scope == Report.Scope.PROVINCE:
        ws = wb.create_sheet(AGENCY_SHEET)
        taken.append(AGENCY_SHEET)
        agency_rows = [[i, line.name, line.report_state_label,
                        _as_date(line.submitted_at)
                        if line.submitted_at else None, "Có" if line.late else "", *_count_values(line.counts)]
                       for i, line in enumerate(data.agencies, start=1)]
        write_table(ws, 1, (*AGENCY_HEADERS[:4], "Gửi muộn", *AGENCY_HEADERS[4:]), agency_rows,
               (6, 40, 20, 14, 10, 10, *[14] * len(BUCKETS)))

    for block in data.areas:
        name = sheet_name(block.name, taken)
        taken.append(name)
        ws = wb.create_sheet(name)
        task_rows = [[i, task.content, task.plan, task.lead, task.bucket_label, task.progress, task.due,
                      task.completed, "\n".join([*task.evidence, *task.updates]), "\n".join(task.extensions)]
                     for i, task in enumerate(block.tasks, start=1)]
        write_table(ws, 1, SHEET_TASK_HEADERS, task_rows, (6, 60, 16, 28, 22, 10, 14, 14, 50, 36))

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------------

class PdfUnavailable(Exception):  # noqa: N818 - named for what the user sees: no PDF this time
    """No PDF: LibreOffice is not installed, or it failed. The message is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NO_LIBREOFFICE = ("Máy chủ chưa cài LibreOffice nên chưa xuất được bản PDF. Hãy tải bản DOCX rồi lưu thành PDF, "
                  "hoặc đề nghị quản trị hệ thống cài LibreOffice.")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return _soffice() is not None


def to_pdf(docx: bytes) -> bytes:
    """The DOCX converted by LibreOffice, headless, in a temporary directory with its own user profile (two
    conversions at once do not share, or lock, a profile)."""
    binary = _soffice()
    if binary is None:
        raise PdfUnavailable(NO_LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="dondoc-pdf-") as tmp:
        folder = Path(tmp)
        source, out = folder / "bao-cao.docx", folder / "out"
        source.write_bytes(docx)
        command = [binary, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nolockcheck", "--nodefault", "--convert-to", "pdf", "--outdir", str(out),
                   str(source)]
        env = {**os.environ, "HOME": tmp}  # LibreOffice writes under $HOME too
        try:
            # its own session: on a timeout the whole process group (soffice and soffice.bin) is ended
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                       cwd=tmp, start_new_session=True)
        except OSError as exc:
            raise PdfUnavailable(f"Không chạy được LibreOffice để xuất bản PDF ({exc}).") from exc
        try:
            _, stderr = process.communicate(timeout=PDF_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable(f"LibreOffice không xuất xong bản PDF trong {PDF_TIMEOUT} giây; hãy thử lại sau "
                                 "hoặc tải bản DOCX.") from exc
        pdf = out / "bao-cao.pdf"
        content = pdf.read_bytes() if pdf.is_file() else b""
        if process.returncode != 0 or not content.startswith(b"%PDF"):
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if stderr else []
            raise PdfUnavailable("LibreOffice không chuyển được báo cáo sang PDF"
                                 + (f" ({detail[0][:200]})" if detail else "") + "; hãy tải bản DOCX.")
        return content


# --- file names ------------------------------------------------------------------------------------------------

def filename(report: Report, ext: str) -> str:
    """"bao-cao-cchc-quy-i-2021-so-tu-phap-v2.docx": ASCII, so every browser and mail client keeps it."""
    def slug(text: str) -> str:
        return slugify(key(text).replace("/", " "))

    parts = ["bao-cao-cchc", slug(report.period.name), slug(report.agency.name)[:60]]
    if report.scope == Report.Scope.PROVINCE:
        parts.append("tong-hop")
    if report.version > 1:
        parts.append(f"v{report.version}")
    return f"{'-'.join(p for p in parts if p)}.{ext.lstrip('.')}"
