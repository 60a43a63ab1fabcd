"""Rankings of the PAR Index and task-completion grades, their workbooks and decision annexes, and the year's
grading rule. Thin views over scoring.selectors and scoring.services; who may see what is asked of
accounts.policy: every signed-in user reads published results, the council also previews finalised ones, the
standing agency sets the grading rule."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.agencies.selectors import level_names
from dondoc.plans.selectors import plan_years
from dondoc.web.params import int_or_none

from . import documents, rules, selectors, services
from .forms_rankings import GradeRuleForm
from .models import Framework

DEFAULT_LEVEL = "department"
FIRST_YEAR, LAST_YEAR = 1990, 2200  # a year outside is not a plan year (and no date can be made of some)


def _reader(request: HttpRequest) -> None:
    if not policy.can_see_rankings(request.user):
        raise PermissionDenied


def _frameworks(user: Any) -> QuerySet[Framework]:
    """Published frameworks; the council also sees those whose results it has not published yet."""
    found = selectors.frameworks()
    return found if policy.can_appraise(user) else found.exclude(published_at=None)


def _framework(request: HttpRequest, pk: int | None) -> Framework:
    framework = _frameworks(request.user).filter(pk=pk).first() if pk is not None else None
    if framework is None:
        raise Http404(_("Không tìm thấy kết quả xếp hạng này."))
    return framework


def _group(request: HttpRequest) -> Agency | None:
    raw = request.GET.get("nhom", "").strip()
    if not raw:
        return None
    group = selectors.groups().filter(pk=int_or_none(raw)).first() if int_or_none(raw) is not None else None
    if group is None:
        raise Http404(_("Không tìm thấy nhóm cơ quan này."))
    return group


def _query(**values: Any) -> str:
    chosen = {k: v for k, v in values.items() if v not in (None, "")}
    return f"?{urlencode(chosen)}" if chosen else ""


def _download(content: bytes, mime: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- PAR-Index rankings ---------------------------------------------------------------------------------------

def _chosen_framework(request: HttpRequest, visible: list[Framework]) -> Framework | None:
    """`?bo=` (a framework), or `?nam=` and `?cap=` (year and level); by default the latest published one (for the
    council, the latest framework when none is published yet)."""
    if request.GET.get("bo", "").strip():
        return _framework(request, int_or_none(request.GET["bo"]))
    year, level = int_or_none(request.GET.get("nam")), request.GET.get("cap", "").strip()
    if year is not None or level:
        matching = [f for f in visible if (year is None or f.year == year) and (not level or f.level == level)]
        matching.sort(key=lambda f: (not f.published, -f.year))
        if not matching:
            raise Http404(_("Không tìm thấy kết quả xếp hạng này."))
        return matching[0]
    latest = selectors.latest_published()
    if latest is not None:
        return latest
    return visible[0] if visible else None


def _is_preview(framework: Framework) -> bool:
    """Results not published yet are read by the council only (`_frameworks`), as a preview of the finalised."""
    return not framework.published


def rankings(request: HttpRequest) -> HttpResponse:
    _reader(request)
    visible = list(_frameworks(request.user))
    framework = _chosen_framework(request, visible)
    group = _group(request)
    preview = framework is not None and _is_preview(framework)
    rows = selectors.ranking(framework, group, include_unpublished=preview) if framework else []
    names = level_names()
    choices = [(f, names.get(f.level, f.level)) for f in visible]
    query = _query(nhom=group.pk if group else None)
    return render(request, "scoring/rankings.html", {
        "framework": framework, "group": group, "preview": preview, "choices": choices,
        "groups": selectors.groups(), "lines": [documents.rank_line(r) for r in rows],
        "headers": documents.ranking_headers(framework.year) if framework else [],
        "level_name": names.get(framework.level, framework.level) if framework else "",
        "whom": documents.whom(framework.level, group) if framework else "",
        "title": documents.ranking_title(framework, group) if framework else "",
        "source": documents.source_line(framework) if framework else "",
        "publication": documents.publication_line(framework, preview) if framework else "",
        "previous": selectors.previous_framework(framework) if framework else None,
        "tie_rule": rules.TIE_RULE, "index_note": documents.INDEX_NOTE,
        "xlsx_url": reverse("rankings_xlsx", args=[framework.pk]) + query if framework else "",
        "docx_url": reverse("rankings_docx", args=[framework.pk]) + query if framework else "",
        "can_appraise": policy.can_appraise(request.user),
    })


def _ranking_download(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    _reader(request)
    framework = _framework(request, pk)
    group = _group(request)
    preview = _is_preview(framework)
    rows = selectors.ranking(framework, group, include_unpublished=preview)
    if ext == "xlsx":
        content = documents.rankings_xlsx(framework, rows, group=group, preview=preview)
        mime = documents.XLSX
    else:
        content = documents.rankings_docx(framework, rows, group=group, preview=preview)
        mime = documents.DOCX
    return _download(content, mime, documents.rankings_filename(framework, ext, group))


def rankings_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_download(request, pk, "xlsx")


def rankings_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_download(request, pk, "docx")


# --- task-completion grades -----------------------------------------------------------------------------------


def _year(value: int | None, years: list[int]) -> int:
    year = value if value is not None else (years[0] if years else timezone.localdate().year)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("Không có năm này."))
    return year


def _level(request: HttpRequest, names: dict[str, str]) -> str:
    level = request.GET.get("cap", "").strip() or DEFAULT_LEVEL
    if level not in names and level != DEFAULT_LEVEL:
        raise Http404(_("Không có cấp này."))
    return level


def _grades(request: HttpRequest, year: int | None) -> dict[str, Any]:
    _reader(request)
    years = plan_years()
    names = level_names()
    year = _year(year, years)
    level = _level(request, names)
    group = _group(request)
    weights, bands, stored = selectors.grade_rule(year)
    return {"year": year, "years": sorted(set(years) | {year}, reverse=True), "level": level, "levels": names,
            "group": group, "rows": selectors.grade_ranking(year, level, group), "weights": weights,
            "bands": bands, "stored": stored, "as_of": selectors.as_of_for(year)}


def grades(request: HttpRequest) -> HttpResponse:
    data = _grades(request, int_or_none(request.GET.get("nam")))
    year, level, group = data["year"], data["level"], data["group"]
    query = _query(cap=level, nhom=group.pk if group else None)
    return render(request, "scoring/grades.html", {
        **data, "lines": [documents.grade_line(r) for r in data["rows"]],
        "level_name": data["levels"].get(level, level), "whom": documents.whom(level, group),
        "headers": documents.grade_headers(year), "count_headers": documents.GRADE_COUNT_HEADERS,
        "rule_lines": documents.grade_rule_lines(data["weights"], data["bands"]), "tie_rule": rules.TIE_RULE,
        "groups": selectors.groups(), "title": documents.grades_title(year, level, group),
        "xlsx_url": reverse("grades_xlsx", args=[year]) + query,
        "docx_url": reverse("grades_docx", args=[year]) + query,
        "can_manage": policy.can_manage_frameworks(request.user),
    })


def _grades_download(request: HttpRequest, year: int, ext: str) -> HttpResponse:
    data = _grades(request, year)
    args = (data["year"], data["level"], data["rows"])
    kwargs = {"weights": data["weights"], "bands": data["bands"], "as_of": data["as_of"], "group": data["group"]}
    if ext == "xlsx":
        content, mime = documents.grades_xlsx(*args, **kwargs), documents.XLSX
    else:
        content, mime = documents.grades_docx(*args, **kwargs), documents.DOCX
    return _download(content, mime, documents.grades_filename(data["year"], data["level"], ext, data["group"]))


def grades_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    return _grades_download(request, year, "xlsx")


def grades_docx(request: HttpRequest, year: int) -> HttpResponse:
    return _grades_download(request, year, "docx")


# --- the grading rule ------------------------------------------------------------------------------------------

def grade_rule(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_frameworks(request.user):
        raise PermissionDenied
    year = _year(int_or_none(request.GET.get("nam")), plan_years())
    weights, bands, stored = selectors.grade_rule(year)
    form = GradeRuleForm(request.POST or None, initial=GradeRuleForm.initial_for(weights, bands))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_grade_rule(year, actor=request.user, weights=form.weights(),
                                     bands=form.cleaned_data["bands"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu cách xếp loại hoàn thành nhiệm vụ năm %(year)s.") % {"year": year})
            return redirect(reverse("grades") + _query(nam=year))
    return render(request, "scoring/grade_rule.html", {
        "form": form, "year": year, "stored": stored, "years": sorted(set(plan_years()) | {year}, reverse=True),
        "rule_lines": documents.grade_rule_lines(weights, bands),
    })
