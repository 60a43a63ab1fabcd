"""What each dashboard chart draws, as the JSON `dashboards.js` reads (through `json_script`): labels, datasets and
their colours, from the selectors' rows. The HTML tables under the charts and the XLSX sheets carry the same
figures (exports.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dondoc.indicators.metrics import ACHIEVEMENT_LABELS

from . import selectors
from .selectors import BUCKET_COLOURS, BUCKETS, STATES, AgencyBreakdown, StatusRow

#: the horizontal charts of agencies show this many (the tables below them list every agency)
TOP = 30
STATE_COLOURS = {"met": "#2e7d32", "not_met": "#a3161a", "no_data": "#9aa5b1"}


def stacked(rows: list[StatusRow], *, horizontal: bool = False) -> dict[str, Any]:
    return {
        "labels": [r.name for r in rows],
        "datasets": [{"label": str(label), "data": [r.counts[code] for r in rows], "color": BUCKET_COLOURS[code]}
                     for code, label in BUCKETS],
        "stacked": True, "horizontal": horizontal, "axis": _("Số nhiệm vụ"),
    }


def heatmap(breakdown: AgencyBreakdown) -> dict[str, Any]:
    heat = breakdown.heatmap
    rows = heat.rows[:TOP]
    return {
        "x": [name for _code, name in heat.areas],
        "y": [r.name for r in rows],
        "cells": [{"x": heat.areas[i][1], "y": r.name, "v": cell.share, "due": cell.due, "on_time": cell.on_time}
                  for r in rows for i, cell in enumerate(r.cells)],
        "labels": {"share": _("Tỷ lệ đúng hạn"), "due": _("Nhiệm vụ đến hạn"), "on_time": _("Hoàn thành đúng hạn"),
                   "none": _("Chưa có nhiệm vụ đến hạn")},
    }


def trend(points: list[selectors.TrendPoint]) -> dict[str, Any]:
    return {"labels": [p.label for p in points],
            "datasets": [{"label": _("Nhiệm vụ quá hạn"), "data": [p.overdue for p in points], "color": "#a3161a"}],
            "axis": _("Số nhiệm vụ")}


def targets(plans: list[selectors.PlanTargets]) -> dict[str, Any]:
    return {
        "labels": [(p.plan.number or p.plan.title)[:60] for p in plans],
        "datasets": [{"label": str(ACHIEVEMENT_LABELS[s]), "data": [p.counts[s] for p in plans],
                      "color": STATE_COLOURS[s]} for s in STATES],
        "stacked": True, "horizontal": True, "axis": _("Số chỉ tiêu"),
    }


def target_counts(counts: dict[str, int]) -> dict[str, Any]:
    return {"labels": [str(ACHIEVEMENT_LABELS[s]) for s in STATES],
            "datasets": [{"label": _("Số chỉ tiêu"), "data": [counts[s] for s in STATES],
                          "color": [STATE_COLOURS[s] for s in STATES]}],
            "legend": False, "axis": _("Số chỉ tiêu")}


def ranking(level: selectors.LevelRanking) -> dict[str, Any]:
    return {"labels": [f"{r.rank}. {r.agency.name}" for r in level.rows],
            "datasets": [{"label": _("Chỉ số CCHC (%)"), "data": [float(r.index) for r in level.rows],
                          "color": "#0b5cad"}],
            "horizontal": True, "max": 100, "legend": False, "axis": _("Chỉ số (%)")}


def grades(rows: list[Any]) -> dict[str, Any]:
    ranked = [r for r in rows if r.grade.score is not None]
    return {"labels": [f"{r.rank}. {r.agency.name}" for r in ranked],
            "datasets": [{"label": _("Điểm hoàn thành nhiệm vụ"), "data": [float(r.grade.score) for r in ranked],
                          "color": "#2e7d32"}],
            "horizontal": True, "max": 100, "legend": False, "axis": _("Điểm (0–100)")}


def par_history(history: list[Any]) -> dict[str, Any]:
    return {"labels": [str(a.framework.year) for a in history],
            "datasets": [{"label": _("Chỉ số CCHC (%)"), "data": [float(a.index) for a in history],
                          "color": "#0b5cad"}],
            "max": 100, "axis": _("Chỉ số (%)")}


def height(n: int, per_row: int = 22, least: int = 320) -> int:
    """Pixels for a horizontal chart of n bars: enough for every label to show."""
    return max(least, 60 + per_row * n)
