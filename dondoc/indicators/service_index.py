"""The service-quality index of Quyết định 766/QĐ-TTg ngày 23/6/2022 of the Prime Minister: "Bộ chỉ số chỉ đạo,
điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công
theo thời gian thực trên môi trường điện tử". Pure Python (no Django): ``evaluate`` turns dondoc's dossier
indicators (``metrics.py``) and the values an officer enters by hand into points out of 100.

Five groups: Công khai, minh bạch 18; Tiến độ, kết quả giải quyết 20; Số hóa hồ sơ 22; Cung cấp dịch vụ trực
tuyến 22; Mức độ hài lòng 18.

Sources:

- the decision itself (thuviennhadat.vn/vbpl/quyet-dinh-766-qd-ttg-2022-...-518821.html) and its published
  summaries (vietjack.me/phap-luat/quyet-dinh-766-qd-ttg-2271.html, lamdong.dcs.vn, baocaotaichinh.vn): the five
  groups and their maxima, the three rates of "Mức độ hài lòng" and their formulas, 4/18 points for TTHC updated
  and published on time, 6/18 for satisfaction in receiving and settling dossiers, 20 points for dossiers
  settled on time;
- the National Public Service Portal's own scoring (dichvucong.gov.vn/api/v1/reporting/evaluation/...): its
  criteria table "Công thức 766.xlsx" (sheet METRICS: each criterion's maximum and formula), its description
  "Mô tả công thức tính chỉ số 766.docx" (thresholds: 80%, 50%, 90%) and the portal's published scores, as
  recorded and reverse-engineered in the public repository ChippedTopaz/qd766 (docs/metrics.m0.json,
  docs/SCORING_ANALYSIS_M0.md). The portal shows "Cung cấp dịch vụ trực tuyến" as two cards, "Dịch vụ công trực
  tuyến" 12 and "Thanh toán trực tuyến" 10; here they are one group of 22 as in the decision.

Per-criterion points follow the portal's current configuration; a criterion whose points or rule could not be
confirmed says so in its ``note``. Criteria that need data a one-stop export does not carry (publication on the
national TTHC database, synchronisation with the portal, procedures offered online, online payment, reuse of
digitised data, feedback handling) are ``manual``: an officer enters the rate and the same rule gives the points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Source = Literal["computed", "manual"]
Values = Mapping[str, float | int | None]


@dataclass(frozen=True)
class Criterion:
    code: str  # "1.1", ...
    name: str
    max_points: float
    formula: str  # shown to officers: what the rate is and how it becomes points
    source: Source
    inputs: tuple[str, ...]  # metric codes (computed) or the one manual input code (manual)
    note: str = ""  # what is not confirmed by the sources
    full_at: float = 100.0  # the rate (%) from which the criterion earns its maximum


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    max_points: float
    criteria: tuple[Criterion, ...]


@dataclass
class CriterionScore:
    criterion: Criterion
    value: float | None  # the rate or input used, %
    points: float | None  # None: "chưa có số liệu"


@dataclass
class GroupScore:
    group: Group
    criteria: list[CriterionScore]
    points: float  # sum of the known points
    complete: bool


@dataclass
class IndexScore:
    groups: list[GroupScore]
    points: float
    max_points: float
    complete: bool
    missing: list[str]  # criterion codes without data


def _num(x: float) -> str:
    """A number as Vietnamese writes it: 12,5 — integers without decimals."""
    return f"{x:g}".replace(".", ",")


def _rule(max_points: float, full_at: float) -> str:
    if full_at >= 100:
        return f"Điểm = tỷ lệ (%) × {_num(max_points)} ÷ 100."
    return (f"Đạt từ {_num(full_at)}% trở lên: {_num(max_points)} điểm; dưới {_num(full_at)}%: "
            f"Điểm = tỷ lệ (%) × {_num(max_points)} ÷ {_num(full_at)}.")


def _c(code: str, name: str, max_points: float, source: Source, inputs: tuple[str, ...], definition: str, *,
       full_at: float = 100.0, note: str = "") -> Criterion:
    return Criterion(code, name, max_points, f"{definition} {_rule(max_points, full_at)}", source, inputs, note,
                     full_at)


_PORTAL_DVCTT = ("Điểm từng chỉ tiêu (2 + 4 + 6) suy ra từ điểm Cổng DVCQG công bố cho thẻ \"Dịch vụ công trực "
                 "tuyến\" 12 điểm; bảng chỉ tiêu của Cổng chỉ ghi 12 điểm cho cả thẻ, chưa xác nhận từ văn bản.")
_PORTAL_PAYMENT = ("Điểm từng chỉ tiêu (2 + 2 + 6) suy ra từ điểm Cổng DVCQG công bố cho thẻ \"Thanh toán trực "
                   "tuyến\" 10 điểm; bảng chỉ tiêu của Cổng chỉ ghi 10 điểm cho tỷ lệ hồ sơ thanh toán trực tuyến, "
                   "chưa xác nhận từ văn bản.")

GROUPS: tuple[Group, ...] = (
    Group("1", "Công khai, minh bạch", 18, (
        _c("1.1", "Tỷ lệ thủ tục hành chính công bố đúng hạn", 6, "manual", ("tthc_published_on_time_rate",),
           "Tỷ lệ = số TTHC công bố đúng hạn ÷ tổng số TTHC phải công bố trong kỳ (ban hành mới, sửa đổi, bổ sung,"
           " bãi bỏ) × 100, theo Cơ sở dữ liệu quốc gia về TTHC."),
        _c("1.2", "Tỷ lệ thủ tục hành chính được cập nhật, công khai đúng hạn trên Cơ sở dữ liệu quốc gia về TTHC", 4,
           "manual", ("tthc_disclosed_on_time_rate",),
           "Tỷ lệ = số TTHC được cập nhật, công khai đúng hạn trên Cơ sở dữ liệu quốc gia về TTHC ÷ tổng số TTHC phải"
           " cập nhật, công khai trong kỳ × 100."),
        _c("1.3", "Tỷ lệ thủ tục hành chính được công khai đầy đủ các bộ phận tạo thành", 2, "manual",
           ("tthc_disclosed_complete_rate",),
           "Tỷ lệ = số TTHC công khai đủ các bộ phận tạo thành (khoản 2 Điều 8 Nghị định 63/2010/NĐ-CP) ÷ tổng số"
           " TTHC đang công khai trên Cơ sở dữ liệu quốc gia về TTHC × 100."),
        _c("1.4", "Tỷ lệ hồ sơ được đồng bộ trạng thái theo thời gian thực với Cổng Dịch vụ công quốc gia", 6,
           "manual", ("dossier_synced_rate",),
           "Tỷ lệ = số hồ sơ đồng bộ đúng hạn thông tin tiếp nhận, giải quyết lên Cổng Dịch vụ công quốc gia ÷ tổng"
           " số hồ sơ tiếp nhận, đang giải quyết hoặc trả kết quả trong kỳ × 100."),
    )),
    Group("2", "Tiến độ, kết quả giải quyết", 20, (
        _c("2.1", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (kể cả hồ sơ đang xử lý trong hạn)", 20, "computed",
           ("early", "on_time", "judged", "open", "open_overdue"),
           "Tỷ lệ = (hồ sơ giải quyết trước hạn + hồ sơ giải quyết đúng hạn + hồ sơ đang giải quyết cuối kỳ chưa quá"
           " hạn) ÷ (hồ sơ đã giải quyết trong kỳ có ngày hẹn trả + hồ sơ đang giải quyết cuối kỳ) × 100.",
           note="Cổng DVCQG tính trên hồ sơ đồng bộ và trừ thời gian chờ bổ sung; ở đây tính từ dữ liệu xuất: hồ sơ"
                " đã giải quyết không có ngày hẹn trả không tính, hồ sơ đang giải quyết không có ngày hẹn trả tính là"
                " trong hạn."),
    )),
    Group("3", "Số hóa hồ sơ", 22, (
        _c("3.1", "Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử", 6, "computed",
           ("result_digitised_rate",),
           "Tỷ lệ = hồ sơ đã giải quyết trong kỳ có kết quả được số hóa ÷ hồ sơ đã giải quyết trong kỳ × 100.",
           note="Cổng DVCQG chỉ tính TTHC có quy định trả kết quả bằng văn bản, giấy tờ; dữ liệu xuất không phân"
                " biệt nên tính trên mọi hồ sơ đã giải quyết."),
        _c("3.2", "Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ", 4, "computed", ("dossier_digitised_rate",),
           "Tỷ lệ = hồ sơ tiếp nhận trong kỳ được số hóa thành phần hồ sơ ÷ hồ sơ tiếp nhận trong kỳ × 100.",
           note="Quy tắc điểm chưa xác nhận: bản mô tả công thức của Cổng DVCQG ghi đạt 80% được điểm tối đa, còn"
                " điểm Cổng công bố khớp cách tính tỷ lệ × 4 ÷ 100 (dùng cách này). Cổng còn đòi hồ sơ có kết quả"
                " điện tử."),
        _c("3.3", "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa", 2, "manual",
           ("digitised_reuse_rate",),
           "Tỷ lệ = hồ sơ có thành phần được thay thế bằng thông tin, dữ liệu, giấy tờ điện tử đã số hóa (không yêu"
           " cầu nộp lại) ÷ hồ sơ tiếp nhận trong kỳ × 100.", full_at=80),
        _c("3.4", "Tỷ lệ hồ sơ TTHC được số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng", 4, "manual",
           ("digitised_shared_rate",),
           "Tỷ lệ = hồ sơ có thành phần lấy từ kho dữ liệu của cá nhân, tổ chức hoặc có kết quả điện tử đồng bộ vào"
           " kho trên Cổng Dịch vụ công quốc gia ÷ hồ sơ tiếp nhận trong kỳ × 100.",
           note="Hệ số chưa xác nhận: điểm Cổng DVCQG công bố chỉ có mẫu tỷ lệ 0%; tạm tính tỷ lệ × 4 ÷ 100."),
        _c("3.5", "Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư phục vụ giải quyết TTHC", 2, "manual",
           ("population_data_procedure_rate",),
           "Tỷ lệ = số TTHC có hồ sơ khai thác dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư ÷ số TTHC có đối tượng"
           " thực hiện là cá nhân × 100."),
        _c("3.6", "Tỷ lệ hồ sơ TTHC có sử dụng thông tin, dữ liệu dân cư", 2, "manual",
           ("population_data_dossier_rate",),
           "Tỷ lệ = hồ sơ có sử dụng thông tin, dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư ÷ tổng số hồ sơ × 100."),
        _c("3.7", "Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính", 2, "manual",
           ("e_certified_copy_rate",),
           "Tỷ lệ = số xã cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính ÷ tổng số xã thuộc phạm vi quản"
           " lý × 100."),
    )),
    Group("4", "Cung cấp dịch vụ trực tuyến", 22, (
        _c("4.1", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", 2, "manual", ("online_procedure_rate",),
           "Tỷ lệ = số TTHC có dịch vụ công trực tuyến (một phần hoặc toàn trình) công khai trên Cổng ÷ tổng số TTHC"
           " thuộc thẩm quyền giải quyết × 100.", full_at=80, note=_PORTAL_DVCTT),
        _c("4.2", "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ", 4, "manual", ("online_service_used_rate",),
           "Tỷ lệ = số dịch vụ công trực tuyến có hồ sơ tiếp nhận trực tuyến trong kỳ ÷ tổng số dịch vụ công trực"
           " tuyến đang cung cấp × 100.", note=_PORTAL_DVCTT),
        _c("4.3", "Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến", 6, "computed", ("online_rate",),
           "Tỷ lệ = hồ sơ tiếp nhận trực tuyến trong kỳ ÷ hồ sơ tiếp nhận trong kỳ × 100.", full_at=50,
           note=_PORTAL_DVCTT + " Cổng chỉ tính hồ sơ trực tuyến có kết quả điện tử (khi TTHC trả kết quả bằng giấy"
                " tờ) và nhân với tỷ lệ đồng bộ hồ sơ; dữ liệu xuất không cho phép."),
        _c("4.4", "Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến trên Cổng Dịch vụ công"
           " quốc gia", 2, "manual", ("payment_integrated_procedure_rate",),
           "Tỷ lệ = số TTHC có hồ sơ đồng bộ dữ liệu phí, lệ phí lên Cổng ÷ số TTHC có phí, lệ phí trong Cơ sở dữ"
           " liệu quốc gia về TTHC × 100.", full_at=80, note=_PORTAL_PAYMENT),
        _c("4.5", "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến", 2, "manual", ("payment_used_procedure_rate",),
           "Tỷ lệ = số TTHC có phí, lệ phí có hồ sơ thanh toán trực tuyến thành công trong kỳ ÷ số TTHC có phí,"
           " lệ phí × 100.", full_at=80, note=_PORTAL_PAYMENT),
        _c("4.6", "Tỷ lệ hồ sơ thanh toán trực tuyến", 6, "manual", ("online_payment_dossier_rate",),
           "Tỷ lệ = hồ sơ thanh toán phí, lệ phí, nghĩa vụ tài chính trực tuyến ÷ hồ sơ của các TTHC có phí, lệ phí"
           " × 100.", note=_PORTAL_PAYMENT),
    )),
    Group("5", "Mức độ hài lòng", 18, (
        _c("5.1", "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn", 6, "manual", ("feedback_on_time_rate",),
           "Tỷ lệ = phản ánh, kiến nghị xử lý đúng hạn, trước hạn và đang xử lý trong hạn ÷ tổng số phản ánh, kiến"
           " nghị thuộc thẩm quyền × 100; không có phản ánh, kiến nghị trong kỳ thì nhập 100."),
        _c("5.2", "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị", 6, "manual", ("feedback_satisfaction_rate",),
           "Tỷ lệ = (tổng số phản ánh, kiến nghị − số bị phản hồi không hài lòng, tiếp tục phản ánh về kết quả hoặc"
           " xử lý quá hạn) ÷ tổng số phản ánh, kiến nghị × 100; không có phản ánh, kiến nghị trong kỳ thì nhập 100."),
        _c("5.3", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC", 6, "computed",
           ("finished", "open", "late", "open_overdue", "rated", "satisfied"),
           "Tỷ lệ = (hồ sơ đã giải quyết trong kỳ + hồ sơ đang giải quyết cuối kỳ − hồ sơ giải quyết quá hạn − hồ sơ"
           " đang giải quyết quá hạn − lượt đánh giá dưới mức hài lòng) ÷ (hồ sơ đã giải quyết trong kỳ + hồ sơ đang"
           " giải quyết cuối kỳ) × 100.", full_at=90,
           note="Dữ liệu xuất không có phản ánh, kiến nghị gắn với hồ sơ: chỉ trừ hồ sơ quá hạn và lượt đánh giá"
                " dưới 4/5 (kể cả mức bình thường). Cổng DVCQG chấm 0 điểm khi không có hồ sơ; ở đây để chưa có"
                " số liệu."),
    )),
)
CRITERIA: tuple[Criterion, ...] = tuple(c for g in GROUPS for c in g.criteria)
CRITERION_BY_CODE = {c.code: c for c in CRITERIA}

# What the officer enters for each manual criterion, with its unit.
MANUAL_INPUTS: dict[str, str] = {
    "tthc_published_on_time_rate": "Tỷ lệ TTHC công bố đúng hạn (%)",
    "tthc_disclosed_on_time_rate": "Tỷ lệ TTHC được cập nhật, công khai đúng hạn trên CSDL quốc gia về TTHC (%)",
    "tthc_disclosed_complete_rate": "Tỷ lệ TTHC công khai đầy đủ các bộ phận tạo thành (%)",
    "dossier_synced_rate": "Tỷ lệ hồ sơ đồng bộ trạng thái với Cổng Dịch vụ công quốc gia (%)",
    "digitised_reuse_rate": "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa (%)",
    "digitised_shared_rate": "Tỷ lệ hồ sơ được số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng (%)",
    "population_data_procedure_rate": "Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư (%)",
    "population_data_dossier_rate": "Tỷ lệ hồ sơ có sử dụng thông tin, dữ liệu dân cư (%)",
    "e_certified_copy_rate": "Tỷ lệ xã cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính (%)",
    "online_procedure_rate": "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến (%)",
    "online_service_used_rate": "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ (%)",
    "payment_integrated_procedure_rate": "Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến (%)",
    "payment_used_procedure_rate": "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến (%)",
    "online_payment_dossier_rate": "Tỷ lệ hồ sơ thanh toán trực tuyến (%)",
    "feedback_on_time_rate": "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn (%; không có phản ánh, kiến nghị: 100)",
    "feedback_satisfaction_rate": "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị (%; không có phản ánh, kiến"
                                  " nghị: 100)",
}


def _get(values: Values, name: str) -> float | None:
    """A number from ``values``; absent, None, a bool or NaN counts as missing."""
    v = values.get(name)
    if isinstance(v, bool) or not isinstance(v, int | float | Decimal):  # Decimal: as a database may return
        return None
    f = float(v)
    return None if math.isnan(f) else f


def _counts(values: Values, names: tuple[str, ...]) -> list[float] | None:
    got: list[float] = []
    for n in names:
        v = _get(values, n)
        if v is None:
            return None
        got.append(v)
    return got


# Computed criteria whose rate is not one of ``metrics.py``'s rates. A zero denominator (no dossier to judge)
# gives no value, hence points None ("chưa có số liệu") rather than 0: a unit without dossiers is not failing.
# Rates of ``metrics.py`` already come as None on a zero denominator.
def _handled_in_time(values: Values) -> float | None:
    c = _counts(values, ("early", "on_time", "judged", "open", "open_overdue"))
    if c is None:
        return None
    early, on_time, judged, open_, open_overdue = c
    total = judged + open_
    return 100.0 * (early + on_time + open_ - open_overdue) / total if total else None


def _dossier_satisfaction(values: Values) -> float | None:
    c = _counts(values, ("finished", "open", "late", "open_overdue", "rated", "satisfied"))
    if c is None:
        return None
    finished, open_, late, open_overdue, rated, satisfied = c
    total = finished + open_
    if not total:
        return None
    bad = late + open_overdue + max(rated - satisfied, 0.0)
    return max(0.0, 100.0 * (total - bad) / total)


_VALUES: dict[str, Callable[[Values], float | None]] = {
    "2.1": _handled_in_time,
    "5.3": _dossier_satisfaction,
}


def points_for(criterion: Criterion, value: float | None) -> float | None:
    """The points a rate (%) earns: max × rate ÷ full_at, within [0, max], to 2 decimals."""
    if value is None:
        return None
    raw = criterion.max_points * value / criterion.full_at
    return round(min(criterion.max_points, max(0.0, raw)), 2)


def _value(criterion: Criterion, indicators: Values, manual: Values) -> float | None:
    if criterion.source == "manual":
        return _get(manual, criterion.inputs[0])
    rule = _VALUES.get(criterion.code)
    return rule(indicators) if rule else _get(indicators, criterion.inputs[0])


def evaluate(indicators: Mapping[str, float | int | None],
             manual: Mapping[str, float | None] | None = None) -> IndexScore:
    """The index for one unit and period: ``indicators`` as ``dossiers.compute`` returns them (counts and rates),
    ``manual`` the values an officer entered (codes of ``MANUAL_INPUTS``; other keys are ignored)."""
    manual = manual or {}
    groups: list[GroupScore] = []
    missing: list[str] = []
    for group in GROUPS:
        scores: list[CriterionScore] = []
        for c in group.criteria:
            value = _value(c, indicators, manual)
            pts = points_for(c, value)
            if pts is None:
                missing.append(c.code)
            scores.append(CriterionScore(c, None if value is None else round(value, 2), pts))
        known = [s.points for s in scores if s.points is not None]
        groups.append(GroupScore(group, scores, round(sum(known), 2), len(known) == len(scores)))
    return IndexScore(groups, round(sum(g.points for g in groups), 2), float(sum(g.max_points for g in GROUPS)),
                      not missing, missing)
