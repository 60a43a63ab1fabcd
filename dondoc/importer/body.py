"""Running text -> paragraphs: undo the hard wrapping of PDF and web text.

Readers hand over the body as lines. Some formats give one paragraph per line
(HTML, DOCX), others break a paragraph every ~80 characters (PDF text, copied
web pages), sometimes even in the middle of a heading ("1. Cải cách thể" /
"chế"). A line continues the paragraph before it unless something says a new
one starts: the previous line ended a sentence or list item, or the new line
opens a list item, a numbered, lettered or roman heading, an article, a layout
table row, or an upper-case heading.
"""

from __future__ import annotations

import re

from .text import fold, is_roman

# Markers that open a new paragraph. Numbered headings take one or two digits
# per level so that "1.600 hồ sơ" or "2021." (a wrapped number) never count.
_DASH_ITEM = re.compile(r"^[-+•*·–—]\s*(?=\S)")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*(?:\.|\))(?=\s|$)|^\d{1,2}(?:\.\d{1,2})+(?=\s)")
_LETTERED = re.compile(r"^(?:[a-zđ]\)|\([a-zđ0-9]{1,2}\))(?=\s|$)|^[a-zđ]\.\s+(?=[^\W\d_])")
_ROMAN = re.compile(r"^([IVXLC]{1,6})[.)](?=\s|$)")
_ARTICLE = re.compile(r"^(?:(?:Điều|ĐIỀU|Mục|MỤC)\s+\d+|(?:Chương|CHƯƠNG|Phần|PHẦN)\s+[IVXLC\d]+|Phụ lục|PHỤ LỤC"
                      r"|Nơi nhận|NƠI NHẬN)\b")
_SIGN_ABBR = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.(?=\s|$)")  # signature block: "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC"
_SEPARATOR = re.compile(r"^[\s\-_=*.~·•]+$")
_END_STRONG = re.compile(r"[.!?;:…][\"”’)\]]*$")  # the paragraph may end here
# A heading never ends on these words: a short numbered line ending with one is wrapped text.
_OPEN_WORDS = frozenset(
    "và với của các cho theo tại về trong số ngày để được là có những từ đến trên hoặc "
    "như bằng do mà khi thì nhằm đối gồm tháng năm quý".split())


_NON_LETTERS = re.compile(r"[\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")


def _letters(text: str) -> str:
    return _NON_LETTERS.sub("", text)


def is_caps(text: str) -> bool:
    """All letters upper case (at least two letters): a heading or a layout header line."""
    return _caps_letters(_letters(text))


def _caps_letters(letters: str) -> bool:
    """`is_caps` of a text whose letters (`_letters`) are `letters`."""
    return len(letters) >= 2 and letters.isupper()


def _caps_heading(text: str) -> bool:
    """An upper-case heading line: two or more words, all upper case ("61/2018/NĐ-CP." is not one)."""
    words = [w for w in text.split(" ") if _LETTER.search(w)]
    return len(words) >= 2 and not text[:1].isdigit() and is_caps(text)


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0] if text else ""


def is_marker_start(line: str) -> bool:
    """Does the line open a list item, a numbered/lettered/roman heading or an article?"""
    if (_DASH_ITEM.match(line) or _NUMBERED.match(line) or _LETTERED.match(line) or _ARTICLE.match(line)
            or _SIGN_ABBR.match(line)):
        return True
    m = _ROMAN.match(line)
    return bool(m and is_roman(m.group(1)))


def _heading_marked(text: str) -> bool:
    """Numbered, lettered or roman heading (not a dash item)."""
    if _NUMBERED.match(text) or _LETTERED.match(text) or _ARTICLE.match(text):
        return True
    m = _ROMAN.match(text)
    return bool(m and is_roman(m.group(1)))


def _starts_lower(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
        if ch in "\"“(«'‘[":
            continue
        return False
    return False


def _starts_upper(text: str) -> bool:
    ch = text[:1]
    return bool(ch) and ch.isalpha() and ch.isupper()


def _widths(lines: list[str]) -> tuple[int, bool]:
    """(heading length limit, one paragraph per line?) from the line lengths.

    Hard-wrapped text (PDF, copied web pages) has most lines near one width, ~80 characters; a reader
    that gives one paragraph per line (HTML, DOCX) has many lines far longer than any wrap width.
    Below the limit a numbered line is a whole heading, not the first line of a wrapped one."""
    lengths = sorted(len(x) for x in lines)
    if not lengths:
        return 70, False
    width = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    return max(25, min(70, int(width * 0.8))), width > 160


def paragraphs(lines: list[str]) -> list[str]:
    """Rejoin hard-wrapped lines into paragraphs (NFC, white space folded)."""
    clean = [fold(x) for x in lines or () if isinstance(x, str)]
    clean = [x for x in clean if x and x != "|"]
    limit, per_line = _widths(clean)
    out: list[str] = []
    cur: list[str] = []  # lines of the paragraph being built
    cur_caps = False  # is every line of it upper case (a heading)?
    # is out[-1] an upper-case heading (`_caps_heading`)? Every line asks, so it is worked out once per
    # paragraph, as out grows, not once per line on the same (often long) paragraph
    after_heading = False

    def add(paragraph: str) -> None:
        nonlocal after_heading
        out.append(paragraph)
        after_heading = _caps_heading(paragraph)

    def flush() -> None:
        nonlocal cur
        if cur:
            add(" ".join(cur))
        cur = []

    for line in clean:
        if _SEPARATOR.match(line):
            flush()
            continue
        if " | " in line or line.startswith("| ") or line.endswith(" |"):
            # a layout table row (issuer | motto, signature block): a paragraph of its own
            flush()
            add(line)
            continue
        letters = _letters(line)  # once: the regular expression runs over the whole line
        caps = _caps_letters(letters) or not letters
        if cur and _continues(cur, cur_caps, line, limit, after_heading, per_line):
            cur.append(line)
            cur_caps = cur_caps and caps
        else:
            flush()
            cur, cur_caps = [line], caps
    flush()
    return out


def _continues(cur: list[str], prev_caps: bool, line: str, limit: int, after_heading: bool,
               per_line: bool = False) -> bool:
    prev_line = cur[-1]
    first = cur[0]
    ended = bool(_END_STRONG.search(prev_line))
    if per_line:
        # each line is a paragraph; only a heading broken over lines or a sentence cut mid-way goes on
        if prev_caps and not ended and is_caps(_first_word(line)) and not is_marker_start(line):
            return True
        return _starts_lower(line) and not prev_line.endswith((".", "!", "?"))
    # an upper-case heading wrapped over lines: "II. NHIỆM VỤ CẢI" / "CÁCH HÀNH CHÍNH"
    if prev_caps and not ended and is_caps(_first_word(line)) and not is_marker_start(line):
        return True
    if is_marker_start(line):
        # "- xã hội" after "kinh tế" is a wrapped compound, not a list item
        return bool(_DASH_ITEM.match(line) and not ended and _starts_lower(line[1:].lstrip()))
    if _starts_lower(line):
        return True
    if ended:
        # "...; 100% văn bản", "tối thiểu:" / "1.600 hồ sơ" wrap inside one paragraph; a sentence or
        # item end before a capital does not
        return prev_line.endswith((";", ":")) and line[:1].isdigit()
    if _caps_heading(line) or (" " not in line and line.isalpha() and is_caps(line)):
        return False  # an upper-case heading after running text, or its first word alone ("ỦY")
    if prev_caps:
        return False  # mixed-case text after an upper-case heading
    if len(cur) == 1 and len(first) < limit and _starts_upper(line) and (
            _heading_marked(first) or after_heading):
        # "1. Mục đích" then "Triển khai ...", or a subtitle under "KẾ HOẠCH": a line of its own,
        # unless it stops on a word that cannot end one
        last = prev_line.rsplit(" ", 1)[-1].lower()
        return last in _OPEN_WORDS
    return True
