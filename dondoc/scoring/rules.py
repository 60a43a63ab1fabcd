"""The scoring rules as pure functions (no database): a leaf's points from a metric or from task completion, a
task's outcome for the completion grade, the grade itself, and the ranking with its tie rule.

Points are Decimals rounded half-up to two places, as the councils' score sheets print them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")

# --- a leaf's points ----------------------------------------------------------------------------------------------


def quantize(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def clamp_points(points: Decimal, max_points: Decimal) -> Decimal:
    return quantize(min(max(points, Decimal(0)), max_points))


def points_from_metric(value: float | Decimal | None, max_points: Decimal, params: Mapping[str, Any]) -> Decimal | None:
    """Points of a metric leaf, or None without a figure.

    Two forms (both read from the framework's data):
    - bands: ``{"bands": [{"min": 100, "points": 1}, {"min": 95, "points": 0.5}]}``: the points of the first band
      whose ``min`` the value reaches (``max`` instead of ``min`` for lower-is-better figures such as days); no band
      reached gives 0;
    - linear: ``{"zero_at": 80, "full_at": 100}``: 0 at or below ``zero_at``, the maximum at or beyond ``full_at``,
      in proportion between (``full_at`` below ``zero_at`` reads as lower-is-better).
    """
    if value is None:
        return None
    figure = Decimal(str(value))
    bands = params.get("bands")
    if bands:
        for band in bands:
            if "min" in band and figure >= Decimal(str(band["min"])):
                return clamp_points(Decimal(str(band["points"])), max_points)
            if "max" in band and figure <= Decimal(str(band["max"])):
                return clamp_points(Decimal(str(band["points"])), max_points)
        return Decimal("0.00")
    zero_at = Decimal(str(params.get("zero_at", 0)))
    full_at = Decimal(str(params.get("full_at", 100)))
    if full_at == zero_at:
        return quantize(max_points) if figure >= full_at else Decimal("0.00")
    share = (figure - zero_at) / (full_at - zero_at)
    return clamp_points(max_points * min(max(share, Decimal(0)), Decimal(1)), max_points)


def points_from_tasks(max_points: Decimal, on_time: int, considered: int) -> Decimal | None:
    """Points of a task-completion leaf: the maximum times the share of the area's due tasks done on time (excused
    ones, finished within an approved extension, count as on time). None when no task of the area was due."""
    if considered <= 0:
        return None
    return clamp_points(max_points * Decimal(on_time) / Decimal(considered), max_points)


def index_percent(points: Decimal, max_points: Decimal) -> Decimal:
    """The index as the councils publish it: points over the applicable maximum, in percent."""
    if max_points <= 0:
        return Decimal("0.00")
    return quantize(points * 100 / max_points)


# --- task completion ----------------------------------------------------------------------------------------------

ON_TIME, EXCUSED, LATE, NOT_DONE, NOT_DUE, EXCLUDED = "on_time", "excused", "late", "not_done", "not_due", "excluded"
OUTCOME_LABELS = {
    ON_TIME: "Hoàn thành đúng hạn",
    EXCUSED: "Hoàn thành trong hạn được gia hạn",
    LATE: "Hoàn thành quá hạn",
    NOT_DONE: "Chưa hoàn thành, đã quá hạn",
    NOT_DUE: "Chưa đến hạn",
    EXCLUDED: "Không tính (không thực hiện có lý do, thường xuyên chưa kết thúc)",
}
GRADED = (ON_TIME, EXCUSED, LATE, NOT_DONE)


def task_outcome(status: str, first_due: date | None, due: date | None, completed_on: date | None,
                 as_of: date) -> str:
    """Where a task stands for the completion grade on `as_of`.

    `first_due` is the due date before any approved extension, `due` the current one (after extensions).
    Done by the first due date: on time; after it but by the extended date: excused; after the current due date:
    late. Open past the current due date: not done. Open and not yet due: not due (not graded). Cancelled ("không
    thực hiện", with the reason the standing agency accepted) and open work without a date are not graded;
    finished work without a date counts as on time.
    """
    if status == "cancelled":
        return EXCLUDED
    if status == "done":
        if due is None or completed_on is None:
            return ON_TIME
        original = first_due or due
        if completed_on <= original:
            return ON_TIME
        return EXCUSED if completed_on <= due else LATE
    if due is None:
        return EXCLUDED
    return NOT_DONE if due < as_of else NOT_DUE


@dataclass(frozen=True)
class Weights:
    on_time: Decimal = Decimal(1)
    excused: Decimal = Decimal(1)
    late: Decimal = Decimal("0.5")
    not_done: Decimal = Decimal(0)

    def of(self, outcome: str) -> Decimal:
        return {ON_TIME: self.on_time, EXCUSED: self.excused, LATE: self.late, NOT_DONE: self.not_done}[outcome]


#: Grade bands modelled on the provinces' annual classification of agencies (Nghị định 90/2020/NĐ-CP's four
#: levels): the first band whose minimum the completion score reaches.
DEFAULT_BANDS: tuple[dict[str, Any], ...] = (
    {"min": 90, "label": "Hoàn thành xuất sắc nhiệm vụ"},
    {"min": 70, "label": "Hoàn thành tốt nhiệm vụ"},
    {"min": 50, "label": "Hoàn thành nhiệm vụ"},
    {"min": 0, "label": "Không hoàn thành nhiệm vụ"},
)


@dataclass(frozen=True)
class Grade:
    counts: dict[str, int]
    graded: int
    score: Decimal | None  # 0..100; None when no task was due
    band: str

    @property
    def label(self) -> str:
        return self.band or "Chưa có nhiệm vụ đến hạn"


def grade(outcomes: Iterable[str], weights: Weights = Weights(),
          bands: Sequence[Mapping[str, Any]] = DEFAULT_BANDS) -> Grade:
    """Score = 100 × Σ weight(outcome) ÷ number of graded tasks; the band is the first whose minimum it reaches."""
    counts = dict.fromkeys(OUTCOME_LABELS, 0)
    for outcome in outcomes:
        counts[outcome] += 1
    graded = sum(counts[o] for o in GRADED)
    if not graded:
        return Grade(counts, 0, None, "")
    score = quantize(sum((weights.of(o) * counts[o] for o in GRADED), Decimal(0)) * 100 / graded)
    return Grade(counts, graded, score, band_of(score, bands))


def band_of(score: Decimal, bands: Sequence[Mapping[str, Any]]) -> str:
    for band in sorted(bands, key=lambda b: Decimal(str(b["min"])), reverse=True):
        if score >= Decimal(str(band["min"])):
            return str(band["label"])
    return ""


def check_bands(bands: Sequence[Mapping[str, Any]]) -> list[str]:
    """Problems of an edited band list, in Vietnamese (empty when it is usable)."""
    problems = []
    if not bands:
        problems.append("Cần ít nhất một mức xếp loại.")
    seen: set[Decimal] = set()
    for band in bands:
        label = str(band.get("label", "")).strip()
        try:
            minimum = Decimal(str(band.get("min")))
        except ArithmeticError:
            problems.append(f"Mức “{label}”: điểm tối thiểu không phải là số.")
            continue
        if not label:
            problems.append("Mỗi mức cần có tên.")
        if not Decimal(0) <= minimum <= Decimal(100):
            problems.append(f"Mức “{label}”: điểm tối thiểu phải từ 0 đến 100.")
        if minimum in seen:
            problems.append(f"Hai mức cùng điểm tối thiểu {minimum}.")
        seen.add(minimum)
    if bands and Decimal(0) not in seen:
        problems.append("Cần một mức có điểm tối thiểu 0 (mức thấp nhất).")
    return problems


# --- rankings -----------------------------------------------------------------------------------------------------

TIE_RULE = ("Cơ quan có chỉ số bằng nhau (làm tròn đến 2 chữ số thập phân) đồng hạng; hạng kế tiếp bỏ qua số "
            "cơ quan đồng hạng (1, 2, 2, 4). Trong cùng hạng, xếp theo tên cơ quan.")


def competition_ranks(values: Sequence[Decimal | None]) -> list[int | None]:
    """Standard competition ranks of `values` (higher is better; None is not ranked), in the given order."""
    present = sorted((quantize(v) for v in values if v is not None), reverse=True)
    first_at: dict[Decimal, int] = {}
    for position, value in enumerate(present, start=1):
        first_at.setdefault(value, position)
    return [None if v is None else first_at[quantize(v)] for v in values]


def number_text(value: Decimal | float | int | None) -> str:
    """A figure as Vietnamese writes it: 12,5 and 0,75; whole numbers without decimals; blank for None."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
