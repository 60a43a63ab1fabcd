"""PAR-Index frameworks shipped as data: one JSON file per framework, read and checked here (pure Python).

A file holds the framework's code, name, target level, first year, the decision it comes from, its total and
survey points, and the tree ``areas → children → children`` of nodes ``{code, title, max, ...}``. A leaf (a node
without children) names its scoring ``rule`` (manual, metric, tasks, survey) with its ``params``, and may carry a
``guide`` (how points are given), an ``evidence`` hint, ``may_be_na`` (may be marked not applicable) and
``self_assessed`` (false: given by the council or the central government).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.indicators.metrics import METRIC_BY_CODE

DATA_DIR = Path(__file__).resolve().parent
RULES = ("manual", "metric", "tasks", "survey")
TOLERANCE = Decimal("0.001")


@dataclass
class Node:
    code: str
    title: str
    max_points: Decimal
    depth: int
    rule: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    guide: str = ""
    evidence_hint: str = ""
    may_be_na: bool = False
    self_assessed: bool = True
    children: list[Node] = field(default_factory=list)

    def walk(self) -> list[Node]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass
class FrameworkSpec:
    code: str
    name: str
    level: str
    year: int
    source: str
    notes: str
    total_points: Decimal
    survey_points: Decimal
    areas: list[Node]

    def nodes(self) -> list[Node]:
        return [node for area in self.areas for node in area.walk()]

    def leaves(self) -> list[Node]:
        return [node for node in self.nodes() if not node.children]

    def count_at(self, depth: int) -> int:
        return sum(1 for node in self.nodes() if node.depth == depth)


class FrameworkError(ValueError):
    """A framework file that cannot be loaded: the message lists every problem, in Vietnamese."""


def _node(raw: dict[str, Any], depth: int) -> Node:
    return Node(code=str(raw["code"]), title=str(raw["title"]).strip(), max_points=Decimal(str(raw["max"])),
                depth=depth, rule=str(raw.get("rule", "")), params=dict(raw.get("params") or {}),
                guide=str(raw.get("guide", "")), evidence_hint=str(raw.get("evidence", "")),
                may_be_na=bool(raw.get("may_be_na", False)), self_assessed=bool(raw.get("self_assessed", True)),
                children=[_node(child, depth + 1) for child in raw.get("children") or []])


def parse(data: dict[str, Any]) -> FrameworkSpec:
    """A framework from its JSON; raises FrameworkError unless `problems` finds nothing."""
    try:
        spec = FrameworkSpec(
            code=str(data["code"]), name=str(data["name"]), level=str(data["level"]), year=int(data["year"]),
            source=str(data.get("source", "")), notes=str(data.get("notes", "")),
            total_points=Decimal(str(data["total_points"])), survey_points=Decimal(str(data.get("survey_points", 0))),
            areas=[_node(area, 1) for area in data["areas"]])
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise FrameworkError(f"Tệp bộ chỉ số thiếu hoặc sai trường: {error}") from error
    found = problems(spec)
    if found:
        raise FrameworkError("Bộ chỉ số không hợp lệ:\n" + "\n".join(found))
    return spec


def problems(spec: FrameworkSpec) -> list[str]:
    """Everything wrong with a framework, in Vietnamese: sums that do not add up, leaves without a rule, unknown
    metrics or areas, repeated codes."""
    found: list[str] = []
    codes: set[str] = set()
    for node in spec.nodes():
        if node.code in codes:
            found.append(f"Mã {node.code} lặp lại.")
        codes.add(node.code)
        if node.max_points < 0:
            found.append(f"{node.code}: điểm tối đa âm.")
        if node.children:
            total = sum((child.max_points for child in node.children), Decimal(0))
            if abs(total - node.max_points) > TOLERANCE:
                found.append(f"{node.code}: điểm tối đa {node.max_points} khác tổng các mục con {total}.")
            if node.rule:
                found.append(f"{node.code}: chỉ tiêu chí không có mục con mới có cách chấm.")
            continue
        if node.rule not in RULES:
            found.append(f"{node.code}: cách chấm “{node.rule}” không có (cần một trong {', '.join(RULES)}).")
        if node.rule == "metric":
            metric = node.params.get("metric")
            if metric not in METRIC_BY_CODE:
                found.append(f"{node.code}: chỉ số đo “{metric}” không có.")
            if not node.params.get("bands") and "full_at" not in node.params:
                found.append(f"{node.code}: chỉ số đo cần các mức (bands) hoặc zero_at/full_at.")
        if node.rule == "tasks" and node.params.get("area", "") not in ("", *AREA_NAMES):
            found.append(f"{node.code}: lĩnh vực “{node.params.get('area')}” không có.")
    total = sum((area.max_points for area in spec.areas), Decimal(0))
    if abs(total - spec.total_points) > TOLERANCE:
        found.append(f"Tổng điểm các lĩnh vực {total} khác tổng điểm {spec.total_points}.")
    survey = sum((leaf.max_points for leaf in spec.leaves() if leaf.rule == "survey"), Decimal(0))
    if abs(survey - spec.survey_points) > TOLERANCE:
        found.append(f"Tổng điểm điều tra xã hội học {survey} khác {spec.survey_points}.")
    return found


def load(path: Path) -> FrameworkSpec:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise FrameworkError(f"Không đọc được tệp bộ chỉ số {path.name}: {error}") from error
    return parse(data)


def shipped() -> list[Path]:
    """The frameworks dondoc ships, by file name."""
    return sorted(DATA_DIR.glob("*.json"))
