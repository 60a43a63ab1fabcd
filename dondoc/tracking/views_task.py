"""The task page and the writes an agency makes on it, the work queue and the extensions review: thin views
over tracking selectors (reads) and services (writes). Every view asks accounts.policy; a refused write is a 403,
a rule a service enforces comes back as a message, a task changed meanwhile as a request to reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.plans import selectors as plan_selectors
from dondoc.plans.models import CLOSED, Milestone, Status, Task
from dondoc.web.params import int_or_none

from . import rules, selectors, services
from .forms import (
    CompletionDecisionForm,
    ConditionEventForm,
    ContributionForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    OccurrenceDoneForm,
    OccurrencesForm,
    ProgressForm,
    error_text,
)
from .models import Evidence, Extension, ProgressUpdate

DRAFT_KEY = "tracking:draft:{kind}:{pk}"  # what the officer typed, kept across a refused submission


def _task(pk: int) -> Task:
    return get_object_or_404(plan_selectors.tasks_of_all(), pk=pk)


def _back(task: Task, anchor: str = "") -> HttpResponse:
    response = redirect("task_detail", pk=task.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    if isinstance(exc, services.ConflictError):
        messages.warning(request, " ".join(exc.messages) + " " + _(
            "Nội dung bạn vừa nhập vẫn còn trong ô bên dưới; tệp đính kèm (nếu có) cần chọn lại."))
    else:
        messages.error(request, " ".join(exc.messages))


def _keep_draft(request: HttpRequest, kind: str, task: Task, fields: tuple[str, ...]) -> None:
    request.session[DRAFT_KEY.format(kind=kind, pk=task.pk)] = {f: request.POST.get(f, "") for f in fields}


def _draft(request: HttpRequest, kind: str, task: Task) -> dict[str, Any]:
    return request.session.pop(DRAFT_KEY.format(kind=kind, pk=task.pk), None) or {}


# --- the task page ----------------------------------------------------------------------------------------------

def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    user, today = request.user, timezone.localdate()
    state = selectors.state(task, today)
    can_update = policy.can_update_progress(user, task)
    can_contribute = policy.can_contribute(user, task) and not can_update
    can_approve = policy.can_approve_completion(user, task) and task.status == Status.AWAITING_APPROVAL
    can_decide_extension = policy.can_decide_extension(user)
    pending_extension = selectors.pending_extension_of(task)
    shown_status = Status.DONE if task.status == Status.AWAITING_APPROVAL else task.status
    progress_form = contribution_form = extension_form = None
    if can_update:
        progress_form = ProgressForm(initial={"status": shown_status, "progress": task.progress,
                                              **_draft(request, "progress", task), "version": task.version})
        if task.status not in CLOSED and pending_extension is None:
            extension_form = ExtensionRequestForm()
    if can_contribute:
        contribution_form = ContributionForm(initial=_draft(request, "contribution", task))
    conditions = [(m, ConditionEventForm(initial={"version": task.version, "happened_on": m.condition_met_on,
                                                  "due": m.due_date}, auto_id=f"id_m{m.pk}_%s") if can_update else None)
                  for m in selectors.conditional_milestones(task)]
    recurring = selectors.recurring_milestones(task)
    context = {
        "task": task, "state": state, "today": today,
        "time_used_pct": round(state.time_used * 100) if state.time_used is not None else None,
        "at_risk_explained": rules.AT_RISK_EXPLAINED.format(gap=settings.DONDOC_AT_RISK_GAP),
        "can_update": can_update, "can_contribute": can_contribute, "can_approve": can_approve,
        "can_decide_extension": can_decide_extension, "needs_approval": settings.DONDOC_COMPLETION_NEEDS_APPROVAL
        and not policy.can_approve_completion(user, task),
        "progress_form": progress_form, "contribution_form": contribution_form, "extension_form": extension_form,
        "approval_form": CompletionDecisionForm(initial={"version": task.version}) if can_approve else None,
        "extension_decision_form": ExtensionDecisionForm() if can_decide_extension and pending_extension else None,
        "pending_extension": pending_extension, "extensions": selectors.extensions_of(task),
        "conditions": conditions, "recurring": recurring, "occurrences": selectors.occurrences_of(task),
        "occurrences_form": OccurrencesForm(initial={"year": task.plan.year or today.year})
        if can_update and recurring else None,
        "updates": selectors.updates_of(task), "audit": selectors.audit_rows(task),
        "children": task.child_tasks.select_related("plan"),
    }
    return render(request, "tracking/task_detail.html", context)


@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    if not policy.can_update_progress(request.user, task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì hoặc cơ quan thường trực cập nhật tiến độ nhiệm vụ này."))
    form = ProgressForm(request.POST, request.FILES)
    fields = ("status", "progress", "text", "evidence_kind", "evidence_number", "evidence_date", "evidence_issuer")
    if not form.is_valid():
        _keep_draft(request, "progress", task, fields)
        messages.error(request, error_text(form))
        return _back(task, "cap-nhat")
    data = form.cleaned_data
    try:
        update = services.record_progress(task, actor=request.user, text=data["text"], progress=data["progress"],
                                          status=data["status"], evidence=form.evidence(), version=data["version"])
    except ValidationError as exc:
        _keep_draft(request, "progress", task, fields)
        _refused(request, exc)
        return _back(task, "cap-nhat")
    if update.kind == ProgressUpdate.Kind.COMPLETION_REQUEST:
        messages.success(request, _("Đã gửi đề nghị lãnh đạo cơ quan duyệt hoàn thành nhiệm vụ."))
    else:
        messages.success(request, _("Đã cập nhật tiến độ nhiệm vụ."))
    return _back(task)


@require_POST
def task_contribute(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    if not policy.can_contribute(request.user, task):
        raise PermissionDenied(_("Chỉ cơ quan phối hợp của nhiệm vụ được ghi đóng góp."))
    form = ContributionForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        services.add_contribution(task, actor=request.user, text=form.cleaned_data["text"], evidence=form.evidence())
    except ValidationError as exc:
        _keep_draft(request, "contribution", task, ("text",))
        _refused(request, exc)
        return _back(task, "dong-gop")
    messages.success(request, _("Đã ghi nội dung đóng góp của cơ quan phối hợp."))
    return _back(task)


@require_POST
def task_decide_completion(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    if not policy.can_approve_completion(request.user, task):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan chủ trì duyệt hoàn thành nhiệm vụ."))
    form = CompletionDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        approve = form.cleaned_data["decision"] == "approve"
        services.decide_completion(task, actor=request.user, approve=approve, note=form.cleaned_data["note"],
                                   version=form.cleaned_data["version"])
    except ValidationError as exc:
        _refused(request, exc)
        return _back(task, "duyet")
    messages.success(request, _("Đã xác nhận nhiệm vụ hoàn thành.") if approve
                     else _("Đã trả lại đề nghị hoàn thành kèm ý kiến."))
    return _back(task)


@require_POST
def task_request_extension(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    if not policy.can_update_progress(request.user, task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì đề nghị gia hạn nhiệm vụ này."))
    form = ExtensionRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        services.request_extension(task, actor=request.user, new_due=form.cleaned_data["new_due"],
                                   reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _refused(request, exc)
        return _back(task, "gia-han")
    messages.success(request, _("Đã gửi đề nghị gia hạn tới cơ quan thường trực."))
    return _back(task, "gia-han")


def _milestone(task: Task, milestone_pk: int, kind: str) -> Milestone:
    milestone = get_object_or_404(Milestone, pk=milestone_pk, task_id=task.pk, kind=kind)
    milestone.task = task  # with its agencies already fetched, for the policy
    return milestone


@require_POST
def task_condition_event(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    task = _task(pk)
    milestone = _milestone(task, milestone_pk, Milestone.Kind.CONDITIONAL)
    if not policy.can_update_progress(request.user, task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì hoặc cơ quan thường trực ghi nhận sự kiện này."))
    form = ConditionEventForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        data = form.cleaned_data
        services.record_condition_event(milestone, actor=request.user, happened_on=data["happened_on"],
                                        due=data["due"], note=data["note"], version=data["version"])
    except ValidationError as exc:
        _refused(request, exc)
        return _back(task, "dieu-kien")
    messages.success(request, _("Đã ghi nhận sự kiện và hạn hoàn thành của mốc theo điều kiện."))
    return _back(task, "dieu-kien")


@require_POST
def task_occurrences(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    if not policy.can_update_progress(request.user, task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì hoặc cơ quan thường trực lập các kỳ của nhiệm vụ này."))
    form = OccurrencesForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        created = services.create_occurrences(task, actor=request.user, year=form.cleaned_data["year"])
    except ValidationError as exc:
        _refused(request, exc)
        return _back(task, "dinh-ky")
    messages.success(request, _("Đã lập %(count)d kỳ thực hiện.") % {"count": created})
    return _back(task, "dinh-ky")


@require_POST
def task_occurrence_done(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    task = _task(pk)
    occurrence = _milestone(task, milestone_pk, Milestone.Kind.OCCURRENCE)
    if not policy.can_update_progress(request.user, task):
        raise PermissionDenied(_("Chỉ cơ quan chủ trì cập nhật nhiệm vụ này."))
    form = OccurrenceDoneForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        services.complete_occurrence(occurrence, actor=request.user, text=form.cleaned_data["text"],
                                     evidence=form.evidence())
    except ValidationError as exc:
        _refused(request, exc)
        return _back(task, "dinh-ky")
    messages.success(request, _("Đã đánh dấu hoàn thành kỳ %(label)s.") % {"label": occurrence.label})
    return _back(task, "dinh-ky")


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, through this view only (never a public URL)."""
    if not policy.can_read(request.user):
        raise PermissionDenied
    try:
        evidence = selectors.evidence_item(pk)
    except Evidence.DoesNotExist:
        raise Http404(_("Không tìm thấy tài liệu kiểm chứng.")) from None
    if not evidence.file:
        raise Http404(_("Tài liệu kiểm chứng này không có tệp đính kèm."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp đính kèm không còn trên máy chủ.")) from None
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name or Path(evidence.file.name).name)


# --- the work queue ---------------------------------------------------------------------------------------------

QUEUE_ROWS = 200
PROVINCE_QUEUE_ROWS = 50


def work_queue(request: HttpRequest) -> HttpResponse:
    """My agency's work: overdue, due soon, at risk, waiting for my approval, coordinated for others. Managers
    see the whole province (or one agency they pick); a viewer sees their agency's lists, read-only."""
    user, today = request.user, timezone.localdate()
    whole_province = policy.is_manager(user)
    status = request.GET.get("trang_thai", "")
    filters = {"query": request.GET.get("q", "").strip(), "plan": int_or_none(request.GET.get("ke_hoach")),
               "area": request.GET.get("linh_vuc", ""), "status": status if status in Status.values else ""}
    agency_id = int_or_none(request.GET.get("co_quan")) if whole_province else user.agency_id
    # the whole province's lists are thousands long: the first rows of each, and the filters to narrow them
    limit = PROVINCE_QUEUE_ROWS if whole_province and not agency_id else QUEUE_ROWS
    queue = selectors.work_queue(today, agency_id=agency_id, whole_province=whole_province, limit=limit, **filters)
    approvals = [s for s in queue.awaiting_approval if policy.can_approve_completion(user, s.task)]
    rows = [*queue.overdue, *queue.due_soon, *queue.at_risk, *queue.awaiting_approval]
    editable = {s.task.pk for s in rows if policy.can_update_progress(user, s.task)}
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    context = {
        "queue": queue, "approvals": approvals, "editable": editable, "filters": filters, "agency": agency,
        "whole_province": whole_province and not agency_id, "is_manager": whole_province,
        "no_agency": not whole_province and not user.agency_id,
        "read_only": not editable and not approvals and not whole_province,
        "choices": selectors.queue_choices(agency_id, whole_province), "remind_days": settings.DONDOC_REMIND_DAYS,
        "at_risk_explained": rules.AT_RISK_EXPLAINED.format(gap=settings.DONDOC_AT_RISK_GAP),
        "can_decide_extension": policy.can_decide_extension(user), "today": today,
    }
    return render(request, "tracking/work_queue.html", context)


# --- extensions review (the standing agency) --------------------------------------------------------------------

def extension_list(request: HttpRequest) -> HttpResponse:
    if not policy.can_decide_extension(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực duyệt gia hạn."))
    return render(request, "tracking/extension_list.html", {
        "pending": selectors.pending_extensions().order_by("created_at"),
        "decided": selectors.decided_extensions(), "form": ExtensionDecisionForm()})


@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(Extension.objects.select_related("task"), pk=pk)
    if not policy.can_decide_extension(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực duyệt gia hạn."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = ""
    form = ExtensionDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_text(form))
        approve = form.cleaned_data["decision"] == "approve"
        services.decide_extension(extension, actor=request.user, approve=approve, note=form.cleaned_data["note"])
    except ValidationError as exc:
        _refused(request, exc)
    else:
        if approve:
            messages.success(request, _("Đã đồng ý gia hạn đến %(day)s.") % {"day": f"{extension.new_due:%d/%m/%Y}"})
        else:
            messages.success(request, _("Đã không đồng ý gia hạn; hạn cũ giữ nguyên."))
    return redirect(target or "extension_list")
