"""Rankings and task-completion grades as decision-ready documents: the workbook the standing agency attaches to
its proposal (a ranking sheet, and for the PAR Index the points per area) and the annex of the decision in the
format of Nghị định 30/2020/NĐ-CP ("Phụ lục … (Kèm theo Quyết định số …)"), with the tie rule stated in both.

The figures come from `scoring.selectors` (ranking, grade_ranking); the Word and Excel primitives are the
shared ones (`documents.nd30`, the report workbook helpers)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from docx.enum.section import WD_ORIENT
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dondoc.agencies.models import Agency
from dondoc.agencies.selectors import level_names
from dondoc.documents import nd30
from dondoc.importer.text import key
from dondoc.reports.documents import put_cell, write_table

from . import rules
from .models import Criterion, Framework, Score
from .selectors import GradeRow, RankRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOTS = "\u2026"  # "…": a blank the clerk fills in by hand
PREVIEW = "Xem trước, chưa công bố"
INDEX_NOTE = ("Chỉ số (%) = điểm đạt ÷ điểm tối đa áp dụng × 100; điểm tối đa áp dụng không tính các tiêu chí "
              "không áp dụng đối với cơ quan.")
NOT_GRADED_NOTE = ("Không tính vào điểm: nhiệm vụ chưa đến hạn, nhiệm vụ không thực hiện có lý do được chấp thuận, "
                   "nhiệm vụ thường xuyên chưa có hạn.")

# "… của các sở, ban, ngành tỉnh": whom a level's ranking is about, as the provinces' decisions name them
LEVEL_PHRASES = {
    "province": "các tỉnh, thành phố",
    "department": "các sở, ban, ngành tỉnh",
    "district": "Ủy ban nhân dân các huyện, thị xã, thành phố",
    "commune": "Ủy ban nhân dân các xã, phường, thị trấn",
    "division": "các phòng, ban chuyên môn",
    "unit": "các đơn vị trực thuộc",
}

# number formats of the workbooks (Excel shows them with the reader's separators: "97,25" on a Vietnamese system)
POINTS_FORMAT = "#,##0.00"
WHOLE_FORMAT = "0"
CHANGE_FORMAT = "+#,##0.00;-#,##0.00;0.00"
TITLE_FONT = Font(bold=True, size=13)
TITLE_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
NOTE_ALIGN = Alignment(wrap_text=True, vertical="top")


# --- words and figures --------------------------------------------------------------------------------------------

number = rules.number_text


def signed(value: Decimal | None) -> str:
    """A change as it is printed: "+2,5", "-1,25", "0"; blank when there is nothing to compare."""
    if value is None:
        return ""
    if value > 0:
        return f"+{number(value)}"
    if value < 0:
        return f"-{number(-value)}"
    return "0"


def level_name(code: str) -> str:
    return level_names().get(code, code)


def whom(level: str, group: Agency | None = None) -> str:
    """Whom a table ranks, as a title says it: "các sở, ban, ngành tỉnh", or the chosen group."""
    if group is not None:
        name = " ".join(group.name.split())
        return name[0].lower() + name[1:] if key(name).startswith("cac ") else f"các cơ quan thuộc nhóm “{name}”"
    return LEVEL_PHRASES.get(level, "các cơ quan, đơn vị")


def _caps(text: str) -> str:
    return text.upper().replace("“", "").replace("”", "")


def ranking_title(framework: Framework, group: Agency | None = None) -> str:
    return (f"KẾT QUẢ XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {framework.year} "
            f"CỦA {_caps(whom(framework.level, group))}")


def annex_title(framework: Framework, group: Agency | None = None) -> str:
    return f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {framework.year} CỦA {_caps(whom(framework.level, group))}"


def grades_title(year: int, level: str, group: Agency | None = None) -> str:
    return (f"KẾT QUẢ XẾP LOẠI MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {year} "
            f"CỦA {_caps(whom(level, group))}")


def source_line(framework: Framework) -> str:
    """The framework and the document it was issued by."""
    source = " ".join(framework.source.split())
    return f"Bộ chỉ số: {framework.name}" + (f" (ban hành theo {source})" if source else "") + "."


def publication_line(framework: Framework, preview: bool) -> str:
    if preview or not framework.published_at:
        return f"{PREVIEW}: kết quả đã được Hội đồng thẩm định, chưa công bố."
    day = timezone.localtime(framework.published_at).date()
    decision = " ".join(framework.decision.split())
    return f"Công bố ngày {day:%d/%m/%Y}" + (f" theo {decision}" if decision else "") + "."


def decision_issuer() -> str:
    """The province's people's committee, which issues the decision the annex goes with (blank when unknown)."""
    province = (Agency.objects.filter(is_group=False, parent=None, level__code="province").order_by("name").first()
                or Agency.objects.filter(is_group=False, parent=None).order_by("level__rank", "name").first())
    return " ".join(province.name.split()) if province else ""


def decision_reference(decision: str, issuer: str = "") -> str:
    """"(Kèm theo Quyết định số 15/QĐ-UBND ngày 20/01/2025 của Ủy ban nhân dân tỉnh …)": the decision as recorded
    at publication (with or without its "Quyết định số"), else blanks for the clerk."""
    text = " ".join(decision.split()).rstrip(".")
    of = f" của {issuer}" if issuer else f" của {DOTS}"
    if not text:
        return f"(Kèm theo Quyết định số {DOTS}/QĐ-UBND ngày {DOTS}{of})"
    folded = key(text)
    if folded.startswith("quyet dinh"):
        body = text
    elif folded.startswith("so "):
        body = f"Quyết định {text}"
    else:
        body = f"Quyết định số {text}"
    if " cua " not in f" {folded} ":
        body += of
    return f"(Kèm theo {body})"


def grade_rule_lines(weights: rules.Weights, bands: Sequence[Mapping[str, Any]]) -> list[str]:
    """The grading rule in words: the score's formula and the bands."""
    terms = [(weights.on_time, "số nhiệm vụ hoàn thành đúng hạn"),
             (weights.excused, "số hoàn thành trong hạn được gia hạn"),
             (weights.late, "số hoàn thành quá hạn"),
             (weights.not_done, "số chưa hoàn thành, đã quá hạn")]
    formula = " + ".join(f"{number(w)} × {label}" for w, label in terms)
    ordered = sorted(bands, key=lambda b: Decimal(str(b["min"])), reverse=True)
    levels = "; ".join(f"từ {number(Decimal(str(b['min'])))} điểm: {b['label']}" for b in ordered)
    return [f"Điểm hoàn thành nhiệm vụ = 100 × ({formula}) ÷ số nhiệm vụ đã đến hạn.",
            f"Xếp loại: {levels}.", NOT_GRADED_NOTE]


# --- table lines (the page and the annex print the same cells) ----------------------------------------------------

@dataclass
class RankLine:
    row: RankRow
    rank: str
    agency: str
    points: str
    index: str
    previous_index: str
    previous_rank: str
    change: str

    def cells(self) -> list[str]:
        return [self.rank, self.agency, self.points, self.index, self.previous_index, self.previous_rank,
                self.change]


def rank_line(row: RankRow) -> RankLine:
    return RankLine(row, str(row.rank or ""), row.agency.name,
                    f"{number(row.final_total)} / {number(row.max_total)}", number(row.index),
                    number(row.previous_index), str(row.previous_rank or ""), signed(row.change))


def ranking_headers(year: int) -> list[str]:
    return ["Hạng", "Cơ quan, đơn vị", "Điểm đạt / tối đa áp dụng", "Chỉ số (%)", f"Chỉ số năm {year - 1} (%)",
            f"Hạng năm {year - 1}", "Tăng/giảm chỉ số"]


GRADE_COUNTS = (rules.ON_TIME, rules.EXCUSED, rules.LATE, rules.NOT_DONE, rules.NOT_DUE)
GRADE_COUNT_HEADERS = ("Đúng hạn", "Trong hạn gia hạn", "Quá hạn", "Chưa hoàn thành (quá hạn)", "Chưa đến hạn")


@dataclass
class GradeLine:
    row: GradeRow
    rank: str
    agency: str
    counts: list[str]
    score: str
    label: str
    previous_score: str
    previous_rank: str
    change: str

    def cells(self) -> list[str]:
        return [self.rank, self.agency, *self.counts, self.score, self.label, self.previous_score,
                self.previous_rank, self.change]


def grade_line(row: GradeRow) -> GradeLine:
    return GradeLine(row, str(row.rank or ""), row.agency.name,
                     [str(row.grade.counts.get(o, 0)) for o in GRADE_COUNTS], number(row.grade.score),
                     row.grade.label, number(row.previous_score), str(row.previous_rank or ""), signed(row.change))


def grade_headers(year: int) -> list[str]:
    return ["Hạng", "Cơ quan, đơn vị", *GRADE_COUNT_HEADERS, "Điểm", "Xếp loại", f"Điểm năm {year - 1}",
            f"Hạng năm {year - 1}", "Tăng/giảm điểm"]


# --- points per area ----------------------------------------------------------------------------------------------

def areas(framework: Framework) -> list[Criterion]:
    return list(framework.criteria.filter(depth=1, parent=None).order_by("order"))


AreaPoints = dict[int, dict[int, Decimal]]  # assessment → area (criterion pk) → points


def area_points(framework: Framework, assessment_ids: Iterable[int]) -> tuple[list[Criterion], AreaPoints]:
    """The framework's areas (depth-1 criteria) and, per assessment, the final points of its applicable leaves
    under each area (the council's points where given, else the agency's own). One query for every agency's
    scores, one for the tree."""
    tree = list(framework.criteria.values_list("pk", "parent_id", "depth"))
    parent = {pk: parent_id for pk, parent_id, _ in tree}
    area_of: dict[int, int] = {}
    for pk, _, _ in tree:
        node = pk
        while parent.get(node) is not None:
            node = parent[node]
        area_of[pk] = node
    totals: AreaPoints = defaultdict(dict)
    scores = (Score.objects.filter(assessment_id__in=list(assessment_ids), not_applicable=False)
              .exclude(criterion__rule="").values_list("assessment_id", "criterion_id", "self_points",
                                                       "appraised_points"))
    for assessment_id, criterion_id, self_points, appraised in scores:
        area = area_of.get(criterion_id)
        if area is None:
            continue
        points = appraised if appraised is not None else self_points
        sums = totals[assessment_id]
        sums[area] = sums.get(area, Decimal(0)) + (points or Decimal(0))
    return areas(framework), dict(totals)


# --- workbooks ----------------------------------------------------------------------------------------------------

def _heading_rows(ws: Worksheet, lines: Sequence[str], width: int) -> int:
    """The title (bold, centred) and the lines under it, each merged across the table's width. Returns the last
    row used."""
    last = get_column_letter(width)
    for row, text in enumerate(lines, start=1):
        cell = put_cell(ws, row, 1, text, bold=row == 1)
        ws.merge_cells(f"A{row}:{last}{row}")
        if row == 1:
            cell.font, cell.alignment = TITLE_FONT, TITLE_ALIGN
            ws.row_dimensions[row].height = 36
        else:
            cell.alignment = Alignment(horizontal="center", wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 30 if len(text) > 120 else 18
    return len(lines)


def _notes(ws: Worksheet, row: int, notes: Sequence[str], width: int) -> None:
    last = get_column_letter(width)
    for i, text in enumerate(notes):
        cell = put_cell(ws, row + i, 1, text)
        cell.font, cell.alignment = Font(italic=True), NOTE_ALIGN
        ws.merge_cells(f"A{row + i}:{last}{row + i}")
        ws.row_dimensions[row + i].height = 30


def _formats(ws: Worksheet, first: int, last: int, formats: Mapping[int, str]) -> None:
    for row in ws.iter_rows(min_row=first, max_row=last):
        for cell in row:
            fmt = formats.get(cell.column)
            if fmt:
                cell.number_format = fmt
                cell.alignment = Alignment(horizontal="right", vertical="top")


def _print_setup(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


def _workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.properties.title = title
    wb.properties.language = "vi-VN"
    return wb


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _dec(value: Decimal | None) -> Decimal | None:
    return None if value is None else rules.quantize(value)


RANKING_SHEET, AREA_SHEET, GRADE_SHEET = "Xếp hạng", "Điểm theo lĩnh vực", "Xếp loại"


def rankings_xlsx(framework: Framework, rows: Sequence[RankRow], *, group: Agency | None = None,
                  preview: bool = False) -> bytes:
    """The ranking sheet (one row per agency, best first) and the points of each agency per area."""
    title = ranking_title(framework, group)
    wb = _workbook(title)
    ws = wb.active
    ws.title = RANKING_SHEET
    year = framework.year
    headers = ["Hạng", "Cơ quan, đơn vị", "Điểm đạt", "Điểm tối đa áp dụng", "Chỉ số (%)",
               f"Chỉ số năm {year - 1} (%)", f"Hạng năm {year - 1}", "Tăng/giảm chỉ số"]
    lines = [title, source_line(framework), publication_line(framework, preview)]
    top = _heading_rows(ws, lines, len(headers)) + 2
    values = [[r.rank, r.agency.name, _dec(r.final_total), _dec(r.max_total), _dec(r.index), _dec(r.previous_index),
               r.previous_rank, _dec(r.change)] for r in rows]
    last = write_table(ws, top, headers, values, (8, 48, 12, 14, 12, 16, 12, 14))
    _formats(ws, top + 1, last, {1: WHOLE_FORMAT, 3: POINTS_FORMAT, 4: POINTS_FORMAT, 5: POINTS_FORMAT,
                                 6: POINTS_FORMAT, 7: WHOLE_FORMAT, 8: CHANGE_FORMAT})
    if not rows:
        put_cell(ws, top + 1, 2, "Chưa có kết quả.")
    _notes(ws, max(last, top + 1) + 2, [f"Ghi chú: {rules.TIE_RULE}", INDEX_NOTE], len(headers))
    _print_setup(ws, top)

    found, points = area_points(framework, [r.assessment.pk for r in rows])
    ws = wb.create_sheet(AREA_SHEET)
    area_headers = [f"{a.code}. {' '.join(a.title.split())} (tối đa {number(a.max_points)})" for a in found]
    headers = ["Hạng", "Cơ quan, đơn vị", *area_headers, "Tổng điểm đạt", "Chỉ số (%)"]
    top = _heading_rows(ws, [f"ĐIỂM THEO LĨNH VỰC — {title}", source_line(framework)], len(headers)) + 2
    values = [[r.rank, r.agency.name, *(_dec(points.get(r.assessment.pk, {}).get(a.pk)) for a in found),
               _dec(r.final_total), _dec(r.index)] for r in rows]
    last = write_table(ws, top, headers, values, (8, 44, *[16] * len(found), 14, 12))
    _formats(ws, top + 1, last, {1: WHOLE_FORMAT, **{c: POINTS_FORMAT for c in range(3, len(headers) + 1)}})
    ws.row_dimensions[top].height = 60
    _notes(ws, max(last, top + 1) + 2, ["Ghi chú: điểm của từng lĩnh vực là tổng điểm thẩm định (hoặc tự chấm, "
                                        "khi Hội đồng chưa chấm lại) các tiêu chí áp dụng đối với cơ quan."],
           len(headers))
    _print_setup(ws, top)
    return _bytes(wb)


def grades_xlsx(year: int, level: str, rows: Sequence[GradeRow], *, weights: rules.Weights,
                bands: Sequence[Mapping[str, Any]], as_of: date, group: Agency | None = None) -> bytes:
    title = grades_title(year, level, group)
    wb = _workbook(title)
    ws = wb.active
    ws.title = GRADE_SHEET
    headers = grade_headers(year)
    lines = [title, f"Tình hình thực hiện tính đến ngày {as_of:%d/%m/%Y}.", *grade_rule_lines(weights, bands)]
    top = _heading_rows(ws, lines, len(headers)) + 2
    values = [[r.rank, r.agency.name, *(r.grade.counts.get(o, 0) for o in GRADE_COUNTS), _dec(r.grade.score),
               r.grade.label, _dec(r.previous_score), r.previous_rank, _dec(r.change)] for r in rows]
    last = write_table(ws, top, headers, values, (8, 44, 11, 13, 11, 14, 11, 10, 30, 12, 12, 12))
    _formats(ws, top + 1, last, {1: WHOLE_FORMAT, 3: WHOLE_FORMAT, 4: WHOLE_FORMAT, 5: WHOLE_FORMAT,
                                 6: WHOLE_FORMAT, 7: WHOLE_FORMAT, 8: POINTS_FORMAT, 10: POINTS_FORMAT,
                                 11: WHOLE_FORMAT, 12: CHANGE_FORMAT})
    ws.row_dimensions[top].height = 45
    _notes(ws, max(last, top + 1) + 2, [f"Ghi chú: {rules.TIE_RULE}"], len(headers))
    _print_setup(ws, top)
    return _bytes(wb)


# --- the decision's annex (DOCX) ------------------------------------------------------------------------------------

def _annex(title: str, heading: str, reference: str, preview: bool = False) -> Any:
    """A landscape A4 document opening with the annex heading of ND 30/2020: "Phụ lục", its title, the decision it
    goes with, a short rule."""
    document = nd30.new_document(title)
    section = document.sections[0]  # the whole annex is one wide table: landscape from the first page
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = nd30.PAGE_HEIGHT, nd30.PAGE_WIDTH
    nd30.para(document, "Phụ lục", 14, bold=True)
    nd30.para(document, heading, 14, bold=True)
    nd30.para(document, reference, 14, italic=True)
    nd30.rule(document, nd30.LANDSCAPE_TEXT_WIDTH, 40.0)
    if preview:
        nd30.para(document, f"({PREVIEW.upper()})", 13, bold=True, before=6)
    return document


def _note(document: Any, text: str) -> None:
    nd30.para(document, text, 12, italic=True, align=nd30.JUSTIFY, before=6)


def rankings_docx(framework: Framework, rows: Sequence[RankRow], *, group: Agency | None = None,
                  preview: bool = False) -> bytes:
    heading = annex_title(framework, group)
    document = _annex(ranking_title(framework, group), heading,
                      decision_reference(framework.decision, decision_issuer()), preview)
    nd30.para(document, "", 12)
    lines = [rank_line(r).cells() for r in rows] or [["", "Chưa có kết quả.", "", "", "", "", ""]]
    nd30.data_table(document, ranking_headers(framework.year), lines, (15.0, 101.0, 36.0, 24.0, 28.0, 22.0, 26.0),
                    size=12, left=(1,))
    _note(document, f"Ghi chú: {rules.TIE_RULE}")
    _note(document, INDEX_NOTE)
    return nd30.to_bytes(document)


def grades_docx(year: int, level: str, rows: Sequence[GradeRow], *, weights: rules.Weights,
                bands: Sequence[Mapping[str, Any]], as_of: date, group: Agency | None = None) -> bytes:
    heading = grades_title(year, level, group)
    document = _annex(heading, heading, decision_reference("", decision_issuer()))
    nd30.para(document, f"(Tình hình thực hiện tính đến ngày {as_of:%d/%m/%Y})", 13, italic=True, before=6)
    for line in grade_rule_lines(weights, bands):
        nd30.para(document, line, 12, align=nd30.JUSTIFY, before=3)
    nd30.para(document, "", 12)
    lines = [grade_line(r).cells() for r in rows] or [["", "Không có cơ quan.", *[""] * 10]]
    nd30.data_table(document, grade_headers(year), lines,
                    (11.0, 60.0, 17.0, 17.0, 17.0, 17.0, 17.0, 15.0, 35.0, 16.0, 13.0, 17.0), size=11, left=(1, 8))
    _note(document, f"Ghi chú: {rules.TIE_RULE}")
    return nd30.to_bytes(document)


# --- file names ---------------------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    return slugify(key(text))


def rankings_filename(framework: Framework, ext: str, group: Agency | None = None) -> str:
    """"xep-hang-chi-so-cchc-2024-department.xlsx": ASCII, so every browser and mail client keeps it."""
    parts = ["xep-hang-chi-so-cchc", str(framework.year), _slug(framework.level)]
    if group is not None:
        parts.append(_slug(group.name)[:40])
    return f"{'-'.join(p for p in parts if p)}.{ext}"


def grades_filename(year: int, level: str, ext: str, group: Agency | None = None) -> str:
    parts = ["xep-loai-hoan-thanh-nhiem-vu", str(year), _slug(level)]
    if group is not None:
        parts.append(_slug(group.name)[:40])
    return f"{'-'.join(p for p in parts if p)}.{ext}"
