"""The dashboards in a real browser (headless Chromium, Playwright): every chart is drawn by Chart.js (the heatmap
by the matrix plugin), each can be saved as PNG, and an agency's dashboard opens from the province's.

The figures themselves are checked in test_dashboards.py; here the same hand-made year. Needs the `playwright`
package and Chromium; skipped with the reason otherwise (a failure in CI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from dondoc.agencies.models import Agency

from .browser import Page, expect, log_in
from .test_dashboards import AREAS, build_world

PNG = b"\x89PNG\r\n\x1a\n"


def all_drawn(page: Page, count: int) -> None:
    canvases = page.locator("canvas[data-chart-kind]")
    expect(canvases).to_have_count(count)
    for i in range(count):
        expect(canvases.nth(i)).to_have_attribute("data-ready", "1")


def download_png(page: Page, canvas_id: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.locator(f'button.chart-png[data-chart="{canvas_id}"]').click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    assert path.read_bytes()[:8] == PNG
    return path


@pytest.mark.django_db(transaction=True)
def test_dashboards_draw_and_download(page: Page, live_server: Any, tmp_path: Path, users: dict[str, Any],
                                      agencies: dict[str, Agency]) -> None:
    world = build_world(agencies)
    base = live_server.url
    log_in(page, base, users["leader"].username)
    page.goto(f"{base}{reverse('dashboard')}")
    expect(page.locator("h1")).to_contain_text("Bảng điều khiển CCHC năm 2025")
    all_drawn(page, 7)

    # the heatmap: a matrix chart, one cell per lead agency and area (7 areas and "Khác"), drawn with a size
    heat = page.evaluate("""() => {
        const chart = document.getElementById('chart-heatmap').chart;
        const cells = chart.getDatasetMeta(0).data;
        return {type: chart.config.type, n: cells.length, width: cells[0].width, height: cells[0].height,
                y: chart.scales.y.getLabels()};
    }""")
    assert heat["type"] == "matrix" and heat["n"] == 4 * (len(AREAS) + 1)
    assert heat["width"] > 5 and heat["height"] > 5
    first = page.locator("#table-heatmap tbody tr").first.locator("td").first.inner_text()
    assert heat["y"][0] == first.strip()  # the most overdue first, as the table
    assert download_png(page, "chart-heatmap", tmp_path).name == "heatmap.png"
    assert download_png(page, "chart-status_by_area", tmp_path).stat().st_size > 1000

    # the stacked bars carry the table's figures
    stacked = page.evaluate("() => document.getElementById('chart-status_by_area').chart.data.datasets"
                            ".map((d) => d.data.reduce((a, b) => a + b, 0))")
    assert sum(stacked) == len(world.tasks)

    # the leader's own agency, then another agency from the table
    page.get_by_role("link", name="Bảng điều khiển của cơ quan tôi").click()
    expect(page.locator("h1")).to_contain_text("Sở Tư pháp")
    all_drawn(page, 4)
    assert download_png(page, "chart-overdue_trend", tmp_path).name == "overdue-trend.png"
    page.go_back()
    page.locator("#table-status_by_agency").get_by_role("link", name="Sở Tài chính").click()
    expect(page.locator("h1")).to_contain_text("Sở Tài chính")
    all_drawn(page, 4)
