"""A seeded generator of realistic one-stop-shop exports (hồ sơ TTHC), for the demo, the tests and the benchmark.

``generate`` returns a frame whose columns are exactly ``schema.DEFAULT_HEADERS``, every cell text spelt as an
electronic one-stop system writes it ("Cấp xã", "Trực tuyến", "15/01/2025 08:12", "Đã giải quyết"...). Every
column is drawn with numpy for all rows at once (no Python loop per row), so ten million rows take seconds.

What the data looks like:

- agencies: departments, district and commune people's committees (``province_agencies``); each does the
  procedures of its level (communes: hộ tịch, chứng thực...; districts: đất đai, xây dựng, hộ kinh doanh...;
  departments: their sector's), commune volumes small, a few departments big;
- received on working days (weekends and public holidays, Tết included, skipped) in office hours; fewer around
  Tết, more at the end of the year; online share rising through the period (35% → 60%), postal 4%;
- due = received + the procedure's legal time in working days; most finished before or on the due day, a few
  percent late (more at some agencies and in busy months), the most recent still open, a few stuck;
- about 1.5% returned unprocessed ("Trả lại hồ sơ") and 0.5% withdrawn, with no finished date;
- apology letters for most late dossiers, digitisation rising through the period (result digitisation higher at
  province level), ratings for a minority of finished dossiers, about 95% of them satisfied.

Pure Python (numpy + polars): no Django import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from dondoc.indicators.dossiers import schema


@dataclass(frozen=True)
class AgencySpec:
    name: str
    level: str  # "province" | "district" | "commune"


# --- the province --------------------------------------------------------------------------------------------------

# Departments in the order ``province_agencies`` takes them, with the relative volume of dossiers each receives.
DEPARTMENTS: tuple[tuple[str, float], ...] = (
    ("Sở Tư pháp", 6.0),
    ("Sở Kế hoạch và Đầu tư", 8.0),
    ("Sở Tài nguyên và Môi trường", 10.0),
    ("Sở Giao thông vận tải", 12.0),
    ("Sở Lao động - Thương binh và Xã hội", 5.0),
    ("Sở Xây dựng", 1.5),
    ("Sở Y tế", 2.0),
    ("Sở Giáo dục và Đào tạo", 2.0),
    ("Sở Công Thương", 1.0),
    ("Sở Văn hóa, Thể thao và Du lịch", 0.8),
    ("Sở Nông nghiệp và Phát triển nông thôn", 0.8),
    ("Sở Thông tin và Truyền thông", 0.3),
    ("Sở Nội vụ", 0.4),
    ("Sở Tài chính", 0.8),
    ("Sở Khoa học và Công nghệ", 0.3),
    ("Sở Ngoại vụ", 0.2),
    ("Ban Dân tộc tỉnh", 0.2),
    ("Thanh tra tỉnh", 0.2),
    ("Ban Quản lý các khu công nghiệp", 0.5),
    ("Văn phòng Ủy ban nhân dân tỉnh", 0.3),
    ("Sở Du lịch", 0.3),
    ("Ban Quản lý Khu kinh tế", 0.4),
    ("Bảo hiểm xã hội tỉnh", 1.0),
    ("Cục Thuế tỉnh", 1.0),
)
DISTRICTS: tuple[str, ...] = (
    "Lạc Sơn", "Kim Bôi", "Tân Lạc", "Mai Châu", "Lương Sơn", "Yên Thủy", "Đà Bắc", "Cao Phong", "Lạc Thủy",
    "Kỳ Sơn", "Thanh Chương", "Đô Lương", "Nghĩa Đàn", "Quỳnh Lưu", "Diễn Châu", "Hưng Nguyên", "Nam Đàn",
    "Anh Sơn", "Con Cuông", "Tương Dương",
)
_COMMUNE_FIRST = ("Tân", "Phú", "An", "Bình", "Hòa", "Thạch", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc", "Quảng",
                  "Vĩnh", "Hưng", "Thuận", "Đức", "Xuân", "Thanh", "Phúc")
_COMMUNE_SECOND = ("Lợi", "Hòa", "Phú", "Thịnh", "Xuân", "An", "Lộc", "Sơn", "Thành", "Tiến", "Hải", "Trung",
                   "Minh", "Phong", "Điền", "Nghĩa", "Khánh", "Đạt", "Hiệp", "Yên")
# distinct even accent-free, since agencies are looked up by ``schema.vocab_key``
COMMUNES: tuple[str, ...] = tuple({schema.vocab_key(f"{a} {b}"): f"{a} {b}" for b in _COMMUNE_SECOND
                                   for a in _COMMUNE_FIRST if a != b}.values())


def province_agencies(n_districts: int = 10, communes_per_district: int = 22,
                      n_departments: int = 20) -> list[AgencySpec]:
    """A province's agencies that receive dossiers: ``n_departments`` departments, ``n_districts`` district
    people's committees and ``communes_per_district`` commune ones under each (250 by default), names unique."""
    if not 0 <= n_departments <= len(DEPARTMENTS):
        raise ValueError(f"n_departments must be 0..{len(DEPARTMENTS)}")
    if not 0 <= n_districts <= len(DISTRICTS):
        raise ValueError(f"n_districts must be 0..{len(DISTRICTS)}")
    if n_districts * communes_per_district > len(COMMUNES):
        raise ValueError(f"at most {len(COMMUNES)} communes")
    out = [AgencySpec(name, "province") for name, _ in DEPARTMENTS[:n_departments]]
    out += [AgencySpec(f"UBND huyện {name}", "district") for name in DISTRICTS[:n_districts]]
    # the same commune names in every run, spread over the alphabet rather than "Tân ..." first
    names = np.random.default_rng(20250101).permutation(len(COMMUNES))
    out += [AgencySpec(f"UBND xã {COMMUNES[int(i)]}", "commune")
            for i in names[:n_districts * communes_per_district]]
    return out


# --- the procedure catalogue ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    days: int  # legal time, working days (0: within the day)
    level: str  # province | district | commune
    owner: str  # the department doing it (province level), "" for any agency of the level
    weight: float  # relative volume within the agency
    online: float  # relative propensity to be filed online
    full: bool  # offered as a full online service (DVC toàn trình)


_P = Procedure
CATALOGUE: tuple[Procedure, ...] = (
    # commune
    _P("1.001193", "Đăng ký khai sinh", "Hộ tịch", 1, "commune", "", 12, 1.3, True),
    _P("1.000894", "Đăng ký kết hôn", "Hộ tịch", 1, "commune", "", 3, 0.6, False),
    _P("1.000656", "Đăng ký khai tử", "Hộ tịch", 1, "commune", "", 3, 1.0, True),
    _P("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, "commune", "", 8, 1.4, True),
    _P("2.000635", "Cấp bản sao Trích lục hộ tịch", "Hộ tịch", 0, "commune", "", 6, 1.4, True),
    _P("1.004859", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", 3, "commune", "", 2, 0.8,
       False),
    _P("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
       "Chứng thực", 0, "commune", "", 30, 0.7, True),
    _P("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", 0, "commune", "", 6, 0.3, False),
    _P("2.001035", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
       "Chứng thực", 2, "commune", "", 5, 0.2, False),
    _P("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", "Bảo trợ xã hội", 15, "commune",
       "", 2, 0.6, False),
    _P("1.003596", "Hòa giải tranh chấp đất đai", "Đất đai", 30, "commune", "", 0.6, 0.1, False),
    # district
    _P("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", 10,
       "district", "", 10, 0.8, False),
    _P("1.003003", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu", "Đất đai", 20,
       "district", "", 4, 0.6, False),
    _P("1.009794", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 15, "district", "", 3, 0.9, False),
    _P("2.000720", "Đăng ký thành lập hộ kinh doanh", "Đăng ký kinh doanh", 3, "district", "", 5, 1.3, True),
    _P("2.000575", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Đăng ký kinh doanh", 3, "district", "", 3,
       1.4, True),
    _P("1.001639", "Chuyển trường đối với học sinh trung học cơ sở", "Giáo dục và Đào tạo", 3, "district", "", 1,
       1.0, True),
    _P("2.001261", "Cấp Giấy phép bán lẻ rượu", "Công Thương", 10, "district", "", 0.8, 1.2, True),
    _P("1.002305", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "Y tế", 15, "district", "", 0.6,
       0.8, False),
    _P("1.001257", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", 12, "district", "", 0.5, 0.3,
       False),
    _P("2.001008", "Đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", 15, "district", "", 0.3, 0.5, False),
    _P("2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền của nước "
       "ngoài cấp", "Chứng thực", 0, "district", "", 2, 0.5, True),
    # departments
    _P("2.001417", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
       "Lý lịch tư pháp", 10, "province", "Sở Tư pháp", 10, 1.4, True),
    _P("1.001877", "Đăng ký hoạt động Văn phòng công chứng", "Công chứng", 10, "province", "Sở Tư pháp", 0.5, 0.6,
       False),
    _P("2.001610", "Đăng ký thành lập công ty TNHH một thành viên", "Đăng ký kinh doanh", 3, "province",
       "Sở Kế hoạch và Đầu tư", 6, 1.7, True),
    _P("2.002041", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "Đăng ký kinh doanh", 3, "province",
       "Sở Kế hoạch và Đầu tư", 8, 1.7, True),
    _P("1.009645", "Cấp Giấy chứng nhận đăng ký đầu tư", "Đầu tư tại Việt Nam", 15, "province",
       "Sở Kế hoạch và Đầu tư", 0.5, 0.8, False),
    _P("1.004203", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất (Văn phòng đăng ký "
       "đất đai)", "Đất đai", 10, "province", "Sở Tài nguyên và Môi trường", 12, 0.8, False),
    _P("1.010727", "Cấp giấy phép môi trường", "Môi trường", 30, "province", "Sở Tài nguyên và Môi trường", 0.4,
       0.7, False),
    _P("1.004253", "Cấp giấy phép khai thác, sử dụng nước mặt", "Tài nguyên nước", 30, "province",
       "Sở Tài nguyên và Môi trường", 0.3, 0.6, False),
    _P("1.002804", "Đổi Giấy phép lái xe do ngành Giao thông vận tải cấp", "Đường bộ", 5, "province",
       "Sở Giao thông vận tải", 12, 1.5, True),
    _P("1.002861", "Cấp phù hiệu xe ô tô kinh doanh vận tải", "Đường bộ", 2, "province", "Sở Giao thông vận tải",
       4, 1.4, True),
    _P("1.002859", "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô", "Đường bộ", 5, "province",
       "Sở Giao thông vận tải", 1, 1.2, True),
    _P("1.001978", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", 20, "province",
       "Sở Lao động - Thương binh và Xã hội", 8, 0.9, False),
    _P("1.000459", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Lao động", 5,
       "province", "Sở Lao động - Thương binh và Xã hội", 1.5, 1.3, True),
    _P("2.001955", "Đăng ký nội quy lao động của doanh nghiệp", "Lao động", 7, "province",
       "Sở Lao động - Thương binh và Xã hội", 1, 1.0, True),
    _P("1.009709", "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II", "Xây dựng", 20,
       "province", "Sở Xây dựng", 1, 0.7, False),
    _P("1.009957", "Cấp chứng chỉ hành nghề hoạt động xây dựng", "Xây dựng", 20, "province", "Sở Xây dựng", 2, 1.1,
       True),
    _P("1.004616", "Cấp chứng chỉ hành nghề dược", "Y tế", 20, "province", "Sở Y tế", 2, 1.0, True),
    _P("1.004607", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược", "Y tế", 30, "province", "Sở Y tế", 1, 0.8,
       False),
    _P("1.005092", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Giáo dục và Đào tạo", 1, "province",
       "Sở Giáo dục và Đào tạo", 4, 1.3, True),
    _P("1.005095", "Chỉnh sửa nội dung văn bằng, chứng chỉ", "Giáo dục và Đào tạo", 5, "province",
       "Sở Giáo dục và Đào tạo", 0.6, 0.8, False),
    _P("2.000633", "Cấp Giấy phép bán lẻ sản phẩm thuốc lá", "Công Thương", 15, "province", "Sở Công Thương", 1,
       1.2, True),
    _P("2.000213", "Cấp Giấy phép kinh doanh dịch vụ karaoke", "Văn hóa", 5, "province",
       "Sở Văn hóa, Thể thao và Du lịch", 0.6, 1.0, True),
    _P("1.004628", "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "Du lịch", 10, "province",
       "Sở Văn hóa, Thể thao và Du lịch", 0.4, 1.0, True),
    _P("1.003810", "Cấp chứng chỉ hành nghề thú y", "Thú y", 5, "province", "Sở Nông nghiệp và Phát triển nông thôn",
       0.5, 0.9, True),
    _P("1.003620", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản",
       "Quản lý chất lượng nông lâm sản và thủy sản", 15, "province", "Sở Nông nghiệp và Phát triển nông thôn", 0.5,
       0.8, False),
    _P("1.003890", "Cấp giấy phép xuất bản bản tin", "Báo chí", 10, "province", "Sở Thông tin và Truyền thông", 1,
       1.0, True),
    _P("1.001028", "Đăng ký người được bổ nhiệm, bầu cử, suy cử làm chức việc của tổ chức tôn giáo", "Tôn giáo", 20,
       "province", "Sở Nội vụ", 1, 0.5, False),
    _P("1.005389", "Đăng ký mã số đơn vị có quan hệ với ngân sách", "Tài chính ngân sách", 2, "province",
       "Sở Tài chính", 1, 1.5, True),
    _P("1.008424", "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", "Hoạt động khoa học và công nghệ",
       15, "province", "Sở Khoa học và Công nghệ", 1, 1.0, True),
    _P("1.003255", "Cho phép tổ chức hội nghị, hội thảo quốc tế", "Ngoại vụ", 15, "province", "Sở Ngoại vụ", 1, 0.8,
       False),
    _P("1.010810", "Công nhận người có uy tín trong đồng bào dân tộc thiểu số", "Công tác dân tộc", 15, "province",
       "Ban Dân tộc tỉnh", 1, 0.2, False),
    _P("2.001909", "Giải quyết khiếu nại lần đầu", "Giải quyết khiếu nại", 30, "province", "Thanh tra tỉnh", 1, 0.3,
       False),
    _P("1.009810", "Cấp giấy phép lao động cho người nước ngoài làm việc trong khu công nghiệp", "Lao động", 5,
       "province", "Ban Quản lý các khu công nghiệp", 1, 1.3, True),
    _P("1.009770", "Điều chỉnh Giấy chứng nhận đăng ký đầu tư", "Đầu tư tại Việt Nam", 10, "province",
       "Ban Quản lý Khu kinh tế", 1, 1.0, False),
    _P("1.001620", "Cấp Giấy phép kinh doanh dịch vụ lữ hành quốc tế", "Du lịch", 10, "province", "Sở Du lịch", 1,
       1.0, True),
    _P("1.003579", "Cấp lại sổ bảo hiểm xã hội", "Bảo hiểm xã hội", 5, "province", "Bảo hiểm xã hội tỉnh", 1, 1.5,
       True),
    _P("1.007823", "Đăng ký thuế lần đầu", "Thuế", 3, "province", "Cục Thuế tỉnh", 1, 1.6, True),
)
# What a province-level agency with none of its own does (the provincial public-administration centre, say).
_GENERIC_PROVINCE = (
    _P("2.002175", "Giải quyết phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính",
       "Kiểm soát thủ tục hành chính", 10, "province", "", 1, 1.0, True),
)

_LEVEL_CODE = {"province": 10, "district": 20, "commune": 30}
_DEPARTMENT_WEIGHT = dict(DEPARTMENTS)
# relative volume of a district / commune people's committee (departments: DEPARTMENTS)
_LEVEL_WEIGHT = {"district": 3.0, "commune": 0.45, "province": 0.5}

# Lunar New Year's day (mùng 1 Tết); the Tết holiday is taken as 3 days before to 4 days after.
_TET = {
    2016: date(2016, 2, 8), 2017: date(2017, 1, 28), 2018: date(2018, 2, 16), 2019: date(2019, 2, 5),
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
}

# Stored value → the words the export writes (schema.*_WORDS read them back).
_LEVEL_LABEL = schema.LEVELS
_CHANNEL_LABELS = np.array(["Trực tiếp", "Trực tuyến", "Bưu chính công ích"], dtype=object)
_RATING_LABELS = ("", "Không hài lòng", "", "Bình thường", "Hài lòng", "Rất hài lòng")  # index = score

DATETIME_FORMAT = "%d/%m/%Y %H:%M"
_DAY = 1440  # minutes


def holidays(first_year: int, last_year: int) -> list[date]:
    """Public holidays (weekdays or not) of the years: New Year, Tết, Hùng Kings (approx.), 30/4, 1/5, 2/9."""
    out: list[date] = []
    for y in range(first_year, last_year + 1):
        out += [date(y, 1, 1), date(y, 4, 30), date(y, 5, 1), date(y, 9, 1), date(y, 9, 2)]
        tet = _TET.get(y)
        if tet is not None:
            out += [tet + timedelta(days=d) for d in range(-3, 5)]
            out.append(tet + timedelta(days=68))  # Giỗ Tổ Hùng Vương (10/3 âm lịch), roughly
    return out


# --- the generator -------------------------------------------------------------------------------------------------

def _procedures_of(spec: AgencySpec) -> list[int]:
    if spec.level == "province":
        own = [i for i, p in enumerate(CATALOGUE) if p.level == "province" and p.owner == spec.name]
        return own or [len(CATALOGUE)]  # the generic one, appended after the catalogue
    return [i for i, p in enumerate(CATALOGUE) if p.level == spec.level]


def generate(n: int, agencies: Sequence[AgencySpec], *, start: date, end: date, seed: int = 0,
             code_prefix: str = "") -> pl.DataFrame:
    """``n`` dossiers received by ``agencies`` from ``start`` to ``end`` (inclusive), exported the day after
    ``end``: columns ``schema.DEFAULT_HEADERS``, all text ("" for an empty cell). The same arguments give the same
    frame. Codes are unique within a frame: ``code_prefix`` + agency code + receiving day + number of the day."""
    if end < start:
        raise ValueError("end before start")
    if not agencies:
        raise ValueError("no agencies")
    for spec in agencies:
        if spec.level not in _LEVEL_CODE:
            raise ValueError(f"unknown level {spec.level!r} of {spec.name!r}")
    rng = np.random.default_rng(seed)
    catalogue = CATALOGUE + _GENERIC_PROVINCE
    n_ag = len(agencies)

    # -- agencies: volume, lateness and apology habits
    level_of = np.array([_LEVEL_CODE[a.level] for a in agencies], dtype=np.int16)
    base = np.array([_DEPARTMENT_WEIGHT.get(a.name, _LEVEL_WEIGHT["province"]) if a.level == "province"
                     else _LEVEL_WEIGHT[a.level] for a in agencies])
    spread = np.where(level_of == 30, 0.6, np.where(level_of == 20, 0.4, 0.2))
    ag_weight = base * rng.lognormal(0.0, 1.0, n_ag) ** spread
    ag_late = rng.beta(1.5, 60.0, n_ag) * np.where(rng.random(n_ag) < 0.12, 4.0, 1.0)  # some agencies struggle
    ag_apology = rng.beta(8.0, 2.0, n_ag)
    ag_digitise = rng.normal(0.0, 0.06, n_ag)

    # -- (agency, procedure) pairs, drawn jointly
    pair_ag: list[int] = []
    pair_proc: list[int] = []
    pair_p: list[float] = []
    for a, spec in enumerate(agencies):
        procs = _procedures_of(spec)
        w = np.array([catalogue[i].weight for i in procs])
        pair_ag += [a] * len(procs)
        pair_proc += procs
        pair_p += list(ag_weight[a] * w / w.sum())
    p = np.array(pair_p)
    p /= p.sum()
    pair = rng.choice(len(p), size=n, p=p)
    ag = np.array(pair_ag, dtype=np.int32)[pair]
    proc = np.array(pair_proc, dtype=np.int32)[pair]
    del pair

    proc_days = np.array([c.days for c in catalogue], dtype=np.int64)
    proc_online = np.array([c.online for c in catalogue])
    proc_full = np.array([c.full for c in catalogue])
    proc_online = proc_online / float(np.dot(np.bincount(np.asarray(pair_proc), weights=p,
                                                         minlength=len(catalogue)), proc_online))

    # -- receiving day: working days only, seasonal volume
    hol = np.array(holidays(start.year - 1, end.year + 2), dtype="datetime64[D]")
    all_days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    work_days = all_days[np.is_busday(all_days, holidays=hol)]
    if len(work_days) == 0:
        raise ValueError("no working day between start and end")
    span = max((end - start).days, 1)
    t_day = (work_days - np.datetime64(start, "D")).astype(np.float64) / span  # 0 → 1 through the period
    month = (work_days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    month_volume = np.array([0, 0.95, 0.85, 1.05, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.05, 1.15, 1.3])[month]
    weekday = (work_days.astype(np.int64) + 3) % 7  # 0 = Monday
    day_w = month_volume * np.array([1.15, 1.0, 1.0, 1.0, 0.9, 0.5, 0.5])[weekday] * (1.0 + 0.1 * t_day)
    for tet in (_TET.get(y) for y in range(start.year, end.year + 1)):
        if tet is None:
            continue
        dist = (work_days - np.datetime64(tet, "D")).astype(np.int64)
        day_w *= np.where((dist >= -10) & (dist < 0), 0.8, 1.0)  # the week before the holiday
        day_w *= np.where((dist > 0) & (dist <= 21), 0.55 + 0.45 * dist / 21, 1.0)  # slow start after it
    month_busy = np.array([0, 1.0, 1.0, 1.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.4, 1.8])[month]
    day = rng.choice(len(work_days), size=n, p=day_w / day_w.sum())
    t = t_day[day]
    recv_day = work_days[day]
    # office hours: 07:30–11:30 and 13:30–17:00
    u = rng.random(n)
    recv_tod = np.where(u < 0.6, 450 + (u / 0.6 * 240), 810 + ((u - 0.6) / 0.4 * 210)).astype(np.int64)

    # -- channel and online kind
    p_online = np.clip((0.35 + 0.25 * t) * proc_online[proc], 0.0, 0.95)
    u = rng.random(n)
    channel = np.where(u < p_online, 1, np.where(u < p_online + 0.04, 2, 0)).astype(np.int8)
    full = (channel == 1) & proc_full[proc] & (rng.random(n) < 0.8)
    online_kind = np.where(channel == 1, np.where(full, 1, 2), 0).astype(np.int8)  # 0 "", 1 full, 2 partial

    # -- due: the legal time in working days (within the day: by 17:00, or the next day after 15:00)
    legal = proc_days[proc]
    due_off = np.where((legal == 0) & (recv_tod >= 900), 1, legal)
    due_day = np.busday_offset(recv_day, due_off, holidays=hol)
    due_tod = np.where(legal == 0, 1020, recv_tod)

    # -- outcome: rejected, withdrawn, stuck (never finished), else finished early / on the day / late
    u = rng.random(n)
    outcome = np.where(u < 0.015, 2, np.where(u < 0.02, 3, np.where(u < 0.024, 4, 1))).astype(np.int8)
    complexity = np.where(legal >= 10, 1.5, np.where(legal == 0, 0.5, 1.0))
    p_late = np.clip(ag_late[ag] * month_busy[day] * complexity, 0.0, 0.5)
    u = rng.random(n)
    late = u < p_late
    on_day = ~late & ((due_off == 0) | (u < p_late + 0.2 * (1 - p_late)))
    v = rng.random(n)
    early_off = np.floor(v ** 1.6 * due_off).astype(np.int64)  # quick more often than slow
    late_off = due_off + rng.geometric(0.3, n)
    fin_off = np.where(late, late_off, np.where(on_day, due_off, early_off))
    fin_day = np.busday_offset(recv_day, fin_off, holidays=hol)
    u = rng.random(n)
    office = np.where(u < 0.55, 450 + u / 0.55 * 240, 810 + (u - 0.55) / 0.45 * 210).astype(np.int64)
    fin_tod = np.where(fin_off == 0, recv_tod + 5 + (rng.random(n) * 180).astype(np.int64), office)

    recv_at = recv_day.astype(np.int64) * _DAY + recv_tod
    due_at = due_day.astype(np.int64) * _DAY + due_tod
    fin_at = fin_day.astype(np.int64) * _DAY + fin_tod
    export_at = (np.datetime64(end, "D").astype(np.int64) + 1) * _DAY
    finished = (outcome == 1) & (fin_at < export_at)
    status = np.where(finished, 1, np.where(outcome == 2, 2, np.where(outcome == 3, 3, 0))).astype(np.int8)

    # -- result handed over: online results at once, else the same day or some days later; some never collected
    u = rng.random(n)
    back_days = np.where(u < 0.55, 0, np.where(u < 0.85, 1 + (rng.random(n) * 3).astype(np.int64),
                                               4 + (rng.random(n) * 12).astype(np.int64)))
    back_days = np.where(full, 0, back_days)
    back_day = np.busday_offset(fin_day, back_days, holidays=hol)
    u = rng.random(n)
    back_tod = np.where(back_days == 0, fin_tod + np.where(full, u * 30, u * 120).astype(np.int64),
                        (450 + u * 570).astype(np.int64))
    back_at = back_day.astype(np.int64) * _DAY + back_tod
    returned = finished & (back_at < export_at) & (rng.random(n) >= 0.02)

    # -- apology letters: most late dossiers, some open overdue ones
    late_done = finished & (fin_day > due_day)
    open_overdue = (status == 0) & (due_at < export_at)
    u = rng.random(n)
    apology = (late_done & (u < ag_apology[ag])) | (open_overdue & (u < 0.6 * ag_apology[ag]))

    # -- digitisation: dossiers 40% → 80% through the period; results, of finished ones, higher at province level
    dossier_dig = rng.random(n) < np.clip(0.4 + 0.4 * t + ag_digitise[ag], 0.02, 0.98)
    result_p = np.where(level_of[ag] == 10, 0.72, np.where(level_of[ag] == 20, 0.55, 0.4)) + 0.2 * t
    result_dig = finished & (rng.random(n) < result_p)

    # -- ratings: a minority of finished dossiers, online ones more often; ~95% satisfied, late ones less
    u = rng.random(n)
    rated = finished & (u < np.where(channel == 1, 0.3, 0.1))
    u = rng.random(n)
    score = np.where(late_done,
                     np.where(u < 0.4, 5, np.where(u < 0.75, 4, np.where(u < 0.9, 3, 1))),
                     np.where(u < 0.68, 5, np.where(u < 0.955, 4, np.where(u < 0.985, 3, 1))))
    score = np.where(rated, score, 0).astype(np.int8)

    # -- status words: new, waiting for documents, processing; finished and handed over or waiting to be
    last_day = work_days[-1].astype(np.int64)
    status_word = np.select(
        [status == 1, status == 2, status == 3, outcome == 4, recv_day.astype(np.int64) >= last_day],
        [np.where(returned, 0, 1), 2, 3, 4, 5], 6).astype(np.int8)
    status_labels = ["Đã giải quyết", "Chờ trả kết quả", "Trả lại hồ sơ", "Công dân rút hồ sơ", "Chờ bổ sung",
                     "Mới tiếp nhận", "Đang xử lý"]

    # -- export order (by receiving time) and codes: agency, day, number of the day at the agency
    order = np.argsort(recv_at, kind="stable")
    ag, proc, day = ag[order], proc[order], day[order]
    recv_at, due_at, fin_at, back_at = recv_at[order], due_at[order], fin_at[order], back_at[order]
    channel, online_kind, status_word = channel[order], online_kind[order], status_word[order]
    finished, returned = finished[order], returned[order]
    apology, dossier_dig, result_dig, score = apology[order], dossier_dig[order], result_dig[order], score[order]
    group = ag.astype(np.int64) * len(work_days) + day
    by_group = np.argsort(group, kind="stable")
    g_sorted = group[by_group]
    starts = np.ones(n, dtype=bool)
    starts[1:] = g_sorted[1:] != g_sorted[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    seq = np.empty(n, dtype=np.int64)
    seq[by_group] = np.arange(n) - first + 1
    del by_group, g_sorted, starts, first, group

    ag_codes = [f"000.{_LEVEL_CODE[a.level]:02d}.{i + 1:03d}.H53" for i, a in enumerate(agencies)]
    return _frame(n, agencies, ag_codes, catalogue, code_prefix, ag, proc, seq, recv_at, due_at, fin_at, back_at,
                  finished, returned, channel, online_kind, status_word, status_labels, apology, dossier_dig,
                  result_dig, score)


def _frame(n: int, agencies: Sequence[AgencySpec], ag_codes: list[str], catalogue: Sequence[Procedure],
           code_prefix: str, ag: np.ndarray, proc: np.ndarray, seq: np.ndarray, recv_at: np.ndarray,
           due_at: np.ndarray, fin_at: np.ndarray, back_at: np.ndarray, finished: np.ndarray, returned: np.ndarray,
           channel: np.ndarray, online_kind: np.ndarray, status_word: np.ndarray, status_labels: list[str],
           apology: np.ndarray, dossier_dig: np.ndarray, result_dig: np.ndarray, score: np.ndarray) -> pl.DataFrame:
    """The export's text columns, built by gathering from small tables of distinct spellings."""
    def pick(labels: Sequence[str], index: np.ndarray) -> pl.Series:
        return pl.Series(list(labels), dtype=pl.String).gather(pl.Series(index.astype(np.uint32)))

    # every date cell is one of the few hundred thousand distinct minutes of the period: format those once
    lo = int(recv_at.min()) if n else 0
    hi = int(max(due_at.max(), fin_at.max(), back_at.max())) if n else 0
    minutes = pl.Series(np.arange(lo, hi + 1, dtype=np.int64) * 60_000_000).cast(pl.Datetime("us"))
    table = pl.concat([minutes.dt.strftime(DATETIME_FORMAT), pl.Series([""], dtype=pl.String)])
    days = pl.Series(np.arange(lo // _DAY, hi // _DAY + 1, dtype=np.int64)).cast(pl.Date).dt.strftime("%y%m%d")
    empty = hi - lo + 1

    def when(at: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
        index = at - lo
        if keep is not None:
            index = np.where(keep, index, empty)
        return table.gather(pl.Series(index.astype(np.uint32)))

    yes_no = ["Không", "Có"]
    seq_s = pl.Series(seq, dtype=pl.Int64).cast(pl.String).str.zfill(4)
    code = pl.select(pl.concat_str([
        pl.lit(code_prefix), pick(ag_codes, ag), pl.lit("-"), days.gather(pl.Series((recv_at // _DAY - lo // _DAY)
                                                                                     .astype(np.uint32))),
        pl.lit("-"), seq_s])).to_series()
    columns = [
        code,
        pick([c.code for c in catalogue], proc),
        pick([c.name for c in catalogue], proc),
        pick([c.field for c in catalogue], proc),
        pick([a.name for a in agencies], ag),
        pick([_LEVEL_LABEL[a.level] for a in agencies], ag),
        pick(list(_CHANNEL_LABELS), channel),
        pick(["", *schema.ONLINE_KINDS.values()], online_kind),
        when(recv_at),
        when(due_at),
        when(fin_at, finished),
        when(back_at, returned),
        pick(status_labels, status_word),
        pick(yes_no, apology),
        pick(yes_no, dossier_dig),
        pick(yes_no, result_dig),
        pick(_RATING_LABELS, score),
    ]
    return pl.DataFrame({h: s for h, s in zip(schema.DEFAULT_HEADERS, columns, strict=True)})


# --- writing an export ---------------------------------------------------------------------------------------------

def write_export(frame: pl.DataFrame, path: Path, fmt: str = "csv") -> None:
    """Write ``frame`` as an export file: "csv" (UTF-8, comma, empty cells empty) or "xlsx" (one sheet, text
    cells; openpyxl in write-only mode, meant for small frames)."""
    path = Path(path)
    if fmt == "csv":
        # polars writes "" as a quoted empty string; a one-stop export leaves the cell empty
        frame.select(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in frame.columns).write_csv(path)
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Danh sách hồ sơ")
        ws.append(frame.columns)
        for row in frame.iter_rows():
            ws.append([v if v != "" else None for v in row])
        wb.save(path)
    else:
        raise ValueError(f"unknown format {fmt!r} (csv or xlsx)")
