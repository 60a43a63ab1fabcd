"""The import engine on the real plans, scored by the benchmark's own scorer."""

from __future__ import annotations

import importlib.util

import pytest

from dondoc.importer import read_plan

from .conftest import GOLD, SEEDS


def _scorer():
    path = GOLD.parent / "score.py"
    if not path.exists():
        pytest.skip(f"không có {path}")
    spec = importlib.util.spec_from_file_location("par_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def results(gold_plans):
    scorer = _scorer()
    out = {}
    for stem, gold in gold_plans.items():
        path = SEEDS / gold["source"]
        out[stem] = scorer.score(gold, read_plan(path).to_dict())
    return out


# Floors near what the engine reaches now, so a change that loses ground fails. The bar is
# 0.95 for every seed; the PDF-text layout (001: cells wrapped on narrow lines, two cells sharing a
# printed line, rows cut by page breaks) reaches 1.000 with the columns' printed widths, held here at
# 0.97 so that a normaliser's small change elsewhere does not fail it.
FIELD_F1_FLOOR = {"001_9bde7478ca4ccc81": 0.97}


def test_every_seed_field_f1(results):
    for stem, r in results.items():
        assert r["task_f1"] >= 0.95, (stem, r["task_f1"])
        assert r["field_f1"] >= FIELD_F1_FLOOR.get(stem, 0.95), (stem, r["field_f1"])


def test_overall(results):
    matched = sum(r["matched"] for r in results.values())
    gold = sum(r["gold_tasks"] for r in results.values())
    pred = sum(r["pred_tasks"] for r in results.values())
    assert 2 * matched / (gold + pred) >= 0.99


def test_report_periods_exact_where_the_plan_states_them(results):
    assert results["000_78cc5b8dc42351dd"]["report_periods_f1"] == 1.0
    assert results["001_9bde7478ca4ccc81"]["report_periods_f1"] == 1.0
