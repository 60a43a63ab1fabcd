"""The canonical dossier record, the export columns that feed it and the words that spell its values.

Every electronic one-stop system names its columns its own way; a source's saved mapping says which
export column feeds which field here. Values are read accent- and case-insensitively (see ``vocab_key``).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dondoc.importer.text import key


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # Vietnamese, as officers know the column
    kind: str  # text | agency | level | channel | online_kind | datetime | status | bool | rating
    required: bool = False
    synonyms: tuple[str, ...] = ()  # export headers that usually carry this field


FIELDS: tuple[Field, ...] = (
    Field("code", "Mã hồ sơ", "text", True, ("ma ho so", "so ho so", "ma hs", "so bien nhan", "ma bien nhan")),
    Field("procedure_code", "Mã thủ tục", "text", False, ("ma thu tuc", "ma tthc", "ma thu tuc hanh chinh")),
    Field("procedure_name", "Tên thủ tục", "text", False, ("ten thu tuc", "ten tthc", "thu tuc hanh chinh",
                                                           "ten thu tuc hanh chinh")),
    Field("field", "Lĩnh vực", "text", False, ("linh vuc", "ten linh vuc")),
    Field("agency", "Cơ quan tiếp nhận", "agency", True, ("co quan tiep nhan", "don vi tiep nhan", "co quan",
                                                          "don vi", "co quan giai quyet", "don vi xu ly")),
    Field("level", "Cấp", "level", False, ("cap", "cap giai quyet", "cap thuc hien", "cap hanh chinh")),
    Field("channel", "Kênh tiếp nhận", "channel", True, ("kenh tiep nhan", "hinh thuc tiep nhan", "kenh",
                                                         "hinh thuc nop")),
    Field("online_kind", "Hình thức DVC trực tuyến", "online_kind", False, (
        "hinh thuc dvc truc tuyen", "muc do dvc", "loai dich vu cong", "dvc truc tuyen", "muc do")),
    Field("received_at", "Ngày tiếp nhận", "datetime", True, ("ngay tiep nhan", "thoi gian tiep nhan",
                                                              "ngay nhan")),
    Field("due_at", "Ngày hẹn trả", "datetime", False, ("ngay hen tra", "han xu ly", "ngay hen tra ket qua",
                                                         "han giai quyet")),
    Field("finished_at", "Ngày hoàn thành", "datetime", False, ("ngay hoan thanh", "ngay co ket qua",
                                                                 "ngay ket thuc xu ly", "ngay xu ly xong")),
    Field("returned_at", "Ngày trả kết quả", "datetime", False, ("ngay tra ket qua", "ngay tra",
                                                                  "thoi gian tra ket qua")),
    Field("status", "Trạng thái", "status", True, ("trang thai", "tinh trang", "trang thai ho so")),
    Field("apology", "Có thư xin lỗi", "bool", False, ("co thu xin loi", "thu xin loi", "xin loi",
                                                        "van ban xin loi")),
    Field("dossier_digitised", "Số hóa hồ sơ", "bool", False, ("so hoa ho so", "ho so duoc so hoa",
                                                               "da so hoa ho so")),
    Field("result_digitised", "Số hóa kết quả", "bool", False, ("so hoa ket qua", "ket qua duoc so hoa",
                                                                "da so hoa ket qua", "ket qua dien tu")),
    Field("rating", "Đánh giá hài lòng", "rating", False, ("danh gia hai long", "muc do hai long", "danh gia",
                                                           "hai long")),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}

# Stored values. Levels use the agency directory's level codes.
LEVELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
CHANNELS = {"direct": "Trực tiếp", "online": "Trực tuyến", "postal": "Bưu chính công ích"}
ONLINE_KINDS = {"full": "Toàn trình", "partial": "Một phần"}
STATUSES = {
    "processing": "Đang xử lý",
    "finished": "Đã giải quyết",
    "rejected": "Trả lại, từ chối (không giải quyết)",
    "withdrawn": "Công dân rút hồ sơ",
}
# Citizen rating on 1–5; 4 and 5 count as satisfied.
SATISFIED_FROM = 4

# Accent-free spellings → stored value. A cell is matched whole after ``vocab_key``.
LEVEL_WORDS = {
    "cap tinh": "province", "tinh": "province", "so": "province", "so nganh": "province", "so, ban, nganh": "province",
    "cap huyen": "district", "huyen": "district", "cap xa": "commune", "xa": "commune",
}
CHANNEL_WORDS = {
    "truc tiep": "direct", "tai quay": "direct", "nop truc tiep": "direct", "mot cua": "direct",
    "truc tuyen": "online", "online": "online", "dvc truc tuyen": "online", "nop truc tuyen": "online",
    "qua mang": "online",
    "buu chinh cong ich": "postal", "buu chinh": "postal", "bcci": "postal", "qua buu chinh": "postal",
    "dich vu buu chinh cong ich": "postal",
}
ONLINE_KIND_WORDS = {
    "toan trinh": "full", "dvc toan trinh": "full", "muc do 4": "full", "muc 4": "full",
    "mot phan": "partial", "dvc mot phan": "partial", "muc do 3": "partial", "muc 3": "partial",
    "": "", "khong": "", "truc tiep": "",
}
STATUS_WORDS = {
    "dang xu ly": "processing", "dang giai quyet": "processing", "cho bo sung": "processing",
    "dang cho bo sung": "processing", "moi tiep nhan": "processing", "tam dung": "processing",
    "da tiep nhan": "processing", "qua han": "processing", "dang xu ly qua han": "processing",
    "da giai quyet": "finished", "hoan thanh": "finished", "da hoan thanh": "finished", "da tra ket qua": "finished",
    "da xu ly": "finished", "co ket qua": "finished", "da co ket qua": "finished", "cho tra ket qua": "finished",
    "tra lai": "rejected", "tra lai ho so": "rejected", "tu choi": "rejected", "tu choi tiep nhan": "rejected",
    "khong giai quyet": "rejected", "khong du dieu kien": "rejected",
    "rut ho so": "withdrawn", "da rut": "withdrawn", "cong dan rut ho so": "withdrawn", "huy": "withdrawn",
    "da huy": "withdrawn", "rut": "withdrawn",
}
BOOL_WORDS = {
    "co": True, "x": True, "1": True, "true": True, "yes": True, "da": True, "da so hoa": True, "c": True,
    "khong": False, "0": False, "false": False, "no": False, "": False, "chua": False, "chua so hoa": False,
    "k": False,
}
RATING_WORDS = {
    "rat hai long": 5, "hai long": 4, "binh thuong": 3, "chap nhan duoc": 3, "khong hai long": 1,
    "5": 5, "4": 4, "3": 3, "2": 2, "1": 1, "": None, "chua danh gia": None,
}
# Accepted date layouts, tried in order (day first, as Vietnamese exports write them).
DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
)


# The canonical record normalise.py produces and the store keeps: exact dtypes, exact order.
ROW_COLUMNS: dict[str, pl.DataType] = {
    "code": pl.Utf8(),
    "procedure_code": pl.Utf8(),
    "procedure_name": pl.Utf8(),
    "field": pl.Utf8(),
    "agency_id": pl.Int32(),
    "level": pl.Utf8(),
    "channel": pl.Utf8(),
    "online_kind": pl.Utf8(),
    "received_at": pl.Datetime("us"),
    "due_at": pl.Datetime("us"),
    "finished_at": pl.Datetime("us"),
    "returned_at": pl.Datetime("us"),
    "status": pl.Utf8(),
    "apology": pl.Boolean(),
    "dossier_digitised": pl.Boolean(),
    "result_digitised": pl.Boolean(),
    "rating": pl.Int8(),
}


def vocab_key(text: str | None) -> str:
    """How a header or a coded value is compared: accent-free, lower case, single-spaced."""
    return " ".join(key(text or "").split())


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """Field name → the export header that most plausibly carries it (exact synonym first, then prefix)."""
    keyed = {vocab_key(h): h for h in headers if h and h.strip()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for f in FIELDS:
        for cand in (vocab_key(f.label), *f.synonyms):
            if cand in keyed and keyed[cand] not in taken:
                mapping[f.name] = keyed[cand]
                taken.add(keyed[cand])
                break
    for f in FIELDS:
        if f.name in mapping:
            continue
        for k, h in keyed.items():
            if h not in taken and any(k.startswith(s) for s in (vocab_key(f.label), *f.synonyms)):
                mapping[f.name] = h
                taken.add(h)
                break
    return mapping


# The header row of the layout dondoc's generator writes and the demo uses (one-stop systems differ).
DEFAULT_HEADERS = [f.label for f in FIELDS]
