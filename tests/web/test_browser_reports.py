"""A real browser through a quarterly report (headless Chromium, Playwright).

What the issue asks the application to show: an agency's focal officer opens the Q1 draft of a seed plan, edits a
narrative section and sends it to the leader; the leader approves and sends it; the standing agency sees it
submitted in the period's tracking and downloads the province's aggregate, whose DOCX is checked here.

The seed plan is stored from its hand-checked Plan JSON (seed 000, which states the quarterly cut-offs). Its Q1
window closed years ago, so the draft is composed from the tasks' history at the cut-off, whatever today is.

Needs the `playwright` Python package and a Chromium binary (Debian: `apt-get install chromium`). Without them the
test is skipped with the reason, unless DONDOC_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.urls import reverse
from openpyxl import load_workbook

from dondoc.accounts.models import Role
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.models import TaskAgency
from dondoc.plans.services import store_plan
from dondoc.reports.models import Report

from .browser import Page, expect, log_in
from .conftest import docx_lines, gold, make_user

DIRECTION = "Lãnh đạo Sở đã quán triệt kế hoạch cải cách hành chính tới từng phòng, đơn vị."


def log_out(page: Page) -> None:
    page.locator("header .who").get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_quarterly_report_from_draft_to_province_aggregate(page: Page, live_server: Any, tmp_path: Path,
                                                           users: dict[str, Any]) -> None:
    data = gold("000")
    owner = agency_services.ensure(data["document"]["issuer"])
    plan = store_plan(data, resolve=lambda name: agency_services.ensure(name, owner=owner), owner=owner,
                      actor=users["admin"])
    q1 = plan.report_periods.get(name__startswith="Quý I/")
    # the agency leading most tasks after the standing agency itself (a real agency, not a group)
    busiest = (TaskAgency.objects.filter(task__plan=plan, role=TaskAgency.Role.LEAD, agency__is_group=False)
               .exclude(agency__name="Sở Nội vụ").exclude(agency=owner)
               .values("agency_id").annotate(n=Count("task_id")).order_by("-n", "agency_id").first())
    agency = Agency.objects.get(pk=busiest["agency_id"])
    focal = make_user("daumoi_sobaocao", Role.FOCAL, agency)
    leader = make_user("lanhdao_sobaocao", Role.LEADER, agency)
    page.on("dialog", lambda dialog: dialog.accept())  # the "send and lock?" confirmation
    base = live_server.url

    # 1. the focal officer opens the Q1 draft from the reports page and writes section I
    log_in(page, base, focal.username)
    page.locator("nav.mainnav").get_by_role("link", name="Báo cáo", exact=True).click()
    page.goto(f"{base}{reverse('reports_home')}?nam={plan.year}")
    row = page.locator("#ky-bao-cao tbody tr", has_text=q1.name)
    row.get_by_role("link", name="Lập báo cáo").click()
    page.get_by_role("button", name="Lập dự thảo báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lập dự thảo báo cáo")
    expect(page.locator("h1")).to_contain_text(f"{q1.name} — {agency.name}")
    expect(page.locator("#tinh-trang")).to_have_text("Dự thảo")
    total = busiest["n"]
    expect(page.locator("#tong-so")).to_have_text(str(total))
    results = page.get_by_label("II. Kết quả thực hiện trên các lĩnh vực (nhận xét)")
    expect(results).to_contain_text(f"cơ quan chủ trì {total} nhiệm vụ")  # drafted from the data
    page.get_by_label("I. Công tác chỉ đạo, điều hành").fill(DIRECTION)
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo.")
    expect(page.get_by_label("I. Công tác chỉ đạo, điều hành")).to_have_value(DIRECTION)
    page.get_by_role("button", name="Trình lãnh đạo duyệt").click()
    expect(page.locator("#tinh-trang")).to_have_text("Chờ lãnh đạo duyệt")
    log_out(page)

    # 2. the leader is notified, opens the report and approves it: it is sent and locked
    log_in(page, base, leader.username)
    page.locator("nav.mainnav").get_by_role("link", name="Thông báo").click()
    page.get_by_role("button", name=f"Chờ duyệt: {agency.name}").first.click()  # opens it and marks it read
    expect(page.locator("h1")).to_contain_text(agency.name)
    page.get_by_role("button", name="Duyệt và gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt và gửi báo cáo")
    expect(page.locator("#tinh-trang")).to_have_text("Đã gửi")
    expect(page.locator("#phan-viet")).to_contain_text(DIRECTION)
    expect(page.get_by_role("button", name="Lưu báo cáo")).to_have_count(0)
    log_out(page)
    report = Report.objects.get(agency=agency)
    assert report.state == Report.State.SUBMITTED and report.snapshot["totals"]["total"] == total

    # 3. the standing agency sees it submitted and composes the province's aggregate
    log_in(page, base, users["standing"].username)
    page.goto(f"{base}{reverse('reports_home')}?nam={plan.year}")
    page.locator("#ky-bao-cao tbody tr", has_text=q1.name).get_by_role("link", name=q1.name).click()
    sent = page.locator("#tinh-hinh-gui tbody tr", has_text=agency.name)
    expect(sent).to_contain_text("Đã gửi")
    expect(page.locator("#so-da-gui")).to_contain_text("1/")
    page.get_by_role("button", name="Lập báo cáo tổng hợp").click()
    expect(page.locator("h1")).to_contain_text("Báo cáo tổng hợp")
    expect(page.get_by_label("I. Công tác chỉ đạo, điều hành")).to_contain_text(DIRECTION)
    expect(page.locator("#theo-co-quan")).to_contain_text(agency.name)
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải báo cáo (DOCX)").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".docx"
    text = "\n".join(docx_lines(saved.read_bytes())[1])
    assert "BÁO CÁO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert DIRECTION in text and agency.name in text
    assert owner.name.upper() in text.upper()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải phụ lục (XLSX)").click()
    book_path = tmp_path / info.value.suggested_filename
    info.value.save_as(book_path)
    book = load_workbook(book_path)
    area_sheets = [s for s in book.worksheets if s.title not in ("Tổng hợp", "Theo cơ quan")]
    numbered = sum(1 for sheet in area_sheets for (first,) in sheet.iter_rows(min_col=1, max_col=1, values_only=True)
                   if isinstance(first, int))
    assert "Theo cơ quan" in book.sheetnames and numbered == plan.tasks.count()  # one row per task of the plan
