"""Reform area of a section title (SCHEMA.md `area`).

Rule: a section belongs to an area only when its title *names that area as its
subject*, not when it merely mentions the area's vocabulary. Gold 003 (a plan to
renew the one-stop-shop mechanism) shows why: "TRIỂN KHAI THỰC HIỆN SỐ HÓA HỒ SƠ
TRONG TIẾP NHẬN, GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" is about digitising dossiers, and
"thủ tục hành chính" only qualifies the dossiers, so its area is null; "XÂY DỰNG VÀ
BAN HÀNH CÁC VĂN BẢN CHỈ ĐẠO" names direction documents, not the direction area.

A title names an area in one of two ways:
 1. it carries the area's full name anywhere: "cải cách thể chế", "cải cách thủ tục
    hành chính", "cải cách (chế độ) công vụ", "chính phủ điện tử", "chính quyền số",
    "chỉ đạo, điều hành", "tuyên truyền cải cách hành chính" ...
    ("CÁC NHIỆM VỤ TRỌNG TÂM VỀ CẢI CÁCH THỂ CHẾ NĂM 2022");
 2. once numbering and generic lead-in words are taken off ("I.", "các nhiệm vụ trọng
    tâm về", "đẩy mạnh", "xây dựng và phát triển", "công tác", "hoàn thiện" ...), the
    title *starts* with the area's short name: "THỂ CHẾ", "Thủ tục hành chính",
    "Chuyển đổi số", "Tổ chức bộ máy", "Công tác chỉ đạo, điều hành".
Where several areas are named, the earliest one wins (the title's subject comes first).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import key

# The standard areas (SCHEMA.md `area`) and their Vietnamese names, in the order plans list them.
AREA_NAMES: dict[str, str] = {
    "chi_dao": "Công tác chỉ đạo, điều hành",
    "the_che": "Cải cách thể chế",
    "tthc": "Cải cách thủ tục hành chính",
    "to_chuc_bo_may": "Cải cách tổ chức bộ máy",
    "cong_vu": "Cải cách chế độ công vụ",
    "tai_chinh_cong": "Cải cách tài chính công",
    "chinh_quyen_so": "Chính quyền điện tử, chính quyền số",
}

# Numbering before the title: "I.", "1.2.", "a)", "Phần II:", "PHỤ LỤC III -", "IV "
_NUMBERING = re.compile(
    r"^\W*(?:(?:phu luc|phan|muc|chuong)\s*)?"
    r"(?:(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])\s*[.):/-]+\s*|(?:[ivxlc]+|\d+(?:\.\d+)*)\s+)?")
# Generic lead-in words that say nothing about the area.
_FRAME = re.compile(  # used with .match(text, pos), which anchors at pos
    r"(?:(?:cac|nhung|mot so|nhiem vu|giai phap|trong tam|chu yeu|cu the|ve|day manh|tiep tuc|"
    r"thuc hien|trien khai|xay dung|phat trien|va|nang cao|tang cuong|linh vuc|noi dung|doi moi|"
    r"hoan thien|chat luong|cong tac|ket qua|nam \d{4})\b[\s,:;-]*)+")
_CCHC = re.compile(r"\b(?:cai cach hanh chinh|cchc)\b")
_CONG_TAC = re.compile(r"\bcong tac\b")

# 1. full area names, read anywhere in the title
_ANYWHERE: list[tuple[str, re.Pattern[str]]] = [
    ("chi_dao", re.compile(r"\bchi dao,?\s*(?:dieu hanh|hanh)\b|\bcong tac chi dao\b"
                           r"|\btuyen truyen\s+(?:ve\s+)?(?:cong tac\s+)?(?:cai cach hanh chinh|cchc)\b")),
    ("the_che", re.compile(r"\bcai cach (?:he thong )?the che\b")),
    ("tthc", re.compile(r"\bcai cach (?:cac )?(?:thu tuc hanh chinh|tthc)\b")),
    ("to_chuc_bo_may", re.compile(r"\bcai cach (?:to chuc )?bo may\b")),
    ("cong_vu", re.compile(r"\bcai cach (?:che do )?(?:cong vu|cong chuc)\b")),
    ("tai_chinh_cong", re.compile(r"\bcai cach (?:(?:co che )?quan ly )?tai chinh(?: cong)?\b")),
    ("chinh_quyen_so", re.compile(r"\bchinh (?:phu|quyen) (?:dien tu|so)\b"
                                  r"|\bhien dai hoa (?:nen )?hanh chinh\b")),
]

# 2. short names, read only at the head of the title (after numbering and lead-in words)
_HEAD: list[tuple[str, re.Pattern[str]]] = [
    ("chi_dao", re.compile(r"(?:lanh dao,?\s*)?chi dao\b|dieu hanh\b")),
    ("the_che", re.compile(r"(?:he thong )?(?:the che\b|(?:cac )?van ban (?:quy pham phap luat|qppl)\b)")),
    ("tthc", re.compile(r"(?:cac )?(?:thu tuc hanh chinh|tthc)\b")),
    ("to_chuc_bo_may", re.compile(r"(?:sap xep,?\s*|kien toan,?\s*)*(?:to chuc )?bo may\b")),
    ("cong_vu", re.compile(r"(?:che do )?cong vu\b|doi ngu can bo\b|can bo,? cong chuc\b")),
    ("tai_chinh_cong", re.compile(r"tai chinh cong\b|co che (?:quan ly )?tai chinh\b")),
    ("chinh_quyen_so", re.compile(r"chuyen doi so\b|chinh (?:phu|quyen) (?:dien tu|so)\b"
                                  r"|ung dung (?:cong nghe thong tin|cntt)\b|hien dai hoa\b")),
]
# Propaganda and inspection are direction work only when about CCHC itself ("CÔNG TÁC TUYÊN
# TRUYỀN", "Tuyên truyền về CCHC"), not a one-stop plan's "tuyên truyền, phổ biến cơ chế một cửa".
_CHI_DAO_SOFT = re.compile(r"(?:thong tin,?\s*)?(?:tuyen truyen|kiem tra)\b")


@lru_cache(maxsize=1024)
def area_of(title: str | None) -> str | None:
    """One of model.AREAS for a section heading, or None when the heading names no reform area."""
    if not isinstance(title, str):
        return None
    text = key(title)
    if not text:
        return None
    found: list[tuple[int, str]] = []
    for area, pattern in _ANYWHERE:
        m = pattern.search(text)
        if m:
            found.append((m.start(), area))
    frame = _FRAME.match(text, _NUMBERING.match(text).end())
    head_at = frame.end() if frame else _NUMBERING.match(text).end()
    for area, pattern in _HEAD:
        if pattern.match(text, head_at):
            found.append((head_at, area))
    soft = _CHI_DAO_SOFT.match(text, head_at)
    if soft:
        rest = text[soft.end():]
        if _CONG_TAC.search(text, 0, head_at) or _CCHC.search(rest) or not re.search(r"\w", rest):
            found.append((head_at, "chi_dao"))
    return min(found)[1] if found else None
