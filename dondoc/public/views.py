"""The citizens' transparency page (/cong-khai/): open to anyone when DONDOC_PUBLIC_PAGE is on, 404 otherwise.

The pages are rendered without the request (no context processors): nothing about the visitor, no CSRF token, no
session or cookie, so a proxy may cache them. Signed-in officers see exactly what the public sees.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from dondoc.indicators.metrics import ACHIEVEMENT_LABELS
from dondoc.plans import selectors as plan_selectors
from dondoc.plans.models import Plan

from . import selectors

CACHE_SECONDS = 300

View = Callable[..., HttpResponse]


def public_view(view: View) -> View:
    """Anyone may open it (no login), GET or HEAD only, and only while the province has the page turned on."""
    safe = require_safe(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DONDOC_PUBLIC_PAGE:  # read per request, so turning it off needs no other change
            raise Http404("Trang công khai chưa được bật.")
        response = safe(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response

    return login_not_required(wrapped)


def _page(template: str, context: dict[str, Any]) -> HttpResponse:
    return HttpResponse(render_to_string(template, context))


@public_view
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    years = plan_selectors.plan_years()
    year = selectors.chosen_year(request.GET.get("nam", ""), years, today)
    plans = list(selectors.plans_of_year(year, today))
    return _page("public/home.html", {
        "today": today, "years": years, "year": year, "plans": plans,
        "progress": selectors.progress_of_year(year, today),
        "targets": selectors.targets(year=year), "achievement_labels": ACHIEVEMENT_LABELS,
        "rankings": selectors.latest_rankings(),
    })


@public_view
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    try:
        found = selectors.public_plan(pk)
    except Plan.DoesNotExist as exc:
        raise Http404("Không có kế hoạch này.") from exc
    return _page("public/plan.html", {
        "today": today, "plan": found, "sections": selectors.plan_sections(found, today),
        "progress": selectors.progress_of_plan(found, today),
        "targets": selectors.targets(plan=found), "achievement_labels": ACHIEVEMENT_LABELS,
    })


@public_view
def rankings(request: HttpRequest) -> HttpResponse:
    years = selectors.ranking_years()
    year = selectors.asked_year(request.GET.get("nam"))
    return _page("public/rankings.html", {"years": years, "year": year, "rankings": selectors.rankings(year)})
