"""The Plan, as ../shared/benchmark/SCHEMA.md defines it, plus machine-readable warnings.

Warnings are extra keys (`warnings`) on the plan and on each task; the schema's
own keys keep their names, order and meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

AREAS = ("chi_dao", "the_che", "tthc", "to_chuc_bo_may", "cong_vu", "tai_chinh_cong", "chinh_quyen_so")
RECURRENCES = ("monthly", "quarterly", "semiannual", "nine_months", "annual", "twice_yearly")
RAW_FIELDS = ("content", "output", "lead", "coordinating", "deadline", "funding", "note")
# The years a plan's dates and plan year can fall in: a year outside is a typo or garbage ("năm 4044").
MIN_YEAR, MAX_YEAR = 1900, 2200


@dataclass
class Warning:
    """Where the engine was unsure. `code` is stable; `message` is Vietnamese for the review screen."""

    code: str
    message: str
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        return out


@dataclass
class Schedule:
    due_dates: list[date] = field(default_factory=list)
    recurrence: list[str] = field(default_factory=list)
    continuous: bool = False
    conditional: bool = False
    understood: bool = True  # False when the cell had text that no rule read

    def to_dict(self) -> dict[str, Any]:
        return {
            "due_dates": [d.isoformat() for d in sorted(set(self.due_dates))],
            "recurrence": list(self.recurrence),
            "continuous": self.continuous,
            "conditional": self.conditional,
        }


@dataclass
class DocumentMeta:
    number: str | None = None
    kind: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued_date: date | None = None
    signer: str | None = None
    title: str | None = None
    plan_year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": self.kind,
            "issuer": self.issuer,
            "place": self.place,
            "issued_date": self.issued_date.isoformat() if self.issued_date else None,
            "signer": self.signer,
            "title": self.title,
            "plan_year": self.plan_year,
        }


@dataclass
class ReportPeriod:
    name: str
    data_from: date | None
    data_to: date | None
    submit_by: date | None

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {"name": self.name, "data_from": iso(self.data_from), "data_to": iso(self.data_to),
                "submit_by": iso(self.submit_by)}


@dataclass
class Target:
    text: str
    value: float
    unit: str
    comparator: str  # ">=", "<=", "="

    def to_dict(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {"text": self.text, "value": value, "unit": self.unit, "comparator": self.comparator}


@dataclass
class Task:
    section_number: str = ""
    section_title: str = ""
    area: str | None = None
    subsection: str | None = None
    number: str = ""
    content: str = ""
    output: str = ""
    lead: str = ""
    coordinating: str = ""
    deadline: str = ""
    funding: str = ""
    note: str = ""
    lead_agencies: list[str] = field(default_factory=list)
    coordinating_agencies: list[str] = field(default_factory=list)
    schedule: Schedule = field(default_factory=Schedule)
    source_row: int | None = None  # 1-based line (TXT) or table row where the task was read
    warnings: list[Warning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "section_number": self.section_number,
            "section_title": self.section_title,
            "area": self.area,
            "subsection": self.subsection,
            "number": self.number,
        }
        for name in RAW_FIELDS:
            out[name] = getattr(self, name)
        out["lead_agencies"] = list(self.lead_agencies)
        out["coordinating_agencies"] = list(self.coordinating_agencies)
        out["schedule"] = self.schedule.to_dict()
        out["source_row"] = self.source_row
        out["warnings"] = [w.to_dict() for w in self.warnings]
        return out


@dataclass
class Plan:
    source: str
    document: DocumentMeta = field(default_factory=DocumentMeta)
    report_periods: list[ReportPeriod] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    file_format: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "document": self.document.to_dict(),
            "report_periods": [p.to_dict() for p in self.report_periods],
            "targets": [t.to_dict() for t in self.targets],
            "tasks": [t.to_dict() for t in self.tasks],
            "warnings": [w.to_dict() for w in self.warnings],
            "format": self.file_format,
        }
