"""Reads for the user audit page: account events, current sign-in lockouts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dondoc.audit.models import AuditEvent
from dondoc.importer.text import key

from .models import User

USER_OBJECT = "accounts.user"

# The events the page shows, in the order of its filter.
EVENTS: dict[str, Any] = {
    "auth.login": gettext_lazy("Đăng nhập"),
    "auth.login_failed": gettext_lazy("Đăng nhập sai"),
    "auth.locked_out": gettext_lazy("Bị tạm khóa đăng nhập"),
    "auth.login_refused": gettext_lazy("Đăng nhập khi đang bị khóa"),
    "auth.unlocked": gettext_lazy("Mở khóa đăng nhập"),
    "auth.logout": gettext_lazy("Đăng xuất"),
    "auth.session_expired": gettext_lazy("Hết phiên làm việc"),
    "user.created": gettext_lazy("Tạo người dùng"),
    "user.changed": gettext_lazy("Đổi vai trò, cơ quan hoặc trạng thái"),
    "user.password_changed": gettext_lazy("Tự đổi mật khẩu"),
    "user.password_reset": gettext_lazy("Đặt lại mật khẩu"),
    "user.deleted": gettext_lazy("Xóa người dùng"),
}
FIELD_LABELS: dict[str, Any] = {
    "username": gettext_lazy("tên đăng nhập"), "role": gettext_lazy("vai trò"), "agency": gettext_lazy("cơ quan"),
    "is_active": gettext_lazy("đang hoạt động"), "is_staff": gettext_lazy("vào trang quản trị"),
    "is_superuser": gettext_lazy("toàn quyền"), "reason": gettext_lazy("lý do"), "ip": gettext_lazy("địa chỉ"),
    "attempts": gettext_lazy("số bản ghi đăng nhập sai được xóa"),
}


def matching_users(query: str) -> list[int]:
    """Users whose user name, name or e-mail contains every word of the query, accents and case ignored."""
    words = key(query).split()
    if not words:
        return []
    found = []
    for pk, *texts in User.objects.values_list("pk", "username", "first_name", "last_name", "email"):
        haystack = key(" ".join(t for t in texts if t))
        if all(w in haystack for w in words):
            found.append(pk)
    return found


def user_events(*, user_id: int | None = None, event: str = "", query: str = "") -> QuerySet[AuditEvent]:
    """Account events, newest first: about a user or done by them; of one kind; matching a search.

    The search is accent-insensitive on people (user name, full name, e-mail) and also finds the user name typed at
    a failed sign-in and the address (IP), which are in the event's summary.
    """
    qs = AuditEvent.objects.filter(action__in=EVENTS).select_related("actor")
    if user_id is not None:
        qs = qs.filter(Q(object_type=USER_OBJECT, object_id=str(user_id)) | Q(actor_id=user_id))
    if event in EVENTS:
        qs = qs.filter(action=event)
    query = query.strip()
    if query:
        ids = matching_users(query)
        qs = qs.filter(Q(object_type=USER_OBJECT, object_id__in=[str(i) for i in ids]) | Q(actor_id__in=ids)
                       | Q(summary__icontains=query))
    return qs.order_by("-at", "-id")


def subjects(events: list[AuditEvent]) -> dict[str, User]:
    """The users the events are about, by their id as the events store it."""
    ids = {e.object_id for e in events if e.object_type == USER_OBJECT and e.object_id}
    return {str(u.pk): u for u in User.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
            .select_related("agency")}


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str
    failures: int
    since: datetime
    until: datetime | None  # None: locked until an administrator unlocks


def lockouts(now: datetime | None = None) -> list[Lockout]:
    """User name + address pairs refused at sign-in now (django-axes' attempts over the limit within the cool-off)."""
    now = now or timezone.now()
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=now - cool_off)
    return [Lockout(a.username or "", a.ip_address or "", a.failures_since_start, a.attempt_time,
                    a.attempt_time + cool_off if cool_off is not None else None)
            for a in attempts.order_by("-attempt_time")]
