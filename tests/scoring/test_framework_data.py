"""The PAR-Index frameworks dondoc ships as JSON: each loads, adds up and has the shape its decision describes; and
`parse` refuses a tampered copy (pure Python, no database)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.indicators.metrics import METRIC_BY_CODE
from dondoc.scoring.frameworks import RULES, FrameworkError, FrameworkSpec, Node, load, parse, problems, shipped

PROVINCE_876 = "bnv-876-2022-tinh.json"
DEPARTMENT = "tinh-so-nganh.json"
DISTRICT = "tinh-huyen-xa.json"
SHIPPED = {path.name: path for path in shipped()}


def raw(name: str) -> dict[str, Any]:
    return json.loads(SHIPPED[name].read_text("utf-8"))


def spec(name: str) -> FrameworkSpec:
    return load(SHIPPED[name])


def find(areas: list[dict[str, Any]], code: str) -> dict[str, Any]:
    for node in areas:
        if node["code"] == code:
            return node
        if node.get("children"):
            try:
                return find(node["children"], code)
            except KeyError:
                pass
    raise KeyError(code)


def a_leaf(data: dict[str, Any], rule: str | None = None) -> dict[str, Any]:
    """The first leaf (with the given rule) of the raw tree, depth first."""
    stack = list(reversed(data["areas"]))
    while stack:
        node = stack.pop()
        if node.get("children"):
            stack.extend(reversed(node["children"]))
        elif rule is None or node.get("rule") == rule:
            return node
    raise LookupError(rule)


# --- every shipped file -------------------------------------------------------------------------------------------


def test_the_three_frameworks_are_shipped() -> None:
    assert {PROVINCE_876, DEPARTMENT, DISTRICT} <= set(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_loads_without_problems(name: str) -> None:
    loaded = spec(name)
    assert problems(loaded) == []
    assert loaded.code and loaded.name and loaded.source and loaded.notes
    assert loaded.year >= 2022


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_codes_are_unique_and_follow_the_tree(name: str) -> None:
    loaded = spec(name)
    codes = [node.code for node in loaded.nodes()]
    assert len(codes) == len(set(codes))
    assert [area.code for area in loaded.areas] == [str(i) for i in range(1, len(loaded.areas) + 1)]

    def check(node: Node) -> None:
        assert node.code.count(".") == node.depth - 1
        for position, child in enumerate(node.children, start=1):
            assert child.code == f"{node.code}.{position}"
            check(child)

    for area in loaded.areas:
        check(area)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_points_add_up(name: str) -> None:
    loaded = spec(name)
    assert sum((area.max_points for area in loaded.areas), Decimal(0)) == loaded.total_points
    for node in loaded.nodes():
        assert node.max_points > 0, node.code
        if node.children:
            assert sum((child.max_points for child in node.children), Decimal(0)) == node.max_points, node.code
    survey = sum((leaf.max_points for leaf in loaded.leaves() if leaf.rule == "survey"), Decimal(0))
    assert survey == loaded.survey_points
    assert 0 < loaded.survey_points < loaded.total_points


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_leaves_are_scoreable(name: str) -> None:
    for leaf in spec(name).leaves():
        assert leaf.title, leaf.code
        assert leaf.rule in RULES, leaf.code
        assert leaf.guide, leaf.code
        assert leaf.depth in (2, 3), leaf.code
        if leaf.rule == "survey":
            assert not leaf.self_assessed, leaf.code
        else:
            assert leaf.evidence_hint, leaf.code
        if leaf.rule == "metric":
            assert leaf.params["metric"] in METRIC_BY_CODE, leaf.code
            bands = leaf.params.get("bands")
            if bands:
                assert all(Decimal(str(band["points"])) <= leaf.max_points for band in bands), leaf.code
                assert Decimal(str(bands[0]["points"])) == leaf.max_points, leaf.code
            else:
                assert "zero_at" in leaf.params and "full_at" in leaf.params, leaf.code
        if leaf.rule == "tasks":
            assert leaf.params.get("area", "") in ("", *AREA_NAMES), leaf.code
    for node in spec(name).nodes():
        assert node.title, node.code


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_one_stop_shop_rates_are_metrics(name: str) -> None:
    metrics = {leaf.params["metric"] for leaf in spec(name).leaves() if leaf.rule == "metric"}
    assert {"on_time_rate", "online_rate", "dossier_digitised_rate", "result_digitised_rate",
            "apology_rate", "satisfaction_rate"} <= metrics


# --- the provincial set of Quyết định 876/QĐ-BNV ------------------------------------------------------------------


def test_876_has_the_shape_of_the_decision() -> None:
    loaded = spec(PROVINCE_876)
    assert loaded.level == "province"
    assert loaded.count_at(1) == 8
    assert loaded.count_at(2) == 37
    assert loaded.count_at(3) == 88
    assert loaded.total_points == Decimal(100)
    assert loaded.survey_points == Decimal(32)
    assert "876/QĐ-BNV" in loaded.source and "10/11/2022" in loaded.source
    assert "CHƯA XÁC NHẬN" in loaded.notes


def test_876_area_titles() -> None:
    titles = [area.title for area in spec(PROVINCE_876).areas]
    assert titles[0].startswith("Công tác chỉ đạo, điều hành")
    assert "văn bản quy phạm pháp luật" in titles[1]
    assert titles[2] == "Cải cách thủ tục hành chính"
    assert titles[3] == "Cải cách tổ chức bộ máy hành chính nhà nước"
    assert titles[4] == "Cải cách chế độ công vụ"
    assert titles[5] == "Cải cách tài chính công"
    assert "Chính quyền điện tử, Chính quyền số" in titles[6]
    assert titles[7].startswith("Tác động của cải cách hành chính")


def test_876_survey_weighs_on_the_impact_area() -> None:
    loaded = spec(PROVINCE_876)
    impact = loaded.areas[7]
    survey_in_impact = sum((leaf.max_points for leaf in impact.walk() if not leaf.children and leaf.rule == "survey"),
                           Decimal(0))
    assert survey_in_impact > impact.max_points / 2


def test_876_leaves_scored_by_the_centre_are_not_self_assessed() -> None:
    loaded = spec(PROVINCE_876)
    central = [leaf for leaf in loaded.leaves() if not leaf.self_assessed and leaf.rule != "survey"]
    assert central, "the quality of legal documents is checked by the Ministry of Justice"
    for leaf in central:
        assert "Bộ Tư pháp" in leaf.guide or "Bộ Nội vụ" in leaf.guide, leaf.code


# --- the provincial department and district sets ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "level"), [(DEPARTMENT, "department"), (DISTRICT, "district")])
def test_provincial_sets(name: str, level: str) -> None:
    loaded = spec(name)
    assert loaded.level == level
    assert len(loaded.areas) == 8
    assert loaded.total_points == Decimal(100)
    assert Decimal(20) <= loaded.survey_points <= Decimal(30)
    assert "Mô phỏng theo (không sao chép)" in loaded.source
    assert any(leaf.may_be_na for leaf in loaded.leaves())


def test_department_tthc_leaves_may_be_not_applicable() -> None:
    tthc = spec(DEPARTMENT).areas[2]
    assert all(leaf.may_be_na for leaf in tthc.walk() if not leaf.children)


def test_district_set_says_how_communes_use_it() -> None:
    loaded = spec(DISTRICT)
    assert "commune" in loaded.notes
    assert any("Cấp xã: không áp dụng" in leaf.guide and leaf.may_be_na for leaf in loaded.leaves())


# --- parse refuses tampered copies --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_round_trip_through_parse(name: str) -> None:
    assert parse(raw(name)).count_at(3) == spec(name).count_at(3)


def test_a_changed_child_max_is_refused_with_its_parent_code() -> None:
    data = copy.deepcopy(raw(PROVINCE_876))
    find(data["areas"], "1.1.1")["max"] = 0.75
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert "1.1:" in str(caught.value)


def test_an_area_max_that_breaks_the_total_is_refused() -> None:
    data = copy.deepcopy(raw(DEPARTMENT))
    area = data["areas"][5]
    area["children"][-1]["max"] += 1
    area["max"] += 1
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert "Tổng điểm các lĩnh vực" in str(caught.value)


def test_a_survey_leaf_turned_manual_breaks_the_survey_total() -> None:
    data = copy.deepcopy(raw(DISTRICT))
    a_leaf(data, "survey")["rule"] = "manual"
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert "điều tra xã hội học" in str(caught.value)


def test_an_unknown_metric_is_refused() -> None:
    data = copy.deepcopy(raw(PROVINCE_876))
    leaf = a_leaf(data, "metric")
    leaf["params"]["metric"] = "happiness_rate"
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert leaf["code"] in str(caught.value) and "happiness_rate" in str(caught.value)


def test_a_metric_without_bands_is_refused() -> None:
    data = copy.deepcopy(raw(DEPARTMENT))
    leaf = a_leaf(data, "metric")
    leaf["params"] = {"metric": leaf["params"]["metric"]}
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert leaf["code"] in str(caught.value)


def test_a_leaf_without_a_rule_is_refused() -> None:
    data = copy.deepcopy(raw(PROVINCE_876))
    leaf = a_leaf(data)
    del leaf["rule"]
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert leaf["code"] in str(caught.value)


def test_an_unknown_task_area_is_refused() -> None:
    data = copy.deepcopy(raw(DISTRICT))
    leaf = a_leaf(data, "tasks")
    leaf["params"]["area"] = "khong_co"
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert leaf["code"] in str(caught.value)


def test_a_repeated_code_is_refused() -> None:
    data = copy.deepcopy(raw(PROVINCE_876))
    find(data["areas"], "1.2.2")["code"] = "1.2.1"
    with pytest.raises(FrameworkError) as caught:
        parse(data)
    assert "1.2.1 lặp lại" in str(caught.value)


def test_a_missing_field_is_refused() -> None:
    data = copy.deepcopy(raw(DEPARTMENT))
    del data["total_points"]
    with pytest.raises(FrameworkError):
        parse(data)


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "hong.json"
    broken.write_text("{", "utf-8")
    with pytest.raises(FrameworkError):
        load(broken)
