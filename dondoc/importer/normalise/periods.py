"""Periodic reports the plan requires (SCHEMA.md `report_periods`).

Plans restate the reporting regime of Nghị định 09/2019/NĐ-CP in their
"chế độ báo cáo" section:

    ... gửi về UBND tỉnh trước ngày 15 của tháng cuối kỳ báo cáo. Thời điểm chốt
    số liệu của từng loại báo cáo như sau:
    - Báo cáo Quý I/2021: Thời gian chốt số liệu tính từ ngày 15/12/2020 đến ngày 14/3/2021.

Each data window ("từ ngày A đến [trước] ngày B") anchors one period; its name is
the period mentioned just before it (or, failing that, what the window spans).
The submission day comes from a date the period's own sentence gives, else from
the plan's general rule ("trước ngày 15 của tháng cuối kỳ" = the 14th of the
period's last month). A window stated once for all periods ("từ ngày 15 của
tháng trước kỳ báo cáo đến ngày 14 của tháng cuối kỳ") dates the reports the
paragraph names for the plan's year. A plan that dates no window sets no periods.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..body import paragraphs
from ..model import MAX_YEAR, MIN_YEAR, ReportPeriod
from ..text import akey


def _date_pat(p: str) -> str:
    """A day and month, with a year or "năm trước" or neither: "15/12/2020", "ngày 15 tháng 12 năm 2020"."""
    return (rf"(?:ngay\s+)?(?P<{p}d>\d{{1,2}})(?:\s*[/.-]\s*|\s+thang\s+)(?P<{p}m>\d{{1,2}})"
            rf"(?:(?:\s*[/.-]\s*|\s+nam\s+)(?P<{p}y>\d{{4}}))?"
            rf"(?:\s+(?:cua\s+)?nam\s+(?P<{p}r>truoc|nay|sau))?")


_WINDOW = re.compile(
    rf"\btu\s+{_date_pat('a')}(?:\s+\([^)]{{0,40}}\)|\s+[^\d.;:()]{{1,30}}?)?\s*,?\s*(?:den|toi)\s+"
    rf"(?:het\s+)?(?P<before>truoc\s+)?(?:het\s+)?{_date_pat('b')}")
_SUBMIT = re.compile(
    rf"\b(?P<how>truoc|cham nhat(?:\s+la)?|truoc hoac trong|khong qua)\s+(?:ngay\s+)?{_date_pat('s')}")
# the general rule: "trước ngày 15 của tháng cuối kỳ (báo cáo)", "chậm nhất ngày 14 tháng cuối quý"
_RULE = re.compile(r"\b(?P<how>truoc|cham nhat(?:\s+la)?|truoc hoac trong|khong qua)\s+(?:ngay\s+)?"
                   r"(?P<d>\d{1,2})\s+(?:cua\s+|hang\s+)?thang\s+cuoi\s+(?:cua\s+)?(?:moi\s+)?(?:ky|quy)")
_NAME = re.compile(
    r"\bquy\s+(?P<q>iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam|-)\s*(?P<qy>\d{4}))?"
    r"|\b(?P<n>6|06|sau|9|09|chin)\s+thang(?:\s+dau)?(?:\s*(?:nam|/)\s*(?P<ny>\d{4})|\s+(?:dau\s+)?nam\b)?"
    r"|\b(?:bao cao|ky|ca)\s+nam\b(?:\s+(?P<yy>\d{4}))?"
    r"|\bnam\s+(?P<bare>\d{4})\b")
_REPORTISH = re.compile(r"bao cao|so lieu")
# the window stated once for every period: "từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối kỳ"
_RELATIVE = re.compile(
    r"\btu\s+ngay\s+(?P<a>\d{1,2})\s+(?:cua\s+)?thang\s+(?:truoc|cuoi\s+(?:cua\s+)?ky\s+truoc|lien\s+ke\s+truoc)"
    r"[^.;]{0,40}?\s(?:den|toi)\s+(?:het\s+)?(?P<before>truoc\s+)?(?:het\s+)?ngay\s+(?P<b>\d{1,2})\s+"
    r"(?:cua\s+)?thang\s+cuoi\s+(?:cua\s+)?(?:moi\s+)?(?:ky|quy)")
_MENTIONS = {"q": re.compile(r"\bquy\b"), "h1": re.compile(r"\b(?:6|06|sau)\s+thang\b"),
             "m9": re.compile(r"\b(?:9|09|chin)\s+thang\b"), "y": re.compile(r"\bnam\b")}
_FIRST_MONTH = {"q1": 1, "q2": 4, "q3": 7, "q4": 10, "h1": 1, "m9": 1, "y": 1}
_ORDER = ("q1", "q2", "h1", "q3", "m9", "q4", "y")
_QUARTERS = {"i": 1, "1": 1, "ii": 2, "2": 2, "iii": 3, "3": 3, "iv": 4, "4": 4}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _ymd(y: int | None, m: int, d: int) -> date | None:
    if y is None or not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except (ValueError, OverflowError):
        return None


def _kind_of(m: re.Match[str]) -> tuple[str, int | None, bool]:
    """(kind, year, bare) of a period mention; kind is "q1".."q4", "h1", "m9" or "y"."""
    if m.group("q"):
        return f"q{_QUARTERS[m.group('q')]}", _int(m.group("qy")), False
    if m.group("n"):
        return ("h1" if m.group("n") in ("6", "06", "sau") else "m9"), _int(m.group("ny")), False
    if m.group("bare"):
        return "y", _int(m.group("bare")), True
    return "y", _int(m.group("yy")), False


def _int(text: str | None) -> int | None:
    return int(text) if text else None


_LAST_MONTH = {"q1": 3, "q2": 6, "q3": 9, "q4": 12, "h1": 6, "m9": 9, "y": 12}


def _name(kind: str, year: int | None) -> str:
    tail = f"/{year}" if year else ""
    if kind.startswith("q"):
        return f"Quý {_ROMAN[int(kind[1])]}{tail}"
    if kind == "h1":
        return f"6 tháng đầu năm {year}" if year else "6 tháng đầu năm"
    if kind == "m9":
        return f"9 tháng đầu năm {year}" if year else "9 tháng đầu năm"
    return f"Năm {year}" if year else "Năm"


def _kind_from_window(start: date | None, end: date) -> str:
    """What a window spans when no period is named: Q1, the first half, nine months, the year, ..."""
    from_prev_year = start is not None and start.year < end.year
    month = end.month
    if month in (6, 9, 12) and (from_prev_year or start is None and month == 12):
        return {6: "h1", 9: "m9", 12: "y"}[month]
    return f"q{(month - 1) // 3 + 1}"


def extract_report_periods(lines: list[str], plan_year: int | None,
                           paras: list[str] | None = None) -> list[ReportPeriod]:
    """The plan's report periods with data window and last submission day; [] when it dates none.

    `paras` are `body.paragraphs(lines)` when the caller has them already."""
    try:
        return _extract(paragraphs(lines) if paras is None else paras, plan_year)
    except Exception:  # noqa: BLE001 - periods are best effort; never sink an import over them
        return []


def _extract(paras: list[str], plan_year: int | None) -> list[ReportPeriod]:
    keys = [akey(p) for p in paras]
    rule_day: int | None = None
    for k in keys:
        r = _RULE.search(k)
        if r:
            day = int(r.group("d"))
            rule_day = day - 1 if r.group("how") == "truoc" else day  # "trước ngày 15" is the 14th at the latest
            break
    out: list[ReportPeriod] = []
    seen: set[tuple[date | None, date | None, date | None]] = set()
    relative: tuple[re.Match[str], str] | None = None
    for k in keys:
        if relative is None and _REPORTISH.search(k):
            r = _RELATIVE.search(k)
            if r:
                relative = (r, k)
        if not _REPORTISH.search(k):
            continue
        windows = list(_WINDOW.finditer(k))
        prev_end = 0
        for i, w in enumerate(windows):
            nxt = windows[i + 1].start() if i + 1 < len(windows) else len(k)
            period = _period(k, w, prev_end, nxt, plan_year, rule_day)
            prev_end = w.end()
            if period is None:
                continue
            sig = (period.data_from, period.data_to, period.submit_by)
            if sig not in seen:
                seen.add(sig)
                out.append(period)
    if not out and relative and plan_year:
        out = _relative_periods(*relative, plan_year, rule_day)
    return out


def _relative_periods(r: re.Match[str], k: str, year: int, rule_day: int | None) -> list[ReportPeriod]:
    """The periods a relative window covers, for the plan's year: the reports the paragraph names
    (quarterly, 6 months, 9 months, yearly), quarters 2 and 4 only where no 6-month or yearly report
    stands for them."""
    named = {kind for kind, rx in _MENTIONS.items() if rx.search(k)} or {"q", "h1", "y"}
    kinds = {x for x in named if x != "q"}
    if "q" in named:
        kinds |= {"q1", "q3"} | ({"q2"} if "h1" not in named else set()) | ({"q4"} if "y" not in named else set())
    out = []
    for kind in _ORDER:
        if kind not in kinds:
            continue
        first, last = _FIRST_MONTH[kind], _LAST_MONTH[kind]
        start = _ymd(year - 1, 12, int(r.group("a"))) if first == 1 else _ymd(year, first - 1, int(r.group("a")))
        end = _ymd(year, last, int(r.group("b")))
        if end and r.group("before"):
            end -= timedelta(days=1)
        submit = _ymd(year, last, rule_day) if rule_day else None
        out.append(ReportPeriod(name=_name(kind, year), data_from=start, data_to=end, submit_by=submit))
    return out


def _period(k: str, w: re.Match[str], span_start: int, span_end: int, plan_year: int | None,
            rule_day: int | None) -> ReportPeriod | None:
    mentions = [_kind_of(m) for m in _NAME.finditer(k, span_start, w.start())]
    named = [x for x in mentions if not x[2]] or mentions
    kind, year = (named[-1][0], named[-1][1]) if named else (None, None)
    ref_year = year or _int(w.group("by")) or plan_year
    if ref_year is None:
        return None
    end = _end_of(w, kind, ref_year)
    if end is None:
        return None
    start = _start_of(w, end)
    if kind is None or _LAST_MONTH[kind] not in (end.month, (end + timedelta(days=1)).month):
        kind = _kind_from_window(start, end)
    period_year = year or end.year
    last_month = _LAST_MONTH[kind]
    submit = None
    s = _SUBMIT.search(k, w.end(), span_end)
    if s:
        sy = _int(s.group("sy")) or period_year
        submit = _ymd(sy, int(s.group("sm")), int(s.group("sd")))
        if submit and s.group("how") == "truoc":
            submit -= timedelta(days=1)
    if submit is None and rule_day:
        submit = _ymd(period_year, last_month, rule_day)
    return ReportPeriod(name=_name(kind, period_year), data_from=start, data_to=end, submit_by=submit)


def _end_of(w: re.Match[str], kind: str | None, ref_year: int) -> date | None:
    y = _int(w.group("by"))
    if y is None:
        y = ref_year - 1 if w.group("br") == "truoc" else ref_year
    end = _ymd(y, int(w.group("bm")), int(w.group("bd")))
    if end and w.group("before"):
        end -= timedelta(days=1)  # "đến trước ngày 14/3" ends on the 13th
    return end


def _start_of(w: re.Match[str], end: date) -> date | None:
    d, m = int(w.group("ad")), int(w.group("am"))
    y = _int(w.group("ay"))
    if y is None:  # "15/12 năm trước", or a day after the window's end: the year before
        y = end.year - 1 if w.group("ar") == "truoc" or (m, d) > (end.month, end.day) else end.year
    return _ymd(y, m, d)
