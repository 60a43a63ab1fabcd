"""Evidence for which column a piece of text belongs to.

Text layouts (a PDF's text, a web table copied one cell per line) lose the cell
boundaries; `segment.py` puts them back by asking, for each candidate cell, how
much it reads like that column. Scores are log-odds-like numbers: positive means
"this reads like the column", negative "it does not".

The segmentation asks this for thousands of candidate cells per table, so the
evidence is split into what a piece of text says on its own (`facts`: one look per
distinct line, memoised) and what a cell's start says (`start_facts`: memoised on
the first few words); a cell's score (`cell_score`) is then arithmetic on those.
The deadline and agency normalisers are far too slow to run on every candidate;
the cues here are their cheap, conservative shadows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .normalise.agencies import looks_like_agency
from .text import first_letter_is_lower

# --- keys and widths -----------------------------------------------------------------------------


def _build_tables() -> tuple[dict[int, str], dict[str, float]]:
    fold_map: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            fold_map[cp] = base.lower()
    fold_map.update({ord("đ"): "d", ord("Đ"): "d", 0x2013: "-", 0x2014: "-", 0x2212: "-", 0xA0: " "})
    # Approximate Times New Roman advance widths (1/1000 em): the typeface of official documents
    # (Nghị định 30/2020/NĐ-CP). Diacritics do not change a letter's width.
    widths = dict(zip("abcdefghijklmnopqrstuvwxyz", (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278,
                                                      778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500,
                                                      500, 444), strict=True))
    widths.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611,
                                                      889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
                                                      722, 611), strict=True))
    widths.update(dict.fromkeys("0123456789", 500))
    widths.update({" ": 250, ",": 250, ".": 250, ";": 278, ":": 278, "-": 333, "(": 333, ")": 333, "/": 278,
                   "%": 833, "&": 778, "\"": 408, "'": 180, "!": 333, "?": 444})
    return fold_map, {k: v / 1000 for k, v in widths.items()}


_FOLD, _WIDTH = _build_tables()
_SPACE_W = _WIDTH[" "]


@lru_cache(maxsize=65536)
def fast_key(text: str) -> str:
    """Accent-free lower-case text with white space folded: `text.key`, but cheap."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.translate(_FOLD).lower().split())


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> float:
    w = _WIDTH.get(ch)
    if w is None:
        base = unicodedata.normalize("NFD", ch)[0] if ch not in "đĐ" else ("d" if ch == "đ" else "D")
        w = _WIDTH.get(base, 0.5)
    return w


@lru_cache(maxsize=65536)
def text_width(text: str) -> float:
    """Printed width of `text` in em (Times metrics); runs of spaces count once."""
    return sum(_char_width(ch) for ch in " ".join(text.split()))


# --- vocabulary (on accent-free keys) --------------------------------------------------------------

_DOC_KIND = re.compile(
    r"^[-+•]?\s*(cac |du thao |\d+ )?(ke hoach|bao cao|quyet dinh|van ban|to trinh|de an|cong van|huong dan|"
    r"nghi quyet|chi thi|bien ban|thong bao|danh muc|quy dinh|quy che|chuong trinh|phuong an|tai lieu|he thong|"
    r"phan mem|co so du lieu|hoi nghi|lop|ket qua|san pham|so tay|trang|chuyen muc|tin|bai|giay|phieu|"
    r"thong tu|cong bo)\b")
_FUNDING = re.compile(r"kinh phi|ngan sach|nguon (von|thu)|von (dau tu|su nghiep)|du toan|xa hoi hoa|tai tro")
_TASK_VERB = re.compile(
    r"^[-+•]?\s*(tham muu|ban hanh|to chuc|trien khai|thuc hien|xay dung|ra soat|tiep tuc|day manh|nang cao|"
    r"kiem tra|tuyen truyen|cap nhat|hoan thien|duy tri|theo doi|danh gia|cong bo|sua doi|quy dinh|lap|"
    r"phoi hop|bao cao|tang cuong|doi moi|phat trien|ung dung|dao tao|boi duong|khao sat|quan ly|"
    r"giam sat|cung cap|chuan hoa|so hoa|ket noi|sap xep|kien toan|chi dao|huong dan|giai quyet|gui|"
    r"cong khai|khai bao|dang ky|cu|lua chon|thanh lap|trinh|de xuat|xu ly)\b")
# Time expressions that make a deadline (SCHEMA.md `schedule`): dates, months, quarters, years,
# rhythms and "thường xuyên".
_TIME = re.compile(
    r"\b(quy\s+(i{1,3}|iv|[1-4])\b|thang\s+\d{1,2}\b|\d{1,2}\s*/\s*(19|20)\d\d\b|\d{1,2}/\d{1,2}(/\d{2,4})?\b|"
    r"nam\s+(19|20)\d\d\b|(19|20)\d\d\s*-\s*(19|20)\d\d\b|thuong xuyen|th xuyen|hang\s+(nam|quy|thang|tuan|ngay)\b|"
    r"hang nam|dinh ky|\d+\s+lan\s*/|lan\s*/\s*(nam|thang|quy)\b|\b(6|9|sau|chin)\s+thang\b|"
    r"(cuoi|dau|giua)\s+(nam|quy|thang)\b|truoc ngay|cham nhat|ngay\s+\d{1,2}\b|ca nam|trong nam|"
    r"hang tuan|(quy|thang|nam)\s*,\s*(6 thang|nam|quy)\b)")
# Deadlines that hang on an event or another body's timing.
_CONDITION = re.compile(
    r"\b(theo (huong dan|ke hoach|quy dinh|chi dao|lo trinh|giai doan|yeu cau|tien do|thoi gian|van ban|"
    r"de nghi|thong bao|cong van)|khi co|sau khi|ngay sau|khi (duoc|nhan|phat sinh|thay doi)|"
    r"truoc khi|dot xuat)\b")
# How a deadline cell may open: a cut inside a printed line before these is a likely cell start.
_DEADLINE_START = re.compile(
    r"^[-+•]?\s*(thuong xuyen|quy [ivx1-4]|thang \d|nam (19|20)\d\d|truoc|cham nhat|trong (nam|thang|quy)|"
    r"hang (nam|quy|thang)|dinh ky|khi |sau khi|theo |tu (nam|thang|quy|ngay)|(6|9) thang|ca nam|"
    r"\d{1,2}/\d{1,2}/|(19|20)\d\d\b)")
# Words a capitalised sentence starts with and nothing else does: "Các", "Theo", "Khi", ...
_OPENERS = frozenset(
    "các những theo khi sau trước trong tại đối với hoặc của để từ đến cho về do được mỗi hàng hằng thường "
    "định chậm quý tháng".split())
# A cell does not end on these: the phrase goes on ("của", "và", "theo", "Chủ tịch" + UBND, ...).
_OPEN_WORDS = frozenset(
    "của và các theo về cho với tại trong đến để hoặc thuộc được có là những số ngày tháng quý trên từ giữa "
    "sau khi thực gồm".split())
_OPEN_PAIRS = frozenset(("chủ tịch", "giám đốc", "thủ trưởng", "lãnh đạo", "người đứng đầu", "trưởng phòng",
                         "ủy ban", "ban nhân", "phó chủ", "trung tâm", "chi cục"))
_LIST_MARK = re.compile(r"^[-+•–]\s*")


# --- what a piece of text says on its own ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    key: str
    words: int
    width: float  # printed width, em
    first_width: float  # width of the first word
    lower: bool  # starts with a lower-case letter: goes on from the line before
    mark: bool  # starts with a list dash
    stop: bool  # ends a sentence or a list item (. ; : ! ?)
    full_stop: bool  # ends a sentence (. ! ?)
    semi: bool  # ends with ";": a list goes on
    open: bool  # ends with "," or a word the phrase cannot end on
    opener: bool  # starts with a capitalised word only a sentence starts with
    deadline: float  # 3 a time expression, 2 a condition, 0 neither
    funding: bool


@lru_cache(maxsize=65536)
def deadline_cue(k: str) -> float:
    """3 for a time expression in the key `k`, 2 for a condition, 0 for neither."""
    if _TIME.search(k):
        return 3.0
    if _CONDITION.search(k):
        return 2.0
    return 0.0


@lru_cache(maxsize=65536)
def facts(text: str) -> Facts:
    k = fast_key(text)
    words = text.split()
    stripped = text.rstrip()
    low = [w.strip(".,;:()\"“”") for w in stripped.lower().split()[-2:]]
    last = low[-1] if low else ""
    pair = " ".join(low)
    first = words[0] if words else ""
    return Facts(
        key=k,
        words=len(words),
        width=text_width(text),
        first_width=text_width(first),
        lower=first_letter_is_lower(text),
        mark=bool(_LIST_MARK.match(text)),
        stop=stripped.endswith((".", ";", ":", "!", "?")),
        full_stop=stripped.endswith((".", "!", "?")),
        semi=stripped.endswith(";"),
        open=stripped.endswith((",", ":")) or last in _OPEN_WORDS or pair in _OPEN_PAIRS,
        opener=bool(first) and first[0].isupper() and first.lower() in _OPENERS,
        deadline=deadline_cue(k),
        funding=bool(_FUNDING.search(k)),
    )


@dataclass(frozen=True, slots=True)
class Start:
    agency: bool  # starts like an agency, a group of agencies or a post
    doc: bool  # starts like a document or a product ("Kế hoạch", "Báo cáo", ...)
    verb: bool  # starts like a task ("Ban hành", "Tổ chức", ...)
    unit: bool  # starts with "Phòng"/"Ban": a verb-looking start that is a body
    caps: bool  # in capitals: a heading, not a cell's text
    when: bool  # starts like a deadline (a time, a condition, a list item, a report or an act)


_PEOPLE_GROUP = re.compile(r"^(cac|nhung|toan the) (can bo|cong chuc|vien chuc|thanh vien|lanh dao|truong)\b")
_AGENCY_FIRST = frozenset(
    "so ban phong van vp thanh trung chi cuc tong bo dai bao hoi hiep lien truong vien hoc to doi doan cong "
    "doanh tap tram hat uy ub nha co don dia ca ngan benh kho toa mat tinh huyen thi xa phuong chu pho giam thu "
    "nguoi can lanh thuong kiem buu hai tp quan cac bch bql".split())


def _agency_start(text: str, k: str) -> bool:
    words = k.lstrip("-+•– ").split()
    if not words:
        return False
    head = text.lstrip("-+•– ").split()[0]
    if words[0] not in _AGENCY_FIRST and not (head[:1].isupper() and sum(c.isupper() for c in head) >= 2):
        return False  # cheap refusal: no agency, group or post starts with this word
    if _PEOPLE_GROUP.match(" ".join(words)):
        return True  # "Các công chức chuyên môn": people stand for their office too
    return looks_like_agency(" ".join(text.lstrip("-+•– ").split()[:8]))


@lru_cache(maxsize=32768)
def start_facts(text: str) -> Start:
    """What the start of a cell says (`text` is its first words)."""
    k = fast_key(text)
    letters = [ch for ch in text if ch.isalpha()]
    doc, verb = bool(_DOC_KIND.match(k)), bool(_TASK_VERB.match(k))
    first = text.split()[0] if text.split() else ""
    when = bool(_DEADLINE_START.match(k) or _LIST_MARK.match(text) or doc or verb or first.lower() in _OPENERS
                or text[:1].isdigit() or first_letter_is_lower(text))
    return Start(agency=_agency_start(text, k), doc=doc, verb=verb, unit=k.lstrip("-+• ").startswith(("phong", "ban ")),
                 caps=len(letters) >= 4 and all(ch.isupper() for ch in letters), when=when)


# --- a cell's score ----------------------------------------------------------------------------

EMPTY_SCORE = {"content": -4.0, "lead": -2.0, "output": -0.5, "coordinating": 0.0, "deadline": -0.8,
               "funding": 0.0, "note": 0.0, "number": 0.0}


def cell_score(field: str, start: Start, chars: int, para_words: int, deadline: float, funding: bool) -> float:
    """How well a cell fits column `field`, from its start and its aggregates: `chars` its key's
    length, `para_words` the words of its longest paragraph, `deadline` the strongest time cue
    anywhere in it, `funding` whether it names a source of funds."""
    if chars == 0:
        return EMPTY_SCORE.get(field, 0.0)
    if field == "content":
        score = 1.0 if chars > 30 else 0.0
        if start.caps:
            return score - 3.0  # a heading in capitals is no task
        if start.verb:
            return score + 1.0
        if start.agency and chars < 60:
            score -= 2.0
        if deadline > 2 and chars < 40:
            score -= 2.0
        return score
    if field == "output":
        score = 1.5 if start.doc else 0.0
        if start.agency and not start.doc:
            score -= 1.5
        if deadline > 2 and not start.doc:
            score -= 1.5
        return score
    if field in ("lead", "coordinating"):
        score = 2.5 if start.agency else -1.5
        if para_words > 25:
            score -= 2.0
        if start.verb and not start.unit:
            score -= 2.0
        if start.doc and not start.agency:
            score -= 1.0
        if deadline > 2:
            score -= 2.0
        return score
    if field == "deadline":
        score = 3.0 if deadline > 2 else 2.0 if deadline > 0 else -1.0
        if start.agency and score < 3:
            score -= 1.5
        if not start.when:
            score -= 1.5  # a deadline opens with a time, a condition, a list item or the act it times
        if chars > 160:
            score -= 1.0
        return score
    if field == "funding":
        return 3.0 if funding else -1.5
    return 0.0


@lru_cache(maxsize=65536)
def column_score(field: str, text: str) -> float:
    """How well `text` (a whole candidate cell) fits the column `field`."""
    f = facts(text)
    if not f.key:
        return EMPTY_SCORE.get(field, 0.0)
    paras = [p for p in re.split(r"(?:^|\s)[-+•]\s", " " + text) if p.strip()] or [text]
    return cell_score(field, start_facts(" ".join(text.split()[:8])), len(f.key),
                      max(len(p.split()) for p in paras), f.deadline, f.funding)


@lru_cache(maxsize=20000)
def deadline_evidence(text: str) -> float:
    if not text:
        return 0.0
    cue = facts(text).deadline
    return 3.0 if cue > 2 else 2.0 if cue > 0 else -1.0


@lru_cache(maxsize=20000)
def agency_evidence(text: str) -> float:
    if not text:
        return 0.0
    return column_score("lead", text)


def cell_start(text: str) -> bool:
    """Could a cell start with `text` (the rest of a printed line)? For cuts inside a line."""
    k = fast_key(text)
    if not k:
        return False
    if _LIST_MARK.match(text) or _DEADLINE_START.match(k) or _FUNDING.match(k):
        return True
    s = start_facts(" ".join(text.split()[:8]))
    return s.agency or s.doc
