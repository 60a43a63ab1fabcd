from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles (test_fuzz_hypothesis.py scales its examples from the loaded one):
# "ci" keeps Hypothesis's 100 examples per property with no per-example deadline (a loaded CI
# machine is not a slow property); "long" is for a fuzzing session: DONDOC_HYPOTHESIS_PROFILE=long.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("long", settings.get_profile("ci"), max_examples=5_000)
settings.load_profile(os.environ.get("DONDOC_HYPOTHESIS_PROFILE", "ci"))

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
