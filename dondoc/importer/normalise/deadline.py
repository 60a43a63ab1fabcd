"""Vietnamese deadline grammar -> Schedule (SCHEMA.md `schedule`).

A deadline cell mixes several kinds of statement, often in one cell split by
list dashes or semicolons ("- Ban hành kế hoạch tháng 01/2021 - Báo cáo theo 6
tháng, năm"). Each clause is read on its accent-free, lower-case key (so that
"Thuong xuyen", "THƯỜNG XUYÊN" and "thường xuyên" read alike) by a fixed series
of passes. Every pass masks what it consumed with "#", so that a later, looser
pass cannot read the same words again: "6 tháng/lần" is twice_yearly and must not
also give semiannual, "6 tháng đầu năm" is a date and not a rhythm, "tháng
01-02/2021" is a month range and not the day 1 February.

Order of the passes (each one on what the earlier ones left):
 1. per-period counts  ("2 lần/năm", "01 năm 2 lần", "6 tháng/lần")
 2. ongoing phrases    ("thường xuyên", "các năm tiếp theo")
 3. half years         ("6 tháng đầu năm", "9 tháng đầu năm", "giữa năm")
 4. written-out days   ("ngày 15 tháng 6 năm 2021")
 5. months, quarters   ("Tháng 01/2021", "T12/2021", "Quý II, III/2021")
 6. numeric days       ("Trước 15/6/2021", "chậm nhất ngày 10/01/2023")
 7. rhythm lists       ("hàng quý, 6 tháng và năm", "Báo cáo quý, 6 tháng, một năm")
 8. years and spans    ("Năm 2021", "Năm 2023-2025", "trong năm")
Conditions ("Khi có ...", "Sau khi ...", "Theo hướng dẫn ...") are found on the
whole clause first: a date written after a condition trigger belongs to the
condition (a cited document's date, "tháng 6" of an expected event) unless a
deadline word introduces it ("Sau khi có hướng dẫn, thực hiện trong quý III/2021")
or a comma closes the condition before it ("Theo hướng dẫn của Bộ, quý IV/2022").
Passes 7 and 8 overlap on purpose: in "hàng quý, 6 tháng và năm 2021" the "năm"
is both a rhythm of the list and the year 2021 (gold 000 reads both).

Only the standard library is used and every pattern is compiled once; each pass
is one regex scan, so parsing is linear in the cell length.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from ..model import MAX_YEAR, MIN_YEAR, RECURRENCES, Schedule
from ..text import fold, key

# --- pre-processing on the accented text --------------------------------------------------------
# Number words are only unambiguous with their diacritics ("sáu" six vs "sau" after), so they are
# turned into digits before the accents are stripped.
_NUMBER_WORDS = [
    (re.compile(r"\bmười\s+hai\b"), "12"),
    (re.compile(r"\bsáu\b"), "6"),
    (re.compile(r"\bchín\b"), "9"),
    (re.compile(r"\bbốn\b"), "4"),
    (re.compile(r"\bhai\b"), "2"),
    (re.compile(r"\bmột\b"), "1"),
    (re.compile(r"\bba\b(?=\s*(?:tháng|lần))"), "3"),
]

# --- clause splitting ---------------------------------------------------------------------------
# ";", list bullets and sentence ends separate statements. A dash between two numbers is a range
# ("2023 - 2025", "tháng 01 - 02/2021"), not a bullet, so it is kept.
_HARD_SPLIT = re.compile(r"[;\n•]+|\.(?:\s+|$)(?!\d)")
_BULLET = re.compile(r"(?:^|(?<=\s))[-+*]+(?:\s+|(?=[a-z]))")
_NUMBERISH = re.compile(r"(?:\d|\b(?:iv|iii|ii|i)\b)")
_NUMBERISH_PERIOD = re.compile(r"(?:(?:nam|thang|quy|giai doan)\s*)?(?:\d|\b(?:iv|iii|ii|i)\b)")

# --- shared pieces ------------------------------------------------------------------------------
# "quy" without accents is both "quý" (quarter) and the first syllable of "quy định", "quy hoạch" ...
_QUY = (r"(?<![a-z])quy(?!\s*(?:dinh|hoach|trinh|che|mo|chuan|tac|uoc|pham|luat|doi|nap|hoi|tu|"
        r"trach|cach|hoa|dong|tien|phai|hang|kiem|ve|y)\b)(?![a-z])")
_QNUM = r"(?:iv|iii|ii|i|[1-4])(?![a-z0-9])(?!\s*lan\b)"
_YEAR = r"(\d{4}|\d{2})(?!\d)"
_YEAR_SEP = r"(?:\s*(?:/|\.|-|,?\s*nam)\s*|\s+(?=\d{4}))"
# words that introduce a deadline; "trước" means the day before, "từ" a start, not a deadline
_MARK = (r"(?:\b(truoc|cham nhat|muon nhat|han chot|han|den het|het|den|toi|tu|bat dau|trong|"
         r"khong qua|khong muon hon|hoan thanh|cuoi|dau|giua|ngay|vao)\s+)?")
_BEFORE = {"truoc"}
_START = {"tu", "bat dau"}
# markers that still make a date a deadline when it is written after a condition trigger
_EXPLICIT = {"truoc", "cham nhat", "muon nhat", "han chot", "han", "den het", "het", "den", "toi",
             "trong", "khong qua", "khong muon hon", "hoan thanh"}

# --- pass 1: counts per period ------------------------------------------------------------------
_PER_COUNT = re.compile(  # "2 lần/năm", "02 lần trong năm", "1 lần/quý"
    r"(?<![\d/])(\d{1,2})\s*lan\s*(?:/|trong|moi|tren|1|01)?\s*(?:(?:1|01|moi)\s+)?(nam|quy|thang)(?![a-z])")
_PERIOD_COUNT = re.compile(  # "01 năm 2 lần", "mỗi năm 2 lần", "quý 1 lần"
    r"(?:\b(?:moi|hang|cu|tung)\s+)?(?:\b(?:1|01)\s+)?(?<!\d )\b(nam|quy|thang)\s+(\d{1,2})\s*lan\b")
_SPAN_PER = re.compile(  # "6 tháng/lần", "3 tháng 1 lần", "1 năm/lần"
    r"(?<![\d/])(\d{1,2})\s*(thang|nam|quy)\s*(?:/|1|01)\s*lan\b")
_PERIOD_PER = re.compile(r"(?:\b(?:moi|hang|tung)\s+)?\b(thang|quy|nam)\s*/\s*lan\b")  # "quý/lần"
_EVERY_N = re.compile(r"\b(?:moi|cu)\s+(\d{1,2})\s*thang\b(?!\s*(?:dau|cuoi))")  # "mỗi 6 tháng"

_BY_COUNT = {("nam", 1): "annual", ("nam", 2): "twice_yearly", ("nam", 4): "quarterly",
             ("nam", 12): "monthly", ("quy", 1): "quarterly", ("thang", 1): "monthly"}
_BY_MONTHS = {1: "monthly", 3: "quarterly", 6: "twice_yearly", 12: "annual"}

# --- pass 2: ongoing ----------------------------------------------------------------------------
_CONTINUOUS = re.compile(
    r"\b(?:thuong\s*xuyen|lien\s+tuc|hang\s+ngay|hang\s+tuan|moi\s+ngay|moi\s+tuan|tro\s+di|lau\s+dai|"
    r"(?:cac|nhung)\s+nam\s+(?:tiep\s+theo|tiep|sau|toi|ke\s+tiep))\b")

# --- pass 3: half years -------------------------------------------------------------------------
_HALF = re.compile(
    r"(?:(?<![\d/])(0?6|0?9)\s*thang|\b(nua))\s*(dau|cuoi)\s*(?:nam)?(?:\s*(\d{4})(?!\d))?"
    r"|\b(giua)\s+nam(?:\s*(\d{4})(?!\d))?")

# --- pass 4: written-out days -------------------------------------------------------------------
_DAY_WORDS = re.compile(
    _MARK + r"(ngay\s*)?(?<![\d/])(\d{1,2})\s+thang\s*(\d{1,2})(?!\d)(?:\s*(?:,?\s*nam|/)\s*(\d{4})(?!\d))?")

# --- pass 5: months and quarters ----------------------------------------------------------------
_MONTH_GROUP = re.compile(
    _MARK + r"(?:\bthang\s*|\bt(?=\d{1,2}\s*[/.-]\s*\d))(\d{1,2})(?!\d)"
    r"((?:\s*(?:,|va|hoac|&|-|den|toi)\s*(?:thang\s*)?\d{1,2}(?!\d)(?!\s*(?:thang|lan|ngay|quy)\b))*)"
    r"(?:" + _YEAR_SEP + _YEAR + r")?")
_QUARTER_GROUP = re.compile(
    _MARK + r"\bquy\s*(" + _QNUM + r")"
    r"((?:\s*(?:,|va|hoac|&|-|den|toi)\s*(?:quy\s*)?" + _QNUM + r")*)"
    r"(?:" + _YEAR_SEP + _YEAR + r")?")
_LIST_ITEM = re.compile(r"(,|va|hoac|&|-|den|toi)\s*(?:thang|quy)?\s*(iv|iii|ii|i|\d{1,2})")
_RANGE_SEPS = {"-", "den", "toi"}
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

# --- pass 6: numeric days -----------------------------------------------------------------------
_DAY_NUM = re.compile(
    _MARK + r"(ngay\s*)?(?<![\d/.])(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*\4\s*(\d{4}|\d{2}))?(?![\d/])"
    r"(?!\s*(?:thang|nam|ngay|quy|lan)\b)")
_DAY_LIST_SEP = re.compile(r"\s*(?:,|va|hoac|&)\s*")
_DOC_REF = re.compile(r"(?:\d+\s*/\s*[a-z]|\bso\s*:?\s*\d)")  # "Kế hoạch số 12/KH-UBND ngày ..."

# --- pass 7: rhythm lists -----------------------------------------------------------------------
_PREFIX = r"(?:(?:hang|moi|tung|dinh\s+ky|theo|cac)\s+)"
_ITEM = (r"(?:(?<!\d)(?:0?6|0?9|0?3|12)\s*thang(?![a-z])"
         r"|" + _QUY +
         r"|(?<!\d )(?<!\d)thang(?!\s*(?:diem|luong|bang|\d))(?![a-z])"
         r"|thuong\s+nien"
         r"|(?:(?:1|01)\s+)?(?<!viet )nam(?!\s*(?:hoc|tai\s+chinh|tiep|sau|toi|nay|truoc|dau|cuoi|ngoai))"
         r"(?![a-z]))")
_RHYTHM_LIST = re.compile(
    rf"{_PREFIX}*{_ITEM}(?:\s*(?:,|va|hoac|&|/)\s*{_PREFIX}*{_ITEM})*")
_RHYTHM_ITEM = re.compile(rf"(?P<pre>{_PREFIX}*)(?P<item>{_ITEM})")
_YEAR_AFTER = re.compile(r"\s*\d{4}")
# a word right before an item that makes it a duration or a point in time, not a rhythm
_VETO = re.compile(r"\b(trong|vong|sau|khoang|toi da|cua|tu|den|ca|het|truoc|giua|thoi gian|"
                   r"thoi han|it nhat|ngay|cuoi|dau)\s*$")
_REPORT_CTX = re.compile(r"(?:bao\s+cao|so\s+ket|tong\s+ket|dinh\s+ky)\b(?:\s+[a-z]+){0,4}?\s*:?\s*$")
# bare "quý", "6 tháng", "9 tháng", "thường niên" are rhythms on their own; "tháng", "năm" need a cue
_STRONG = re.compile(r"(?:0?[69]\s*t|quy|thuong)")

# --- pass 8: years ------------------------------------------------------------------------------
_YEAR_GROUP = re.compile(
    _MARK.replace("|ngay|vao", "|ca|suot") + r"\b(?:nam|giai\s+doan|gd)\s*(\d{4})(?!\d)"
    r"((?:\s*(?:,|va|&|-|den|toi)\s*(?:nam\s*)?\d{4}(?!\d))*)")
_YEAR_SPAN = re.compile(r"(?<![\d/.])(\d{4})\s*-\s*(\d{4})(?![\d/])")
_YEAR_MARKED = re.compile(r"\b(trong|den het|den|het|cuoi|truoc|cham nhat)\s+(\d{4})(?![\d/])")
_YEAR_LIST_ITEM = re.compile(r"(,|va|&|-|den|toi)\s*(?:nam\s*)?(\d{4})")
_THIS_YEAR = re.compile(
    r"\b(trong|cuoi|het|den het|ca|trong ca)\s+nam\b(?!\s*(?:\d|hoc|tai\s+chinh|tiep|sau|toi|truoc))")
_BARE_YEAR = re.compile(r"^\W*(\d{4})\W*$")

# --- conditions ---------------------------------------------------------------------------------
_CONDITION = re.compile(
    r"\b(?:khi|ke\s+tu|dot\s+xuat|neu|truong\s+hop|tuy\s+theo|tuy\s+thuoc|phu\s+thuoc|can\s+cu"
    r"|ngay\s+sau|sau\s+(?:khi|\d+\s*(?:ngay|tuan|thang))"
    r"|trong\s+(?:vong|thoi\s+han)\s+\d+\s*(?:ngay|tuan)"
    r"|cho\s+(?:co\s+)?(?:huong\s+dan|van\s+ban|y\s+kien|chi\s+dao|phe\s+duyet|quyet\s+dinh)"
    r"|theo\s+(?:su\s+|cac\s+|dung\s+)?(?:quy\s+dinh|huong\s+dan|ke\s+hoach|chi\s+dao|yeu\s+cau|giai\s+doan"
    r"|lo\s+trinh|tien\s+do|van\s+ban|quyet\s+dinh|thong\s+bao|de\s+nghi|chuong\s+trinh|thoi\s+gian"
    r"|thoi\s+han|nhu\s+cau|thuc\s+te|phan\s+cong|ket\s+luan|y\s+kien|de\s+an|nghi\s+quyet|nghi\s+dinh"
    r"|thong\s+tu|chi\s+thi|cong\s+van|lich|tinh\s+hinh|dot|dieu\s+kien|co\s+che|phap\s+luat|luat"
    r"|quy\s+che|quy\s+trinh|nhiem\s+vu|tham\s+quyen|phe\s+duyet|du\s+an|hop\s+dong|kinh\s+phi|nguon"
    r"|muc\s+do))\b"
    r"|^sau\b")
_CONDITION_END = re.compile(
    r",\s*(?=(?:thang|quy|t\d|nam\s*\d|giai doan|truoc|cham nhat|muon nhat|trong|den|han|hoan thanh)\b)")
# "Báo cáo kết quả triển khai": a report with no time of its own is due when the work is done
# (gold 003 reads it so, like "Báo cáo khi thực hiện xong"), i.e. it hangs on an event.
_REPORT_ONLY = re.compile(r"^\W*bao\s+cao\b")
_HAS_WORD = re.compile(r"\w")
_QUI = re.compile(r"\bqui\b")  # "quí", the older spelling of "quý"


@dataclass
class _Reading:
    """What one clause (or the whole cell) yielded."""

    dates: set[date] = field(default_factory=set)
    rhythms: set[str] = field(default_factory=set)
    continuous: bool = False
    conditional: bool = False
    started: bool = False  # a "từ ..." start with no end

    def empty(self) -> bool:
        return not (self.dates or self.rhythms or self.continuous or self.conditional)

    def merge(self, other: _Reading) -> None:
        self.dates |= other.dates
        self.rhythms |= other.rhythms
        self.continuous |= other.continuous
        self.conditional |= other.conditional


# --- date helpers -------------------------------------------------------------------------------
def _year(raw: str | None, plan_year: int | None) -> int | None:
    if not raw:
        return plan_year
    value = int(raw)
    if len(raw) == 2:
        value += 2000
    return value if MIN_YEAR <= value <= MAX_YEAR else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(year: int | None, first: int, last: int, marker: str | None) -> date | None:
    """Last day allowed for months first..last of a year; "trước" means before the period starts."""
    if year is None or not (1 <= first <= 12 and 1 <= last <= 12) or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if marker in _BEFORE:
        return date(year, first, 1) - timedelta(days=1)
    return _month_end(year, last)


def _day(year: int | None, month: int, day: int, marker: str | None) -> date | None:
    if year is None or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    # a day past the month's end ("31/4", "30/02") is a slip of the pen for the last day
    found = date(year, month, min(day, calendar.monthrange(year, month)[1]))
    return found - timedelta(days=1) if marker in _BEFORE else found


def _group_values(first: str, tail: str) -> list[tuple[str, str]]:
    """("", first) then (separator, value) for every further member of a list or range."""
    return [("", first)] + [(m.group(1), m.group(2)) for m in _LIST_ITEM.finditer(tail)]


def _members(first: str, tail: str, to_int: Callable[[str], int | None]) -> list[tuple[int, int]]:
    """Each listed period as (first, last) member; a range ("tháng 01 - 02", "từ quý I đến quý III")
    is one period running to its last member."""
    spans: list[tuple[int, int]] = []
    for sep, raw in _group_values(first, tail):
        value = to_int(raw)
        if value is None:
            continue
        if sep in _RANGE_SEPS and spans:
            spans[-1] = (spans[-1][0], value)
        else:
            spans.append((value, value))
    return spans


def _quarter(raw: str) -> int | None:
    if raw in _ROMAN_Q:
        return _ROMAN_Q[raw]
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 4 else None


def _month(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 12 else None


# --- the clause reader --------------------------------------------------------------------------
class _Clause:
    def __init__(self, text: str, plan_year: int | None) -> None:
        self.text = text
        self.plan_year = plan_year
        self.out = _Reading()
        found = _CONDITION.search(text)
        self.cond_at = found.start() if found else len(text) + 1
        # the condition runs to the end of the clause, or to a comma that opens a time of its own
        # ("Theo hướng dẫn của Bộ Nội vụ, quý IV/2022"); a cited document's "ngày ..." stays inside
        resumed = _CONDITION_END.search(text, found.end()) if found else None
        self.cond_end = resumed.start() if resumed else len(text) + 1
        self.out.conditional = found is not None
        self._last_day: tuple[int, str | None] = (-1, None)  # end and cue of the last day read

    def _counts(self, marker: str | None, start: int) -> bool:
        """Whether a date found at `start` is a deadline of this clause."""
        if marker in _START:
            self.out.started = True
            return False
        return start < self.cond_at or start >= self.cond_end or marker in _EXPLICIT

    def _scan(self, pattern: re.Pattern[str], handle: Callable[[re.Match[str]], bool | None]) -> None:
        """Run one pass; mask ("#", same length, so offsets stay valid) what its handler consumed.
        The text is rebuilt once per pass, keeping the whole parse linear."""
        pieces: list[str] = []
        done = 0
        for m in pattern.finditer(self.text):
            if handle(m) is not False:
                pieces += [self.text[done:m.start()], "#" * (m.end() - m.start())]
                done = m.end()
        if pieces:
            self.text = "".join(pieces) + self.text[done:]

    def read(self) -> _Reading:
        self._scan(_SPAN_PER, self._span_per)
        self._scan(_PER_COUNT, lambda m: self._rhythm(_BY_COUNT.get((m.group(2), int(m.group(1))))))
        self._scan(_PERIOD_COUNT, lambda m: self._rhythm(_BY_COUNT.get((m.group(1), int(m.group(2))))))
        self._scan(_PERIOD_PER, lambda m: self._rhythm(_BY_COUNT.get((m.group(1), 1))))
        self._scan(_EVERY_N, lambda m: self._rhythm(_BY_MONTHS.get(int(m.group(1)))))
        self._scan(_CONTINUOUS, self._continuous)
        self._scan(_HALF, self._half)
        self._scan(_DAY_WORDS, self._day_words)
        self._scan(_MONTH_GROUP, self._month_group)
        self._scan(_QUARTER_GROUP, self._quarter_group)
        self._scan(_DAY_NUM, self._day_num)
        self._rhythm_lists()
        self._scan(_YEAR_GROUP, self._year_group)
        self._scan(_YEAR_SPAN, self._year_span)
        self._scan(_YEAR_MARKED, self._year_marked)
        self._scan(_THIS_YEAR, self._this_year)
        bare = _BARE_YEAR.match(self.text)
        if bare:
            self._add(_period(_year(bare.group(1), None), 12, 12, None))
        if self.out.started and not self.out.dates:
            self.out.continuous = True  # "Từ năm 2022", "Từ tháng 6/2021": from then on
        return self.out

    # each handler returns False to leave the text unmasked
    def _add(self, found: date | None) -> None:
        if found is not None:
            self.out.dates.add(found)

    def _rhythm(self, name: str | None) -> None:
        if name:
            self.out.rhythms.add(name)

    def _span_per(self, m: re.Match[str]) -> None:
        n, unit = int(m.group(1)), m.group(2)
        months = n * {"thang": 1, "quy": 3, "nam": 12}[unit]
        self._rhythm(_BY_MONTHS.get(months))

    def _continuous(self, m: re.Match[str]) -> None:
        self.out.continuous = True

    def _half(self, m: re.Match[str]) -> bool | None:
        if not self._counts(None, m.start()):
            return None
        if m.group(5):  # giữa năm
            year, month = _year(m.group(6), self.plan_year), 6
        else:
            year = _year(m.group(4), self.plan_year)
            nine = (m.group(1) or "").lstrip("0") == "9"
            month = 12 if m.group(3) == "cuoi" else 9 if nine else 6
        self._add(_period(year, month, month, None))
        return None

    def _day_words(self, m: re.Match[str]) -> bool | None:
        marker, has_day_word = m.group(1), m.group(2)
        if not marker and not has_day_word:
            return False  # "6 tháng 12 ..." without "ngày" is not a day
        if marker == "ngay":
            marker = None
        if self._counts(marker, m.start()):
            self._add(_day(_year(m.group(5), self.plan_year), int(m.group(4)), int(m.group(3)), marker))
        return None

    def _month_group(self, m: re.Match[str]) -> None:
        marker = _range_marker(m.group(1), m.group(3))
        if not self._counts(marker, m.start()):
            return
        year = _year(m.group(4), self.plan_year)
        for first, last in _members(m.group(2), m.group(3) or "", _month):
            self._add(_period(year, first, last, marker))

    def _quarter_group(self, m: re.Match[str]) -> None:
        marker = _range_marker(m.group(1), m.group(3))
        if not self._counts(marker, m.start()):
            return
        year = _year(m.group(4), self.plan_year)
        for first, last in _members(m.group(2), m.group(3) or "", _quarter):
            self._add(_period(year, 3 * first - 2, 3 * last, marker))

    def _day_num(self, m: re.Match[str]) -> bool | None:
        marker, has_day_word, year_raw = m.group(1), m.group(2), m.group(6)
        if marker in ("ngay", "vao"):
            marker, has_day_word = None, "ngay"
        last_end, last_marker = self._last_day
        if not marker and last_end >= 0 and _DAY_LIST_SEP.fullmatch(self.text, last_end, m.start()):
            marker, has_day_word = last_marker, "ngay"  # "trước ngày 15/6 và 15/12": the cue is shared
        if not (marker or has_day_word or year_raw):
            return False  # a bare "6/12" may be anything; a deadline carries a year or a cue word
        if not marker and _DOC_REF.search(self.text[max(0, m.start() - 60):m.start()]):
            return None  # the date of a cited document ("Kế hoạch số 12/KH-UBND ngày 15/01/2021")
        if self._counts(marker, m.start()):
            self._add(_day(_year(year_raw, self.plan_year), int(m.group(5)), int(m.group(3)), marker))
        self._last_day = (m.end(), marker)
        return None

    def _rhythm_lists(self) -> None:
        text = self.text
        lists = list(_RHYTHM_LIST.finditer(text))
        for lst in lists:
            items = list(_RHYTHM_ITEM.finditer(lst.group(0)))
            before = text[max(0, lst.start() - 80):lst.start()]  # a bounded look back keeps this linear
            report = bool(_REPORT_CTX.search(before))
            # the clause is nothing but this list ("Năm", "Hằng quý")
            whole = len(lists) == 1 and not _HAS_WORD.search(text[:lst.start()] + text[lst.end():])
            several = len(items) > 1
            list_prefix = any(i.group("pre") for i in items)
            for pos, item in enumerate(items):
                word = re.sub(r"\s+", " ", item.group("item"))
                if pos == 0 and not item.group("pre"):
                    veto = _VETO.search(before)
                    if veto and (veto.group(1) not in ("cuoi", "dau") or word.endswith(("nam", "thang"))):
                        continue
                strong = bool(_STRONG.match(word))
                if (word.endswith("nam") and not several and not item.group("pre")
                        and _YEAR_AFTER.match(text, lst.end())):
                    continue  # "năm 2021" on its own names a year, not a yearly rhythm
                if not (strong or list_prefix or several or report or whole):
                    continue
                self._rhythm(_item_rhythm(word))

    def _year_group(self, m: re.Match[str]) -> None:
        marker = _range_marker(m.group(1), m.group(3))
        if marker == "dau" or not self._counts(marker, m.start()):
            return  # "đầu năm 2022" names no last day
        spans: list[tuple[int, int]] = []
        for sep, raw in [("", m.group(2))] + _YEAR_LIST_ITEM.findall(m.group(3) or ""):
            value = int(raw)
            if not MIN_YEAR <= value <= MAX_YEAR:
                continue
            if sep in _RANGE_SEPS and spans:
                spans[-1] = (spans[-1][0], value)  # "2023-2025": the span ends with its last year
            else:
                spans.append((value, value))
        for first, last in spans:
            self._add(_period(first, 1, 12, marker) if marker in _BEFORE else _period(last, 12, 12, None))

    def _year_span(self, m: re.Match[str]) -> None:
        first, last = int(m.group(1)), int(m.group(2))
        if MIN_YEAR <= first <= last <= MAX_YEAR and self._counts(None, m.start()):
            self._add(_period(last, 12, 12, None))

    def _year_marked(self, m: re.Match[str]) -> None:
        marker = m.group(1)
        if self._counts(marker, m.start()):
            self._add(_period(_year(m.group(2), None), 1, 12, marker))

    def _this_year(self, m: re.Match[str]) -> None:
        if self._counts(m.group(1), m.start()):
            self._add(_period(self.plan_year, 12, 12, None))


def _range_marker(marker: str | None, tail: str | None) -> str | None:
    """"Từ quý I đến quý III": a start with its end in the same group is a range, read by its end."""
    if marker in _START and tail and re.search(r"(?:-|\bden\b|\btoi\b)", tail):
        return None
    return marker


def _item_rhythm(word: str) -> str | None:
    if word.startswith("quy"):
        return "quarterly"
    if word.endswith("thang"):
        n = word[:-5].strip().lstrip("0")
        return {"": "monthly", "6": "semiannual", "9": "nine_months", "3": "quarterly",
                "12": "annual"}.get(n)
    return "annual"  # năm, một năm, thường niên


def _split(text: str) -> list[str]:
    clauses: list[str] = []
    for part in _HARD_SPLIT.split(text):
        start = 0
        for m in _BULLET.finditer(part):
            before, after = part[:m.start()].rstrip(), part[m.end():].lstrip()
            # a dash between two numbers is a range ("2023 - 2025", "Quý I - II/2021", "năm 2022 - năm
            # 2023"), not a bullet
            if (before and after and _NUMBERISH.match(before.rsplit(" ", 1)[-1])
                    and _NUMBERISH_PERIOD.match(after)):
                continue
            clauses.append(part[start:m.start()])
            start = m.end()
        clauses.append(part[start:])
    return [c.strip() for c in clauses if c.strip()]


def _read_clause(clause: str, plan_year: int | None) -> _Reading:
    # "Label: value" ("Báo cáo kết quả thực hiện: định kỳ hàng quý"): the value carries the time;
    # the label ("Kế hoạch CCHC năm 2022") is read only when the value says nothing.
    label, colon, value = clause.partition(":")
    if colon and value.strip():
        reading = _Clause(value, plan_year).read()
        if not reading.empty():
            return reading
    return _Clause(clause, plan_year).read()


def parse_schedule(text: str, plan_year: int | None = None) -> Schedule:
    """Read a deadline cell; see `_parse_schedule`. Each call gets its own Schedule to change."""
    cached = _parse_schedule(text if isinstance(text, str) else "", plan_year)
    return replace(cached, due_dates=list(cached.due_dates), recurrence=list(cached.recurrence))


@lru_cache(maxsize=8192)  # a plan repeats the same deadline phrases ("Thường xuyên", "Quý IV/2021") many times
def _parse_schedule(text: str, plan_year: int | None = None) -> Schedule:
    """Read a deadline cell ("Quý I/2021", "Trước ngày 15/6/2021", "Thường xuyên", ...).

    Never raises: text no rule reads gives an empty schedule with `understood=False`.
    """
    raw = fold(text if isinstance(text, str) else "").lower()
    if not _HAS_WORD.search(raw):
        return Schedule()  # empty, or only dashes/dots: nothing to read, nothing missed
    if not isinstance(plan_year, int) or not MIN_YEAR <= plan_year <= MAX_YEAR:
        plan_year = None
    for pattern, digits in _NUMBER_WORDS:
        raw = pattern.sub(digits, raw)
    cell = _QUI.sub("quy", key(raw).replace("#", " "))
    total = _Reading()
    for clause in _split(cell):
        total.merge(_read_clause(clause, plan_year))
    if total.empty() and _REPORT_ONLY.search(cell):
        total.conditional = True
    return Schedule(
        due_dates=sorted(total.dates),
        recurrence=[r for r in RECURRENCES if r in total.rhythms],
        continuous=total.continuous,
        conditional=total.conditional,
        understood=not total.empty(),
    )
