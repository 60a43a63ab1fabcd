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


# Unicode's "stream-safe" limit (UAX #15): Vietnamese stacks at most two marks on a letter.
MAX_COMBINING_RUN = 30


@lru_cache(maxsize=1)
def _combining_runs() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Runs of combining marks: of the Basic Multilingual Plane's (the regular expression engine tests
    those against a bitmap: fast), and of any plane (a range list: ten times slower)."""
    marks = [c for c in range(0x20000) if unicodedata.combining(chr(c))]  # none lie above U+1FFFF

    def run_of(codes: list[int]) -> str:
        ranges: list[list[int]] = []
        for c in codes:
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
        cls = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
        return f"[{cls}]{{{MAX_COMBINING_RUN + 1},}}"

    return re.compile(run_of([c for c in marks if c < 0x10000])), re.compile(run_of(marks))


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _cut(m: re.Match[str]) -> str:
    return m.group(0)[:MAX_COMBINING_RUN]


def cap_combining(text: str) -> str:
    """Each run of combining marks cut to MAX_COMBINING_RUN. Unicode normalisation reorders a run in
    time quadratic in its length: 90,000 marks on one letter took 0.2 s per normalisation, 20 s for a
    one-line document. Readers call it before they normalise what a file holds."""
    if text.isascii():
        return text
    bmp, every = _combining_runs()
    return (every if _ASTRAL.search(text) else bmp).sub(_cut, text)


@lru_cache(maxsize=16384)  # every stage folds the same cells and lines again (five times each on average)
def fold(text: str | None) -> str:
    """Raw cell text as SCHEMA.md defines it: NFC, white space runs folded to one space, ends stripped."""
    if not text:
        return ""
    # str.split() splits on exactly the characters regex \s matches (no-break space included), only faster.
    # The zero-width spaces go before NFC: one between a letter and its tone mark kept them apart.
    return " ".join(nfc(text.replace("\u200b", "")).split())


def strip_accents(text: str) -> str:
    """Vietnamese without diacritics ("Sở Nội vụ" -> "So Noi vu"); đ/Đ become d/D."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def key(text: str | None) -> str:
    """Comparison key: folded, accent-free, lower case, dashes unified. Folded again after the accents
    go: a combining mark standing alone between spaces ("Nô ̣ i", as some PDFs give it) leaves two."""
    return " ".join(strip_accents(fold(text)).lower().translate(_DASHES).split())


class _AccentFreeTable(dict[int, str]):
    """str.translate table filled on first sight of each character: its accent-free lower case form
    when that is one character, else the character itself (so lengths never change)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        k = strip_accents(ch).lower()
        self[code] = value = k if len(k) == 1 else ch
        return value


_ACCENT_FREE = _AccentFreeTable()


def akey(text: str) -> str:
    """Accent-free lower case text of the same length, so a match's span slices the original
    (unlike key(), which folds white space and so moves the offsets)."""
    return text.translate(_ACCENT_FREE)


def first_letter_is_lower(text: str) -> bool:
    """The first letter is lower case, and no digit comes before it ("- và các cơ quan" yes, "3 đơn vị" no)."""
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


def is_roman(token: str) -> bool:
    return bool(token) and bool(ROMAN.match(token))


def roman_value(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(token):
        v = values[ch]
        total += -v if i + 1 < len(token) and values[token[i + 1]] > v else v
    return total
