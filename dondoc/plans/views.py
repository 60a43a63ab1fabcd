"""Plan pages and the import-with-review flow: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dondoc.accounts import policy
from dondoc.agencies.models import Agency, Level
from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.indicators.selectors import target_rows
from dondoc.web.params import int_or_none

from . import imports, selectors, services
from .forms import AgencyChoiceForm, CascadeForm, DraftTaskForm, UploadForm
from .models import ImportDraft, Plan, Task

RAW_COLUMNS = [("number", gettext_lazy("STT")), ("content", gettext_lazy("Nội dung")),
               ("output", gettext_lazy("Sản phẩm")), ("lead", gettext_lazy("Chủ trì")),
               ("coordinating", gettext_lazy("Phối hợp")), ("deadline", gettext_lazy("Thời gian")),
               ("funding", gettext_lazy("Kinh phí")), ("note", gettext_lazy("Ghi chú"))]


def plan_list(request: HttpRequest) -> HttpResponse:
    filters = {"query": request.GET.get("q", "").strip(), "year": int_or_none(request.GET.get("nam")),
               "owner": int_or_none(request.GET.get("co_quan")), "level": request.GET.get("cap", ""),
               "area": request.GET.get("linh_vuc", "")}
    context = {
        "plans": selectors.plans(**filters)[:300], "filters": filters, "years": selectors.plan_years(),
        "levels": Level.objects.all(), "areas": AREA_NAMES.items(),
        "owners": Agency.objects.filter(plans__isnull=False).distinct(),
        "tasks": selectors.search_tasks(filters["query"]) if filters["query"] else [],
    }
    return render(request, "plans/plan_list.html", context)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("owner", "parent"), pk=pk)
    tasks = list(selectors.tasks_of(plan))
    sections: dict[Any, list[Task]] = {}
    for task in tasks:
        sections.setdefault(task.section, []).append(task)
    context = {
        "plan": plan, "sections": sections.items(), "task_count": len(tasks),
        "leads": selectors.leads_summary(plan), "timeline": selectors.timeline(plan),
        "targets": target_rows(plan.targets.all()), "can_edit_targets": policy.can_edit_targets(request.user),
        "periods": plan.report_periods.all(), "children": plan.children.select_related("owner"),
        "can_edit": policy.can_edit_plan(request.user, plan),
        "cascade_form": CascadeForm() if policy.is_manager(request.user) else None,
        "can_cascade_own": request.user.agency_id is not None and policy.can_cascade(request.user, request.user.agency)
        if request.user.agency_id else False,
    }
    return render(request, "plans/plan_detail.html", context)


def plan_source(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    if not plan.source_file:
        raise Http404(_("Kế hoạch này không có tệp gốc."))
    return FileResponse(plan.source_file.open("rb"), as_attachment=True, filename=plan.source_name or "ke-hoach")


@require_POST
def cascade(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(Plan, pk=pk)
    if "agency" in request.POST:  # a manager chose the agency; an officer cascades for its own
        form = CascadeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Hãy chọn một cơ quan (không phải nhóm) để lập kế hoạch."))
            return redirect("plan_detail", pk=pk)
        agency = form.cleaned_data["agency"]
    else:
        agency = request.user.agency
    if agency is None or not policy.can_cascade(request.user, agency):
        raise PermissionDenied(_("Bạn không được lập kế hoạch cho cơ quan này."))
    plan = services.cascade_plan(parent, agency, actor=request.user)
    messages.success(request, _("Đã lập kế hoạch của %(agency)s với %(count)d nhiệm vụ từ kế hoạch cấp trên.")
                     % {"agency": agency, "count": plan.tasks.count()})
    return redirect("plan_detail", pk=plan.pk)


def link_parent(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("parent"), pk=pk)
    if not policy.can_edit_plan(request.user, plan):
        raise PermissionDenied(_("Bạn không được sửa kế hoạch này."))
    if plan.parent is None:
        messages.error(request, _("Kế hoạch này chưa gắn với kế hoạch cấp trên."))
        return redirect("plan_detail", pk=pk)
    if request.method == "POST":
        links = {}
        for task in plan.tasks.all():
            value = request.POST.get(f"task-{task.pk}")
            if value is not None:
                links[task.pk] = int_or_none(value)
        changed = services.link_parent_tasks(plan, links, actor=request.user)
        messages.success(request, _("Đã xác nhận %(count)d liên kết với nhiệm vụ cấp trên.") % {"count": changed})
        return redirect("plan_detail", pk=pk)
    suggestions = services.suggest_parent_links(plan, plan.parent)
    return render(request, "plans/link_parent.html", {"plan": plan, "suggestions": suggestions,
                                                      "parent_tasks": plan.parent.tasks.all()})


# --- import with review ---------------------------------------------------------------------------------------

def _require_import(request: HttpRequest) -> None:
    if not policy.can_import(request.user):
        raise PermissionDenied(_("Bạn không có quyền nhập kế hoạch."))


def _draft(request: HttpRequest, pk: int) -> ImportDraft:
    draft = get_object_or_404(ImportDraft, pk=pk)
    if not policy.can_see_draft(request.user, draft):
        raise Http404(_("Không tìm thấy bản nhập."))  # other agencies' drafts do not exist for you
    return draft


def import_start(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = imports.start_import(request.user, form.cleaned_data["file"], year=form.cleaned_data["year"],
                                         parent_plan=form.cleaned_data["parent_plan"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("import_review", pk=draft.pk)
    return render(request, "plans/import_start.html", {
        "form": form, "drafts": selectors.drafts_for(request.user)[:30],
        "max_mb": imports.max_upload_bytes() // (1024 * 1024)})


def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    draft = _draft(request, pk)
    return JsonResponse({"status": draft.status, "progress": draft.progress, "stage": draft.stage,
                         "error": draft.error})


def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    context: dict[str, Any] = {"draft": draft, "columns": RAW_COLUMNS, "area_names": AREA_NAMES,
                               "can_update": draft.replaces is not None
                               and policy.can_edit_plan(request.user, draft.replaces),
                               "stuck": imports.is_stuck(draft), "stuck_minutes": settings.DONDOC_STUCK_JOB_MINUTES}
    if draft.status == ImportDraft.Status.READY:
        data = draft.plan_json
        unknown = imports.unknown_agencies(draft)
        context.update({
            "doc": data.get("document") or {}, "tasks": data.get("tasks") or [], "targets": data.get("targets") or [],
            "periods": data.get("report_periods") or [], "plan_warnings": data.get("warnings") or [],
            "unknown": [(name, draft.agency_choices.get(name)) for name in unknown],
            "warned": sum(1 for t in data.get("tasks") or [] if t.get("warnings")),
            "choice_agencies": {a.pk: a for a in Agency.objects.filter(
                pk__in=[c.get("agency") for c in draft.agency_choices.values() if c.get("agency")])},
        })
    return render(request, "plans/import_review.html", context)


@require_POST
def import_edit_cell(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    index = int_or_none(request.POST.get("index"))
    try:
        task = imports.edit_cell(draft, -1 if index is None else index, request.POST.get("field", ""),
                                 request.POST.get("value", ""), actor=request.user)
    except ValidationError as exc:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("import_review", pk=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"task": task})
    return redirect("import_review", pk=pk)


def import_edit_task(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """The whole row in one form (the review table edits cell by cell with JavaScript; this works without)."""
    draft = _draft(request, pk)
    tasks = (draft.plan_json or {}).get("tasks") or []
    if not 0 <= index < len(tasks):
        raise Http404(_("Không có nhiệm vụ này trong bản nhập."))
    form = DraftTaskForm(request.POST or None, initial=tasks[index])
    if request.method == "POST" and form.is_valid():
        try:
            for field in form.changed_data:
                imports.edit_cell(draft, index, field, form.cleaned_data[field] or "", actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã sửa nhiệm vụ %(number)d.") % {"number": index + 1})
            return redirect(f"{draft.get_review_url()}#task-{index}")
    return render(request, "plans/import_edit_task.html", {"draft": draft, "form": form, "index": index,
                                                           "task": tasks[index]})


@require_POST
def import_choose_agency(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = AgencyChoiceForm(request.POST)
    if form.is_valid():
        try:
            imports.choose_agency(draft, form.cleaned_data["name"], form.cleaned_data["action"], actor=request.user,
                                  agency=form.cleaned_data["agency"])
            messages.success(request, _("Đã ghi lựa chọn cho “%(name)s”.") % {"name": form.cleaned_data["name"]})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Lựa chọn cơ quan không hợp lệ."))
    return redirect(f"{draft.get_review_url()}#co-quan")


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        plan = imports.confirm(draft, actor=request.user, as_update=request.POST.get("mode") != "new")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("import_review", pk=pk)
    messages.success(request, _("Đã lưu kế hoạch “%(plan)s” với %(count)d nhiệm vụ.")
                     % {"plan": plan, "count": plan.tasks.count()})
    return redirect("plan_detail", pk=plan.pk)


@require_POST
def import_restart(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a draft again whose reading stopped (its worker was killed or restarted)."""
    draft = _draft(request, pk)
    try:
        imports.restart_reading(draft, actor=request.user)
        messages.success(request, _("Đã cho đọc lại tệp."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("import_review", pk=pk)


@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        imports.discard(draft, actor=request.user)
        messages.success(request, _("Đã hủy bản nhập."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("import_start")

