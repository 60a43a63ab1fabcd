"""Session expiry (idle and absolute) and the acting user for audit records written by signals."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SIGNED_IN_KEY = "_dondoc_signed_in"  # when the session's user signed in (epoch seconds)
SEEN_KEY = "_dondoc_seen"  # the session's last request, written at most every RESOLUTION seconds
RESOLUTION = 60.0
EXPIRED_ATTR = "dondoc_session_expired"  # set on the request whose session was ended here ("idle" or "absolute")

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("dondoc_actor", default=None)


def current_actor() -> Any:
    """The signed-in user of the request being served (None outside a request or when anonymous)."""
    user = _actor.get()
    return user if getattr(user, "is_authenticated", False) else None


def start_session(request: HttpRequest) -> None:
    """Called when a user signs in: the absolute limit counts from now."""
    now = time.time()
    request.session[SIGNED_IN_KEY] = now
    request.session[SEEN_KEY] = now


def expiry_reason(session: Any, now: float) -> str | None:
    """'idle' after SESSION_IDLE_MINUTES without a request, 'absolute' SESSION_COOKIE_AGE seconds after sign-in."""
    idle = settings.SESSION_IDLE_MINUTES * 60
    seen, signed_in = session.get(SEEN_KEY), session.get(SIGNED_IN_KEY)
    if idle > 0 and seen is not None and now - seen > idle:
        return "idle"
    if signed_in is not None and now - signed_in > settings.SESSION_COOKIE_AGE:
        return "absolute"
    return None


class SessionExpiryMiddleware:
    """Ends a signed-in session that has been idle too long or has lasted too long, with a message on the login page.

    Django's own expiry (SESSION_COOKIE_AGE) slides with every save of the session; here the last request time slides
    (idle limit) while the sign-in time does not (absolute limit). The last-seen time is written at most once per
    RESOLUTION seconds (a tenth of the idle limit when that is shorter), so most requests do not write the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session, now = request.session, time.time()
        reason = expiry_reason(session, now)
        if reason is not None:
            setattr(request, EXPIRED_ATTR, reason)
            logout(request)  # the audit's receiver of user_logged_out reads EXPIRED_ATTR
            if reason == "idle":
                text = _("Phiên làm việc đã hết hạn do không thao tác trong %(minutes)s phút. Vui lòng đăng nhập "
                         "lại.") % {"minutes": f"{settings.SESSION_IDLE_MINUTES:g}"}
            else:
                text = _("Phiên làm việc đã quá %(hours)s giờ kể từ khi đăng nhập. Vui lòng đăng nhập lại.") % {
                    "hours": f"{settings.SESSION_COOKIE_AGE / 3600:g}"}
            messages.warning(request, text, fail_silently=True)
            return
        if session.get(SIGNED_IN_KEY) is None:  # a session from before this middleware: count from now
            session[SIGNED_IN_KEY] = now
        seen = session.get(SEEN_KEY)
        resolution = min(RESOLUTION, settings.SESSION_IDLE_MINUTES * 6)  # a tenth of the idle limit, in seconds
        if seen is None or now - seen >= resolution:
            session[SEEN_KEY] = now


class CurrentActorMiddleware:
    """Makes request.user known to signal receivers (user created or changed by an administrator, …)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
