"""Periodic reports in the app: the periods and who has reported, an agency's report from draft to submission,
the province's aggregate, downloads, report periods and letterheads. Thin views over selectors and services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, ReportPeriod
from dondoc.web.params import int_or_none

from . import documents, selectors, services
from .compose import BUCKETS
from .letterhead import heading_for
from .models import NARRATIVE_FIELDS, Letterhead, Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _period(pk: int) -> ReportPeriod:
    try:
        return selectors.period(pk)
    except ReportPeriod.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy kỳ báo cáo.")) from exc


def _report(request: HttpRequest, pk: int) -> Report:
    try:
        report = selectors.report(pk)
    except Report.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy báo cáo.")) from exc
    if not policy.can_see_report(request.user, report):
        raise Http404(_("Không tìm thấy báo cáo."))  # another agency's report does not exist for you
    return report


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- the periods ------------------------------------------------------------------------------------------------

def home(request: HttpRequest) -> HttpResponse:
    """The report periods of the year: for an agency its own report of each, for the standing agency how many
    agencies have sent theirs."""
    today = timezone.localdate()
    year = int_or_none(request.GET.get("nam")) or today.year
    periods = list(selectors.periods_of_user(request.user, year))
    mine = selectors.my_reports(request.user, [p.pk for p in periods])
    rows = []
    for p in periods:
        row: dict[str, Any] = {"period": p, "report": mine.get(p.pk), "late": bool(p.submit_by and today > p.submit_by)}
        if policy.can_track_reports(request.user):
            subs = selectors.submissions(p, today)
            row["expected"] = len(subs)
            row["submitted"] = sum(1 for s in subs if s.submitted is not None)
        rows.append(row)
    years = sorted(set(Plan.objects.exclude(year=None).values_list("year", flat=True)) | {today.year}, reverse=True)
    return render(request, "reports/home.html", {
        "rows": rows, "year": year, "years": years, "today": today,
        "can_track": policy.can_track_reports(request.user)})


def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Submission tracking for the standing agency; an agency's user sees its own report of the period."""
    period = _period(pk)
    today = timezone.localdate()
    if not policy.can_track_reports(request.user):
        return redirect("report_open", pk=period.pk)
    subs = selectors.submissions(period, today)
    return render(request, "reports/period_detail.html", {
        "period": period, "submissions": subs, "today": today,
        "submitted": sum(1 for s in subs if s.submitted is not None),
        "late": sum(1 for s in subs if s.late), "province_report": selectors.province_report(period),
        "past_due": bool(period.submit_by and today > period.submit_by)})


@require_POST
def period_remind(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    chosen = {i for i in (int_or_none(v) for v in request.POST.getlist("agency")) if i is not None}
    sent = services.remind(period, actor=request.user, agency_ids=chosen or None)
    if sent:
        messages.success(request, _("Đã gửi %(count)d thông báo nhắc gửi báo cáo.") % {"count": sent})
    else:
        messages.info(request, _("Không có thông báo mới: các cơ quan đã gửi báo cáo, chưa có tài khoản, hoặc đã "
                                 "được nhắc hôm nay."))
    return redirect("period_detail", pk=period.pk)


def report_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's agency's report of the period: opened when it exists, drafted from the data on request."""
    period = _period(pk)
    scope = Report.Scope.PROVINCE if request.GET.get("loai") == "tong-hop" or request.POST.get(
        "scope") == Report.Scope.PROVINCE else Report.Scope.AGENCY
    if scope == Report.Scope.PROVINCE:
        existing = selectors.province_report(period)
    else:
        existing = selectors.latest(period.pk, request.user.agency_id, scope) if request.user.agency_id else None
    if existing is not None:
        return redirect(existing)
    if request.method == "POST":
        try:
            report = services.open_report(period, actor=request.user, scope=scope)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã lập dự thảo báo cáo từ số liệu đã cập nhật; hãy xem và sửa phần viết."))
            return redirect(report)
    agency = period.plan.owner if scope == Report.Scope.PROVINCE else request.user.agency
    return render(request, "reports/report_open.html", {
        "period": period, "scope": scope, "agency": agency,
        "can_write": agency is not None and policy.can_write_report_for(request.user, agency.pk, scope)})


# --- one report -------------------------------------------------------------------------------------------------

class NarrativeForm(forms.ModelForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = ["number", *NARRATIVE_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in NARRATIVE_FIELDS}
        help_texts = {"number": gettext_lazy("Để trống nếu văn thư cấp số khi đăng ký văn bản đi.")}


# Tasks listed per area on the report's page: the province's aggregate covers every task of the year (≈10,000, 7 MB
# of HTML); the DOCX and XLSX annexes list them all.
TASK_ROWS = 50


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    can_edit = policy.can_edit_report(request.user, report)
    form = NarrativeForm(request.POST or None, instance=report, initial={"edit_version": report.edit_version})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Báo cáo đã gửi hoặc bạn không có quyền sửa báo cáo này."))
        if form.is_valid():
            texts = {name: form.cleaned_data[name] for name in NARRATIVE_FIELDS}
            try:
                services.save_narrative(report, texts, actor=request.user,
                                        edit_version=form.cleaned_data["edit_version"],
                                        number=form.cleaned_data["number"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu báo cáo."))
                return redirect(report)
    data = services.compose_for(report)
    return render(request, "reports/report_detail.html", {
        "report": report, "data": data, "form": form, "can_edit": can_edit, "buckets": BUCKETS,
        "task_rows": f":{TASK_ROWS}", "task_rows_shown": TASK_ROWS,
        "can_approve": policy.can_approve_report(request.user, report),
        "can_correct": policy.can_correct_report(request.user, report) and not hasattr(report, "correction"),
        "can_track": policy.can_track_reports(request.user),
        "versions": selectors.versions(report.period_id, report.agency_id).filter(scope=report.scope),
        "pdf": documents.pdf_available(),
        "sections": [(name, Report._meta.get_field(name).verbose_name) for name in NARRATIVE_FIELDS]})


@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report(request, pk)
    done = {
        "trinh": (lambda: services.send_for_approval(report, actor=request.user),
                  _("Đã trình lãnh đạo duyệt báo cáo.")),
        "tra-lai": (lambda: services.return_report(report, actor=request.user, note=request.POST.get("note", "")),
                    _("Đã trả lại báo cáo cho cán bộ soạn.")),
        "duyet": (lambda: services.approve_and_submit(report, actor=request.user),
                  _("Đã duyệt và gửi báo cáo; báo cáo đã khóa.")),
        "sua-doi": (lambda: services.start_correction(report, actor=request.user),
                    _("Đã lập bản sửa đổi; bản đã gửi vẫn được lưu.")),
        "tong-hop-lai": (lambda: services.refill_from_agencies(report, actor=request.user),
                         _("Đã tổng hợp lại phần viết từ báo cáo các cơ quan đã gửi.")),
    }
    if action not in done:
        raise Http404(_("Không có thao tác này."))
    run, message = done[action]
    try:
        result = run()
    except ValidationError as exc:  # a refused permission is a 403, not a message
        _errors(request, exc)
        return redirect(report)
    messages.success(request, message)
    return redirect(result if isinstance(result, Report) else report)


def report_download(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    report = _report(request, pk)
    data = services.compose_for(report)
    if ext == "xlsx":
        content, mime = documents.render_xlsx(report, data), XLSX
    elif ext == "docx":
        content, mime = documents.render_docx(report, data), DOCX
    elif ext == "pdf":
        try:
            content, mime = documents.to_pdf(documents.render_docx(report, data)), "application/pdf"
        except documents.PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect(report)
    else:
        raise Http404(_("Không có định dạng này."))
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(report, ext)}"'
    return response


# --- report periods of a plan ---------------------------------------------------------------------------------

class PeriodForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("Kỳ báo cáo"), max_length=100, required=False)
    data_from = forms.DateField(label=gettext_lazy("Số liệu từ ngày"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    data_to = forms.DateField(label=gettext_lazy("đến ngày"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    submit_by = forms.DateField(label=gettext_lazy("Hạn gửi"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    delete = forms.BooleanField(label=gettext_lazy("Xóa"), required=False)


PeriodFormSet = forms.formset_factory(PeriodForm, extra=2, max_num=40)


def plan_periods(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("owner"), pk=pk)
    can_edit = policy.can_edit_report_periods(request.user)
    periods = list(plan.report_periods.all())
    initial = [{"pk": p.pk, "name": p.name, "data_from": p.data_from, "data_to": p.data_to,
                "submit_by": p.submit_by} for p in periods]
    formset = PeriodFormSet(request.POST or None, initial=initial, prefix="ky")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Chỉ cơ quan thường trực sửa kỳ báo cáo."))
        if request.POST.get("default") == "1":
            try:
                created = services.ensure_periods(plan, request.user)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Đã lập %(count)d kỳ báo cáo theo chế độ báo cáo mặc định.")
                                 % {"count": len(created)})
            return redirect("plan_periods", pk=plan.pk)
        if formset.is_valid():
            rows = [services.PeriodInput(pk=f.get("pk"), name=f.get("name") or "", data_from=f.get("data_from"),
                                         data_to=f.get("data_to"), submit_by=f.get("submit_by"),
                                         delete=bool(f.get("delete")))
                    for f in formset.cleaned_data if f]
            try:
                services.save_periods(plan, rows, request.user)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Đã lưu các kỳ báo cáo."))
                return redirect("plan_periods", pk=plan.pk)
    return render(request, "reports/plan_periods.html", {
        "plan": plan, "periods": periods, "formset": formset, "can_edit": can_edit})


# --- letterheads ------------------------------------------------------------------------------------------------

class LetterheadForm(forms.ModelForm):
    class Meta:
        model = Letterhead
        fields = list(services.LETTERHEAD_FIELDS)
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4})}


def letterhead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)
    if not policy.can_edit_letterhead(request.user, agency.pk):
        raise PermissionDenied(_("Bạn không sửa được mẫu văn bản của cơ quan này."))
    instance = Letterhead.objects.filter(agency=agency).first() or Letterhead(agency=agency)
    form = LetterheadForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_letterhead(agency, {k: form.cleaned_data[k] for k in services.LETTERHEAD_FIELDS},
                                 actor=request.user)
        messages.success(request, _("Đã lưu mẫu văn bản của %(agency)s.") % {"agency": agency.name})
        return redirect(reverse("letterhead_edit", args=[agency.pk]))
    return render(request, "reports/letterhead_form.html", {
        "agency": agency, "form": form, "report_heading": heading_for(agency, "report"),
        "letter_heading": heading_for(agency, "letter"), "today": timezone.localdate()})
