"""hazardtrack settings: everything comes from the environment, with embedded defaults.

Locally nothing has to be installed: SQLite under var/, kombu's filesystem broker under var/,
a secret key generated once into var/. Production sets DEBUG=0 and must provide SECRET_KEY,
DATABASE_URL and REDIS_URL; with DEBUG off a missing SECRET_KEY stops the process at start.
"""
from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

import csp.constants as csp
import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HAZARDTRACK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Local use only: generated once, kept under the git-ignored var/ folder.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "accounts.admin_site.ProvinceAdminConfig",  # django.contrib.admin, province administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",  # login lockout (before audit: see audit/lockout.py)
    "csp",
    "hazardtrack",  # the platform: pending uploads, the cn template filters
    "audit",
    "accounts",
    "hazards",
    "inspections",
    "notices",
    "supervision",
    "tipoffs",
    "incidents",
    "spreadsheets",
    "workdays",
    "demo",  # seed data (seed_demo, seed_scale): the top floor, it imports every app
]

MIDDLEWARE = [
    "hazardtrack.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hazardtrack.middleware.ChineseFirstLocaleMiddleware",  # zh-hans unless the user chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hazardtrack.input_guard.ControlCharacterMiddleware",  # NUL and other controls: 400 before any view
    "audit.middleware.AuditContextMiddleware",
    "hazardtrack.outage.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hazardtrack.urls"
WSGI_APPLICATION = "hazardtrack.wsgi.application"
ASGI_APPLICATION = "hazardtrack.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notices.context_processors.notices",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
# --- Scale (docs/scaling.md) ---------------------------------------------------------------
# PostgreSQL's JIT compiles any query whose estimate passes jit_above_cost; for these short
# queries (a province-wide count, a search total) compiling costs 20–100 ms more than it saves.
if IS_POSTGRES:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Reads on a replica (hazardtrack/db_router.py, docs/scaling.md): an optional streaming standby
# serving the GETs of dashboards, reports and exports; a user who wrote reads from the primary
# for REPLICA_READ_YOUR_WRITES_SECONDS. Unset: no router, no middleware, as before.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
REPLICA_READ_YOUR_WRITES_SECONDS = int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "30"))
REPLICA_ROUTER = "hazardtrack.db_router.ReplicaRouter"
REPLICA_MIDDLEWARE = "hazardtrack.db_router.ReplicaReadsMiddleware"
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # the test database streams to the standby too
    DATABASE_ROUTERS = [REPLICA_ROUTER]
    # Outermost but the request log: it must see the session's save at the end of a login.
    MIDDLEWARE.insert(1, REPLICA_MIDDLEWARE)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "audit.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "audit.passwords.LettersAndDigitsValidator"},
]

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Media is never served publicly: attachments go through views that check jurisdiction.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-public/"
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Broker, Celery, cache ------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Embedded broker for local use: messages are files under var/broker/.
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else kombu writes ./control/ in the cwd
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One queue unless told (the worker tests give beat and worker a queue of their own).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Nightly escalation at NOTICES_ESCALATION_HOUR:00 Asia/Shanghai; the outbox drained every minute
# (expires: a backlog of minute ticks left by a stopped worker is dropped, not replayed).
NOTICES_ESCALATION_HOUR = int(os.environ.get("NOTICES_ESCALATION_HOUR", 1))
CELERY_BEAT_SCHEDULE: dict = {
    "escalate-overdue-nightly": {
        "task": "hazards.escalate_overdue",
        "schedule": crontab(hour=NOTICES_ESCALATION_HOUR, minute=0),
    },
    "deliver-notices": {"task": "notices.deliver_pending", "schedule": 60.0, "options": {"expires": 55}},
    # Files kept from refused forms (hazardtrack/uploads.py) expire after a day.
    "purge-pending-uploads": {"task": "hazardtrack.purge_pending_uploads", "schedule": crontab(minute=17),
                              "options": {"expires": 3000}},
}

# --- Supervision reports (supervision/tasks.py): 日报 07:00, 周报 Monday 07:15, 月报 on the 1st
# at 07:30 (Asia/Shanghai), after the nightly escalation run; failed
# report emails are retried every 5 minutes.
CELERY_BEAT_SCHEDULE.update({
    "supervision-daily-report": {"task": "supervision.generate_reports", "schedule": crontab(hour=7, minute=0),
                                 "args": ("day",)},
    "supervision-weekly-report": {"task": "supervision.generate_reports",
                                  "schedule": crontab(hour=7, minute=15, day_of_week="mon"), "args": ("week",)},
    "supervision-monthly-report": {"task": "supervision.generate_reports",
                                   "schedule": crontab(hour=7, minute=30, day_of_month="1"), "args": ("month",)},
    "supervision-deliver-reports": {"task": "supervision.deliver_reports", "schedule": 300.0,
                                    "options": {"expires": 290}},
})
# --- Incidents (incidents/): their email and group-robot notices, retried every minute ---
CELERY_BEAT_SCHEDULE["deliver-incident-notices"] = {
    "task": "incidents.deliver_notices", "schedule": 60.0, "options": {"expires": 55},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Public tip-offs (tipoffs/) ---------------------------------------------------------
# Rate-limit counters and used challenge tokens must be shared by every gunicorn worker: in
# Redis when REDIS_URL (or TIPOFFS_CACHE_URL) is set, else in this process's memory (fine for
# runserver and tests, not for several workers: each would count on its own).
TIPOFFS_CACHE_URL = os.environ.get("TIPOFFS_CACHE_URL", REDIS_URL)
CACHES["tipoffs"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TIPOFFS_CACHE_URL, "KEY_PREFIX": "tipoffs"}
    if TIPOFFS_CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tipoffs"}
)
# Number of reverse proxies in front of gunicorn: the client address is then taken from
# X-Forwarded-For (0: REMOTE_ADDR). Wrong here means one limit for everybody, or a spoofable one.
TIPOFFS_PROXY_HOPS = int(os.environ.get("TIPOFFS_PROXY_HOPS", 0))
TIPOFFS_RATE_LIMITS = {  # "count/seconds,…" per client address (per API client for open311)
    "submit": os.environ.get("TIPOFFS_SUBMIT_LIMIT", "5/600,20/86400"),
    "track": os.environ.get("TIPOFFS_TRACK_LIMIT", "30/600"),
    "open311": os.environ.get("TIPOFFS_OPEN311_LIMIT", "60/3600"),
}
TIPOFFS_POW_BITS = int(os.environ.get("TIPOFFS_POW_BITS", 14))  # proof-of-work difficulty of the form

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hazardtrack@localhost")

# --- Notices (reminders and escalation; see notices/) -----------------------------------
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")  # links in emails/robots
NOTICES_WEBHOOK_TIMEOUT = float(os.environ.get("NOTICES_WEBHOOK_TIMEOUT", 5))
NOTICES_DELIVERY_BATCH = int(os.environ.get("NOTICES_DELIVERY_BATCH", 500))
NOTICES_MAX_ATTEMPTS = int(os.environ.get("NOTICES_MAX_ATTEMPTS", 12))  # about a day of retries
NOTICES_RETRY_BASE_SECONDS = int(os.environ.get("NOTICES_RETRY_BASE_SECONDS", 60))
NOTICES_RETRY_MAX_SECONDS = int(os.environ.get("NOTICES_RETRY_MAX_SECONDS", 6 * 3600))

# --- Excel import and export (spreadsheets/) --------------------------------------------
# Ledgers are larger than photos: their own upload limit, and the most rows one import takes.
SPREADSHEETS_UPLOAD_MAX_BYTES = int(os.environ.get("SPREADSHEETS_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))
SPREADSHEETS_MAX_ROWS = int(os.environ.get("SPREADSHEETS_MAX_ROWS", 200_000))

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "hazardtrack.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hazardtrack.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hazardtrack API",
    "DESCRIPTION": "隐患排查治理系统 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hazardtrack.api.document_error_responses",  # 400/401/403/404 on every operation
    ],
}

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request: inactivity timeout
# The session row is rewritten at most once a minute when nothing in it changed (the commit of
# that UPDATE was the largest fixed cost of a request): hazardtrack/session_store.py.
SESSION_ENGINE = "hazardtrack.session_store"
SESSION_RENEW_SECONDS = int(os.environ.get("SESSION_RENEW_SECONDS", 60))
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Login lockout, CSP, audit log (audit/; README "Security and reliability") ----------
# The lockout backend checks django-axes' failure count before the password is even tried.
# accounts.backends.UserBackend is ModelBackend reading the user's region and enterprise with the
# user (one statement per request, not three). Sessions record their backend's path: sessions made
# before it replaced django.contrib.auth.backends.ModelBackend log in once more.
AUTHENTICATION_BACKENDS = ["audit.lockout.LockoutBackend", "accounts.backends.UserBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one guesser cannot lock a user out everywhere
# Minutes until a lockout lifts by itself; 0: only an administrator unlocks (admin → 登录失败记录).
_axes_cooloff = int(os.environ.get("AXES_COOLOFF_MINUTES", 30))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_axes_cooloff) if _axes_cooloff else None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "audit.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in audit.AuditLog
AXES_VERBOSE = False  # lockouts and failures are in audit.AuditLog too
# The client address: REMOTE_ADDR unless the operator says how many proxies stand in front
# (then the address they append to X-Forwarded-For); a client cannot choose its own.
AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_PROXY_COUNT"]) if os.environ.get("AXES_PROXY_COUNT") else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
# No inline script or style anywhere: JS and CSS come from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:", "blob:"],  # blob: photo previews before upload
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

# --- Logging: one JSON object per line on stdout ---------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "hazardtrack.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # narrates every successful login; ours are in audit.AuditLog
    },
}
