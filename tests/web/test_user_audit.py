"""The user audit (/nhat-ky-nguoi-dung/): sign-ins, failures, sign-outs, accounts created and changed, passwords —
written by signals into dondoc.audit whatever the path (login page, admin forms, code) — on a page only the system
administrator opens, filtered by user and event, searched without accents, paginated."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from dondoc.accounts.models import Role, User
from dondoc.audit.models import AuditEvent
from dondoc.audit.services import record

from .conftest import PASSWORD


def admin_client(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def rows(html: str) -> list[str]:
    body = html.split('id="user-events"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in re.findall(r"<tr class=.*?</tr>", body,
                                                                                          re.S)]


def test_account_changes_are_recorded_with_who_made_them(users: dict[str, Any], agencies: dict[str, Any]) -> None:
    client = admin_client(users)
    target = users["viewer"]
    url = reverse("admin:accounts_user_change", args=[target.pk])
    html = client.get(url).content.decode()
    data = dict(re.findall(r'<input type="(?:text|email|hidden)" name="([\w-]+)" value="([^"]*)"', html))
    data.update({"role": Role.LEADER, "agency": agencies["justice"].pk})  # is_active left out: unticked, disabled
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="user.changed")
    assert event.actor == users["admin"] and event.object_id == str(target.pk)
    assert event.changes == {"role": [Role.VIEWER, Role.LEADER], "agency": ["Sở Tài chính", "Sở Tư pháp"],
                             "is_active": [True, False]}
    page = client.get(reverse("user_audit"), {"su_kien": "user.changed"}).content.decode()
    assert "vai trò: Người xem → Lãnh đạo cơ quan" in page
    assert "cơ quan: Sở Tài chính → Sở Tư pháp" in page and "đang hoạt động: có → không" in page


def test_changes_made_by_code_have_no_actor(users: dict[str, Any]) -> None:
    user = users["focal"]
    user.is_active = False
    user.save()
    user.last_login = None
    user.save(update_fields=["last_login"])  # nothing the audit watches
    User.objects.create_user("moi-tao", password=PASSWORD, role=Role.VIEWER)
    events = list(AuditEvent.objects.filter(action__startswith="user.").order_by("id"))
    assert [(e.action, e.actor) for e in events][-2:] == [("user.changed", None), ("user.created", None)]
    user.set_password("mot-mat-khau-khac-han")
    user.save()
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(user.pk), actor=None).exists()


def test_password_rehash_at_sign_in_is_not_a_password_change(users: dict[str, Any], settings: Any) -> None:
    # the user's hash is MD5 (tests' fast hasher); with PBKDF2 first, signing in upgrades it silently
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()
    assert client.post(reverse("login"), {"username": "daumoi", "password": PASSWORD}).status_code == 302
    assert User.objects.get(username="daumoi").password.startswith("pbkdf2_")
    assert not AuditEvent.objects.filter(action__startswith="user.password").exists()
    assert AuditEvent.objects.filter(action="auth.login").count() == 1


def test_page_lists_sign_ins_failures_and_sign_outs(users: dict[str, Any]) -> None:
    person = Client()
    person.post(reverse("login"), {"username": "lanhdao", "password": "sai"}, REMOTE_ADDR="10.1.2.3")
    person.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    person.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    listed = rows(admin_client(users).get(reverse("user_audit"), {"nguoi_dung": users["leader"].pk}).content.decode())
    assert [r.split(" ", 2)[2].split(" lanhdao")[0] for r in listed] == ["Đăng xuất", "Đăng nhập", "Đăng nhập sai",
                                                                          "Tạo người dùng"]
    assert all("địa chỉ: 10.1.2.3" in r for r in listed[:3])


def test_filters_search_without_accents_and_pages(users: dict[str, Any]) -> None:
    viewer = users["viewer"]
    User.objects.filter(pk=viewer.pk).update(first_name="Hòa", last_name="Nguyễn Thị")
    for _ in range(55):
        record(viewer, "auth.login", viewer, summary="nguoixem 10.0.0.8", changes={"ip": "10.0.0.8"})
    record(users["focal"], "auth.login", users["focal"], summary="daumoi 10.0.0.9", changes={"ip": "10.0.0.9"})
    record(None, "auth.login_failed", None, summary="ai-do 10.9.9.9", changes={"username": "ai-do", "ip": "10.9.9.9"})
    client = admin_client(users)
    found = client.get(reverse("user_audit"), {"q": "nguyen thi hoa"})
    assert found.context["page"].paginator.count == 56  # her 55 sign-ins and her account's creation
    assert found.context["page"].has_next()
    second = client.get(reverse("user_audit"), {"q": "nguyen thi hoa", "trang": 2})
    assert len(second.context["rows"]) == 6 and second.context["rows"][-1]["event"].action == "user.created"
    assert "q=nguyen+thi+hoa&amp;trang=1" in second.content.decode()  # the pager keeps the search
    assert client.get(reverse("user_audit"), {"q": "HÒA"}).context["page"].paginator.count == 56
    # by address, and a user name typed at a failed sign-in that belongs to nobody
    assert client.get(reverse("user_audit"), {"q": "10.0.0.9"}).context["page"].paginator.count == 1
    unknown = client.get(reverse("user_audit"), {"q": "ai-do"})
    assert unknown.context["page"].paginator.count == 1 and "ai-do" in rows(unknown.content.decode())[0]
    only_failed = client.get(reverse("user_audit"), {"su_kien": "auth.login_failed"})
    assert [r["event"].action for r in only_failed.context["rows"]] == ["auth.login_failed"]
    # other audit events (plans, tasks …) are not on this page
    record(users["admin"], "plan.create", None, summary="nguoixem")
    assert client.get(reverse("user_audit"), {"q": "nguoixem"}).context["page"].paginator.count == 56


def test_only_the_system_administrator_sees_the_page_and_its_link(users: dict[str, Any]) -> None:
    url = reverse("user_audit")
    admin = admin_client(users)
    assert admin.get(url).status_code == 200
    assert f'href="{url}"' in admin.get(reverse("home")).content.decode()
    for role in ("standing", "focal", "leader", "viewer"):
        client = Client()
        client.force_login(users[role])
        assert client.get(url).status_code == 403, role
        assert f'href="{url}"' not in client.get(reverse("home")).content.decode(), role
