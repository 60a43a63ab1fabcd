"""Passwords go through Django's validators (AUTH_PASSWORD_VALIDATORS) wherever one is set: one's own password page,
the admin's user forms, the demo accounts; the refusal is in Vietnamese; each change is in the user audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from dondoc.accounts.models import Role, User
from dondoc.audit.models import AuditEvent
from dondoc.web.management.commands import load_demo

from .conftest import PASSWORD

STRONG = "mot-mat-khau-moi-du-dai"


def change(client: Client, new: str, old: str = PASSWORD) -> Any:
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(("weak", "message"), [
    ("abc12", "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
    ("password123", "Mật khẩu này quá phổ biến, dễ bị đoán."),
    ("73920184615", "Mật khẩu không được chỉ gồm chữ số."),
    ("daumoi2025", "Mật khẩu quá giống với"),
])
def test_own_password_page_refuses_weak_passwords_in_vietnamese(users: dict[str, Any], weak: str,
                                                                message: str) -> None:
    client = Client()
    client.force_login(users["focal"])
    response = change(client, weak)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=users["focal"].pk).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action__startswith="user.password").exists()


def test_own_password_page_changes_it_and_keeps_one_signed_in(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["focal"])
    page = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in page and "Mật khẩu cũ" in page
    assert change(client, STRONG, old="khong-dung").status_code == 200  # the old one must be right
    response = change(client, STRONG)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "Đã đổi mật khẩu." in client.get(reverse("home")).content.decode()  # still signed in
    assert User.objects.get(pk=users["focal"].pk).check_password(STRONG)
    event = AuditEvent.objects.get(action="user.password_changed")
    assert event.actor == users["focal"] and event.object_id == str(users["focal"].pk)


def test_header_links_to_the_password_page(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["viewer"])
    assert f'href="{reverse("password_change")}"' in client.get(reverse("home")).content.decode()


def _admin(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def test_admin_add_user_form_validates_the_password(users: dict[str, Any], agencies: dict[str, Any]) -> None:
    client = _admin(users)
    url = reverse("admin:accounts_user_add")
    form = {"username": "canbo-moi", "usable_password": "true", "role": Role.FOCAL, "agency": agencies["justice"].pk}
    weak = client.post(url, {**form, "password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    page = weak.content.decode()
    assert "Mật khẩu này quá phổ biến, dễ bị đoán." in page and "Mật khẩu không được chỉ gồm chữ số." in page
    assert not User.objects.filter(username="canbo-moi").exists()
    created = client.post(url, {**form, "password1": STRONG, "password2": STRONG})
    assert created.status_code == 302
    user = User.objects.get(username="canbo-moi")
    assert user.check_password(STRONG) and user.role == Role.FOCAL
    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert event.actor == users["admin"] and event.changes["role"] == Role.FOCAL


def test_admin_password_change_form_validates_and_is_audited_as_a_reset(users: dict[str, Any]) -> None:
    client = _admin(users)
    target = users["viewer"]
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    weak = client.post(url, {"password1": "qwerty", "password2": "qwerty", "usable_password": "true"})
    assert weak.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in weak.content.decode()
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)
    done = client.post(url, {"password1": STRONG, "password2": STRONG, "usable_password": "true"})
    assert done.status_code == 302
    assert User.objects.get(pk=target.pk).check_password(STRONG)
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.actor == users["admin"] and event.object_id == str(target.pk)


def test_demo_password_passes_the_validators_for_every_demo_account(agencies: dict[str, Any]) -> None:
    for username, role, _agency, full_name in load_demo.DEMO_ACCOUNTS:
        validate_password(load_demo.DEMO_PASSWORD, User(username=username, role=role, first_name=full_name))


def test_demo_refuses_a_password_the_validators_refuse(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_demo, "DEMO_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="quá phổ biến"):
        load_demo.Command()._account("quantri", Role.ADMIN, None, "Quản trị hệ thống")
    assert not User.objects.get(username="quantri").check_password("12345678")
