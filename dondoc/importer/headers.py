"""Header vocabulary: which Plan field a task-table column holds.

Matching is on the accent-free lower-case key, so "NỘI DUNG", "Noi dung" and
"Nội\ndung" all read the same. The order of the rules matters: a header naming
two things ("Nguồn kinh phí thực hiện", "Đơn vị chủ trì thực hiện") belongs to
the more specific one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .columns import fast_key

# (field, pattern on the key); first match wins.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("funding", re.compile(r"kinh phi|nguon von|du toan")),
    ("note", re.compile(r"ghi chu")),
    ("coordinating", re.compile(r"phoi hop")),
    ("lead", re.compile(r"chu tri|(co quan|don vi|bo phan|phong)[ ,/a-z]*thuc hien|trach nhiem thuc hien|"
                        r"^(co quan|don vi) (tham muu|chiu trach nhiem)")),
    ("deadline", re.compile(r"thoi gian|thoi han|tien do|moc (thoi gian|hoan thanh)|^ngay hoan thanh")),
    ("output", re.compile(r"san pham|ket qua|hinh thuc van ban")),
    ("content", re.compile(r"nhiem vu|noi dung|hoat dong|danh muc|cong viec|giai phap|ten (de an|van ban)")),
    ("number", re.compile(r"^(s\.? ?tt|tt|so tt|so thu tu|thu tu|stt\.?)$")),
]
FIELDS = ("number", "content", "output", "lead", "coordinating", "deadline", "funding", "note")


@lru_cache(maxsize=8192)  # header search asks again for the same lines as its window grows
def field_of(header_text: str) -> str | None:
    k = fast_key(header_text).strip(" .:")
    if not k or len(k) > 80:
        return None
    for name, pattern in _RULES:
        if pattern.search(k):
            return name
    return None


def header_fields(cells: list[str]) -> list[str | None] | None:
    """Field per column if these cells read as a task-table header, else None.

    A header needs a content column and at least two of lead, deadline, output,
    coordinating: that is what makes a table a task table rather than a layout
    table or a statistics table.
    """
    fields = [field_of(c) for c in cells]
    named = [f for f in fields if f]
    if len(set(named)) != len(named):  # a field twice: keep the first, drop later duplicates
        seen: set[str] = set()
        fields = [f if f and f not in seen and not seen.add(f) else None for f in fields]  # type: ignore[func-returns-value]
        named = [f for f in fields if f]
    support = {"lead", "deadline", "output", "coordinating"} & set(named)
    if "content" in named and len(support) >= 2:
        return fields
    return None


def is_column_numbering(cells: list[str]) -> bool:
    """The "(1) (2) (3)" row some tables print under the header."""
    texts = [c.strip() for c in cells if c.strip()]
    return len(texts) >= 2 and all(re.fullmatch(r"\(?\d{1,2}\)?(=\(?\d+\)?[-+*]\(?\d+\)?)?", t) for t in texts)
