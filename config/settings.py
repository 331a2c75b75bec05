"""Settings, read from the environment with strict parsing (see config/env.py).

PORTAL_MODE=development (default) runs with workable local defaults: SQLite, eager Celery tasks,
console e-mail. PORTAL_MODE=production refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS, and turns on every transport-security setting `check --deploy` asks for.
"""

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

PORTAL_MODE = env_str("PORTAL_MODE", "development")
if PORTAL_MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"PORTAL_MODE={PORTAL_MODE!r}: use development or production")
PRODUCTION = PORTAL_MODE == "production"

_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("PORTAL_MODE=production needs SECRET_KEY of at least 50 random characters")

# Demo accounts exist (and can log in) only in demo mode (SECURITY.md 5).
DEMO_MODE = env_bool("DEMO_MODE", False)

# The demo shows the product to the people who will use it: its error pages are the portal's Chinese
# ones, not Django's English technical pages listing the URL map. So DEBUG is off by default there
# too; a developer who wants the technical pages sets DEBUG=1.
DEBUG = env_bool("DEBUG", not PRODUCTION and not DEMO_MODE)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in PORTAL_MODE=production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("PORTAL_MODE=production needs ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for the project's form renderer
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pairing",
    "ledgers",
    "assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pairing.middleware.SecurityHeadersMiddleware",
    "pairing.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pairing.core.audit.AuditContextMiddleware",
    "pairing.middleware.AbsoluteSessionLifetimeMiddleware",
    "pairing.middleware.LoginRequiredByDefaultMiddleware",
    "pairing.middleware.OtpEnrolmentRequiredMiddleware",
    "pairing.middleware.PasswordChangeRequiredMiddleware",
    "pairing.middleware.MethodNotAllowedPageMiddleware",
    "pairing.middleware.NotFoundAuditMiddleware",
    # Axes goes last so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pairing.context_processors.portal",
                "config.navigation.navigation",
                "ledgers.context_processors.inbox",
            ],
        },
    },
]

# One look for every form: templates/forms/field.html and Bootstrap classes by widget type.
FORM_RENDERER = "pairing.forms.rendering.PortalFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spends seconds compiling the big aggregate queries (an export: 5.6 s with it,
    # 2.7 s without) and saves nothing on the portal's short ones: off for every connection.
    # A scoped list joins its select_related rows (six tables for ledger months) and the scope's
    # `pk IN (subquery)` (three more): past the default collapse limit of 8 the planner keeps the
    # subquery apart, joins the whole table first and filters last (a talent's 72 months: 110 ms;
    # with 12: 0.7 ms, planning 4 ms). 12 is where GEQO starts, so plans stay exhaustive.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c from_collapse_limit=12 -c join_collapse_limit=12"
    )
# The owner role's connection, used only by the audit retention job (pairing/jobs.py): the runtime
# role in DATABASE_URL holds INSERT and SELECT on the audit table and nothing more (docs/security.md).
if env_str("AUDIT_OWNER_DATABASE_URL", ""):
    DATABASES["audit_owner"] = {
        **dj_database_url.parse(env_str("AUDIT_OWNER_DATABASE_URL", ""), conn_max_age=0),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pairing.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pairing.auth.PortalModelBackend",
]
LOGIN_URL = "pairing:login"
LOGIN_REDIRECT_URL = "pairing:home"
LOGOUT_REDIRECT_URL = "pairing:login"

# MLPS 2.0 asks for complexity and rotation; the README explains why they win over ASVS here.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "pairing.validators.CharacterClassPasswordValidator"},
]
# TOTP (SECURITY.md 4): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "党建结对共建平台"
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)

# Lockout (django-axes): 5 failures per username+IP lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The client address for the lockout is the portal's own (trusted proxy settings below), never
# django-ipware's reading of headers a client can forge.
AXES_CLIENT_IP_CALLABLE = "pairing.core.client_ip.client_ip"

# The reverse proxy in front of gunicorn (docs/security.md): either how many proxies append to
# X-Forwarded-For, or their addresses/networks. Neither set: X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or network") from None

# Idle timeout: the session expires 30 minutes after the last request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)

LANGUAGE_CODE = "zh-hans"
# The portal speaks one language. Without this, LocaleMiddleware follows the browser's
# Accept-Language, and an English-language phone or PC gets Django's and DRF's English messages
# (and zh-TW, Traditional Chinese) inside Chinese pages.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# locale/ holds the Chinese wording of Django's, DRF's and django-filter's own messages: it wins over
# their catalogues (see the .po file for why each entry is there).
LOCALE_PATHS = [BASE_DIR / "locale"]
CSRF_FAILURE_VIEW = "pairing.views.errors.csrf_failure"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are never served by URL: photos and scans go through their views' scope checks.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# runserver serves static files only with DEBUG on; in development with DEBUG off (the demo) WhiteNoise
# serves them straight from the app and project folders, as collectstatic would have gathered them.
WHITENOISE_USE_FINDERS = not PRODUCTION and not DEBUG
# Request bodies (SECURITY.md 17, 19): non-file fields at most 10 MB, at most 1000 fields and 20
# files; the whole body (ten photos of 8 MB, or one 15 MB scan, plus the form) at most
# MAX_REQUEST_BODY_BYTES, refused before it is read (pairing.middleware.RequestBodyLimitMiddleware).
# Files above 2.5 MB spool to a temporary file instead of memory. Gunicorn's request-line and header
# limits are in docker-compose.yml; the proxy's client_max_body_size is documented in docs/security.md.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 90 * 1024 * 1024, minimum=1024 * 1024)

REST_FRAMEWORK = {
    # Token first: DRF answers an unauthenticated request with the first class's challenge, so the
    # mini-program gets 401 + "WWW-Authenticate: Token" (log in again) rather than a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pairing.api.authentication.ExpiringTokenAuthentication",
        "pairing.api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # A due password change blocks the API as it blocks the pages (SECURITY.md 1).
        "pairing.core.api.permissions.PasswordChangeNotDue",
    ],
    "DEFAULT_PAGINATION_CLASS": "pairing.core.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pairing.core.api.exceptions.portal_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"},
    # DRF's own X-Forwarded-For reading, kept in step with TRUSTED_PROXY_COUNT; the token endpoint's
    # throttle uses pairing.core.client_ip, which also understands TRUSTED_PROXIES.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
    "ORDERING_PARAM": "ordering",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "党建结对共建 API",
    "DESCRIPTION": "县委组织部党建结对共建平台接口（小程序与系统对接）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "pairing.core.api.permissions.PasswordChangeNotDue",
    ],
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/favicon.ico",
    # validatorUrl None: Swagger UI would otherwise load a badge from validator.swagger.io (no internet).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; name each enum after its choices so the schema stays stable
    # (and `check --deploy`, which runs drf-spectacular's schema check, has no warning).
    "ENUM_NAME_OVERRIDES": {
        "TalentStatusEnum": "pairing.choices.TalentStatus",
        "AgreementStatusEnum": "pairing.choices.AgreementStatus",
        "DemandItemStatusEnum": "pairing.choices.DemandItemStatus",
        "ProjectStatusEnum": "pairing.choices.ProjectStatus",
        "ActivityStatusEnum": "ledgers.choices.ActivityStatus",
        "MonthStatusEnum": "ledgers.choices.MonthStatus",
        "ClaimStatusEnum": "ledgers.choices.ClaimStatus",
        "GradeEnum": "assessment.choices.GradeLevel",
    },
}
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 12, minimum=1)

REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat's DatabaseScheduler copies these entries into django-celery-beat's tables at start-up, where
# an admin can change or pause them. Each task is idempotent, so a missed or doubled run is harmless.
CELERY_BEAT_SCHEDULE = {
    "prune-expired-api-tokens": {"task": "pairing.tasks.prune_expired_tokens", "schedule": 3600.0},
}

# Scheduled jobs (pairing/core/jobs.py): each app's jobs.py declares a default crontab schedule in
# Asia/Shanghai; an entry here replaces it. `manage.py run_job --sync` (and beat's start-up) writes them
# into django-celery-beat's tables, where an admin may change or pause them; an admin's change stays.
JOB_SCHEDULES = {
    "demand_daily_digest": "0 8 * * *",
    "demand_unclaimed_escalation": "30 8 * * *",
    "demand_overdue_claimers": "30 8 * * *",
    "talent_monthly_service": "0 9 20 * *",
    "unit_monthly_contact": "0 9 20 * *",
    "village_month_submit": "0 9 1 * *",
    "township_month_confirm": "0 9 6 * *",
    "county_month_escalation": "0 9 10 * *",
    "agreement_signing": "0 9 * 1-3 1",
    "agreement_escalation": "0 9 1 4 *",
    "meeting_half_year": "0 9 1 6,12 *",
    "resolution_due": "0 9 * * *",
    "resolution_overdue": "0 9 1 6,12 *",
    "township_half_year_report": "0 9 1-5 1,7 *",
    "deliver_pending_notifications": "*/15 * * * *",
    "clear_expired_sessions": "30 2 * * *",
}
for _name, _value in os.environ.items():
    if _name.startswith("JOB_SCHEDULE_"):
        if len(_value.split()) != 5:
            raise ImproperlyConfigured(f'{_name} must be a crontab with five fields, e.g. "0 9 20 * *"')
        JOB_SCHEDULES[_name[len("JOB_SCHEDULE_") :].lower()] = " ".join(_value.split())
# A demand nobody has claimed this many days after publishing escalates to its unit and township.
DEMAND_UNCLAIMED_DAYS = env_int("DEMAND_UNCLAIMED_DAYS", 7, minimum=1)
# A meeting resolution's responsible parties are told this many days before it falls due.
RESOLUTION_DUE_NOTICE_DAYS = env_int("RESOLUTION_DUE_NOTICE_DAYS", 3, minimum=0)
# Recipients per batch: each batch is a handful of set-based queries and one bulk insert.
NOTIFICATION_BATCH_SIZE = env_int("NOTIFICATION_BATCH_SIZE", 1000, minimum=1)
# The SMS channel's backend: a class with send(phone, text). The default only logs (phone masked).
SMS_BACKEND = env_str("SMS_BACKEND", "ledgers.sms.LoggingSmsBackend")
# Prefix for links in emails (e.g. https://djjd.example.gov.cn); empty leaves links out.
SITE_URL = env_str("SITE_URL", "").rstrip("/")
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "党建结对共建平台 <noreply@localhost>")

# Audit records are kept at least 184 days (SECURITY.md 13); a smaller value is refused.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 184, minimum=184)

# Every page (pairing.middleware.SecurityHeadersMiddleware): scripts only from the portal's own
# static files, no inline script or event handler, no framing. Inline style attributes stay allowed
# (the print layouts and a few widths); they cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Uploaded photos and scans are served with this instead: nothing in them can run or load anything.
FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "display-capture")
)

# Transport security. Production sits behind a TLS-terminating proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
