"""Settings for Even Better: one file, driven by environment variables.

Every value that differs between a laptop and production comes from the environment,
read through the small typed helpers below (the healthchecks pattern). The defaults are
the embedded demo: SQLite under ``var/`` and e-mail printed to the console.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EVENBETTER_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def _development_secret_key() -> str:
    # Outside production a key is made once and kept beside the local database, so that
    # sessions survive a restart; production must set SECRET_KEY (checked below).
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


PRODUCTION = env_bool("EVENBETTER_PRODUCTION")
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when EVENBETTER_PRODUCTION is on.")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "evenbetter.pages",
    "evenbetter.accounts",
    "evenbetter.schools",
    "evenbetter.indicators",
    "evenbetter.jobs",
    "evenbetter.ingest",
    "evenbetter.benchmarks",
    "evenbetter.partnerships",
    "evenbetter.voice",
    "evenbetter.earlywarning",
    "evenbetter.support",
    "evenbetter.concerns",
    "evenbetter.practice",
    "evenbetter.dashboards",
    "evenbetter.goals",
    "evenbetter.ops",
    "evenbetter.people",
    "evenbetter.web",
    "evenbetter.demo",
    "evenbetter.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "evenbetter.accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: whether htmx asked (HX-Request) and for what (evenbetter/pages/htmx.py).
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "evenbetter.web.context_processors.platform",
            ],
        },
    },
]

# SQLite (WAL mode) by default; PostgreSQL or any other server through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'evenbetter.sqlite3'}"),
        # Each web thread keeps its connection between requests (checked before reuse): opening
        # one costs a PostgreSQL server process, or on SQLite a cold page cache, every request.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while an import writes; IMMEDIATE takes the write lock
        # at the start of a transaction, so two writers queue instead of deadlocking.
        # A 64 MB page cache per connection keeps index pages in memory during imports.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# An invitation's link (accounts/invitations.py) works for this many days from its latest sending.
EVENBETTER_INVITATION_DAYS = env_int("EVENBETTER_INVITATION_DAYS", 7)

# django-axes first: it refuses a locked-out username and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes). AXES_FAILURE_LIMIT wrong passwords for one username from one
# address lock that username there for AXES_COOLOFF_MINUTES; other people, and the same person
# from elsewhere, are not affected. A refused attempt while locked does not extend the lock, so
# whoever waits it out can sign in; the rate stays at most AXES_FAILURE_LIMIT guesses a period.
# `manage.py axes_reset_username NAME` lifts a lock at once.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Sign-ins are recorded in the audit log (accounts.AuditEvent), not in a second table of axes'.
AXES_DISABLE_ACCESS_LOG = True
# The client's address: REMOTE_ADDR, or behind EVENBETTER_TRUSTED_PROXIES reverse proxies the
# address the outermost of them saw (see evenbetter/accounts/client_ip.py).
# Attempts and lock-outs are kept in the database (not a cache), so every web server sees them.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "evenbetter.accounts.client_ip.client_ip_address"
EVENBETTER_TRUSTED_PROXIES = env_int("EVENBETTER_TRUSTED_PROXIES", 0)
# Collective concerns: the most one person may raise in 24 hours (a flood is refused, saying so).
EVENBETTER_CONCERNS_PER_DAY = env_int("EVENBETTER_CONCERNS_PER_DAY", 5)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions in the database and messages in a cookie (or the session): a request may be served
# by any web server.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "evenbetter.web.views.csrf_failure_view"

# Map tiles under the dashboards' map are optional: a URL template such as
# "https://tile.openstreetmap.org/{z}/{x}/{y}.png" (mind the tile server's usage policy).
# Without it the map is drawn with no tiles and needs no internet. Its origin joins img-src.
EVENBETTER_MAP_TILES = env_str("EVENBETTER_MAP_TILES")
_tile_origin = "/".join(EVENBETTER_MAP_TILES.split("/")[:3]) if EVENBETTER_MAP_TILES.startswith("https://") else ""

# Content-Security-Policy (django-csp): only this site's own scripts, styles and images (and
# data: images, for a chart saved as a picture); no inline script or style, no plugins, no
# framing, and forms post only here. Templates keep to it: scripts and styles live in static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_tile_origin] if _tile_origin else [])],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The REST API under /api/v1/ (evenbetter/api, docs/api.md). A per-user token (hashed; see
# api/authentication.py) or the web session signs a request in; without either the answer is 401.
# Every request of a signed-in user counts against EVENBETTER_API_RATE (DRF's throttling, kept in
# the shared cache, CACHES below: every web server and worker process counts together).
EVENBETTER_API_RATE = env_str("EVENBETTER_API_RATE", "1000/hour")
# Pulse surveys (evenbetter/voice): answers one address may give one survey, in the shared cache
# like the API's rate. Pupils in a school often share one address, so it allows a class or two.
EVENBETTER_PULSE_ANSWER_RATE = env_str("EVENBETTER_PULSE_ANSWER_RATE", "120/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request without credentials is answered 401 with WWW-Authenticate.
        "evenbetter.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "evenbetter.api.pagination.ApiPagination",
    "DEFAULT_THROTTLE_CLASSES": ["evenbetter.api.throttling.ApiUserRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# The OpenAPI description (drf-spectacular) at /api/v1/schema/ and its docs page at /api/v1/docs/,
# both for people signed in. The docs page is the site's own HTML (api/reference.py); people make
# their tokens on the API tokens page (/api-tokens/); any OpenAPI tool opens the description.
SPECTACULAR_SETTINGS = {
    "TITLE": "Even Better API",
    "DESCRIPTION": (
        "Read the schools, indicators, values, families, benchmarks, risk and help requests that your "
        "account may see on the web, and import files as on the web. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Like the rest of the API, the description is for people signed in (a session or a token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SchoolStatusEnum": "evenbetter.schools.models.School.Status",
        "ObservationStatusEnum": "evenbetter.indicators.models.Observation.Status",
        "ImportRunStatusEnum": "evenbetter.indicators.models.ImportRun.Status",
        "HelpRequestStatusEnum": "evenbetter.support.models.HelpRequest.Status",
        "HelpRequestKindEnum": "evenbetter.support.models.HelpRequest.Kind",
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Even Better <no-reply@localhost>")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production whitenoise serves straight from the apps' static folders, so
# `make run` needs no collectstatic and DEBUG can stay off (no debug pages, ever).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Where the real public data lives: vendored in the repository (data/england/, with its
# licence), so that a fresh clone runs the demo and the tests with nothing beside it.
EVENBETTER_DATA_DIR = Path(env_str("EVENBETTER_DATA_DIR", str(BASE_DIR / "data" / "england")))
# Files uploaded for import are kept, by SHA-256, until the preview is confirmed.
EVENBETTER_UPLOAD_DIR = Path(env_str("EVENBETTER_UPLOAD_DIR", str(VAR_DIR / "uploads")))
EVENBETTER_MAX_UPLOAD_MB = env_int("EVENBETTER_MAX_UPLOAD_MB", 200)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# SQLite page cache while a large file streams in (megabytes; given back afterwards).
EVENBETTER_IMPORT_CACHE_MB = env_int("EVENBETTER_IMPORT_CACHE_MB", 512)
EVENBETTER_DEMO_PASSWORD = env_str("EVENBETTER_DEMO_PASSWORD", "even-better-demo")
# Files people attach to shared practice: kept here, and served only through the platform's
# own view (which checks who may see the item), never as public media.
MEDIA_ROOT = Path(env_str("EVENBETTER_MEDIA_DIR", str(VAR_DIR / "media")))
EVENBETTER_MAX_ATTACHMENT_MB = env_int("EVENBETTER_MAX_ATTACHMENT_MB", 10)


def env_json_object(name: str) -> dict[str, Any]:
    """A JSON object, e.g. '{"bucket_name": "evenbetter"}'; anything else stops start-up with its name."""
    text = env_str(name)
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise RuntimeError(f"{name} is not JSON: {error}") from error
    if not isinstance(value, dict):
        raise RuntimeError(f"{name} must be a JSON object of the storage's options")
    return value


# Files go through Django's storage API, never straight to a path, so that any web server can
# read what another wrote: "default" holds the practice library's attachments, "uploads" the
# files kept between an import's preview and its confirmation. Both are folders on this machine
# by default (MEDIA_ROOT, EVENBETTER_UPLOAD_DIR); with several web servers, point them at shared
# storage, e.g. EVENBETTER_STORAGE_BACKEND=storages.backends.s3.S3Storage (django-storages) and
# EVENBETTER_STORAGE_OPTIONS='{"bucket_name": "…"}': each then keeps its files under its own
# prefix ("location": media/, uploads/). See docs/operations.md, "Scaling out".
_FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
EVENBETTER_STORAGE_BACKEND = env_str("EVENBETTER_STORAGE_BACKEND", _FILE_SYSTEM)
EVENBETTER_STORAGE_OPTIONS = env_json_object("EVENBETTER_STORAGE_OPTIONS")


def _file_storage(folder: Path | None, prefix: str) -> dict[str, Any]:
    if EVENBETTER_STORAGE_BACKEND != _FILE_SYSTEM:
        return {"BACKEND": EVENBETTER_STORAGE_BACKEND, "OPTIONS": {**EVENBETTER_STORAGE_OPTIONS, "location": prefix}}
    # Without a location, FileSystemStorage follows MEDIA_ROOT (and a test's change to it).
    location = {"location": str(folder)} if folder is not None else {}
    return {"BACKEND": _FILE_SYSTEM, "OPTIONS": {**EVENBETTER_STORAGE_OPTIONS, **location}}


STORAGES = {
    "default": _file_storage(None, "media"),
    "uploads": _file_storage(EVENBETTER_UPLOAD_DIR, "uploads"),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# A cache every web server shares, for what must be counted across them (the API's rate limit,
# DRF's throttling): a table of this database by default (made by every `manage.py migrate`,
# see evenbetter/ops/apps.py), or Redis with EVENBETTER_CACHE_URL=redis://host:6379/0 (needs the
# `redis` package). Never the per-process memory cache: each gunicorn worker would count apart.
EVENBETTER_CACHE_URL = env_str("EVENBETTER_CACHE_URL")


# Every key names the code that made it, so a deploy never reads entries the old code drew.
_KEYS_NAME_THE_CODE = "evenbetter.ops.cache.cache_key"


def _shared_cache(url: str) -> dict[str, Any]:
    if not url:
        # Django's database cache, culling the kept figures and panels written longest ago first
        # and never a rate counter or a generation (evenbetter/ops/cache.py), once it holds
        # EVENBETTER_CACHE_MAX_ENTRIES (Django's default of 300 is a few hundred users; half of ours
        # holds a national system's school pages drawn ahead: evenbetter/ops/drawn_ahead.py).
        return {
            "BACKEND": "evenbetter.ops.cache.DatabaseCache",
            "LOCATION": "evenbetter_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("EVENBETTER_CACHE_MAX_ENTRIES", 50_000)},
            "KEY_FUNCTION": _KEYS_NAME_THE_CODE,
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_FUNCTION": _KEYS_NAME_THE_CODE,
        }
    raise RuntimeError("EVENBETTER_CACHE_URL must be a redis://, rediss:// or unix:// URL (or unset: the database)")


CACHES = {"default": _shared_cache(EVENBETTER_CACHE_URL)}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs each refused sign-in and lock-out as a warning, and chatter at INFO.
    # django-tasks-db says at INFO each time a worker finds the queue empty (every few seconds).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")},
        "django_tasks_db": {"level": "WARNING"},
    },
}


def env_weights(name: str) -> dict[str, float]:
    """Weights written "pupils_on_roll=1,percent_fsm=2"; a bad entry stops start-up with its name."""
    weights: dict[str, float] = {}
    for part in env_str(name).split(","):
        if not part.strip():
            continue
        key, _, number = part.partition("=")
        try:
            weights[key.strip()] = float(number)
        except ValueError as error:
            raise RuntimeError(f'{name}: "{part.strip()}" is not written variable=weight') from error
    return weights


# Families of similar schools: the weight of each context variable (unset ones keep their
# default, see evenbetter/benchmarks/services.py) and how many schools a family holds.
EVENBETTER_FAMILY_WEIGHTS = env_weights("EVENBETTER_FAMILY_WEIGHTS")
EVENBETTER_FAMILY_SIZE = env_int("EVENBETTER_FAMILY_SIZE", 30)


# Background jobs (evenbetter/jobs, docs/operations.md): Django's tasks API through the django-tasks
# backport, with django-tasks-db keeping the queue in this database (no broker). `manage.py jobs_worker`
# runs them; any number of workers may share the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job that fails is tried this many times in all, EVENBETTER_JOB_RETRY_SECONDS apart, then shown as failed.
EVENBETTER_JOB_ATTEMPTS = env_int("EVENBETTER_JOB_ATTEMPTS", 3)
EVENBETTER_JOB_RETRY_SECONDS = env_int("EVENBETTER_JOB_RETRY_SECONDS", 60)
# A running job whose worker has said nothing for this long is taken for dead and retried: a worker
# on another machine, or one whose process id now belongs to another process (a dead worker on the
# same machine is seen at once, by its process id).
EVENBETTER_JOB_STALE_HOURS = env_int("EVENBETTER_JOB_STALE_HOURS", 6)
# A worker takes a task, then at once claims its job: a task taken this long ago whose job is still
# not started lost its worker in between, and the job is queued again (no attempt is counted).
EVENBETTER_JOB_CLAIM_SECONDS = env_int("EVENBETTER_JOB_CLAIM_SECONDS", 300)
# The refresh after every import ends with a new early-warning run (and its alerts) when this is on.
EVENBETTER_RISK_AFTER_IMPORT = env_bool("EVENBETTER_RISK_AFTER_IMPORT", False)
# The refresh ends by drawing every school's glance ahead for system leads, and so does each night
# after the day's contact summaries (evenbetter/ops/drawn_ahead.py); off, each glance is drawn
# by its first view.
EVENBETTER_DRAW_SCHOOL_PAGES_AHEAD = env_bool("EVENBETTER_DRAW_SCHOOL_PAGES_AHEAD", True)
# What that run, and the termly one, predict (as `manage.py earlywarning score --outcome … --grade …`).
EVENBETTER_RISK_OUTCOME = env_str("EVENBETTER_RISK_OUTCOME", "inspection_below")
EVENBETTER_RISK_GRADE = env_int("EVENBETTER_RISK_GRADE", 2)
# Finished jobs, and the queue's finished task rows, are deleted (by the daily jobs_prune schedule)
# after this many days; failed ones are kept longer, to read what went wrong.
EVENBETTER_JOB_KEEP_DAYS = env_int("EVENBETTER_JOB_KEEP_DAYS", 90)
EVENBETTER_JOB_KEEP_FAILED_DAYS = env_int("EVENBETTER_JOB_KEEP_FAILED_DAYS", 365)
# Where the scheduled backup writes (one file a day, named by its date, with its manifest).
EVENBETTER_BACKUP_DIR = Path(env_str("EVENBETTER_BACKUP_DIR", str(VAR_DIR / "backups")))
# Schedules the workers fire (in TIME_ZONE), each once for each due time however many workers run:
# "daily" at a time, "weekly" on a day at a time, "termly" on each term's first day (MM-DD) at a time.
# A due time missed by more than EVENBETTER_SCHEDULE_GRACE_HOURS (no worker was running) is skipped.
EVENBETTER_SCHEDULES: list[dict[str, Any]] = [
    {"job": "practice_digest", "every": "weekly", "day": "monday", "at": "07:00"},
    {"job": "risk_run", "every": "termly", "dates": ["09-05", "01-06", "04-22"], "at": "06:00"},
    {"job": "contact_summaries", "every": "daily", "at": "00:30"},
    {"job": "backup", "every": "daily", "at": "02:00"},
    {"job": "staleness_check", "every": "daily", "at": "03:00"},
    {"job": "jobs_prune", "every": "daily", "at": "04:00"},
]
EVENBETTER_SCHEDULE_GRACE_HOURS = env_int("EVENBETTER_SCHEDULE_GRACE_HOURS", 6)

# Celebrate (evenbetter/goals): a "large improvement against the family" is a rise of at least
# this many percentile points among similar schools between an indicator's two latest periods;
# a practice item "many schools tried" is one tried by at least this many schools.
EVENBETTER_CELEBRATE_IMPROVEMENT_POINTS = env_int("EVENBETTER_CELEBRATE_IMPROVEMENT_POINTS", 25)
EVENBETTER_CELEBRATE_PRACTICE_TRIED = env_int("EVENBETTER_CELEBRATE_PRACTICE_TRIED", 5)
