from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "benchmark" / "gold"


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.fixture(scope="session")
def gold_plans() -> dict[str, dict]:
    if not GOLD.is_dir():
        pytest.skip(f"không có thư mục đáp án chuẩn {GOLD} (shared/ phải nằm cạnh kho mã)")
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))}
