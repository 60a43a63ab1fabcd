"""PAR-Index frameworks in the app: the list by year, the criteria tree, installing a shipped framework for a
year, copying one to a new year or level, and editing its criteria without code. Thin views over the loader,
selectors and services; every write page asks `policy.can_manage_frameworks`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dondoc.accounts import policy
from dondoc.agencies.selectors import level_names
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.web.params import int_or_none

from . import frameworks as shipped_frameworks
from . import selectors, services
from .forms_frameworks import CopyForm, CriterionForm, InstallForm, shipped_path
from .models import Assessment, Criterion, Framework, Rule
from .rules import number_text

TOLERANCE = shipped_frameworks.TOLERANCE


def _read(request: HttpRequest) -> None:
    if not policy.can_see_rankings(request.user):
        raise PermissionDenied


def _manage(request: HttpRequest) -> None:
    if not policy.can_manage_frameworks(request.user):
        raise PermissionDenied


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- a leaf's rule in words -----------------------------------------------------------------------------------------

def _figure(value: Any, unit: str) -> str:
    return f"{number_text(Decimal(str(value)))}{unit}"


def rule_text(criterion: Criterion) -> str:
    """How a leaf is scored, as the score sheet says it."""
    params = criterion.params or {}
    if criterion.rule == Rule.METRIC:
        code = params.get("metric", "")
        unit = selectors.metric_unit(code)
        head = _("Theo chỉ số: %(metric)s") % {"metric": selectors.metric_name(code)}
        bands = params.get("bands") or []
        if bands:
            parts = []
            for index, band in enumerate(bands):
                points = number_text(Decimal(str(band.get("points", 0))))
                if "max" in band:
                    at = _figure(band["max"], unit)
                    text = _("%(at)s trở xuống") % {"at": at} if index == 0 else _("đến %(at)s") % {"at": at}
                else:
                    at = _figure(band.get("min", 0), unit)
                    text = _("%(at)s trở lên") % {"at": at} if index == 0 else _("từ %(at)s") % {"at": at}
                parts.append(_("%(when)s: %(points)s điểm") % {"when": text, "points": points})
            last = bands[-1]
            if Decimal(str(last.get("points", 0))) > 0:
                if "max" in last:
                    parts.append(_("trên %(at)s: 0 điểm") % {"at": _figure(last["max"], unit)})
                else:
                    parts.append(_("dưới %(at)s: 0 điểm") % {"at": _figure(last.get("min", 0), unit)})
            return f"{head} — {'; '.join(parts)}"
        zero_at, full_at = params.get("zero_at", 0), params.get("full_at", 100)
        what = _("tỷ lệ") if unit == "%" else _("giá trị")
        return _("%(head)s — %(what)s từ %(zero)s (0 điểm) đến %(full)s (tối đa)") % {
            "head": head, "what": what, "zero": _figure(zero_at, unit), "full": _figure(full_at, unit)}
    if criterion.rule == Rule.TASKS:
        area = params.get("area", "")
        if area in AREA_NAMES:
            name = AREA_NAMES[area]
            return _("Theo tỷ lệ nhiệm vụ lĩnh vực %(area)s hoàn thành đúng hạn") % {
                "area": name[:1].lower() + name[1:]}
        return _("Theo tỷ lệ nhiệm vụ (mọi lĩnh vực) hoàn thành đúng hạn")
    if criterion.rule == Rule.SURVEY:
        return _("Điều tra xã hội học")
    if criterion.rule == Rule.MANUAL:
        return _("Tự chấm") if criterion.self_assessed else _("Chấm theo hướng dẫn")
    return ""


def depth_label(depth: int) -> str:
    return {1: _("Lĩnh vực"), 2: _("Tiêu chí")}.get(depth, _("Tiêu chí thành phần"))


# --- the list -------------------------------------------------------------------------------------------------------

@dataclass
class FrameworkRow:
    framework: Framework
    level_name: str
    total: str
    survey: str
    areas: int
    criteria: int
    subcriteria: int
    leaves: int
    locked: bool


def _rows() -> list[FrameworkRow]:
    submitted = Assessment.objects.filter(framework=OuterRef("pk")).exclude(status=Assessment.Status.DRAFT)
    found = (selectors.frameworks().select_related("copied_from")
             .annotate(n_areas=Count("criteria", filter=Q(criteria__depth=1)),
                       n_criteria=Count("criteria", filter=Q(criteria__depth=2)),
                       n_sub=Count("criteria", filter=Q(criteria__depth__gte=3)),
                       n_leaves=Count("criteria", filter=~Q(criteria__rule="")),
                       locked=Exists(submitted))
             .order_by("-year", "level", "name"))
    levels = level_names()
    return [FrameworkRow(f, levels.get(f.level, f.level), number_text(f.total_points), number_text(f.survey_points),
                         f.n_areas, f.n_criteria, f.n_sub, f.n_leaves, f.locked) for f in found]


def frameworks(request: HttpRequest) -> HttpResponse:
    _read(request)
    can_manage = policy.can_manage_frameworks(request.user)
    return render(request, "scoring/frameworks.html", {
        "rows": _rows(), "can_manage": can_manage, "install_form": InstallForm() if can_manage else None,
    })


@require_POST
def framework_install(request: HttpRequest) -> HttpResponse:
    _manage(request)
    form = InstallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chưa cài được: ") + "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
            if name in form.fields))
        return redirect("frameworks")
    path = shipped_path(form.cleaned_data["file"])
    if path is None:  # the file went away between the page and the post
        messages.error(request, _("Không có tệp bộ chỉ số này."))
        return redirect("frameworks")
    try:
        spec = shipped_frameworks.load(path)
        framework = services.install_framework(spec, year=form.cleaned_data["year"], actor=request.user)
    except shipped_frameworks.FrameworkError as exc:
        messages.error(request, str(exc))
        return redirect("frameworks")
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("frameworks")
    messages.success(request, _("Đã cài bộ chỉ số “%(name)s” năm %(year)s.") % {
        "name": framework.name, "year": framework.year})
    return redirect("framework_detail", pk=framework.pk)


# --- the tree -------------------------------------------------------------------------------------------------------

@dataclass
class Node:
    criterion: Criterion
    is_leaf: bool
    label: str
    max_text: str
    rule: str = ""
    children_sum: str = ""  # parents whose maximum is not the sum of their children's: that sum


def tree(framework: Framework) -> list[Node]:
    """Every criterion in reading order, with its rule in words and a note when a parent's maximum is not the sum
    of its children's."""
    criteria = selectors.criteria(framework)
    below: dict[int | None, list[Criterion]] = {}
    for criterion in criteria:
        below.setdefault(criterion.parent_id, []).append(criterion)
    nodes = []
    for criterion in criteria:
        children = below.get(criterion.pk, [])
        node = Node(criterion, not children, depth_label(criterion.depth), number_text(criterion.max_points))
        if children:
            total = sum((c.max_points for c in children), Decimal(0))
            if abs(total - criterion.max_points) > TOLERANCE:
                node.children_sum = number_text(total)
        else:
            node.rule = rule_text(criterion)
        nodes.append(node)
    return nodes


@dataclass
class Totals:
    areas: str
    total: str
    total_ok: bool
    survey: str
    survey_declared: str
    survey_ok: bool
    leaves: int


def totals(framework: Framework, nodes: list[Node]) -> Totals:
    areas = sum((n.criterion.max_points for n in nodes if n.criterion.parent_id is None), Decimal(0))
    survey = sum((n.criterion.max_points for n in nodes if n.is_leaf and n.criterion.rule == Rule.SURVEY), Decimal(0))
    return Totals(number_text(areas), number_text(framework.total_points),
                  abs(areas - framework.total_points) <= TOLERANCE, number_text(survey),
                  number_text(framework.survey_points), abs(survey - framework.survey_points) <= TOLERANCE,
                  sum(1 for n in nodes if n.is_leaf))


def _framework(pk: int) -> Framework:
    return get_object_or_404(Framework.objects.select_related("copied_from"), pk=pk)


def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _read(request)
    framework = _framework(pk)
    nodes = tree(framework)
    can_manage = policy.can_manage_frameworks(request.user)
    return render(request, "scoring/framework_detail.html", {
        "framework": framework, "nodes": nodes, "totals": totals(framework, nodes),
        "level_name": level_names().get(framework.level, framework.level),
        "can_manage": can_manage, "editable": selectors.is_editable(framework),
        "can_edit": can_manage and selectors.is_editable(framework),
        "copies": framework.copies.order_by("-year", "name"),
    })


# --- copy -----------------------------------------------------------------------------------------------------------

def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    _manage(request)
    source = _framework(pk)
    form = CopyForm(request.POST or None, source_level=source.level,
                    initial={"year": source.year + 1, "level": source.level, "name": source.name})
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.copy_framework(source, year=form.cleaned_data["year"], name=form.cleaned_data["name"],
                                                level=form.cleaned_data["level"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã sao chép thành bộ chỉ số “%(name)s” năm %(year)s.") % {
                "name": framework.name, "year": framework.year})
            return redirect("framework_detail", pk=framework.pk)
    return render(request, "scoring/framework_copy.html", {"form": form, "source": source})


# --- criteria -------------------------------------------------------------------------------------------------------

def _criterion(framework: Framework, criterion_pk: Any) -> Criterion:
    """A criterion of this framework; one of another framework (or none) is not found."""
    criterion_id = criterion_pk if isinstance(criterion_pk, int) else int_or_none(criterion_pk)
    if criterion_id is None:
        raise Http404(_("Không có tiêu chí này."))
    return get_object_or_404(Criterion.objects.select_related("parent"), pk=criterion_id, framework=framework)


def _back(framework: Framework, criterion: Criterion | None = None) -> str:
    url = reverse("framework_detail", args=[framework.pk])
    return f"{url}#c-{criterion.pk}" if criterion is not None and criterion.pk else url


def _criterion_page(request: HttpRequest, framework: Framework, criterion: Criterion, *, is_leaf: bool,
                    parent: Criterion | None) -> HttpResponse:
    if not selectors.is_editable(framework):
        messages.error(request, _("Đã có cơ quan gửi bản tự chấm theo bộ chỉ số này: không sửa được nữa. "
                                  "Hãy sao chép thành bộ mới để sửa."))
        return redirect(_back(framework, criterion))
    form = CriterionForm(request.POST or None, criterion=criterion, is_leaf=is_leaf)
    if request.method == "POST" and form.is_valid():
        created = criterion.pk is None
        try:
            saved = services.save_criterion(criterion, form.criterion_data(), actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, (_("Đã thêm tiêu chí %(code)s.") if created else _("Đã lưu tiêu chí %(code)s."))
                             % {"code": saved.code})
            return redirect(_back(framework, saved))
    children = list(criterion.children.order_by("order")) if criterion.pk else []
    return render(request, "scoring/criterion_form.html", {
        "form": form, "framework": framework, "criterion": criterion, "parent": parent, "is_leaf": is_leaf,
        "children": children, "max_text": number_text(criterion.max_points) if criterion.pk else "",
        "parent_is_leaf": parent is not None and not parent.children.exists(),
        "depth_label": depth_label(parent.depth + 1 if parent else (criterion.depth if criterion.pk else 1)),
    })


def criterion_edit(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    _manage(request)
    framework = _framework(pk)
    criterion = _criterion(framework, criterion_pk)
    is_leaf = not criterion.children.exists()
    return _criterion_page(request, framework, criterion, is_leaf=is_leaf, parent=criterion.parent)


def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A new area (no `?cha=`), or a new sub-criterion under `?cha=<pk>` (a leaf given one becomes a parent)."""
    _manage(request)
    framework = _framework(pk)
    raw_parent = request.GET.get("cha", "")
    parent = _criterion(framework, raw_parent) if raw_parent else None
    criterion = Criterion(framework=framework, parent=parent, depth=parent.depth + 1 if parent else 1)
    return _criterion_page(request, framework, criterion, is_leaf=True, parent=parent)


@require_POST
def criterion_delete(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    _manage(request)
    framework = _framework(pk)
    criterion = _criterion(framework, criterion_pk)
    parent = criterion.parent
    had_children = criterion.children.exists()
    try:
        services.delete_criterion(criterion, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_back(framework, criterion))
    done = _("Đã xóa tiêu chí %(code)s và các mục con của nó.") if had_children else _("Đã xóa tiêu chí %(code)s.")
    messages.success(request, done % {"code": criterion.code})
    return redirect(_back(framework, parent))
