"""A real browser on the citizens' transparency page (headless Chromium, Playwright): an anonymous visitor opens
/cong-khai/, sees the year's plan, its counts and the published ranking, follows the plan, and nowhere reads the
signer, the officers, their notes, reasons, progress texts or evidence. Skipped without Chromium (a failure in CI).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from .browser import Page, expect
from .test_public import FORBIDDEN, UNPUBLISHED_FRAMEWORK, build_world


@pytest.mark.django_db(transaction=True)
def test_anonymous_visitor_sees_plans_and_rankings(page: Page, live_server: Any, settings: Any,
                                                   agencies: dict[str, Any], users: dict[str, Any]) -> None:
    settings.DONDOC_PUBLIC_PAGE = True
    world = build_world(agencies, users)
    base = live_server.url

    page.goto(f"{base}{reverse('public_home')}")
    expect(page.locator("h1")).to_have_text("Kế hoạch cải cách hành chính năm 2025")
    expect(page.locator("header")).not_to_contain_text("Đăng xuất")
    plans = page.locator("#plans tbody tr")
    expect(plans).to_have_count(1)
    expect(plans.first).to_contain_text("15/KH-UBND")
    expect(plans.first).to_contain_text("Ủy ban nhân dân tỉnh Hòa Bình Xanh")
    expect(page.locator("#so-nhiem-vu")).to_have_text("8")
    expect(page.locator("#bang-linh-vuc tr", has_text="Cải cách thể chế").locator("[data-col=share_done]")
           ).to_have_text("66,7%")
    ranking = page.locator("#xep-hang")
    expect(ranking).to_contain_text("Bộ Chỉ số CCHC các sở, ban, ngành")
    expect(ranking.locator("tbody tr").first).to_contain_text("Sở Nội vụ")
    expect(ranking.locator("tbody tr").first).to_contain_text("91,25%")
    expect(page.locator("#chi-tieu tr", has_text="tối thiểu 98%")).to_contain_text("Đạt")
    texts = {"home": page.locator("body").inner_text()}
    assert page.context.cookies() == []  # nothing set for an anonymous visitor

    page.locator("#plans").get_by_role("link", name="Kế hoạch cải cách hành chính năm 2025").click()
    expect(page).to_have_url(f"{base}{reverse('public_plan', args=[world.plan.pk])}")
    expect(page.locator("tr", has_text="Khảo sát mức độ hài lòng")).to_contain_text("Đang thực hiện")
    expect(page.locator("tr", has_text="Xây dựng quy chế phối hợp")).to_contain_text("Hoàn thành quá hạn")
    texts["plan"] = page.locator("body").inner_text()

    page.get_by_role("link", name="Xếp hạng Chỉ số CCHC").click()
    expect(page.locator("section.bo-chi-so")).to_have_count(1)
    expect(page.locator("section.bo-chi-so")).to_contain_text("Quyết định số 99/QĐ-UBND")
    texts["rankings"] = page.locator("body").inner_text()

    for where, text in texts.items():
        for forbidden in (*FORBIDDEN, UNPUBLISHED_FRAMEWORK, "95,55", "77,77"):
            assert forbidden not in text, f"{where}: “{forbidden}”"
        for user in users.values():
            assert user.email not in text, where
    assert page.context.cookies() == []
