"""Agency cells -> agency lists (SCHEMA.md `lead_agencies`, `coordinating_agencies`).

A cell such as ``- Các sở, ban, ngành; UBND cấp huyện, cấp xã`` names several bodies. The
splitter walks the cell's separators (``;``, list dashes, ``,``, ``và``, spaced dashes,
line breaks) and decides at each one whether the text after it starts a separately named
body. Group names (``Các cơ quan, đơn vị có liên quan``, ``UBND các huyện, thành phố``)
and official names with a comma or "và" inside (``Sở Văn hóa, Thể thao và Du lịch``) stay
whole; a shared head noun (``Các Sở: Y tế, Tài chính``) is given to each member; role
labels (``Cơ quan phối hợp:``) route the agencies after them to the right list.

The vocabulary below is genre knowledge of Vietnamese public administration (head nouns of
bodies, the standard provincial departments, level and locality words), not knowledge of
any one plan. Matching is done word by word on lower-cased text with tone marks put in one
canonical place, and accepts text typed without diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from dondoc.importer.text import fold, strip_accents

__all__ = ["looks_like_agency", "split_agencies", "split_agency_cell"]

LEAD = "lead"
COORD = "coord"

# Private-use markers put in for line breaks before folding white space away.
_BREAK = "\ue000"  # a line break followed by a list bullet: always a new item
_WRAP = "\ue001"  # a plain line break: often just a wrapped name ("Sở Nội\nvụ")

# ---------------------------------------------------------------------------------------------
# Vocabulary (canonical lower-case Vietnamese, one phrase per entry)
# ---------------------------------------------------------------------------------------------

# Heads that name one specific kind of body whatever the case they are written in.
_SPECIFIC = """
ubnd | ủy ban nhân dân | ub nhân dân | ubnd tỉnh | hđnd | hội đồng nhân dân | thường trực
tỉnh ủy | huyện ủy | thành ủy | thị ủy | đảng ủy | công an | tòa án | viện kiểm sát
kho bạc | cục thuế | chi cục thuế | bảo hiểm xã hội | ngân hàng | bệnh viện | mặt trận
ủy ban mặt trận | ủy ban mttq | tỉnh đoàn | huyện đoàn | thành đoàn | đoàn thanh niên
liên đoàn lao động | hội liên hiệp | bộ chỉ huy | ban chỉ huy | văn phòng ubnd
văn phòng ủy ban | văn phòng ub | văn phòng hđnd | văn phòng hội đồng | văn phòng đoàn
văn phòng tỉnh ủy | văn phòng huyện ủy | vp ubnd | vp ủy ban | vp hđnd | vp ub | hải quan
cục hải quan | bưu điện | kiểm lâm | hạt kiểm lâm | ban chỉ đạo | ban quản lý | hội đồng
tổ công tác | tổ giúp việc | tổ kiểm tra | tổ thư ký | đoàn kiểm tra | đoàn công tác | tổ chuyên gia
"""

# Abbreviations written as one token (SNV = Sở Nội vụ, BCĐ = Ban Chỉ đạo, ...).
_ABBREVIATIONS = """
snv stp stc skhđt skh&đt sttt stttt stt&tt syt sxd sgdđt sgd&đt sgtvt sct snn snnptnt snn&ptnt
slđtbxh slđ-tb&xh svhttdl svhtt&dl skhcn skh&cn stnmt stn&mt sngv vp vpub vpubnd vp.ubnd
ubnd ubt hđnd bcđ bql bqlda bhxh kbnn tand vksnd mttq ubmttq lđlđ ttpvhcc tthcc ttpvhccc
ttcntt cntt&tt bchqs ca
"""

# Heads that start a named body when followed by the name ("Sở Nội vụ", "Ban Dân tộc").
_CAPITAL_HEADS = """
sở | ban | phòng | văn phòng | thanh tra | trung tâm | chi cục | cục | tổng cục | bộ | bộ phận
đài | báo | hội | hội đồng | hiệp hội | liên đoàn | liên minh | trường | viện | học viện
tổ | đội | đoàn | công ty | tổng công ty | doanh nghiệp | tập đoàn | chi nhánh | trạm | hạt
ủy ban | ub | nhà xuất bản | chi bộ | ban quản lý | ban chỉ đạo | phân viện
"""
# These may stand alone as a body (a division inside a department: "Văn phòng", "Thanh tra").
_BARE_OK = {"văn phòng", "thanh tra"}
# Heads that with a level word form a group ("Sở, ban, ngành tỉnh", "Phòng huyện").
_GROUP_HEADS = {"sở", "ban", "phòng", "cục", "bộ", "trung tâm", "chi cục"}
# These need a capitalised name after them ("Bộ Nội vụ" but "Bộ chỉ số", "Phòng họp").
_NEEDS_CAPITAL_NAME = {"bộ", "hội", "tổ", "đội", "đoàn", "trường", "viện", "phòng", "ub", "hạt"}
# Head noun + next word that is not a body at all ("Ban hành", "Báo cáo", "Tổ chức hội nghị").
_NOT_A_HEAD = {
    ("ban", "hành"), ("phòng", "chống"), ("phòng", "ngừa"), ("phòng", "tránh"), ("báo", "cáo"),
    ("báo", "chí"), ("hội", "nghị"), ("hội", "thảo"), ("hội", "thi"), ("hội", "nhập"),
    ("hội", "diễn"), ("tổ", "chức"), ("trường", "hợp"), ("đoàn", "kết"), ("viện", "dẫn"),
    ("đội", "ngũ"), ("đài", "thọ"), ("cục", "bộ"), ("sở", "hữu"), ("sở", "tại"),
}

# Bare nouns of agency groups: "Các sở, ban, ngành", "cơ quan, đơn vị, địa phương".
_AGENCY_GENERIC = """
sở | ban | ngành | phòng | cơ quan | đơn vị | địa phương | tổ chức | cá nhân | doanh nghiệp
đoàn thể | cấp | hội | trường | cơ sở | bộ phận | trung tâm | chi cục | cục | bộ | văn phòng
"""
# Group nouns that never mean anything else at the start of a cell.
_UNAMBIGUOUS_GENERIC = {"cơ quan", "đơn vị", "địa phương", "doanh nghiệp", "cá nhân", "đoàn thể", "bộ phận"}
# After "các", these start a new body ("Sở Nội vụ và các cơ quan liên quan").
_AGENCY_PLURAL = """
sở | ban | phòng | cơ quan | đơn vị | tổ chức | trường | cơ sở | doanh nghiệp | hội | đoàn thể
trung tâm | chi cục | cục | bộ | bộ phận | thành viên | tổ | đội | bệnh viện | trạm | đài | báo
ngân hàng | hiệp hội | công ty | chi nhánh | viện | tập đoàn | địa phương | ủy ban | ubnd
văn phòng | ban quản lý | lực lượng | nhà trường | học viện | đơn vị sự nghiệp
"""
# Localities: "UBND các huyện, thị xã, thành phố" is one group.
_LOCALITY = """
tỉnh | huyện | quận | thị xã | thành phố | xã | phường | thị trấn | thôn | bản | khu phố
tổ dân phố | đặc khu | tp
"""
# Words after a head noun that leave it a bare group noun ("Phòng chuyên môn", "Ban ngành").
_GENERIC_TAIL = """
ban | ngành | sở | phòng | đơn vị | cơ quan | địa phương | liên quan | có | tỉnh | huyện | xã
thành phố | cấp | trực thuộc | thuộc | chuyên môn | các | và | của | được | tại | trên
chức năng | đoàn thể
"""
# Sub-units whose parent may follow after a comma: "Trung tâm Thông tin, Văn phòng UBND tỉnh".
_CHILD_HEADS = """trung tâm | chi cục | phòng | bộ phận | tổ | đội | trạm"""
_PARENT_HEADS = """
sở | bộ | tổng cục | cục | văn phòng ubnd | văn phòng ủy ban | văn phòng ub | vp ubnd
vp ủy ban | văn phòng hđnd | công an
"""
# Words that make a body's name complete at a level ("... tỉnh"): such a unit is not a child.
_LEVEL_WORDS = {"tỉnh", "huyện", "thành phố", "thị xã", "quận", "xã", "phường", "thị trấn", "cấp"}

# Person and post words that also appear in agency cells.
_PEOPLE = """
chủ tịch | phó chủ tịch | giám đốc | phó giám đốc | thủ trưởng | người đứng đầu | thư ký
cán bộ | công chức | viên chức | lãnh đạo
"""

# Trailing verbs written after an agency ("Sở Nội vụ tổng hợp", "... đề nghị"): dropped.
_TRAILING_VERBS = """tổng hợp | đề nghị | chủ trì | phối hợp | tham mưu | hướng dẫn | đôn đốc"""
_TRAILING_VERB_GUARDS = {"được", "giao", "có", "theo", "để", "chính", "hoạch", "và", "-", "–", "—", "&"}

# Heads a shared list gives to its members ("các Sở: Y tế, Tài chính" -> "Sở Y tế", ...).
_SHARED_HEADS = """
sở | phòng | ban | trung tâm | chi cục | cục | bộ | hội | trường | đài | viện | tổ | đội
bệnh viện | trạm | ban quản lý | tổng cục | cơ quan | đơn vị
"""
_SHARED_HEADS_NO_PREFIX = {"cơ quan", "đơn vị"}

# Role labels inside a cell ("Cơ quan chủ trì:", "Phối hợp:"), matched on accent-free text.
_LEAD_ROLES = ("chu tri", "thuc hien", "tham muu", "to chuc thuc hien", "trien khai",
               "chiu trach nhiem", "chu tri thuc hien")
_COORD_ROLES = ("phoi hop", "tong hop", "kiem tra", "theo doi", "giam sat", "huong dan",
                "don doc", "tham gia", "ho tro", "phoi hop thuc hien")

# Standard department and unit names with "và", "," or "-" inside, as accent-free components.
# A separator between components never splits ("Sở Văn hóa, Thể thao và Du lịch").
_OFFICIAL_NAMES = [
    "ke hoach|dau tu", "kh|dt", "tai nguyen|moi truong", "tn|mt", "thong tin|truyen thong", "tt|tt",
    "lao dong|thuong binh|xa hoi", "ld|tb|xh", "lao dong|tb|xh", "lao dong|tbxh", "ld|tbxh",
    "thuong binh|xa hoi", "van hoa|the thao|du lich", "vh|tt|dl", "van hoa|tt|dl",
    "van hoa|thong tin|the thao", "van hoa|khoa hoc|thong tin", "van hoa|the thao",
    "van hoa|thong tin", "van hoa|xa hoi", "khoa hoc|cong nghe", "kh|cn", "giao duc|dao tao",
    "gd|dt", "nong nghiep|phat trien nong thon", "nong nghiep|ptnt", "nn|ptnt",
    "nong nghiep|moi truong", "nn|mt", "dan toc|ton giao", "kinh te|ha tang|do thi",
    "kinh te|ha tang", "kt|ht", "phat thanh|truyen hinh", "truyen thanh|truyen hinh", "pt|th",
    "thi dua|khen thuong", "giao thong|van tai", "cong nghe thong tin|truyen thong",
    "cong nghe thong tin|vien thong", "xay dung|do thi", "quy hoach|kien truc",
    "tai chinh|ke hoach", "ke hoach|tai chinh", "to chuc|hanh chinh", "hanh chinh|to chuc",
    "van thu|luu tru", "noi vu|lao dong|thuong binh|xa hoi", "y te|dan so",
]
# Single-word-group department and division names (with the official names above they make the
# list "Sở Tài chính, Kế hoạch và Đầu tư" can share its head over: "Sở Kế hoạch và Đầu tư").
_DEPARTMENT_NAMES = [
    "noi vu", "tu phap", "tai chinh", "y te", "xay dung", "cong thuong", "ngoai vu",
    "giao thong van tai", "giao thong - van tai", "kinh te", "quan ly do thi", "dan toc",
    "ton giao", "thong ke", "lao dong - thuong binh va xa hoi", "nong nghiep va ptnt",
    "van hoa - the thao va du lich", "thong tin - truyen thong", "du lich", "van hoa - the thao",
]
# Names whose parts are also separate departments: joined only by a dash ("Tài chính - Kế hoạch").
_DASH_ONLY_NAMES = {"tai chinh|ke hoach", "ke hoach|tai chinh", "noi vu|lao dong|thuong binh|xa hoi"}
# "Văn phòng HĐND và UBND huyện", "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh": one office.
_OFFICE_OF_COUNCILS = (
    r"(?:van phong|vp\.?)\s+(?:doan\s+(?:dbqh|dai bieu quoc hoi)\s*(?:,|-|&|va)\s*)?"
    r"(?:hdnd|hoi dong nhan dan)(?:\s*(?:,|-|&|va)\s*(?:ubnd|uy ban nhan dan))?"
)

# ---------------------------------------------------------------------------------------------
# Word matching
# ---------------------------------------------------------------------------------------------

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
# Old-style tone placement ("hoà", "uỷ") moved to the new style ("hòa", "ủy") so both match.
_OLD_TONE = re.compile(rf"(?<![qg])([ou])([aey])([{_TONE_MARKS}])$")
_WORD = re.compile(r"[^\s,;:()\[\]{}\"“”]+")


@lru_cache(maxsize=8192)
def _canon(word: str) -> str:
    """Lower case, NFC, tone mark in the new-style place, trailing dots dropped."""
    w = unicodedata.normalize("NFD", word.lower().strip(".·"))
    w = _OLD_TONE.sub(r"\1\3\2", w)
    return unicodedata.normalize("NFC", w)


@lru_cache(maxsize=8192)
def _flat_word(word: str) -> str:
    return strip_accents(word).lower()


@lru_cache(maxsize=4096)
def _flat_char(ch: str) -> str:
    f = strip_accents(ch).lower()
    return f if len(f) == 1 else ch


def _flat(text: str) -> str:
    """Accent-free lower case, one character per character of `text` (offsets carry over)."""
    return "".join(_flat_char(ch) for ch in text)


@dataclass(frozen=True, slots=True)
class _Word:
    orig: str
    canon: str
    ascii: bool  # written without diacritics: matched on its accent-free form

    def is_(self, accented: str) -> bool:
        if self.canon == accented:
            return True
        return self.ascii and self.canon == _flat_word(accented)

    @property
    def capital(self) -> bool:
        return bool(self.orig) and (self.orig[0].isupper() or self.orig[0].isdigit())


def _words_at(text: str) -> list[tuple[_Word, int]]:
    """Words of `text` with their start offsets."""
    out = []
    for m in _WORD.finditer(text):
        canon = _canon(m.group())
        if canon:
            out.append((_Word(m.group().strip(".·"), canon, canon == _flat_word(canon)), m.start()))
    return out


def _words(text: str) -> list[_Word]:
    return [w for w, _ in _words_at(text)]


def _phrases(spec: str) -> list[tuple[str, ...]]:
    """'a b | c' -> [('a', 'b'), ('c',)], longest first so the longest head wins."""
    items = {tuple(_canon(w) for w in p.split()) for p in re.split(r"[|\n]", spec) if p.strip()}
    return sorted(items, key=len, reverse=True)


class _Vocab:
    """Phrases indexed by the accent-free form of their first word."""

    def __init__(self, spec: str) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in _phrases(spec):
            self.by_first.setdefault(_flat_word(phrase[0]), []).append(phrase)

    def at(self, words: list[_Word], i: int) -> tuple[str, ...] | None:
        if i >= len(words):
            return None
        for phrase in self.by_first.get(_flat_word(words[i].canon), ()):
            if i + len(phrase) <= len(words) and all(
                words[i + k].is_(p) for k, p in enumerate(phrase)
            ):
                return phrase
        return None

    def ends(self, words: list[_Word]) -> tuple[str, ...] | None:
        """The longest phrase that the word list ends with."""
        best = None
        for start in range(max(0, len(words) - 3), len(words)):
            p = self.at(words, start)
            if p and start + len(p) == len(words) and (best is None or len(p) > len(best)):
                best = p
        return best


_NOT_A_HEAD_FLAT = {(_flat_word(a), _flat_word(b)) for a, b in _NOT_A_HEAD}
_SPECIFIC_V = _Vocab(_SPECIFIC)
_CAPITAL_V = _Vocab(_CAPITAL_HEADS)
_GENERIC_V = _Vocab(_AGENCY_GENERIC)
_PLURAL_V = _Vocab(_AGENCY_PLURAL)
_LOCALITY_V = _Vocab(_LOCALITY)
_TAIL_V = _Vocab(_GENERIC_TAIL)
_CHILD_V = _Vocab(_CHILD_HEADS)
_PARENT_V = _Vocab(_PARENT_HEADS)
_PEOPLE_V = _Vocab(_PEOPLE)
_VERB_V = _Vocab(_TRAILING_VERBS)
_ABBREV = {_canon(w) for w in _ABBREVIATIONS.split()}
_UBND_V = _Vocab("ubnd | ủy ban nhân dân | ub nhân dân | hđnd | hội đồng nhân dân")
_CAC = "các"


def _is_abbreviation(w: _Word) -> bool:
    # Abbreviations are written in capitals ("SNV", "VP."); "ca" in lower case is a word.
    return w.canon in _ABBREV and any(ch.isupper() for ch in w.orig)


def _is_locality_at(words: list[_Word], i: int) -> bool:
    p = _LOCALITY_V.at(words, i)
    if not p:
        return False
    # "Xã hội" (society) is not a commune.
    return not (p == ("xã",) and i + 1 < len(words) and words[i + 1].is_("hội"))


def _capital_head(words: list[_Word]) -> str | None:
    """'strong' for "Sở Nội vụ"-like starts, 'bare' for a lone "Văn phòng", else None."""
    head = _CAPITAL_V.at(words, 0)
    if not head:
        return None
    n = len(head)
    nxt = words[n] if n < len(words) else None
    if nxt is not None and (
        (head[-1], nxt.canon) in _NOT_A_HEAD
        or (nxt.ascii and (_flat_word(head[-1]), nxt.canon) in _NOT_A_HEAD_FLAT)
    ):
        return None
    name = " ".join(head)
    bare_tail = nxt is None or _TAIL_V.at(words, n) is not None
    if name in _BARE_OK:
        return "bare" if nxt is None else "strong"
    if words[0].capital and nxt is not None and _is_locality_at(words, n) and name not in _GROUP_HEADS:
        return "strong"  # "Báo tỉnh", "Đài huyện": the body of that level
    if bare_tail:
        return None
    assert nxt is not None
    if words[0].capital:
        if name in _NEEDS_CAPITAL_NAME and not (nxt.capital or _is_abbreviation(nxt)):
            return None
        return "strong"
    # A lower-case head with a capitalised name ("sở Nội vụ") is still a named body.
    return "strong" if nxt.capital else None


def _classify(words: list[_Word]) -> str:
    """What a piece of text after a separator starts with.

    'strong': a separately named body; 'bare': a lone "Văn phòng"/"Thanh tra";
    'agency': a bare group noun ("đơn vị có liên quan"); 'locality': "thành phố", "thị xã";
    'other': anything else (the rest of a name: "Thể thao và Du lịch", "Truyền hình").
    """
    if not words:
        return "other"
    if _is_abbreviation(words[0]) or _SPECIFIC_V.at(words, 0):
        return "strong"
    if words[0].is_(_CAC):
        if _PLURAL_V.at(words, 1) or _SPECIFIC_V.at(words, 1):
            return "strong"
        if _GENERIC_V.at(words, 1):
            return "agency"
        if _is_locality_at(words, 1):
            return "locality"
        return "other"
    kind = _capital_head(words)
    if kind:
        return kind
    if _GENERIC_V.at(words, 0):
        return "agency"
    if _is_locality_at(words, 0):
        return "locality"
    return "other"


def _left_is_open_group(left_text: str) -> bool:
    """The text so far ends on a bare group noun that a following one continues.

    "Các cơ quan" + ", đơn vị có liên quan" and "Các sở, ban" + ", ngành" are one group;
    "Sở Lao động - Thương binh và Xã hội" or "Thanh tra Sở" only end on such a noun by chance.
    """
    return bool(_OPEN_GROUP.search(_flat(_clean_marks(left_text))))


def _has_level_word(words: list[_Word]) -> bool:
    return any(w.canon in _LEVEL_WORDS or (w.ascii and w.canon in _LEVEL_FLAT) for w in words[:24])


_LEVEL_FLAT = {_flat_word(w) for w in _LEVEL_WORDS}


def _child_of_next(left: list[_Word], right: list[_Word]) -> bool:
    """ "Trung tâm Thông tin, Văn phòng UBND tỉnh": a sub-unit named with its parent body."""
    if not left or not right or not left[0].capital or not _CHILD_V.at(left, 0):
        return False
    if _has_level_word(left) or any("(" in w.orig for w in left):
        return False
    parent = _PARENT_V.at(right, 0)
    if not parent or not right[0].capital:
        return False
    nxt = right[len(parent)] if len(parent) < len(right) else None
    if nxt is not None and (nxt.is_(_CAC) or nxt.is_("cấp")):
        return False  # "UBND các huyện", "Văn phòng UBND cấp huyện": groups, not one parent
    if len(parent) == 1:
        # "Sở" alone or "Sở, ban" is a group noun; "Sở Nội vụ" is a parent.
        return nxt is not None and _TAIL_V.at(right, 1) is None
    return True


@lru_cache(maxsize=8192)
def looks_like_agency(name: str) -> bool:
    """True when `name` starts like an agency, a group of agencies or a post.

    For telling an agency column from the others and for warning on unrecognised agencies.
    """
    text = _LEADING_JUNK.sub("", fold(name))
    words = _words(text)
    if not words:
        return False
    kind = _classify(words)
    if kind in ("strong", "bare"):
        return True
    if kind == "agency":
        if words[0].is_(_CAC):
            return True
        head = _GENERIC_V.at(words, 0) or ()
        if " ".join(head) in _UNAMBIGUOUS_GENERIC:
            return True
        # "Sở, ban, ngành", "Ban ngành", "Phòng chuyên môn" but not "Ban hành", "Phòng họp".
        if len(head) == len(words) or _TAIL_V.at(words, len(head)):
            return True
        after = text[text.find(words[len(head) - 1].orig) + len(words[len(head) - 1].orig) :]
        if after.lstrip().startswith(","):
            return True
    if kind == "locality" and words[0].is_(_CAC):
        return True  # "Các xã, phường"
    if _PEOPLE_V.at(words, 0):
        return True
    return bool(_LABEL.match(_flat(text)))


# ---------------------------------------------------------------------------------------------
# Separators, labels, shared heads, protected spans
# ---------------------------------------------------------------------------------------------

_NL_BULLET = re.compile(
    r"[ \t\u00a0]*\n\s*(?:[-\u2013\u2014+\u2022\u25cf\u25aa\u00b7*]|\d{1,2}[.)](?=\s))\s*"
)
_NL = re.compile(r"[ \t\u00a0]*\n\s*")
_LEADING_JUNK = re.compile(
    rf"^(?:[\s{_BREAK}{_WRAP}\-\u2013\u2014+\u2022\u25cf\u25aa\u00b7*.;,:]+|\d{{1,2}}[.)]\s+|[a-zđ]\)\s+)+"
)
_TRAILING_CHARS = frozenset(f" \t{_BREAK}{_WRAP}-\u2013\u2014+.;,:")
_LEADING_AND = re.compile(r"^(?:và|va|Và|Va|VÀ)\s+")

_ROLE = "|".join(sorted((*_LEAD_ROLES, *_COORD_ROLES), key=len, reverse=True))
_LABEL_BODY = (
    rf"(?:(?:cac\s+)?(?:co quan|don vi|bo phan)\s+)?(?P<role>{_ROLE})(?:\s+chinh)?"
    rf"(?:\s*(?:,|:|/|-|va)\s*(?:{_ROLE}))*\s*:"
)
_LABEL = re.compile(_LABEL_BODY)
_BOUNDARY_CHARS = rf";.,:\-\u2013\u2014({_BREAK}{_WRAP}"
_LABEL_ANYWHERE = re.compile(
    rf"(?:^|(?<=[{_BOUNDARY_CHARS}])|(?<=[{_BOUNDARY_CHARS}]\s))\s*(?P<label>{_LABEL_BODY})"
)

_SEPARATOR = re.compile(
    rf"(?P<hard>[;{_BREAK}\u2022\u25cf\u25aa])|(?P<wrap>{_WRAP})|(?P<comma>,)"
    r"|(?P<and>(?<=\s)(?:va|and|&)(?=\s))|(?P<dash>[-\u2013\u2014](?=\s))|(?P<plus>\+(?=\s))"
)

_SHARED_V = _Vocab(_SHARED_HEADS)
_GENERIC_FLAT = "|".join(
    sorted({re.escape(" ".join(_flat_word(w) for w in p)) for p in _phrases(_AGENCY_GENERIC)},
           key=len, reverse=True)
)
# A group noun at the end, right after the start, "các", a comma or another group noun.
_OPEN_GROUP = re.compile(
    rf"(?:^|(?<![a-z0-9])cac\s+|,\s*|(?<![a-z0-9])(?:{_GENERIC_FLAT})\s+)(?:{_GENERIC_FLAT})$"
)


def _official_names_regex() -> re.Pattern[str]:
    any_sep = r"(?:\s*[,\-\u2013\u2014&]\s*(?:va\s+)?|\s+va\s+)"
    dash_sep = r"\s*[\-\u2013\u2014&]\s*"
    alternatives = []
    for name in sorted(_OFFICIAL_NAMES, key=len, reverse=True):
        sep = dash_sep if name in _DASH_ONLY_NAMES else any_sep
        alternatives.append(sep.join(re.escape(part) for part in name.split("|")))
    body = "|".join([_OFFICE_OF_COUNCILS, *alternatives])
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


_OFFICIAL = _official_names_regex()
_DEPT_SEP = re.compile(r"\s*(?:[,&\-\u2013\u2014]|\bva\b)\s*")


def _dept_key(text: str) -> str:
    """ "Kế hoạch và Đầu tư" / "KH&ĐT" / "Kế hoạch - Đầu tư" -> "ke hoach|dau tu"."""
    return "|".join(p for p in _DEPT_SEP.split(_flat(fold(text)).strip(" .;:")) if p)


_DEPARTMENT_KEYS = {_dept_key(n) for n in _DEPARTMENT_NAMES} | {n for n in _OFFICIAL_NAMES}
_DEPT_HEAD = re.compile(r"^(?:cac\s+)?(so|phong)\s+", re.IGNORECASE)


def _protected_spans(s: str, f: str) -> list[tuple[int, int]]:
    spans = []
    stack: list[int] = []
    for i, ch in enumerate(s):
        if ch in "([":
            stack.append(i)
        elif ch in ")]" and stack:
            start = stack.pop()
            if not stack:
                spans.append((start, i + 1))
    spans.extend(m.span() for m in _OFFICIAL.finditer(f))
    return spans


@dataclass(slots=True)
class _Event:
    start: int
    end: int
    kind: str  # hard | wrap | comma | and | dash | label | intro
    role: str | None = None
    prefix: str | None = None
    list_dash: bool = False


def _shared_intro(s: str, start: int, colon: int) -> _Event | None:
    """`s[start:colon]` ends in "các Sở" / "Các phòng" / "UBND các huyện": a shared head."""
    candidate = s[start:colon]
    located = _words_at(candidate)
    if not located:
        return None
    words = [w for w, _ in located]
    # The intro starts the segment or follows "và" / "," ("Văn phòng UBND tỉnh và các Sở:").
    starts = [0]
    for k in range(1, len(words)):
        prev, prev_at = located[k - 1]
        gap = candidate[prev_at + len(prev.orig) : located[k][1]]
        if prev.is_("và") or "," in gap:
            starts.append(k)
    for k in starts:
        prefix = _intro_prefix(words[k:])
        if prefix is not None:
            return _Event(start + located[k][1], colon + 1, "intro", prefix=prefix or None)
    return None


def _intro_prefix(words: list[_Word]) -> str | None:
    """The head to give each member ("" for none), or None when `words` is not an intro."""
    i = 0
    if words and words[0].is_(_CAC):
        i = 1
    # "UBND các huyện:" -> members are "UBND huyện ...".
    ubnd = _UBND_V.at(words, 0)
    if ubnd and len(words) > len(ubnd) + 1 and words[len(ubnd)].is_(_CAC):
        j = len(ubnd) + 1
        loc = _LOCALITY_V.at(words, j)
        if loc and j + len(loc) == len(words):
            head = " ".join(w.orig for w in words[: len(ubnd)])
            return f"{head} {' '.join(w.orig for w in words[j:])}"
        return None
    head = _SHARED_V.at(words, i)
    if not head:
        return None
    j = i + len(head)
    # Further group nouns and level qualifiers: "Các sở, ngành cấp tỉnh:".
    while j < len(words):
        p = _GENERIC_V.at(words, j) or _TAIL_V.at(words, j) or _LOCALITY_V.at(words, j)
        if not p:
            return None
        j += len(p)
    name = " ".join(head)
    if name in _SHARED_HEADS_NO_PREFIX:
        return ""
    if i == 0 and not words[0].capital:
        return None  # a lower-case "sở:" alone is too weak a signal
    text = " ".join(w.orig for w in words[i : i + len(head)])
    return text[:1].upper() + text[1:]


def _events(s: str, f: str) -> list[_Event]:
    protected = bytearray(len(s) + 1)  # 1 where a separator does not split
    for a, b in _protected_spans(s, f):
        protected[a + 1 : b] = b"\x01" * max(0, b - a - 1)

    events: list[_Event] = []
    taken = bytearray(len(s) + 1)  # 1 inside a label or an intro
    for m in _LABEL_ANYWHERE.finditer(f):
        a, b = m.span("label")
        if protected[a]:
            continue
        role = LEAD if m.group("role") in _LEAD_ROLES else COORD
        events.append(_Event(a, b, "label", role=role))
        taken[a:b] = b"\x01" * (b - a)

    # Shared heads: a colon outside labels, looking back to the last hard break.
    last_break = 0
    for i, ch in enumerate(s):
        if ch in f";{_BREAK}" or (ch == ":" and taken[i]):
            last_break = i + 1
            continue
        if ch != ":" or protected[i] or taken[i]:
            continue
        ev = _shared_intro(s, max(last_break, i - 120), i)  # an intro is a few words
        if ev:
            events.append(ev)
            taken[ev.start : ev.end] = b"\x01" * (ev.end - ev.start)
        last_break = i + 1

    for m in _SEPARATOR.finditer(f):
        pos = m.start()
        if protected[pos] or taken[pos]:
            continue
        kind = m.lastgroup or ""
        if kind == "and" and s[pos : m.end()].lower() not in ("và", "va", "&"):
            continue
        if kind in ("dash", "plus"):
            j = pos - 1
            while j >= 0 and s[j] == " ":
                j -= 1
            if j < 0 or s[j] in f";.:,({_BREAK}{_WRAP}":
                events.append(_Event(pos, m.end(), "hard", list_dash=True))
            else:
                events.append(_Event(pos, m.end(), "dash" if kind == "dash" else "and"))
            continue
        events.append(_Event(pos, m.end(), kind))
    events.sort(key=lambda e: e.start)
    return events


# ---------------------------------------------------------------------------------------------
# The walk
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    start: int
    end: int
    role: str | None
    prefix: str | None = None
    head_override: str | None = None  # "UBND" given to "cấp xã"


def _prepare(raw: str) -> str:
    text = (raw or "").replace(_BREAK, " ").replace(_WRAP, " ")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NL_BULLET.sub(f" {_BREAK} ", text)
    text = _NL.sub(f" {_WRAP} ", text)
    return fold(text)


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    """Shrink [a, b) past leading bullets/punctuation and trailing punctuation."""
    m = _LEADING_JUNK.match(s, a, b)
    if m:
        a = m.end()
    while b > a and s[b - 1] in _TRAILING_CHARS:
        b -= 1
    return a, max(a, b)


def _item_text(s: str, item: _Item) -> str:
    text = _clean_marks(s[item.start : item.end])
    head = item.head_override or item.prefix
    return f"{head} {text}" if head else text


# Decisions look only at the start and the end of the item so far: bounded windows keep long
# cells linear.
_WINDOW = 160


def _item_head(s: str, item: _Item) -> str:
    text = _clean_marks(s[item.start : min(item.end, item.start + _WINDOW)])
    head = item.head_override or item.prefix
    return f"{head} {text}" if head else text


def _item_tail(s: str, item: _Item) -> str:
    if item.end - item.start <= _WINDOW:
        return _item_text(s, item)
    text = s[item.end - _WINDOW : item.end]
    # Cut at a word boundary; the "…" keeps a cut group noun from looking like the item's start.
    return "… " + _clean_marks(text[text.find(" ") + 1 :])


def _decide(s: str, item: _Item, a: int, b: int, sep: str) -> str:
    """'continue' the current item with s[a:b], 'split' before it, or 'level' ("UBND cấp xã")."""
    right = _words(_clean_marks(s[a:b]))
    if not right:
        return "continue"
    kind = _classify(right)
    if item.prefix:
        # Inside "Các Sở: A, B và C": comma and "và" separate members; dashes are in names.
        if sep in ("comma", "and"):
            return "split"
        return "split" if sep == "dash" and kind == "strong" else "continue"
    left = _words(_item_head(s, item))
    tail = _words(_item_tail(s, item))
    if sep in ("comma", "and") and right[0].is_("cấp") and _UBND_V.at(left, 0):
        return "level"
    if sep == "dash":
        return "split" if kind == "strong" else "continue"
    if sep == "wrap":
        if kind != "strong" or _UBND_V.at(right, 0) or _child_of_next(left, right):
            return "continue"
        last = tail[-1] if tail else None
        if last is None or _CAPITAL_V.ends(tail) or _GENERIC_V.ends(tail):
            return "continue"
        if any(last.is_(w) for w in ("và", "của", "thuộc", "các", "cấp", "trực", "tại", "với")):
            return "continue"
        return "split"
    if kind in ("strong", "bare"):
        if sep == "comma" and _child_of_next(left, right):
            return "continue"
        return "split"
    if kind == "agency":
        return "continue" if _left_is_open_group(_item_tail(s, item)) else "split"
    if kind == "locality" and right[0].is_(_CAC) and not _LOCALITY_V.ends(tail):
        return "split"  # "Phòng Nội vụ và các xã"; but "UBND các huyện, các xã" is one group
    return "continue"


def _shared_department_head(s: str, item: _Item, a: int, b: int) -> str | None:
    """ "Sở Tài chính, Kế hoạch và Đầu tư": the head of the item before, for a bare department name.

    Only where both sides are known department names, so "Sở Nội vụ, Thể thao" is not guessed at.
    """
    if item.prefix or item.head_override or item.end - item.start > 80 or b - a > 80:
        return None  # department names are short
    if _dept_key(s[a:b]) not in _DEPARTMENT_KEYS:
        return None
    left = s[item.start : item.end]
    m = _DEPT_HEAD.match(_flat(left))
    if not m or _dept_key(left[m.end() :]) not in _DEPARTMENT_KEYS:
        return None
    head = left[m.start(1) : m.end(1)]
    head = head[:1].upper() + head[1:]
    if m.start(1) > 0:
        # "Các sở Nội vụ, Tư pháp": the first member is written "Sở Nội vụ" too.
        item.start += m.end()
        item.prefix = head
    return head


def _clean_marks(text: str) -> str:
    return fold(text.replace(_BREAK, " ").replace(_WRAP, " "))


def _is_guard(w: _Word) -> bool:
    return w.canon in _TRAILING_VERB_GUARDS or (w.ascii and w.canon in _TRAILING_VERB_GUARDS_FLAT)


_TRAILING_VERB_GUARDS_FLAT = {_flat_word(g) for g in _TRAILING_VERB_GUARDS}


def _strip_trailing_verb(text: str) -> str:
    """ "Sở Nội vụ tổng hợp" -> "Sở Nội vụ"; "Các phòng được giao tham mưu ..." stays whole."""
    located = _words_at(text)
    words = [w for w, _ in located]
    for k in range(1, len(words)):
        w, at = located[k]
        if w.capital or not _VERB_V.at(words, k) or _is_guard(words[k - 1]):
            continue
        front = text[:at]
        if front.count("(") != front.count(")"):
            continue  # inside parenthesised detail
        before = words[:k]
        # A one-word front is mostly a body named by the verb ("Tổ tổng hợp"), not "Văn phòng".
        if len(before) == 1 and _capital_head(before) != "bare":
            continue
        if not looks_like_agency(front):
            continue
        return front.rstrip(" ,;:-")
    return text


def _closing_paren(text: str) -> int:
    """Index of the parenthesis closing the one at text[0], or -1."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return i
    return -1


def _finish(s: str, item: _Item) -> str:
    a, b = _trim(s, item.start, item.end)
    text = _clean_marks(s[a:b])
    text = _LEADING_AND.sub("", text).rstrip("".join(_TRAILING_CHARS))
    if not text:
        return ""
    if text.startswith("(") and text.endswith(")") and _closing_paren(text) == len(text) - 1:
        text = text[1:-1].strip()  # "(Sở Nội vụ)" written alone in the cell
    text = _strip_trailing_verb(text)
    head = item.head_override or item.prefix
    return f"{head} {text}" if head else text


def _split_routed(raw: str) -> list[tuple[str | None, str]]:
    """(role, agency) pairs of one cell; role None where no label says otherwise."""
    s = _prepare(raw)
    if not s:
        return []
    f = _flat(s)
    items: list[_Item] = []
    current: _Item | None = None
    role: str | None = None
    prefix: str | None = None
    sep = "hard"  # the separator before the next segment

    def take_segment(a: int, b: int) -> None:
        nonlocal current, prefix
        a, b = _trim(s, a, b)
        if a >= b:
            return
        if current is not None and sep in ("comma", "and") and not prefix:
            head = _shared_department_head(s, current, a, b)
            if head:
                prefix = head
        if current is not None and sep != "hard" and not (prefix and not current.prefix):
            decision = _decide(s, current, a, b, sep)
            if decision == "continue":
                current.end = b
                return
            if decision == "level":
                left = _item_text(s, current)
                head = _UBND_V.at(_words(left), 0) or ()
                current = _Item(a, b, role, head_override=" ".join(left.split()[: len(head)]))
                items.append(current)
                return
        # A new item: inside a shared list it takes the head unless it names its own body.
        if prefix and _classify(_words(_clean_marks(s[a:b]))) in ("strong", "bare"):
            prefix = None
        current = _Item(a, b, role, prefix=prefix)
        items.append(current)

    pos = 0
    for ev in _events(s, f):
        take_segment(pos, ev.start)
        pos = ev.end
        if ev.kind in ("hard", "label", "intro"):
            current = None
            sep = "hard"
            if ev.kind == "label":
                role, prefix = ev.role, None
            elif ev.kind == "intro":
                prefix = ev.prefix
            elif s[ev.start] != ";":
                prefix = None  # a new list item ends a shared head; ";" does not
        elif current is not None:
            sep = ev.kind
    take_segment(pos, len(s))

    out: list[tuple[str | None, str]] = []
    for item in items:
        text = _finish(s, item)
        if text:
            out.append((item.role, text))
    return out


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        k = fold(n).casefold()
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


def split_agency_cell(text: str) -> list[str]:
    """Every agency named in one cell, in order, whatever role labels say."""
    return _dedupe([name for _, name in _split_routed(text or "")])


def split_agencies(lead: str, coordinating: str) -> tuple[list[str], list[str]]:
    """Both cells at once, because a role label in one cell can send agencies to the other list."""
    leads, coords = _split_agencies(lead or "", coordinating or "")
    return list(leads), list(coords)


@lru_cache(maxsize=8192)  # plans name the same few dozen agencies over and over
def _split_agencies(lead: str, coordinating: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lead_pairs = _split_routed(lead or "")
    coord_pairs = _split_routed(coordinating or "")
    leads = [n for r, n in lead_pairs if r in (None, LEAD)] + [n for r, n in coord_pairs if r == LEAD]
    coords = [n for r, n in lead_pairs if r == COORD] + [n for r, n in coord_pairs if r in (None, COORD)]
    return tuple(_dedupe(leads)), tuple(_dedupe(coords))
