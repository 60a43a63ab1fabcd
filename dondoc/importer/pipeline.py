"""readers -> grid -> task rows -> Plan: the import engine end to end."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .body import paragraphs
from .errors import PlanImportError
from .grid import Grid
from .model import Plan, Task, Warning
from .normalise.agencies import looks_like_agency, split_agencies
from .normalise.area import area_of
from .normalise.deadline import parse_schedule
from .normalise.metadata import extract_document
from .normalise.periods import extract_report_periods
from .normalise.targets import extract_targets
from .readers import read_grid
from .tables import TaskRow, task_rows
from .text import fold

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_YEAR = re.compile(r"\b(20\d\d)\b")

_ROW_NOTES = {
    "unnumbered_row": "Dòng không có số thứ tự: kiểm tra đây là nhiệm vụ riêng hay phần tiếp của dòng trên.",
    "row_joined_across_page": "Dòng bị ngắt trang đã được nối lại: kiểm tra các ô.",
    "columns_guessed": "Ranh giới giữa các ô được suy đoán từ bố cục văn bản: kiểm tra các ô.",
}


def read_plan(source: str | Path | bytes, filename: str | None = None, *, year: int | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Plan:
    """Read one plan document (path or bytes) into a Plan. Raises only PlanImportError."""
    if isinstance(source, bytes):
        data, name = source, filename or "document"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise PlanImportError(f"Không đọc được tệp «{path}»: {exc.strerror or exc}.", "unreadable") from exc
        if size > max_bytes:
            raise PlanImportError(
                f"Tệp quá lớn ({size / 1048576:.1f} MB); giới hạn là {max_bytes / 1048576:.0f} MB.", "too_large")
        data = path.read_bytes()
    grid = read_grid(data, name, max_bytes=max_bytes)
    return plan_from_grid(grid, name, year=year)


def plan_from_grid(grid: Grid, source: str, *, year: int | None = None) -> Plan:
    rows = task_rows(grid)
    if not rows:
        raise PlanImportError(
            "Không tìm thấy bảng nhiệm vụ trong tài liệu: cần một bảng có các cột như «Nội dung/Nhiệm vụ», "
            "«Cơ quan chủ trì», «Thời gian hoàn thành».", "no_tasks")
    document = extract_document(grid.body)
    plan_year = year or document.plan_year or _likely_year(rows)
    if year:
        document.plan_year = year
    elif document.plan_year is None:
        document.plan_year = plan_year
    plan = Plan(source=source, document=document)
    plan.tasks = [_task(row, plan_year) for row in rows]
    paras = paragraphs(grid.body)
    plan.report_periods = extract_report_periods(grid.body, plan_year, paras)
    plan.targets = extract_targets(paras, [x for t in plan.tasks for x in (t.content, t.output)])
    plan.warnings = [Warning("reader", w) for w in grid.warnings]
    if document.plan_year is None:
        plan.warnings.append(Warning("plan_year_unknown", "Không xác định được năm của kế hoạch; dùng --year."))
    return plan


def _likely_year(rows: list[TaskRow]) -> int | None:
    years = Counter(int(y) for r in rows for y in _YEAR.findall(r.cells.get("deadline", "")))
    return years.most_common(1)[0][0] if years else None


def _task(row: TaskRow, plan_year: int | None) -> Task:
    cells = {name: fold(text) for name, text in row.cells.items()}
    task = Task(
        section_number=row.section_number,
        section_title=row.section_title,
        area=area_of(row.section_title),
        subsection=row.subsection,
        number=cells.get("number", "").rstrip(".").strip(),
        content=cells.get("content", ""),
        output=cells.get("output", ""),
        lead=cells.get("lead", ""),
        coordinating=cells.get("coordinating", ""),
        deadline=cells.get("deadline", ""),
        funding=cells.get("funding", ""),
        note=cells.get("note", ""),
        source_row=row.line,
    )
    task.lead_agencies, task.coordinating_agencies = split_agencies(task.lead, task.coordinating)
    task.schedule = parse_schedule(task.deadline, plan_year)
    for note in row.notes:
        task.warnings.append(Warning(note, _ROW_NOTES.get(note, note)))
    if task.deadline and not task.schedule.understood:
        task.warnings.append(Warning("deadline_not_understood",
                                     f"Chưa hiểu được thời hạn «{task.deadline}».", "deadline"))
    if not task.lead_agencies:
        task.warnings.append(Warning("no_lead", "Nhiệm vụ chưa có cơ quan chủ trì.", "lead"))
    for name in task.lead_agencies + task.coordinating_agencies:
        if not looks_like_agency(name):
            field = "lead" if name in task.lead_agencies else "coordinating"
            task.warnings.append(Warning("agency_unrecognised", f"Không nhận ra cơ quan «{name}».", field))
    if not task.content:
        task.warnings.append(Warning("no_content", "Dòng không có nội dung nhiệm vụ.", "content"))
    return task
