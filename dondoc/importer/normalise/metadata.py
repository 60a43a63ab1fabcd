"""The document's own particulars (SCHEMA.md `document`) from its running text.

An administrative document (Nghị định 30/2020/NĐ-CP) opens with a header: the
issuing body top left ("ỦY BAN NHÂN DÂN / TỈNH SƠN LA", or a department under
its parent "UBND TỈNH SƠN LA / SỞ NỘI VỤ"), the national motto top right, then
"Số: 1234/QĐ-UBND" and "Hà Giang, ngày 28 tháng 12 năm 2023"; then the kind
(QUYẾT ĐỊNH, KẾ HOẠCH) and the title in capitals; it ends with the signature
block ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name"). Readers deliver the header either
as one line per cell ("A | B |") or broken into pieces ("ỦY", "BAN NHÂN DÂN"),
so the rules below work on the text of consecutive units joined by spaces.

Web copies carry a site box ("Số hiệu: 56/KH-UBND", "Người ký: ...") around
the document: it is read only where the document itself says nothing.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from datetime import date

from ..model import MAX_YEAR, MIN_YEAR, DocumentMeta
from ..text import akey, fold

_HEAD_UNITS = 120  # the header sits in the first units, even behind a web site's box


def _rows(lines: list[str]) -> list[list[str]]:
    """Lines split into layout-table cells ("A | B |"), folded, without empty cells."""
    out: list[list[str]] = []
    for line in lines or ():
        if not isinstance(line, str):
            continue
        cells = [c for c in (fold(x) for x in line.split("|")) if c]
        if cells:
            out.append(cells)
    return out


# ---------------------------------------------------------------- small helpers

_SEP = re.compile(r"-{3,}|_{3,}|={3,}|\*{3,}")
_WORD_PUNCT = ".,;:()\"'“”‘’"


def _is_caps_word(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _is_name_word(word: str) -> bool:
    """A capitalised word of a person's or place's name: "Hoàng", "Đắk"."""
    return (len(word) >= 1 and word.isalpha() and word[0].isupper()
            and (len(word) == 1 or word[1:].islower()))


def _title_word(word: str) -> str:
    return word[:1].upper() + word[1:].lower() if word else word


def _title_name(name: str) -> str:
    """Upper-case place name to its usual casing: "BÀ RỊA - VŨNG TÀU" -> "Bà Rịa - Vũng Tàu"."""
    return " ".join(_title_word(w) for w in name.split())


def _lower_first(text: str) -> str:
    """"Thực hiện công tác" -> "thực hiện công tác"; an acronym ("CCHC ...") keeps its capitals."""
    if len(text) >= 2 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _safe_date(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except (ValueError, OverflowError):
        return None


# ---------------------------------------------------------------- number and kind

# "Số: 1234/QĐ-UBND", "Số 12/2021/QĐ-UBND", "Số: 03-NQ/TU"; never "số" inside a sentence
_NUMBER = re.compile(r"(?<![\w/])Số\s*:?\s*(\d{1,6}[\w.\-]*(?:/[\w.\-]+)+)")
_SITE_NUMBER = re.compile(r"Số hiệu\s*:?\s*(\d{1,6}[\w.\-]*(?:/[\w.\-]+)+)")
_KIND_BY_SYMBOL = {
    "qd": "Quyết định", "kh": "Kế hoạch", "ct": "Chỉ thị", "ctr": "Chương trình", "bc": "Báo cáo",
    "tb": "Thông báo", "hd": "Hướng dẫn", "nq": "Nghị quyết", "da": "Đề án", "qc": "Quy chế",
    "cv": "Công văn", "tt": "Thông tư", "nd": "Nghị định",
}
_KIND_BY_HEADING = {
    "quyet dinh": "Quyết định", "ke hoach": "Kế hoạch", "chi thi": "Chỉ thị",
    "chuong trinh": "Chương trình", "bao cao": "Báo cáo", "thong bao": "Thông báo",
    "huong dan": "Hướng dẫn", "nghi quyet": "Nghị quyết", "de an": "Đề án", "cong van": "Công văn",
}
_KIND_HEADING = re.compile(r"^(quyet dinh|ke hoach|chi thi|chuong trinh|bao cao|thong bao|huong dan|nghi quyet"
                           r"|de an)\s*:?$")


def _clean_number(raw: str) -> str | None:
    number = raw.rstrip(".-,;")
    parts = number.split("/")
    if len(parts) < 2 or not any(any(ch.isalpha() and ch.isupper() for ch in p) for p in parts[1:]):
        return None
    return number


def _kind_of_number(number: str | None) -> str | None:
    if not number:
        return None
    for part in number.split("/")[1:]:
        symbol = akey(part.split("-", 1)[0]).strip(". ")
        if symbol in _KIND_BY_SYMBOL:
            return _KIND_BY_SYMBOL[symbol]
    return None


# ---------------------------------------------------------------- place and date

_DATE_LINE = re.compile(r",\s*ngày\s+(\d{1,2}|[.…\s]*)\s*(?:tháng\s+(\d{1,2})\s+năm\s+|[/.-](\d{1,2})[/.-])(\d{4})",
                        re.IGNORECASE)
_SITE_DATE = re.compile(r"Ngày ban hành\s*:?\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_PLACE_LOWER_OK = frozenset({"phố", "xã", "trấn"})  # "Thành phố Hồ Chí Minh", "Thị xã Nghi Sơn"


def _place_before(text: str, end: int) -> str | None:
    """The place name right before ", ngày": the run of capitalised words ending there."""
    words = text[:end].rstrip().split(" ")[-6:]
    picked: list[str] = []
    for word in reversed(words):
        bare = word.rstrip(".")
        if not bare:
            break
        capitalised = (bare.isalpha() and bare[0].isupper()) or word in ("TP.", "Tp.", "TX.", "Tx.")
        if capitalised or (picked and (bare in _PLACE_LOWER_OK or word == "-")):
            picked.append(word)
        else:
            break
    while picked and (picked[-1] == "-" or picked[-1] in _PLACE_LOWER_OK):
        picked.pop()
    if not picked or len(picked) > 5:
        return None
    place = " ".join(reversed(picked))
    # caps words of a header ("VIỆT NAM Độc lập ...") are not a place
    if all(_is_caps_word(w) for w in picked) and len(picked) > 1 and not place.startswith("TP"):
        return _title_name(place)
    return place


def _place_and_date(text: str) -> tuple[str | None, date | None] | None:
    for m in _DATE_LINE.finditer(text):
        place = _place_before(text, m.start())
        if not place:
            continue
        day, month = m.group(1).strip(), m.group(2) or m.group(3)
        issued = _safe_date(int(m.group(4)), int(month), int(day)) if day.isdigit() else None
        return place, issued
    return None


# ---------------------------------------------------------------- issuer

_LEVELS = r"(thanh pho|thi xa|thi tran|tinh|huyen|quan|phuong|xa)"
_UBND = re.compile(r"\b(?:uy ban nhan dan|ubnd)\s+" + _LEVELS + r"\b\s*")
_UBND_BARE = re.compile(r"\b(?:uy ban nhan dan|ubnd)\b")
_AGENCY_START = re.compile(
    r"\b(so|phong|van phong|ban(?! nhan dan)|trung tam|chi cuc|cuc|thanh tra|bao hiem xa hoi|cong an|bo chi huy)\s+\S")
_LEVEL_WORDS = {"thanh pho": "thành phố", "thi xa": "thị xã", "thi tran": "thị trấn", "tinh": "tỉnh",
                "huyen": "huyện", "quan": "quận", "phuong": "phường", "xa": "xã"}
_PROVINCE_LEVEL_AGENCIES = ("so", "ban", "van phong", "thanh tra", "trung tam", "chi cuc", "cuc")
_MOTTO = re.compile(r"cong\s*hoa\s+xa\s+hoi\s+chu\s+nghia")
_NAME_STOP = re.compile(r"(?:so|phong|van phong|ban(?! nhan dan)|trung tam|chi cuc|cuc|thanh tra|bao hiem|"
                        r"cong an|cong hoa|doc lap|ubnd|uy ban)\b")
_STOP_NAME = frozenset({"so", "cong", "doc", "phong", "ban", "van", "trung", "chi", "cuc", "ke", "quyet",
                        "ubnd", "uy", "hoi", "dang"})
_OWN_LOCALITY = re.compile(r"\s" + _LEVELS + r"\s+(?=\S)")
_MIXED_LOCALITY = re.compile(r"\b" + _LEVELS + r"\s+(?=[^\W\d_])")


def _caps_name_after(text: str, start: int, limit: int = 5) -> str:
    """Upper-case words from `start` that name a place ("SƠN LA"), stopping at the next body's keyword
    ("... SƠN LA SỞ NỘI VỤ")."""
    picked: list[str] = []
    for m in re.finditer(r"\S+", text[start:start + 120]):
        bare = m.group(0).strip(_WORD_PUNCT)
        if bare == "-" and picked:
            picked.append("-")
            continue
        if not bare or not _is_caps_word(bare) or any(ch.isdigit() for ch in bare):
            break
        if picked and _NAME_STOP.match(akey(text[start + m.start():start + m.start() + 20])):
            break
        picked.append(bare)
        if len(picked) >= limit:
            break
    while picked and picked[-1] == "-":
        picked.pop()
    return " ".join(picked)


def _mixed_name_after(text: str, start: int, limit: int = 4) -> str:
    picked: list[str] = []
    for word in text[start:].split(" "):
        bare = word.rstrip(_WORD_PUNCT)
        if _is_name_word(bare) or (bare == "-" and picked):
            picked.append(bare)
            if len(picked) >= limit or bare != word:
                break
        else:
            break
    while picked and picked[-1] == "-":
        picked.pop()
    return " ".join(picked)


class _Doc:
    """The document's units with an aligned accent-free key of their joined text."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows
        self.units = [cell for row in rows for cell in row]
        self.where = [(r, c) for r, row in enumerate(rows) for c in range(len(row))]  # unit -> (row, column)
        self.text = " ".join(self.units)
        self.key = akey(self.text)
        starts, pos = [], 0
        for u in self.units:
            starts.append(pos)
            pos += len(u) + 1
        self.starts = starts

    def cased(self, caps: str) -> str | None:
        """The first mixed-case spelling in the document of an upper-case phrase, if any."""
        k = akey(fold(caps))
        if len(k) < 3:
            return None
        pos = self.key.find(k)
        while pos >= 0:
            end = pos + len(k)
            if (pos == 0 or not self.key[pos - 1].isalnum()) and (end == len(self.key)
                                                                   or not self.key[end].isalnum()):
                found = self.text[pos:end]
                if any(ch.islower() for ch in found):
                    return found
            pos = self.key.find(k, pos + 1)
        return None

    def locality(self, level_hint: str | None = None) -> tuple[str, str] | None:
        """The locality the document most often names ("tỉnh Sơn La"): (level key, name)."""
        counts: Counter[tuple[str, str]] = Counter()
        for m in _MIXED_LOCALITY.finditer(self.key):
            level = m.group(1)
            if level_hint and level != level_hint:
                continue
            if self.text[m.start()].isupper() and level not in ("tinh",):
                continue  # "Huyện" at a sentence start is rarely a locality name
            name = _mixed_name_after(self.text, m.end())
            if name and akey(name.split(" ")[0]) not in _STOP_NAME:
                counts[(level, name)] += 1
        return counts.most_common(1)[0][0] if counts else None


_AGENCY_TYPES = ("van phong", "trung tam", "chi cuc", "thanh tra", "cong an", "so", "phong", "ban", "cuc")
_ACRONYMS = frozenset({"UBND", "HĐND", "CNTT", "KCN", "KKT", "CCHC", "TTHC", "BQL"})


def _agency_case(doc: _Doc, caps: str) -> str:
    """ "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" as the document writes it, else by the naming convention:
    the kind of body, then its name with each part capitalised ("Sở Lao động - Thương binh và Xã hội")."""
    found = doc.cased(caps)
    if found and found[:1].isupper():
        return found
    words = caps.split()
    k = akey(caps.lower())
    skip = next((len(t.split()) for t in _AGENCY_TYPES if k == t or k.startswith(t + " ")), 1)
    out = [_title_word(w) if i == 0 else w.lower() for i, w in enumerate(words[:skip])]
    for i, w in enumerate(words[skip:], start=skip):
        prev = words[i - 1].lower()
        if w in _ACRONYMS:
            out.append(w)
        elif i == skip and akey(w.lower()) not in _LEVEL_WORDS or prev in ("và", "-") or prev.endswith(","):
            out.append(_title_word(w))
        else:
            out.append(w.lower())
    return " ".join(out)


def _name_case(doc: _Doc, caps: str) -> str:
    found = doc.cased(caps)
    if found and all(_is_name_word(w) or w == "-" for w in found.split(" ")):
        return found
    return _title_name(caps)


def _header_block(doc: _Doc) -> str | None:
    """The issuing body's upper-case lines, top left, just before the national motto."""
    limit_pos = doc.starts[min(len(doc.starts), _HEAD_UNITS) - 1] + 1 if doc.starts else 0
    m = _MOTTO.search(doc.key, 0, max(limit_pos, 1) + 200)
    if not m:
        return None
    before = doc.text[max(0, m.start() - 300):m.start()]
    # in one DOCX cell the issuer is followed by "Số: ..."; drop that tail
    cut = re.search(r"\bSố\s*:", before)
    if cut:
        before = before[:cut.start()]
    # header columns kept side by side row by row: the issuer's next lines open the following rows
    unit = bisect.bisect_right(doc.starts, m.start()) - 1
    row, col = doc.where[unit] if 0 <= unit < len(doc.where) else (0, 0)
    if col > 0 and not cut:
        for cells in doc.rows[row + 1:row + 4]:
            first = _SEP.sub(" ", cells[0]).strip()
            if len(cells) < 2 or not first or first.startswith("Số") or not _is_caps_word(first.replace(" ", "")):
                break
            before += " " + first
    chunks = [c.strip(" |") for c in _SEP.split(before)]
    chunks = [c for c in chunks if any(ch.isalpha() for ch in c)]
    if not chunks:
        return None
    words = chunks[-1].replace("|", " ").split()
    picked: list[str] = []
    for word in reversed(words):
        if _is_caps_word(word) or (word in ("-", "–", "&") and picked):
            picked.append(word)
        else:
            break
    block = " ".join(reversed(picked)).lstrip("-–& ")
    k = akey(block)
    starts = [x.start() for x in (_UBND_BARE.search(k), _AGENCY_START.search(k)) if x]
    if not starts:
        return None
    return block[min(starts):]


def _issuer(doc: _Doc, head: str) -> str | None:
    block = _header_block(doc)
    if block:
        return _issuer_from_block(doc, block, head)
    return _issuer_from_text(doc)


def _issuer_from_block(doc: _Doc, block: str, head: str) -> str | None:
    k = akey(block)
    level: str | None = None
    name = ""
    agency_pos = None
    m = _UBND.search(k)
    if m:
        level = m.group(1)
        name = _caps_name_after(block, m.end())
        rest = m.end() + len(name)
        a = _AGENCY_START.search(k, rest)
        agency_pos = a.start() if a else None
    else:
        bare = _UBND_BARE.search(k)
        a = _AGENCY_START.search(k, bare.end() if bare else 0)
        agency_pos = a.start() if a else None
        if agency_pos is None and not bare:
            return None
    agency = block[agency_pos:].strip(" -.") if agency_pos is not None else ""
    own = _OWN_LOCALITY.search(akey(agency))
    if agency and own and not level:
        # "SỞ NỘI VỤ TỈNH SƠN LA": the department names its own locality
        own_name = _caps_name_after(agency, own.end())
        if own_name:
            level, name, agency = own.group(1), own_name, agency[:own.start()]
    if agency:
        agency_kind = _AGENCY_START.match(akey(agency))
        if not level:
            # a department without its parent line: the province (or district) from the text
            hint = "tinh" if agency_kind and agency_kind.group(1) in _PROVINCE_LEVEL_AGENCIES else None
            found = _locality_in_head(doc, head) or doc.locality(hint)
            if found:
                level, name = found[0], found[1]
        loc = f" {_LEVEL_WORDS[level]} {_name_case(doc, name) if name.isupper() else name}" if (
            level and name) else ""
        return _agency_case(doc, agency) + loc
    if not (level and name):
        found = _locality_in_head(doc, head) or doc.locality()
        if not found:
            return "Ủy ban nhân dân"
        level, name = found
    return f"Ủy ban nhân dân {_LEVEL_WORDS[level]} {_name_case(doc, name) if name.isupper() else name}"


def _locality_in_head(doc: _Doc, head: str) -> tuple[str, str] | None:
    """ "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA" or "UBND tỉnh Sơn La" near the top."""
    k = akey(head)
    for m in _UBND.finditer(k):
        name = _caps_name_after(head, m.end())
        if name:
            return m.group(1), name
        name = _mixed_name_after(head, m.end())
        if name:
            return m.group(1), name
    return None


_AGENCY_ISSUES = re.compile(
    r"(?:^|[.;:]\s)((?:Sở|Phòng|Văn phòng|Ban|Trung tâm|Chi cục|Cục|Thanh tra|Ủy ban nhân dân|UBND)\s[^.;:]{2,80}?)"
    r"\s+(?:ban hành|xây dựng|đề ra|triển khai|thực hiện)\s+(?:kế hoạch|quyết định)", re.IGNORECASE)


def _issuer_from_text(doc: _Doc) -> str | None:
    """No header: "Sở Thông tin và Truyền thông ban hành Kế hoạch ..." in the opening text."""
    head = " ".join(doc.units[:_HEAD_UNITS // 2])
    m = _AGENCY_ISSUES.search(head)
    if not m:
        return None
    agency = m.group(1).strip()
    k = akey(agency)
    ubnd = _UBND.match(k)
    if ubnd:
        name = _mixed_name_after(agency, ubnd.end()) or _caps_name_after(agency, ubnd.end())
        if name:
            return f"Ủy ban nhân dân {_LEVEL_WORDS[ubnd.group(1)]} {name}"
        found = doc.locality()
        return f"Ủy ban nhân dân {_LEVEL_WORDS[found[0]]} {found[1]}" if found else None
    if _MIXED_LOCALITY.search(k):
        return agency
    kind = _AGENCY_START.match(k)
    hint = "tinh" if kind and kind.group(1) in _PROVINCE_LEVEL_AGENCIES else None
    found = doc.locality(hint)
    return f"{agency} {_LEVEL_WORDS[found[0]]} {found[1]}" if found else agency


# ---------------------------------------------------------------- signer

_SIGN_TITLE = re.compile(
    r"(?<![^\s|])(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG PHÒNG|TRƯỞNG BAN|CHÁNH VĂN PHÒNG|CHÁNH THANH TRA|THỦ TRƯỞNG"
    r"|CỤC TRƯỞNG|VIỆN TRƯỞNG|HIỆU TRƯỞNG|BÍ THƯ|TỔNG GIÁM ĐỐC|TRƯỞNG ĐOÀN|CHỦ NHIỆM)(?![^\s|])")
_SIGNED = re.compile(r"^[(\[]?(?:đã|Đã|ĐÃ)\s*(?:ký|KÝ)[)\]]?$|^[(\[]?(?:Ký|ký)\b.*$|^\[?daky\]?$")
_NOT_A_NAME = frozenset({"căn", "nơi", "lưu", "số", "kính", "theo", "thực", "ủy", "sở", "ban", "văn", "phòng",
                         "trung", "cục", "chi", "đã", "ký", "quyết", "kế", "điều", "tỉnh", "huyện", "xã",
                         "phụ", "hệ", "trên", "các", "tm", "kt", "người", "ngày", "nguồn"})
_SITE_SIGNER = re.compile(r"[-•*+\s]*Người ký\s*:?\s*")


def _name_at(tokens: list[str]) -> str | None:
    picked: list[str] = []
    for tok in tokens:
        if _is_name_word(tok) and len(tok) > 1:
            picked.append(tok)
            if len(picked) == 5:
                break
        else:
            break
    if 2 <= len(picked) <= 5 and picked[0].lower() not in _NOT_A_NAME:
        return " ".join(picked)
    return None


def _skippable(tok: str) -> bool:
    """Between the title and the name: more title ("PHÓ CHỦ TỊCH", "ỦY BAN NHÂN DÂN"), "(Đã ký)"."""
    return bool((_is_caps_word(tok) and not any(ch.isdigit() for ch in tok)) or _SIGNED.match(tok)
                or tok in ("(Đã", "ký)", "(ký", "tên,", "đóng", "dấu)", "tên)", "-"))


def _signer(doc: _Doc) -> str | None:
    units = doc.units
    for m in _SIGN_TITLE.finditer(doc.text):  # over the joined text: "CHỦ" / "TỊCH" come split
        i = bisect.bisect_right(doc.starts, m.end() - 1) - 1
        if i < 0:
            continue
        # the name follows the title in the same cell or in one of the next few, never split over two
        pieces = [doc.text[m.end():doc.starts[i] + len(units[i])]] + units[i + 1:i + 4]
        skipped = 0
        for piece in pieces:
            tokens = piece.split()
            while tokens and skipped < 10 and _skippable(tokens[0]):
                tokens.pop(0)
                skipped += 1
            if tokens:
                name = _name_at(tokens)
                if name:
                    return name
                break
    for i, unit in enumerate(units):
        m = _SITE_SIGNER.match(unit)
        if m:
            rest = unit[m.end():] or (units[i + 1] if i + 1 < len(units) else "")
            tokens = rest.split()
            name = _name_at(tokens)
            if name and len(name.split()) == len(tokens):
                return name
    return None


# ---------------------------------------------------------------- title and year

_TITLE_STOP = re.compile(r"^(?:\(|căn cứ|theo|kính gửi|i\.|1\.|điều\s+\d)", re.IGNORECASE)
# a body sentence under the heading cites a document ("Thực hiện Quyết định số 2697/QĐ-UBND ngày ...")
_DOC_NUMBER_IN_TEXT = re.compile(r"\d+/[A-ZĐ]|\b(?:số|ngày)\s+\d")
_ISSUED_WITH = re.compile(r"[Bb]an hành kèm theo (?:Quyết định|Nghị quyết|Chỉ thị)(?: này| số [^\s,]+)?,?\s+"
                          r"(Kế hoạch\s[^.;()]{3,300})")
_ABOUT_ISSUING = re.compile(r"^(?:[Vv]ề việc|V/v|v/v)\s+ban hành\s+(Kế hoạch\s[^.;()]{3,300})")
_CAPS_WITH_PLAN = re.compile(r"KẾ HOẠCH\s+([^a-zđ]{3,300})$")
_YEAR_IN_TITLE = re.compile(r"năm\s+(\d{4})\b", re.IGNORECASE)
_ANY_YEAR = re.compile(r"(?<![\d/])(19\d\d|20\d\d)(?![\d/])")
_PLAN_YEAR_TEXT = re.compile(r"Kế hoạch[^.;:]{0,120}?\bnăm\s+(20\d\d)\b")
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


class _Casing:
    """How the document writes each word inside sentences, to put a capitalised title back in case."""

    def __init__(self, doc: _Doc) -> None:
        self.uni: dict[str, Counter[str]] = {}
        self.bi: dict[tuple[str, str], Counter[str]] = {}
        for unit in doc.units:
            letters = [ch for ch in unit if ch.isalpha()]
            if not letters or all(ch.isupper() for ch in letters):
                continue  # upper-case lines say nothing about casing
            prev = ""
            prev_end = 0
            for m in _TOKEN.finditer(unit):
                word = m.group(0)
                between = unit[prev_end:m.start()]
                # words are mostly one space apart: no punctuation between them to look for
                plain = between == " "
                sentence_start = not prev or (not plain and any(ch in ".:;!?" for ch in between))
                low = word.lower()
                if not sentence_start:
                    form = "upper" if len(word) > 1 and word.isupper() else (
                        "cap" if word[0].isupper() else "lower")
                    # get, not setdefault: a Counter built per word to be thrown away costs more than the count
                    counts = self.uni.get(low)
                    if counts is None:
                        counts = self.uni[low] = Counter()
                    counts[form] += 1
                    if prev and (plain or not any(ch in ",()-" for ch in between)):
                        counts = self.bi.get((prev, low))
                        if counts is None:
                            counts = self.bi[(prev, low)] = Counter()
                        counts[form] += 1
                prev, prev_end = low, m.end()

    def restore(self, caps: str) -> str:
        out: list[str] = []
        prev = "hoạch"  # the title follows "Kế hoạch"
        for m in re.finditer(r"\S+", caps):
            tok = m.group(0)
            core = _TOKEN.search(tok)
            if not core:
                out.append(tok)
                continue
            word = core.group(0)
            low = word.lower()
            form = "lower"
            bi = self.bi.get((prev, low))
            uni = self.uni.get(low, Counter())
            if bi:
                form = bi.most_common(1)[0][0]
            elif uni.get("upper", 0) and not uni.get("lower", 0) and not uni.get("cap", 0):
                form = "upper"
            elif uni.get("cap", 0) >= 2 and not uni.get("lower", 0):
                form = "cap"
            new = word if form == "upper" else (_title_word(word) if form == "cap" else low)
            out.append(tok[:core.start()] + new + tok[core.end():].lower())
            prev = low
        return " ".join(out)


def _restore_title(doc: _Doc, caps: str) -> str:
    caps = fold(caps).rstrip(" .:")
    found = doc.cased("Kế hoạch " + caps)
    if found:
        return "Kế hoạch " + found[len("Kế hoạch "):]
    found = doc.cased(caps)
    if found:
        return "Kế hoạch " + _lower_first(found)
    return "Kế hoạch " + _Casing(doc).restore(caps)


def _title(doc: _Doc) -> str | None:
    units = doc.units
    for i, unit in enumerate(units[:_HEAD_UNITS * 4]):
        k = akey(unit).rstrip(" .:")
        if not k.startswith("ke hoach") or not _is_caps_word(unit.replace(" ", "")):
            continue
        parts: list[str] = []
        rest = unit[len("KẾ HOẠCH"):].strip()
        if rest:
            parts.append(rest)
        j = i + 1
        while j < len(units) and len(parts) < 5:
            nxt = units[j]
            if _SEP.fullmatch(nxt.replace(" ", "")) or not any(ch.isalpha() for ch in nxt):
                j += 1
                if parts:
                    break
                continue
            if _is_caps_word(nxt.replace(" ", "")) and not re.match(r"^[IVXLC]+\.", nxt):
                parts.append(nxt)
                j += 1
                continue
            break
        if parts:
            return _restore_title(doc, " ".join(parts))
        # a subtitle in ordinary case under "KẾ HOẠCH" (a department's plan)
        if j < len(units):
            line = units[j]
            if (len(line) < 160 and line[:1].isupper() and not _TITLE_STOP.match(line)
                    and not _DOC_NUMBER_IN_TEXT.search(line) and not line.rstrip().endswith(":")):
                return "Kế hoạch " + _lower_first(line.rstrip(" ."))
    m = _ISSUED_WITH.search(doc.text)
    if m:
        return fold(m.group(1)).rstrip(" .")
    for unit in units[:_HEAD_UNITS]:
        m = _ABOUT_ISSUING.match(unit)
        if m:
            return fold(m.group(1)).rstrip(" .")
    for unit in units[:_HEAD_UNITS]:
        m = _CAPS_WITH_PLAN.search(unit)
        if m and _is_caps_word(m.group(1).replace(" ", "")):
            return _restore_title(doc, m.group(1))
    return None


def _plan_year(title: str | None, doc: _Doc, issued: date | None) -> int | None:
    if title:
        years = [y for y in _YEAR_IN_TITLE.findall(title) if MIN_YEAR <= int(y) <= MAX_YEAR]
        if years:
            return int(years[-1])
        years = _ANY_YEAR.findall(title)
        if len(set(years)) == 1:
            return int(years[0])
    m = _PLAN_YEAR_TEXT.search(" ".join(doc.units[:_HEAD_UNITS]))
    if m:
        return int(m.group(1))
    if issued:
        year = issued.year + 1 if issued.month >= 11 else issued.year
        return year if year <= MAX_YEAR else None  # "ngày 30 tháng 12 năm 2200" plans no year 2201
    return None


# ---------------------------------------------------------------- entry point

def extract_document(lines: list[str]) -> DocumentMeta:
    """Number, kind, issuer, place, date, signer, title and plan year of a plan document."""
    try:
        return _extract(lines)
    except Exception:  # noqa: BLE001 - metadata is best effort; never sink an import over it
        return DocumentMeta()


def _extract(lines: list[str]) -> DocumentMeta:
    doc = _Doc(_rows(lines))
    meta = DocumentMeta()
    head = " ".join(doc.units[:_HEAD_UNITS])

    m = _NUMBER.search(head)
    meta.number = _clean_number(m.group(1)) if m else None
    site_number = _SITE_NUMBER.search(doc.text)
    if meta.number is None and site_number and not m:
        meta.number = _clean_number(site_number.group(1))

    meta.kind = _kind_of_number(meta.number)
    if meta.kind is None:
        for unit in doc.units[:_HEAD_UNITS]:
            km = _KIND_HEADING.match(akey(unit))
            if km and _is_caps_word(unit.replace(" ", "")):
                meta.kind = _KIND_BY_HEADING[km.group(1)]
                break

    found = _place_and_date(head) or _place_and_date(doc.text)
    if found:
        meta.place, meta.issued_date = found
    else:
        sd = _SITE_DATE.search(doc.text)
        if sd:
            meta.issued_date = _safe_date(int(sd.group(3)), int(sd.group(2)), int(sd.group(1)))

    meta.issuer = _issuer(doc, head)
    meta.signer = _signer(doc)
    meta.title = _title(doc)
    meta.plan_year = _plan_year(meta.title, doc, meta.issued_date)
    return meta
