"""Settings for the livelihood-project vote system.

One module, read from the environment (django-environ). Every value has a default
that runs with nothing installed: an SQLite file and Celery in eager mode. Production
differs by environment only (see .env.example and deploy/).
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The key signs sessions and forms, keys the ballot receipts and (unless AUDIT_LOG_KEY is
# set) the decision log. Only DEBUG mode (`make run`) may fall back to a built-in one;
# production refuses to start without its own (deploy/production.env.example).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-for-make-run-only"
SECRET_KEY = env.str("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production needs its own key (see "
        "deploy/production.env.example); `make run` makes one of its own in var/secret_key."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The key of the decision log's hash chain. Kept out of the database, so that whoever can
# write the tables cannot forge an entry; by default derived from SECRET_KEY.
AUDIT_LOG_KEY = env.str("AUDIT_LOG_KEY", default="") or f"audit-log:{SECRET_KEY}"
# How hard the tellers' passphrases are stretched (Argon2id): "moderate" (about half a
# second and 256 MiB per key, the default) or "interactive" (a tenth of that).
BALLOT_KEY_STRENGTH = env.str("BALLOT_KEY_STRENGTH", default="moderate")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "guardian",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "viewflow",
    "viewflow.workflow",
    "core",
    "flows",
    "permissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.idle_sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "permissions.held.HeldPermissionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last: turns a lock-out noticed during the request into its answer (429)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    # Only the statements core/prepared.py prepares are planned once per connection: a
    # generic plan from the first run (their plans do not depend on the values). Django's
    # own statements are not prepared, and this setting does not touch them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c plan_cache_mode=force_generic_plan"
    )
    if env.bool("DATABASE_POOL", default=False):
        # psycopg's connection pool, one per process (gunicorn worker, Celery child): a
        # request borrows a connection instead of opening one. Size it so that every
        # process's max_size added up stays under PostgreSQL's max_connections (SCALING.md).
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
# The hot reads and the ballot's write run as prepared statements (core/prepared.py)
# where connections outlive a request (the pool, or CONN_MAX_AGE); on a connection made
# for one request, preparing would only add a round trip.
# Behind an external pooler in transaction mode, PREPARED_STATEMENTS=0.
PREPARED_STATEMENTS = DATABASES["default"]["ENGINE"].endswith("postgresql") and env.bool(
    "PREPARED_STATEMENTS",
    default=bool(
        DATABASES["default"].get("OPTIONS", {}).get("pool")
        or DATABASES["default"].get("CONN_MAX_AGE", 0) != 0
    ),
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # first: refuses a locked-out username and address before any password is checked
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lock-out (django-axes) on the login page, the admin and the API: ten wrong
# passwords lock that username from that address for a cool-off. Keyed on both, so that
# nobody can lock the deputies out from elsewhere on the morning of a vote; the lock-out
# goes on the decision log (core/signals.py). Attempts are rows in the database, shared
# by every process.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# more wrong passwords during the lock do not make it longer: it ends after the cool-off
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "public:index"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "core" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded and generated files are never served as /media/: each is read through a view
# that checks the reader's scope (core/views/files.py). Behind nginx that view answers
# with X-Accel-Redirect to FILES_ACCEL_PREFIX, an `internal` location; empty means the
# view sends the file itself (the embedded default).
MEDIA_URL = "/media/"  # never routed: nothing under MEDIA_ROOT is public
FILES_ACCEL_PREFIX = env.str("FILES_ACCEL_PREFIX", default="")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Uploads: what an office may attach to a case.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_EXTENSIONS = env.list(
    "ATTACHMENT_EXTENSIONS",
    default=["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "ofd", "txt"],
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: Redis as broker and result store; eager (in-process) when no REDIS_URL is set,
# so the embedded default runs with nothing else installed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any countdown we schedule, so a late-acked task is not redelivered early.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=12 * 3600),
    # How often a worker looks for messages a lost worker left unacknowledged past that
    # timeout: every interval × throttle seconds (kombu's defaults: 10 × 10).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A broker that is down must not hold up a user's request (the outbox keeps the message).
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task that hangs (an SMTP server that never answers) is stopped rather than holding a
# worker for ever; exports set their own, longer limits.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The calendar (core/services/calendar.py). Beat's schedule rows are in the database
# (`manage.py setup_schedule`). CALENDAR_TODAY (an ISO date) moves the calendar's clock
# for a demonstration; empty means today.
CALENDAR_TODAY = env.str("CALENDAR_TODAY", default="")
# Longest back-off of a retried task: must stay below the visibility timeout above.
CALENDAR_RETRY_MAX_SECONDS = env.int("CALENDAR_RETRY_MAX_SECONDS", default=600)
OUTBOX_GRACE_SECONDS = env.int("OUTBOX_GRACE_SECONDS", default=5)
OUTBOX_DRAIN_BATCH = env.int("OUTBOX_DRAIN_BATCH", default=200)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# Once-only keys (SentKey) are kept this long, then pruned by the outbox drain.
SENT_KEY_KEEP_DAYS = env.int("SENT_KEY_KEEP_DAYS", default=90)
SMS_BACKEND = env.str("SMS_BACKEND", default="core.services.notifications.LoggingSmsBackend")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@livelihood.invalid")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds; a hung server fails the send

REST_FRAMEWORK = {
    # Sessions for the browser; other systems use their API tokens (v1). HTTP Basic is off.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # API v1 (core/api/v1/): per token, per session user, per client address; counted in
    # the cache (Redis in production), so the limits hold across every worker process.
    "DEFAULT_THROTTLE_RATES": {
        "api-token": env.str("API_THROTTLE_TOKEN", default="600/min"),
        "api-user": env.str("API_THROTTLE_USER", default="300/min"),
        "api-address": env.str("API_THROTTLE_ADDRESS", default="900/min"),
        # a hall of deputies casting through one address: several requests each
        "api-ballot-address": env.str("API_THROTTLE_BALLOT_ADDRESS", default="6000/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Livelihood-project vote API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "The JSON API for the systems around the case management: hotlines, liaison-station "
        "apps, deputies' duty apps, dashboards. Version 1 lives under /api/v1/; /api/ stays "
        "for one release. Authenticate with a browser session or `Authorization: Bearer "
        '<token>`. Every error is `{"error": {"code", "message", "field", '
        '"fields"}}`, the message in the Accept-Language asked for.'
    ),
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: offices' intranets reach no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SuggestionStatusEnum": "core.models.project.SuggestionStatus",
        "SessionStatusEnum": "core.models.voting.SessionStatus",
        "DeliveryStatusEnum": "core.models.api.DeliveryStatus",
        "WebhookEventEnum": "core.models.api.WebhookEvent",
        "SessionKindEnum": "core.models.voting.SessionKind",
        "MeetingKindEnum": "core.models.meetings.MeetingKind",
        "MeetingStatusEnum": "core.models.meetings.MeetingStatus",
        "InspectionKindEnum": "core.models.inspections.InspectionKind",
        "ChangeKindEnum": "core.models.changes.ChangeKind",
        "ChangeStatusEnum": "core.models.changes.ChangeStatus",
    },
    # `check --deploy` is about the deployment's security; the schema's completeness (a
    # few APIViews without a serializer) is the API's own matter.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# Webhooks (core/services/webhooks.py): a receiver's answer is awaited this long; failed
# deliveries are retried after 30 s, 1 min, 2 min, … at most WEBHOOK_RETRY_MAX_SECONDS
# apart, and given up after WEBHOOK_GIVE_UP_HOURS.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=1800)
WEBHOOK_GIVE_UP_HOURS = env.int("WEBHOOK_GIVE_UP_HOURS", default=72)
WEBHOOK_MAX_SUBSCRIPTIONS = env.int("WEBHOOK_MAX_SUBSCRIPTIONS", default=20)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# How many reverse proxies (nginx) stand in front of the app: the public form's per-address
# limits then read the client's address from X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# -- HTTPS and the browser (production values: deploy/production.env.example) ---------
# nginx terminates TLS and says so in X-Forwarded-Proto.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
CSRF_COOKIE_HTTPONLY = True
# Shared office computers: a session ends with the browser, and after an idle hour (renewed
# at most once a minute: core/idle_sessions.py). Kept in the database only: a session
# store that reads the cache first would fail every page while the cache is down, and a
# copy left in a cache that missed a logout's delete would log the user in again.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=3600)
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content security policy (django-csp): scripts only from our own static files (no
# inline script or handler anywhere); inline style attributes are allowed (bar widths).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # In eager mode (the embedded default) every task would log a line into the page
        # request or command that ran it; a real worker keeps its per-task lines.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}
