"""Evidence for which column a piece of text belongs to.

Text layouts (a PDF's text, a web table copied one cell per line) lose the cell
boundaries; `segment.py` puts them back by asking, for each candidate cell, how
much it reads like that column. Scores are log-odds-like numbers: positive means
"this reads like the column", negative "it does not".
"""

from __future__ import annotations

import re
from functools import lru_cache

from .normalise.agencies import looks_like_agency
from .normalise.deadline import parse_schedule
from .text import key

_DOC_KIND = re.compile(
    r"^[-+•]?\s*(cac |du thao )?(ke hoach|bao cao|quyet dinh|van ban|to trinh|de an|cong van|huong dan|nghi quyet|"
    r"chi thi|bien ban|thong bao|danh muc|quy dinh|quy che|chuong trinh|phuong an|tai lieu|he thong|"
    r"phan mem|co so du lieu|hoi nghi|lop|ket qua|san pham|so tay|trang|chuyen muc|tin|bai)\b")
_FUNDING = re.compile(r"kinh phi|ngan sach|nguon (von|thu)|von (dau tu|su nghiep)|du toan|xa hoi hoa|tai tro")
_TASK_VERB = re.compile(
    r"^[-+•]?\s*(tham muu|ban hanh|to chuc|trien khai|thuc hien|xay dung|ra soat|tiep tuc|day manh|nang cao|"
    r"kiem tra|tuyen truyen|cap nhat|hoan thien|duy tri|theo doi|danh gia|cong bo|sua doi|quy dinh|lap|"
    r"phoi hop|bao cao|tang cuong|doi moi|phat trien|ung dung|dao tao|boi duong|khao sat|quan ly|"
    r"giam sat|cung cap|chuan hoa|so hoa|ket noi|sap xep|kien toan|chi dao|huong dan|giai quyet)\b")


@lru_cache(maxsize=20000)
def deadline_evidence(text: str) -> float:
    if not text:
        return 0.0
    s = parse_schedule(text, None)
    if s.due_dates or s.continuous or s.recurrence:
        return 3.0
    if s.conditional:
        return 2.0
    return -1.0


@lru_cache(maxsize=20000)
def agency_evidence(text: str) -> float:
    if not text:
        return 0.0
    k = key(text)
    words = len(k.split())
    score = 2.5 if looks_like_agency(text.lstrip("-+• ")) else -1.5
    if words > 25:
        score -= 2.0
    if _TASK_VERB.match(k) and not k.startswith(("phong", "ban")):
        score -= 2.0
    return score


@lru_cache(maxsize=20000)
def column_score(field: str, text: str) -> float:
    """How well `text` (a whole candidate cell, folded) fits the column `field`."""
    k = key(text)
    if not k:
        return {"content": -4.0, "lead": -2.0, "output": -0.5, "coordinating": 0.0, "deadline": -0.8,
                "funding": 0.0, "note": 0.0, "number": 0.0}.get(field, 0.0)
    if field == "content":
        score = 1.0 if len(k) > 30 else 0.0
        if _TASK_VERB.match(k):
            return score + 1.0
        if looks_like_agency(text) and len(k) < 60:
            score -= 2.0
        if deadline_evidence(text) > 2 and len(k) < 40:
            score -= 2.0
        return score
    if field == "output":
        score = 1.5 if _DOC_KIND.match(k) else 0.0
        if looks_like_agency(text.lstrip("-+• ")) and not _DOC_KIND.match(k):
            score -= 1.5
        if deadline_evidence(text) > 2 and not _DOC_KIND.match(k):
            score -= 1.5
        return score
    if field in ("lead", "coordinating"):
        score = agency_evidence(text)
        if deadline_evidence(text) > 2:
            score -= 2.0
        return score
    if field == "deadline":
        score = deadline_evidence(text)
        if looks_like_agency(text.lstrip("-+• ")) and score < 3:
            score -= 1.5
        if len(k) > 160:
            score -= 1.0
        return score
    if field == "funding":
        return 3.0 if _FUNDING.search(k) else -1.5
    return 0.0
