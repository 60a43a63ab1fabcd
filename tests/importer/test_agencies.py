"""Agency cells -> agency lists: varied cells of the genre, role labels, every gold task, fuzzing."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.normalise.agencies import looks_like_agency, split_agencies, split_agency_cell

GOLD = Path(__file__).resolve().parents[3] / "shared" / "benchmark" / "gold"

_DASHES = dict.fromkeys(map(ord, "\u2013\u2014\u2212"), "-")


def norm_list(items: list[str]) -> list[str]:
    """The comparison benchmark/score.py makes: NFC, dashes unified, white space folded,
    case folded, trailing " .;," and ":" stripped, empties dropped."""
    out = []
    for item in items:
        text = unicodedata.normalize("NFC", item).translate(_DASHES)
        text = re.sub(r"\s+", " ", text).strip().casefold().rstrip(" .;,:")
        if text:
            out.append(text)
    return out


# One cell -> its agencies, in order. Provinces, districts, communes, a department's own divisions;
# none of these is copied from the seed plans.
CELLS: list[tuple[str, list[str]]] = [
    # empty and trivial
    ("", []),
    ("   \n  ", []),
    (" - ", []),
    ("Sở Nội vụ.", ["Sở Nội vụ"]),
    ("(Sở Nội vụ)", ["Sở Nội vụ"]),
    # one body whose official name has "và", "," or "-" inside
    ("Sở Kế hoạch và Đầu tư", ["Sở Kế hoạch và Đầu tư"]),
    ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
    ("Sở Lao động, Thương binh và Xã hội", ["Sở Lao động, Thương binh và Xã hội"]),
    ("Sở Lao động – Thương binh và Xã hội", ["Sở Lao động – Thương binh và Xã hội"]),
    ("Sở Nông nghiệp và Môi trường; Sở Dân tộc và Tôn giáo",
     ["Sở Nông nghiệp và Môi trường", "Sở Dân tộc và Tôn giáo"]),
    ("Đài Phát thanh và Truyền hình tỉnh, Báo tỉnh", ["Đài Phát thanh và Truyền hình tỉnh", "Báo tỉnh"]),
    ("Trung tâm Công nghệ thông tin và Truyền thông", ["Trung tâm Công nghệ thông tin và Truyền thông"]),
    ("Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp",
     ["Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp"]),
    ("Ban QLKKT Nghi Sơn và các KCN; Sở Xây dựng", ["Ban QLKKT Nghi Sơn và các KCN", "Sở Xây dựng"]),
    ("Văn phòng HĐND và UBND huyện; Phòng Nội vụ", ["Văn phòng HĐND và UBND huyện", "Phòng Nội vụ"]),
    ("Văn phòng HĐND - UBND huyện, Phòng Tư pháp", ["Văn phòng HĐND - UBND huyện", "Phòng Tư pháp"]),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", ["Văn phòng Đoàn ĐBQH và HĐND tỉnh"]),
    ("Phòng Văn hóa, Khoa học và Thông tin; Phòng Kinh tế, Hạ tầng và Đô thị",
     ["Phòng Văn hóa, Khoa học và Thông tin", "Phòng Kinh tế, Hạ tầng và Đô thị"]),
    ("Phòng Kinh tế và Hạ tầng, Phòng Tài nguyên và Môi trường",
     ["Phòng Kinh tế và Hạ tầng", "Phòng Tài nguyên và Môi trường"]),
    ("Phòng Hành chính - Tổng hợp", ["Phòng Hành chính - Tổng hợp"]),
    ("Phòng Kế hoạch - Tài chính; Phòng Tổ chức cán bộ",
     ["Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ"]),
    ("Chi cục Thuế khu vực, Kho bạc Nhà nước huyện", ["Chi cục Thuế khu vực", "Kho bạc Nhà nước huyện"]),
    # two bodies joined by "và" / "," / "+" / a dash
    ("Sở Kế hoạch và Đầu tư, Sở Tài chính và Sở Nội vụ",
     ["Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Nội vụ"]),
    ("Sở Khoa học và Công nghệ và các đơn vị liên quan",
     ["Sở Khoa học và Công nghệ", "các đơn vị liên quan"]),
    ("Sở Lao động - Thương binh và Xã hội và cơ quan liên quan",
     ["Sở Lao động - Thương binh và Xã hội", "cơ quan liên quan"]),
    ("Kho bạc Nhà nước tỉnh và Cục Thuế tỉnh", ["Kho bạc Nhà nước tỉnh", "Cục Thuế tỉnh"]),
    ("Thanh tra tỉnh và Sở Tư pháp", ["Thanh tra tỉnh", "Sở Tư pháp"]),
    ("Sở Thông tin và Truyền thông - Sở Nội vụ", ["Sở Thông tin và Truyền thông", "Sở Nội vụ"]),
    ("Sở Giao thông vận tải + Sở Xây dựng", ["Sở Giao thông vận tải", "Sở Xây dựng"]),
    ("Tòa án nhân dân tỉnh, Viện kiểm sát nhân dân tỉnh",
     ["Tòa án nhân dân tỉnh", "Viện kiểm sát nhân dân tỉnh"]),
    ("Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh", ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]),
    ("Liên đoàn Lao động tỉnh, Tỉnh đoàn, Hội Liên hiệp Phụ nữ tỉnh",
     ["Liên đoàn Lao động tỉnh", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh"]),
    ("Hội Nông dân, Hội Cựu chiến binh, Huyện đoàn", ["Hội Nông dân", "Hội Cựu chiến binh", "Huyện đoàn"]),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội",
     ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "các tổ chức chính trị - xã hội"]),
    ("Trường Chính trị tỉnh và các cơ sở đào tạo", ["Trường Chính trị tỉnh", "các cơ sở đào tạo"]),
    ("Bảo hiểm xã hội tỉnh; Cục Thuế tỉnh; Kho bạc Nhà nước tỉnh",
     ["Bảo hiểm xã hội tỉnh", "Cục Thuế tỉnh", "Kho bạc Nhà nước tỉnh"]),
    ("Tỉnh ủy, HĐND, UBND tỉnh", ["Tỉnh ủy", "HĐND", "UBND tỉnh"]),
    ("SNV; STP", ["SNV", "STP"]),
    ("VP. UBND tỉnh; SNV", ["VP. UBND tỉnh", "SNV"]),
    # group names stay whole
    ("Các cơ quan, đơn vị, địa phương", ["Các cơ quan, đơn vị, địa phương"]),
    ("UBND các xã, thị trấn", ["UBND các xã, thị trấn"]),
    ("Ủy ban nhân dân các xã, phường, thị trấn", ["Ủy ban nhân dân các xã, phường, thị trấn"]),
    ("Uỷ ban nhân dân các huyện, thành phố", ["Uỷ ban nhân dân các huyện, thành phố"]),
    ("UBND các xã, phường, đặc khu", ["UBND các xã, phường, đặc khu"]),
    ("Các phòng, đơn vị thuộc Sở", ["Các phòng, đơn vị thuộc Sở"]),
    ("Các cơ quan, đơn vị trực thuộc Sở", ["Các cơ quan, đơn vị trực thuộc Sở"]),
    ("Các phòng chuyên môn thuộc UBND huyện", ["Các phòng chuyên môn thuộc UBND huyện"]),
    ("Các Sở, ban, ngành và UBND các huyện, thị xã, thành phố",
     ["Các Sở, ban, ngành", "UBND các huyện, thị xã, thành phố"]),
    ("UBND các huyện, thị xã, thành phố và các sở, ngành liên quan",
     ["UBND các huyện, thị xã, thành phố", "các sở, ngành liên quan"]),
    ("Các cơ quan chuyên môn thuộc UBND tỉnh; UBND các huyện, thị xã, thành phố",
     ["Các cơ quan chuyên môn thuộc UBND tỉnh", "UBND các huyện, thị xã, thành phố"]),
    ("Sở Nội vụ; các sở, ban, ngành; UBND cấp huyện và các cơ quan, đơn vị có liên quan.",
     ["Sở Nội vụ", "các sở, ban, ngành", "UBND cấp huyện", "các cơ quan, đơn vị có liên quan"]),
    ("Văn phòng Sở và các phòng, đơn vị thuộc Sở", ["Văn phòng Sở", "các phòng, đơn vị thuộc Sở"]),
    ("Phòng Lao động - Thương binh và Xã hội và các xã",
     ["Phòng Lao động - Thương binh và Xã hội", "các xã"]),
    # district and commune level
    ("Phòng Nội vụ huyện", ["Phòng Nội vụ huyện"]),
    ("Phòng Nội vụ; Phòng Tư pháp; UBND các xã, thị trấn",
     ["Phòng Nội vụ", "Phòng Tư pháp", "UBND các xã, thị trấn"]),
    ("Phòng Nội vụ, UBND các xã", ["Phòng Nội vụ", "UBND các xã"]),
    ("UBND huyện, Phòng Nội vụ", ["UBND huyện", "Phòng Nội vụ"]),
    ("UBND xã; Công an xã", ["UBND xã", "Công an xã"]),
    ("Thường trực HĐND, UBND huyện", ["Thường trực HĐND", "UBND huyện"]),
    # a level word shared by "UBND"
    ("Ủy ban nhân dân cấp huyện, cấp xã", ["Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"]),
    ("UBND cấp huyện và cấp xã", ["UBND cấp huyện", "UBND cấp xã"]),
    # a shared head noun given to each member
    ("Các Sở: Y tế, Tài chính", ["Sở Y tế", "Sở Tài chính"]),
    ("Các sở: Tư pháp, Tài chính, Kế hoạch và Đầu tư",
     ["Sở Tư pháp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư"]),
    ("Các Sở: Văn hóa, Thể thao và Du lịch; Lao động - Thương binh và Xã hội; Giáo dục và Đào tạo",
     ["Sở Văn hóa, Thể thao và Du lịch", "Sở Lao động - Thương binh và Xã hội", "Sở Giáo dục và Đào tạo"]),
    ("Các sở, ngành: Nội vụ, Tư pháp", ["Sở Nội vụ", "Sở Tư pháp"]),
    ("Văn phòng UBND tỉnh và các Sở: Nội vụ, Tư pháp", ["Văn phòng UBND tỉnh", "Sở Nội vụ", "Sở Tư pháp"]),
    ("Các phòng: Nội vụ, Tư pháp, Tài chính - Kế hoạch",
     ["Phòng Nội vụ", "Phòng Tư pháp", "Phòng Tài chính - Kế hoạch"]),
    ("Các phòng: Tổ chức cán bộ, Kế hoạch - Tài chính",
     ["Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính"]),
    ("Các phòng: Văn hóa, Khoa học và Thông tin; Kinh tế, Hạ tầng và Đô thị",
     ["Phòng Văn hóa, Khoa học và Thông tin", "Phòng Kinh tế, Hạ tầng và Đô thị"]),
    ("UBND các huyện: Mường Lát, Quan Sơn", ["UBND huyện Mường Lát", "UBND huyện Quan Sơn"]),
    ("Các đơn vị: Văn phòng, Thanh tra, Phòng Kế hoạch - Tài chính",
     ["Văn phòng", "Thanh tra", "Phòng Kế hoạch - Tài chính"]),
    ("Sở Tài chính, Kế hoạch và Đầu tư", ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]),
    ("Các sở Nội vụ, Tư pháp và Tài chính", ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính"]),
    ("Phòng Nội vụ, Tư pháp", ["Phòng Nội vụ", "Phòng Tư pháp"]),
    ("Sở Văn hóa, Thể thao và Du lịch, Y tế", ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"]),
    # parenthesised detail stays with its agency; its commas never split
    ("Sở Nội vụ (Ban Thi đua - Khen thưởng), Sở Tư pháp",
     ["Sở Nội vụ (Ban Thi đua - Khen thưởng)", "Sở Tư pháp"]),
    ("Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh, Trung tâm Thông tin)",
     ["Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh, Trung tâm Thông tin)"]),
    ("Sở Nội vụ và Văn phòng UBND tỉnh (Trung tâm PVHCC)",
     ["Sở Nội vụ", "Văn phòng UBND tỉnh (Trung tâm PVHCC)"]),
    ("Sở Tư pháp (chủ trì); Sở Nội vụ (phối hợp)", ["Sở Tư pháp (chủ trì)", "Sở Nội vụ (phối hợp)"]),
    # a sub-unit named with its parent body
    ("Phòng CCHC, Sở Nội vụ", ["Phòng CCHC, Sở Nội vụ"]),
    ("Chi cục Văn thư - Lưu trữ, Sở Nội vụ", ["Chi cục Văn thư - Lưu trữ, Sở Nội vụ"]),
    ("Trung tâm Phục vụ hành chính công tỉnh, Sở Nội vụ",
     ["Trung tâm Phục vụ hành chính công tỉnh", "Sở Nội vụ"]),
    # a verb after the agency is not part of it
    ("Sở Tư pháp chủ trì, phối hợp với các cơ quan liên quan", ["Sở Tư pháp"]),
    ("Ban Chỉ đạo CCHC tỉnh", ["Ban Chỉ đạo CCHC tỉnh"]),
    ("Hội đồng thẩm định", ["Hội đồng thẩm định"]),
    # list dashes and line breaks
    ("- Sở Nội vụ;\n- Sở Tư pháp", ["Sở Nội vụ", "Sở Tư pháp"]),
    ("- Sở Nội vụ.\n- Văn phòng UBND tỉnh.\n- Các cơ quan liên quan.",
     ["Sở Nội vụ", "Văn phòng UBND tỉnh", "Các cơ quan liên quan"]),
    ("+ Sở Nội vụ\n+ Sở Tài chính", ["Sở Nội vụ", "Sở Tài chính"]),
    ("1. Sở Nội vụ\n2. Sở Tư pháp", ["Sở Nội vụ", "Sở Tư pháp"]),
    ("- Phòng Văn hóa và Thông tin\n- Trung tâm Văn hóa - Thể thao và Truyền thanh",
     ["Phòng Văn hóa và Thông tin", "Trung tâm Văn hóa - Thể thao và Truyền thanh"]),
    ("Sở Thông tin và\nTruyền thông", ["Sở Thông tin và Truyền thông"]),
    ("Sở Nội\nvụ", ["Sở Nội vụ"]),
    ("Văn phòng\nUBND tỉnh", ["Văn phòng UBND tỉnh"]),
    ("Sở Nội vụ\nSở Tư pháp", ["Sở Nội vụ", "Sở Tư pháp"]),
    ("Sở Nội vụ; Sở Tư pháp;", ["Sở Nội vụ", "Sở Tư pháp"]),
    # case and diacritics as written
    ("SỞ NỘI VỤ; SỞ TƯ PHÁP", ["SỞ NỘI VỤ", "SỞ TƯ PHÁP"]),
    ("So Noi vu va So Tu phap", ["So Noi vu", "So Tu phap"]),
    # labels are dropped from the names
    ("Cơ quan chủ trì: Sở Nội vụ", ["Sở Nội vụ"]),
    ("Phối hợp: Các sở, ban, ngành", ["Các sở, ban, ngành"]),
]


@pytest.mark.parametrize(("cell", "expected"), CELLS, ids=[c[:40] or "<empty>" for c, _ in CELLS])
def test_split_agency_cell(cell: str, expected: list[str]) -> None:
    assert split_agency_cell(cell) == expected


def test_cell_table_is_large_and_distinct() -> None:
    assert len({c for c, _ in CELLS}) == len(CELLS) >= 50


# (lead cell, coordinating cell) -> (lead agencies, coordinating agencies)
ROUTED: list[tuple[str, str, list[str], list[str]]] = [
    ("Chủ trì: Sở Nội vụ; Phối hợp: Sở Tư pháp, Văn phòng UBND tỉnh", "",
     ["Sở Nội vụ"], ["Sở Tư pháp", "Văn phòng UBND tỉnh"]),
    ("Cơ quan chủ trì: Sở Tư pháp. Cơ quan phối hợp: các sở, ban, ngành", "",
     ["Sở Tư pháp"], ["các sở, ban, ngành"]),
    ("Chu tri: So Noi vu; Phoi hop: So Tu phap", "", ["So Noi vu"], ["So Tu phap"]),
    ("Đơn vị chủ trì: Phòng Tư pháp; Đơn vị phối hợp: Phòng Nội vụ, UBND các xã", "",
     ["Phòng Tư pháp"], ["Phòng Nội vụ", "UBND các xã"]),
    ("Chủ trì: Sở Nội vụ\nPhối hợp: Sở Tư pháp", "", ["Sở Nội vụ"], ["Sở Tư pháp"]),
    ("- Cơ quan thực hiện: Phòng Nội vụ; UBND các xã. - Cơ quan phối hợp: Phòng Tư pháp", "",
     ["Phòng Nội vụ", "UBND các xã"], ["Phòng Tư pháp"]),
    ("Chủ trì: Sở Nội vụ; Phối hợp: Sở Tư pháp", "Văn phòng UBND tỉnh",
     ["Sở Nội vụ"], ["Sở Tư pháp", "Văn phòng UBND tỉnh"]),
    ("Sở Nội vụ", "Chủ trì: Sở Tài chính", ["Sở Nội vụ", "Sở Tài chính"], []),
    ("Sở Nội vụ",
     "Đơn vị phối hợp: Phòng Tài chính - Kế hoạch", ["Sở Nội vụ"], ["Phòng Tài chính - Kế hoạch"]),
    ("Sở Nội vụ", "Sở Nội vụ; Sở Tư pháp", ["Sở Nội vụ"], ["Sở Nội vụ", "Sở Tư pháp"]),
    ("Sở Nội vụ; Sở Nội vụ", "", ["Sở Nội vụ"], []),
    ("", "", [], []),
]


@pytest.mark.parametrize(("lead", "coord", "leads", "coords"), ROUTED)
def test_split_agencies_routes_labels(lead: str, coord: str, leads: list[str], coords: list[str]) -> None:
    assert split_agencies(lead, coord) == (leads, coords)


@pytest.mark.parametrize(
    "text",
    [
        "Sở Nội vụ", "các sở, ban, ngành", "Sở, ban, ngành tỉnh", "UBND các huyện, thành phố",
        "Ủy ban nhân dân tỉnh", "Văn phòng", "Thanh tra", "Phòng Tư pháp huyện", "Trung tâm thông tin",
        "Chi cục Văn thư - Lưu trữ", "Công an tỉnh", "Bảo hiểm xã hội tỉnh", "Cục Thuế tỉnh",
        "Kho bạc Nhà nước", "Đài Phát thanh và Truyền hình", "Báo Sơn La", "Bộ Nội vụ",
        "Hội Nông dân tỉnh", "Liên đoàn Lao động", "Tòa án nhân dân tỉnh", "Viện kiểm sát nhân dân",
        "Ngân hàng Nhà nước", "Trường Chính trị", "Bệnh viện đa khoa tỉnh", "Mặt trận Tổ quốc",
        "Tỉnh đoàn", "Hội đồng thẩm định", "Tổ công tác", "Bộ phận Một cửa", "Cơ quan liên quan",
        "Đơn vị cung cấp dịch vụ", "Các xã, phường", "SNV", "STP", "VP. UBND tỉnh", "HĐND tỉnh",
        "BCĐ CCHC tỉnh", "Chủ tịch UBND tỉnh", "Cơ quan phối hợp: Sở Nội vụ", "So Noi vu",
    ],
)
def test_looks_like_agency(text: str) -> None:
    assert looks_like_agency(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "Tham mưu UBND tỉnh ban hành kế hoạch", "Kế hoạch", "Báo cáo", "Báo cáo kết quả",
        "Tháng 12/2021", "Quý I/2021", "Thường xuyên", "Ngân sách tỉnh", "Hội nghị tập huấn",
        "Bộ chỉ số CCHC", "Ban hành kế hoạch", "Phòng họp trực tuyến", "Tổ chức hội nghị",
        "Số 12/KH-UBND", "Quyết định", "Công văn", "Văn bản", "100%", "Nguồn kinh phí thường xuyên",
    ],
)
def test_does_not_look_like_agency(text: str) -> None:
    assert not looks_like_agency(text)


def _gold_tasks() -> list[tuple[str, dict]]:
    return [
        (path.stem, task)
        for path in sorted(GOLD.glob("*.json"))
        for task in json.loads(path.read_text("utf-8")).get("tasks", [])
    ]


def test_every_gold_task() -> None:
    if not GOLD.is_dir():
        pytest.skip(f"no gold answers at {GOLD} (shared/ must sit next to the repository)")
    tasks = _gold_tasks()
    misses = []
    for name, task in tasks:
        leads, coords = split_agencies(task["lead"], task["coordinating"])
        if (norm_list(leads), norm_list(coords)) != (
            norm_list(task["lead_agencies"]),
            norm_list(task["coordinating_agencies"]),
        ):
            misses.append(f"{name} {task.get('section_number')}.{task.get('number')}: "
                          f"{task['lead']!r} | {task['coordinating']!r} -> {leads} | {coords}")
    matched = len(tasks) - len(misses)
    print(f"gold agency lists matched: {matched}/{len(tasks)}")
    assert tasks, "gold files hold no tasks"
    assert not misses, f"{matched}/{len(tasks)} gold tasks match; misses:\n" + "\n".join(misses)


@settings(max_examples=400, deadline=None)
@given(st.text(), st.text())
def test_arbitrary_text_never_raises(lead: str, coord: str) -> None:
    leads, coords = split_agencies(lead, coord)
    for name in [*leads, *coords, *split_agency_cell(lead)]:
        assert isinstance(name, str) and name.strip()
        assert "\ue000" not in name and "\ue001" not in name
    assert isinstance(looks_like_agency(lead), bool)


_GENRE = st.sampled_from(
    ["Sở", "Nội vụ", "và", ",", ";", "-", " - ", "các", "UBND", "cấp", "huyện", "xã", "Phòng", ":",
     "Chủ trì:", "Phối hợp:", "(", ")", "\n", "\n- ", "Văn phòng", "Thể thao", "đơn vị", "cơ quan", " "]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_GENRE, max_size=30))
def test_genre_like_noise_never_raises(parts: list[str]) -> None:
    text = " ".join(parts)
    for name in split_agency_cell(text):
        assert name.strip()
        assert name == name.strip()
