"""Settings for erfurt-srp. The only module that reads the environment.

Without DATABASE_URL / REDIS_URL the platform runs on SQLite with Celery eager and mail to the
console, so `make run` works on a bare machine. DJANGO_DEBUG=0 selects production behaviour and
refuses to start without SECRET_KEY, DATABASE_URL and REDIS_URL. The test suite runs with
erfurt_srp/settings_test.py, which imports this module and overrides what tests need.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env(name: str, default: str = "") -> str:
    """Return an environment variable; NAME_FILE may point to a file holding the value."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "")
    if raw == "":
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = env(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production mode (DJANGO_DEBUG=0) set SECRET_KEY "
            "(or SECRET_KEY_FILE) to a long random value."
        )
    SECRET_KEY = "insecure-dev-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if not DEBUG else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "erfurt_srp.accounts",
    "erfurt_srp.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "simple_history",
    "django_htmx",
    "csp",
    "django_ratelimit",
    "erfurt_srp.notifications",
    "erfurt_srp.discussion",
    "erfurt_srp.exports",
    "gremium",
    "leitlinien",
    "standorte",
    "beteiligung",
]

MIDDLEWARE = [
    # First: every later reader of REMOTE_ADDR (rate limits) sees the client behind the proxy.
    "erfurt_srp.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "erfurt_srp.core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the query string; turns NUL bytes and out-of-range numbers that
    # slip past a form into a 400 page.
    "erfurt_srp.core.middleware.HostileInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "erfurt_srp.accounts.middleware.MfaRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "erfurt_srp.urls"
WSGI_APPLICATION = "erfurt_srp.wsgi.application"

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
                "erfurt_srp.core.context_processors.navigation",
            ],
        },
    }
]

FORM_RENDERER = "erfurt_srp.core.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
elif DEBUG:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. In production mode (DJANGO_DEBUG=0) set DATABASE_URL, "
        "e.g. postgres://user:password@host:5432/erfurt_srp."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and result store; cache (CACHE_URL) -------------------------------
REDIS_URL = env("REDIS_URL")
if not REDIS_URL and not DEBUG:
    # Without a broker, tasks would run eagerly inside web requests and every process would keep
    # its own cache (rate limits, drain flags): production refuses to start instead.
    raise ImproperlyConfigured(
        "REDIS_URL is not set. In production mode (DJANGO_DEBUG=0) set REDIS_URL to the Celery "
        "broker, e.g. redis://redis:6379/0, and CACHE_URL to the cache's own Redis."
    )
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep a worker's database connection for many tasks instead of reconnecting per task (4x
# faster outbox sends); tasks drop broken or old (CONN_MAX_AGE) connections themselves.
CELERY_DB_REUSE_MAX = 200
# Days after which the text and attachments of finished outbox messages are deleted.
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 180)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"erfurt_srp.notifications.tasks.*": {"queue": "mail"}}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Europe/Berlin"
# One schedule for every periodic job; apps add their jobs here, nowhere else.
CELERY_BEAT_SCHEDULE = {
    "leitlinien-pending-comments-purge": {
        "task": "leitlinien.tasks.pending_public_comments_purge",
        "schedule": crontab(minute=17),
        "options": {"expires": 3000},
    },
    "leitlinien-report-reminders": {
        "task": "leitlinien.tasks.report_reminders_send",
        "schedule": crontab(minute=23),
        "options": {"expires": 3000},
    },
    "gremium-votes-send-due": {
        "task": "gremium.tasks_votes.votes_send_due",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    "gremium-guest-access-expire": {
        "task": "gremium.tasks.guest_access_expire",
        "schedule": crontab(minute=5, hour=0),
    },
    "leitlinien-theme-editors-expire": {
        "task": "leitlinien.tasks.theme_editors_expire",
        "schedule": crontab(minute=7, hour=0),
    },
    "gremium-meeting-reminders": {
        "task": "gremium.tasks.meeting_reminders_send",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    "outbox-retry-stuck": {
        "task": "erfurt_srp.notifications.tasks.outbox_retry_stuck",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    "outbox-prune-old": {
        "task": "erfurt_srp.notifications.tasks.outbox_prune_old",
        "schedule": crontab(minute=40, hour=3),
    },
    "beteiligung-expire-unconfirmed": {
        "task": "beteiligung.tasks.registrations_expire",
        "schedule": crontab(minute="*/5"),
    },
    "beteiligung-reminders": {
        "task": "beteiligung.tasks.event_reminders_send",
        "schedule": crontab(minute="*/10"),
    },
    "beteiligung-followups": {
        "task": "beteiligung.tasks.event_followups_send",
        "schedule": crontab(minute="*/30"),
    },
    "beteiligung-shred": {
        "task": "beteiligung.tasks.registrants_shred_due",
        "schedule": crontab(minute=17, hour="*/6"),
    },
}

# The cache belongs in its own Redis with a memory limit and LRU eviction (docker-compose.yml:
# redis-cache); on the broker's Redis an evicting policy would drop queued tasks. Without
# CACHE_URL the cache shares REDIS_URL (development only; README).
CACHE_URL = env("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "srp",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "erfurt_srp.accounts.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sozialraumplanung Erfurt] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sozialraumplanung Erfurt"
# In production staff and admins must set up TOTP before they can use the platform.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", not DEBUG)
ACCOUNT_FORMS = {"signup": "erfurt_srp.accounts.forms.SignupForm"}
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# Meeting reminders go out this many days before a meeting starts (gremium beat job).
GREMIUM_REMINDER_DAYS = env_int("GREMIUM_REMINDER_DAYS", 2)
# A secret vote shows a result only with at least this many ballots (fewer could reveal a single
# voter's choice): staff cannot close it before, and a deadline passed before ends it without one.
SECRET_VOTE_MIN_BALLOTS = env_int("SECRET_VOTE_MIN_BALLOTS", 3)
if SECRET_VOTE_MIN_BALLOTS < 1:
    raise ImproperlyConfigured("SECRET_VOTE_MIN_BALLOTS must be at least 1.")
# First Drucksache number of a year whose number sequence staff have not set in the admin
# (gremium.PaperNumberSequence); numbers read NNNN/YY like the city's (1803/22).
GREMIUM_PAPER_NUMBER_START = env_int("GREMIUM_PAPER_NUMBER_START", 1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Beteiligung (public events) ------------------------------------------------------------
# Minutes the confirmation link of a new registration (double opt-in) stays valid; afterwards
# the unconfirmed registration expires and is anonymised.
BETEILIGUNG_OPT_IN_MINUTES = env_int("BETEILIGUNG_OPT_IN_MINUTES", 60)
# Minutes an unconfirmed registration holds one place (a group takes the rest on confirming).
BETEILIGUNG_HOLD_MINUTES = env_int("BETEILIGUNG_HOLD_MINUTES", 15)
# Places that unconfirmed registrations from one client address may hold per event (0: no cap).
BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT = env_int("BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT", 2)
# Days after an event's end until its registrants' personal data is anonymised.
BETEILIGUNG_RETENTION_DAYS = env_int("BETEILIGUNG_RETENTION_DAYS", 90)
# Registration attempts per client address and window (0 switches the limit off).
BETEILIGUNG_RATE_LIMIT = env_int("BETEILIGUNG_RATE_LIMIT", 10)
BETEILIGUNG_RATE_WINDOW_SECONDS = env_int("BETEILIGUNG_RATE_WINDOW_SECONDS", 600)
# Largest group one registration may bring (places held, waited for and freed together).
BETEILIGUNG_MAX_GROUP_SIZE = env_int("BETEILIGUNG_MAX_GROUP_SIZE", 5)

# --- Standorte (map) ------------------------------------------------------------------------
# Base map under the Ortsteil shapes: a tile URL such as https://tiles.example.org/{z}/{x}/{y}.png
# and its attribution. Empty (the default): no base map, nothing loads from another server.
# A tile host must also be allowed in the Content-Security-Policy's img-src.
STANDORTE_MAP_TILE_URL = env("STANDORTE_MAP_TILE_URL")
STANDORTE_MAP_TILE_ATTRIBUTION = env("STANDORTE_MAP_TILE_ATTRIBUTION")
if STANDORTE_MAP_TILE_URL and not (
    STANDORTE_MAP_TILE_URL.startswith("https://") and STANDORTE_MAP_TILE_ATTRIBUTION
):
    raise ImproperlyConfigured(
        "STANDORTE_MAP_TILE_URL must be an https:// URL and needs STANDORTE_MAP_TILE_ATTRIBUTION."
    )

# --- Mail -----------------------------------------------------------------------------------
EMAIL_URL_HOST = env("EMAIL_HOST")
if EMAIL_URL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_URL_HOST
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", "Sozialraumplanung Erfurt <sozialraumplanung@erfurt.de>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["erfurt_srp.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
UPLOAD_ALLOWED_EXTENSIONS = [
    "pdf",
    "docx",
    "odt",
    "xlsx",
    "ods",
    "png",
    "jpg",
    "jpeg",
    "txt",
    "csv",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# --- Client address and rate limits ---------------------------------------------------------
# Proxies in front of the app that append the peer they saw to X-Forwarded-For (the nginx of
# docker-compose.yml: one). erfurt_srp.core.middleware.ClientAddressMiddleware sets REMOTE_ADDR
# from it; allauth and django-ratelimit then read REMOTE_ADDR and nothing else.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0 if DEBUG else 1)
ALLAUTH_TRUSTED_PROXY_COUNT = 0
RATELIMIT_USE_CACHE = "default"
# django-ratelimit lists only django-redis and memcached as supported; Django's own RedisCache
# would be too; django-redis is supported and shared between processes.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not CACHE_URL:
    # Development without Redis (make run): one process, its local-memory cache is enough.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# --- Security (production) ------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (no database query on every logged-in page) and written
# through to the database, so a cleared or evicted cache logs no one out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# No inline script or style anywhere: scripts and styles come from /static/ (htmx is configured
# by <meta name="htmx-config">, Leaflet styles its map through the CSSOM, which CSP allows).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page of the platform uses, switched off (empty allow-list).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- Legal texts (privacy notice, Impressum, accessibility statement) ----------------------
# Contact address named in the legal pages; how long the operator keeps server and application
# logs (stdout, proxy access logs); the privacy notice states both.
LEGAL_CONTACT_EMAIL = env("LEGAL_CONTACT_EMAIL", "sozialraumplanung@erfurt.de")
LEGAL_CONTACT_PHONE = env("LEGAL_CONTACT_PHONE", "")
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 14)
# A public comment written without an account waits this long for its e-mail confirmation.
PUBLIC_COMMENT_CONFIRMATION_HOURS = env_int("PUBLIC_COMMENT_CONFIRMATION_HOURS", 48)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
