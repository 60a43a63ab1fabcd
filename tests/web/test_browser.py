"""A real browser through the import-with-review flow (headless Chromium driven by Playwright).

What the issue asks the application to show: the standing agency uploads seed 002, corrects a cell in
place, maps an unknown agency to one the directory knows, confirms, finds the plan and a task with an
accent-free search, and uploading the same file again is offered as an update.

Needs the `playwright` Python package and a Chromium binary (Debian: `apt-get install chromium`).
Without them the tests are skipped with the reason — unless DONDOC_REQUIRE_BROWSER=1 (CI), where a
missing browser is a failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans.models import ImportDraft, Milestone, Plan

from .browser import Page, expect, log_in
from .conftest import seed

# The directory knows Sở Văn hóa, Thể thao và Du lịch; the 2021 plan still names it by its former name.
RENAMED = "Sở Văn hóa, Thể thao và Du lịch"
FORMER_NAME = "Sở Văn hóa và Thể thao"


def upload(page: Page, path: Path) -> None:
    """From any page: the menu's "Nhập kế hoạch", the file, then wait until the review is there."""
    page.locator("nav.mainnav").get_by_role("link", name="Nhập kế hoạch", exact=True).click()
    expect(page.locator("h1")).to_have_text("Nhập kế hoạch từ văn bản")
    page.get_by_label("Tệp kế hoạch").set_input_files(path)
    page.get_by_role("button", name="Tải lên và đọc").click()
    # While the file is read the page polls its status and reloads itself into the review.
    expect(page.locator("h1")).to_contain_text("Duyệt bản nhập")
    expect(page.locator("table.review")).to_be_visible(timeout=90_000)


def top_search(page: Page, text: str) -> None:
    box = page.locator("header form.search input[name=q]")
    box.fill(text)
    box.press("Enter")
    expect(page.locator("h1")).to_have_text("Tìm kiếm")


@pytest.mark.django_db(transaction=True)
def test_import_review_confirm_search_reimport(page: Page, live_server: Any, users: dict[str, Any],
                                               agencies: dict[str, Agency]) -> None:
    seed_002 = seed("002")
    renamed = agency_services.create_agency(RENAMED, parent=agencies["province"])
    base = live_server.url
    log_in(page, base, users["standing"].username)

    # 1. upload seed 002 and wait for the review
    upload(page, seed_002)
    draft = ImportDraft.objects.get()
    assert draft.status == ImportDraft.Status.READY
    expect(page.locator("#duplicate-notice")).to_have_count(0)

    # 2. correct the first task's deadline in place; the normalised date is read again
    row = page.locator("tr#task-0")
    cell = row.locator("td.cell[data-field=deadline]")
    expect(cell).to_have_text("Tháng 12/2020")
    expect(row.locator(".schedule .due")).to_have_text(["2020-12-31"])
    cell.click()
    box = cell.locator("textarea")
    expect(box).to_be_focused()
    box.fill("Quý II/2021")
    box.blur()
    expect(cell).to_have_class(re.compile(r"\bedited\b"))
    expect(row.locator(".schedule .due")).to_have_text(["2021-06-30"])
    page.reload()
    row = page.locator("tr#task-0")
    expect(row.locator("td.cell[data-field=deadline]")).to_have_text("Quý II/2021")
    expect(row.locator("td.cell[data-field=deadline]")).to_have_class(re.compile(r"\bedited\b"))
    expect(row.locator(".schedule .due")).to_have_text(["2021-06-30"])

    # 3. map an unknown agency to one the directory knows, with the accent-free picker
    choice = page.locator("table.unknown-agencies tr", has=page.locator(f"td:text-is('{FORMER_NAME}')"))
    expect(choice).to_have_count(1)
    picker = choice.locator("input.agency-pick")
    picker.press_sequentially("so van hoa", delay=20)
    suggestion = choice.locator(f"datalist option[value='{RENAMED}']")
    expect(suggestion).to_have_count(1)  # suggestions come from the directory as one types
    picker.fill(suggestion.get_attribute("value"))  # what choosing the suggestion does
    expect(choice.locator("input[name=agency]")).to_have_value(str(renamed.pk))
    choice.locator("select[name=action]").select_option("map")
    choice.get_by_role("button", name="Ghi").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã ghi lựa chọn cho “{FORMER_NAME}”")
    choice = page.locator("table.unknown-agencies tr", has=page.locator(f"td:text-is('{FORMER_NAME}')"))
    expect(choice.locator(".tag")).to_have_text(f"ghép với {RENAMED}")

    # 4. confirm
    page.get_by_role("button", name="Xác nhận và lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu kế hoạch")
    plan = Plan.objects.get(number="189/KH-UBND")
    assert page.url.endswith(reverse("plan_detail", args=[plan.pk]))
    expect(page.locator("h1")).to_have_text(plan.title)
    first = plan.tasks.order_by("order").first()
    assert first.deadline_text == "Quý II/2021"
    assert [str(m.due_date) for m in first.milestones.filter(kind=Milestone.Kind.DUE)] == ["2021-06-30"]
    assert plan.tasks.filter(task_agencies__agency=renamed).exists()

    # 5. the name is learnt: an alias of the chosen agency
    page.goto(f"{base}{reverse('agency_detail', args=[renamed.pk])}")
    alias = page.locator("section", has=page.get_by_role("heading", name="Tên gọi khác")).locator("li",
                                                                                                 has_text=FORMER_NAME)
    expect(alias).to_have_count(1)
    expect(alias).to_contain_text("học từ lần nhập")
    assert agency_services.find(FORMER_NAME) == renamed

    # 6. find the plan and one of its tasks by typing without diacritics in the top search box
    top_search(page, "ke hoach cong tac cai cach hanh chinh nam 2021")
    plan_link = page.locator(f".results-plans a[href='{reverse('plan_detail', args=[plan.pk])}']")
    expect(plan_link).to_have_text(plan.title)
    top_search(page, "kiem tra xu ly va ra soat van ban qppl")
    task_link = page.locator(f".results-tasks a[href='{reverse('task_detail', args=[first.pk])}']")
    expect(task_link).to_have_count(1)
    task_link.click()
    expect(page.locator("h1")).to_contain_text("kiểm tra, xử lý và rà soát văn bản QPPL")
    expect(page.locator(".raw")).to_contain_text("Quý II/2021")

    # 7. the same file again is offered as an update of the stored plan
    upload(page, seed_002)
    notice = page.locator("#duplicate-notice")
    expect(notice).to_be_visible()
    expect(notice.locator(f"a[href='{reverse('plan_detail', args=[plan.pk])}']")).to_have_count(1)
    expect(page.locator("input[name=mode][value=update]")).to_be_checked()
    assert ImportDraft.objects.order_by("-pk").first().replaces == plan
