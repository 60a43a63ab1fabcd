from __future__ import annotations

from django.http import HttpRequest

from . import policy


def role(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "is_manager": policy.is_manager(user),
        "can_import": policy.can_import(user),
        "is_admin_role": policy.is_admin(user),
        "can_audit_users": policy.can_audit_users(user),
    }
