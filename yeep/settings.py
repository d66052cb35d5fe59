"""One settings module, driven by the environment.

Development defaults (DEBUG on, SQLite) need nothing set. With DEBUG off, SECRET_KEY and
ALLOWED_HOSTS have no default: start-up stops with a clear message when they are missing.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on", "evet"}:
        return True
    if value in {"0", "false", "no", "off", "hayir", "hayır"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from exc


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off a secret key is required: "
            "export SECRET_KEY to a long random string."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off list the host names this site answers to, "
        "comma-separated, e.g. ALLOWED_HOSTS=yeep.example.org."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "axes",
    # Background work: Django's Tasks API (django.tasks from Django 6.0; the django-tasks
    # backport on 5.2) and its database backend, whose table records every task run.
    "django_tasks",
    "django_tasks_db",
    # The public read-only API (monitoring/api): Django REST framework, its tokens and the
    # OpenAPI 3 schema (Swagger UI's files are vendored under static/vendor/swagger-ui).
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "plans.apps.PlansConfig",
    "monitoring.apps.MonitoringConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # static files from STATIC_ROOT (collectstatic), compressed and with far-future caching
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # last: turns a locked-out login into the lockout page
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "yeep.urls"
WSGI_APPLICATION = "yeep.wsgi.application"

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
            ],
        },
    },
]

# SQLite beside the code unless DATABASE_URL names another database
# (postgres://user@127.0.0.1:5432/yeep for PostgreSQL through psycopg 3).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Türkçe")), ("en", _("İngilizce"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Istanbul"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Evidence files are never served from a public media URL; a view checks permissions.
MEDIA_URL = "/media-not-served/"

# With DEBUG off static files carry their content's hash in their name and are stored
# gzip- and brotli-compressed (collectstatic), served by WhiteNoise. With DEBUG on (and in
# tests) plain names from the app folders, so runserver needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# One cache for all web processes and the worker when REDIS_URL is set (the dashboard's
# snapshots are keyed by the plan's data version, so any process may reuse another's);
# otherwise a cache per process, large enough for every plan's snapshots and years.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    if not re.match(r"rediss?://|unix://", REDIS_URL):
        raise ImproperlyConfigured(
            f"REDIS_URL={REDIS_URL!r} is not a Redis URL, e.g. redis://127.0.0.1:6379/0."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "yeep",
        }
    }
    # a signed-in request reads its session from Redis, not the database (written to both)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
        }
    }

# Dashboard pages rendered once per plan data version and audience (monitoring/pagecache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

# Background tasks (reminder e-mails, the zip of every unit's form). Without a worker
# (TASKS_BACKEND=immediate, the default) a task runs at once inside the request, as
# before. TASKS_BACKEND=database queues them in the database for `manage.py db_worker`.
_tasks_backends = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "").strip().lower() or "immediate"
if _tasks_backend not in _tasks_backends:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={_tasks_backend!r}: use one of {', '.join(sorted(_tasks_backends))}."
    )
TASKS = {"default": {"BACKEND": _tasks_backends[_tasks_backend], "QUEUES": ["default"]}}

LOGIN_URL = "admin:login"
# After a login without a usable ?next= (none, or one pointing off the site): the admin's
# start page. Only staff can sign in (the admin's login form), so it is everyone's.
LOGIN_REDIRECT_URL = "admin:index"

# Repeated failed logins: five tries per user name and address, then 15 minutes' wait.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Content security policy: nothing from other origins, no inline scripts. One inline
# event handler is let through by its hash: django-import-export's export page binds its
# "select all" box with onchange="onSelectToggleChange(event)" (admin/import_export/
# export.html); 'unsafe-hashes' allows only handlers whose text has a listed hash.
EXPORT_TOGGLE_HANDLER = "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-hashes'", EXPORT_TOGGLE_HANDLER],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The read-only API under /api/v1/ (monitoring/api): anonymous callers see what the public
# dashboard shows, a session or a token what the user's role sees there. Throttled per
# address (anonymous) and per user through the cache, shared Redis in production.
REST_FRAMEWORK = {
    # the token first: a wrong token is answered 401 with WWW-Authenticate: Token
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["monitoring.api.permissions.ReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": [
        "monitoring.api.permissions.AnonThrottle",
        "monitoring.api.permissions.UserThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "monitoring.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": env_int("PROXY_COUNT", 0),
}
# Requests per address (anonymous) and per signed-in user; e.g. API_THROTTLE_ANON=120/min.
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "120/min")
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "1200/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "YEEP İzleme API",
    "DESCRIPTION": (
        "Yerel Eşitlik Eylem Planları: planlar, hedefler, gerçekleşmeler ve ilerleme, salt "
        "okunur. Read-only: plans, targets, realizations and progress. Field reference: "
        "/api/v1/alanlar/"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # no CDN: our own copy, served with the other static files
    "SWAGGER_UI_DIST": "/" + STATIC_URL + "vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/" + STATIC_URL + "vendor/swagger-ui/favicon-32x32.png",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "monitoring.api.schema.add_error_responses",
    ],
}

# Evidence files: size and type.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "xlsx", "docx", "odt", "ods", "txt"]

# Uploads: workbooks and evidence files.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)
# Uploaded workbooks are read in a child process with these limits (monitoring/excel/isolation.py).
IMPORT_READ_TIMEOUT = env_int("IMPORT_READ_TIMEOUT", 60)
IMPORT_READ_MEMORY_BYTES = env_int("IMPORT_READ_MEMORY_BYTES", 1 << 30)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 40 * UPLOAD_MAX_BYTES)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Progress thresholds (share of the target reached), see monitoring/progress.py.
PROGRESS_ACHIEVED_AT = 1.0
PROGRESS_ON_TRACK_AT = 0.85

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "yeep@localhost")
if os.environ.get("EMAIL_FILE_PATH"):  # the file-based backend: one file per sending
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]


def _site_url() -> str:
    """The site's address for links in e-mails (no request to build them from): SITE_URL,
    else the development server, else https:// and the first named host."""
    raw = os.environ.get("SITE_URL", "").strip().rstrip("/")
    if not raw:
        named = [h for h in ALLOWED_HOSTS if not h.startswith((".", "*"))]
        if DEBUG or not named:
            return "http://127.0.0.1:8000"
        return f"https://{named[0]}"
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", raw):
        raise ImproperlyConfigured(
            f"SITE_URL={raw!r} is not a site address, e.g. SITE_URL=https://yeep.example.org."
        )
    return raw


SITE_URL = _site_url()

# Behind a reverse proxy that terminates TLS: the request header (as Django spells it,
# e.g. HTTP_X_FORWARDED_PROTO) that the proxy sets to "https". Trusted only when set, since
# anyone can send that header to a server that is reached directly.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip().upper()
if _proxy_header:
    if not re.fullmatch(r"HTTP_[A-Z0-9_]+", _proxy_header):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={_proxy_header!r} is not a request header as Django "
            "names it, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO."
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # load balancers and container health probes ask over plain HTTP
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Everything to standard output, one line per record, for the container's log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own configuration gives these a console handler of their own (DEBUG
        # only) and mail to ADMINS; here they go to the one handler above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "monitoring.tasks": {"level": os.environ.get("TASKS_LOG_LEVEL", "INFO")},
    },
}

# django-import-export: flat tables in the admin, behind the model permissions.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Off on purpose: in django-import-export 4.4 it strips one leading "=" and nothing else,
# and turns every value into a string. The admins export through monitoring.excel.exports.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
