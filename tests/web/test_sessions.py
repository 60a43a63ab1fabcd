"""Session expiry: signed out after SESSION_IDLE_MINUTES without a request (the limit slides with each request) and,
whatever the activity, SESSION_COOKIE_AGE after signing in; the login page says why, the user audit records it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dondoc.audit.models import AuditEvent

from .conftest import PASSWORD


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.SESSION_IDLE_MINUTES = 60
    settings.SESSION_COOKIE_AGE = 8 * 3600


def sign_in(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302


def test_idle_session_expires_and_the_login_page_says_why(users: dict[str, Any]) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        sign_in(client, "daumoi")
        for _ in range(3):  # active every 59 minutes: the idle limit slides, 3 hours and more
            clock.shift(timedelta(minutes=59))
            assert client.get(reverse("work_queue")).status_code == 200
        clock.shift(timedelta(minutes=61))
        response = client.get(reverse("work_queue"))
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
        login_page = client.get(response["Location"]).content.decode()
        assert "Phiên làm việc đã hết hạn do không thao tác trong 60 phút. Vui lòng đăng nhập lại." in login_page
        assert client.get(reverse("home")).status_code == 302  # still signed out
    expired = AuditEvent.objects.get(action="auth.session_expired")
    assert expired.actor == users["focal"] and expired.changes["reason"] == "idle"
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


def test_absolute_limit_whatever_the_activity(users: dict[str, Any]) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        sign_in(client, "daumoi")
        for _ in range(15):  # every 30 minutes for 7½ hours
            clock.shift(timedelta(minutes=30))
            assert client.get(reverse("home")).status_code == 200
        clock.shift(timedelta(minutes=31))  # 8 hours and a minute after signing in
        response = client.get(reverse("home"))
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Phiên làm việc đã quá 8 giờ kể từ khi đăng nhập. Vui lòng đăng nhập lại." in page
        # signing in again starts a new session
        sign_in(client, "daumoi")
        assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.get(action="auth.session_expired").changes["reason"] == "absolute"


def test_last_seen_is_not_written_on_every_request(users: dict[str, Any]) -> None:
    """Within the same minute the session is not saved again (no database write per page)."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        sign_in(client, "daumoi")
        client.get(reverse("home"))
        key = client.session.session_key
        from django.contrib.sessions.models import Session

        saved = Session.objects.get(session_key=key).expire_date
        clock.shift(timedelta(seconds=20))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == saved
        clock.shift(timedelta(seconds=50))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date > saved


def test_idle_limit_from_the_settings(users: dict[str, Any], settings: Any) -> None:
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        client.force_login(users["viewer"])  # force_login starts the session's clock as well
        clock.shift(timedelta(minutes=4))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(timedelta(minutes=5, seconds=1))
        assert client.get(reverse("home")).status_code == 302


def test_signing_out_is_recorded_as_such(users: dict[str, Any]) -> None:
    client = Client()
    sign_in(client, "lanhdao")
    assert client.post(reverse("logout")).status_code == 302
    assert list(AuditEvent.objects.filter(action__startswith="auth.").order_by("id")
                .values_list("action", flat=True)) == ["auth.login", "auth.logout"]
