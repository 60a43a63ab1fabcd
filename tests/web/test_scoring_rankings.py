"""Rankings of the PAR Index and task-completion grades: the pages, their workbooks and decision annexes, and the
grading-rule page. Frameworks, criteria, scorecards and tasks are made directly with hand-chosen points and
dates, so every rank, tie, change and band below is worked out by hand."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, Section, Status, Task, TaskAgency
from dondoc.scoring import rules
from dondoc.scoring.models import Assessment, Criterion, Framework, GradeRule, Score
from dondoc.tracking.models import Extension

from .conftest import docx_lines

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2025, 3, 10)
PUBLISHED = Assessment.Status.PUBLISHED
FINALISED = Assessment.Status.FINALISED
TITLE_2024 = "KẾT QUẢ XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024 CỦA CÁC SỞ, BAN, NGÀNH TỈNH"
GRADES_2024 = "KẾT QUẢ XẾP LOẠI MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2024 CỦA CÁC SỞ, BAN, NGÀNH TỈNH"
ANNEX_2024 = "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024 CỦA CÁC SỞ, BAN, NGÀNH TỈNH"

# The tree: two areas; area I has two leaves (I.2 may be not applicable), area II a criterion with two leaves.
# (code, parent code, depth, max points, rule)
TREE = [
    ("I", None, 1, "10", ""),
    ("I.1", "I", 2, "6", "manual"),
    ("I.2", "I", 2, "4", "manual"),
    ("II", None, 1, "10", ""),
    ("II.1", "II", 2, "10", ""),
    ("II.1.1", "II.1", 3, "5", "manual"),
    ("II.1.2", "II.1", 3, "5", "manual"),
]
LEAVES = ("I.1", "I.2", "II.1.1", "II.1.2")


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2025, 3, 10, 9, 0, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def departments(agencies: dict[str, Agency]) -> dict[str, Agency]:
    """Four departments: Sở Nội vụ, Sở Tư pháp, Sở Tài chính (from conftest) and Sở Xây dựng."""
    out = dict(agencies)
    out["build"] = agency_services.create_agency("Sở Xây dựng", parent=agencies["province"])
    out["health"] = agency_services.create_agency("Sở Y tế", parent=agencies["province"])
    for code in ("home", "justice", "finance", "build", "health"):
        assert out[code].level.code == "department", code
    return out


def make_framework(year: int, *, published: bool = True, decision: str = "") -> Framework:
    framework = Framework.objects.create(
        code="par-index-so", name="Bộ Chỉ số cải cách hành chính của các sở, ban, ngành", year=year,
        level="department", source="Quyết định số 9/QĐ-UBND ngày 05/01/2024 của Ủy ban nhân dân tỉnh",
        total_points=Decimal(20), decision=decision,
        published_at=datetime(year + 1, 2, 1, 8, 0, tzinfo=VN) if published else None)
    made: dict[str, Criterion] = {}
    for order, (code, parent, depth, points, rule) in enumerate(TREE):
        made[code] = Criterion.objects.create(
            framework=framework, parent=made.get(parent) if parent else None, code=code, order=order, depth=depth,
            title=f"Tiêu chí {code}" if depth > 1 else ("Công tác chỉ đạo, điều hành" if code == "I"
                                                        else "Cải cách thủ tục hành chính"),
            max_points=Decimal(points), rule=rule, may_be_na=code == "I.2")
    return framework


def score(framework: Framework, agency: Agency, points: dict[str, Any], status: str = PUBLISHED) -> Assessment:
    """A scorecard with the given final points per leaf: a number, (self, appraised), or None (not applicable).
    Totals and the index as services.recompute_totals makes them (applicable leaves only)."""
    assessment = Assessment.objects.create(framework=framework, agency=agency, status=status)
    final = maximum = Decimal(0)
    for code in LEAVES:
        criterion = framework.criteria.get(code=code)
        value = points[code]
        if value is None:
            Score.objects.create(assessment=assessment, criterion=criterion, not_applicable=True, na_reason="Không có")
            continue
        own, appraised = value if isinstance(value, tuple) else (value, None)
        Score.objects.create(assessment=assessment, criterion=criterion, self_points=Decimal(str(own)),
                             appraised_points=None if appraised is None else Decimal(str(appraised)))
        final += Decimal(str(appraised if appraised is not None else own))
        maximum += criterion.max_points
    assessment.final_total, assessment.self_total, assessment.max_total = final, final, maximum
    assessment.index = rules.index_percent(final, maximum)
    assessment.save()
    return assessment


@pytest.fixture
def results(departments: dict[str, Agency]) -> dict[str, Any]:
    """2024 (published): Sở Nội vụ 19/20 = 95; Sở Tư pháp and Sở Tài chính 17/20 = 85 (tie); Sở Xây dựng 12/16 =
    75 (I.2 not applicable); Sở Y tế finalised only (not published). 2023 (published): Nội vụ 90, Tư pháp 92,
    Tài chính 80. 2025 (not published): Nội vụ finalised 100, Tư pháp still submitted."""
    d = departments
    last = make_framework(2023)
    score(last, d["home"], {"I.1": 6, "I.2": 4, "II.1.1": 4, "II.1.2": 4})
    score(last, d["justice"], {"I.1": 6, "I.2": 4, "II.1.1": "4.4", "II.1.2": 4})
    score(last, d["finance"], {"I.1": 5, "I.2": 3, "II.1.1": 4, "II.1.2": 4})
    now = make_framework(2024, decision="15/QĐ-UBND ngày 20/01/2025")
    score(now, d["home"], {"I.1": 6, "I.2": 4, "II.1.1": 5, "II.1.2": (5, 4)})
    score(now, d["justice"], {"I.1": 5, "I.2": 3, "II.1.1": 5, "II.1.2": 4})
    score(now, d["finance"], {"I.1": 6, "I.2": 2, "II.1.1": 4, "II.1.2": 5})
    score(now, d["build"], {"I.1": 5, "I.2": None, "II.1.1": 4, "II.1.2": 3})
    score(now, d["health"], {"I.1": 6, "I.2": 4, "II.1.1": 5, "II.1.2": 5}, status=FINALISED)
    coming = make_framework(2025, published=False)
    score(coming, d["home"], {"I.1": 6, "I.2": 4, "II.1.1": 5, "II.1.2": 5}, status=FINALISED)
    score(coming, d["justice"], {"I.1": 6, "I.2": 4, "II.1.1": 5, "II.1.2": 5}, status=Assessment.Status.SUBMITTED)
    return {"last": last, "now": now, "coming": coming}


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table of the page, as cell texts."""
    import re

    body = html.split(f'id="{table_id}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


# --- the ranking page -------------------------------------------------------------------------------------------

def test_ranking_order_ties_and_change_against_last_year(client: Client, users: dict[str, Any],
                                                          results: dict[str, Any]) -> None:
    html = as_user(client, users["viewer"]).get(reverse("rankings")).content.decode()
    assert TITLE_2024 in html  # the latest published framework by default
    rows = table_rows(html, "xep-hang")
    # 1, 2, 2, 4: the tie shares rank 2 and the next rank skips; within the tie by name (Tài chính before Tư pháp)
    assert [r[:4] for r in rows] == [
        ["1", "Sở Nội vụ", "19 / 20", "95"],
        ["2", "Sở Tài chính", "17 / 20", "85"],
        ["2", "Sở Tư pháp", "17 / 20", "85"],
        ["4", "Sở Xây dựng", "12 / 16", "75"],
    ]
    # last year: Tư pháp 92 (1), Nội vụ 90 (2), Tài chính 80 (3); Xây dựng was not ranked
    assert [r[4:] for r in rows] == [["90", "2", "+5"], ["80", "3", "+5"], ["92", "1", "-7"], ["—", "—", "—"]]
    assert "Sở Y tế" not in html  # finalised, not published
    assert rules.TIE_RULE in html
    assert "Xem trước, chưa công bố" not in html  # the viewer is not offered the unpublished 2025 framework
    assert "Công bố ngày 01/02/2025 theo 15/QĐ-UBND ngày 20/01/2025." in html
    assert reverse("rankings_xlsx", args=[results["now"].pk]) in html
    assert reverse("rankings_docx", args=[results["now"].pk]) in html


def test_choose_framework_by_id_or_year_and_level(client: Client, users: dict[str, Any],
                                                  results: dict[str, Any]) -> None:
    as_user(client, users["focal"])
    html = client.get(reverse("rankings"), {"bo": results["last"].pk}).content.decode()
    assert "NĂM 2023" in html
    assert [r[:2] for r in table_rows(html, "xep-hang")] == [["1", "Sở Tư pháp"], ["2", "Sở Nội vụ"],
                                                             ["3", "Sở Tài chính"]]
    html = client.get(reverse("rankings"), {"nam": 2023, "cap": "department"}).content.decode()
    assert "NĂM 2023" in html
    assert client.get(reverse("rankings"), {"bo": 999999}).status_code == 404
    assert client.get(reverse("rankings"), {"nam": 2019}).status_code == 404


def test_group_filter_ranks_within_the_group(client: Client, users: dict[str, Any], results: dict[str, Any],
                                             departments: dict[str, Agency]) -> None:
    group = agency_services.create_agency("Các sở thuộc khối nội chính thử nghiệm", is_group=True)
    group.member_level = None
    group.save()
    group.members.set([departments["justice"], departments["finance"], departments["build"]])
    html = as_user(client, users["viewer"]).get(reverse("rankings"), {"nhom": group.pk}).content.decode()
    rows = table_rows(html, "xep-hang")
    # within the group: 85, 85, 75 → 1, 1, 3; last year within the group: Tư pháp 92 (1), Tài chính 80 (2)
    assert [[r[0], r[1], r[4], r[5]] for r in rows] == [["1", "Sở Tài chính", "80", "2"],
                                                        ["1", "Sở Tư pháp", "92", "1"],
                                                        ["3", "Sở Xây dựng", "—", "—"]]
    assert "CÁC SỞ THUỘC KHỐI NỘI CHÍNH THỬ NGHIỆM" in html
    assert f"{reverse('rankings_xlsx', args=[results['now'].pk])}?nhom={group.pk}" in html
    assert client.get(reverse("rankings"), {"nhom": departments["home"].pk}).status_code == 404  # not a group
    assert client.get(reverse("rankings"), {"nhom": "x"}).status_code == 404


def test_unpublished_results_are_previewed_by_the_council_only(client: Client, users: dict[str, Any],
                                                               results: dict[str, Any]) -> None:
    coming = results["coming"]
    for role in ("focal", "leader", "viewer", "other_focal"):
        as_user(client, users[role])
        for name in ("rankings_xlsx", "rankings_docx"):
            assert client.get(reverse(name, args=[coming.pk])).status_code == 404, (role, name)
        assert client.get(reverse("rankings"), {"bo": coming.pk}).status_code == 404, role
        assert client.get(reverse("rankings"), {"nam": 2025}).status_code == 404, role
        assert f'value="{coming.pk}"' not in client.get(reverse("rankings")).content.decode()

    as_user(client, users["standing"])
    html = client.get(reverse("rankings")).content.decode()
    assert TITLE_2024 in html  # the default stays the latest published
    assert "Xem trước, chưa công bố" in html  # offered in the list, labelled
    html = client.get(reverse("rankings"), {"bo": coming.pk}).content.decode()
    assert 'id="xem-truoc"' in html
    rows = table_rows(html, "xep-hang")
    assert rows == [["1", "Sở Nội vụ", "20 / 20", "100", "95", "1", "+5"]]  # the submitted one is not there
    # a published framework shows only published results, to the council too
    html = client.get(reverse("rankings"), {"bo": results["now"].pk}).content.decode()
    assert "Sở Y tế" not in html
    response = client.get(reverse("rankings_xlsx", args=[coming.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))["Xếp hạng"]
    assert "Xem trước, chưa công bố" in ws["A3"].value
    _, lines = docx_lines(client.get(reverse("rankings_docx", args=[coming.pk])).content)
    assert "(XEM TRƯỚC, CHƯA CÔNG BỐ)" in lines
    assert "(Kèm theo Quyết định số …/QĐ-UBND ngày … của Ủy ban nhân dân tỉnh Hòa Bình Xanh)" in lines


def test_no_published_framework_yet(client: Client, users: dict[str, Any], departments: dict[str, Agency]) -> None:
    html = as_user(client, users["viewer"]).get(reverse("rankings")).content.decode()
    assert "Chưa có kết quả Chỉ số cải cách hành chính nào được công bố." in html


def test_anonymous_goes_to_login(client: Client, results: dict[str, Any]) -> None:
    for url in (reverse("rankings"), reverse("rankings_xlsx", args=[results["now"].pk]), reverse("grades"),
                reverse("grade_rule")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url


# --- the ranking documents --------------------------------------------------------------------------------------

def test_ranking_workbook(client: Client, users: dict[str, Any], results: dict[str, Any]) -> None:
    response = as_user(client, users["leader"]).get(reverse("rankings_xlsx", args=[results["now"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="xep-hang-chi-so-cchc-2024-department.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Xếp hạng", "Điểm theo lĩnh vực"]
    ws = wb["Xếp hạng"]
    assert ws["A1"].value == TITLE_2024
    assert "Quyết định số 9/QĐ-UBND ngày 05/01/2024" in ws["A2"].value
    assert ws["A3"].value == "Công bố ngày 01/02/2025 theo 15/QĐ-UBND ngày 20/01/2025."
    assert [c.value for c in ws[5]] == ["Hạng", "Cơ quan, đơn vị", "Điểm đạt", "Điểm tối đa áp dụng", "Chỉ số (%)",
                                        "Chỉ số năm 2023 (%)", "Hạng năm 2023", "Tăng/giảm chỉ số"]
    assert ws.freeze_panes == "A6"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6, max_row=9)]
    assert rows == [
        [1, "Sở Nội vụ", 19, 20, 95, 90, 2, 5],
        [2, "Sở Tài chính", 17, 20, 85, 80, 3, 5],
        [2, "Sở Tư pháp", 17, 20, 85, 92, 1, -7],
        [4, "Sở Xây dựng", 12, 16, 75, None, None, None],
    ]
    assert ws["E6"].number_format == "#,##0.00" and ws["H6"].number_format.startswith("+")
    assert ws.column_dimensions["B"].width >= 40
    notes = [ws.cell(row=r, column=1).value for r in range(10, 14)]
    assert f"Ghi chú: {rules.TIE_RULE}" in notes

    areas = wb["Điểm theo lĩnh vực"]
    header = [c.value for c in areas[4]]
    assert header == ["Hạng", "Cơ quan, đơn vị", "I. Công tác chỉ đạo, điều hành (tối đa 10)",
                      "II. Cải cách thủ tục hành chính (tối đa 10)", "Tổng điểm đạt", "Chỉ số (%)"]
    # the council's 4 (not the agency's own 5) counts for Nội vụ's II.1.2; Xây dựng's I.2 is not applicable
    assert [[c.value for c in row] for row in areas.iter_rows(min_row=5, max_row=8)] == [
        [1, "Sở Nội vụ", 10, 9, 19, 95],
        [2, "Sở Tài chính", 8, 9, 17, 85],
        [2, "Sở Tư pháp", 8, 9, 17, 85],
        [4, "Sở Xây dựng", 5, 7, 12, 75],
    ]


def test_ranking_annex(client: Client, users: dict[str, Any], results: dict[str, Any]) -> None:
    response = as_user(client, users["focal"]).get(reverse("rankings_docx", args=[results["now"].pk]))
    assert response.status_code == 200
    assert 'filename="xep-hang-chi-so-cchc-2024-department.docx"' in response["Content-Disposition"]
    document, lines = docx_lines(response.content)
    assert lines[:3] == ["Phụ lục", ANNEX_2024,
                         "(Kèm theo Quyết định số 15/QĐ-UBND ngày 20/01/2025 của Ủy ban nhân dân tỉnh Hòa Bình Xanh)"]
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = document.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Hạng", "Cơ quan, đơn vị", "Điểm đạt / tối đa áp dụng", "Chỉ số (%)", "Chỉ số năm 2023 (%)",
                        "Hạng năm 2023", "Tăng/giảm chỉ số"]
    assert cells[1:] == [
        ["1", "Sở Nội vụ", "19 / 20", "95", "90", "2", "+5"],
        ["2", "Sở Tài chính", "17 / 20", "85", "80", "3", "+5"],
        ["2", "Sở Tư pháp", "17 / 20", "85", "92", "1", "-7"],
        ["4", "Sở Xây dựng", "12 / 16", "75", "", "", ""],
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header row repeats on every page
    assert f"Ghi chú: {rules.TIE_RULE}" in lines


def test_decision_reference_forms() -> None:
    from dondoc.scoring.documents import decision_reference

    assert decision_reference("", "") == "(Kèm theo Quyết định số …/QĐ-UBND ngày … của …)"
    assert decision_reference("Quyết định số 7/QĐ-UBND ngày 02/02/2025 của Chủ tịch UBND tỉnh", "UBND tỉnh X") \
        == "(Kèm theo Quyết định số 7/QĐ-UBND ngày 02/02/2025 của Chủ tịch UBND tỉnh)"
    assert decision_reference("số 7/QĐ-UBND ngày 02/02/2025", "UBND tỉnh X") \
        == "(Kèm theo Quyết định số 7/QĐ-UBND ngày 02/02/2025 của UBND tỉnh X)"


# --- task-completion grades -------------------------------------------------------------------------------------

def lead(plan: Plan, agency: Agency, content: str, status: str, due: date | None, done: date | None = None) -> Task:
    section = plan.sections.first() or Section.objects.create(plan=plan, number="I", title="CẢI CÁCH THỂ CHẾ",
                                                              area="the_che")
    task = Task.objects.create(plan=plan, section=section, content=content, status=status, due_date=due,
                               completed_on=done, order=plan.tasks.count())
    TaskAgency.objects.create(task=task, agency=agency, role=TaskAgency.Role.LEAD)
    return task


@pytest.fixture
def tasks(departments: dict[str, Agency]) -> dict[str, Any]:
    """2024: Sở Nội vụ — on time, excused (approved extension), late (a refused extension does not excuse it),
    not done, not yet due, cancelled: (1 + 1 + 0,5 + 0) ÷ 4 = 62,5. Sở Tư pháp — two on time: 100. Sở Tài chính —
    on time and late: 75. Sở Xây dựng and Sở Y tế: nothing due. 2023: Sở Nội vụ one on time (100), Sở Tài chính one
    late (50)."""
    d = departments
    plan = Plan.objects.create(title="Kế hoạch cải cách hành chính năm 2024", year=2024, owner=d["province"])
    done = Status.DONE
    lead(plan, d["home"], "Ban hành kế hoạch kiểm tra", done, date(2024, 3, 31), date(2024, 3, 30))
    excused = lead(plan, d["home"], "Rà soát thủ tục hành chính", done, date(2024, 6, 30), date(2024, 6, 15))
    Extension.objects.create(task=excused, old_due=date(2024, 4, 30), new_due=date(2024, 6, 30), reason="Chờ hướng dẫn",
                             decision=Extension.Decision.APPROVED)
    late = lead(plan, d["home"], "Số hóa hồ sơ", done, date(2024, 5, 31), date(2024, 7, 1))
    Extension.objects.create(task=late, old_due=date(2024, 4, 30), new_due=date(2024, 7, 31), reason="Thiếu người",
                             decision=Extension.Decision.REFUSED)
    lead(plan, d["home"], "Đánh giá chất lượng dịch vụ", Status.IN_PROGRESS, date(2024, 9, 30))
    lead(plan, d["home"], "Tổng kết giai đoạn", Status.NOT_STARTED, date(2025, 6, 30))
    lead(plan, d["home"], "Thí điểm một cửa liên thông", Status.CANCELLED, date(2024, 8, 31))
    lead(plan, d["justice"], "Công khai thủ tục", done, date(2024, 2, 28), date(2024, 2, 1))
    lead(plan, d["justice"], "Rà soát văn bản", done, None, None)
    lead(plan, d["finance"], "Công khai ngân sách", done, date(2024, 4, 30), date(2024, 4, 30))
    lead(plan, d["finance"], "Tinh giản biên chế", done, date(2024, 10, 31), date(2024, 11, 20))
    before = Plan.objects.create(title="Kế hoạch cải cách hành chính năm 2023", year=2023, owner=d["province"])
    lead(before, d["home"], "Kiểm tra cải cách hành chính", done, date(2023, 6, 30), date(2023, 6, 1))
    lead(before, d["finance"], "Số hóa kết quả", done, date(2023, 6, 30), date(2023, 8, 1))
    return {"plan": plan}


def test_grades_counts_score_band_and_last_year(client: Client, users: dict[str, Any], tasks: dict[str, Any]) -> None:
    html = as_user(client, users["viewer"]).get(reverse("grades")).content.decode()  # the latest plan year: 2024
    assert GRADES_2024 in html
    rows = table_rows(html, "xep-loai")
    # Hạng, Cơ quan, Đúng hạn, Trong hạn gia hạn, Quá hạn, Chưa hoàn thành (quá hạn), Chưa đến hạn, Điểm, Xếp loại,
    # Năm trước (điểm, hạng), Tăng/giảm
    assert rows == [
        ["1", "Sở Tư pháp", "2", "0", "0", "0", "0", "100", "Hoàn thành xuất sắc nhiệm vụ", "—", "—", "—"],
        ["2", "Sở Tài chính", "1", "0", "1", "0", "0", "75", "Hoàn thành tốt nhiệm vụ", "50", "2", "+25"],
        ["3", "Sở Nội vụ", "1", "1", "1", "1", "1", "62,5", "Hoàn thành nhiệm vụ", "100", "1", "-37,5"],
        ["", "Sở Xây dựng", "0", "0", "0", "0", "0", "—", "Chưa có nhiệm vụ đến hạn", "—", "—", "—"],
        ["", "Sở Y tế", "0", "0", "0", "0", "0", "—", "Chưa có nhiệm vụ đến hạn", "—", "—", "—"],
    ]
    assert "Sở Tư pháp" in html and "UBND huyện Mường Xanh" not in html  # a department ranking
    assert ("Điểm hoàn thành nhiệm vụ = 100 × (1 × số nhiệm vụ hoàn thành đúng hạn + 1 × số hoàn thành trong hạn "
            "được gia hạn + 0,5 × số hoàn thành quá hạn + 0 × số chưa hoàn thành, đã quá hạn)") in html
    assert "từ 90 điểm: Hoàn thành xuất sắc nhiệm vụ" in html
    assert "Tình hình thực hiện tính đến ngày 31/12/2024." in html
    assert rules.TIE_RULE in html
    assert reverse("grade_rule") not in html  # the viewer does not set the rule
    assert f"{reverse('grades_xlsx', args=[2024])}?cap=department" in html

    html = client.get(reverse("grades"), {"nam": 2024, "cap": "district"}).content.decode()
    assert [r[1] for r in table_rows(html, "xep-loai")] == ["UBND huyện Mường Xanh"]
    assert client.get(reverse("grades"), {"cap": "khong-co"}).status_code == 404
    assert client.get(reverse("grades"), {"nhom": 999999}).status_code == 404


def test_grades_group_filter(client: Client, users: dict[str, Any], tasks: dict[str, Any],
                             departments: dict[str, Agency]) -> None:
    group = agency_services.create_agency("Các sở thử nghiệm", is_group=True)
    group.member_level = None
    group.save()
    group.members.set([departments["home"], departments["finance"]])
    html = as_user(client, users["focal"]).get(reverse("grades"), {"nhom": group.pk}).content.decode()
    assert [r[:2] + r[9:11] for r in table_rows(html, "xep-loai")] == [["1", "Sở Tài chính", "50", "2"],
                                                                       ["2", "Sở Nội vụ", "100", "1"]]


def test_grades_workbook_and_annex(client: Client, users: dict[str, Any], tasks: dict[str, Any]) -> None:
    as_user(client, users["other_focal"])
    response = client.get(reverse("grades_xlsx", args=[2024]), {"cap": "department"})
    assert response.status_code == 200
    assert 'filename="xep-loai-hoan-thanh-nhiem-vu-2024-department.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content))["Xếp loại"]
    assert ws["A1"].value == GRADES_2024
    header_row = next(r for r in range(1, 15) if ws.cell(row=r, column=1).value == "Hạng")
    assert [c.value for c in ws[header_row]] == [
        "Hạng", "Cơ quan, đơn vị", "Đúng hạn", "Trong hạn gia hạn", "Quá hạn", "Chưa hoàn thành (quá hạn)",
        "Chưa đến hạn", "Điểm", "Xếp loại", "Điểm năm 2023", "Hạng năm 2023", "Tăng/giảm điểm"]
    assert ws.freeze_panes == f"A{header_row + 1}"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row + 1, max_row=header_row + 3)]
    assert rows == [
        [1, "Sở Tư pháp", 2, 0, 0, 0, 0, 100, "Hoàn thành xuất sắc nhiệm vụ", None, None, None],
        [2, "Sở Tài chính", 1, 0, 1, 0, 0, 75, "Hoàn thành tốt nhiệm vụ", 50, 2, 25],
        [3, "Sở Nội vụ", 1, 1, 1, 1, 1, 62.5, "Hoàn thành nhiệm vụ", 100, 1, -37.5],
    ]
    assert any(ws.cell(row=r, column=1).value == f"Ghi chú: {rules.TIE_RULE}" for r in range(1, 30))

    response = client.get(reverse("grades_docx", args=[2024]))
    assert response.status_code == 200
    document, lines = docx_lines(response.content)
    assert lines[0] == "Phụ lục"
    assert lines[1] == GRADES_2024
    assert "(Tình hình thực hiện tính đến ngày 31/12/2024)" in lines
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[3] == ["3", "Sở Nội vụ", "1", "1", "1", "1", "1", "62,5", "Hoàn thành nhiệm vụ", "100", "1", "-37,5"]
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE


# --- the grading rule -------------------------------------------------------------------------------------------

def rule_post(late: str = "0,5", bands: list[tuple[str, str]] | None = None, **weights: str) -> dict[str, str]:
    data = {"on_time": "1", "excused": "1", "late": late, "not_done": "0", **weights}
    for i, (minimum, label) in enumerate(bands or []):
        data[f"band_{i}_min"], data[f"band_{i}_label"] = minimum, label
    return data


def test_changing_the_rule_changes_the_bands(client: Client, users: dict[str, Any], tasks: dict[str, Any]) -> None:
    as_user(client, users["standing"])
    url = f"{reverse('grade_rule')}?nam=2024"
    html = client.get(url).content.decode()
    assert 'value="0,5"' in html and 'value="Hoàn thành xuất sắc nhiệm vụ"' in html  # the default, as typed
    assert reverse("grade_rule") in client.get(reverse("grades")).content.decode()  # offered to the manager

    response = client.post(url, rule_post("0,9", [("95", "Xuất sắc"), ("", ""), ("70", "Tốt"), ("0", "Chưa đạt")]),
                           follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('grades')}?nam=2024"
    html = response.content.decode()
    assert "Đã lưu cách xếp loại hoàn thành nhiệm vụ năm 2024." in html
    rule = GradeRule.objects.get(year=2024)
    assert rule.weight_late == Decimal("0.9")
    assert rule.bands == [{"min": 95.0, "label": "Xuất sắc"}, {"min": 70.0, "label": "Tốt"},
                          {"min": 0.0, "label": "Chưa đạt"}]
    # Nội vụ (1 + 1 + 0,9 + 0) ÷ 4 = 72,5; Tài chính (1 + 0,9) ÷ 2 = 95; Tư pháp 100
    assert [[r[1], r[7], r[8]] for r in table_rows(html, "xep-loai")[:3]] == [
        ["Sở Tư pháp", "100", "Xuất sắc"], ["Sở Tài chính", "95", "Xuất sắc"], ["Sở Nội vụ", "72,5", "Tốt"]]
    assert "từ 95 điểm: Xuất sắc; từ 70 điểm: Tốt; từ 0 điểm: Chưa đạt." in html
    assert GradeRule.objects.filter(year=2023).count() == 0  # another year keeps its own (default) rule


def test_invalid_rule_is_refused_in_vietnamese(client: Client, users: dict[str, Any], tasks: dict[str, Any]) -> None:
    as_user(client, users["admin"])
    url = f"{reverse('grade_rule')}?nam=2024"
    response = client.post(url, rule_post("2", [("90", "Xuất sắc"), ("50", "Đạt")]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cần một mức có điểm tối thiểu 0 (mức thấp nhất)." in html
    assert "Hệ số phải từ 0 đến 1." in html
    assert not GradeRule.objects.exists()

    html = client.post(url, rule_post("nửa", [("chín mươi", "Xuất sắc"), ("0", "Đạt"), ("", "Không tên")])) \
        .content.decode()
    assert "Hệ số phải là số, ví dụ 0,5." in html
    assert "“chín mươi” không phải là số điểm." in html
    assert "Cần điểm tối thiểu của mức “Không tên”." in html
    assert not GradeRule.objects.exists()

    html = client.post(url, rule_post("0,5", [("120", "Quá"), ("0", "Đạt"), ("0", "Trùng")])).content.decode()
    assert "Mức “Quá”: điểm tối thiểu phải từ 0 đến 100." in html and "Hai mức cùng điểm tối thiểu 0." in html
    assert not GradeRule.objects.exists()


@pytest.mark.parametrize("role", ["focal", "leader", "viewer", "other_focal"])
def test_grade_rule_is_for_the_standing_agency(client: Client, users: dict[str, Any], role: str) -> None:
    as_user(client, users[role])
    assert client.get(reverse("grade_rule")).status_code == 403
    response = client.post(reverse("grade_rule"), rule_post("0,5", [("0", "Đạt")]))
    assert response.status_code == 403
    assert not GradeRule.objects.exists()
