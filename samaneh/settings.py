"""Samaneh settings. Everything that differs between machines comes from the environment."""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAMANEH_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "samaneh-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "samaneh.core",
    "samaneh.geo",
    "samaneh.accounts",
    "samaneh.cases",
    "samaneh.services.complaints",
    "samaneh.stats",
    "samaneh.stats.api",
    "samaneh.stats.io",
    "samaneh.stats.analytics",
    "samaneh.stats.entry",
    "samaneh.stats.viz",
    "samaneh.itgov",
    "samaneh.services.landfills",
    "samaneh.services.landfills.planning",
    "samaneh.services.landfills.priorities",
    "samaneh.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "samaneh.urls"
WSGI_APPLICATION = "samaneh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samaneh.web.context_processors.menu",
            ],
            "builtins": ["samaneh.core.templatetags.persian"],
        },
    }
]

# Database: SQLite (WAL) by default, anything dj-database-url understands via DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'samaneh.sqlite3'}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                # 64 MB page cache (default 2 MB) and memory-mapped reads: large imports and analytics
                # stop re-reading index pages from the file.
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SAMANEH_TEST_SQLITE", None)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:staff-login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# Language and time: Persian first, English second; UTC in storage.
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "samaneh" / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# REST API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/minute"), "user": "3000/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samaneh API",
    "DESCRIPTION": "E-government platform for Iran's municipalities and village administrations.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a `kind` choice field; name their enums so the schema does not clash.
    "ENUM_NAME_OVERRIDES": {
        "OrgUnitKindEnum": "samaneh.geo.models.OrgUnit.Kind",
        "AdministrationKindEnum": "samaneh.geo.models.Administration.Kind",
    },
}

# Cache: local memory by default, Redis when REDIS_URL is set (needed with several workers).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager in the embedded default, a real broker when CELERY_BROKER_URL is set.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None) or None
CELERY_TIMEZONE = TIME_ZONE
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_BEAT_SCHEDULE = {
    "escalate-overdue-cases": {"task": "samaneh.cases.tasks.escalate_overdue_cases", "schedule": 15 * 60},
    # Automatic statistics feeds (complaints, landfills, IT maturity) for the current and previous period.
    "stats-feeds-run-recent": {"task": "samaneh.stats.io.tasks.feeds_run_recent", "schedule": 60 * 60},
    # The analytics summary (DHIS2's "analytics tables"): only periods written since the last run are rebuilt.
    "stats-analytics-refresh": {"task": "stats_analytics.analytics_refresh", "schedule": 5 * 60},
}

# SMS: one interface, backend chosen here.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "samaneh.core.sms.FileSmsBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms-outbox.jsonl"))
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_API_KEY = os.environ.get("SMS_GATEWAY_API_KEY", "")
SMS_GATEWAY_SENDER = os.environ.get("SMS_GATEWAY_SENDER", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))

# Citizen one-time codes
CITIZEN_OTP_TTL_SECONDS = 120
CITIZEN_OTP_MAX_ATTEMPTS = 5
CITIZEN_OTP_RESEND_SECONDS = 60
CITIZEN_OTP_LOCK_SECONDS = 15 * 60
CITIZEN_OTP_MAX_PER_HOUR = 5
CITIZEN_OTP_MAX_PER_IP_PER_HOUR = int(os.environ.get("CITIZEN_OTP_MAX_PER_IP_PER_HOUR", "30"))

OTP_TOTP_ISSUER = "Samaneh"

# Security headers: strict outside DEBUG (manage.py check --deploy is clean with these).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Limits on what users send.
SEARCH_MAX_LENGTH = 100
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DEHYARI_CSV_MAX_BYTES = 5 * 1024 * 1024

# Working days: Python weekday numbers closed every week (Friday), and extra closed ISO dates per
# province code ("*" = everywhere), on top of the official holidays from the `holidays` package.
WEEKLY_CLOSED_WEEKDAYS = (4,)
EXTRA_CLOSED_DAYS = {}

# Complaints: working days a citizen has to object to an answer; duplicate suggestions radius and window.
COMPLAINTS_OBJECTION_DAYS = 10
COMPLAINTS_DUPLICATE_METERS = 200
COMPLAINTS_DUPLICATE_DAYS = 30
# Landfill bank: complaints in these categories (service codes, sub-categories included) filed within this
# distance of a site in the last year count as that site's complaints from the complaints service.
LANDFILL_COMPLAINT_CATEGORIES = ("landfill-nuisance", "illegal-dumping")
LANDFILL_COMPLAINT_RADIUS_M = 3000
# Attachments: types sniffed from content, size cap enforced while streaming.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")

# Maps: no tile server is reachable offline; set a tile URL template in production.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
# Open311: POSTs per API key per minute; the help-desk line of the discovery document.
OPEN311_POSTS_PER_MINUTE = int(os.environ.get("OPEN311_POSTS_PER_MINUTE", "30"))
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "")
# Public tracking-code lookups per client address per minute (a miss counts double).
TRACKING_LOOKUPS_PER_MINUTE = int(os.environ.get("TRACKING_LOOKUPS_PER_MINUTE", "60"))
