"""Services and selectors of agencies and plans, on invented data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from dondoc.agencies import selectors as agency_selectors
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency, alias_key
from dondoc.agencies.naming import group_member_level, guess_level, looks_like_group
from dondoc.audit.models import AuditEvent
from dondoc.plans import selectors as plan_selectors
from dondoc.plans import services as plan_services
from dondoc.plans.models import Milestone, Plan, TaskAgency

from .conftest import sample_plan_json

pytestmark = pytest.mark.django_db


def resolver(owner: Agency | None = None) -> Any:
    return lambda name: agency_services.ensure(name, owner=owner)


@pytest.mark.parametrize(("name", "level"), [
    ("Sở Nội vụ", "department"), ("Văn phòng UBND tỉnh", "department"), ("UBND tỉnh", "province"),
    ("Ủy ban nhân dân tỉnh Lâm Viên", "province"), ("UBND huyện Bắc Hà", "district"), ("UBND thị xã Sa Pa", "district"),
    ("UBND xã Tân Lập", "commune"), ("Phòng Cải cách hành chính", "division"), ("Văn phòng Sở", "division"),
    ("Trung tâm Phục vụ hành chính công tỉnh", "unit"), ("Bộ Nội vụ", "central"), ("Hội Nông dân", None),
])
def test_guess_level(name: str, level: str | None) -> None:
    assert guess_level(name) == level


@pytest.mark.parametrize(("name", "group", "member_level"), [
    ("Các sở, ban, ngành tỉnh", True, "department"), ("UBND cấp huyện", True, "district"),
    ("UBND các xã, phường, thị trấn", True, "commune"), ("Các phòng chuyên môn", True, "division"),
    ("Các cơ quan, đơn vị có liên quan", True, None), ("Sở Tư pháp", False, None), ("UBND tỉnh", False, None),
])
def test_group_designations(name: str, group: bool, member_level: str | None) -> None:
    assert looks_like_group(name) is group
    if group:
        assert group_member_level(name) == member_level


def test_alias_key_reads_spelled_out_names_and_punctuation() -> None:
    assert alias_key("Ủy ban nhân dân tỉnh") == alias_key("UBND tỉnh")
    assert alias_key("Các sở, ban, ngành") == alias_key("các Sở ban ngành")
    assert alias_key("VP. UBND tỉnh") == alias_key("Văn phòng UBND tỉnh")


def test_accent_free_search_and_aliases(agencies: dict[str, Agency]) -> None:
    found = list(agency_selectors.search("so noi vu"))
    assert agencies["home"] in found and agencies["justice"] not in found
    agency_services.add_alias(agencies["home"], "SNV")
    assert list(agency_selectors.search("snv")) == [agencies["home"]]
    assert agency_services.find("snv") == agencies["home"]
    with pytest.raises(ValidationError):
        agency_services.add_alias(agencies["justice"], "SNV")
    assert AuditEvent.objects.filter(action="agency.alias").count() == 1


def test_group_members_by_level_and_by_name(agencies: dict[str, Agency]) -> None:
    group = agency_services.create_agency("Các sở, ban, ngành tỉnh", parent=agencies["province"])
    assert group.is_group and group.member_level.code == "department"
    members = set(agency_selectors.members_of(group))
    assert {agencies["home"], agencies["justice"], agencies["finance"]} <= members
    assert agencies["district"] not in members
    agency_services.set_members(group, [agencies["district"]])
    assert agencies["district"] in set(agency_selectors.members_of(group))
    with pytest.raises(ValidationError):
        agency_services.set_members(agencies["home"], [agencies["justice"]])


def test_create_agency_refuses_duplicates_and_blank(agencies: dict[str, Agency]) -> None:
    with pytest.raises(ValidationError):
        agency_services.create_agency("sở nội vụ")
    with pytest.raises(ValidationError):
        agency_services.create_agency("   ")


def test_store_plan_keeps_raw_and_normalised(agencies: dict[str, Agency], users: dict[str, Any]) -> None:
    plan = plan_services.store_plan(sample_plan_json(), resolve=resolver(agencies["province"]),
                                    owner=agencies["province"], actor=users["standing"])
    assert (plan.number, plan.year, plan.issued_date) == ("12/KH-UBND", 2025, date(2024, 12, 20))
    first, second = plan_selectors.tasks_of(plan)
    assert first.lead_text == "Sở Tư pháp" and first.section.area == "the_che"
    assert first.lead_agency_ids() == {agencies["justice"].pk}
    assert [m.due_date for m in first.milestones.all()] == [date(2025, 6, 30)]
    kinds = {m.kind for m in second.milestones.all()}
    assert kinds == {Milestone.Kind.RECURRING, Milestone.Kind.CONTINUOUS}
    group = TaskAgency.objects.get(task=second, role="coordinating").agency
    assert group.is_group and group.name == "Các sở, ban, ngành tỉnh"
    assert plan.targets.get().value == 98 and plan.report_periods.get().submit_by == date(2025, 3, 14)
    assert AuditEvent.objects.filter(action="plan.create", object_id=str(plan.pk)).exists()


def test_store_plan_update_keeps_matching_tasks(agencies: dict[str, Agency], users: dict[str, Any]) -> None:
    data = sample_plan_json()
    plan = plan_services.store_plan(data, resolve=resolver(), owner=agencies["province"], actor=users["standing"])
    ids = list(plan.tasks.order_by("order").values_list("pk", flat=True))
    data["tasks"][1]["deadline"] = "Quý IV/2025"
    data["tasks"].append({**data["tasks"][0], "number": "3", "content": "Nhiệm vụ mới thêm"})
    again = plan_services.store_plan(data, resolve=resolver(), owner=agencies["province"], actor=users["standing"],
                                     replaces=plan)
    assert again.pk == plan.pk and Plan.objects.count() == 1
    new_ids = list(again.tasks.order_by("order").values_list("pk", flat=True))
    assert new_ids[:2] == ids and len(new_ids) == 3
    assert again.tasks.get(pk=ids[1]).deadline_text == "Quý IV/2025"


def test_cascade_and_parent_link_suggestions(agencies: dict[str, Agency], users: dict[str, Any]) -> None:
    parent = plan_services.store_plan(sample_plan_json(), resolve=resolver(), owner=agencies["province"],
                                      actor=users["standing"])
    own = plan_services.cascade_plan(parent, agencies["justice"], actor=users["focal"])
    assert own.parent == parent and own.owner == agencies["justice"]
    task = own.tasks.get()
    assert task.parent_task.plan == parent and task.milestones.count() == 1
    # a department's own plan imported separately: its tasks are matched to the parent's by their text
    child_json = sample_plan_json()
    child_json["tasks"][0]["content"] = "Rà soát các văn bản quy phạm pháp luật của tỉnh năm 2025"
    child_json["tasks"][1]["content"] = "Tổ chức hội nghị tập huấn về chuyển đổi số"
    child = plan_services.store_plan(child_json, resolve=resolver(), owner=agencies["justice"], actor=users["focal"],
                                     parent=parent)
    suggestions = plan_services.suggest_parent_links(child, parent)
    matched = {t.content: p.content for t, p, _ in suggestions}
    assert matched == {child_json["tasks"][0]["content"]: sample_plan_json()["tasks"][0]["content"]}
    task_a = child.tasks.get(number="1")
    assert plan_services.link_parent_tasks(child, {task_a.pk: suggestions[0][1].pk}, actor=users["focal"]) == 1
    foreign = own.tasks.get()  # not a task of the parent plan: refused silently
    task_b = child.tasks.get(number="2")
    assert plan_services.link_parent_tasks(child, {task_b.pk: foreign.pk}, actor=users["focal"]) == 0


def test_plan_filters_and_accent_free_task_search(agencies: dict[str, Agency], users: dict[str, Any]) -> None:
    plan = plan_services.store_plan(sample_plan_json(), resolve=resolver(), owner=agencies["province"],
                                    actor=users["standing"])
    assert list(plan_selectors.plans(query="cai cach hanh chinh 2025")) == [plan]
    assert list(plan_selectors.plans(year=2024)) == []
    assert list(plan_selectors.plans(area="the_che")) == [plan]
    assert [t.number for t in plan_selectors.search_tasks("ra soat van ban")] == ["1"]
    leads = {r["agency__name"]: r["lead"] for r in plan_selectors.leads_summary(plan)}
    assert leads["Sở Tư pháp"] == 1 and leads["Sở Nội vụ"] == 1
    assert plan_selectors.timeline(plan) == [{"month": date(2025, 6, 1), "count": 1}]


def test_update_agency_audits_old_and_new_and_keeps_old_name(agencies: dict[str, Agency]) -> None:
    home = agencies["home"]
    home.name = "Sở Nội vụ tỉnh Hòa Bình Xanh"  # as a bound ModelForm leaves the instance
    agency_services.update_agency(home, {"name": "Sở Nội vụ tỉnh Hòa Bình Xanh"})
    event = AuditEvent.objects.filter(action="agency.update").get()
    assert event.changes == {"name": ["Sở Nội vụ", "Sở Nội vụ tỉnh Hòa Bình Xanh"]}
    assert agency_services.find("Sở Nội vụ") == home == agency_services.find("so noi vu tinh hoa binh xanh")


@pytest.mark.parametrize(("name", "short"), [
    ("Sở Tư pháp tỉnh Lâm Viên", "Sở Tư pháp"), ("Sở Thông tin và Truyền thông tỉnh Bà Rịa - Vũng Tàu",
                                                 "Sở Thông tin và Truyền thông"),
    ("Phòng Nội vụ huyện Bắc Hà", "Phòng Nội vụ"), ("Ủy ban nhân dân tỉnh Lâm Viên", None), ("Sở Tư pháp", None),
])
def test_issuer_without_locality(name: str, short: str | None) -> None:
    from dondoc.agencies.naming import without_locality

    assert without_locality(name) == short
