"""The one-stop-shop indicators dondoc computes, and which plan target speaks of which.

One place for each indicator's code, Vietnamese name, unit and formula as shown to officers; the SQL that
computes them lives in ``dossiers/compute.py`` and must agree with the formulas written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.importer.text import key


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    unit: str  # "%", "hồ sơ", "ngày"
    formula: str
    bindable: bool = True  # a plan target can be bound to it


METRICS: tuple[Metric, ...] = (
    Metric("received", "Số hồ sơ tiếp nhận", "hồ sơ",
           "Hồ sơ có ngày tiếp nhận trong kỳ (mọi trạng thái, kể cả bị trả lại hoặc rút)."),
    Metric("finished", "Số hồ sơ đã giải quyết", "hồ sơ",
           "Hồ sơ có trạng thái đã giải quyết và ngày hoàn thành trong kỳ."),
    Metric("on_time_rate", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", "%",
           "(Số hồ sơ hoàn thành trước hoặc đúng ngày hẹn trả) ÷ (số hồ sơ đã giải quyết trong kỳ có ngày hẹn trả)"
           " × 100. Hoàn thành đúng ngày hẹn trả là đúng hạn."),
    Metric("late", "Số hồ sơ giải quyết quá hạn", "hồ sơ",
           "Hồ sơ đã giải quyết trong kỳ, ngày hoàn thành sau ngày hẹn trả."),
    Metric("open_overdue", "Số hồ sơ đang giải quyết đã quá hạn", "hồ sơ",
           "Hồ sơ tiếp nhận đến cuối kỳ, đến hết ngày cuối kỳ chưa giải quyết (không bị trả lại, không rút) và"
           " ngày hẹn trả không sau ngày cuối kỳ."),
    Metric("apology_rate", "Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi", "%",
           "(Hồ sơ quá hạn có thư xin lỗi) ÷ (hồ sơ giải quyết quá hạn trong kỳ + hồ sơ đang giải quyết quá hạn"
           " cuối kỳ) × 100."),
    Metric("online_rate", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "%",
           "(Hồ sơ tiếp nhận trong kỳ qua kênh trực tuyến) ÷ (hồ sơ tiếp nhận trong kỳ) × 100."),
    Metric("full_online_rate", "Tỷ lệ hồ sơ trực tuyến toàn trình", "%",
           "(Hồ sơ tiếp nhận trực tuyến trong kỳ theo dịch vụ công toàn trình) ÷ (hồ sơ tiếp nhận trong kỳ) × 100."),
    Metric("postal_rate", "Tỷ lệ hồ sơ qua dịch vụ bưu chính công ích", "%",
           "(Hồ sơ tiếp nhận trong kỳ qua bưu chính công ích) ÷ (hồ sơ tiếp nhận trong kỳ) × 100."),
    Metric("dossier_digitised_rate", "Tỷ lệ số hóa hồ sơ", "%",
           "(Hồ sơ tiếp nhận trong kỳ được số hóa thành phần hồ sơ) ÷ (hồ sơ tiếp nhận trong kỳ) × 100."),
    Metric("result_digitised_rate", "Tỷ lệ số hóa kết quả giải quyết", "%",
           "(Hồ sơ đã giải quyết trong kỳ có kết quả được số hóa) ÷ (hồ sơ đã giải quyết trong kỳ) × 100."),
    Metric("avg_processing_days", "Thời gian giải quyết trung bình", "ngày",
           "Trung bình (thời điểm hoàn thành − thời điểm tiếp nhận) của hồ sơ đã giải quyết trong kỳ, tính bằng"
           " ngày (36 giờ là 1,5 ngày)."),
    Metric("median_processing_days", "Thời gian giải quyết trung vị", "ngày",
           "Trung vị (thời điểm hoàn thành − thời điểm tiếp nhận) của hồ sơ đã giải quyết trong kỳ, tính bằng"
           " ngày."),
    Metric("satisfaction_rate", "Tỷ lệ hài lòng", "%",
           "(Lượt đánh giá hài lòng hoặc rất hài lòng, từ 4/5 trở lên, của hồ sơ đã giải quyết trong kỳ)"
           " ÷ (lượt đánh giá) × 100; hồ sơ không được đánh giá không tính."),
    Metric("dossiers_per_officer", "Số hồ sơ tiếp nhận bình quân của 01 nhân sự Bộ phận Một cửa", "hồ sơ",
           "(Hồ sơ tiếp nhận trong kỳ) ÷ (số nhân sự trực tại Bộ phận Một cửa đã khai báo) × 365 ÷ (số ngày của kỳ):"
           " quy đổi theo năm để so được với chỉ tiêu năm; chỉ có khi đã khai báo nhân sự."),
)
# Counts reported beside the indicators (not bindable: no plan states a target in them).
COUNTS: tuple[Metric, ...] = (
    Metric("judged", "Hồ sơ đã giải quyết có ngày hẹn trả", "hồ sơ", "Mẫu số của tỷ lệ đúng hạn.", False),
    Metric("early", "Số hồ sơ giải quyết trước hạn", "hồ sơ", "Ngày hoàn thành trước ngày hẹn trả.", False),
    Metric("on_time", "Số hồ sơ giải quyết đúng hạn", "hồ sơ", "Ngày hoàn thành trùng ngày hẹn trả.", False),
    Metric("open", "Số hồ sơ đang giải quyết cuối kỳ", "hồ sơ",
           "Tiếp nhận đến cuối kỳ, đến hết ngày cuối kỳ chưa giải quyết, không bị trả lại, không rút.", False),
    Metric("apology", "Số hồ sơ quá hạn có thư xin lỗi", "hồ sơ", "", False),
    Metric("online", "Số hồ sơ trực tuyến", "hồ sơ", "", False),
    Metric("full_online", "Số hồ sơ trực tuyến toàn trình", "hồ sơ", "", False),
    Metric("postal", "Số hồ sơ qua bưu chính công ích", "hồ sơ", "", False),
    Metric("dossier_digitised", "Số hồ sơ được số hóa", "hồ sơ", "", False),
    Metric("result_digitised", "Số kết quả được số hóa", "hồ sơ", "", False),
    Metric("rated", "Số lượt đánh giá", "lượt", "", False),
    Metric("satisfied", "Số lượt hài lòng", "lượt", "", False),
    Metric("rejected", "Số hồ sơ bị trả lại, từ chối", "hồ sơ", "Tiếp nhận trong kỳ, trả lại không giải quyết.",
           False),
    Metric("withdrawn", "Số hồ sơ công dân rút", "hồ sơ", "Tiếp nhận trong kỳ, công dân xin rút.", False),
    Metric("officers", "Số nhân sự Bộ phận Một cửa", "người", "Khai báo theo cơ quan và năm.", False),
)
METRIC_BY_CODE = {m.code: m for m in (*METRICS, *COUNTS)}
BINDABLE = [m for m in METRICS if m.bindable]


# Which target text speaks of which indicator: the first rule whose pattern matches the accent-free text and
# whose exclusion does not. A target about services or counters ("60% dịch vụ công trực tuyến", "50% Bộ phận
# Một cửa") is not a dossier rate and stays unbound; an officer can bind any target by hand.
_RULES: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]] = [
    ("apology_rate", re.compile(r"xin loi"), None),
    ("on_time_rate", re.compile(r"(?:giai quyet|xu ly)[^.;]*(?:dung han|truoc han)|(?:dung han|truoc han)[^.;]*"
                                r"(?:ho so|tthc)|ty le giai quyet dung han"), None),
    ("satisfaction_rate", re.compile(r"hai long"), re.compile(r"hai long[^.;]*(?:giao duc|y te|linh vuc)")),
    ("dossiers_per_officer", re.compile(r"nang suat[^.;]*ho so|ho so[^.;]*(?:01|mot) nhan su"), None),
    ("result_digitised_rate", re.compile(r"so hoa[^.;]*ket qua(?: giai quyet)?|ket qua[^.;]*duoc so hoa"),
     re.compile(r"bo phan mot cua|quy trinh so hoa")),
    ("dossier_digitised_rate", re.compile(r"so hoa[^.;]*ho so|ho so[^.;]*duoc so hoa"),
     re.compile(r"bo phan mot cua|quy trinh so hoa")),
    ("full_online_rate", re.compile(r"ho so[^.;]*toan trinh|toan trinh[^.;]*ho so"),
     re.compile(r"thu tuc hanh chinh du dieu kien|tthc du dieu kien|dich vu cong toan trinh$")),
    ("online_rate", re.compile(r"(?:ho so|nguoi dan thuc hien)[^.;]*truc tuyen|truc tuyen[^.;]*(?:ho so|tong so)"),
     re.compile(r"(?:cung cap|trien khai)[^.;]*\d+ ?% dich vu cong|dich vu cong truc tuyen duoc")),
]


# A growth target ("tăng thêm 20%") states a change, not the level an indicator reaches.
_GROWTH = re.compile(r"\btang\b[^.;]*\d+ ?%|\bthem \d+ ?%")


def guess_metric(text: str) -> str | None:
    """The indicator a target's text states a level for, or None when none of ours measures it."""
    k = " ".join(key(text).split())
    if _GROWTH.search(k):
        return None
    for code, pattern, exclusion in _RULES:
        if pattern.search(k) and not (exclusion and exclusion.search(k)):
            return code
    return None


_LEVEL_BEFORE_VALUE = re.compile(r"cap (tinh|huyen|xa)\W*(?:la\W*)?(\d+(?:[.,]\d+)?)\s*%")
_LEVEL_CODES = {"tinh": "province", "huyen": "district", "xa": "commune"}


def guess_level(text: str, value: float | None) -> str:
    """The administrative level a target's value is for, when the text splits it by level
    ("cấp tỉnh 30%, cấp huyện 20%, cấp xã 15%"); "" when it applies to every level."""
    if value is None:
        return ""
    for level, number in _LEVEL_BEFORE_VALUE.findall(" ".join(key(text).split())):
        if float(number.replace(",", ".")) == float(value):
            return _LEVEL_CODES[level]
    return ""


MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
ACHIEVEMENT_LABELS = {MET: "Đạt", NOT_MET: "Chưa đạt", NO_DATA: "Chưa có số liệu"}


def achievement(comparator: str, goal: float | None, actual: float | None) -> str:
    """Đạt / chưa đạt / chưa có số liệu. "Phấn đấu 100%" is read as at least 100% (comparator "=" on a
    ceiling value behaves the same), a cap ("tối đa 30 phút") as at most."""
    if actual is None or goal is None:
        return NO_DATA
    if comparator == "<=":
        return MET if actual <= goal else NOT_MET
    if comparator == "=" and goal < 100:
        return MET if abs(actual - goal) < 1e-9 else NOT_MET
    return MET if actual >= goal else NOT_MET
