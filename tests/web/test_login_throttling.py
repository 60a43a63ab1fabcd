"""Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that
pair is refused for the cool-off — the right password too — with a Vietnamese message on the login page; other users
and other addresses are not affected; the cool-off ends by itself or the system administrator unlocks; every step is
in the user audit log. Paths that never call authenticate() with a request (force_login, API tokens) still work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from dondoc.accounts.security import client_ip
from dondoc.audit.models import AuditEvent

from .conftest import PASSWORD

LOGIN = "/dang-nhap/"
LIMIT = 3


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.5") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def actions(username: str) -> list[str]:
    return list(AuditEvent.objects.filter(summary__startswith=username, action__startswith="auth.")
                .order_by("at", "id").values_list("action", flat=True))


def fail(client: Client, username: str, times: int, ip: str = "10.0.0.5") -> Any:
    response = None
    for _ in range(times):
        response = sign_in(client, username, "sai-mat-khau", ip)
    return response


def test_failures_lock_and_the_right_password_is_refused_while_locked(users: dict[str, Any]) -> None:
    client = Client()
    for _ in range(LIMIT - 1):
        response = sign_in(client, "daumoi", "sai-mat-khau")
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    locked = sign_in(client, "daumoi", "sai-mat-khau")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "tạm thời bị khóa đăng nhập" in page and f"sai mật khẩu {LIMIT} lần" in page
    assert "thử lại sau 15 phút" in page and 'id="lockout"' in page
    assert 'value="daumoi"' in page  # the form is there again, the user name kept
    # the right password is refused while locked: not signed in
    refused = sign_in(client, "daumoi", PASSWORD)
    assert refused.status_code == 429 and "tạm thời bị khóa" in refused.content.decode()
    assert not signed_in(client)
    assert actions("daumoi") == ["auth.login_failed"] * LIMIT + ["auth.locked_out", "auth.login_refused"]
    locked_event = AuditEvent.objects.get(action="auth.locked_out")
    assert locked_event.object_id == str(users["focal"].pk)
    assert locked_event.changes == {"username": "daumoi", "ip": "10.0.0.5"}


def test_other_users_and_other_addresses_are_not_affected(users: dict[str, Any]) -> None:
    fail(Client(), "daumoi", LIMIT)
    other_user = Client()
    assert sign_in(other_user, "lanhdao", PASSWORD).status_code == 302
    assert signed_in(other_user)
    # the same user name from another address: its own count
    elsewhere = Client()
    assert sign_in(elsewhere, "daumoi", PASSWORD, ip="10.0.0.99").status_code == 302
    assert signed_in(elsewhere)


def test_the_cool_off_ends_the_lock(users: dict[str, Any]) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        fail(client, "daumoi", LIMIT)
        clock.shift(timedelta(minutes=10))
        response = sign_in(client, "daumoi", PASSWORD)
        assert response.status_code == 429
        assert "thử lại sau 5 phút" in response.content.decode()  # the cool-off counts from the lockout
        clock.shift(timedelta(minutes=5, seconds=1))
        assert sign_in(client, "daumoi", PASSWORD).status_code == 302
        assert signed_in(client)
    # the success cleared the failures: a new mistake starts a new count
    assert not AccessAttempt.objects.filter(username="daumoi").exists()


def test_success_before_the_limit_resets_the_count(users: dict[str, Any]) -> None:
    client = Client()
    fail(client, "daumoi", LIMIT - 1)
    assert sign_in(client, "daumoi", PASSWORD).status_code == 302
    fail(Client(), "daumoi", LIMIT - 1)
    assert sign_in(Client(), "daumoi", PASSWORD).status_code == 302  # still not locked


def test_unknown_user_names_are_throttled_too(users: dict[str, Any]) -> None:
    response = fail(Client(), "khong-co-ai", LIMIT)
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="auth.locked_out", changes__username="khong-co-ai").exists()
    assert AuditEvent.objects.get(action="auth.locked_out").object_id == ""


def test_the_admin_login_is_throttled_the_same_way(users: dict[str, Any]) -> None:
    client = Client()
    for _ in range(LIMIT):
        response = client.post("/quan-tri/login/", {"username": "quantri", "password": "sai"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429 and "tạm thời bị khóa" in response.content.decode()
    assert client.post("/quan-tri/login/", {"username": "quantri", "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.7").status_code == 429


def test_administrator_unlocks_from_the_user_audit_page(users: dict[str, Any]) -> None:
    fail(Client(), "daumoi", LIMIT)
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get(reverse("user_audit")).content.decode()
    assert 'id="dang-bi-khoa"' in page and "daumoi" in page and "10.0.0.5" in page
    response = admin.post(reverse("user_unlock"), {"username": "daumoi", "ip": "10.0.0.5"})
    assert response.status_code == 302
    assert "Đã mở khóa đăng nhập cho “daumoi”." in admin.get(response["Location"]).content.decode()
    unlocked = AuditEvent.objects.get(action="auth.unlocked")
    assert unlocked.actor == users["admin"] and unlocked.object_id == str(users["focal"].pk)
    client = Client()
    assert sign_in(client, "daumoi", PASSWORD).status_code == 302
    # the standing agency may not unlock
    fail(Client(), "daumoi", LIMIT)
    standing = Client()
    standing.force_login(users["standing"])
    assert standing.post(reverse("user_unlock"), {"username": "daumoi", "ip": "10.0.0.5"}).status_code == 403
    assert sign_in(Client(), "daumoi", PASSWORD).status_code == 429


def test_paths_without_the_login_form_still_work(users: dict[str, Any]) -> None:
    """force_login (tests, the demo), API tokens: no authenticate() call; authenticate() with a request: checked;
    without one it is refused loudly rather than skipping the lockout check."""
    client = Client()
    client.force_login(users["viewer"])
    assert signed_in(client)
    token = Token.objects.create(user=users["viewer"])
    api = Client()
    assert api.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert authenticate(HttpRequest(), username="nguoixem", password=PASSWORD) == users["viewer"]
    with pytest.raises(ValueError, match="request"):
        authenticate(username="nguoixem", password=PASSWORD)


def test_client_address_behind_trusted_proxies(settings: Any) -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    settings.DONDOC_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # nothing trusted: the connection's address
    settings.DONDOC_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw; the left one was written by the client
    settings.DONDOC_PROXY_COUNT = 2
    assert client_ip(request) == "198.51.100.1"
    settings.DONDOC_PROXY_COUNT = 1
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="khong-phai-ip")) == "10.0.0.2"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_lockout_behind_the_proxy_counts_per_client(users: dict[str, Any], settings: Any) -> None:
    settings.DONDOC_PROXY_COUNT = 1
    client = Client()
    for _ in range(LIMIT):
        client.post(LOGIN, {"username": "daumoi", "password": "sai"}, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # another client behind the same proxy signs in
    assert client.post(LOGIN, {"username": "daumoi", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
                       HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302
