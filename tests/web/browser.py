"""The headless browser the browser tests share (Playwright for Python driving Debian's Chromium).

Without the `playwright` package or a Chromium binary the tests skip with the reason, unless
DONDOC_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in the test thread; Django must still let the test use the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine; the fixture skips (or fails in CI)
    sync_playwright = None
    Browser = Page = Any  # type: ignore[misc,assignment]
    expect = None  # type: ignore[assignment]

__all__ = ["Page", "browser", "csp_violations", "expect", "log_in", "page"]

REQUIRED = os.environ.get("DONDOC_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}
TIMEOUT_MS = 30_000


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def missing_browser() -> str | None:
    if sync_playwright is None:
        return ("không có gói Python playwright / the playwright package is not installed "
                "(pip install -e '.[dev]')")
    if chromium_path() is None:
        return ("không tìm thấy Chromium / no chromium binary found "
                "(apt-get install chromium)")
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole module."""
    problem = missing_browser()
    if problem:
        if REQUIRED:
            pytest.fail(f"DONDOC_REQUIRE_BROWSER=1 nhưng {problem}", pytrace=False)
        pytest.skip(f"bỏ qua kiểm thử trình duyệt / browser tests skipped: {problem}")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path(), headless=True)
        try:
            yield instance
        finally:
            instance.close()


# Every Content Security Policy violation on any page a browser test opens is reported back (the event, and
# Chromium's console message), and fails the test: nothing the pages need may be blocked.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (e) => window.dondocCspViolation(
  [e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample].join(" | ")));"""


def csp_violations(context: Any) -> list[str]:
    """Collect the context's CSP violations from now on (every page, every navigation)."""
    found: list[str] = []
    context.expose_function("dondocCspViolation", lambda text: found.append(f"{text}"))
    context.add_init_script(CSP_LISTENER)
    return found


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    violations = csp_violations(context)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: violations.append(f"{tab.url}: {msg.text}")
           if msg.type == "error" and "Content Security Policy" in msg.text else None)
    try:
        yield tab
    finally:
        context.close()
    assert not errors, f"lỗi JavaScript trên trang: {errors}"
    assert not violations, f"trang vi phạm chính sách bảo mật nội dung (CSP): {violations}"


def log_in(page: Page, base: str, username: str, shown: str = "") -> None:
    """Sign in through the login form; `shown` is how the header names the user (the username by default)."""
    page.goto(f"{base}{reverse('login')}")
    page.get_by_label("Tên đăng nhập").fill(username)
    from .conftest import PASSWORD  # conftest imports this module for its fixtures

    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("header .who")).to_contain_text(shown or username)
