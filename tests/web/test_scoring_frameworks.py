"""PAR-Index frameworks through the app: install a shipped framework for a year, read its tree with each leaf's
rule in words, copy it to a new year or level, edit, add and delete criteria (totals follow), refuse edits once an
agency has sent its self-assessment; only managers write; the `load_frameworks` command."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dondoc.scoring import frameworks as shipped_frameworks
from dondoc.scoring import services
from dondoc.scoring.forms_frameworks import bands_text, parse_bands
from dondoc.scoring.models import Assessment, Criterion, Framework

pytestmark = pytest.mark.django_db

# A small framework invented for these tests: two areas, a three-level branch, every rule.
SAMPLE: dict[str, Any] = {
    "code": "par-thu", "name": "Chỉ số CCHC thử nghiệm của sở", "level": "department", "year": 2024,
    "source": "Quyết định số 1/QĐ-THU (thử nghiệm)", "total_points": 10, "survey_points": 2,
    "areas": [
        {"code": "1", "title": "Công tác chỉ đạo, điều hành", "max": 4, "children": [
            {"code": "1.1", "title": "Kế hoạch cải cách hành chính", "max": 2, "children": [
                {"code": "1.1.1", "title": "Ban hành kế hoạch kịp thời", "max": 1, "rule": "manual",
                 "guide": "Ban hành trước ngày 15/12: 1 điểm.", "evidence": "Kế hoạch CCHC năm"},
                {"code": "1.1.2", "title": "Hoàn thành nhiệm vụ chỉ đạo, điều hành", "max": 1, "rule": "tasks",
                 "params": {"area": "chi_dao"}}]},
            {"code": "1.2", "title": "Giải quyết hồ sơ đúng hạn", "max": 2, "rule": "metric",
             "params": {"metric": "on_time_rate", "bands": [{"min": 100, "points": 2}, {"min": 95, "points": 1}]}}]},
        {"code": "2", "title": "Sự hài lòng của người dân", "max": 6, "children": [
            {"code": "2.1", "title": "Thời gian giải quyết", "max": 4, "rule": "metric", "may_be_na": True,
             "params": {"metric": "avg_processing_days", "zero_at": 10, "full_at": 5}},
            {"code": "2.2", "title": "Điều tra xã hội học", "max": 2, "rule": "survey"}]},
    ],
}


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shipped-frameworks folder holding the sample framework."""
    folder = tmp_path / "bo-chi-so"
    folder.mkdir()
    write(folder, "par-thu.json", SAMPLE)
    monkeypatch.setattr(shipped_frameworks, "DATA_DIR", folder)
    return folder


@pytest.fixture
def framework(users: dict[str, Any]) -> Framework:
    return services.install_framework(shipped_frameworks.parse(copy.deepcopy(SAMPLE)), year=2025,
                                      actor=users["standing"])


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def crit(framework: Framework, code: str) -> Criterion:
    return Criterion.objects.get(framework=framework, code=code)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def leaf_post(criterion: Criterion, **changes: Any) -> dict[str, Any]:
    """The criterion form as a leaf's page posts it, with `changes`."""
    data = {"code": criterion.code, "title": criterion.title, "max_points": str(criterion.max_points),
            "rule": criterion.rule, "metric": criterion.params.get("metric", ""), "mode": "bands",
            "bands": bands_text(criterion.params.get("bands") or []), "zero_at": "", "full_at": "",
            "area": criterion.params.get("area", ""), "guide": criterion.guide,
            "evidence_hint": criterion.evidence_hint, "self_assessed": "on" if criterion.self_assessed else ""}
    if criterion.may_be_na:
        data["may_be_na"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_url(criterion: Criterion) -> str:
    return reverse("criterion_edit", args=[criterion.framework_id, criterion.pk])


# --- install ------------------------------------------------------------------------------------------------------

def test_install_from_the_page_saves_the_tree_with_its_totals(shipped: Path, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    page = client.get(reverse("frameworks")).content.decode()
    assert "Cài bộ chỉ số có sẵn" in page and 'value="par-thu.json"' in page
    assert "Chỉ số CCHC thử nghiệm của sở" in page

    response = client.post(reverse("framework_install"), {"file": "par-thu.json", "year": "2025"})
    framework = Framework.objects.get(code="par-thu", year=2025)
    assert response.status_code == 302 and response.url == reverse("framework_detail", args=[framework.pk])
    assert framework.total_points == Decimal(10) and framework.survey_points == Decimal(2)
    assert framework.level == "department" and framework.source.startswith("Quyết định số 1")
    assert [c.code for c in framework.criteria.order_by("order")] == [
        "1", "1.1", "1.1.1", "1.1.2", "1.2", "2", "2.1", "2.2"]
    assert crit(framework, "1.1").max_points == Decimal(2) and crit(framework, "1.1").rule == ""
    assert crit(framework, "1.1.1").depth == 3 and crit(framework, "1.1.1").parent == crit(framework, "1.1")

    listing = client.get(reverse("frameworks"))
    row = next(r for r in listing.context["rows"] if r.framework == framework)
    assert (row.areas, row.criteria, row.subcriteria, row.leaves) == (2, 4, 2, 5)
    assert (row.total, row.survey, row.level_name) == ("10", "2", "Sở, ban, ngành cấp tỉnh")
    assert "Năm 2025" in listing.content.decode() and "đang dùng" in listing.content.decode()

    detail = client.get(response.url)
    html = detail.content.decode()
    assert ("Theo chỉ số: Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn — 100% trở lên: 2 điểm; từ 95%: 1 điểm; "
            "dưới 95%: 0 điểm") in html
    assert "Theo chỉ số: Thời gian giải quyết trung bình — giá trị từ 10 ngày (0 điểm) đến 5 ngày (tối đa)" in html
    assert "Theo tỷ lệ nhiệm vụ lĩnh vực công tác chỉ đạo, điều hành hoàn thành đúng hạn" in html
    assert "Điều tra xã hội học" in html and "Tự chấm" in html
    assert "có thể không áp dụng" in html and "Hội đồng chấm" in html
    assert "Ban hành trước ngày 15/12: 1 điểm." in html and "Kế hoạch CCHC năm" in html
    assert detail.context["totals"].total_ok and detail.context["totals"].survey_ok
    assert "khớp tổng các lĩnh vực (10)" in html
    assert [n.criterion.code for n in detail.context["nodes"]][:3] == ["1", "1.1", "1.1.1"]
    assert 'class="depth-3' in html and '<td class="indent">' in html  # indented by its depth (app.css)
    assert "Thêm lĩnh vực" in html and "Thêm mục con" in html


def test_install_twice_or_a_bad_file_is_refused_in_vietnamese(shipped: Path, users: dict[str, Any]) -> None:
    client = signed_in(users["admin"])
    url = reverse("framework_install")
    client.post(url, {"file": "par-thu.json", "year": "2025"})
    response = client.post(url, {"file": "par-thu.json", "year": "2025"}, follow=True)
    assert Framework.objects.filter(code="par-thu").count() == 1
    assert any("năm 2025 đã có" in m for m in messages_of(response))

    # another year is another framework
    client.post(url, {"file": "par-thu.json", "year": "2026"})
    assert Framework.objects.filter(code="par-thu").count() == 2

    broken = copy.deepcopy(SAMPLE)
    broken["code"], broken["total_points"] = "par-hong", 12
    write(shipped, "par-hong.json", broken)
    response = client.post(url, {"file": "par-hong.json", "year": "2025"}, follow=True)
    assert not Framework.objects.filter(code="par-hong").exists()
    assert any("Tổng điểm các lĩnh vực 10 khác tổng điểm 12" in m for m in messages_of(response))

    response = client.post(url, {"file": "../../settings.py", "year": "2025"}, follow=True)
    assert any("Chưa cài được" in m for m in messages_of(response))
    response = client.post(url, {"file": "par-thu.json", "year": "năm nay"}, follow=True)
    assert any("Năm đánh giá" in m for m in messages_of(response))


def test_the_list_works_without_any_shipped_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 users: dict[str, Any]) -> None:
    monkeypatch.setattr(shipped_frameworks, "DATA_DIR", tmp_path)
    html = signed_in(users["standing"]).get(reverse("frameworks")).content.decode()
    assert "Chưa có bộ chỉ số nào đi kèm phần mềm" in html and "Chưa có bộ chỉ số nào." in html


# --- copy ---------------------------------------------------------------------------------------------------------

def test_copy_to_the_next_year_and_to_another_level(framework: Framework, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    url = reverse("framework_copy", args=[framework.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["year"] == 2026 and form.context["form"].initial["level"] == "department"

    response = client.post(url, {"year": "2026", "level": "department", "name": ""})
    copied = Framework.objects.get(code="par-thu", year=2026)
    assert response.status_code == 302 and response.url == reverse("framework_detail", args=[copied.pk])
    assert copied.copied_from == framework and copied.name == framework.name and copied.level == "department"
    assert copied.total_points == framework.total_points and copied.survey_points == framework.survey_points

    def shape(f: Framework) -> list[tuple[Any, ...]]:
        return [(c.code, c.parent.code if c.parent else None, c.depth, c.max_points, c.rule, c.params, c.guide)
                for c in f.criteria.select_related("parent").order_by("order")]

    assert shape(copied) == shape(framework)

    response = client.post(url, {"year": "2025", "level": "district", "name": "Chỉ số CCHC cấp huyện thử nghiệm"})
    district = Framework.objects.get(year=2025, level="district")
    assert district.code == "par-thu-district" and district.name == "Chỉ số CCHC cấp huyện thử nghiệm"
    assert shape(district) == shape(framework) and district.copied_from == framework

    again = client.post(url, {"year": "2026", "level": "department", "name": ""})
    assert again.status_code == 200 and "Năm 2026 đã có bộ chỉ số mã “par-thu”." in again.content.decode()
    bad = client.post(url, {"year": "", "level": "tinh-moi", "name": ""})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"year", "level"}
    assert Framework.objects.count() == 3

    detail = client.get(reverse("framework_detail", args=[copied.pk])).content.decode()
    assert "Sao chép từ" in detail


# --- edit, add, delete --------------------------------------------------------------------------------------------

def test_editing_a_leafs_maximum_changes_its_parents_and_the_total(framework: Framework,
                                                                    users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    leaf = crit(framework, "1.1.1")
    page = client.get(edit_url(leaf))
    assert page.status_code == 200 and "Điểm tối đa" in page.content.decode()
    response = client.post(edit_url(leaf), leaf_post(leaf, max_points="1,5", title="Ban hành kế hoạch đúng hạn"))
    assert response.status_code == 302 and response.url.endswith(f"#c-{leaf.pk}")
    leaf.refresh_from_db()
    framework.refresh_from_db()
    assert leaf.max_points == Decimal("1.5") and leaf.title == "Ban hành kế hoạch đúng hạn"
    assert crit(framework, "1.1").max_points == Decimal("2.5") and crit(framework, "1").max_points == Decimal("4.5")
    assert framework.total_points == Decimal("10.5")
    html = client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    assert "10,5" in html and "khớp tổng các lĩnh vực (10,5)" in html


def test_a_parents_form_shows_its_maximum_read_only(framework: Framework, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    parent = crit(framework, "1.1")
    page = client.get(edit_url(parent))
    assert "max_points" not in page.context["form"].fields and "rule" not in page.context["form"].fields
    assert 'id="diem-toi-da">2<' in page.content.decode()
    response = client.post(edit_url(parent), {"code": "1.1", "title": "Kế hoạch CCHC năm", "max_points": "9",
                                              "guide": "", "evidence_hint": ""})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.title == "Kế hoạch CCHC năm" and parent.max_points == Decimal(2) and parent.rule == ""


def test_adding_a_sub_criterion_under_a_leaf_makes_it_a_parent(framework: Framework, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    leaf = crit(framework, "1.2")
    url = f"{reverse('criterion_add', args=[framework.pk])}?cha={leaf.pk}"
    page = client.get(url).content.decode()
    assert "thôi có cách chấm riêng" in page
    response = client.post(url, {"code": "1.2.1", "title": "Niêm yết thủ tục hành chính", "max_points": "0,5",
                                 "rule": "manual", "self_assessed": "on", "guide": "", "evidence_hint": ""})
    assert response.status_code == 302
    child = crit(framework, "1.2.1")
    leaf.refresh_from_db()
    framework.refresh_from_db()
    assert child.parent == leaf and child.depth == 3 and child.rule == "manual"
    assert leaf.rule == "" and leaf.params == {} and leaf.max_points == Decimal("0.5")
    assert crit(framework, "1").max_points == Decimal("2.5") and framework.total_points == Decimal("8.5")
    order = [c.code for c in framework.criteria.order_by("order")]
    assert order.index("1.2.1") == order.index("1.2") + 1

    # a new area, without a parent
    response = client.post(reverse("criterion_add", args=[framework.pk]), {
        "code": "3", "title": "Cải cách tài chính công", "max_points": "3", "rule": "tasks",
        "area": "tai_chinh_cong", "self_assessed": "on", "guide": "", "evidence_hint": ""})
    area = crit(framework, "3")
    framework.refresh_from_db()
    assert area.parent is None and area.depth == 1 and area.params == {"area": "tai_chinh_cong"}
    assert framework.total_points == Decimal("11.5")

    # a repeated code is refused with the service's message, nothing saved
    response = client.post(reverse("criterion_add", args=[framework.pk]), {
        "code": "3", "title": "Trùng mã", "max_points": "1", "rule": "manual", "guide": "", "evidence_hint": ""})
    assert response.status_code == 200 and "Mã 3 đã có trong bộ chỉ số." in response.content.decode()
    assert not Criterion.objects.filter(title="Trùng mã").exists()


def test_metric_bands_are_parsed_from_text(framework: Framework, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    leaf = crit(framework, "1.1.1")
    response = client.post(edit_url(leaf), leaf_post(leaf, rule="metric", metric="on_time_rate", mode="bands",
                                                      bands="95 → 0,5\n\n100% → 1"))
    assert response.status_code == 302
    leaf.refresh_from_db()
    assert leaf.params == {"metric": "on_time_rate", "bands": [{"min": 100, "points": 1}, {"min": 95, "points": 0.5}]}
    html = client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    assert "Theo chỉ số: Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn — 100% trở lên: 1 điểm; từ 95%: 0,5 điểm" in html
    page = client.get(edit_url(leaf)).content.decode()
    assert "100 → 1\n95 → 0,5" in page

    response = client.post(edit_url(leaf), leaf_post(leaf, rule="metric", metric="avg_processing_days",
                                                      mode="bands", bands="≤ 10 → 0,5\n<= 5 → 1"))
    leaf.refresh_from_db()
    assert leaf.params["bands"] == [{"max": 5, "points": 1}, {"max": 10, "points": 0.5}]
    html = client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    assert "5 ngày trở xuống: 1 điểm; đến 10 ngày: 0,5 điểm; trên 10 ngày: 0 điểm" in html

    response = client.post(edit_url(leaf), leaf_post(leaf, rule="metric", metric="on_time_rate", mode="linear",
                                                      bands="", zero_at="80", full_at="100"))
    leaf.refresh_from_db()
    assert leaf.params == {"metric": "on_time_rate", "zero_at": 80, "full_at": 100}
    html = client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    assert "tỷ lệ từ 80% (0 điểm) đến 100% (tối đa)" in html

    before = dict(leaf.params)
    for bands, message in [("nhiều → 1", "ngưỡng và điểm phải là số"),
                           ("100 1", "cần viết “ngưỡng → điểm”"),
                           ("100 → 5", "không được lớn hơn điểm tối đa 1"),
                           ("100 → 1\n≤ 5 → 1", "Các mức phải cùng một chiều"),
                           ("", "Cần ít nhất một mức")]:
        response = client.post(edit_url(leaf), leaf_post(leaf, rule="metric", metric="on_time_rate", mode="bands",
                                                          bands=bands))
        assert response.status_code == 200 and message in response.content.decode(), bands
    response = client.post(edit_url(leaf), leaf_post(leaf, rule="metric", metric="", mode="linear", zero_at="90",
                                                      full_at="90"))
    html = response.content.decode()
    assert "Hãy chọn chỉ số đo." in html and "Hai ngưỡng phải khác nhau." in html
    response = client.post(edit_url(leaf), leaf_post(leaf, rule="manual", max_points="-1", code=""))
    assert response.status_code == 200 and set(response.context["form"].errors) == {"max_points", "code"}
    leaf.refresh_from_db()
    assert leaf.params == before and leaf.max_points == Decimal(1) and leaf.code == "1.1.1"


def test_parse_bands() -> None:
    assert parse_bands("≥ 98 → 2\n90,5 → 1,25\n") == [{"min": 98, "points": 2}, {"min": 90.5, "points": 1.25}]
    assert parse_bands("đến 3 ngày -> 1") == [{"max": 3, "points": 1}]
    assert parse_bands("") == []
    with pytest.raises(Exception, match="đã có ở dòng trên"):
        parse_bands("100 → 1\n100 → 0,5")
    assert bands_text([{"min": 100, "points": 1}, {"min": 95, "points": 0.5}]) == "100 → 1\n95 → 0,5"


def test_survey_leaves_are_never_self_assessed(framework: Framework, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    leaf = crit(framework, "1.1.1")
    client.post(edit_url(leaf), leaf_post(leaf, rule="survey", self_assessed="on"))
    leaf.refresh_from_db()
    framework.refresh_from_db()
    assert leaf.rule == "survey" and not leaf.self_assessed and framework.survey_points == Decimal(3)


def test_delete_a_criterion_and_its_children(framework: Framework, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    branch = crit(framework, "1.1")
    response = client.post(reverse("criterion_delete", args=[framework.pk, branch.pk]))
    assert response.status_code == 302
    framework.refresh_from_db()
    assert not Criterion.objects.filter(framework=framework, code__startswith="1.1").exists()
    assert crit(framework, "1").max_points == Decimal(2) and framework.total_points == Decimal(8)

    # the last child gone, its parent is scored directly again
    only = crit(framework, "1.2")
    client.post(reverse("criterion_delete", args=[framework.pk, only.pk]))
    area = crit(framework, "1")
    assert area.rule == "manual" and not area.children.exists()
    assert client.get(reverse("criterion_delete", args=[framework.pk, area.pk])).status_code == 405


def test_a_criterion_of_another_framework_is_not_found(framework: Framework, users: dict[str, Any]) -> None:
    client = signed_in(users["standing"])
    other = services.copy_framework(framework, year=2026, actor=users["standing"])
    foreign = crit(other, "1.1.1")
    assert client.get(reverse("criterion_edit", args=[framework.pk, foreign.pk])).status_code == 404
    assert client.post(reverse("criterion_delete", args=[framework.pk, foreign.pk])).status_code == 404
    assert client.get(f"{reverse('criterion_add', args=[framework.pk])}?cha={foreign.pk}").status_code == 404
    assert client.get(f"{reverse('criterion_add', args=[framework.pk])}?cha=abc").status_code == 404
    assert client.get(reverse("framework_detail", args=[999999])).status_code == 404
    assert Criterion.objects.filter(pk=foreign.pk).exists()


def test_edits_are_refused_once_an_assessment_is_submitted(framework: Framework, users: dict[str, Any],
                                                           agencies: dict[str, Any]) -> None:
    Assessment.objects.create(framework=framework, agency=agencies["justice"], status=Assessment.Status.SUBMITTED)
    client = signed_in(users["standing"])
    leaf = crit(framework, "1.1.1")
    refused = "không sửa được nữa"

    response = client.post(edit_url(leaf), leaf_post(leaf, max_points="0,5"), follow=True)
    assert any(refused in m for m in messages_of(response))
    leaf.refresh_from_db()
    assert leaf.max_points == Decimal(1)

    response = client.post(reverse("criterion_add", args=[framework.pk]), {
        "code": "3", "title": "Mới", "max_points": "1", "rule": "manual", "guide": "", "evidence_hint": ""},
        follow=True)
    assert any(refused in m for m in messages_of(response)) and not Criterion.objects.filter(code="3").exists()

    response = client.post(reverse("criterion_delete", args=[framework.pk, leaf.pk]), follow=True)
    assert any(refused in m for m in messages_of(response)) and Criterion.objects.filter(pk=leaf.pk).exists()

    assert client.get(edit_url(leaf)).status_code == 302
    detail = client.get(reverse("framework_detail", args=[framework.pk]))
    html = detail.content.decode()
    assert not detail.context["can_edit"] and "Thêm lĩnh vực" not in html and ">Sửa</a>" not in html
    assert "khóa sửa" in client.get(reverse("frameworks")).content.decode()
    # copying stays open: the way to change a framework in use
    assert client.get(reverse("framework_copy", args=[framework.pk])).status_code == 200


def test_a_service_refusal_while_saving_is_shown_on_the_form(framework: Framework, users: dict[str, Any],
                                                             agencies: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An agency sending its self-assessment between the page and the post: the service's message, not a crash."""
    from django.core.exceptions import ValidationError

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ValidationError("Đã có cơ quan gửi bản tự chấm theo bộ chỉ số này: không sửa được nữa.")

    monkeypatch.setattr(services, "save_criterion", refuse)
    leaf = crit(framework, "1.1.1")
    response = signed_in(users["standing"]).post(edit_url(leaf), leaf_post(leaf, max_points="0,5"))
    assert response.status_code == 200 and "không sửa được nữa" in response.content.decode()


# --- who may ------------------------------------------------------------------------------------------------------

def test_only_managers_write_and_everyone_signed_in_reads(shipped: Path, framework: Framework,
                                                          users: dict[str, Any]) -> None:
    leaf = crit(framework, "1.1.1")
    writes = [
        ("post", reverse("framework_install"), {"file": "par-thu.json", "year": "2030"}),
        ("get", reverse("framework_copy", args=[framework.pk]), {}),
        ("post", reverse("framework_copy", args=[framework.pk]), {"year": "2030", "level": "department"}),
        ("get", edit_url(leaf), {}),
        ("post", edit_url(leaf), leaf_post(leaf, max_points="0,5")),
        ("get", reverse("criterion_add", args=[framework.pk]), {}),
        ("post", reverse("criterion_add", args=[framework.pk]),
         {"code": "9", "title": "Mới", "max_points": "1", "rule": "manual"}),
        ("post", reverse("criterion_delete", args=[framework.pk, leaf.pk]), {}),
    ]
    for role in ("focal", "leader", "viewer", "other_focal"):
        client = signed_in(users[role])
        for method, url, data in writes:
            assert getattr(client, method)(url, data).status_code == 403, (role, method, url)
        assert client.get(reverse("frameworks")).status_code == 200
        detail = client.get(reverse("framework_detail", args=[framework.pk]))
        assert detail.status_code == 200 and "Theo tỷ lệ nhiệm vụ" in detail.content.decode()
        html = detail.content.decode() + client.get(reverse("frameworks")).content.decode()
        assert "Thêm lĩnh vực" not in html and "Cài bộ chỉ số có sẵn" not in html and "Sao chép" not in html
    assert Framework.objects.count() == 1 and Criterion.objects.filter(framework=framework).count() == 8
    leaf.refresh_from_db()
    assert leaf.max_points == Decimal(1)

    anonymous = Client()
    for url in (reverse("frameworks"), reverse("framework_detail", args=[framework.pk]),
                reverse("framework_copy", args=[framework.pk]), edit_url(leaf)):
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


# --- the command --------------------------------------------------------------------------------------------------

def test_the_command_installs_the_shipped_frameworks_once(shipped: Path, users: dict[str, Any]) -> None:
    second = copy.deepcopy(SAMPLE)
    second["code"], second["name"], second["level"] = "par-xa", "Chỉ số CCHC cấp xã thử nghiệm", "commune"
    write(shipped, "par-xa.json", second)

    out = StringIO()
    call_command("load_frameworks", year=2025, stdout=out)
    text = out.getvalue()
    assert "Đã cài Chỉ số CCHC thử nghiệm của sở năm 2025 (par-thu.json): 8 tiêu chí, 5 mục được chấm" in text
    assert "Năm 2025: cài 2, đã có 0, lỗi 0." in text
    assert set(Framework.objects.values_list("code", "year")) == {("par-thu", 2025), ("par-xa", 2025)}
    assert Framework.objects.get(code="par-xa").criteria.count() == 8

    out = StringIO()
    call_command("load_frameworks", year=2025, stdout=out)
    assert "Đã có Chỉ số CCHC thử nghiệm của sở năm 2025 (par-thu.json): bỏ qua." in out.getvalue()
    assert "Năm 2025: cài 0, đã có 2, lỗi 0." in out.getvalue()
    assert Framework.objects.count() == 2 and Criterion.objects.count() == 16

    broken = copy.deepcopy(SAMPLE)
    broken["code"], broken["areas"][0]["children"][1]["rule"] = "par-hong", "doan"
    write(shipped, "par-hong.json", broken)
    out, err = StringIO(), StringIO()
    call_command("load_frameworks", stdout=out, stderr=err)  # this year by default
    assert "par-hong.json" in err.getvalue() and "cách chấm “doan” không có" in err.getvalue()
    assert "cài 2, đã có 0, lỗi 1." in out.getvalue()
    assert Framework.objects.count() == 4


def test_the_command_with_nothing_shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: Any) -> None:
    monkeypatch.setattr(shipped_frameworks, "DATA_DIR", tmp_path)
    out = StringIO()
    call_command("load_frameworks", year=2025, stdout=out)
    assert "Không có bộ chỉ số nào" in out.getvalue() and not Framework.objects.exists()
