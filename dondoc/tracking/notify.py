"""Notifications: in the app and by e-mail, each (user, key) at most once, so a job may run any number of times."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from dondoc.accounts.models import Role, User
from dondoc.plans.models import Task

from .models import Extension, Notification, ProgressUpdate


def notify(user: User, *, kind: str, key: str, title: str, body: str = "", url: str = "",
           task: Task | None = None) -> Notification | None:
    """Create the notification and e-mail it; None when this user already had this key."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(user=user, kind=kind, key=key[:200], title=title[:300], body=body,
                                               url=url, task=task)
    except IntegrityError:
        return None
    if user.email:
        link = f"{settings.DONDOC_SITE_URL.rstrip('/')}{url}" if url else ""
        send_mail(f"[dondoc] {title}", f"{body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [user.email],
                  fail_silently=True)
        Notification.objects.filter(pk=note.pk).update(emailed=True)
    return note


def task_url(task: Task) -> str:
    return reverse("task_detail", args=[task.pk])


def agency_officers(agency_ids: set[int], roles: set[str] | None = None) -> Any:
    roles = roles or {Role.FOCAL, Role.LEADER}
    return User.objects.filter(is_active=True, agency_id__in=agency_ids, role__in=roles)


def standing_users() -> Any:
    return User.objects.filter(is_active=True, role=Role.STANDING)


def notify_leaders_of_completion_request(task: Task, update: ProgressUpdate) -> None:
    for leader in agency_officers(task.lead_agency_ids(), {Role.LEADER}):
        notify(leader, kind=Notification.Kind.APPROVAL, key=f"approval:{update.pk}",
               title=f"Chờ duyệt hoàn thành: {task.content[:120]}",
               body=f"{update.author} đề nghị xác nhận hoàn thành nhiệm vụ.", url=task_url(task), task=task)


def notify_standing_of_extension(extension: Extension) -> None:
    task = extension.task
    for user in standing_users():
        notify(user, kind=Notification.Kind.EXTENSION, key=f"extension:{extension.pk}",
               title=f"Đề nghị gia hạn: {task.content[:120]}",
               body=f"{extension.agency} đề nghị gia hạn đến {extension.new_due:%d/%m/%Y}: {extension.reason}",
               url=task_url(task), task=task)
