"""Reform area of section titles: varied headings of the genre, every gold task, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer.model import AREAS
from dondoc.importer.normalise.area import area_of

GOLD = Path(__file__).resolve().parents[3] / "shared" / "benchmark" / "gold"

TITLES: list[tuple[str | None, str | None]] = [
    # direction, propaganda, inspection
    ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "chi_dao"),
    ("I. Công tác chỉ đạo điều hành cải cách hành chính", "chi_dao"),
    ("Lãnh đạo, chỉ đạo, điều hành cải cách hành chính", "chi_dao"),
    ("tuyên truyền", "chi_dao"),
    ("CÔNG TÁC TUYÊN TRUYỀN", "chi_dao"),
    ("Thông tin, tuyên truyền về cải cách hành chính", "chi_dao"),
    ("Đẩy mạnh tuyên truyền CCHC", "chi_dao"),
    ("Công tác kiểm tra cải cách hành chính", "chi_dao"),
    # institutions
    ("CẢI CÁCH THỂ CHẾ", "the_che"),
    ("CÁC NHIỆM VỤ TRỌNG TÂM VỀ CẢI CÁCH THỂ CHẾ NĂM 2023", "the_che"),
    ("Hoàn thiện thể chế", "the_che"),
    ("II - Xây dựng và hoàn thiện hệ thống văn bản quy phạm pháp luật", "the_che"),
    # procedures
    ("2. Cải cách thủ tục hành chính", "tthc"),
    ("cai cach thu tuc hanh chinh", "tthc"),
    ("THỦ TỤC HÀNH CHÍNH", "tthc"),
    ("Đẩy mạnh cải cách TTHC, nâng cao chất lượng giải quyết hồ sơ", "tthc"),
    # organisation
    ("Phần III: CẢI CÁCH TỔ CHỨC BỘ MÁY", "to_chuc_bo_may"),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", "to_chuc_bo_may"),
    ("Sắp xếp, kiện toàn tổ chức bộ máy", "to_chuc_bo_may"),
    # civil service
    ("cải cách chế độ công vụ", "cong_vu"),
    ("CẢI CÁCH CÔNG VỤ, CÔNG CHỨC", "cong_vu"),
    ("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", "cong_vu"),
    # public finance
    ("PHỤ LỤC V - CẢI CÁCH TÀI CHÍNH CÔNG", "tai_chinh_cong"),
    ("Đổi mới cơ chế quản lý tài chính", "tai_chinh_cong"),
    # e-government / digital government
    ("Chính phủ điện tử", "chinh_quyen_so"),
    ("XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH PHỦ ĐIỆN TỬ", "chinh_quyen_so"),
    ("CHÍNH QUYỀN SỐ", "chinh_quyen_so"),
    ("chuyển đổi số", "chinh_quyen_so"),
    ("VI. Xây dựng chính quyền điện tử, chính quyền số", "chinh_quyen_so"),
    ("Hiện đại hóa hành chính", "chinh_quyen_so"),
    ("Ứng dụng công nghệ thông tin", "chinh_quyen_so"),
    ("Đẩy mạnh chuyển đổi số, xây dựng chính quyền số", "chinh_quyen_so"),
    # not a reform area, or an area's words used for another subject (one-stop-shop plans)
    ("ĐẢM BẢO NGUỒN LỰC VÀ CÁC ĐIỀU KIỆN CẦN THIẾT ĐỂ TRIỂN KHAI THỰC HIỆN", None),
    ("Triển khai thực hiện số hóa hồ sơ trong tiếp nhận, giải quyết thủ tục hành chính", None),
    ("Lưu trữ điện tử đối với hồ sơ TTHC", None),
    ("Ban hành các văn bản chỉ đạo triển khai", None),
    ("Tuyên truyền, phổ biến cơ chế một cửa, một cửa liên thông", None),
    ("Tổ chức tập huấn nghiệp vụ", None),
    ("Cải cách hành chính", None),
    ("Tổ chức thực hiện", None),
    ("Kinh phí thực hiện", None),
    ("Nhiệm vụ khác", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("title", "area"), TITLES)
def test_title(title: str | None, area: str | None) -> None:
    assert area_of(title) == area


def test_titles_are_many() -> None:
    assert len(TITLES) >= 25


def test_every_gold_area() -> None:
    if not GOLD.is_dir() or not any(GOLD.glob("*.json")):
        pytest.skip(f"gold files not found at {GOLD}")
    misses, total = [], 0
    for path in sorted(GOLD.glob("*.json")):
        for task in json.loads(path.read_text(encoding="utf-8"))["tasks"]:
            total += 1
            got = area_of(task["section_title"])
            if got != task["area"]:
                misses.append(f"{path.stem} {task['section_title']!r}: got {got}, gold {task['area']}")
    assert not misses, f"{len(misses)}/{total} gold areas differ:\n" + "\n".join(sorted(set(misses)))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises(title: str) -> None:
    assert area_of(title) in (*AREAS, None)
