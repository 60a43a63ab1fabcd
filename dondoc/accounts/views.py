"""Sign-in lockout page, one's own password, and the system administrator's user audit page."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dondoc.audit.services import record
from dondoc.web.params import int_or_none

from . import policy, selectors
from .models import Role, User
from .security import client_ip

PER_PAGE = 50


def _minutes_left(username: str, ip: str | None) -> int | None:
    """Whole minutes until the lock of this user name + address ends; None when it lasts until an unlock."""
    cool_off = get_cool_off()
    if cool_off is None:
        return None
    attempt = (AccessAttempt.objects.filter(username=username, ip_address=ip).order_by("-attempt_time").first()
               if username else None)
    if attempt is None:
        return max(1, math.ceil(cool_off.total_seconds() / 60))
    left = (attempt.attempt_time + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left / 60))


def lockout_message(username: str, minutes: int | None) -> str:
    limit = settings.AXES_FAILURE_LIMIT
    if minutes is None:
        return _("Tài khoản “%(username)s” đã bị khóa đăng nhập từ máy này vì nhập sai mật khẩu %(limit)s lần. "
                 "Hãy đề nghị quản trị hệ thống mở khóa.") % {"username": username, "limit": limit}
    return _("Tài khoản “%(username)s” tạm thời bị khóa đăng nhập từ máy này vì nhập sai mật khẩu %(limit)s lần. "
             "Vui lòng thử lại sau %(minutes)s phút, hoặc đề nghị quản trị hệ thống mở khóa.") % {
        "username": username, "limit": limit, "minutes": minutes}


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the login page again, saying why and for how long.

    429 Too Many Requests; the password was not checked (the right one is refused too until the lock ends).
    """
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": True, "lockout_message": lockout_message(username, _minutes_left(
        username, ip)), "next": request.POST.get("next", "") or request.GET.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    """One's own password: the old one, then the new one twice, checked by AUTH_PASSWORD_VALIDATORS."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not policy.can_change_own_password(request.user):
            raise PermissionDenied(_("Bạn không được đổi mật khẩu."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


def _shown(field: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if field == "role" and value in Role.values:
        return str(Role(value).label)
    if field == "reason":
        return {"idle": _("không thao tác quá lâu"), "absolute": _("quá thời hạn phiên")}.get(value, str(value))
    return str(value) if value not in (None, "") else "—"


def _details(event: Any) -> list[str]:
    """The event's recorded values as short lines: "vai trò: Người xem → Cán bộ đầu mối", "địa chỉ: 10.0.0.5"."""
    lines = []
    for field, value in (event.changes or {}).items():
        label = selectors.FIELD_LABELS.get(field)
        if label is None:
            continue
        if isinstance(value, list) and len(value) == 2:
            lines.append(f"{label}: {_shown(field, value[0])} → {_shown(field, value[1])}")
        elif value not in (None, ""):
            lines.append(f"{label}: {_shown(field, value)}")
    return lines


def _require_auditor(request: HttpRequest) -> None:
    if not policy.can_audit_users(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được xem nhật ký người dùng."))


def user_audit(request: HttpRequest) -> HttpResponse:
    """Who signed in, failed, was locked out or signed out; accounts created and changed; passwords changed."""
    _require_auditor(request)
    user_id = int_or_none(request.GET.get("nguoi_dung"))
    event = request.GET.get("su_kien", "")
    query = request.GET.get("q", "").strip()
    events = selectors.user_events(user_id=user_id, event=event, query=query)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("trang"))
    rows = list(page.object_list)
    subjects = selectors.subjects(rows)
    filters = {k: v for k, v in (("nguoi_dung", user_id or ""), ("su_kien", event if event in selectors.EVENTS
                                                                                  else ""), ("q", query)) if v}
    return render(request, "accounts/user_audit.html", {
        "page": page, "events": selectors.EVENTS,
        "rows": [{"event": e, "label": selectors.EVENTS.get(e.action, e.action), "subject": subjects.get(e.object_id),
                  "details": _details(e), "anonymous": e.action.startswith("auth.")} for e in rows],
        "people": User.objects.order_by("username").only("pk", "username", "first_name", "last_name"),
        "filters": {"user_id": user_id, "event": event, "query": query}, "query": urlencode(filters),
        "lockouts": selectors.lockouts(),
    })


@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    """End a sign-in lockout (one user name from one address) before its cool-off, and say so in the audit."""
    _require_auditor(request)
    username = request.POST.get("username", "").strip()[:150]
    ip = request.POST.get("ip", "").strip()[:45] or None
    if not username:
        messages.error(request, _("Chưa chọn tài khoản cần mở khóa."))
        return redirect("user_audit")
    with transaction.atomic():
        removed = axes_reset(username=username, ip=ip)
        if removed:
            record(request.user, "auth.unlocked", User.objects.filter(username=username).first(),
                   summary=f"{username} {ip or ''}".strip(), changes={"username": username, "ip": ip or "",
                                                                      "attempts": removed})
    if removed:
        messages.success(request, _("Đã mở khóa đăng nhập cho “%(username)s”.") % {"username": username})
    else:
        messages.info(request, _("Tài khoản “%(username)s” không bị khóa.") % {"username": username})
    return redirect(reverse("user_audit"))
