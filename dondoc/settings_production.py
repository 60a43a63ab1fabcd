"""The production profile: `DJANGO_SETTINGS_MODULE=dondoc.settings_production`.

Everything of `dondoc.settings` (database, data folder, e-mail, queue … read from the same environment variables),
with DEBUG off unless DEBUG says otherwise, and what a site on the Internet or a provincial network needs:
HTTPS only, behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto, secure cookies, HSTS.
`dondoc check --deploy --fail-level WARNING` passes with this profile.

Required
SECRET_KEY              at least 50 characters, at least 5 different ones, not Django's "django-insecure-" nor the
                        development key (generate one: `python -c "import secrets; print(secrets.token_urlsafe(64))"`)
ALLOWED_HOSTS           comma separated host names the site answers to (cchc.example.gov.vn)

Optional
SECRET_KEY_FALLBACKS    comma separated former keys, still accepted for signatures while they are rotated out
CSRF_TRUSTED_ORIGINS    comma separated origins (https://cchc.example.gov.vn) when forms are posted from another one
DONDOC_SSL_REDIRECT     "1" (default): plain-HTTP requests are redirected to HTTPS; "0" when the proxy does it
DONDOC_HSTS_SECONDS     Strict-Transport-Security max-age (default 31536000, one year; start lower, e.g. 3600, on a
                        new domain and raise it once HTTPS is known to work); "0" sends no HSTS header
DONDOC_HSTS_INCLUDE_SUBDOMAINS  "1" (default) adds includeSubDomains; "0" when other sites under the domain are
                        still served over plain HTTP
DONDOC_HSTS_PRELOAD     "0" (default); "1" adds preload, for a domain submitted to the browsers' preload list
DONDOC_PROXY_COUNT      trusted reverse proxies in front of dondoc (default 1): the client's address for sign-in
                        throttling and the audit is taken from their X-Forwarded-For; "0" when nothing is in front
DEBUG                   off by default; "1" only to diagnose (check --deploy then warns)
plus every variable of dondoc.settings (DATABASE_URL, DONDOC_DATA_DIR, EMAIL_*, DONDOC_QUEUE, SESSION_IDLE_MINUTES,
SESSION_COOKIE_AGE, DONDOC_LOGIN_FAILURE_LIMIT, DONDOC_LOGIN_COOLOFF_MINUTES …).

The reverse proxy must set X-Forwarded-Proto (https) and X-Forwarded-For, and must overwrite, not pass on, the
values a client sends (nginx: `proxy_set_header X-Forwarded-Proto $scheme;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DEBUG", "0")

from .settings import *  # noqa: E402,F403
from .settings import _flag  # noqa: E402

DEVELOPMENT_KEY = "dondoc-development-only-key-not-for-production"  # noqa: S105 - refused here, on purpose


def _check_secret_key(key: str, name: str) -> None:
    """Refuse what Django's check --deploy calls a weak key (security.W009), with a Vietnamese message."""
    if key == DEVELOPMENT_KEY or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(f"{name} đang là khóa mặc định dùng để thử nghiệm; hãy đặt một khóa bí mật ngẫu "
                                   "nhiên riêng cho máy chủ này.")
    if len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(f"{name} quá ngắn hoặc quá đơn giản: cần ít nhất 50 ký tự, trong đó ít nhất 5 ký "
                                   "tự khác nhau. Tạo khóa: python -c \"import secrets; "
                                   "print(secrets.token_urlsafe(64))\"")


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Chưa đặt biến môi trường SECRET_KEY (khóa bí mật của máy chủ).")
_check_secret_key(SECRET_KEY, "SECRET_KEY")
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
for _old_key in SECRET_KEY_FALLBACKS:
    _check_secret_key(_old_key, "Một khóa trong SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Chưa đặt biến môi trường ALLOWED_HOSTS (tên miền của trang, cách nhau bởi dấu phẩy).")

# Behind a reverse proxy that terminates TLS: a request is secure when the proxy says it came over HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _flag("DONDOC_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check may call over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("DONDOC_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DONDOC_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("DONDOC_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: only over HTTPS, out of reach of scripts, not sent on cross-site requests.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True  # app.js reads the token from the page's forms, not from the cookie
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

DONDOC_PROXY_COUNT = int(os.environ.get("DONDOC_PROXY_COUNT", "1"))

# Upgrade any http: sub-resource a page might still name.
CONTENT_SECURITY_POLICY = {  # noqa: F405 - from dondoc.settings
    **CONTENT_SECURITY_POLICY,  # noqa: F405
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},  # noqa: F405
}

# check --deploy warns about these three settings whatever the reason; each is off here only when the operator
# turned it off on purpose (the proxy redirects to HTTPS itself; other sites of the domain are still HTTP; the
# domain is not on the browsers' preload list — preload is a commitment for the whole domain, hence off by default).
SILENCED_SYSTEM_CHECKS = [
    *(["security.W008"] if not SECURE_SSL_REDIRECT else []),
    *(["security.W005"] if SECURE_HSTS_SECONDS and not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD else []),
]
