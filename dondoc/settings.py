"""dondoc settings, read from the environment so one code base serves a laptop and a province.

DATABASE_URL     default sqlite:///<DONDOC_DATA_DIR>/dondoc.sqlite3; postgres://… in production
SECRET_KEY       required when DEBUG is off
DEBUG            "1"/"true" for development (default on: `make run` is a local demo)
ALLOWED_HOSTS    comma separated
DONDOC_DATA_DIR  where the database, uploaded files and the job queue live (default ./var)
EMAIL_URL-like   EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL;
                 without EMAIL_HOST mail goes to the console
DONDOC_QUEUE     "sqlite" (embedded, default), "redis://…" for a Redis-backed queue, "immediate" to run jobs inline
DONDOC_LOGIN_FAILURE_LIMIT    failed sign-ins (per user name and address) before that pair is locked (default 5)
DONDOC_LOGIN_COOLOFF_MINUTES  how long such a lock lasts (default 15)
DONDOC_PROXY_COUNT            reverse proxies in front of dondoc whose X-Forwarded-For is trusted for the client's
                              address (default 0; the production profile's default is 1)
SESSION_IDLE_MINUTES          sign out after this many minutes without a request (default 60, sliding)
SESSION_COOKIE_AGE            and in any case this many seconds after signing in (default 8 hours)

Production: `DJANGO_SETTINGS_MODULE=dondoc.settings_production` (HTTPS only, secure cookies, HSTS; its docstring).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DONDOC_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _flag("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY phải được đặt khi DEBUG tắt.")
    SECRET_KEY = "dondoc-development-only-key-not-for-production"  # noqa: S105 - development default
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "auditlog",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "dondoc.accounts",
    "dondoc.audit",
    "dondoc.agencies",
    "dondoc.plans",
    "dondoc.tracking",
    "dondoc.reports",
    "dondoc.indicators",
    "dondoc.scoring",
    "dondoc.dashboards",
    "dondoc.public",
    "dondoc.web",
    "dondoc.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dondoc.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dondoc.accounts.middleware.SessionExpiryMiddleware",
    "dondoc.accounts.middleware.CurrentActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout flagged during sign-in into the lockout page
]

ROOT_URLCONF = "dondoc.urls"
WSGI_APPLICATION = "dondoc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dondoc.accounts.context_processors.role",
                "dondoc.tracking.context_processors.notifications",
            ],
            "builtins": ["dondoc.web.templatetags.dondoc_tags"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'dondoc.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several writers (web, job queue) share one file: wait instead of failing on a lock.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("DONDOC_TEST_DB_NAME") or None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: a locked-out user name + address is refused before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Django's validators with Vietnamese messages (dondoc.accounts.validators), wherever a password is set.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "dondoc.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "dondoc.accounts.validators.MinimumLengthValidator"},
    {"NAME": "dondoc.accounts.validators.CommonPasswordValidator"},
    {"NAME": "dondoc.accounts.validators.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["dondoc.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("DONDOC_MEDIA_DIR", DATA_DIR / "files"))
MEDIA_URL = "files/"  # never served directly: downloads go through permission-checked views
# Browser libraries installed by `make` from the npm registry (package.json), served like our own assets.
VENDOR_DIR = Path(os.environ.get("DONDOC_VENDOR_DIR", BASE_DIR.parent / "node_modules"))
STATICFILES_DIRS = [(f"vendor/{prefix}", VENDOR_DIR / package / "dist") for prefix, package in (
    ("chartjs", "chart.js"), ("chartjs-matrix", "chartjs-chart-matrix")) if (VENDOR_DIR / package).is_dir()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: bounded before they reach a reader.
DONDOC_IMPORT_MAX_MB = float(os.environ.get("DONDOC_IMPORT_MAX_MB", "50"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dondoc@localhost")

# Job queue (Huey): embedded SQLite file by default, Redis when DONDOC_QUEUE says so.
_QUEUE = os.environ.get("DONDOC_QUEUE", "sqlite")
if _QUEUE.startswith("redis://"):
    HUEY = {"huey_class": "huey.RedisHuey", "name": "dondoc", "url": _QUEUE, "immediate": False}
elif _QUEUE == "immediate":
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "dondoc", "immediate": True}
else:
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "dondoc", "filename": str(DATA_DIR / "queue.sqlite3"),
            "immediate": False}
# A job (reading a plan file, importing dossiers) queued or running with no progress for this many minutes is taken
# as stuck (its worker was killed or restarted) and the officer is offered to start it again.
DONDOC_STUCK_JOB_MINUTES = int(os.environ.get("DONDOC_STUCK_JOB_MINUTES", "15"))

# Follow-up: reminders this many days before a due date; completion confirmed by the agency's leader;
# a task is "at risk" when the share of its time used exceeds its progress by this many points.
DONDOC_REMIND_DAYS = int(os.environ.get("DONDOC_REMIND_DAYS", "7"))
DONDOC_COMPLETION_NEEDS_APPROVAL = _flag("DONDOC_COMPLETION_NEEDS_APPROVAL", True)
DONDOC_AT_RISK_GAP = int(os.environ.get("DONDOC_AT_RISK_GAP", "30"))
DONDOC_EVIDENCE_MAX_MB = float(os.environ.get("DONDOC_EVIDENCE_MAX_MB", "20"))
# One-stop-shop dossier exports: a large province's year is ~10 million rows, a few GB of CSV.
DONDOC_DOSSIER_MAX_MB = float(os.environ.get("DONDOC_DOSSIER_MAX_MB", "4096"))
DONDOC_DOSSIER_DIR = Path(os.environ.get("DONDOC_DOSSIER_DIR", DATA_DIR / "dossiers"))
# The citizens' transparency page (/cong-khai/): off unless the province turns it on.
DONDOC_PUBLIC_PAGE = _flag("DONDOC_PUBLIC_PAGE", False)
DONDOC_SITE_URL = os.environ.get("DONDOC_SITE_URL", "http://127.0.0.1:8000")

# The read-only API (/api/v1/) for the provincial reporting information system: a token per user
# (`dondoc api_token USERNAME`), or the signed-in session; who sees what is accounts.policy's.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "dondoc.api.pagination.Pages",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dondoc API",
    "DESCRIPTION": "Kế hoạch, nhiệm vụ, mốc thời gian và tiến độ cải cách hành chính (chỉ đọc), cho hệ thống "
                   "thông tin báo cáo của tỉnh. Xác thực: tiêu đề `Authorization: Token <mã>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},  # every sign-in at INFO is noise; failures and lockouts stay
}

# Sessions end after SESSION_IDLE_MINUTES without a request (sliding) and, whatever the activity,
# SESSION_COOKIE_AGE seconds after signing in (dondoc.accounts.middleware.SessionExpiryMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _flag("SECURE_COOKIES", True)

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one address, that pair
# is refused for the cool-off, even with the right password; other users and addresses are not affected. The
# lockout is shown on the login page (dondoc.accounts.views.locked_out) and written to the user audit log; the
# system administrator unlocks from the user audit page or the admin's "Access attempts".
AXES_FAILURE_LIMIT = int(os.environ.get("DONDOC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("DONDOC_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the cool-off runs from the lockout, not from the last try
AXES_LOCKOUT_CALLABLE = "dondoc.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "dondoc.accounts.security.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in dondoc's own audit log
AXES_VERBOSE = False
DONDOC_PROXY_COUNT = int(os.environ.get("DONDOC_PROXY_COUNT", "0"))

# Content Security Policy (django-csp), in every profile: scripts and styles only from dondoc's own files; a page
# that needs computed styles (chart heights, timeline bars) writes them in <style nonce="{{ request.csp_nonce }}">.
# Chart.js exports its PNG as a data: URL, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
