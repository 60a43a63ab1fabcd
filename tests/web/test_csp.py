"""Content Security Policy (django-csp) in the development profile too: every page carries the policy; a page with
computed styles gets a fresh nonce matching its <style> blocks; the citizens' page, rendered without the request, has
the policy and no nonce (a proxy may cache it); no template has an inline script, a style attribute, an inline event
handler or a <style> without the nonce. The browser side is tests/web/test_browser_csp.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from .test_dashboards import build_world

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "dondoc").glob("*/templates/**/*.html"))
DIRECTIVES = ["default-src 'self'", "script-src 'self'", "img-src 'self' data:", "object-src 'none'",
              "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"]


def policy(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_every_page_has_the_policy(client: Client, users: dict[str, Any]) -> None:
    login = client.get(reverse("login"))
    for directive in DIRECTIVES:
        assert directive in login["Content-Security-Policy"], directive
    assert "'unsafe-inline'" not in login["Content-Security-Policy"]
    assert "nonce-" not in login["Content-Security-Policy"]  # a page without computed styles needs none
    client.force_login(users["focal"])
    for name in ("home", "plan_list", "work_queue", "reports_home", "scoring_home", "password_change"):
        assert policy(client.get(reverse(name)))["script-src"] == "script-src 'self'", name


def test_computed_styles_carry_the_pages_nonce(client: Client, users: dict[str, Any],
                                               agencies: dict[str, Any]) -> None:
    world = build_world(agencies)
    client.force_login(users["standing"])
    seen = set()
    for url in (reverse("dashboard"), reverse("plan_gantt", args=[world.plan.pk])):
        response = client.get(url)
        style_src = policy(response)["style-src"]
        nonce = re.search(r"'nonce-([^']+)'", style_src).group(1)
        html = response.content.decode()
        blocks = re.findall(r'<style nonce="([^"]*)">', html)
        assert blocks and set(blocks) == {nonce}, url
        assert "<style>" not in html
        seen.add(nonce)
    assert len(seen) == 2  # a new nonce per response


def test_public_page_has_the_policy_without_a_nonce(client: Client, settings: Any, agencies: dict[str, Any]) -> None:
    settings.DONDOC_PUBLIC_PAGE = True
    build_world(agencies)
    for name in ("public_home", "public_rankings"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        header = response["Content-Security-Policy"]
        assert all(d in header for d in DIRECTIVES) and "nonce-" not in header, name
        assert "<style" not in response.content.decode()
        assert "public" in response["Cache-Control"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"<style(?![^>]*\bnonce=\"\{\{ request\.csp_nonce \}\}\")[^>]*>", re.I), "<style> without the nonce"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_code_or_styles() -> None:
    assert len(TEMPLATES) > 50
    found = []
    for path in TEMPLATES:
        text = path.read_text("utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(path.parents[3])}:{line}: {what}")
    assert not found, "\n".join(found)
