"""A real browser through the one-stop-shop statistics (headless Chromium, Playwright).

What the issue asks the application to show: the standing agency imports a generated export of the one-stop
system; the seed plan's on-time target ("99,99% … giải quyết đúng hạn và trước hạn", seed 000) gets its actual
per report period, marked đạt / chưa đạt; its trend chart opens and can be saved as PNG.

The expected figure is worked out here from the generated rows themselves, independently of dondoc's DuckDB
query. Needs the `playwright` package and Chromium; skipped with the reason otherwise (a failure in CI).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.indicators.dossiers import schema
from dondoc.indicators.dossiers.generate import AgencySpec, generate, write_export
from dondoc.indicators.models import DossierImport
from dondoc.plans.models import TaskAgency
from dondoc.plans.services import store_plan

from .browser import Page, expect, log_in
from .conftest import gold


def on_time_rate(frame: Any, start: date, end: date) -> float:
    """(finished early or on the due day) ÷ (finished in the window with a due date) × 100, row by row."""
    def day(text: str) -> date | None:
        for fmt in schema.DATETIME_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return None

    judged = good = 0
    for r in frame.iter_rows(named=True):
        status = schema.STATUS_WORDS.get(schema.vocab_key(r["Trạng thái"]))
        finished, due = day(r["Ngày hoàn thành"]), day(r["Ngày hẹn trả"])
        if status == "finished" and finished and start <= finished <= end and due:
            judged += 1
            good += finished <= due
    return 100.0 * good / judged


@pytest.mark.django_db(transaction=True)
def test_import_export_fills_the_on_time_target(page: Page, live_server: Any, tmp_path: Path,
                                                users: dict[str, Any]) -> None:
    data = gold("000")
    owner = agency_services.ensure(data["document"]["issuer"])
    plan = store_plan(data, resolve=lambda name: agency_services.ensure(name, owner=owner), owner=owner,
                      actor=users["admin"])
    target = plan.targets.get(metric="on_time_rate")
    q1 = plan.report_periods.get(name__startswith="Quý I/")
    # the plan's lead agencies receive the dossiers (the whole province counts: the plan is the province's)
    leads = Agency.objects.filter(pk__in=TaskAgency.objects.filter(task__plan=plan, role=TaskAgency.Role.LEAD)
                                  .values("agency_id"), is_group=False).order_by("name")[:12]
    specs = [AgencySpec(a.name, "province") for a in leads]
    frame = generate(3000, specs, start=q1.data_from, end=plan.report_periods.order_by("-data_to")[0].data_to,
                     seed=766)
    export = tmp_path / "xuat-mot-cua.csv"
    write_export(frame, export)
    expected = on_time_rate(frame, q1.data_from, q1.data_to)
    label = "Đạt" if expected >= float(target.value) else "Chưa đạt"
    base = live_server.url

    log_in(page, base, users["standing"].username)
    page.locator("nav.mainnav").get_by_role("link", name="Số liệu một cửa").click()
    page.get_by_role("link", name="Nhập dữ liệu").click()
    page.get_by_label("Tên nguồn mới").fill("Hệ thống thông tin giải quyết TTHC tỉnh")
    page.get_by_label("Tệp xuất (CSV hoặc XLSX)").set_input_files(str(export))
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.locator("#trang-thai")).to_have_text("đã nhập", timeout=120_000)  # reloads itself while running
    expect(page.locator("#so-da-nhap")).to_have_text("3.000")
    assert DossierImport.objects.get().imported == 3000

    page.get_by_role("link", name="Xem chỉ tiêu đã cập nhật số liệu").click()
    row = page.locator("#targets tbody tr", has_text="99,99% tỷ lệ hồ sơ TTHC")
    expect(row).to_contain_text(label)
    row.get_by_role("link").first.click()

    q1_row = page.locator("#trend-table tbody tr", has_text=q1.name)
    expect(q1_row).to_contain_text(label)
    trend = json.loads(page.locator("#trend-data").text_content())
    shown = trend["actual"][trend["labels"].index(q1.name)]
    assert shown == pytest.approx(expected, abs=1e-3)
    assert trend["goal"][0] == pytest.approx(99.99)
    expect(page.locator("#trend-chart")).to_have_attribute("data-ready", "1")  # drawn by Chart.js
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải ảnh PNG").click()
    png = tmp_path / info.value.suggested_filename
    info.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
