"""A periodic report as documents: the DOCX in the ND 30/2020 format (letterhead, number, place and date, title,
sections I–V, the per-area table, signature, Nơi nhận, the appendix), the agency's edited letterhead in reports
and urging letters, the XLSX (summary, per agency, one sheet per area with real dates), the PDF through
LibreOffice (or a clear message without it) and the download file name; on an invented plan under a frozen
clock."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import load_workbook

from dondoc.accounts.models import User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, Status, Task
from dondoc.plans.services import store_plan
from dondoc.reports import documents
from dondoc.reports.compose import BUCKETS, ReportData
from dondoc.reports.letterhead import heading_for
from dondoc.reports.models import Letterhead, Report
from dondoc.reports.services import compose_for
from dondoc.tracking import letters, selectors
from dondoc.tracking.models import Evidence, Extension, ProgressUpdate

from .conftest import docx_lines, sample_plan_json

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2025, 3, 10)  # inside the data window of "Quý I/2025" (15/12/2024 – 14/03/2025): live figures
TITLE = "Kết quả thực hiện công tác cải cách hành chính Quý I/2025"
SECTIONS = ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN TRÊN CÁC LĨNH VỰC", "III. ĐÁNH GIÁ CHUNG",
            "1. Ưu điểm", "2. Tồn tại, hạn chế", "3. Nguyên nhân", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
            "V. ĐỀ XUẤT, KIẾN NGHỊ")
AREA_NAMES = {"the_che": "Cải cách thể chế", "tthc": "Cải cách thủ tục hành chính",
              "chinh_quyen_so": "Chính quyền điện tử, chính quyền số"}

# (area, content, lead, due, status, progress, completed on, the bucket the report puts it in on TODAY)
TASKS = [
    ("the_che", "Rà soát văn bản quy phạm pháp luật của tỉnh", "Sở Tư pháp", "2025-03-31", Status.DONE, 100,
     date(2025, 3, 1), "done_on_time"),
    ("the_che", "Xây dựng quy chế phối hợp theo dõi thi hành pháp luật", "Sở Tư pháp", "2025-02-28",
     Status.IN_PROGRESS, 40, None, "overdue"),
    ("the_che", "Tập huấn kỹ năng xây dựng văn bản cho cán bộ", "Sở Tư pháp", "2025-06-30", Status.NOT_STARTED, 0,
     None, "not_started"),
    ("tthc", "Công khai thủ tục hành chính trên Cổng dịch vụ công", "Sở Tư pháp", "2025-01-31", Status.DONE, 100,
     date(2025, 2, 10), "done_late"),
    ("tthc", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Sở Tư pháp", "2025-12-31",
     Status.IN_PROGRESS, 30, None, "in_progress"),
    ("tthc", "Đơn giản hóa thủ tục hành chính lĩnh vực tài chính", "Sở Tài chính", "2025-02-15",
     Status.NOT_STARTED, 0, None, "overdue"),
    ("chinh_quyen_so", "Triển khai chữ ký số cho cán bộ, công chức", "Sở Tư pháp", "2025-09-30", Status.PAUSED, 10,
     None, "stopped"),
]
BUCKET_CODES = [code for code, _ in BUCKETS]


def expected_counts(lead: str | None) -> tuple[dict[str, list[int]], list[int]]:
    """[total, *buckets] per area name and overall, counted from TASKS (not from the code under test)."""
    per_area: dict[str, list[int]] = {}
    totals = [0] * (1 + len(BUCKETS))
    for area, _, task_lead, *_, code in TASKS:
        if lead is not None and task_lead != lead:
            continue
        row = per_area.setdefault(AREA_NAMES[area], [0] * (1 + len(BUCKETS)))
        for counts in (row, totals):
            counts[0] += 1
            counts[1 + BUCKET_CODES.index(code)] += 1
    return per_area, totals


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def plan(users: dict[str, User], agencies: dict[str, Agency]) -> Plan:
    data = sample_plan_json()
    base = data["tasks"][0]
    sections = {"the_che": ("I", "CẢI CÁCH THỂ CHẾ"), "tthc": ("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
                "chinh_quyen_so": ("III", "CHÍNH QUYỀN SỐ")}
    data["tasks"] = [
        {**base, "number": str(i), "section_number": sections[area][0], "section_title": sections[area][1],
         "area": area, "content": content, "lead": lead, "lead_agencies": [lead], "coordinating": "",
         "coordinating_agencies": [], "deadline": due,
         "schedule": {"due_dates": [due], "recurrence": [], "continuous": False, "conditional": False}}
        for i, (area, content, lead, due, *_) in enumerate(TASKS, start=1)]
    stored = store_plan(data, resolve=lambda name: agency_services.ensure(name), owner=agencies["province"],
                        actor=users["admin"])
    for _, content, _, _, status, progress, completed, _ in TASKS:
        Task.objects.filter(plan=stored, content=content).update(status=status, progress=progress,
                                                                 completed_on=completed)
    # evidence and an extension request inside the data window: the appendix quotes them
    done = Task.objects.get(plan=stored, content=TASKS[0][1])
    update = ProgressUpdate.objects.create(task=done, kind=ProgressUpdate.Kind.PROGRESS, author=users["focal"],
                                           agency=agencies["justice"], text="Đã hoàn thành rà soát.",
                                           progress=100, status=Status.DONE)
    Evidence.objects.create(update=update, kind=Evidence.DocumentKind.DECISION, number="25/QĐ-STP",
                            issued_on=date(2025, 3, 1), issuer="Sở Tư pháp")
    late = Task.objects.get(plan=stored, content=TASKS[1][1])
    Extension.objects.create(task=late, requested_by=users["focal"], agency=agencies["justice"],
                             old_due=date(2025, 2, 28), new_due=date(2025, 4, 30), reason="Chờ ý kiến các sở.")
    return stored


def agency_report(plan: Plan, agency: Agency, **fields: Any) -> Report:
    texts = {"direction": "Ban hành kế hoạch triển khai.\nTổ chức hội nghị quán triệt.",
             "results": "Các nhiệm vụ được triển khai theo kế hoạch.", "strengths": "Chủ động, kịp thời.",
             "shortcomings": "Một số nhiệm vụ còn chậm.", "causes": "Thiếu nhân lực.",
             "next_tasks": "Hoàn thành các nhiệm vụ còn lại.", "proposals": ""}
    return Report.objects.create(period=plan.report_periods.get(), agency=agency, **{**texts, **fields})


def table_with(document: Any, first_headers: tuple[str, ...]) -> list[Any]:
    return [t for t in document.tables
            if tuple(c.text for c in t.rows[0].cells[:len(first_headers)]) == first_headers]


def area_rows(table: Any) -> dict[str, list[int]]:
    return {row.cells[1].text: [int(c.text) for c in row.cells[2:]] for row in table.rows[1:]}


# --- DOCX ------------------------------------------------------------------------------------------------------

def test_agency_report_docx(plan: Plan, agencies: dict[str, Agency]) -> None:
    report = agency_report(plan, agencies["justice"], number="15")
    data = compose_for(report)
    document, lines = docx_lines(documents.render_docx(report, data))
    text = [p.text for p in document.paragraphs]

    # letterhead: the governing body above the issuer, the national motto, number, place and today's date
    assert lines.index("UBND TỈNH HÒA BÌNH XANH") + 1 == lines.index("SỞ TƯ PHÁP")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines and "Độc lập - Tự do - Hạnh phúc" in lines
    assert "Số: 15/BC-STP" in lines
    assert "Hòa Bình Xanh, ngày 10 tháng 3 năm 2025" in lines
    # the title, then sections I–V in order
    title = document.paragraphs[text.index("BÁO CÁO")]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.bold and r.font.size.pt == 14 for r in title.runs)
    assert text[text.index("BÁO CÁO") + 1] == TITLE
    assert any(line.startswith("Thực hiện Kế hoạch số 12/KH-UBND ngày 20/12/2024 của Ủy ban nhân dân tỉnh Hòa Bình "
                               "Xanh, Sở Tư pháp báo cáo") for line in text)
    positions = [text.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    # the narrative, one paragraph per line, justified; an empty section says so in italics
    direction = document.paragraphs[text.index("Ban hành kế hoạch triển khai.")]
    assert direction.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and direction.paragraph_format.first_line_indent
    assert text.index("Tổ chức hội nghị quán triệt.") == text.index("Ban hành kế hoạch triển khai.") + 1
    assert text[text.index("V. ĐỀ XUẤT, KIẾN NGHỊ") + 1] == "Không có."
    assert document.paragraphs[text.index("V. ĐỀ XUẤT, KIẾN NGHỊ") + 1].runs[0].italic
    assert "(Báo cáo tổng hợp" not in "\n".join(lines)

    # the per-area table: the counts set up above, and the same as the composed totals
    per_area, totals = expected_counts("Sở Tư pháp")
    [table] = table_with(document, ("TT", "Lĩnh vực", "Tổng số"))
    assert [c.text for c in table.rows[0].cells] == ["TT", "Lĩnh vực", "Tổng số", *(label for _, label in BUCKETS)]
    rows = area_rows(table)
    assert rows.pop("Tổng cộng") == totals == [data.totals["total"], *(data.totals[c] for c in BUCKET_CODES)]
    assert rows == per_area
    assert totals == [6, 1, 1, 1, 1, 1, 1]

    # signature block and recipients
    assert "KT. GIÁM ĐỐC" in lines and "PHÓ GIÁM ĐỐC" in lines
    assert "Nơi nhận:" in lines
    assert "- Ủy ban nhân dân tỉnh Hòa Bình Xanh (để báo cáo);" in lines and "- Lưu: VT." in lines

    # appendix: landscape, one task table per area with the tasks' evidence and extensions
    assert "PHỤ LỤC" in text and text.index("PHỤ LỤC") > positions[-1]
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    task_tables = table_with(document, ("TT", "Nhiệm vụ", "Cơ quan chủ trì"))
    assert [len(t.rows) - 1 for t in task_tables] == [count[0] for count in per_area.values()]
    first = task_tables[0].rows[1].cells
    assert [c.text for c in first[:7]] == ["1", TASKS[0][1], "Sở Tư pháp", "Hoàn thành đúng hạn", "100%",
                                           "31/03/2025", "01/03/2025"]
    assert "Quyết định số 25/QĐ-STP ngày 01/03/2025 của Sở Tư pháp" in first[7].text
    assert "Đề nghị gia hạn từ 28/02/2025 đến 30/04/2025" in task_tables[0].rows[2].cells[7].text
    assert not table_with(document, ("TT", "Cơ quan, đơn vị"))  # the per-agency table is the aggregate's

    # format: A4 portrait first, Times New Roman 11–14 pt, Vietnamese
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30
    runs = [r for p in document.paragraphs for r in p.runs] + [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert all(r.font.name == "Times New Roman" for r in runs)
    assert {r.font.size.pt for r in runs if r.text.strip()} <= {11, 12, 13, 14}
    assert document.core_properties.language == "vi-VN" and "Quý I/2025" in document.core_properties.title


def test_submitted_report_is_dated_the_day_it_was_sent_and_blank_number(plan: Plan,
                                                                         agencies: dict[str, Agency]) -> None:
    report = agency_report(plan, agencies["justice"], state=Report.State.SUBMITTED,
                           submitted_at=datetime(2025, 3, 12, 23, 30, tzinfo=VN))  # 16:30 UTC: the local day
    _, lines = docx_lines(documents.render_docx(report, compose_for(report)))
    assert "Hòa Bình Xanh, ngày 12 tháng 3 năm 2025" in lines
    number = next(line for line in lines if line.startswith("Số:"))
    assert number.replace("\u00a0", " ").startswith("Số:    ") and number.endswith("/BC-STP")


def test_province_report_docx(plan: Plan, agencies: dict[str, Agency]) -> None:
    agency_report(plan, agencies["justice"], state=Report.State.SUBMITTED,
                  submitted_at=datetime(2025, 3, 11, 10, 0, tzinfo=VN))
    report = agency_report(plan, agencies["province"], scope=Report.Scope.PROVINCE, number="30")
    data = compose_for(report)
    document, lines = docx_lines(documents.render_docx(report, data))
    text = [p.text for p in document.paragraphs]
    # a people's committee with no body above it: its own name, the committee's symbol and signature
    header = document.tables[0].rows[0].cells[0]
    assert [p.text for p in header.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH"]
    assert "Số: 30/BC-UBND" in lines
    assert "TM. ỦY BAN NHÂN DÂN" in lines and "CHỦ TỊCH" in lines and "KT. GIÁM ĐỐC" not in lines
    assert "- Bộ Nội vụ (để báo cáo);" in lines
    assert any(line.startswith("(Báo cáo tổng hợp") for line in text)

    per_area, totals = expected_counts(None)
    [table] = table_with(document, ("TT", "Lĩnh vực", "Tổng số"))
    rows = area_rows(table)
    assert rows.pop("Tổng cộng") == totals == [7, 1, 1, 1, 1, 2, 1]
    assert rows == per_area

    # the per-agency appendix: each lead agency's counts and the state of its report
    [agency_table] = table_with(document, ("TT", "Cơ quan, đơn vị"))
    assert [c.text for c in agency_table.rows[0].cells[:5]] == ["TT", "Cơ quan, đơn vị", "Tình trạng báo cáo",
                                                               "Ngày gửi", "Tổng số"]
    by_agency = {row.cells[1].text: [c.text for c in row.cells[2:]] for row in agency_table.rows[1:]}
    justice_counts = [str(n) for n in expected_counts("Sở Tư pháp")[1]]
    finance_counts = [str(n) for n in expected_counts("Sở Tài chính")[1]]
    assert by_agency == {"Sở Tài chính": ["Chưa lập báo cáo", "", *finance_counts],
                         "Sở Tư pháp": ["Đã gửi", "11/03/2025", *justice_counts]}
    # the task lines of a province go to the Excel appendix, which the Word appendix names
    assert table_with(document, ("TT", "Nhiệm vụ", "Cơ quan chủ trì")) == []
    assert any("xem phụ lục Excel kèm theo" in p.text for p in document.paragraphs)


def test_edited_letterhead_changes_the_report_and_the_urging_letter(plan: Plan, agencies: dict[str, Agency],
                                                                    users: dict[str, User]) -> None:
    Letterhead.objects.create(agency=agencies["justice"], governing_body="UBND tỉnh Hòa Bình Xanh",
                              issuer_name="Sở Tư pháp tỉnh Hòa Bình Xanh", report_symbol="BC-STP-CCHC",
                              place="Thành phố Xanh", sign_authority="TM. ỦY BAN NHÂN DÂN", sign_title="CHỦ TỊCH",
                              signer_name="Trần Thị Bình", recipients="- Sở Nội vụ (để tổng hợp);\n- Lưu: VT, VP.")
    report = agency_report(plan, agencies["justice"], number="15")
    _, lines = docx_lines(documents.render_docx(report, compose_for(report)))
    assert lines.index("UBND TỈNH HÒA BÌNH XANH") + 1 == lines.index("SỞ TƯ PHÁP TỈNH HÒA BÌNH XANH")
    assert "Số: 15/BC-STP-CCHC" in lines
    assert "Thành phố Xanh, ngày 10 tháng 3 năm 2025" in lines
    assert "TM. ỦY BAN NHÂN DÂN" in lines and "CHỦ TỊCH" in lines and "Trần Thị Bình" in lines
    assert "KT. GIÁM ĐỐC" not in lines
    assert "- Sở Nội vụ (để tổng hợp);" in lines and "- Lưu: VT, VP." in lines
    assert "- Ủy ban nhân dân tỉnh Hòa Bình Xanh (để báo cáo);" not in lines

    # the standing agency's letterhead: its urging letters change too (blank fields keep the defaults)
    home = agencies["home"]
    assert heading_for(home, "letter").sign_authority == "KT. GIÁM ĐỐC"
    Letterhead.objects.create(agency=home, letter_symbol="SNV-VP", place="Thành phố Xanh",
                              sign_authority="TM. ỦY BAN NHÂN DÂN", sign_title="CHỦ TỊCH", signer_name="Lê Văn C")
    data = letters.default_input(home, TODAY)
    assert (data.symbol, data.place, data.signer_name) == ("SNV-VP", "Thành phố Xanh", "Lê Văn C")
    data.number = "7"
    rows = selectors.overdue_of_agency(agencies["justice"].pk, TODAY)
    assert rows
    _, letter = docx_lines(letters.render_letter(issuer=home, agency=agencies["justice"], rows=rows, data=data))
    assert lines_in(letter, "UBND TỈNH HÒA BÌNH XANH", "SỞ NỘI VỤ", "Số: 7/SNV-VP", "TM. ỦY BAN NHÂN DÂN",
                    "CHỦ TỊCH", "Lê Văn C", "- Như trên;", "- Lưu: VT, CCHC.",
                    "Thành phố Xanh, ngày 10 tháng 3 năm 2025")
    assert "KT. GIÁM ĐỐC" not in letter


def lines_in(lines: list[str], *expected: str) -> bool:
    missing = [line for line in expected if line not in lines]
    assert not missing, missing
    return True


# --- XLSX ------------------------------------------------------------------------------------------------------

def test_agency_report_xlsx(plan: Plan, agencies: dict[str, Agency]) -> None:
    report = agency_report(plan, agencies["justice"])
    data = compose_for(report)
    wb = load_workbook(io.BytesIO(documents.render_xlsx(report, data)))
    per_area, totals = expected_counts("Sở Tư pháp")
    assert wb.sheetnames == ["Tổng hợp", "Cải cách thể chế", "Cải cách thủ tục hành chính",
                             "Chính quyền điện tử, chính quyề"]  # 31 characters at most

    summary = wb["Tổng hợp"]
    cells = [[c.value for c in row] for row in summary.iter_rows()]
    assert cells[0][0] == "Sở Tư pháp" and "Quý I/2025" in cells[1][0]
    assert cells[2][0] == "Số liệu từ ngày 15/12/2024 đến ngày 14/03/2025"
    assert cells[3][0] == "Tình hình tính đến ngày 10/03/2025"
    header = next(i for i, row in enumerate(cells) if row[:2] == ["TT", "Lĩnh vực"])
    assert summary.freeze_panes == f"A{header + 2}"
    body = {row[1]: row[2:] for row in cells[header + 1:]}
    assert body.pop("Tổng cộng") == totals
    assert body == per_area

    for name, (area, count) in zip(wb.sheetnames[1:], ((a, c[0]) for a, c in per_area.items()), strict=True):
        ws = wb[name]
        assert area.startswith(name)
        assert ws.max_row == count + 1 and ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == ["TT", "Nhiệm vụ", "Kế hoạch", "Cơ quan chủ trì", "Tình trạng",
                                            "Tiến độ (%)", "Hạn hoàn thành", "Ngày hoàn thành",
                                            "Kết quả, tài liệu kiểm chứng", "Gia hạn"]
        assert all(c.font.bold for c in ws[1])
    first = [c for c in wb["Cải cách thể chế"][2]]
    assert [c.value for c in first[:6]] == [1, TASKS[0][1], "12/KH-UBND", "Sở Tư pháp", "Hoàn thành đúng hạn", 100]
    # real dates, shown dd/mm/yyyy
    assert first[6].is_date and first[6].value.date() == date(2025, 3, 31) and first[6].number_format == "dd/mm/yyyy"
    assert first[7].is_date and first[7].value.date() == date(2025, 3, 1)
    assert "25/QĐ-STP" in first[8].value and first[8].alignment.wrap_text
    second = [c.value for c in wb["Cải cách thể chế"][3]]
    assert second[7] is None and "30/04/2025" in second[9]
    assert wb["Cải cách thể chế"].column_dimensions["B"].width >= 40


def test_province_report_xlsx_has_the_agency_sheet(plan: Plan, agencies: dict[str, Agency]) -> None:
    agency_report(plan, agencies["justice"], state=Report.State.SUBMITTED,
                  submitted_at=datetime(2025, 3, 15, 8, 0, tzinfo=VN))  # after the 14/03 deadline
    report = agency_report(plan, agencies["province"], scope=Report.Scope.PROVINCE)
    wb = load_workbook(io.BytesIO(documents.render_xlsx(report, compose_for(report))))
    assert wb.sheetnames[:2] == ["Tổng hợp", "Theo cơ quan"] and len(wb.sheetnames) == 5
    ws = wb["Theo cơ quan"]
    rows = {row[1]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"Sở Tư pháp", "Sở Tài chính"}
    justice = rows["Sở Tư pháp"]
    assert justice[2] == "Đã gửi" and justice[3].date() == date(2025, 3, 15) and justice[4] == "Có"
    assert list(justice[5:]) == expected_counts("Sở Tư pháp")[1]
    assert rows["Sở Tài chính"][2] == "Chưa lập báo cáo" and rows["Sở Tài chính"][3] is None
    assert list(rows["Sở Tài chính"][5:]) == expected_counts("Sở Tài chính")[1]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value == "Sở Tư pháp")
    assert ws.cell(row=row, column=4).number_format == "dd/mm/yyyy"


def test_sheet_names_are_valid_and_unique() -> None:
    assert documents.sheet_name("Cải cách [thủ tục]: hành chính/số?", []) == "Cải cách  thủ tục   hành chính"
    long = "Chính quyền điện tử, chính quyền số"
    assert documents.sheet_name(long, []) == long[:31]
    assert documents.sheet_name(long, [long[:31]]) == "Chính quyền điện tử, chính (2)"
    assert documents.sheet_name("tổng hợp", ["Tổng hợp"]) == "tổng hợp (2)"
    assert documents.sheet_name("///", []) == "Lĩnh vực"


def test_report_with_no_tasks_still_renders(plan: Plan, agencies: dict[str, Agency]) -> None:
    report = agency_report(plan, agencies["district"])
    data = compose_for(report)
    assert isinstance(data, ReportData) and data.totals["total"] == 0
    document, lines = docx_lines(documents.render_docx(report, data))
    assert area_rows(table_with(document, ("TT", "Lĩnh vực", "Tổng số"))[0]) == {"Tổng cộng": [0] * 7}
    assert "Không có nhiệm vụ trong kỳ báo cáo." in lines
    wb = load_workbook(io.BytesIO(documents.render_xlsx(report, data)))
    assert wb.sheetnames == ["Tổng hợp"]


# --- PDF and file names --------------------------------------------------------------------------------------------

def test_pdf_through_libreoffice(plan: Plan, agencies: dict[str, Agency]) -> None:
    if not documents.pdf_available():
        pytest.skip("LibreOffice (soffice) không có trên máy này: bỏ qua bước chuyển DOCX sang PDF")
    report = agency_report(plan, agencies["justice"])
    pdf = documents.to_pdf(documents.render_docx(report, compose_for(report)))
    assert pdf.startswith(b"%PDF")


def test_pdf_without_libreoffice_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    assert not documents.pdf_available()
    with pytest.raises(documents.PdfUnavailable, match="chưa cài LibreOffice") as caught:
        documents.to_pdf(b"PK")
    assert str(caught.value) == caught.value.message == documents.NO_LIBREOFFICE


def test_pdf_conversion_failure_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(documents.shutil, "which", lambda name: str(fake))
    with pytest.raises(documents.PdfUnavailable, match="không chuyển được báo cáo sang PDF.*could not be loaded"):
        documents.to_pdf(b"PK")


def test_file_name(plan: Plan, agencies: dict[str, Agency]) -> None:
    report = agency_report(plan, agencies["justice"], version=2)
    assert documents.filename(report, "docx") == "bao-cao-cchc-quy-i-2025-so-tu-phap-v2.docx"
    aggregate = agency_report(plan, agencies["province"], scope=Report.Scope.PROVINCE)
    assert (documents.filename(aggregate, ".xlsx")
            == "bao-cao-cchc-quy-i-2025-uy-ban-nhan-dan-tinh-hoa-binh-xanh-tong-hop.xlsx")
