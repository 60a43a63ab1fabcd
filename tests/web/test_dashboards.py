"""The dashboards (province and agency) on a hand-made year of tasks under a frozen clock: every figure is worked
out by hand here (status per area and per lead agency, the on-time heatmap, the overdue trend month by month,
targets met, the PAR-Index and task-completion rankings), read back from the pages' HTML tables and from the XLSX
downloads; who may open them; and the number of queries a page makes, the same for a small and a bigger world."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dondoc.accounts.models import User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency, Level
from dondoc.dashboards import selectors
from dondoc.indicators.models import TargetActual
from dondoc.plans.models import Plan, ReportPeriod, Section, Status, Target, Task, TaskAgency
from dondoc.scoring.models import Assessment, Criterion, Framework

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2025, 9, 15)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUCKET_KEYS = ["not_started", "in_progress", "awaiting_approval", "done_on_time", "done_late", "overdue", "stopped"]
AREAS = ["chi_dao", "the_che", "tthc", "to_chuc_bo_may", "cong_vu", "tai_chinh_cong", "chinh_quyen_so"]
D = date.fromisoformat

# (key, area ("" = none), lead agencies, status, due date, completed on) of the 2025 plan; today is 15/09/2025.
TASKS: list[tuple[str, str, tuple[str, ...], str, str | None, str | None]] = [
    ("t1", "the_che", ("justice",), Status.DONE, "2025-03-31", "2025-03-20"),  # done on time
    ("t2", "the_che", ("justice",), Status.DONE, "2025-02-28", "2025-05-10"),  # done late: overdue in 03 and 04
    ("t3", "tthc", ("justice",), Status.IN_PROGRESS, "2025-06-30", None),  # overdue since July
    ("t4", "tthc", ("finance",), Status.NOT_STARTED, "2025-12-31", None),
    ("t5", "tthc", ("finance",), Status.PAUSED, "2025-01-31", None),  # paused past its due date: overdue
    ("t6", "chinh_quyen_so", ("finance",), Status.CANCELLED, "2025-02-28", None),  # never overdue
    ("t7", "chinh_quyen_so", ("justice", "finance"), Status.AWAITING_APPROVAL, "2025-10-31", "2025-09-01"),
    ("t8", "the_che", ("home",), Status.DONE, None, "2025-04-01"),  # done, no due date: on time, not "due"
    ("t9", "", ("home",), Status.PAUSED, None, None),  # no area: "Khác"
    # work finished on 20/08, waiting for the leader's approval past its due date: overdue now (the app's rule:
    # still open), but not in the trend (completed by then)
    ("t10", "chinh_quyen_so", ("home",), Status.AWAITING_APPROVAL, "2025-08-31", "2025-08-20"),
    ("t12", "tthc", ("district",), Status.IN_PROGRESS, "2025-11-30", None),
    ("t13", "the_che", ("justice",), Status.NOT_STARTED, "2025-05-15", None),  # overdue since May
    ("t14", "tthc", ("finance",), Status.DONE, "2025-07-31", "2025-07-31"),  # done on its due date: on time
]

# hand-computed: per area, the seven buckets in order (not started, in progress, awaiting approval, done on time,
# done late, overdue, paused or cancelled)
AREA_COUNTS = {
    "chi_dao": [0, 0, 0, 0, 0, 0, 0],
    "the_che": [0, 0, 0, 2, 1, 1, 0],  # t1, t8 on time; t2 late; t13 overdue
    "tthc": [1, 1, 0, 1, 0, 2, 0],  # t4; t12; t14; t3, t5
    "to_chuc_bo_may": [0] * 7, "cong_vu": [0] * 7, "tai_chinh_cong": [0] * 7,
    "chinh_quyen_so": [0, 0, 1, 0, 0, 1, 1],  # t7; t10; t6
    "khac": [0, 0, 0, 0, 0, 0, 1],  # t9
}
TOTAL_COUNTS = [1, 1, 1, 3, 1, 4, 2]
# per lead agency, most overdue first (then most tasks, then name): t7 counts for both its lead agencies
AGENCY_COUNTS = [
    ("justice", [0, 0, 1, 1, 1, 2, 0]),  # t7; t1; t2; t3, t13
    ("finance", [1, 0, 1, 1, 0, 1, 1]),  # t4; t7; t14; t5; t6
    ("home", [0, 0, 0, 1, 0, 1, 1]),  # t8; t10; t9
    ("district", [0, 1, 0, 0, 0, 0, 0]),  # t12
]
# heatmap: (due, done on time) per agency and area; due = has a due date, not cancelled, done or past due
HEAT = {
    ("justice", "the_che"): (3, 1),  # t1 on time, t2 late, t13 open past due
    ("justice", "tthc"): (1, 0),  # t3
    ("finance", "tthc"): (2, 1),  # t5 open past due, t14 on time (t4 not yet due)
    ("home", "chinh_quyen_so"): (1, 0),  # t10 (t8, t9: no due date)
}
HEAT_TOTAL = {"justice": (4, 1), "finance": (2, 1), "home": (1, 0), "district": (0, 0)}
# overdue at each month end up to today, then today (15/09)
TREND = [("2025-01-31", 0), ("2025-02-28", 1), ("2025-03-31", 2), ("2025-04-30", 2), ("2025-05-31", 2),
         ("2025-06-30", 2), ("2025-07-31", 3), ("2025-08-31", 3), ("2025-09-15", 3)]
JUSTICE_TREND = [0, 0, 1, 1, 1, 1, 2, 2, 2]  # t2 in 03–04, t13 from 05, t3 from 07


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(datetime(2025, 9, 15, 9, 0, tzinfo=VN), tick=False):
        yield


@dataclass
class World:
    agencies: dict[str, Agency]
    plan: Plan
    own_plan: Plan
    tasks: dict[str, Task]
    targets: dict[str, Target]


def make_plan(title: str, year: int, owner: Agency, number: str) -> tuple[Plan, dict[str, Section]]:
    plan = Plan.objects.create(title=title, year=year, owner=owner, number=number, issued_date=date(year - 1, 12, 20))
    sections = {area: Section.objects.create(plan=plan, number=str(i + 1), title=area.upper() or "NHIỆM VỤ KHÁC",
                                             area=area, order=i)
                for i, area in enumerate([*AREAS, ""])}
    return plan, sections


def add_task(plan: Plan, section: Section, leads: list[Agency], status: str, due: date | None,
             completed: date | None, n: int) -> Task:
    task = Task.objects.create(plan=plan, section=section, number=str(n), order=n, content=f"Nhiệm vụ thử {n}",
                               status=status, due_date=due, completed_on=completed,
                               progress=100 if status == Status.DONE else 30)
    for i, lead in enumerate(leads):
        TaskAgency.objects.create(task=task, agency=lead, role=TaskAgency.Role.LEAD, text=lead.name, order=i)
    return task


def publish(level: str, year: int, indexes: dict[Agency, str], code: str) -> Framework:
    framework = Framework.objects.create(code=code, name=f"Bộ chỉ số CCHC {level} {year}", year=year, level=level,
                                         total_points=Decimal(100),
                                         published_at=timezone.make_aware(datetime(year + 1, 3, 1, 9)))
    Criterion.objects.create(framework=framework, code="1", title="Công tác chỉ đạo, điều hành",
                             max_points=Decimal(100), rule="manual", order=1, depth=1)
    for agency, index in indexes.items():
        value = Decimal(index)
        Assessment.objects.create(framework=framework, agency=agency, status=Assessment.Status.PUBLISHED,
                                  final_total=value, self_total=value, max_total=Decimal(100), index=value)
    return framework


def build_world(agencies: dict[str, Agency]) -> World:
    plan, sections = make_plan("Kế hoạch cải cách hành chính năm 2025", 2025, agencies["province"], "150/KH-UBND")
    tasks = {}
    for n, (name, area, leads, status, due, completed) in enumerate(TASKS, start=1):
        tasks[name] = add_task(plan, sections[area], [agencies[a] for a in leads], status,
                               D(due) if due else None, D(completed) if completed else None, n)
    # last year's plan: not on the 2025 dashboards
    old, old_sections = make_plan("Kế hoạch cải cách hành chính năm 2024", 2024, agencies["province"], "90/KH-UBND")
    add_task(old, old_sections["the_che"], [agencies["justice"]], Status.IN_PROGRESS, date(2024, 6, 30), None, 1)
    Target.objects.create(plan=old, text="Chỉ tiêu năm 2024", value=90, unit="%")

    # targets of the province's plan, judged on their latest actual
    q1 = ReportPeriod.objects.create(plan=plan, name="Quý I/2025", data_from=date(2024, 12, 15),
                                     data_to=date(2025, 3, 14), submit_by=date(2025, 3, 14))
    q2 = ReportPeriod.objects.create(plan=plan, name="6 tháng/2025", data_from=date(2024, 12, 15),
                                     data_to=date(2025, 6, 14), submit_by=date(2025, 6, 14))
    targets = {
        "on_time": Target.objects.create(plan=plan, text="Tỷ lệ hồ sơ đúng hạn tối thiểu 98%", value=98, unit="%",
                                         order=1),
        "days": Target.objects.create(plan=plan, text="Thời gian giải quyết tối đa 5 ngày", value=5, unit="ngày",
                                      comparator=Target.Comparator.AT_MOST, order=2),
        "none": Target.objects.create(plan=plan, text="Chỉ số hài lòng trên 85%", value=85, unit="%", order=3),
        "full": Target.objects.create(plan=plan, text="100% thủ tục công khai", value=100, unit="%", order=4),
    }
    targets["on_time"].agencies.add(agencies["justice"])

    def actual(target: str, period: ReportPeriod, value: str, agency: Agency | None = None) -> None:
        TargetActual.objects.create(target=targets[target], period=period, value=Decimal(value), agency=agency,
                                    source=TargetActual.Source.MANUAL)

    actual("on_time", q1, "99")  # met in Quý I …
    actual("on_time", q2, "90")  # … not met in the latest period: not met
    actual("on_time", q2, "99", agencies["justice"])  # Sở Tư pháp's own figure: met
    actual("days", q1, "3")  # at most 5: met
    actual("full", q2, "100")  # met
    # Sở Tư pháp's own plan, with a target and no actual yet
    own_plan, _ = make_plan("Kế hoạch CCHC năm 2025 của Sở Tư pháp", 2025, agencies["justice"], "7/KH-STP")
    targets["own"] = Target.objects.create(plan=own_plan, text="100% văn bản được rà soát", value=100, unit="%")

    # PAR-Index: departments published for 2025 (with 2024 before), and a finalised one that is not counted
    publish("department", 2024, {agencies["justice"]: "70"}, "par-so-2024")
    published = publish("department", 2025, {agencies["finance"]: "91.25", agencies["home"]: "80.5",
                                             agencies["justice"]: "80.5"}, "par-so-2025")
    Assessment.objects.create(framework=published, agency=agencies["province"], status=Assessment.Status.FINALISED,
                              index=Decimal(99), final_total=Decimal(99), max_total=Decimal(100))
    return World(agencies, plan, own_plan, tasks, targets)


@pytest.fixture
def world(agencies: dict[str, Agency]) -> World:
    return build_world(agencies)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def rows_of(html: bytes | str, table_id: str) -> dict[str, list[str]]:
    """A table's rows by their data-key: every cell's text."""
    doc = lxml.html.fromstring(html)
    tables = doc.xpath(f'//table[@id="{table_id}"]')
    assert tables, f"no table {table_id}"
    return {tr.get("data-key"): [" ".join(c.text_content().split()) for c in tr.xpath("./td|./th")]
            for tr in tables[0].xpath(".//tr[@data-key]")}


def chart_data(html: bytes | str, name: str) -> dict[str, Any]:
    """The JSON a chart is drawn from (its json_script element)."""
    return json.loads(lxml.html.fromstring(html).get_element_by_id(f"chart-{name}-data").text_content())


def ints(cells: list[str]) -> list[int]:
    return [int(c) for c in cells]


def number(text: str) -> float | None:
    """A number as the page prints it in Vietnamese: "33,3%" → 33.3; "—" → None."""
    text = text.split("%")[0].strip()
    return None if text in ("", "—") else float(text.replace(",", "."))


def sheet(client: Client, chart: str, **params: Any) -> list[list[Any]]:
    response = client.get(reverse("dashboard_xlsx"), {"chart": chart, **params})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename=\"bang-dieu-khien-")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def table_part(rows: list[list[Any]], first_header: str) -> tuple[list[Any], list[list[Any]]]:
    """The header row (found by its first cell) and the rows under it."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    return rows[start], [r for r in rows[start + 1:] if any(v is not None for v in r)]


# --- the province's dashboard ---------------------------------------------------------------------------------

def test_status_per_area(client: Client, users: dict[str, User], world: World) -> None:
    response = signed_in(client, users["viewer"]).get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bảng điều khiển CCHC năm 2025" in html  # the latest plan year by default
    rows = rows_of(html, "table-status_by_area")
    for area, counts in AREA_COUNTS.items():
        assert ints(rows[area][1:-1]) == counts, area
        assert int(rows[area][-1]) == sum(counts)
    assert rows["tthc"][0] == "Cải cách thủ tục hành chính" and rows["khac"][0] == "Khác"
    assert ints(rows["total"][1:-1]) == TOTAL_COUNTS and int(rows["total"][-1]) == 13
    assert list(rows)[:7] == AREAS  # the plans' order
    # the stacked bars are drawn from the same figures: one dataset per status, one bar per area
    data = chart_data(html, "status_by_area")
    assert data["labels"][2] == "Cải cách thủ tục hành chính" and len(data["labels"]) == 8
    assert [d["label"] for d in data["datasets"]][5] == "Quá hạn"
    assert [[d["data"][i] for d in data["datasets"]] for i in range(8)] == list(AREA_COUNTS.values())


def test_status_per_lead_agency(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard")).content.decode()
    rows = rows_of(html, "table-status_by_agency")
    expected = [(str(world.agencies[name].pk), counts) for name, counts in AGENCY_COUNTS]
    assert list(rows) == [pk for pk, _ in expected]  # most overdue first
    for pk, counts in expected:
        assert ints(rows[pk][2:-1]) == counts
        assert int(rows[pk][-1]) == sum(counts)
    justice = world.agencies["justice"]
    assert rows[str(justice.pk)][:2] == ["1", "Sở Tư pháp"]
    assert f'href="{reverse("dashboard_agency", args=[justice.pk])}?nam=2025"' in html


def test_heatmap_shares(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard")).content.decode()
    doc = lxml.html.fromstring(html)
    areas = [th.get("data-area") for th in doc.xpath('//table[@id="table-heatmap"]//th[@data-area]')]
    assert areas == [*AREAS, "khac"]
    for name, _ in AGENCY_COUNTS:
        agency = world.agencies[name]
        cells = doc.xpath(f'//table[@id="table-heatmap"]//tr[@data-key="{agency.pk}"]/td[@data-due]')
        assert len(cells) == len(areas) + 1
        for area, cell in zip([*areas, "all"], cells, strict=True):
            due, on_time = HEAT_TOTAL[name] if area == "all" else HEAT.get((name, area), (0, 0))
            assert (int(cell.get("data-due")), int(cell.get("data-on-time"))) == (due, on_time), (name, area)
            text = " ".join(cell.text_content().split())
            if due:
                assert number(text) == round(100 * on_time / due, 1)
                assert text.endswith(f"({on_time}/{due})")
            else:
                assert text == "—"
    # the chart's JSON: cells of the same figures, the share in per cent
    data = selectors.agency_breakdown(selectors.Scope(2025, TODAY)).heatmap
    justice = next(r for r in data.rows if r.agency_id == world.agencies["justice"].pk)
    assert [c.share for c in justice.cells[:3]] == [None, 33.3, 0.0] and justice.total.share == 25.0


def test_overdue_trend_month_by_month(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard")).content.decode()
    rows = rows_of(html, "table-overdue_trend")
    assert [(day, int(cells[-1])) for day, cells in rows.items()] == TREND
    assert rows["2025-09-15"][0] == "Đến 15/09" and rows["2025-03-31"][0] == "03/2025"
    assert "hạn hiện hành" in html  # the page says the current due date is used


def test_overdue_trend_of_a_past_year_has_twelve_month_ends(agencies: dict[str, Agency]) -> None:
    plan, sections = make_plan("Kế hoạch 2024", 2024, agencies["province"], "1/KH")
    # due 15/03/2024, done 10/06/2024: overdue at the end of March, April and May
    add_task(plan, sections["tthc"], [agencies["home"]], Status.DONE, date(2024, 3, 15), date(2024, 6, 10), 1)
    points = selectors.overdue_trend(selectors.Scope(2024, TODAY))
    assert [p.day.month for p in points] == list(range(1, 13))
    assert [p.overdue for p in points] == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]


def test_targets_met_per_plan(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard")).content.decode()
    rows = rows_of(html, "table-targets")
    assert ints(rows[str(world.plan.pk)][1:]) == [2, 1, 1, 4]  # đạt, chưa đạt, chưa có số liệu, tổng
    assert ints(rows[str(world.own_plan.pk)][1:]) == [0, 0, 1, 1]
    assert len(rows) == 2  # 2024's plan is not shown


def test_targets_follow_the_indicators_rule(world: World) -> None:
    """The chart reads plain values; its counts are those of indicators.selectors.target_rows, the one rule."""
    from dondoc.indicators.selectors import target_rows

    # a target followed in one period only: its Quý I actual counts, not a later one of another period
    only_q1 = Target.objects.create(plan=world.plan, text="Chỉ tiêu quý I", value=50, unit="%", order=5,
                                    period=world.plan.report_periods.get(name="Quý I/2025"))
    for period, value in ((only_q1.period, "40"), (world.plan.report_periods.get(name="6 tháng/2025"), "60")):
        TargetActual.objects.create(target=only_q1, period=period, value=Decimal(value),
                                    source=TargetActual.Source.MANUAL)
    expected: dict[int, dict[str, int]] = {}
    for row in target_rows(Target.objects.filter(plan__year=2025)):
        per_plan = expected.setdefault(row.target.plan_id, {"met": 0, "not_met": 0, "no_data": 0})
        per_plan[row.state] += 1
    found = {p.plan.pk: p.counts for p in selectors.targets_by_plan(selectors.Scope(2025, TODAY))}
    assert found == expected
    assert found[world.plan.pk] == {"met": 2, "not_met": 2, "no_data": 1}


def test_ranking_order(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard")).content.decode()
    rows = rows_of(html, "table-ranking-department")
    a = world.agencies
    assert list(rows) == [str(a["finance"].pk), str(a["home"].pk), str(a["justice"].pk)]  # ties by name
    assert [r[0] for r in rows.values()] == ["1", "2", "2"]
    assert [number(r[2]) for r in rows.values()] == [91.25, 80.5, 80.5]
    assert number(rows[str(a["justice"].pk)][5]) == 70 and number(rows[str(a["justice"].pk)][6]) == 10.5
    assert str(a["province"].pk) not in rows  # finalised, not published
    data = chart_data(html, "ranking_department")
    assert data["labels"] == ["1. Sở Tài chính", "2. Sở Nội vụ", "2. Sở Tư pháp"]
    assert data["datasets"][0]["data"] == [91.25, 80.5, 80.5]
    # the departments' task-completion grades: Sở Nội vụ and Sở Tài chính 1 of 2 graded tasks on time (50),
    # Sở Tư pháp 1 on time, 1 late (half), 2 overdue of 4 (37.5)
    grades = rows_of(html, "table-grades")
    assert list(grades) == [str(a["home"].pk), str(a["finance"].pk), str(a["justice"].pk)]
    assert [(g[0], number(g[2])) for g in grades.values()] == [("1", 50.0), ("1", 50.0), ("3", 37.5)]


def test_every_chart_has_png_and_xlsx(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard")).content.decode()
    doc = lxml.html.fromstring(html)
    canvases = doc.xpath("//canvas[@data-chart-kind]")
    names = {c.get("id") for c in canvases}
    assert names == {"chart-status_by_area", "chart-status_by_agency", "chart-heatmap", "chart-overdue_trend",
                     "chart-targets", "chart-ranking_department", "chart-grades"}
    for canvas in canvases:
        assert doc.xpath(f'//button[@class="chart-png"][@data-chart="{canvas.get("id")}"]')
        assert doc.get_element_by_id(canvas.get("data-source")).tag == "script"
    links = [a.get("href") for a in doc.xpath('//a[@class="xlsx"]')]
    assert len(links) == len(canvases)
    assert all(link.startswith(reverse("dashboard_xlsx") + "?chart=") and "nam=2025" in link for link in links)
    assert "vendor/chartjs-matrix/chartjs-chart-matrix.min.js" in html and "dondoc/dashboards.js" in html


def test_xlsx_match_the_page(client: Client, users: dict[str, User], world: World) -> None:
    signed_in(client, users["viewer"])
    html = client.get(reverse("dashboard")).content.decode()

    rows = sheet(client, "status_by_area", nam=2025)
    assert rows[0][0] == "Nhiệm vụ theo trạng thái, theo lĩnh vực"
    headers, body = table_part(rows, "Lĩnh vực")
    assert headers[1:] == ["Chưa triển khai", "Đang thực hiện", "Chờ duyệt", "Hoàn thành đúng hạn",
                           "Hoàn thành quá hạn", "Quá hạn", "Tạm dừng/Không thực hiện", "Tổng số"]
    page = rows_of(html, "table-status_by_area")
    assert [[r[0], *r[1:]] for r in body] == [[cells[0], *ints(cells[1:])] for cells in page.values()]

    headers, body = table_part(sheet(client, "status_by_agency", nam=2025), "TT")
    page = rows_of(html, "table-status_by_agency")
    assert [r[1:] for r in body] == [[cells[1], *ints(cells[2:])] for cells in page.values()]

    headers, body = table_part(sheet(client, "heatmap", nam=2025), "Cơ quan chủ trì")
    assert headers == ["Cơ quan chủ trì", "Lĩnh vực", "Nhiệm vụ đến hạn", "Hoàn thành đúng hạn", "Tỷ lệ đúng hạn (%)"]
    assert ["Sở Tư pháp", "Cải cách thể chế", 3, 1, 33.3] in body
    assert ["Sở Tài chính", "Tất cả lĩnh vực", 2, 1, 50.0] in body
    assert ["UBND huyện Mường Xanh", "Tất cả lĩnh vực", 0, 0, None] in body

    headers, body = table_part(sheet(client, "overdue_trend", nam=2025), "Thời điểm")
    assert [(r[1].date().isoformat(), r[2]) for r in body] == TREND

    headers, body = table_part(sheet(client, "targets", nam=2025), "Kế hoạch")
    assert headers == ["Kế hoạch", "Đạt", "Chưa đạt", "Chưa có số liệu", "Tổng số"]
    assert [r[1:] for r in body] == [ints(c[1:]) for c in rows_of(html, "table-targets").values()]

    rows = sheet(client, "ranking", nam=2025, level="department")
    headers, body = table_part(rows, "Hạng")
    assert [(r[0], r[1], r[2]) for r in body] == [(1, "Sở Tài chính", 91.25), (2, "Sở Nội vụ", 80.5),
                                                   (2, "Sở Tư pháp", 80.5)]
    headers, body = table_part(sheet(client, "grades", nam=2025), "Hạng")
    assert [(r[0], r[1], r[2]) for r in body] == [(1, "Sở Nội vụ", 50.0), (1, "Sở Tài chính", 50.0),
                                                   (3, "Sở Tư pháp", 37.5)]


def test_plan_filter(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard"), {"ke_hoach": world.own_plan.pk}).content
    rows = rows_of(html, "table-status_by_area")
    assert int(rows["total"][-1]) == 0  # Sở Tư pháp's own plan has no task
    assert list(rows_of(html, "table-targets")) == [str(world.own_plan.pk)]
    _, body = table_part(sheet(client, "targets", ke_hoach=world.own_plan.pk), "Kế hoạch")
    assert [r[1:] for r in body] == [[0, 0, 1, 1]]


def test_year_filter(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard"), {"nam": 2024}).content.decode()
    assert "Bảng điều khiển CCHC năm 2024" in html
    rows = rows_of(html, "table-status_by_area")
    assert ints(rows["the_che"][1:-1]) == [0, 0, 0, 0, 0, 1, 0]  # 2024's one task, overdue now
    assert len(rows_of(html, "table-overdue_trend")) == 12


# --- an agency's dashboard ------------------------------------------------------------------------------------

def test_agency_dashboard(client: Client, users: dict[str, User], world: World) -> None:
    justice = world.agencies["justice"]
    html = signed_in(client, users["viewer"]).get(reverse("dashboard_agency", args=[justice.pk])).content.decode()
    rows = rows_of(html, "table-status_by_area")
    assert ints(rows["the_che"][1:-1]) == [0, 0, 0, 1, 1, 1, 0]  # t1 on time, t2 late, t13 overdue
    assert ints(rows["tthc"][1:-1]) == [0, 0, 0, 0, 0, 1, 0]  # t3
    assert ints(rows["chinh_quyen_so"][1:-1]) == [0, 0, 1, 0, 0, 0, 0]  # t7, shared with Sở Tài chính
    assert ints(rows["total"][1:-1]) == dict(AGENCY_COUNTS)["justice"]
    trend = rows_of(html, "table-overdue_trend")
    assert [int(c[-1]) for c in trend.values()] == JUSTICE_TREND
    # its targets: the province's on-time target assigned to it (latest: 90, not met; its own 99: met) and its
    # own plan's (no data)
    targets = rows_of(html, "table-targets")
    assert list(targets) == [str(world.targets["on_time"].pk), str(world.targets["own"].pk)]
    assert targets[str(world.targets["on_time"].pk)][5:] == ["Chưa đạt", "99", "Đạt"]
    assert targets[str(world.targets["own"].pk)][5] == "Chưa có số liệu"
    doc = lxml.html.fromstring(html)
    assert [int(td.text_content()) for td in doc.xpath('//table[@id="table-target-counts"]//td')] == [0, 1, 1]
    # PAR-Index over the years, and the task grade (1.5 of 4 graded tasks: 37.5)
    par = rows_of(html, "table-par_index")
    assert [(k, number(v[2])) for k, v in par.items()] == [("2024", 70.0), ("2025", 80.5)]
    assert number(doc.get_element_by_id("grade-score").text_content()) == 37.5
    assert doc.get_element_by_id("grade-band").text_content() == "Không hoàn thành nhiệm vụ"
    grade = rows_of(html, "table-grade")
    assert (int(grade["on_time"][1]), int(grade["late"][1]), int(grade["not_done"][1])) == (1, 1, 2)
    assert len(doc.xpath("//canvas[@data-chart-kind]")) == len(doc.xpath('//a[@class="xlsx"]')) == 4


def test_agency_xlsx_match_the_page(client: Client, users: dict[str, User], world: World) -> None:
    justice = world.agencies["justice"]
    signed_in(client, users["focal"])
    html = client.get(reverse("dashboard_agency", args=[justice.pk])).content.decode()
    rows = sheet(client, "status_by_area", agency=justice.pk)
    assert "Sở Tư pháp" in rows[1][0]
    _, body = table_part(rows, "Lĩnh vực")
    page = rows_of(html, "table-status_by_area")
    assert [[r[0], *r[1:]] for r in body] == [[cells[0], *ints(cells[1:])] for cells in page.values()]
    _, body = table_part(sheet(client, "overdue_trend", agency=justice.pk), "Thời điểm")
    assert [r[2] for r in body] == JUSTICE_TREND
    _, body = table_part(sheet(client, "targets", agency=justice.pk), "Kế hoạch")
    assert [(r[1], r[5], r[6], r[7]) for r in body] == [
        ("Tỷ lệ hồ sơ đúng hạn tối thiểu 98%", "Chưa đạt", 99.0, "Đạt"),
        ("100% văn bản được rà soát", "Chưa có số liệu", None, "Chưa có số liệu")]
    _, body = table_part(sheet(client, "par_index", agency=justice.pk), "Năm")
    assert [(r[0], r[2]) for r in body] == [(2024, 70.0), (2025, 80.5)]
    # charts only the province's dashboard draws are not an agency's
    assert client.get(reverse("dashboard_xlsx"), {"chart": "heatmap", "agency": justice.pk}).status_code == 404


def test_my_agency_link(client: Client, users: dict[str, User], world: World) -> None:
    html = signed_in(client, users["leader"]).get(reverse("dashboard")).content.decode()
    link = lxml.html.fromstring(html).get_element_by_id("my-dashboard")
    assert link.text_content() == "Bảng điều khiển của cơ quan tôi"
    assert link.get("href").startswith(reverse("dashboard_agency", args=[world.agencies["justice"].pk]))


# --- who may open them; what does not exist ---------------------------------------------------------------------

def test_anonymous_goes_to_login(client: Client, world: World) -> None:
    for url in (reverse("dashboard"), reverse("dashboard_agency", args=[world.agencies["justice"].pk]),
                reverse("dashboard_xlsx") + "?chart=status_by_area"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")


def test_every_role_reads(client: Client, users: dict[str, User], world: World) -> None:
    for user in users.values():
        signed_in(client, user)
        assert client.get(reverse("dashboard")).status_code == 200
        assert client.get(reverse("dashboard_agency", args=[world.agencies["finance"].pk])).status_code == 200


def test_inactive_user_refused(client: Client, users: dict[str, User], world: World) -> None:
    """policy.can_see_rankings: signed in and active (an inactive user's session is not one Django keeps)."""
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from dondoc.dashboards import views

    users["viewer"].is_active = False
    request = RequestFactory().get(reverse("dashboard"))
    request.user = users["viewer"]
    with pytest.raises(PermissionDenied):
        views.dashboard(request)


def test_unknown_chart_group_and_agency_are_404(client: Client, users: dict[str, User], world: World) -> None:
    signed_in(client, users["viewer"])
    group = agency_services.create_agency("Các sở, ban, ngành tỉnh", is_group=True)
    xlsx = reverse("dashboard_xlsx")
    assert client.get(xlsx, {"chart": "khong-co"}).status_code == 404
    assert client.get(xlsx).status_code == 404
    assert client.get(xlsx, {"chart": "ranking", "level": "commune"}).status_code == 404  # nothing published
    assert client.get(xlsx, {"chart": "status_by_area", "agency": group.pk}).status_code == 404
    assert client.get(xlsx, {"chart": "status_by_area", "agency": "abc"}).status_code == 404
    assert client.get(reverse("dashboard_agency", args=[group.pk])).status_code == 404
    assert client.get(reverse("dashboard_agency", args=[999_999])).status_code == 404


def test_empty_database(client: Client, users: dict[str, User]) -> None:
    html = signed_in(client, users["viewer"]).get(reverse("dashboard")).content.decode()
    assert "Bảng điều khiển CCHC năm 2025" in html  # no plan: this year
    assert "Chưa có kết quả Chỉ số CCHC nào được công bố." in html
    assert client.get(reverse("dashboard"), {"nam": "99999"}).status_code == 200  # a typo: the default year


# --- queries: a small, fixed number whatever the size of the province ------------------------------------------

# measured: the session and the user (2), the filters' years and plans (2), one aggregate per chart (and the lead
# agencies' names), the targets' four reads, the ranking per published level (frameworks, levels, assessments,
# last year's framework and assessments), the grades (7: the agencies, and for this year and last the grading
# rule, the lead links and the approved extensions), the unread notifications and the user's agency
MAX_QUERIES = {"dashboard": 26, "dashboard_agency": 17, "dashboard_xlsx": 10}


def grow(agencies: dict[str, Agency], world: World, n_agencies: int, tasks_each: int) -> None:
    """More agencies (departments and districts), each leading tasks of every status in every area, with targets
    and published PAR-Index results."""
    plan = world.plan
    sections = {s.area: s for s in plan.sections.all()}
    department = Level.objects.get(code="department")
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.PAUSED, Status.CANCELLED,
                Status.AWAITING_APPROVAL]
    framework = Framework.objects.get(code="par-so-2025")
    n = 100
    for i in range(n_agencies):
        agency = Agency.objects.create(name=f"Sở thử nghiệm {i}", level=department, parent=agencies["province"])
        for j in range(tasks_each):
            n += 1
            status = statuses[j % len(statuses)]
            add_task(plan, sections[AREAS[j % len(AREAS)]], [agency], status, date(2025, 1 + j % 12, 28),
                     date(2025, 1 + j % 12, 20 + j % 10) if status == Status.DONE else None, n)
        Assessment.objects.create(framework=framework, agency=agency, status=Assessment.Status.PUBLISHED,
                                  index=Decimal(50 + i), final_total=Decimal(50 + i), max_total=Decimal(100))
        target = Target.objects.create(plan=plan, text=f"Chỉ tiêu thử {i}", value=90, unit="%", order=10 + i)
        target.agencies.add(agency)


def count_queries(client: Client, world: World) -> dict[str, int]:
    justice = world.agencies["justice"]
    urls = {"dashboard": reverse("dashboard"),
            "dashboard_agency": reverse("dashboard_agency", args=[justice.pk]),
            "dashboard_xlsx": reverse("dashboard_xlsx") + "?chart=heatmap"}
    counts = {}
    for name, url in urls.items():
        client.get(url)  # warm: the session and the user once loaded the same way each time
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured)
    return counts


@pytest.mark.parametrize(("n_agencies", "tasks_each"), [(0, 0), (12, 20)])
def test_queries_do_not_grow_with_the_province(client: Client, users: dict[str, User], world: World,
                                               django_assert_max_num_queries: Any, n_agencies: int,
                                               tasks_each: int) -> None:
    grow(world.agencies, world, n_agencies, tasks_each)
    signed_in(client, users["viewer"])
    justice = world.agencies["justice"]
    with django_assert_max_num_queries(MAX_QUERIES["dashboard"]):
        assert client.get(reverse("dashboard")).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES["dashboard_agency"]):
        assert client.get(reverse("dashboard_agency", args=[justice.pk])).status_code == 200
    for chart in ("status_by_area", "status_by_agency", "heatmap", "overdue_trend", "targets", "grades"):
        with django_assert_max_num_queries(MAX_QUERIES["dashboard_xlsx"]):
            assert client.get(reverse("dashboard_xlsx"), {"chart": chart}).status_code == 200


def test_same_number_of_queries_small_and_big(client: Client, users: dict[str, User], world: World) -> None:
    signed_in(client, users["viewer"])
    small = count_queries(client, world)
    grow(world.agencies, world, 15, 24)
    assert Task.objects.count() > 300 and Agency.objects.count() >= 20
    big = count_queries(client, world)
    assert big == small


def test_agency_tables_are_paged_and_the_xlsx_keeps_every_agency(client: Client, users: dict[str, User],
                                                                  world: World) -> None:
    """Past AGENCY_ROWS lead agencies the status table and the heatmap table show a page each (the same agencies,
    numbered on from the page before); the XLSX still lists every agency."""
    from dondoc.dashboards.views import AGENCY_ROWS

    grow(world.agencies, world, AGENCY_ROWS + 3, 1)
    signed_in(client, users["viewer"])
    first = client.get(reverse("dashboard")).content
    second = client.get(reverse("dashboard"), {"trang": 2}).content
    first_rows, second_rows = rows_of(first, "table-status_by_agency"), rows_of(second, "table-status_by_agency")
    assert len(first_rows) == AGENCY_ROWS and len(second_rows) == len(AGENCY_COUNTS) + 3
    assert not set(first_rows) & set(second_rows)
    assert rows_of(first, "table-heatmap").keys() == first_rows.keys()
    assert rows_of(second, "table-heatmap").keys() == second_rows.keys()
    numbers = [tr.xpath("td[1]")[0].text_content() for tr in
               lxml.html.fromstring(second).get_element_by_id("table-status_by_agency").xpath("tbody/tr")]
    assert numbers[0] == str(AGENCY_ROWS + 1)
    assert "trang=1" in lxml.html.fromstring(second).xpath("//p[contains(@class,'pager')]//a/@href")[0]
    sheet = load_workbook(io.BytesIO(client.get(reverse("dashboard_xlsx"), {"chart": "status_by_agency"}).content))
    names = {row[1] for row in sheet.active.iter_rows(values_only=True)}
    assert {a.name for a in Agency.objects.filter(name__startswith="Sở thử nghiệm")} <= names
