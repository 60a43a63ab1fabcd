from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dondoc.accounts.models import Role, User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency

from .browser import browser, page  # noqa: F401 - the browser tests' fixtures

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "benchmark" / "gold"
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.DONDOC_DOSSIER_DIR = tmp_path / "dossiers"


def docx_lines(content: bytes) -> tuple[Any, list[str]]:
    """A generated DOCX opened with python-docx: the document, and every paragraph's text (table cells included)."""
    import io

    from docx import Document

    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return document, lines


def seed(name_prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"không có thư mục văn bản mẫu {SEEDS} (shared/ phải nằm cạnh kho mã)")
    found = sorted(SEEDS.glob(f"{name_prefix}*"))
    if not found:
        pytest.skip(f"không có văn bản mẫu {name_prefix}* trong {SEEDS}")
    return found[0]


def gold(name_prefix: str) -> dict[str, Any]:
    if not GOLD.is_dir():
        pytest.skip(f"không có thư mục đáp án chuẩn {GOLD}")
    return json.loads(sorted(GOLD.glob(f"{name_prefix}*.json"))[0].read_text("utf-8"))


@pytest.fixture
def agencies(db: Any) -> dict[str, Agency]:
    """A small province: its people's committee, three departments, a district."""
    province = agency_services.create_agency("Ủy ban nhân dân tỉnh Hòa Bình Xanh")
    out = {"province": province}
    for code, name in [("home", "Sở Nội vụ"), ("justice", "Sở Tư pháp"), ("finance", "Sở Tài chính")]:
        out[code] = agency_services.create_agency(name, parent=province)
    out["district"] = agency_services.create_agency("UBND huyện Mường Xanh", parent=province)
    return out


def make_user(username: str, role: str, agency: Agency | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, agency=agency,
                                    is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    return user


@pytest.fixture
def users(agencies: dict[str, Agency]) -> dict[str, User]:
    """One user per role; the focal officer and leader belong to Sở Tư pháp, a second focal officer to Sở Tài chính."""
    return {
        "admin": make_user("quantri", Role.ADMIN, agencies["home"]),
        "standing": make_user("thuongtruc", Role.STANDING, agencies["home"]),
        "focal": make_user("daumoi", Role.FOCAL, agencies["justice"]),
        "leader": make_user("lanhdao", Role.LEADER, agencies["justice"]),
        "viewer": make_user("nguoixem", Role.VIEWER, agencies["finance"]),
        "other_focal": make_user("daumoi2", Role.FOCAL, agencies["finance"]),
    }


def sample_plan_json(lead: str = "Sở Tư pháp", coordinating: str = "Sở Nội vụ") -> dict[str, Any]:
    """A two-task plan in Plan JSON (SCHEMA.md), invented for the tests."""
    task = {"section_number": "I", "section_title": "CẢI CÁCH THỂ CHẾ", "area": "the_che", "subsection": None,
            "output": "Kế hoạch", "funding": "", "note": "", "source_row": 10, "warnings": []}
    return {
        "source": "ke-hoach-thu.txt",
        "document": {"number": "12/KH-UBND", "kind": "Kế hoạch", "issuer": "Ủy ban nhân dân tỉnh Hòa Bình Xanh",
                     "place": "Hòa Bình Xanh", "issued_date": "2024-12-20", "signer": "Nguyễn Văn A",
                     "title": "Kế hoạch cải cách hành chính năm 2025", "plan_year": 2025},
        "report_periods": [{"name": "Quý I/2025", "data_from": "2024-12-15", "data_to": "2025-03-14",
                            "submit_by": "2025-03-14"}],
        "targets": [{"text": "Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%", "value": 98, "unit": "%",
                     "comparator": ">="}],
        "tasks": [
            {**task, "number": "1", "content": "Rà soát văn bản quy phạm pháp luật của tỉnh", "lead": lead,
             "coordinating": coordinating, "deadline": "Quý II/2025", "lead_agencies": [lead],
             "coordinating_agencies": [coordinating],
             "schedule": {"due_dates": ["2025-06-30"], "recurrence": [], "continuous": False, "conditional": False}},
            {**task, "number": "2", "content": "Kiểm tra công tác cải cách hành chính tại các huyện",
             "lead": "Sở Nội vụ", "coordinating": "Các sở, ban, ngành tỉnh", "deadline": "Thường xuyên",
             "lead_agencies": ["Sở Nội vụ"], "coordinating_agencies": ["Các sở, ban, ngành tỉnh"],
             "schedule": {"due_dates": [], "recurrence": ["quarterly"], "continuous": True, "conditional": False}},
        ],
        "warnings": [],
    }
