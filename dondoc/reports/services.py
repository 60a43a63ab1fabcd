"""Writes of the periodic reports: report periods, drafting, approval and submission, corrections, reminders,
letterheads. Every write is atomic and audited; who may do what is asked of accounts.policy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from dondoc.accounts import policy
from dondoc.accounts.models import Role
from dondoc.agencies.models import Agency
from dondoc.audit.services import diff, record
from dondoc.plans.models import Plan, ReportPeriod
from dondoc.tracking.models import Notification
from dondoc.tracking.notify import agency_officers, notify, standing_users

from . import selectors
from .compose import ReportData, compose
from .models import NARRATIVE_FIELDS, Letterhead, Report
from .narrative import agency_draft, province_draft
from .periods import default_periods, periods_containing


class ConflictError(ValidationError):
    """Someone else saved the report since this form was opened."""


# --- report periods ------------------------------------------------------------------------------------------

def ensure_periods(plan: Plan, actor: Any) -> list[ReportPeriod]:
    """Give a plan that states no report periods those of the default regime (Nghị định 09/2019/NĐ-CP).

    Idempotent: a plan that has periods (its own, or ones made here before) is left alone and nothing
    is returned; otherwise the created periods are returned and the write is audited."""
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)  # two callers at once create the rows once
        if locked.report_periods.exists():
            return []
        if not locked.year:
            raise ValidationError("Kế hoạch chưa có năm kế hoạch nên không thể lập các kỳ báo cáo mặc định.")
        created = ReportPeriod.objects.bulk_create([
            ReportPeriod(plan=locked, name=p.name, data_from=p.data_from, data_to=p.data_to, submit_by=p.submit_by)
            for p in default_periods(locked.year)])
        record(actor, "plan.report_periods.default", locked,
               summary=f"Lập {len(created)} kỳ báo cáo mặc định năm {locked.year} cho {locked}",
               changes={"report_periods": [_period_json(p) for p in created]})
    return created


def period_for_update(plan: Plan, day: date) -> ReportPeriod | None:
    """The report a task update dated `day` goes into first (`periods.periods_containing`); None when no
    window holds it."""
    found = periods_containing(plan.report_periods.all(), day)
    return found[0] if found else None


def _period_json(p: ReportPeriod) -> dict[str, Any]:
    return {"name": p.name, "data_from": p.data_from.isoformat() if p.data_from else None,
            "data_to": p.data_to.isoformat() if p.data_to else None,
            "submit_by": p.submit_by.isoformat() if p.submit_by else None}


@dataclass
class PeriodInput:
    pk: int | None
    name: str
    data_from: date | None
    data_to: date | None
    submit_by: date | None
    delete: bool = False


def save_periods(plan: Plan, rows: Iterable[PeriodInput], actor: Any) -> None:
    """Edit, add and remove a plan's report periods at once. A period with reports cannot be removed."""
    if not policy.can_edit_report_periods(actor):
        raise PermissionDenied("Chỉ cơ quan thường trực sửa kỳ báo cáo.")
    with transaction.atomic():
        existing = {p.pk: p for p in ReportPeriod.objects.select_for_update().filter(plan=plan).order_by("pk")}
        changes: dict[str, Any] = {}
        for row in rows:
            period = existing.get(row.pk) if row.pk else None
            if row.pk and period is None:
                raise ValidationError("Kỳ báo cáo không thuộc kế hoạch này.")
            if row.delete:
                if period is not None:
                    if period.reports.exists():
                        raise ValidationError(f"Kỳ “{period.name}” đã có báo cáo nên không xóa được.")
                    changes[f"xóa {period.name}"] = _period_json(period)
                    period.delete()
                continue
            if not row.name.strip():
                continue
            if row.data_from and row.data_to and row.data_from > row.data_to:
                raise ValidationError(f"Kỳ “{row.name}”: ngày bắt đầu chốt số liệu sau ngày kết thúc.")
            period = period or ReportPeriod(plan=plan)
            before = _period_json(period) if period.pk else {}
            period.name, period.data_from, period.data_to, period.submit_by = (
                row.name.strip()[:100], row.data_from, row.data_to, row.submit_by)
            period.save()
            change = diff(before, _period_json(period))
            if change:
                changes[period.name] = change
        if changes:
            record(actor, "plan.report_periods.edit", plan, summary=f"Sửa kỳ báo cáo của {plan}", changes=changes)


# --- drafting ---------------------------------------------------------------------------------------------------

def report_agency(period: ReportPeriod, scope: str, agency: Agency | None) -> Agency:
    """Who reports: the named agency, or for the aggregate the plan's issuer."""
    if scope == Report.Scope.PROVINCE:
        if period.plan.owner is None:
            raise ValidationError("Kế hoạch chưa gắn cơ quan ban hành nên chưa lập được báo cáo tổng hợp.")
        return period.plan.owner
    if agency is None:
        raise ValidationError("Tài khoản của bạn chưa gắn với cơ quan nào nên chưa lập được báo cáo.")
    return agency


def compose_for(report: Report, today: date | None = None) -> ReportData:
    """The figures of a report: frozen at submission, live while it is a draft."""
    if report.snapshot:
        return ReportData.from_json(report.snapshot)
    if report.scope == Report.Scope.PROVINCE:
        return compose(report.period, None, today=today,
                       reports=selectors.latest_per_agency(report.period).values())
    return compose(report.period, report.agency_id, today=today)


def open_report(period: ReportPeriod, *, actor: Any, scope: str = Report.Scope.AGENCY,
                agency: Agency | None = None, today: date | None = None) -> Report:
    """The agency's newest report of the period; the first time, a draft whose narrative is written from the data."""
    who = report_agency(period, scope, agency if agency is not None else getattr(actor, "agency", None))
    existing = selectors.latest(period.pk, who.pk, scope)
    if existing is not None:
        if not policy.can_see_report(actor, existing):
            raise PermissionDenied("Bạn không xem được báo cáo này.")
        return existing
    if not policy.can_write_report_for(actor, who.pk, scope):
        raise PermissionDenied("Bạn không lập được báo cáo của cơ quan này.")
    with transaction.atomic():
        # two officers opening at once: the unique (period, agency, version) keeps one draft
        Agency.objects.select_for_update().filter(pk=who.pk).order_by("pk").first()  # no join to lock
        existing = selectors.latest(period.pk, who.pk, scope)
        if existing is not None:
            return existing
        report = Report(period=period, agency=who, scope=scope, created_by=actor)
        data = compose_for(report, today)
        if scope == Report.Scope.PROVINCE:
            texts = province_draft(data, selectors.latest_submitted_per_agency(period).values())
        else:
            texts = agency_draft(data)
        for name, text in texts.items():
            setattr(report, name, text)
        report.save()
        record(actor, "report.create", report, summary=str(report), changes={"version": 1, "scope": scope})
    return report


def save_narrative(report: Report, texts: dict[str, str], *, actor: Any, edit_version: int,
                   number: str | None = None) -> Report:
    """Save the sections an officer wrote; refused once sent, and when someone saved in between."""
    if not policy.can_edit_report(actor, report):
        raise PermissionDenied("Báo cáo đã gửi hoặc bạn không có quyền sửa báo cáo này.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.locked:
            raise ValidationError("Báo cáo đã gửi nên không sửa được; hãy lập bản sửa đổi.")
        if locked.edit_version != edit_version:
            raise ConflictError("Báo cáo vừa được người khác lưu. Hãy tải lại trang, xem nội dung mới rồi sửa tiếp.")
        before = {name: getattr(locked, name) for name in (*NARRATIVE_FIELDS, "number")}
        for name in NARRATIVE_FIELDS:
            if name in texts:
                setattr(locked, name, texts[name].strip())
        if number is not None:
            locked.number = number.strip()[:100]
        changes = diff(before, {name: getattr(locked, name) for name in (*NARRATIVE_FIELDS, "number")})
        if not changes:
            return locked
        locked.edit_version = F("edit_version") + 1
        locked.save()
        locked.refresh_from_db()
        record(actor, "report.edit", locked, summary=str(locked), changes=changes)
    return locked


def refill_from_agencies(report: Report, *, actor: Any) -> Report:
    """The aggregate's narrative, written again from the agencies' submitted reports (the officer's text is
    replaced; the audit log keeps it)."""
    if report.scope != Report.Scope.PROVINCE or not policy.can_edit_report(actor, report):
        raise PermissionDenied("Chỉ cơ quan thường trực tổng hợp báo cáo chung khi báo cáo chưa gửi.")
    data = compose_for(report)
    texts = province_draft(data, selectors.latest_submitted_per_agency(report.period).values())
    return save_narrative(report, texts, actor=actor, edit_version=report.edit_version)


# --- approval and submission --------------------------------------------------------------------------------

def _notify_leaders(report: Report) -> None:
    for leader in agency_officers({report.agency_id}, {Role.LEADER}):
        notify(leader, kind=Notification.Kind.REPORT, key=f"report-approval:{report.pk}:{report.edit_version}",
               title=f"Chờ duyệt: {report}", body=f"Báo cáo {report.period.name} chờ lãnh đạo duyệt và gửi.",
               url=report.get_absolute_url(), link_text="Xem và duyệt báo cáo")


def send_for_approval(report: Report, *, actor: Any) -> Report:
    if report.scope != Report.Scope.AGENCY or not policy.can_edit_report(actor, report):
        raise PermissionDenied("Bạn không trình được báo cáo này.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state != Report.State.DRAFT:
            raise ValidationError("Chỉ trình lãnh đạo một dự thảo báo cáo.")
        locked.state, locked.return_note = Report.State.AWAITING_APPROVAL, ""
        locked.save(update_fields=["state", "return_note", "updated_at"])
        record(actor, "report.send_for_approval", locked, summary=str(locked))
        _notify_leaders(locked)
    return locked


def return_report(report: Report, *, actor: Any, note: str) -> Report:
    """The leader sends the draft back to the officer with a note."""
    if not policy.can_approve_report(actor, report):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan trả lại báo cáo.")
    if not note.strip():
        raise ValidationError("Hãy ghi ý kiến khi trả lại báo cáo.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state != Report.State.AWAITING_APPROVAL:
            raise ValidationError("Báo cáo không ở trạng thái chờ duyệt.")
        locked.state, locked.return_note = Report.State.DRAFT, note.strip()
        locked.save(update_fields=["state", "return_note", "updated_at"])
        record(actor, "report.return", locked, summary=str(locked), changes={"note": note.strip()})
        if locked.created_by_id and locked.created_by_id != getattr(actor, "pk", None):
            stamp = int(timezone.now().timestamp())
            notify(locked.created_by, kind=Notification.Kind.REPORT, key=f"report-return:{locked.pk}:{stamp}",
                   title=f"Báo cáo bị trả lại: {locked}", body=note.strip(), url=locked.get_absolute_url())
    return locked


def approve_and_submit(report: Report, *, actor: Any, today: date | None = None) -> Report:
    """The leader's approval sends the report: its figures are frozen and it is locked."""
    if not policy.can_approve_report(actor, report):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan duyệt và gửi báo cáo.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("period", "period__plan", "agency").get(
            pk=report.pk)
        if locked.locked:
            raise ValidationError("Báo cáo đã gửi.")
        data = compose_for(locked, today)
        locked.snapshot = data.to_json()
        locked.state, locked.approved_by, locked.submitted_at = Report.State.SUBMITTED, actor, timezone.now()
        locked.return_note = ""
        locked.save()
        record(actor, "report.submit", locked, summary=str(locked),
               changes={"version": locked.version, "totals": data.totals})
        if locked.scope == Report.Scope.AGENCY:
            for user in standing_users():
                notify(user, kind=Notification.Kind.REPORT, key=f"report-submitted:{locked.pk}",
                       title=f"Đã nhận: {locked}", body=f"{locked.agency} đã gửi báo cáo {locked.period.name}.",
                       url=locked.get_absolute_url())
    return locked


def start_correction(report: Report, *, actor: Any) -> Report:
    """A new version of a submitted report, its text copied; the submitted one stays as it was sent."""
    if not policy.can_correct_report(actor, report):
        raise PermissionDenied("Bạn không lập được bản sửa đổi của báo cáo này.")
    with transaction.atomic():
        newest = selectors.versions(report.period_id, report.agency_id).select_for_update().first()
        if newest is None or newest.pk != report.pk:
            raise ValidationError("Báo cáo này đã có bản sửa đổi; hãy mở bản mới nhất.")
        correction = Report(period_id=report.period_id, agency_id=report.agency_id, scope=report.scope,
                            version=report.version + 1, previous=report, number=report.number, created_by=actor,
                            **{name: getattr(report, name) for name in NARRATIVE_FIELDS})
        correction.save()
        record(actor, "report.correct", correction, summary=str(correction),
               changes={"previous": report.pk, "version": correction.version})
    return correction


# --- reminders ------------------------------------------------------------------------------------------------

def remind(period: ReportPeriod, *, actor: Any, agency_ids: set[int] | None = None,
           today: date | None = None) -> int:
    """Remind the agencies that have not sent the period's report (all of them, or those chosen); each
    officer at most once a day. Returns how many notifications were sent."""
    if not policy.can_track_reports(actor):
        raise PermissionDenied("Chỉ cơ quan thường trực nhắc các cơ quan gửi báo cáo.")
    today = today or timezone.localdate()
    pending = [s for s in selectors.submissions(period, today) if s.submitted is None
               and (agency_ids is None or s.agency.pk in agency_ids)]
    sent = _remind(period, pending, today, manual=True)
    record(actor, "report.remind", period.plan, summary=f"Nhắc gửi báo cáo {period.name}: {len(pending)} cơ quan",
           changes={"period": period.pk, "agencies": [s.agency.pk for s in pending], "notifications": sent})
    return sent


def _remind(period: ReportPeriod, pending: list[selectors.Submission], today: date, *, manual: bool) -> int:
    due = f"{period.submit_by:%d/%m/%Y}" if period.submit_by else "theo quy định"
    late = period.submit_by is not None and today > period.submit_by
    sent = 0
    for item in pending:
        title = (f"Quá hạn gửi báo cáo {period.name}" if late else f"Nhắc gửi báo cáo {period.name} (hạn {due})")
        body = (f"{item.agency} chưa gửi báo cáo {period.name} của {period.plan}. Hạn gửi: {due}. "
                f"Số liệu tính từ {period.data_from:%d/%m/%Y} đến {period.data_to:%d/%m/%Y}."
                if period.data_from and period.data_to else
                f"{item.agency} chưa gửi báo cáo {period.name} của {period.plan}. Hạn gửi: {due}.")
        url = (item.report.get_absolute_url() if item.report is not None
               else reverse("report_open", args=[period.pk]))
        kind = "manual" if manual else ("late" if late else "soon")
        for user in agency_officers({item.agency.pk}):
            if notify(user, kind=Notification.Kind.REPORT, key=f"report-remind:{period.pk}:{kind}:{today}",
                      title=title, body=body, url=url, link_text="Mở báo cáo") is not None:
                sent += 1
    return sent


def send_report_reminders(today: date | None = None, days: int | None = None) -> int:
    """The daily job's part for reports: agencies that have not sent a report due within `days` days, or past due
    (for 30 days after), are reminded once a day. Returns how many notifications were sent."""
    from django.conf import settings

    today = today or timezone.localdate()
    days = settings.DONDOC_REMIND_DAYS if days is None else days
    sent = 0
    periods = ReportPeriod.objects.filter(submit_by__isnull=False, submit_by__gte=today - timedelta(days=30),
                                          submit_by__lte=today + timedelta(days=days)).select_related("plan")
    for period in periods:
        pending = [s for s in selectors.submissions(period, today) if s.submitted is None]
        sent += _remind(period, pending, today, manual=False)
    return sent


# --- letterheads ------------------------------------------------------------------------------------------------

LETTERHEAD_FIELDS = ("governing_body", "issuer_name", "report_symbol", "letter_symbol", "place", "sign_authority",
                     "sign_title", "signer_name", "recipients")


def save_letterhead(agency: Agency, data: dict[str, str], *, actor: Any) -> Letterhead:
    if not policy.can_edit_letterhead(actor, agency.pk):
        raise PermissionDenied("Bạn không sửa được mẫu văn bản của cơ quan này.")
    with transaction.atomic():
        head, _ = Letterhead.objects.select_for_update().get_or_create(agency=agency)
        before = {name: getattr(head, name) for name in LETTERHEAD_FIELDS}
        for name in LETTERHEAD_FIELDS:
            if name in data:
                setattr(head, name, (data[name] or "").strip())
        changes = diff(before, {name: getattr(head, name) for name in LETTERHEAD_FIELDS})
        head.save()
        if changes:
            record(actor, "letterhead.edit", head, summary=str(head), changes=changes)
    return head
