"""What an agency's name says about it: its level, and whether it names a group of agencies.

Pure functions over the accent-free key, so they work on any spelling an import brings.
"""

from __future__ import annotations

import re

from .models import alias_key

# The levels every installation starts with (a data migration creates them; admins may add more).
DEFAULT_LEVELS: list[tuple[str, str, int]] = [
    ("central", "Trung ương", 0),
    ("province", "Cấp tỉnh", 10),
    ("department", "Sở, ban, ngành cấp tỉnh", 20),
    ("district", "Cấp huyện", 30),
    ("commune", "Cấp xã", 40),
    ("division", "Phòng, ban thuộc cơ quan", 50),
    ("unit", "Đơn vị trực thuộc", 60),
]

_LEVEL_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("central", re.compile(r"^(?:bo |chinh phu|thu tuong|van phong chinh phu|quoc hoi)")),
    ("department", re.compile(
        r"^(?:so |ban (?:quan ly|dan toc|to chuc)|thanh tra tinh|van phong (?:ubnd|hdnd|doan dbqh|tinh uy)[^,]*tinh"
        r"|cong an tinh|bo chi huy quan su tinh|dai phat thanh|bao |kho bac|cuc (?:thue|thong ke|hai quan)"
        r"|bao hiem xa hoi tinh|ngan hang)")),
    ("province", re.compile(r"^(?:ubnd|hdnd) tinh|^tinh uy")),
    ("district", re.compile(r"^(?:ubnd|hdnd) (?:cac )?(?:huyen|thi xa|thanh pho|quan)\b")),
    ("commune", re.compile(r"^(?:ubnd|hdnd) (?:cac )?(?:xa|phuong|thi tran)\b")),
    ("division", re.compile(r"^(?:phong |van phong\b|thanh tra so)")),
    ("unit", re.compile(r"^(?:trung tam|chi cuc|vien |truong |benh vien|ban quan ly du an)")),
]

_GROUP = re.compile(
    r"^cac |\bcac (?:huyen|xa|phuong|so|phong|co quan|don vi|ban|nganh|dia phuong|thanh vien)\b"
    r"|\bcap (?:huyen|xa|tinh)\b"
    r"|\b(?:co )?lien quan$|\bva tuong duong\b|\btoan tinh\b|\bcac cap\b")

_GROUP_MEMBER_LEVEL: list[tuple[str, re.Pattern[str]]] = [
    ("commune", re.compile(r"\b(?:xa|phuong|thi tran)\b")),
    ("district", re.compile(r"\b(?:huyen|thi xa|thanh pho)\b")),
    ("department", re.compile(r"\b(?:so|ban nganh|nganh)\b")),
    ("division", re.compile(r"\bphong\b")),
]


def guess_level(name: str) -> str | None:
    k = alias_key(name)
    for code, pattern in _LEVEL_RULES:
        if pattern.search(k):
            return code
    return None


def looks_like_group(name: str) -> bool:
    return bool(_GROUP.search(alias_key(name)))


def group_member_level(name: str) -> str | None:
    """For a group designation, the level all its members share ("UBND cấp huyện" → district)."""
    k = alias_key(name)
    for code, pattern in _GROUP_MEMBER_LEVEL:
        if pattern.search(k):
            return code
    return None


_LOCALITY_TAIL = re.compile(r"\s+(?:tỉnh|thành phố|huyện|thị xã|quận)\s+[^\W\d_][\w\s.-]*$", re.IGNORECASE)


def without_locality(name: str) -> str | None:
    """"Sở Tư pháp tỉnh Lâm Viên" → "Sở Tư pháp": a body below the people's committee, named as task cells name it.

    None when there is no locality tail or when the rest would no longer name a body of its own level
    ("Ủy ban nhân dân tỉnh Lâm Viên" keeps its locality: it *is* the province).
    """
    short = _LOCALITY_TAIL.sub("", name).strip()
    if short == name.strip() or guess_level(short) not in {"department", "division", "unit"}:
        return None
    return short
