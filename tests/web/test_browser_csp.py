"""The Content Security Policy in a real browser (headless Chromium, Playwright): the main pages of every part
of dondoc, opened by the system administrator (who sees every menu), report no violation — no blocked script, style,
image or form — and what used to be inline still works: computed heights and positions (nonced style blocks), the
heatmap's colours, the criterion form's script, confirmations. The citizens' page and the login page too.

Every browser test's `page` already fails on a violation (tests/web/browser.py); here the pages are walked on
purpose, and the collector is shown to catch a violation. Skipped without Chromium (a failure in CI)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dondoc.plans.models import Milestone
from dondoc.scoring import services as scoring_services
from dondoc.scoring.frameworks import parse as parse_framework

from .browser import TIMEOUT_MS, Page, csp_violations, expect, log_in
from .test_dashboards import build_world
from .test_scoring_flow import small_framework


def _pages(world: Any, users: dict[str, Any]) -> list[tuple[str, str]]:
    plan, justice = world.plan, world.agencies["justice"]
    task = plan.tasks.exclude(due_date=None).order_by("order").first()
    framework = scoring_services.install_framework(parse_framework(small_framework()), actor=users["standing"])
    leaf = framework.criteria.get(code="1.1")
    for due_task in plan.tasks.exclude(due_date=None):  # the plan page's "due dates by month" bars
        Milestone.objects.create(task=due_task, kind=Milestone.Kind.DUE, due_date=due_task.due_date)
    return [
        ("home", reverse("home")),
        ("dashboard", reverse("dashboard")),
        ("dashboard_agency", reverse("dashboard_agency", args=[justice.pk])),
        ("plan_list", reverse("plan_list")),
        ("plan_detail", reverse("plan_detail", args=[plan.pk])),
        ("plan_gantt", reverse("plan_gantt", args=[plan.pk])),
        ("task_detail", reverse("task_detail", args=[task.pk])),
        ("work_queue", reverse("work_queue")),
        ("overdue_board", reverse("overdue_board")),
        ("reports_home", reverse("reports_home")),
        ("targets_home", reverse("targets_home")),
        ("target_detail", reverse("target_detail", args=[world.targets["on_time"].pk])),
        ("indicators", reverse("indicators")),
        ("scoring_home", reverse("scoring_home")),
        ("rankings", reverse("rankings")),
        ("grades", reverse("grades")),
        ("frameworks", reverse("frameworks")),
        ("framework_detail", reverse("framework_detail", args=[framework.pk])),
        ("criterion_edit", reverse("criterion_edit", args=[framework.pk, leaf.pk])),
        ("agency_directory", reverse("agency_directory")),
        ("agency_detail", reverse("agency_detail", args=[justice.pk])),
        ("import_start", reverse("import_start")),
        ("notifications", reverse("notifications")),
        ("search", reverse("search") + "?q=nhiem+vu"),
        ("user_audit", reverse("user_audit")),
        ("password_change", reverse("password_change")),
        ("public_home", reverse("public_home")),
        ("public_plan", reverse("public_plan", args=[plan.pk])),
        ("public_rankings", reverse("public_rankings")),
    ]


@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_csp_violation(browser: Any, live_server: Any, settings: Any, users: dict[str, Any],
                                          agencies: dict[str, Any]) -> None:
    settings.DONDOC_PUBLIC_PAGE = True
    world = build_world(agencies)
    pages = _pages(world, users)
    base = live_server.url
    context = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    violations = csp_violations(context)
    page: Page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    try:
        log_in(page, base, users["admin"].username)
        seen: dict[str, list[str]] = {}
        for name, url in pages:
            before = len(violations)
            response = page.goto(f"{base}{url}")
            assert response is not None and response.status == 200, (name, response and response.status)
            assert "Content-Security-Policy" in {k.title() for k in response.headers}, name
            page.wait_for_load_state("load")
            page.wait_for_timeout(50)  # let the violation events of the page's last parsing reach us
            seen[name] = violations[before:]
            if name == "dashboard":
                # the chart heights and heatmap colours, formerly style attributes, are applied
                heights = page.eval_on_selector_all(".chart-box",
                                                    "els => els.map(e => e.getBoundingClientRect().height)")
                assert heights and len(set(heights)) > 1, heights  # not all the stylesheet's default 320px
                colour = page.eval_on_selector("#table-heatmap td.num[class*=heat-]",
                                               "el => getComputedStyle(el).backgroundColor")
                assert colour not in {"rgba(0, 0, 0, 0)", "transparent"}, colour
            elif name == "plan_gantt":
                widths = page.eval_on_selector_all("#gantt .bar", "els => els.map(e => e.getBoundingClientRect()"
                                                   ".width)")
                assert len(set(widths)) > 1, widths  # bars sized by the nonced style block
            elif name == "plan_detail":
                bars = page.eval_on_selector_all(".timeline .bar", "els => els.map(e => getComputedStyle(e)"
                                                 ".getPropertyValue('--n').trim())")
                assert bars and all(bars), bars
            elif name == "criterion_edit":
                # the rule's settings show and hide with the chosen rule (the script formerly inline)
                expect(page.locator(".field-metric")).to_be_hidden()
                page.locator("select[name=rule]").select_option("metric")
                expect(page.locator(".field-metric")).to_be_visible()
        # the confirmation formerly in an onsubmit attribute: dismissed, nothing is deleted
        page.goto(f"{base}{pages[[n for n, _ in pages].index('framework_detail')][1]}")
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.locator("form[data-confirm] button").first.click()
        expect(page.locator("h1")).to_be_visible()
        assert asked and asked[0].startswith("Xóa tiêu chí")
        bad = {name: found for name, found in seen.items() if found}
        assert not bad, f"trang vi phạm CSP: {bad}"
        assert not errors, errors

        # the login page, signed out
        page.locator("header .who").get_by_role("button", name="Đăng xuất").click()
        expect(page.get_by_label("Mật khẩu")).to_be_visible()
        assert not violations, violations

        # the collector does see a violation: a style element without the page's nonce is refused
        page.evaluate("() => { const s = document.createElement('style'); s.textContent = 'body { color: red }';"
                      " document.head.appendChild(s); }")
        page.wait_for_timeout(200)
        assert any("style-src" in v for v in violations), violations
    finally:
        context.close()
