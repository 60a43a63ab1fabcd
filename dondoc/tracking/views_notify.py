"""The notifications page: one's own notifications, newest first, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification

PER_PAGE = 50


def notifications(request: HttpRequest) -> HttpResponse:
    own = Notification.objects.filter(user=request.user).select_related("task")
    page = Paginator(own, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "tracking/notifications.html", {
        "page": page, "unread": own.filter(read_at__isnull=True).count()})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all (`all`) of one's own as read; someone else's does not exist (404)."""
    own = Notification.objects.filter(user=request.user)
    now = timezone.now()
    if request.POST.get("id"):
        note = get_object_or_404(own, pk=request.POST["id"] if request.POST["id"].isdigit() else -1)
        if note.read_at is None:
            note.read_at = now
            note.save(update_fields=["read_at"])
        if request.POST.get("open") and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
            return redirect(note.url)
    elif request.POST.get("all"):
        count = own.filter(read_at__isnull=True).update(read_at=now)
        if count:
            messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("notifications")
