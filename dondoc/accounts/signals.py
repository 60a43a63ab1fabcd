"""The user audit: sign-ins, failures, lockouts, sign-outs and changes to accounts, written to dondoc.audit by signals.

Signals, so every path is covered the same way (the login page, the admin's login, the admin's user forms, the
password change page, management commands). Who made a change to an account is the request's user
(CurrentActorMiddleware), or nobody ("hệ thống") for commands.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from dondoc.audit.services import record

from .middleware import EXPIRED_ATTR, current_actor, start_session
from .models import User
from .security import client_ip

TRACKED = ("username", "role", "agency_id", "is_active", "is_staff", "is_superuser")


def _ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or client_ip(request) or ""


def _user_named(username: str | None) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def _refused_while_locked(request: HttpRequest | None) -> bool:
    """django-axes refused the attempt because the user name + address was already locked (the password was not even
    checked): the backend flags the request as locked out before the failure handler counts anything."""
    return (request is not None and bool(getattr(request, "axes_locked_out", False))
            and getattr(request, "axes_failures_since_start", None) is None)


@receiver(user_logged_in, dispatch_uid="dondoc_audit_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        start_session(request)
    ip = _ip(request)
    record(user, "auth.login", user, summary=f"{user.username} {ip}".strip(), changes={"ip": ip})


def _failed(request: HttpRequest | None, username: str) -> None:
    """One failed sign-in, recorded once per request (django-axes may announce the lockout it causes first)."""
    if request is not None:
        if getattr(request, "_dondoc_failure_recorded", False):
            return
        request._dondoc_failure_recorded = True  # type: ignore[attr-defined]
    ip = _ip(request)
    action = "auth.login_refused" if _refused_while_locked(request) else "auth.login_failed"
    record(None, action, _user_named(username), summary=f"{username} {ip}".strip(),
           changes={"username": username, "ip": ip})


@receiver(user_login_failed, dispatch_uid="dondoc_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                  **kwargs: Any) -> None:
    _failed(request, str(credentials.get("username") or "")[:150])


@receiver(user_locked_out, dispatch_uid="dondoc_audit_locked_out")
def _locked_out(sender: Any, request: HttpRequest | None = None, username: str | None = None,
                ip_address: str | None = None, **kwargs: Any) -> None:
    if _refused_while_locked(request):
        return  # a further attempt while locked: recorded as auth.login_refused
    name = str(username or "")[:150]
    _failed(request, name)  # the failure that caused the lockout comes first in the log
    ip = ip_address or _ip(request)
    record(None, "auth.locked_out", _user_named(name), summary=f"{name} {ip}".strip(),
           changes={"username": name, "ip": ip})


@receiver(user_logged_out, dispatch_uid="dondoc_audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, EXPIRED_ATTR, None) if request is not None else None
    ip = _ip(request)
    if reason:
        record(user, "auth.session_expired", user, summary=f"{user.username} {ip}".strip(),
               changes={"reason": reason, "ip": ip})
    else:
        record(user, "auth.logout", user, summary=f"{user.username} {ip}".strip(), changes={"ip": ip})


def _agency_name(agency_id: int | None) -> str:
    if agency_id is None:
        return ""
    from dondoc.agencies.models import Agency

    return Agency.objects.filter(pk=agency_id).values_list("name", flat=True).first() or str(agency_id)


@receiver(pre_save, sender=User, dispatch_uid="dondoc_audit_user_before")
def _before_user_save(sender: Any, instance: User, raw: bool = False, update_fields: Any = None,
                      **kwargs: Any) -> None:
    instance._dondoc_changes = {}  # type: ignore[attr-defined]
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(TRACKED):
        return  # last_login after a sign-in, a rehashed password …
    before = User.objects.filter(pk=instance.pk).values(*TRACKED).first()
    if before is None:
        return
    changes: dict[str, list[Any]] = {}
    for field in TRACKED:
        old, new = before[field], getattr(instance, field)
        if old != new:
            if field == "agency_id":
                changes["agency"] = [_agency_name(old), _agency_name(new)]
            else:
                changes[field] = [old, new]
    instance._dondoc_changes = changes  # type: ignore[attr-defined]


@receiver(post_save, sender=User, dispatch_uid="dondoc_audit_user_after")
def _after_user_save(sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    actor = current_actor()
    if created:
        record(actor, "user.created", instance, summary=instance.username,
               changes={"role": instance.role, "agency": _agency_name(instance.agency_id),
                        "is_active": instance.is_active})
        return
    changes = getattr(instance, "_dondoc_changes", {})
    if changes:
        record(actor, "user.changed", instance, summary=instance.username, changes=changes)
    # set_password() keeps the new raw password in _password until the save; a hash upgraded at sign-in does not.
    if getattr(instance, "_password", None) is not None:
        own = actor is not None and actor.pk == instance.pk
        record(actor, "user.password_changed" if own else "user.password_reset", instance,
               summary=instance.username)
    instance._dondoc_changes = {}  # type: ignore[attr-defined]


@receiver(post_delete, sender=User, dispatch_uid="dondoc_audit_user_deleted")
def _user_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    record(current_actor(), "user.deleted", instance, summary=instance.username)
