"""Reads of the periodic reports: a period's reports, who has submitted, the reports a user works on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from dondoc.accounts import policy
from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, ReportPeriod, TaskAgency

from .compose import plan_tree
from .models import Report


def period(pk: int) -> ReportPeriod:
    return ReportPeriod.objects.select_related("plan", "plan__owner").get(pk=pk)


def report(pk: int) -> Report:
    return Report.objects.select_related("period", "period__plan", "period__plan__owner", "agency", "agency__parent",
                                         "created_by", "approved_by", "previous").get(pk=pk)


def versions(period_id: int, agency_id: int) -> QuerySet[Report]:
    return Report.objects.filter(period_id=period_id, agency_id=agency_id).order_by("-version")


def latest(period_id: int, agency_id: int, scope: str = Report.Scope.AGENCY) -> Report | None:
    return versions(period_id, agency_id).filter(scope=scope).first()


def latest_per_agency(period_obj: ReportPeriod, scope: str = Report.Scope.AGENCY) -> dict[int, Report]:
    """Each agency's newest report of the period (a correction being drafted is newer than what was sent)."""
    found: dict[int, Report] = {}
    for r in (Report.objects.filter(period=period_obj, scope=scope).select_related("period")
              .order_by("agency_id", "-version")):
        found.setdefault(r.agency_id, r)
    return found


def latest_submitted_per_agency(period_obj: ReportPeriod) -> dict[int, Report]:
    found: dict[int, Report] = {}
    for r in (Report.objects.filter(period=period_obj, scope=Report.Scope.AGENCY, state=Report.State.SUBMITTED)
              .select_related("agency").order_by("agency_id", "-version")):
        found.setdefault(r.agency_id, r)
    return found


@dataclass
class Submission:
    """One expected reporter of a period: its newest report, whether a version was sent, whether it is late."""

    agency: Agency
    tasks: int
    report: Report | None
    submitted: Report | None
    late: bool

    @property
    def label(self) -> str:
        if self.submitted is not None:
            suffix = " (muộn)" if self.submitted.submitted_late else ""
            if self.report is not None and self.report.pk != self.submitted.pk:
                return f"Đã gửi{suffix}, đang sửa đổi"
            return f"Đã gửi{suffix}"
        if self.report is not None:
            return self.report.get_state_display() + (" (quá hạn gửi)" if self.late else "")
        return "Chưa lập báo cáo" + (" (quá hạn gửi)" if self.late else "")


def expected_agencies(period_obj: ReportPeriod) -> list[tuple[Agency, int]]:
    """The agencies that report for the period: every agency (not a group) leading a task of the plan or of a plan
    cascaded from it, except the plan's own issuer (which receives the reports), with its task count."""
    plan_ids = plan_tree(period_obj.plan_id)
    rows = (TaskAgency.objects.filter(task__plan_id__in=plan_ids, role=TaskAgency.Role.LEAD, agency__is_group=False)
            .exclude(agency_id=period_obj.plan.owner_id).values("agency_id")
            .annotate(n=Count("task_id", distinct=True)))
    counts = {r["agency_id"]: r["n"] for r in rows}
    agencies = Agency.objects.filter(pk__in=counts).order_by("name")
    return [(a, counts[a.pk]) for a in agencies]


def submissions(period_obj: ReportPeriod, today: date | None = None) -> list[Submission]:
    today = today or timezone.localdate()
    newest = latest_per_agency(period_obj)
    sent = latest_submitted_per_agency(period_obj)
    past_due = period_obj.submit_by is not None and today > period_obj.submit_by
    out = []
    for agency, n in expected_agencies(period_obj):
        submitted = sent.get(agency.pk)
        out.append(Submission(agency=agency, tasks=n, report=newest.get(agency.pk), submitted=submitted,
                              late=(submitted.submitted_late if submitted else past_due)))
    return out


def periods_of_user(user: Any, year: int | None = None) -> QuerySet[ReportPeriod]:
    """The report periods a user works with: managers every plan's; an agency's user those of the plans their
    agency leads tasks in (directly or in a cascaded plan) or owns."""
    qs = ReportPeriod.objects.select_related("plan", "plan__owner").order_by("submit_by", "plan_id", "pk")
    if year:
        qs = qs.filter(plan__year=year)
    if policy.is_manager(user):
        return qs
    if user.agency_id is None:
        return qs.none()
    plan_ids: set[int] = set(Plan.objects.filter(owner_id=user.agency_id).values_list("pk", flat=True))
    led = set(TaskAgency.objects.filter(agency_id=user.agency_id, role=TaskAgency.Role.LEAD)
              .values_list("task__plan_id", flat=True))
    # a cascaded plan's tasks report in the periods of the plans above it
    frontier = led
    while frontier:
        plan_ids |= frontier
        frontier = set(Plan.objects.filter(pk__in=frontier, parent__isnull=False)
                       .values_list("parent_id", flat=True)) - plan_ids
    return qs.filter(plan_id__in=plan_ids)


def my_reports(user: Any, period_ids: list[int]) -> dict[int, Report]:
    """The user's agency's newest report of each of these periods."""
    found: dict[int, Report] = {}
    if user.agency_id is None:
        return found
    for r in Report.objects.filter(period_id__in=period_ids, agency_id=user.agency_id).order_by("period_id",
                                                                                                 "-version"):
        found.setdefault(r.period_id, r)
    return found


def province_report(period_obj: ReportPeriod) -> Report | None:
    owner = period_obj.plan.owner_id
    if owner is None:
        return None
    return latest(period_obj.pk, owner, Report.Scope.PROVINCE)


def reports_for_api(user: Any) -> QuerySet[Report]:
    return (Report.objects.filter(policy.visible_report_filter(user), state=Report.State.SUBMITTED)
            .select_related("period", "period__plan", "agency").order_by("pk"))
