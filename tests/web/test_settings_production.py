"""The production profile (dondoc.settings_production), each case in a fresh Python process: settings are read once.

`check --deploy --fail-level WARNING` passes; weak or missing secrets and hosts are refused in Vietnamese; behind the
proxy a request is secure when X-Forwarded-Proto says https, plain HTTP is redirected (health check excepted), HSTS
and the other security headers are sent, cookies are Secure, HttpOnly and SameSite. The development profile stays as
`make run` knows it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "cchc.example.gov.vn"
PASSWORD = "mot-mat-khau-du-dai-cho-thu-nghiem"


def run(args: list[str], tmp_path: Path, *, module: str = "dondoc.settings_production", **env: str | None,
        ) -> subprocess.CompletedProcess[str]:
    """`python -m …` with the profile, a throw-away SQLite database and data folder, nothing of the test run's env."""
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("DONDOC_", "DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL",
                                    "SESSION_", "CSRF_"))}
    environ.update({"DJANGO_SETTINGS_MODULE": module, "DONDOC_DATA_DIR": str(tmp_path / "var"),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DONDOC_QUEUE": "immediate",
                    "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": HOST})
    for key, value in env.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=600, check=False)


def test_check_deploy_passes_without_a_warning(tmp_path: Path) -> None:
    done = run(["-m", "dondoc", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout
    assert "WARNING" not in done.stderr and "?:" not in done.stderr, done.stderr


def test_check_deploy_silences_only_what_the_operator_turned_off(tmp_path: Path) -> None:
    """With the defaults only the preload-list check is silenced (preload is a commitment, off unless asked for);
    turning preload on silences nothing; turning the redirect off (the proxy redirects) silences its check only."""
    code = "from django.conf import settings; print(','.join(settings.SILENCED_SYSTEM_CHECKS))"
    assert run(["-c", f"import django; django.setup(); {code}"], tmp_path).stdout.strip() == "security.W021"
    on = run(["-c", f"import django; django.setup(); {code}"], tmp_path, DONDOC_HSTS_PRELOAD="1")
    assert on.stdout.strip() == ""
    off = run(["-c", f"import django; django.setup(); {code}"], tmp_path, DONDOC_HSTS_PRELOAD="1",
              DONDOC_SSL_REDIRECT="0")
    assert off.stdout.strip() == "security.W008"
    done = run(["-m", "dondoc", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, DONDOC_HSTS_PRELOAD="1")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("env", "message"), [
    ({"SECRET_KEY": "ngan-qua"}, "SECRET_KEY quá ngắn hoặc quá đơn giản"),
    ({"SECRET_KEY": "a" * 60}, "SECRET_KEY quá ngắn hoặc quá đơn giản"),
    ({"SECRET_KEY": "dondoc-development-only-key-not-for-production"}, "khóa mặc định"),
    ({"SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)}, "khóa mặc định"),
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY_FALLBACKS": "cu"}, "SECRET_KEY_FALLBACKS"),
    ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
])
def test_weak_or_missing_settings_are_refused_in_vietnamese(tmp_path: Path, env: dict[str, Any], message: str) -> None:
    done = run(["-m", "dondoc", "check"], tmp_path, **env)
    assert done.returncode != 0
    assert message in done.stderr, done.stderr


BEHIND_THE_PROXY = r"""
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.conf import settings
from django.test import Client
from dondoc.accounts.models import User

User.objects.create_user("canbo", password=PASSWORD)
out = {"debug": settings.DEBUG}
client = Client()
plain = client.get("/dang-nhap/", HTTP_HOST=HOST)
out["plain"] = [plain.status_code, plain.get("Location", "")]
health = client.get("/healthz", HTTP_HOST=HOST)
out["healthz"] = health.status_code
https = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https"}
page = client.get("/dang-nhap/", **https)
out["login"] = page.status_code
out["headers"] = {k.lower(): v for k, v in page.headers.items()}
morsel = page.cookies["csrftoken"]
out["csrf"] = [bool(morsel["secure"]), bool(morsel["httponly"]), morsel["samesite"]]
signed = client.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD}, **https)
out["signed_in"] = [signed.status_code, signed.get("Location", "")]
morsel = signed.cookies["sessionid"]
out["session"] = [bool(morsel["secure"]), bool(morsel["httponly"]), morsel["samesite"]]
home = client.get("/", **https)
out["home"] = home.status_code
print("RESULT " + json.dumps(out))
"""


def test_behind_the_proxy(tmp_path: Path) -> None:
    script = f"PASSWORD = {PASSWORD!r}\nHOST = {HOST!r}\n" + BEHIND_THE_PROXY
    done = run(["-c", script], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert out["debug"] is False
    assert out["plain"] == [301, f"https://{HOST}/dang-nhap/"]  # plain HTTP goes to HTTPS …
    assert out["healthz"] == 200  # … except the proxy's health check
    assert out["login"] == 200  # X-Forwarded-Proto: https is trusted (SECURE_PROXY_SSL_HEADER)
    headers = out["headers"]
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "upgrade-insecure-requests" in csp
    assert out["csrf"] == [True, True, "Lax"]
    assert out["signed_in"] == [302, "/"]
    assert out["session"] == [True, True, "Lax"]
    assert out["home"] == 200


def test_hsts_settings_from_the_environment(tmp_path: Path) -> None:
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.DONDOC_PROXY_COUNT)")
    done = run(["-c", code], tmp_path, DONDOC_HSTS_SECONDS="3600", DONDOC_HSTS_INCLUDE_SUBDOMAINS="0",
               DONDOC_HSTS_PRELOAD="1", DONDOC_SSL_REDIRECT="0", DONDOC_PROXY_COUNT="2")
    assert done.stdout.split() == ["3600", "False", "True", "False", "('HTTP_X_FORWARDED_PROTO',", "'https')", "2"]


def test_development_profile_unchanged(tmp_path: Path) -> None:
    """`make run`: DEBUG on, no SECRET_KEY needed, plain HTTP, cookies not restricted to HTTPS — and the same CSP."""
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS, "
            "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['default-src'])")
    done = run(["-c", code], tmp_path, module="dondoc.settings", SECRET_KEY=None, ALLOWED_HOSTS=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True False False False None 0 ['127.0.0.1', 'localhost'] [\"'self'\"]"
