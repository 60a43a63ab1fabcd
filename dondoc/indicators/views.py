"""Targets and one-stop-shop statistics in the app. Thin views over selectors and services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, ReportPeriod, Target
from dondoc.web.params import int_or_none

from . import selectors, service_index, services
from .dossiers import compute, schema
from .forms import ActualForm, IndexInputsForm, MappingForm, StaffingForm, TargetForm, UploadForm
from .metrics import ACHIEVEMENT_LABELS, BINDABLE, COUNTS, METRIC_BY_CODE, METRICS
from .models import CounterStaffing, DossierImport


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _target(request: HttpRequest, pk: int) -> Target:
    # Plans and their targets are read by every signed-in user of the province (policy.can_read).
    return get_object_or_404(Target.objects.select_related("plan__owner__level", "period"), pk=pk)


# --- targets ---------------------------------------------------------------------------------------------------

def targets_home(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    plan = Plan.objects.filter(pk=int_or_none(request.GET.get("ke_hoach"))).first()
    metric = request.GET.get("chi_so", "")
    state = request.GET.get("ket_qua", "")
    qs = selectors.search_targets(q=q, plan=plan, metric=metric, year=int_or_none(request.GET.get("nam")))
    rows = selectors.target_rows(qs)
    counts = {s: sum(1 for r in rows if r.state == s) for s in ACHIEVEMENT_LABELS}
    if state in ACHIEVEMENT_LABELS:
        rows = [r for r in rows if r.state == state]
    return render(request, "indicators/targets.html", {
        "rows": rows, "q": q, "plan": plan, "metric": metric, "state": state, "counts": counts,
        "labels": ACHIEVEMENT_LABELS, "metrics": BINDABLE, "metric_names": {m.code: m.name for m in BINDABLE},
        "plans": Plan.objects.filter(targets__isnull=False).distinct(),
        "can_edit": policy.can_edit_targets(request.user),
    })


def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    row = selectors.target_rows(Target.objects.filter(pk=target.pk))[0]
    period = next((p.period for p in row.periods if p.period.pk == int_or_none(request.GET.get("ky"))), None) \
        or (row.latest.period if row.latest else (row.periods[-1].period if row.periods else None))
    user = request.user
    actual_form = _actual_form(request, target) if _may_enter_any(user, target) else None
    return render(request, "indicators/target_detail.html", {
        "target": target, "row": row, "period": period,
        "breakdown": selectors.agency_breakdown(target, period) if period else [],
        "trend": selectors.trend(row), "metric": METRIC_BY_CODE.get(target.metric),
        "scope": selectors.target_scope_label(target), "labels": ACHIEVEMENT_LABELS,
        "level_label": schema.LEVELS.get(target.level, ""),
        "can_edit": policy.can_edit_targets(user), "actual_form": actual_form,
    })


def _may_enter_any(user: Any, target: Target) -> bool:
    return policy.is_manager(user) or policy.can_enter_actual(user, user.agency_id)


def _actual_form(request: HttpRequest, target: Target, data: Any = None) -> ActualForm:
    user = request.user
    manager = policy.is_manager(user)
    agencies = Agency.objects.filter(is_group=False) if manager else Agency.objects.filter(pk=user.agency_id)
    initial = {} if manager else {"agency": user.agency_id}
    return ActualForm(data, target=target, agencies=agencies, allow_scope=manager, initial=initial)


@require_POST
def target_actual(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    if not policy.can_enter_actual(request.user, int_or_none(request.POST.get("agency"))):
        raise PermissionDenied
    form = _actual_form(request, target, request.POST)
    if not form.is_valid():
        messages.error(request, _("Số liệu chưa hợp lệ: ") + "; ".join(
            f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields))
        return redirect("target_detail", pk=target.pk)
    agency = form.cleaned_data["agency"]
    try:
        services.set_actual(target, form.cleaned_data["period"], agency, form.cleaned_data["value"],
                            note=form.cleaned_data["note"], actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã lưu số liệu."))
    return redirect(f"{reverse('target_detail', args=[target.pk])}?ky={form.cleaned_data['period'].pk}")


def target_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    if not policy.can_edit_targets(request.user):
        raise PermissionDenied
    if pk is not None:
        target = _target(request, pk)
        plan = target.plan
    else:
        plan = get_object_or_404(Plan, pk=plan_pk)
        target = Target(plan=plan, comparator=Target.Comparator.AT_LEAST, unit="%")
    form = TargetForm(request.POST or None, instance=target, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ("text", "value", "unit", "comparator", "metric", "level", "period")}
        try:
            saved = services.save_target(target, data, list(form.cleaned_data["agencies"]), actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            return redirect("target_detail", pk=saved.pk)
    return render(request, "indicators/target_form.html", {"form": form, "target": target, "plan": plan})


@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not policy.can_edit_targets(request.user):
        raise PermissionDenied
    target = _target(request, pk)
    plan_pk = target.plan_id
    services.delete_target(target, actor=request.user)
    messages.success(request, _("Đã xóa chỉ tiêu."))
    return redirect("plan_detail", pk=plan_pk)


# --- dossier data ------------------------------------------------------------------------------------------------

def _manage(request: HttpRequest) -> None:
    if not policy.can_manage_dossiers(request.user):
        raise PermissionDenied


def dossiers_home(request: HttpRequest) -> HttpResponse:
    _manage(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = form.cleaned_data["source"] or services.create_source(form.cleaned_data["new_source"],
                                                                           actor=request.user)
            imp = services.start_import(request.user, form.cleaned_data["file"], source=source,
                                        encoding=form.cleaned_data["encoding"] or "",
                                        skip_bad_rows=form.cleaned_data["skip_bad_rows"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if imp.state == DossierImport.State.MAPPING:
                return redirect("dossier_import_mapping", pk=imp.pk)
            return redirect("dossier_import_detail", pk=imp.pk)
    return render(request, "indicators/dossiers.html", {
        "form": form, "summary": selectors.store_summary(), "imports": selectors.imports(),
        "max_mb": settings.DONDOC_DOSSIER_MAX_MB, "headers": schema.DEFAULT_HEADERS,
    })


def _import(request: HttpRequest, pk: int) -> DossierImport:
    _manage(request)
    return get_object_or_404(DossierImport.objects.select_related("source", "uploaded_by"), pk=pk)


def dossier_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = _import(request, pk)
    return render(request, "indicators/import_detail.html", {
        "imp": imp, "stuck": services.is_stuck(imp), "stuck_minutes": settings.DONDOC_STUCK_JOB_MINUTES})


@require_POST
def dossier_import_restart(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again an import whose job stopped (its worker was killed or restarted)."""
    imp = _import(request, pk)
    try:
        services.restart_import(imp, actor=request.user)
        messages.success(request, _("Đã cho chạy lại lần nhập."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("dossier_import_detail", pk=imp.pk)


def dossier_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    imp = _import(request, pk)
    status = {DossierImport.State.QUEUED: "queued", DossierImport.State.RUNNING: "reading"}.get(imp.state, imp.state)
    return JsonResponse({"status": status, "progress": round(imp.progress * 100), "stage": imp.stage})


def dossier_import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    imp = _import(request, pk)
    if imp.state != DossierImport.State.MAPPING:
        return redirect("dossier_import_detail", pk=imp.pk)
    form = MappingForm(request.POST or None, headers=imp.headers,
                       initial_mapping=services.mapping_for(imp.source, imp.headers))
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_mapping(imp, form.mapping(), actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("dossier_import_detail", pk=imp.pk)
    return render(request, "indicators/import_mapping.html", {"imp": imp, "form": form})


def dossier_import_errors(request: HttpRequest, pk: int) -> FileResponse:
    imp = _import(request, pk)
    if not imp.errors_file:
        raise Http404(_("Lần nhập này không có dòng lỗi."))
    return FileResponse(imp.errors_file.open("rb"), as_attachment=True, filename=f"dong-loi-{imp.pk}.csv",
                        content_type="text/csv; charset=utf-8")


def staffing(request: HttpRequest) -> HttpResponse:
    _manage(request)
    form = StaffingForm(request.POST or None, initial={"year": date.today().year})
    if request.method == "POST" and form.is_valid():
        services.save_staffing(form.cleaned_data["agency"], form.cleaned_data["year"], form.cleaned_data["officers"],
                               actor=request.user)
        messages.success(request, _("Đã lưu số nhân sự."))
        return redirect("dossier_staffing")
    return render(request, "indicators/staffing.html", {
        "form": form, "rows": CounterStaffing.objects.select_related("agency")[:500]})


# --- indicators --------------------------------------------------------------------------------------------------

def _windows(request: HttpRequest) -> tuple[list[ReportPeriod], compute.Window | None, ReportPeriod | None]:
    periods = list(ReportPeriod.objects.exclude(data_from=None).exclude(data_to=None)
                   .select_related("plan").order_by("-data_to", "plan__title"))
    period = next((p for p in periods if p.pk == int_or_none(request.GET.get("ky"))), None)
    start, end = _date(request.GET.get("tu")), _date(request.GET.get("den"))
    if period is None and start and end and start <= end:
        return periods, compute.Window(f"{start:%d/%m/%Y} – {end:%d/%m/%Y}", start, end), None
    period = period or (periods[0] if periods else None)
    return periods, services.window_of(period) if period else None, period


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


INDICATOR_COLUMNS = ["received", "finished", "on_time_rate", "late", "open_overdue", "apology_rate", "online_rate",
                     "full_online_rate", "postal_rate", "dossier_digitised_rate", "result_digitised_rate",
                     "avg_processing_days", "median_processing_days", "satisfaction_rate", "dossiers_per_officer"]


def indicators(request: HttpRequest) -> HttpResponse:
    periods, window, period = _windows(request)
    by = request.GET.get("theo", "agency")
    by = by if by in compute.GROUPINGS else "agency"
    own_only = not policy.is_manager(request.user) and request.user.agency_id is not None
    agency_ids = [request.user.agency_id] if own_only else None
    rows = selectors.indicator_table(window, by=by, agency_ids=agency_ids) if window else []
    q = request.GET.get("q", "")
    if by == "agency":
        names = selectors.agencies_by_id({r["agency_id"] for r in rows})
        for r in rows:
            r["label"] = names[r["agency_id"]].name if r["agency_id"] in names else f"#{r['agency_id']}"
            r["agency"] = names.get(r["agency_id"])
        if q:
            from dondoc.importer.text import key

            words = key(q).split()
            rows = [r for r in rows if all(w in key(r["label"]) for w in words)]
    elif by == "level":
        for r in rows:
            r["label"] = schema.LEVELS.get(r["level"] or "", _("Không rõ cấp"))
    else:
        for r in rows:
            r["label"] = _("Tất cả")
    rows.sort(key=lambda r: r["label"])
    columns = [METRIC_BY_CODE[c] for c in INDICATOR_COLUMNS]
    for r in rows:
        r["cells"] = [r.get(c) for c in INDICATOR_COLUMNS]
    return render(request, "indicators/indicators.html", {
        "periods": periods, "period": period, "window": window, "by": by, "rows": rows, "columns": columns,
        "q": q, "tu": request.GET.get("tu", ""), "den": request.GET.get("den", ""),
        "metrics": METRICS, "counts": COUNTS, "own_only": own_only,
    })


def service_index_view(request: HttpRequest) -> HttpResponse:
    periods, _window, period = _windows(request)
    user = request.user
    agencies = Agency.objects.filter(is_group=False) if policy.is_manager(user) else \
        Agency.objects.filter(pk=user.agency_id)
    asked = int_or_none(request.POST.get("co_quan") or request.GET.get("co_quan"))
    if request.method == "POST" and not policy.can_enter_actual(user, asked):
        raise PermissionDenied
    agency = agencies.filter(pk=asked).first() or (agencies.filter(pk=user.agency_id).first() if user.agency_id
                                                   else agencies.first())
    can_input = agency is not None and period is not None and policy.can_enter_actual(user, agency.pk)
    form = None
    if can_input:
        form = IndexInputsForm(request.POST or None, inputs=service_index.MANUAL_INPUTS,
                               initial_values=selectors.manual_inputs(agency, period))
        if request.method == "POST" and form.is_valid():
            services.save_index_inputs(agency, period, dict(form.cleaned_data), actor=user)
            messages.success(request, _("Đã lưu số liệu nhập tay."))
            return redirect(f"{request.path}?ky={period.pk}&co_quan={agency.pk}")
    score = selectors.index_for(agency, period) if agency and period else None
    return render(request, "indicators/service_index.html", {
        "periods": periods, "period": period, "agency": agency, "agencies": agencies.select_related("level"),
        "score": score, "form": form, "groups": service_index.GROUPS,
    })
