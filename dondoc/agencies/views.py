"""Agency directory pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dondoc.accounts import policy

from . import selectors, services
from .forms import AgencyForm, AliasForm, MembersForm
from .models import Agency


def _require_manager(request: HttpRequest) -> None:
    if not policy.can_manage_agencies(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực hoặc quản trị được sửa danh mục cơ quan."))


def directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context = {"query": query}
    if query:
        context["results"] = selectors.search(query, limit=200)
    else:
        context["roots"] = selectors.roots().prefetch_related("children__level", "children__children")
        context["groups"] = Agency.objects.filter(is_group=True)
    return render(request, "agencies/directory.html", context)


def suggest(request: HttpRequest) -> JsonResponse:
    """Autocomplete for the review screen's agency mapping."""
    query = request.GET.get("q", "").strip()
    found = selectors.search(query, limit=15) if query else []
    rows = [{"id": a.pk, "name": a.name, "group": a.is_group} for a in found]
    return JsonResponse({"results": rows})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("level", "parent"), pk=pk)
    context = {
        "agency": agency,
        "aliases": agency.aliases.order_by("text"),
        "children": selectors.children(agency),
        "members": selectors.members_of(agency) if agency.is_group else None,
        "groups": agency.groups.all(),
        "alias_form": AliasForm(),
        "members_form": MembersForm(initial={"members": agency.members.all()}) if agency.is_group else None,
        "led_tasks": agency.task_roles.filter(role="lead").select_related("task", "task__plan")[:100],
        "can_edit_letterhead": not agency.is_group and policy.can_edit_letterhead(request.user, agency.pk),
    }
    return render(request, "agencies/detail.html", context)


def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    agency = get_object_or_404(Agency, pk=pk) if pk else None
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            if agency is None:
                data = form.cleaned_data
                agency = services.create_agency(data["name"], actor=request.user, level=data["level"],
                                                parent=data["parent"], is_group=data["is_group"],
                                                short_name=data["short_name"])
            else:
                agency = services.update_agency(agency, {k: form.cleaned_data[k] for k in form.changed_data},
                                                actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu “%(agency)s”.") % {"agency": agency})
            return redirect("agency_detail", pk=agency.pk)
    return render(request, "agencies/edit.html", {"form": form, "agency": agency})


@require_POST
def add_alias(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    agency = get_object_or_404(Agency, pk=pk)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            services.add_alias(agency, form.cleaned_data["text"], actor=request.user)
            messages.success(request, _("Đã thêm tên gọi khác."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("agency_detail", pk=pk)


@require_POST
def set_members(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    group = get_object_or_404(Agency, pk=pk)
    form = MembersForm(request.POST)
    if form.is_valid():
        try:
            services.set_members(group, list(form.cleaned_data["members"]), actor=request.user)
            messages.success(request, _("Đã cập nhật thành viên của nhóm."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("agency_detail", pk=pk)
