"""The standing agency's overdue board and urging letters, an agency's bulk progress updates, a plan's timeline
and an agency's deadline calendar: thin views over tracking selectors, `letters` and `bulk`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.importer.text import key
from dondoc.plans.models import Plan
from dondoc.web.params import int_or_none

from . import bulk, letters, selectors
from .models import BulkUpload, UrgingLetter


def _require_urge(request: HttpRequest) -> None:
    if not policy.can_urge(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực theo dõi nhiệm vụ quá hạn và lập văn bản đôn đốc."))


# --- the overdue board -----------------------------------------------------------------------------------------

def overdue_board(request: HttpRequest) -> HttpResponse:
    _require_urge(request)
    today = timezone.localdate()
    filters = {"plan": int_or_none(request.GET.get("ke_hoach")), "year": int_or_none(request.GET.get("nam")),
               "area": request.GET.get("linh_vuc", ""), "agency": int_or_none(request.GET.get("co_quan")),
               "query": request.GET.get("q", "").strip()}
    group_by = selectors.BY_AREA if request.GET.get("theo") == selectors.BY_AREA else selectors.BY_AGENCY
    page = int_or_none(request.GET.get("trang")) or 1
    board = selectors.overdue_board(today, **filters, group_by=group_by, page=page)
    query = request.GET.copy()
    query.pop("theo", None)
    query.pop("trang", None)
    return render(request, "tracking/board.html", {
        "board": board, "groups": board.groups, "group_by": group_by,
        # a group's "see the rest" link keeps the other filters and narrows the board to that group
        "pages": range(1, board.pages + 1), "board_groups": selectors.BOARD_GROUPS,
        "narrowing": [(name, value) for name, value in request.GET.items()
                      if name in ("q", "ke_hoach", "nam", "linh_vuc", "co_quan") and value
                      and name != ("co_quan" if group_by == selectors.BY_AGENCY else "linh_vuc")],
        "filters": filters, "choices": selectors.board_choices(today), "today": today,
        "filter_query": query.urlencode(), "letters": selectors.urging_letters()[:10]})


# --- urging letters --------------------------------------------------------------------------------------------

class LetterForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số"), max_length=20, required=False,
                             help_text=gettext_lazy("Để trống nếu văn thư cấp số khi đăng ký văn bản đi."))
    symbol = forms.CharField(label=gettext_lazy("Ký hiệu"), max_length=60, required=False)
    place = forms.CharField(label=gettext_lazy("Địa danh"), max_length=100, required=False)
    issued_on = forms.DateField(label=gettext_lazy("Ngày văn bản"), widget=forms.DateInput(attrs={"type": "date"}))
    reply_by = forms.DateField(label=gettext_lazy("Hạn báo cáo kết quả"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    signer_name = forms.CharField(label=gettext_lazy("Người ký"), max_length=150, required=False,
                                  help_text=gettext_lazy("Để trống để ghi tay sau khi in."))


def letter_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_urge(request)
    agency = get_object_or_404(Agency, pk=pk)
    today = timezone.localdate()
    rows = selectors.overdue_of_agency(agency.pk, today)
    defaults = letters.default_input(request.user.agency, today)
    form = LetterForm(request.POST or None, initial=asdict(defaults))
    chosen = {r.task.pk for r in rows}
    if request.method == "POST":
        chosen = {i for i in (int_or_none(v) for v in request.POST.getlist("task")) if i is not None}
        if form.is_valid():
            data = letters.LetterInput(**form.cleaned_data)
            try:
                letter = letters.issue_letter(agency, actor=request.user, data=data, task_ids=chosen, today=today)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lập văn bản đôn đốc %(agency)s về %(count)d nhiệm vụ quá hạn.")
                                 % {"agency": agency.name, "count": letter.tasks.count()})
                return redirect(f"{reverse('letter_list')}#cong-van-{letter.pk}")
    return render(request, "tracking/letters_form.html", {
        "agency": agency, "rows": rows, "form": form, "chosen": chosen, "issuer": request.user.agency})


def letter_list(request: HttpRequest) -> HttpResponse:
    _require_urge(request)
    return render(request, "tracking/letters_list.html", {"letters": selectors.urging_letters()[:200]})


def letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The standing agency, and the officers of the agency the letter is addressed to."""
    letter = get_object_or_404(UrgingLetter.objects.select_related("agency"), pk=pk)
    user = request.user
    addressee = user.agency_id == letter.agency_id and any(
        policy.can_update_progress(user, t) for t in selectors.tasks_with_agencies().filter(urging_letters=letter))
    if not (policy.can_urge(user) or addressee):
        raise PermissionDenied(_("Bạn không được xem văn bản đôn đốc này."))
    if not letter.file:
        raise Http404(_("Văn bản không còn tệp."))
    filename = f"cong-van-don-doc-{slugify(key(letter.agency.name))[:60]}-{letter.issued_on:%Y%m%d}.docx"
    return FileResponse(letter.file.open("rb"), as_attachment=True, filename=filename)


# --- bulk progress updates -------------------------------------------------------------------------------------

class BulkUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel đã điền (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


def bulk_home(request: HttpRequest) -> HttpResponse:
    agency = bulk.officer_agency(request.user)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = bulk.start_upload(request.user, form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("bulk_preview", pk=upload.pk)
    tasks = [t for t in selectors.bulk_tasks(agency.pk) if policy.can_update_progress(request.user, t)]
    return render(request, "tracking/bulk_home.html", {
        "agency": agency, "form": form, "task_count": len(tasks), "max_mb": bulk.MAX_BYTES // (1024 * 1024),
        "uploads": selectors.bulk_uploads_of(agency.pk)[:20]})


def bulk_download(request: HttpRequest) -> HttpResponse:
    agency = bulk.officer_agency(request.user)
    today = timezone.localdate()
    tasks = [t for t in selectors.bulk_tasks(agency.pk) if policy.can_update_progress(request.user, t)]
    response = HttpResponse(bulk.build_workbook(agency, tasks, today=today),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{bulk.workbook_name(agency, today)}"'
    return response


def _bulk(request: HttpRequest, pk: int) -> BulkUpload:
    upload = get_object_or_404(BulkUpload.objects.select_related("agency", "user"), pk=pk)
    if not bulk.may_open(request.user, upload):
        raise Http404(_("Không tìm thấy tệp cập nhật."))  # other agencies' uploads do not exist for you
    return upload


def bulk_preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _bulk(request, pk)
    changes = [{**c, "evidence_shown": f"{date.fromisoformat(c['evidence_date']):%d/%m/%Y}"
                if c.get("evidence_date") else ""} for c in upload.changes]
    return render(request, "tracking/bulk_preview.html", {
        "upload": upload, "pending": upload.status == BulkUpload.Status.PENDING, "changes": changes,
        "errors": upload.errors})


@require_POST
def bulk_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _bulk(request, pk)
    try:
        count = bulk.apply_upload(upload, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật tiến độ %(count)d nhiệm vụ.") % {"count": count})
    return redirect("bulk_preview", pk=pk)


@require_POST
def bulk_discard(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _bulk(request, pk)
    try:
        bulk.discard_upload(upload, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("bulk_preview", pk=pk)
    messages.success(request, _("Đã hủy tệp cập nhật, không nhiệm vụ nào bị thay đổi."))
    return redirect("bulk_home")


# --- a plan's timeline, an agency's calendar -------------------------------------------------------------------

def _require_read(request: HttpRequest) -> None:
    if not policy.can_read(request.user):
        raise PermissionDenied(_("Bạn không được xem nội dung này."))


def plan_gantt(request: HttpRequest, pk: int) -> HttpResponse:
    _require_read(request)
    plan = get_object_or_404(Plan.objects.select_related("owner"), pk=pk)
    today = timezone.localdate()
    return render(request, "tracking/gantt.html", {"plan": plan, "gantt": selectors.plan_gantt(plan, today),
                                                   "today": today})


def _calendar(agency: Agency, deadlines: list[selectors.Deadline], request: HttpRequest) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//dondoc//Lich han cai cach hanh chinh//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Hạn nhiệm vụ CCHC — {agency.name}")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    stamp = timezone.now()
    host = request.get_host().split(":")[0] or "dondoc"
    for item in deadlines:
        task = item.task
        link = request.build_absolute_uri(reverse("task_detail", args=[task.pk]))
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", f"{task.content} ({item.label})" if item.label else task.content)
        lines = [f"Kế hoạch: {task.plan.number or task.plan.title}", f"Vai trò: {item.role}"]
        if item.label:
            lines.append(f"Kỳ: {item.label}")
        lines.append(link)
        event.add("description", "\n".join(lines))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def agency_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    _require_read(request)
    agency = get_object_or_404(Agency, pk=pk)
    response = HttpResponse(_calendar(agency, selectors.agency_deadlines(agency.pk), request),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lich-{slugify(key(agency.name))[:60] or agency.pk}.ics"'
    return response
