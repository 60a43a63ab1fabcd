"""Quantified targets (chỉ tiêu) the plan commits to (SCHEMA.md `targets`).

A target is a clause with a number the plan commits to reach: "Mức độ hài lòng
... đạt tối thiểu 85%", "100% văn bản QPPL ... được xử lý", "giảm thời gian chờ
... còn tối đa 15 phút/01 lượt giao dịch". Clauses are cut where the plans cut
them: at ";" and sentence ends, at ", 100% ..." (a new subject), at "trong đó"
and after a long introduction ending in ":"; a long clause starts at its
commitment verb (", phấn đấu ...", "và bảo đảm ..."). A clause that only
continues the one before ("...tối thiểu: 1.600 hồ sơ; vùng nông thôn 1.200 hồ
sơ") shares its text and comparator; a subject cut from its predicate by ";"
("100% các văn bản QPPL về phòng, chống tham nhũng; thực hành ... được tuyên
truyền") takes the clause that completes it.

A number counts only with a unit (%, hồ sơ, phút, cơ quan, đơn vị, a rank; a
few more units only beside a comparator word), never inside a legal number, a
date, a year, "mức độ 3" or a list marker, nor when it reports a past result.

Comparators: "<=" for tối đa, không quá, dưới ...; ">=" for tối thiểu, ít nhất,
trên, từ ... trở lên; a bare percentage is a floor (">="), 100% is "=", a bare
count is "=" unless the clause strives for it (phấn đấu, đạt, tăng, thêm); a
rank group ("nhóm 20 tỉnh dẫn đầu") is "<=", a range "từ 25-30" gives both.

Which paragraphs: the body's, except a section reporting last year's results;
the task cells only where the body states (almost) no target (see
extract_targets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Target
from ..text import akey, fold

_MARKER = re.compile(r"^(?:[-+•*·–—]\s*|\d{1,2}(?:\.\d{1,2})*[.)]\s+|[a-zđ]\)\s*|\(\d{1,2}\)\s*|[IVXLC]{1,5}\.\s+)")
_NUMBER = re.compile(r"(?<![\w/.,-])(\d{1,3}(?:\.\d{3})+|\d+(?:[.,]\d+)?)(?![\w/]|[.,]\d)")
_PERCENT = re.compile(r"\s?%")
_RANGE_TAIL = re.compile(r"\s*(?:-|–|đến|tới)\s*(\d{1,3}(?:[.,]\d+)?)(?![\w/])(\s?%)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")

# units that make a number a quantity on their own, then units that need a comparator word beside them
_UNITS = [(u, akey(u), True) for u in ("hồ sơ", "phút", "cơ quan", "đơn vị")] + [
    (u, akey(u), False) for u in ("giờ", "ngày làm việc", "ngày", "lượt", "người", "lớp", "văn bản",
                                  "thủ tục hành chính", "TTHC", "dịch vụ công", "doanh nghiệp", "sáng kiến",
                                  "mô hình", "cuộc", "đợt", "xã", "cán bộ", "công chức", "điểm", "bậc", "hạng")]
_UNITS.sort(key=lambda u: -len(u[1]))

# words right before a number that make it a reference, not a quantity (accent-free, then as written)
_NOT_BEFORE = re.compile(
    r"\b(?:muc do|dieu|khoan|nam|thang|quy|ngay|giai doan|lan thu|chuong|phu luc|iso|tcvn|khoa|nhom|"
    r"loai|hang|vi tri|top|tuoi|buoc|ky|tieu chi|phien ban|version|to dan pho|"
    r"(?:nghi dinh|quyet dinh|thong tu|nghi quyet|chi thi|ke hoach|cong van|to trinh|bao cao|van ban|luat"
    r"|thong bao|huong dan|chuong trinh|de an)(?:\s+so)?)\s*$")
_NOT_BEFORE_TEXT = re.compile(r"\b(?:[Mm]ục|[Pp]hòng|[Đđ]iểm|[Tt]ổ|[Đđ]ội|[Tt]hứ|[Đđ]ợt|[Pp]hần|[Ll]ớp|[Tt]ầng)\s*$")
_RANK_BEFORE = re.compile(r"\b(?:nhom|top|xep hang|hang|vi tri thu|vi tri|thu hang)\s+(?:tu\s+|thu\s+)?$")

# comparator words: anywhere before the number in its clause, or ("trên 30%", "dưới 5%") right before it
_LE = re.compile(r"\b(?:toi da|khong qua|khong vuot qua|khong nhieu hon|tro xuong)\b"
                 r"|\b(?:duoi|it hon|thap hon)\s+(?:muc\s+)?$")
_GE = re.compile(r"\b(?:toi thieu|it nhat|khong duoi|khong thap hon|khong it hon|tro len)\b"
                 r"|\b(?:tren|hon|vuot)\s+(?:muc\s+)?$")
_WEAK_GE = re.compile(r"\b(?:phan dau|dat|tang|them)\b")
_AFTER_GE = re.compile(r"[^0-9]{0,80}?\btro len\b")
_AFTER_LE = re.compile(r"[^0-9]{0,80}?\btro xuong\b")
_CUE = re.compile(r"\b(?:toi da|khong qua|toi thieu|it nhat|tro len|tro xuong|phan dau|bao dam|dam bao|"
                  r"dat|duy tri|hoan thanh|khong duoi|tren)\b")
_COMMIT = re.compile(r"\b(?:phan dau|bao dam|dam bao|toi thieu|it nhat|toi da|khong qua|tro len|tro xuong|"
                     r"khong duoi)\b")
_COLON_CUE = re.compile(r"\b(?:toi thieu|toi da|it nhat|dat|khong qua|khong duoi|muc|la|tren|duoi)\s*$")
_PREDICATE = re.compile(r"\b(?:duoc|dat|phai|co|la|se|bi)\b")
_PAST = re.compile(r"\b(?:da (?:dat|co|duoc|tiep nhan|giai quyet|thuc hien|hoan thanh|cat giam|to chuc)|dat duoc|"
                   r"nam qua|ket qua dat)\b")

_CUT_VERB = re.compile(r"(?:,\s+|\s+và\s+)(?=(?:phấn đấu|bảo đảm|đảm bảo|hoàn thành|duy trì)\b)")
_TRONG_DO = re.compile(r",?\s+(?=trong đó\b)", re.IGNORECASE)
# ", 70% công chức ..." opens a new subject; ", 80% đối với cấp huyện" only extends the same one
_COMMA_PERCENT = re.compile(r",\s+(?=\d{1,3}(?:[.,]\d+)?\s?%(?!\s+(?:đối với|ở|tại|với|cho|trong)\b))")
_COLON_NUMBER = re.compile(r":\s+(?=\d)")
_ABBREV = re.compile(r"(?:^|\s)(?:[A-ZĐ]{1,3}|Tp|ThS|TS)$")


class _Num:
    """A quantity found in a paragraph: span, value, unit and what the text says about its bound."""

    __slots__ = ("start", "end", "value", "unit", "needs_cue", "bound")

    def __init__(self, start: int, end: int, value: float, unit: str, needs_cue: bool = False,
                 bound: str | None = None) -> None:
        self.start, self.end, self.value, self.unit = start, end, value, unit
        self.needs_cue, self.bound = needs_cue, bound


def _value(raw: str) -> float | None:
    if _THOUSANDS.fullmatch(raw):
        raw = raw.replace(".", "")  # "1.600" is sixteen hundred
    try:
        return float(raw.replace(",", "."))  # "99,99" is a decimal
    except ValueError:
        return None


def _numbers(text: str, key: str, a: int, b: int) -> list[_Num]:
    """Quantities in text[a:b]: numbers with a unit, not references ("Nghị định số 61", "mức độ 3")."""
    found: list[_Num] = []
    pos = a
    for m in _NUMBER.finditer(text, a, b):
        if m.start() < pos:
            continue
        value = _value(m.group(1))
        if value is None:
            continue
        before = key[max(a, m.start() - 25):m.start()]
        rank = _RANK_BEFORE.search(before)
        if not rank and (_NOT_BEFORE.search(before) or _NOT_BEFORE_TEXT.search(text, max(a, m.start() - 12),
                                                                                 m.start())):
            continue
        rng = _RANGE_TAIL.match(text, m.end(), b)
        if rng and (rank or rng.group(2)):
            hi = _value(rng.group(1))
            unit = "%" if rng.group(2) else "hạng"
            if hi is not None and hi > value and (unit == "%" or hi <= 100):
                # "từ 25-30": at least the one, at most the other
                found.append(_Num(m.start(), m.end(), value, unit, bound=">="))
                found.append(_Num(rng.start(1), rng.end(), hi, unit, bound="<="))
                pos = rng.end()
                continue
        pm = _PERCENT.match(text, m.end(), b)
        if pm:
            found.append(_Num(m.start(), pm.end(), value, "%"))
            continue
        if rank:
            if value <= 100 and value == int(value):
                found.append(_Num(m.start(), m.end(), value, "hạng", bound="<="))  # "nhóm 20 tỉnh dẫn đầu"
            continue
        if text[m.end():m.end() + 1] != " ":
            continue
        rest_key = key[m.end() + 1:min(b, m.end() + 30)]
        for unit, ukey, alone in _UNITS:
            tail = rest_key[len(ukey):len(ukey) + 1]
            if rest_key.startswith(ukey) and not tail.isalnum():
                shown = unit if unit == "TTHC" else text[m.end() + 1:m.end() + 1 + len(ukey)]
                found.append(_Num(m.start(), m.end() + 1 + len(ukey), value, shown, needs_cue=not alone))
                break
    return found


# ---------------------------------------------------------------- clauses

def _depths(text: str) -> list[int]:
    """Parenthesis depth at each character: cuts never fall inside "(trong đó, ...)"."""
    depth, out = 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        out.append(depth)
        if ch in ")]" and depth:
            depth -= 1
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " ,":
        a += 1
    while b > a and text[b - 1] in " .;,:":
        b -= 1
    return a, b


def _clauses(text: str, depth: list[int]) -> list[tuple[int, int]]:
    """Clause spans: cut at ";" and sentence ends outside parentheses."""
    spans, start, n = [], 0, len(text)
    for i, ch in enumerate(text):
        if depth[i]:
            continue
        cut = ch == ";"
        if ch in ".!?" and i + 2 < n and text[i + 1] == " ":
            nxt = text[i + 2]
            cut = (nxt.isupper() or nxt.isdigit() or nxt in "-+•") and not (
                ch == "." and _ABBREV.search(text, max(0, i - 6), i))
        if cut:
            spans.append((start, i))
            start = i + 1
    spans.append((start, n))
    return [(a, b) for a, b in (_trim(text, a, b) for a, b in spans) if b > a]


def _split_more(text: str, key: str, depth: list[int], a: int, b: int) -> list[tuple[int, int]]:
    """Finer cuts inside a clause: ", 100% ...", "trong đó ...", a long introduction before ": 100% ..."."""
    cuts: list[int] = []
    for m in _COMMA_PERCENT.finditer(text, a, b):
        if depth[m.start()] == 0:
            cuts.append(m.end())
    for m in _TRONG_DO.finditer(text, a, b):
        if m.start() > a + 3 and depth[m.start()] == 0:
            cuts.append(m.end())
    for m in _COLON_NUMBER.finditer(text, a, b):
        intro = key[a:m.start()]
        if depth[m.start()] == 0 and len(intro.split()) >= 8 and not _COLON_CUE.search(intro):
            cuts.append(m.end())
    if not cuts:
        return [(a, b)]
    out, start = [], a
    for c in sorted(set(cuts)):
        out.append(_trim(text, start, c))
        start = c
    out.append(_trim(text, start, b))
    return [s for s in out if s[1] > s[0]]


def _strip_marker(text: str) -> str:
    return _MARKER.sub("", text, count=1)


# ---------------------------------------------------------------- comparators

def _last_cue(key: str, lo: int, hi: int) -> str | None:
    """The comparator word nearest before `hi` in key[lo:hi], if any."""
    best, best_pos = None, -1
    for rx, cmp in ((_LE, "<="), (_GE, ">=")):
        for m in rx.finditer(key, lo, hi):
            if m.start() > best_pos:
                best, best_pos = cmp, m.start()
    return best


def _comparator(num: _Num, key: str, lo: int, prev_end: int, next_start: int, group_cue: str | None) -> str:
    cmp = num.bound
    if cmp is None:
        near = max(prev_end, num.start - 30)
        cmp = _last_cue(key, near, num.start)
    if cmp is None:
        if _AFTER_GE.match(key, num.end, next_start):
            cmp = ">="
        elif _AFTER_LE.match(key, num.end, next_start):
            cmp = "<="
        else:
            cmp = _last_cue(key, lo, num.start) or group_cue
    if num.unit == "%" and num.value == 100 and cmp != "<=":
        return "="  # all of them: "at least 100%" commits to the same
    if cmp:
        return cmp
    if num.unit == "%":
        return ">="  # "80% số cơ sở nhà, đất ...": a floor
    return ">=" if _WEAK_GE.search(key, lo, num.start) else "="


# ---------------------------------------------------------------- per paragraph

_Member = tuple[tuple[int, int], list[_Num]]


def _paragraph_targets(paragraph: str) -> list[Target]:
    text = _strip_marker(fold(paragraph))
    if not any(map(str.isdigit, text)) or text.startswith("Căn cứ"):
        return []
    key = akey(text)
    depth = _depths(text)
    groups: list[list[_Member]] = []
    for span in _clauses(text, depth):
        for a, b in _split_more(text, key, depth, *span):
            nums = _numbers(text, key, a, b)
            if groups and nums and _continues(key, a, nums, groups[-1]):
                groups[-1].append(((a, b), nums))
            else:
                groups.append([((a, b), nums)])
    # a subject cut from its predicate by ";" takes the clause that completes it
    merged: list[list[_Member]] = []
    for group in groups:
        prev = merged[-1] if merged else None
        if prev and len(group) == 1 and not group[0][1] and prev[-1][1]:
            (pa, pb), pnums = prev[-1]
            a, b = group[0][0]
            if pnums[0].start == pa and not _PREDICATE.search(key, pnums[0].end, pb) \
                    and _PREDICATE.search(key, a, b):
                prev.append(group[0])
                continue
        merged.append(group)
    out: list[Target] = []
    for group in merged:
        out.extend(_group_targets(text, key, depth, group))
    return out


def _continues(key: str, a: int, nums: list[_Num], prev: list[_Member]) -> bool:
    """Does the clause at `a` only continue the previous one ("vùng nông thôn 1.200 hồ sơ")?"""
    prev_nums = [n for _, ns in prev for n in ns]
    if not prev_nums or nums[0].start == a:
        return False
    intro = key[a:nums[0].start]
    if len(intro.split()) > 8 or _CUE.search(intro) or _PAST.search(intro) or intro.startswith("trong do"):
        return False
    return nums[0].unit == prev_nums[-1].unit


def _group_targets(text: str, key: str, depth: list[int], group: list[_Member]) -> list[Target]:
    first = next((ns[0] for _, ns in group if ns), None)
    if first is None:
        return []
    a, b = group[0][0][0], group[-1][0][1]
    if len(group) == 1:
        cuts = [m for m in _CUT_VERB.finditer(text, a, first.start)
                if depth[m.end()] == 0 and len(key[a:m.start()].split()) >= 6]
        while len(cuts) > 1 and cuts[-1].start() - cuts[-2].end() <= 10:
            cuts.pop()  # "phấn đấu và duy trì 100%": the chain of verbs starts at the first
        if cuts:
            a = cuts[-1].end()  # ", phấn đấu 100% ...": the commitment starts at its verb
    clause = fold(_strip_marker(text[a:b])).rstrip(" .;,:")
    if not clause:
        return []
    (ga, gb), _ = group[0]
    group_cue = _last_cue(key, ga, gb) if len(group) > 1 else None
    out: list[Target] = []
    for (lo, hi), nums in group:
        if not nums:
            continue
        if _PAST.search(key, lo, nums[0].start) and not _COMMIT.search(key, lo, hi):
            continue  # a past result ("năm 2020 đã đạt 98%"), not a commitment
        for i, num in enumerate(nums):
            prev_end = nums[i - 1].end if i else lo
            next_start = nums[i + 1].start if i + 1 < len(nums) else hi
            if num.needs_cue and not (_last_cue(key, max(lo, num.start - 30), num.start)
                                      or _AFTER_GE.match(key, num.end, next_start)
                                      or _WEAK_GE.search(key, lo, num.start)):
                continue
            cmp = _comparator(num, key, lo, prev_end, next_start, group_cue)
            out.append(Target(text=clause, value=num.value, unit=num.unit, comparator=cmp))
    return out


# ---------------------------------------------------------------- entry point

_Tokens = tuple[set[str], set[str]]
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def _tokens(text: str) -> _Tokens:
    """Words and numbers of a target's text, to recognise a restatement."""
    k = akey(text)
    return set(_WORD.findall(k)), set(_DIGITS.findall(k))


def _restates(t: Target, tok: _Tokens, kept: dict[tuple[float, str], list[tuple[Target, _Tokens]]]) -> bool:
    """Is `t` a target already found, in other words? Same value and unit, the shorter text's numbers
    all in the longer one and nearly all its words too (an output column echoing its task)."""
    for other, otok in kept.get((t.value, t.unit), [])[-200:]:
        if other.comparator != t.comparator and not (
                t.value == 100 and {other.comparator, t.comparator} <= {"=", ">="}):
            continue
        (sw, sn), (bw, bn) = (tok, otok) if len(tok[0]) <= len(otok[0]) else (otok, tok)
        if sw and sn <= bn and len(sw & bw) >= 0.85 * len(sw):
            return True
    return False


def _safe_targets(text: object) -> list[Target]:
    if not isinstance(text, str):
        return []
    try:
        return _paragraph_targets(text)
    except Exception:  # noqa: BLE001 - one odd paragraph must not sink the import
        return []


# a section reporting last year's results ("I. KẾT QUẢ THỰC HIỆN NĂM 2022", "1. Kết quả đạt được") states no targets
_TOP_HEADING = re.compile(r"^(?:(?:PHẦN|Phần)\s+[IVX\d]+|[IVXLC]{1,5})\s*[.):]\s*")
_SUB_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*[.)]\s*")
_PAST_HEADING = re.compile(r"^(?:ket qua|danh gia|tinh hinh|thuc trang|tong ket|so ket|nhung ket qua|ton tai|"
                           r"han che|nguyen nhan|bai hoc)\b")


_BODY_ENOUGH = 3  # body targets from which the task table is left to the tasks


def _heading_kind(text: str) -> tuple[str, bool] | None:
    """("top" or "sub", reports the past?) for a short heading paragraph, None for running text."""
    if len(text) > 160 or text.endswith((".", ";")) or "%" in text:
        return None
    for level, rx in (("top", _TOP_HEADING), ("sub", _SUB_HEADING)):
        m = rx.match(text)
        if m:
            return level, bool(_PAST_HEADING.match(akey(text[m.end():]).lstrip()))
    return None


def _body_targets(paragraphs: Iterable[str]) -> list[Target]:
    out: list[Target] = []
    past_top = past_sub = False
    for p in paragraphs or ():
        if not isinstance(p, str):
            continue
        text = fold(p)
        heading = _heading_kind(text)
        if heading:
            level, past = heading
            if level == "top":
                past_top, past_sub = past, False
            else:
                past_sub = past
            continue
        if not (past_top or past_sub):
            out.extend(_safe_targets(text))
    return out


def extract_targets(paragraphs: Iterable[str], task_texts: Iterable[str] = ()) -> list[Target]:
    """Targets stated in the body paragraphs, in order (stated twice, listed twice), outside any section
    reporting past results.

    A plan whose body states targets keeps the task table for tasks (the table's figures repeat or
    detail them). Only where the body states (almost) none, as in a scheme's plan listing "Số hóa ...
    đạt tối thiểu 30%" as tasks, do the task cells' targets count: each once, a cell restating a target
    already found (an output column echoing its task) adding nothing.
    """
    out = _body_targets(paragraphs)
    if len(out) >= _BODY_ENOUGH:
        return out
    kept: dict[tuple[float, str], list[tuple[Target, _Tokens]]] = {}
    for t in out:
        kept.setdefault((t.value, t.unit), []).append((t, _tokens(t.text)))
    for cell in task_texts or ():
        for t in _safe_targets(cell):
            tok = _tokens(t.text)
            if _restates(t, tok, kept):
                continue
            out.append(t)
            kept.setdefault((t.value, t.unit), []).append((t, tok))
    return out
