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


def absolute(url: str) -> str:
    """A path of the site as a full address for an e-mail (DONDOC_SITE_URL in front)."""
    return f"{settings.DONDOC_SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def email_text(user: User, title: str, body: str, url: str, link_text: str) -> str:
    """The e-mail: greeting, the message, the link to act on it, where every notification is listed."""
    lines = [f"Kính gửi {user},", "", (body or title).strip()]
    if url:
        lines += ["", f"{link_text}: {absolute(url)}"]
    lines += ["", "—", "Thư gửi tự động từ dondoc (theo dõi, đôn đốc cải cách hành chính); xin không trả lời thư này.",
              f"Mọi thông báo của anh/chị: {absolute(reverse('notifications'))}"]
    return "\n".join(lines)


def notify(user: User, *, kind: str, key: str, title: str, body: str = "", url: str = "",
           task: Task | None = None, link_text: str = "Xem chi tiết") -> Notification | None:
    """Create the notification and e-mail it (once the caller's transaction commits); None when this user already
    had this key."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(user=user, kind=kind, key=key[:200], title=title[:300], body=body,
                                               url=url, task=task)
    except IntegrityError:
        return None
    if user.email:
        # Sent once the caller's transaction commits (at once outside one): a change rolled back, or a process
        # killed before its commit, must not have been announced by e-mail.
        message = (f"[dondoc] {title}", email_text(user, title, body, url, link_text), user.email)
        transaction.on_commit(lambda: _email(note, *message))
    return note


def _email(note: Notification, subject: str, text: str, address: str) -> None:
    if send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True):
        Notification.objects.filter(pk=note.pk).update(emailed=True)
        note.emailed = True


def task_url(task: Task) -> str:
    return reverse("task_detail", args=[task.pk])


def agency_officers(agency_ids: set[int] | None, roles: set[str] | None = None) -> Any:
    """The active focal officers and leaders (or `roles`) of these agencies; of every agency when None."""
    roles = roles or {Role.FOCAL, Role.LEADER}
    officers = User.objects.filter(is_active=True, role__in=roles)
    return officers if agency_ids is None else officers.filter(agency_id__in=agency_ids)


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
