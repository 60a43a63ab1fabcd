"""The province's dashboard, an agency's dashboard, and each chart's figures as XLSX. Thin views: the reads are in
selectors.py, the charts' JSON in charts.py, the sheets in exports.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.indicators.metrics import ACHIEVEMENT_LABELS
from dondoc.plans import selectors as plan_selectors
from dondoc.plans.models import Plan
from dondoc.scoring.rules import GRADED, OUTCOME_LABELS
from dondoc.web.params import int_or_none

from . import charts, exports, selectors
from .selectors import BUCKETS, Scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS = range(2000, 2101)  # a year outside this is a typo: the latest plan year is shown instead
# The agency tables (status and heatmap) show a page of agencies: all of a province's ≈250 would be half a megabyte
# of HTML rendered on every visit. The charts and the XLSX keep every agency.
AGENCY_ROWS = 50


def _allowed(request: HttpRequest) -> None:
    if not policy.can_see_rankings(request.user):
        raise PermissionDenied


def _scope(request: HttpRequest, agency: Agency | None = None) -> tuple[Scope, list[int]]:
    """The filters: a plan (which fixes the year), else a year, by default the latest plan year."""
    today = timezone.localdate()
    years = plan_selectors.plan_years()
    plan_id = int_or_none(request.GET.get("ke_hoach"))
    plan = Plan.objects.filter(pk=plan_id).first() if plan_id else None
    year = int_or_none(request.GET.get("nam"))
    if plan is not None and plan.year:
        year = plan.year
    if year not in YEARS:
        year = years[0] if years else today.year
    return Scope(year=year, today=today, plan=plan, agency=agency), years


def _agency(pk: int) -> Agency:
    agency = get_object_or_404(Agency, pk=pk)
    if agency.is_group:  # a group designation leads nothing of its own: no dashboard
        raise Http404
    return agency


@dataclass
class Chart:
    """One chart on a page: its canvas, the JSON it is drawn from, its PNG and XLSX downloads."""

    name: str
    kind: str  # bar, line, matrix (dashboards.js)
    title: str
    data: dict[str, Any]
    xlsx: str
    height: int = 320

    @property
    def canvas_id(self) -> str:
        return f"chart-{self.name}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.name}-data"

    @property
    def png(self) -> str:
        return f"{self.name.replace('_', '-')}.png"


def _xlsx_url(scope: Scope, chart: str, **extra: Any) -> str:
    params: dict[str, Any] = {"chart": chart, "nam": scope.year}
    if scope.plan is not None:
        params["ke_hoach"] = scope.plan.pk
    if scope.agency is not None:
        params["agency"] = scope.agency.pk
    params.update(extra)
    return f"{reverse('dashboard_xlsx')}?{urlencode(params)}"


def _chart(scope: Scope, name: str, kind: str, data: dict[str, Any], height: int = 320, title: str = "",
           **extra: Any) -> Chart:
    return Chart(name, kind, title or str(exports.TITLES[name]), data, _xlsx_url(scope, name, **extra), height)


def _common(scope: Scope, years: list[int]) -> dict[str, Any]:
    filters = {"nam": scope.year, **({"ke_hoach": scope.plan.pk} if scope.plan is not None else {})}
    return {"scope": scope, "years": years, "plans": selectors.plans_of(scope.year), "query": urlencode(filters),
            "buckets": [str(label) for _code, label in BUCKETS], "states": ACHIEVEMENT_LABELS}


def dashboard(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    scope, years = _scope(request)
    areas = selectors.status_by_area(scope)
    breakdown = selectors.agency_breakdown(scope)
    trend = selectors.overdue_trend(scope)
    targets = selectors.targets_by_plan(scope)
    rankings = selectors.par_rankings()
    grades = selectors.department_grades(scope.year, scope.today)
    top = breakdown.rows[:charts.TOP]
    ranked_grades = [g for g in grades if g.grade.score is not None]
    page_charts = {
        "status_by_area": _chart(scope, "status_by_area", "bar", charts.stacked(areas)),
        "status_by_agency": _chart(scope, "status_by_agency", "bar", charts.stacked(top, horizontal=True),
                                   charts.height(len(top))),
        "heatmap": _chart(scope, "heatmap", "matrix", charts.heatmap(breakdown),
                          charts.height(min(len(breakdown.heatmap.rows), charts.TOP), 24) + 80),
        "overdue_trend": _chart(scope, "overdue_trend", "line", charts.trend(trend)),
        "targets": _chart(scope, "targets", "bar", charts.targets(targets), charts.height(len(targets), 36, 200)),
        "grades": _chart(scope, "grades", "bar", charts.grades(grades), charts.height(len(ranked_grades))),
    }
    ranking_charts = [(level, Chart(f"ranking_{level.level}", "bar",
                                    f"{exports.TITLES['ranking']} — {level.level_name} ({level.framework.year})",
                                    charts.ranking(level), _xlsx_url(scope, "ranking", level=level.level),
                                    charts.height(len(level.rows))))
                      for level in rankings]
    own = request.user.agency if request.user.agency_id and not request.user.agency.is_group else None
    page = Paginator(breakdown.rows, AGENCY_ROWS).get_page(request.GET.get("trang"))
    offset = (page.number - 1) * AGENCY_ROWS
    return render(request, "dashboards/province.html", {
        **_common(scope, years), "areas": areas, "area_total": selectors.total_row(areas),
        "agencies": page.object_list, "agency_page": page, "offset": offset,
        "heatmap": breakdown.heatmap, "heat_rows": breakdown.heatmap.rows[offset:offset + AGENCY_ROWS],
        "trend": trend, "targets": targets,
        "rankings": ranking_charts, "grades": grades, "charts": page_charts, "top": charts.TOP, "own_agency": own,
        "graded": [(o, OUTCOME_LABELS[o]) for o in GRADED],
    })


def dashboard_agency(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    agency = _agency(pk)
    scope, years = _scope(request, agency)
    data = selectors.agency_dashboard(scope)
    counts = selectors.target_counts(data.targets)
    page_charts = {
        "status_by_area": _chart(scope, "status_by_area", "bar", charts.stacked(data.areas)),
        "overdue_trend": _chart(scope, "overdue_trend", "line", charts.trend(data.trend)),
        "targets": _chart(scope, "targets", "bar", charts.target_counts(counts),
                          title=str(exports.TITLES["agency_targets"])),
        "par_index": _chart(scope, "par_index", "bar", charts.par_history(data.history)),
    }
    return render(request, "dashboards/agency.html", {
        **_common(scope, years), "agency": agency, "data": data, "target_counts": counts, "charts": page_charts,
        "outcomes": [(o, OUTCOME_LABELS[o], data.grade.counts.get(o, 0)) for o in OUTCOME_LABELS],
    })


def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    agency_id = request.GET.get("agency")
    agency = _agency(int_or_none(agency_id) or -1) if agency_id else None
    scope, _years = _scope(request, agency)
    chart = request.GET.get("chart", "")
    level = request.GET.get("level", "")
    sheet = exports.sheet_for(chart, scope, level)
    if sheet is None:
        raise Http404
    response = HttpResponse(exports.render(sheet, exports.scope_lines(scope)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(chart, scope, level)}"'
    return response
