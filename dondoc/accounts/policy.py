"""Who may see and do what: the one place every view asks.

Roles: the system administrator and the standing agency see and manage everything; an
agency's focal officer and leader act for their own agency; a viewer only reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from .models import Role

if TYPE_CHECKING:
    from dondoc.agencies.models import Agency
    from dondoc.plans.models import ImportDraft, Plan, Task
    from dondoc.reports.models import Report

    from .models import User

MANAGERS = {Role.ADMIN, Role.STANDING}
ACTORS = {Role.ADMIN, Role.STANDING, Role.FOCAL, Role.LEADER}


def is_manager(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in MANAGERS


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


def can_read(user: User) -> bool:
    """Plans, tasks and the evidence of their progress are read by every signed-in, active user of the province."""
    return user.is_authenticated and user.is_active


def can_import(user: User) -> bool:
    """Managers import any plan; an agency's focal officer or leader imports its own plans."""
    return user.is_authenticated and user.is_active and (
        user.role in MANAGERS or (user.role in {Role.FOCAL, Role.LEADER} and user.agency_id is not None))


def can_see_draft(user: User, draft: ImportDraft) -> bool:
    return is_manager(user) or (can_import(user) and draft.agency_id == user.agency_id)


def can_edit_plan(user: User, plan: Plan) -> bool:
    if is_manager(user):
        return True
    return can_import(user) and plan.owner_id is not None and plan.owner_id == user.agency_id


def can_manage_agencies(user: User) -> bool:
    return is_manager(user)


def can_cascade(user: User, agency: Agency) -> bool:
    """Create an agency's own plan from a parent plan: managers, or that agency's officers."""
    if is_manager(user):
        return True
    return can_import(user) and user.agency_id == agency.pk


def _officer_of(user: User, agency_ids: set[int]) -> bool:
    return (user.is_authenticated and user.is_active and user.role in {Role.FOCAL, Role.LEADER}
            and user.agency_id is not None and user.agency_id in agency_ids)


def can_update_progress(user: User, task: Task) -> bool:
    """Progress, status, extension requests, condition events: the lead agency's officers, or managers."""
    return is_manager(user) or _officer_of(user, task.lead_agency_ids())


def can_contribute(user: User, task: Task) -> bool:
    """A coordinating agency's officers add their contribution to the task."""
    coordinating = {ta.agency_id for ta in task.task_agencies.all() if ta.role == "coordinating"}
    return _officer_of(user, coordinating) or can_update_progress(user, task)


def can_approve_completion(user: User, task: Task) -> bool:
    """The lead agency's leader confirms completion (managers may too)."""
    if is_manager(user):
        return True
    return user.role == Role.LEADER and _officer_of(user, task.lead_agency_ids())


def can_bulk_update(user: User) -> bool:
    """Download one's agency's open tasks as a workbook and upload it back: whoever acts for an agency."""
    return user.is_authenticated and user.is_active and user.role in ACTORS and user.agency_id is not None


def can_see_agency_upload(user: User, agency_id: int | None) -> bool:
    """Drafts and uploads made for an agency: that agency's actors, and the managers."""
    return is_manager(user) or (can_bulk_update(user) and user.agency_id == agency_id)


def can_decide_extension(user: User) -> bool:
    """Extensions are granted or refused by the standing agency."""
    return is_manager(user)


def can_urge(user: User) -> bool:
    """The overdue board and urging letters belong to the standing agency."""
    return is_manager(user)


def visible_task_filter(user: User, prefix: str = "") -> Q:
    """The tasks a user reads through the API, as a filter (prefix "task__" for a task's milestones and updates).

    Managers see every task; an agency's user (focal officer, leader, viewer) the tasks their agency leads or
    coordinates; anyone else none.
    """
    from dondoc.plans.models import TaskAgency

    if is_manager(user):
        return Q()
    if not (can_read(user) and user.agency_id is not None):
        return Q(**{f"{prefix}pk__in": []})
    linked = TaskAgency.objects.filter(agency_id=user.agency_id).values("task_id")
    return Q(**{f"{prefix}pk__in": linked})


def visible_plan_filter(user: User) -> Q:
    """The plans a user reads through the API: managers all; an agency's user the plans their agency owns or that
    contain a task their agency leads or coordinates."""
    from dondoc.plans.models import Task

    if is_manager(user):
        return Q()
    if not (can_read(user) and user.agency_id is not None):
        return Q(pk__in=[])
    with_tasks = Task.objects.filter(visible_task_filter(user)).values("plan_id")
    return Q(owner_id=user.agency_id) | Q(pk__in=with_tasks)


# --- periodic reports ---------------------------------------------------------------------------------------------

def can_edit_report_periods(user: User) -> bool:
    """A plan's report periods (names, data windows, deadlines) are set by the standing agency."""
    return is_manager(user)


def can_track_reports(user: User) -> bool:
    """Who has submitted, who is late, reminders, the province's aggregate: the standing agency."""
    return is_manager(user)


def can_write_report_for(user: User, agency_id: int | None, scope: str) -> bool:
    """Draft a report: an agency's officers for their agency; the standing agency for the province's aggregate."""
    if scope == "province":
        return is_manager(user)
    return _officer_of(user, {agency_id} if agency_id is not None else set())


def can_see_report(user: User, report: Report) -> bool:
    """A report is read by the agency that writes it and by the standing agency (which receives it)."""
    if is_manager(user):
        return True
    return can_read(user) and user.agency_id is not None and user.agency_id == report.agency_id


def can_edit_report(user: User, report: Report) -> bool:
    return not report.locked and can_write_report_for(user, report.agency_id, report.scope)


def can_approve_report(user: User, report: Report) -> bool:
    """The agency's leader approves and sends its report; the standing agency sends the province's aggregate."""
    if report.locked:
        return False
    if report.scope == "province":
        return is_manager(user)
    return user.role == Role.LEADER and _officer_of(user, {report.agency_id})


def can_correct_report(user: User, report: Report) -> bool:
    """A submitted report is corrected by a new version, written by those who wrote it."""
    return report.locked and can_write_report_for(user, report.agency_id, report.scope)


def can_edit_letterhead(user: User, agency_id: int) -> bool:
    """How an agency heads and signs its documents: its leader, or the standing agency."""
    return is_manager(user) or (user.is_authenticated and user.is_active and user.role == Role.LEADER
                                and user.agency_id == agency_id)


def visible_report_filter(user: User) -> Q:
    """The reports a user reads through the API: managers all; an agency's user its agency's."""
    if is_manager(user):
        return Q()
    if not (can_read(user) and user.agency_id is not None):
        return Q(pk__in=[])
    return Q(agency_id=user.agency_id)


def can_manage_dossiers(user: User) -> bool:
    """Import one-stop-shop exports, map their columns, declare counter staffing: the standing agency."""
    return is_manager(user)


def can_edit_targets(user: User) -> bool:
    """Add, edit, bind and assign targets: the standing agency."""
    return is_manager(user)


def can_enter_actual(user: User, agency_id: int | None) -> bool:
    """Enter a target's actual by hand: managers for any scope, an agency's officers for their own agency."""
    return is_manager(user) or (agency_id is not None and _officer_of(user, {agency_id}))


# --- scoring: PAR-Index self-assessment, appraisal, grading, rankings, dashboards -------------------------------

def can_manage_frameworks(user: User) -> bool:
    """Install, copy and edit PAR-Index frameworks, set the grading rule: the standing agency."""
    return is_manager(user)


def can_self_assess(user: User, agency_id: int | None) -> bool:
    """Score the leaves and attach evidence: the agency's focal officer and leader."""
    return agency_id is not None and _officer_of(user, {agency_id})


def can_submit_assessment(user: User, agency_id: int | None) -> bool:
    """Send the self-assessment to the appraisal council: the agency's leader."""
    return (agency_id is not None and _officer_of(user, {agency_id})
            and user.role == Role.LEADER)


def can_appraise(user: User) -> bool:
    """The appraisal council (the standing agency's role) adjusts, returns, finalises and publishes."""
    return is_manager(user)


def can_see_assessment(user: User, agency_id: int | None) -> bool:
    """A scorecard is read by its agency's users (the council's comments included) and the standing agency."""
    return is_manager(user) or (can_read(user) and agency_id is not None and user.agency_id == agency_id)


def can_see_rankings(user: User) -> bool:
    """Published rankings and grades, and the dashboards: every signed-in user of the province."""
    return can_read(user)


# --- accounts: the user audit, sign-in lockouts --------------------------------------------------------------------

def can_audit_users(user: User) -> bool:
    """The user audit log (sign-ins, failures, lockouts, account changes) and unlocking a locked sign-in: the system
    administrator only — not the standing agency, whose managers are among the people the log watches."""
    return is_admin(user)


def can_change_own_password(user: User) -> bool:
    """Every signed-in, active user changes their own password."""
    return user.is_authenticated and user.is_active
