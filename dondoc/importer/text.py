"""Small text helpers shared by every stage: folding, accent-free keys, numerals."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")
_DASHES = dict.fromkeys(map(ord, "\u2013\u2014\u2212"), "-")
ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str | None) -> str:
    """Raw cell text as SCHEMA.md defines it: NFC, white space runs folded to one space, ends stripped."""
    if not text:
        return ""
    return _SPACE.sub(" ", nfc(text).replace("\u00a0", " ").replace("\u200b", "")).strip()


def strip_accents(text: str) -> str:
    """Vietnamese without diacritics ("Sở Nội vụ" -> "So Noi vu"); đ/Đ become d/D."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def key(text: str | None) -> str:
    """Comparison key: folded, accent-free, lower case, dashes unified."""
    return strip_accents(fold(text)).lower().translate(_DASHES)


@lru_cache(maxsize=4096)
def _char_key(ch: str) -> str:
    k = strip_accents(ch).lower()
    return k if len(k) == 1 else ch


def akey(text: str) -> str:
    """Accent-free lower case text of the same length, so a match's span slices the original
    (unlike key(), which folds white space and so moves the offsets)."""
    return "".join(_char_key(ch) for ch in text)


def is_roman(token: str) -> bool:
    return bool(token) and bool(ROMAN.match(token))


def roman_value(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(token):
        v = values[ch]
        total += -v if i + 1 < len(token) and values[token[i + 1]] > v else v
    return total
