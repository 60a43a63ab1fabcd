"""Each dashboard chart's figures as an XLSX sheet (openpyxl): a title, the scope and the day the figures stand at,
then a table with Vietnamese headers: the same rows as the HTML table under the chart."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dondoc.importer.text import key
from dondoc.indicators.metrics import ACHIEVEMENT_LABELS
from dondoc.reports.documents import BOLD, DATE_FORMAT, WRAP, sheet_name
from dondoc.scoring.rules import GRADED, OUTCOME_LABELS

from . import selectors
from .selectors import BUCKETS, STATES, Scope

# The charts by name (the `chart` parameter of the XLSX link): what the province's and an agency's dashboards draw.
TITLES: dict[str, Any] = {
    "status_by_area": gettext_lazy("Nhiệm vụ theo trạng thái, theo lĩnh vực"),
    "status_by_agency": gettext_lazy("Nhiệm vụ theo trạng thái, theo cơ quan chủ trì"),
    "heatmap": gettext_lazy("Tỷ lệ nhiệm vụ hoàn thành đúng hạn theo lĩnh vực và cơ quan"),
    "overdue_trend": gettext_lazy("Số nhiệm vụ quá hạn cuối mỗi tháng"),
    "targets": gettext_lazy("Chỉ tiêu đạt, chưa đạt theo kế hoạch"),
    "ranking": gettext_lazy("Xếp hạng Chỉ số CCHC"),
    "grades": gettext_lazy("Xếp loại hoàn thành nhiệm vụ của các sở, ban, ngành"),
    "agency_targets": gettext_lazy("Chỉ tiêu của cơ quan"),
    "par_index": gettext_lazy("Chỉ số CCHC qua các năm"),
}
PROVINCE_CHARTS = ("status_by_area", "status_by_agency", "heatmap", "overdue_trend", "targets", "ranking", "grades")
AGENCY_CHARTS = ("status_by_area", "overdue_trend", "targets", "par_index")


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    widths: list[float]


def _bucket_headers() -> list[str]:
    return [str(label) for _code, label in BUCKETS]


def status_sheet(rows: list[selectors.StatusRow], first: str) -> tuple[list[str], list[list[Any]], list[float]]:
    headers = [first, *_bucket_headers(), _("Tổng số")]
    body = [[r.name, *r.values, r.total] for r in rows]
    return headers, body, [42, *[14] * len(BUCKETS), 10]


def area_sheet(scope: Scope) -> Sheet:
    rows = selectors.status_by_area(scope)
    headers, body, widths = status_sheet([*rows, selectors.total_row(rows)], _("Lĩnh vực"))
    return Sheet(str(TITLES["status_by_area"]), headers, body, widths)


def agency_sheet(scope: Scope) -> Sheet:
    rows = selectors.agency_breakdown(scope).rows
    headers, body, widths = status_sheet(rows, _("Cơ quan chủ trì"))
    return Sheet(str(TITLES["status_by_agency"]), [_("TT"), *headers],
                 [[i, *line] for i, line in enumerate(body, start=1)], [6, *widths])


def heatmap_sheet(scope: Scope) -> Sheet:
    """One line per agency and area with a due task, then the agency's line for all areas."""
    heat = selectors.agency_breakdown(scope).heatmap
    body: list[list[Any]] = []
    for row in heat.rows:
        for (_code, area), cell in zip(heat.areas, row.cells, strict=True):
            if cell.due:
                body.append([row.name, area, cell.due, cell.on_time, cell.share])
        body.append([row.name, _("Tất cả lĩnh vực"), row.total.due, row.total.on_time, row.total.share])
    headers = [_("Cơ quan chủ trì"), _("Lĩnh vực"), _("Nhiệm vụ đến hạn"), _("Hoàn thành đúng hạn"),
               _("Tỷ lệ đúng hạn (%)")]
    return Sheet(str(TITLES["heatmap"]), headers, body, [42, 36, 14, 14, 14])


def trend_sheet(scope: Scope) -> Sheet:
    points = selectors.overdue_trend(scope)
    return Sheet(str(TITLES["overdue_trend"]), [_("Thời điểm"), _("Ngày"), _("Số nhiệm vụ quá hạn")],
                 [[p.label, p.day, p.overdue] for p in points], [16, 14, 18])


def targets_sheet(scope: Scope) -> Sheet:
    plans = selectors.targets_by_plan(scope)
    headers = [_("Kế hoạch"), *[str(ACHIEVEMENT_LABELS[s]) for s in STATES], _("Tổng số")]
    body = [[str(p.plan), *p.values, p.total] for p in plans]
    return Sheet(str(TITLES["targets"]), headers, body, [60, 12, 12, 16, 10])


def agency_targets_sheet(scope: Scope) -> Sheet:
    rows = selectors.agency_targets(scope)
    headers = [_("Kế hoạch"), _("Chỉ tiêu"), _("Mục tiêu"), _("Kỳ có số liệu gần nhất"), _("Số liệu"),
               _("Kết quả"), _("Số liệu của cơ quan"), _("Kết quả của cơ quan")]
    body = []
    for r in rows:
        latest = r.row.latest
        goal = f"{r.target.get_comparator_display()} {_number(r.target.value)} {r.target.unit}".strip()
        body.append([str(r.target.plan), r.target.text, goal, latest.period.name if latest else "",
                     _number(latest.actual.value) if latest and latest.actual else None, r.label,
                     _number(r.own.value) if r.own else None, r.own_label])
    return Sheet(str(TITLES["agency_targets"]), headers, body, [40, 60, 20, 20, 12, 16, 14, 16])


def ranking_sheet(level: selectors.LevelRanking) -> Sheet:
    headers = [_("Hạng"), _("Cơ quan"), _("Chỉ số (%)"), _("Điểm"), _("Điểm tối đa"), _("Chỉ số năm trước (%)"),
               _("Tăng, giảm")]
    body = [[r.rank, r.agency.name, _number(r.index), _number(r.final_total), _number(r.max_total),
             _number(r.previous_index), _number(r.change)] for r in level.rows]
    title = f"{TITLES['ranking']} — {level.level_name} ({level.framework.year})"
    return Sheet(title, headers, body, [8, 44, 12, 10, 12, 18, 12])


def grades_sheet(scope: Scope) -> Sheet:
    rows = selectors.department_grades(scope.year, scope.today)
    headers = [_("Hạng"), _("Cơ quan"), _("Điểm"), _("Xếp loại"), _("Nhiệm vụ được tính"),
               *[str(OUTCOME_LABELS[o]) for o in GRADED], _("Điểm năm trước"), _("Hạng năm trước")]
    body = [[r.rank, r.agency.name, _number(r.grade.score), r.grade.label, r.grade.graded,
             *[r.grade.counts[o] for o in GRADED], _number(r.previous_score), r.previous_rank] for r in rows]
    return Sheet(str(TITLES["grades"]), headers, body, [8, 44, 10, 30, 12, 14, 14, 14, 14, 12, 12])


def par_sheet(scope: Scope) -> Sheet:
    assert scope.agency is not None
    history = selectors.par_history(scope.agency)
    headers = [_("Năm"), _("Bộ chỉ số"), _("Chỉ số (%)"), _("Điểm"), _("Điểm tối đa")]
    body = [[a.framework.year, a.framework.name, _number(a.index), _number(a.final_total), _number(a.max_total)]
            for a in history]
    return Sheet(str(TITLES["par_index"]), headers, body, [8, 50, 12, 10, 12])


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def sheet_for(chart: str, scope: Scope, level: str = "") -> Sheet | None:
    """The sheet of a chart of the province's dashboard, or of an agency's (scope.agency); None: no such chart."""
    if scope.agency is not None:
        builders: dict[str, Callable[[Scope], Sheet]] = {
            "status_by_area": area_sheet, "overdue_trend": trend_sheet, "targets": agency_targets_sheet,
            "par_index": par_sheet}
    else:
        builders = {"status_by_area": area_sheet, "status_by_agency": agency_sheet, "heatmap": heatmap_sheet,
                    "overdue_trend": trend_sheet, "targets": targets_sheet, "grades": grades_sheet}
        if chart == "ranking":
            found = next((r for r in selectors.par_rankings() if r.level == level), None)
            return ranking_sheet(found) if found is not None else None
    builder = builders.get(chart)
    return builder(scope) if builder is not None else None


def scope_lines(scope: Scope) -> list[str]:
    """What the figures cover, under the title."""
    who = scope.agency.name if scope.agency is not None else _("Toàn tỉnh")
    plan = str(scope.plan) if scope.plan is not None else _("các kế hoạch năm %(year)s") % {"year": scope.year}
    return [f"{who} · {plan}", _("Tình hình đến ngày %(day)s") % {"day": scope.today.strftime("%d/%m/%Y")}]


def _clean(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def render(sheet: Sheet, lines: list[str]) -> bytes:
    wb = Workbook()
    wb.properties.title = sheet.title
    wb.properties.language = "vi-VN"
    ws = wb.active
    ws.title = sheet_name(sheet.title, [])
    ws.cell(row=1, column=1, value=_clean(sheet.title)).font = Font(bold=True, size=13)
    for i, line in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=_clean(line))
    first = len(lines) + 3  # a blank line between the heading and the table
    for col, header in enumerate(sheet.headers, start=1):
        cell = ws.cell(row=first, column=col, value=header)
        cell.font, cell.alignment = BOLD, WRAP
        ws.column_dimensions[get_column_letter(col)].width = sheet.widths[col - 1] if col <= len(sheet.widths) else 14
    for r, values in enumerate(sheet.rows, start=first + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=_clean(value))
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            # no style on the other cells: openpyxl's per-cell styles cost more than writing the sheet
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    last = first + max(len(sheet.rows), 1)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(sheet.headers))}{last}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(chart: str, scope: Scope, level: str = "") -> str:
    """ASCII, so every browser keeps it: "bang-dieu-khien-2025-status-by-area.xlsx"."""
    parts = ["bang-dieu-khien", str(scope.year)]
    if scope.agency is not None:
        parts.append(slugify(key(scope.agency.name))[:50])
    if scope.plan is not None:
        parts.append(f"ke-hoach-{scope.plan.pk}")
    parts.append(chart.replace("_", "-"))
    if level:
        parts.append(slugify(level))
    return "-".join(p for p in parts if p) + ".xlsx"
