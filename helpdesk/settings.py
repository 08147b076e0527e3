"""The one settings module. Every value comes from the environment (see README).

With no variable set, the embedded defaults apply: SQLite, Celery's filesystem
transport, the file email backend and local media, all under ``var/``.

Long sections that stand on their own (the API, attachments, security headers,
Celery's routes and schedule) live in ``helpdesk/settings_parts/``; each of
their settings is assigned here by name, so this file still lists them all.
"""

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from helpdesk.env import env_bool, env_int, env_list, env_str
from helpdesk.settings_parts import api, attachments, databases, headers, schedule
from ops.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HELPDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (or SECRET_KEY_FILE) when DEBUG is off. For a local try-out"
            " set DEBUG=1; in production use a long random value, for example the output of"
            " python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Links in emails: where `make run` serves (HELPDESK_ADDRESS) unless set.
SITE_URL = env_str("SITE_URL", "http://" + env_str("HELPDESK_ADDRESS", "127.0.0.1:8000")).rstrip(
    "/"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "tickets",
    "notifications",
    "inbound",
    "outbox",
    "webhooks",
    "ops",
    "privacy",
    "reports",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (ops/logging.py).
    "ops.middleware.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policies too.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # django-csp's, building the settings' policy once (helpdesk/csp.py).
    "helpdesk.csp.CSPMiddleware",
    # Health probes are answered here, with the headers and metrics above and
    # none of the sessions, auth, two-factor, CSRF or lockout below.
    "ops.middleware.ProbeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language) until a user chooses one on the profile.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    # The user's own language and time zone (accounts/zones.py).
    "accounts.middleware.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # X-RateLimit-* on every answer the API's throttle counted (tickets/api/throttling.py).
    "tickets.api.throttling.RateLimitHeadersMiddleware",
    # Requests and latencies per view (django-prometheus); before axes, so it
    # counts the lockout page axes makes.
    "ops.middleware.MetricsAfterMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% translate %} and {% blocktranslate %} in every template without a load.
            "builtins": ["django.templatetags.i18n"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another; a streaming
# replica for read-only requests when DATABASE_REPLICA_URL names one
# (settings_parts/databases.py, helpdesk/replicas.py).
DATABASES = databases.databases(VAR_DIR)
# PostgreSQL compiles a query whose *estimated* cost passes a threshold; a
# page's small query over a mis-estimated subquery spent 47 ms compiling to run
# for 4 at a million tickets. Our sessions turn JIT off when they connect
# (ops/database.py); DATABASE_JIT=1 leaves it to the server.
DATABASE_JIT = env_bool("DATABASE_JIT", False)
# The longest a statement of ours may run, in seconds (0: the server's
# setting). gunicorn.conf.py makes it 30 for the web server, whose threads have
# no per-request timeout; workers and commands keep the server's.
DATABASE_STATEMENT_TIMEOUT_SECONDS = env_int("DATABASE_STATEMENT_TIMEOUT_SECONDS", 0)
if "replica" in DATABASES:
    if not env_str("CACHE_URL"):
        # An API client's pin after a write lives in the cache: every process must see it.
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs CACHE_URL (a shared cache).")
    REPLICA_DATABASES = ["replica"]
    DATABASE_ROUTERS = ["helpdesk.replicas.ReplicaRouter"]
    MULTIDB_PINNING_COOKIE = "helpdesk_primary"
    MULTIDB_PINNING_SECONDS = databases.replica_pin_seconds()
    # Before anything reads: the session, the user, the view.
    MIDDLEWARE.insert(1, "helpdesk.replicas.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account and address before any password check.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes): failures are counted per account *and* address, so
# an attacker cannot lock a customer out from elsewhere by guessing from one place.
AXES_FAILURE_LIMIT = env_int("HELPDESK_LOGIN_MAX_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HELPDESK_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and an account is paused everywhere once failures from all addresses reach
# this, so rotating addresses does not give an attacker unlimited guesses.
AXES_HANDLER = "accounts.backends.LoginLockout"
HELPDESK_LOGIN_ACCOUNT_MAX_FAILURES = env_int("HELPDESK_LOGIN_ACCOUNT_MAX_FAILURES", 30)
AXES_USERNAME_CALLABLE = "accounts.backends.login_name"
AXES_RESET_ON_SUCCESS = True
HELPDESK_PROXY_COUNT = env_int("HELPDESK_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.backends.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Two-factor authentication (django-otp TOTP): anyone may turn it on; agents and
# support admins must, unless this is off (it is off by default only under DEBUG).
HELPDESK_REQUIRE_2FA_FOR_STAFF = env_bool("HELPDESK_REQUIRE_2FA_FOR_STAFF", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Helpdesk")

LANGUAGE_CODE = "en"
# English and French are complete (locale/fr/LC_MESSAGES/django.po, compiled .mo committed).
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Files: local disk under var/media, or an S3-compatible bucket when one is named.
S3_BUCKET = env_str("AWS_STORAGE_BUCKET_NAME")
DEFAULT_STORAGE: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # private objects; files are served through the app
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: files under var/mail/ unless EMAIL_URL-style settings name SMTP.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Helpdesk <support@helpdesk.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: the filesystem transport under var/ (helpdesk/broker.py) unless
# CELERY_BROKER_URL names Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    # The transport does not create its folders; web and worker both need them.
    for _folder in ("queue", "processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
# Where tasks go, what beat runs, and how long publishing waits on a broker
# that is down (settings_parts/schedule.py).
CELERY_BEAT_SCHEDULE = schedule.CELERY_BEAT_SCHEDULE
REPORTS_REFRESH_EVERY_SECONDS = schedule.REPORTS_REFRESH_EVERY_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = schedule.CELERY_TASK_PUBLISH_RETRY_POLICY
CELERY_TASK_ROUTES = schedule.CELERY_TASK_ROUTES
HELPDESK_SLA_WARNING_LEAD = schedule.HELPDESK_SLA_WARNING_LEAD  # service levels (tickets.sla)
HELPDESK_SLA_AT_RISK = schedule.HELPDESK_SLA_AT_RISK
HELPDESK_EXPORT_DAYS = schedule.HELPDESK_EXPORT_DAYS  # data exports' links (privacy.export)
# /healthz/ready fails when the worker's last heartbeat is older than this.
HELPDESK_HEARTBEAT_MAX_AGE_SECONDS = env_int("HELPDESK_HEARTBEAT_MAX_AGE_SECONDS", 180)
# A replica this far behind the primary is not read (reads go to the primary;
# /healthz/ready says "degraded"); keep it at or below DATABASE_REPLICA_PIN_SECONDS,
# which read-your-writes relies on. Its health is probed at most this often per
# process (ops/replica.py).
HELPDESK_REPLICA_MAX_LAG_SECONDS = env_int("HELPDESK_REPLICA_MAX_LAG_SECONDS", 5)
HELPDESK_REPLICA_CHECK_SECONDS = env_int("HELPDESK_REPLICA_CHECK_SECONDS", 3)
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# The cache: per process unless CACHE_URL names Redis (then shared by every
# process, which the API's per-user throttling needs behind several workers).
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A cache that is down answers within a second, never hangs a request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Who has a ticket open (issue 18's collision warnings): seen by every web
    # process, so Redis when CACHE_URL names it, else files under var/ (the
    # embedded gunicorn runs several workers; a per-process cache would show
    # each agent only the colleagues served by the same worker).
    "presence": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "presence",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "presence"),
            # Entries live under a minute; culling keeps the folder small.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}

# The REST API (issue 7): session (with CSRF) or personal tokens, per-user
# throttling, the OpenAPI schema (settings_parts/api.py).
REST_FRAMEWORK = api.REST_FRAMEWORK
SPECTACULAR_SETTINGS = api.SPECTACULAR_SETTINGS
HELPDESK_API_RATE = api.HELPDESK_API_RATE
HELPDESK_API_ORGANIZATION_RATE = api.HELPDESK_API_ORGANIZATION_RATE

# The dashboards' figures are kept this long in the shared cache, under the
# rollups' watermark (reports.figures.report_figures_cached); 0 turns it off.
REPORTS_CACHE_SECONDS = env_int("REPORTS_CACHE_SECONDS", 60)

# Helpdesk rules (DESIGN.md).
HELPDESK_AUTO_CLOSE_AFTER = timedelta(hours=env_int("HELPDESK_AUTO_CLOSE_AFTER_HOURS", 72))
HELPDESK_PAGE_SIZE = env_int("HELPDESK_PAGE_SIZE", 25)
# Customer satisfaction (issue 19): support tiers whose organisations are never
# asked (each organisation can also turn it off in the admin), and how long an
# emailed rating link stays good.
HELPDESK_SATISFACTION_OFF_TIERS = env_list("HELPDESK_SATISFACTION_OFF_TIERS", [])
HELPDESK_SATISFACTION_LINK_MAX_AGE = timedelta(
    days=env_int("HELPDESK_SATISFACTION_LINK_MAX_AGE_DAYS", 14)
)
# Attachments: types, sizes, inspection and quotas (settings_parts/attachments.py).
HELPDESK_ATTACHMENT_TYPES = attachments.HELPDESK_ATTACHMENT_TYPES
HELPDESK_ATTACHMENT_MAX_BYTES = attachments.HELPDESK_ATTACHMENT_MAX_BYTES
HELPDESK_ATTACHMENT_IMAGE_MAX_BYTES = attachments.HELPDESK_ATTACHMENT_IMAGE_MAX_BYTES
HELPDESK_ATTACHMENT_MAX_FILES = attachments.HELPDESK_ATTACHMENT_MAX_FILES
HELPDESK_ATTACHMENT_MAX_PIXELS = attachments.HELPDESK_ATTACHMENT_MAX_PIXELS
HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES = attachments.HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES
HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES = (
    attachments.HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES
)
HELPDESK_ATTACHMENT_ARCHIVE_MAX_RATIO = attachments.HELPDESK_ATTACHMENT_ARCHIVE_MAX_RATIO
HELPDESK_ATTACHMENT_QUOTA_USER_BYTES = attachments.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES
HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES = attachments.HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES
# Stored files are readable by the app's user and group only (local disk storage).
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Django refuses bodies above this before any view runs: 10 files of 20 MB and the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file, not memory
# Password reset emails: per address (counted in the outbox) and per client address.
# A filtered ticket list (a search, say) counts no further than this: "1000+".
HELPDESK_LIST_COUNT_CAP = env_int("HELPDESK_LIST_COUNT_CAP", 1000)
# Issue 18: new tickets go to the agents marked available, in turn ("round_robin")
# or to the one holding the fewest unsolved tickets ("least_active"); "off" by default.
# Nobody is given more than HELPDESK_AUTO_ASSIGN_CAP unsolved tickets this way.
HELPDESK_AUTO_ASSIGN = env_str("HELPDESK_AUTO_ASSIGN", "off").strip().lower() or "off"
if HELPDESK_AUTO_ASSIGN not in ("off", "round_robin", "least_active"):
    raise ImproperlyConfigured("HELPDESK_AUTO_ASSIGN is off, round_robin or least_active.")
HELPDESK_AUTO_ASSIGN_CAP = env_int("HELPDESK_AUTO_ASSIGN_CAP", 20)
# A search the planner expects to match at least this many tickets shows the
# planner's estimate ("about 12,000") instead of counting (PostgreSQL).
HELPDESK_SEARCH_EXACT_BELOW = env_int("HELPDESK_SEARCH_EXACT_BELOW", 200)
HELPDESK_PASSWORD_RESETS_PER_HOUR = env_int("HELPDESK_PASSWORD_RESETS_PER_HOUR", 3)
HELPDESK_PASSWORD_RESETS_PER_CLIENT_HOUR = env_int("HELPDESK_PASSWORD_RESETS_PER_CLIENT_HOUR", 20)
# Every reset request takes at least this long, so its time does not tell whether
# the address has an account.
HELPDESK_PASSWORD_RESET_MIN_MS = env_int("HELPDESK_PASSWORD_RESET_MIN_MS", 400)
HELPDESK_PIN_MAX_FAILURES = env_int("HELPDESK_PIN_MAX_FAILURES", 5)
HELPDESK_PIN_LOCKOUT_MINUTES = env_int("HELPDESK_PIN_LOCKOUT_MINUTES", 15)
HELPDESK_REPLY_TO = env_str("HELPDESK_REPLY_TO", DEFAULT_FROM_EMAIL)
HELPDESK_EMAIL_MAX_ATTEMPTS = env_int("HELPDESK_EMAIL_MAX_ATTEMPTS", 6)
HELPDESK_EMAIL_RETRY_BASE_SECONDS = env_int("HELPDESK_EMAIL_RETRY_BASE_SECONDS", 60)
HELPDESK_EMAIL_LEASE_SECONDS = env_int("HELPDESK_EMAIL_LEASE_SECONDS", 300)
HELPDESK_OUTBOX_GRACE_SECONDS = env_int("HELPDESK_OUTBOX_GRACE_SECONDS", 60)
# Webhooks (webhooks/): targets must be https and public addresses; tests turn
# on plain http and loopback receivers. Never turn these on in production.
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", False)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
# The ports a target may name (comma-separated): https's own and its usual alternative.
WEBHOOKS_ALLOWED_PORTS = [int(port) for port in env_list("WEBHOOKS_ALLOWED_PORTS", ["443", "8443"])]
# A host name's lookup, at registration and before each send, waits at most this long.
WEBHOOKS_DNS_TIMEOUT_SECONDS = env_int("WEBHOOKS_DNS_TIMEOUT_SECONDS", 3)
WEBHOOKS_CONNECT_TIMEOUT_SECONDS = env_int("WEBHOOKS_CONNECT_TIMEOUT_SECONDS", 3)
WEBHOOKS_READ_TIMEOUT_SECONDS = env_int("WEBHOOKS_READ_TIMEOUT_SECONDS", 10)
# The whole POST, however slowly the receiver answers (well under the lease,
# HELPDESK_EMAIL_LEASE_SECONDS, after which another worker may take the row).
WEBHOOKS_TOTAL_TIMEOUT_SECONDS = env_int("WEBHOOKS_TOTAL_TIMEOUT_SECONDS", 20)
# Hooks one organisation may register (each costs a row per event).
WEBHOOKS_PER_ORGANIZATION = env_int("WEBHOOKS_PER_ORGANIZATION", 10)
# Ten attempts from 30 seconds apart, doubling: the last about four hours after the first.
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 10)
WEBHOOKS_RETRY_BASE_SECONDS = env_int("WEBHOOKS_RETRY_BASE_SECONDS", 30)
# After a rotation, deliveries are signed with the old secret too for this long.
WEBHOOKS_SECRET_OVERLAP_HOURS = env_int("WEBHOOKS_SECRET_OVERLAP_HOURS", 24)
# Test deliveries one hook may be sent (a rate of the API's form: count/period).
WEBHOOKS_TEST_RATE = env_str("WEBHOOKS_TEST_RATE", "5/minute")
# A hook is disabled after this many failed attempts in a row spanning at least these hours.
WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("WEBHOOKS_DISABLE_AFTER_FAILURES", 20)
WEBHOOKS_DISABLE_AFTER_HOURS = env_int("WEBHOOKS_DISABLE_AFTER_HOURS", 12)
WEBHOOKS_LOG_DAYS = env_int("WEBHOOKS_LOG_DAYS", 30)
# The email channel (inbound/): tickets by mail, at most this many per sender an hour.
HELPDESK_EMAIL_TICKETS_PER_HOUR = env_int("HELPDESK_EMAIL_TICKETS_PER_HOUR", 10)
# Believing inbound mail (inbound/authenticity.py). Results of these authserv-ids
# (our receiving MTA's) count as a pass; DMARC failures count from any header.
HELPDESK_EMAIL_AUTHSERV_IDS = [
    value.lower() for value in env_list("HELPDESK_EMAIL_AUTHSERV_IDS", [])
]
# Quarantine mail without a trusted DMARC pass or aligned DKIM pass.
HELPDESK_EMAIL_REQUIRE_AUTH = env_bool("HELPDESK_EMAIL_REQUIRE_AUTH", False)
# Verify DKIM signatures here (dkimpy, needs DNS) when the MTA adds no results.
HELPDESK_EMAIL_VERIFY_DKIM = env_bool("HELPDESK_EMAIL_VERIFY_DKIM", False)
# Let support staff reply by email (only with DKIM aligned to their address).
HELPDESK_EMAIL_AGENT_REPLIES = env_bool("HELPDESK_EMAIL_AGENT_REPLIES", False)
# The IMAP mailbox beat polls (off while HELPDESK_IMAP_HOST is empty).
HELPDESK_IMAP_HOST = env_str("HELPDESK_IMAP_HOST")
HELPDESK_IMAP_PORT = env_int("HELPDESK_IMAP_PORT", 0)
HELPDESK_IMAP_SECURITY = env_str("HELPDESK_IMAP_SECURITY", "ssl")
HELPDESK_IMAP_USER = env_str("HELPDESK_IMAP_USER")
HELPDESK_IMAP_PASSWORD = env_str("HELPDESK_IMAP_PASSWORD")
HELPDESK_IMAP_FOLDER = env_str("HELPDESK_IMAP_FOLDER", "INBOX")
HELPDESK_IMAP_DONE_FOLDER = env_str("HELPDESK_IMAP_DONE_FOLDER")
HELPDESK_IMAP_CA_FILE = env_str("HELPDESK_IMAP_CA_FILE")
HELPDESK_IMAP_TIMEOUT_SECONDS = env_int("HELPDESK_IMAP_TIMEOUT_SECONDS", 30)
# More mailboxes, as URLs: imaps://user:password@host/INBOX?done=Handled&recipient=high@…
HELPDESK_IMAP_URLS = env_list("HELPDESK_IMAP_URLS", [])

# Security: on by default, relaxed only for local DEBUG serving over plain HTTP.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# With a shared cache, a page reads its session from it, not from the database
# (written to both; a cache outage falls back to the database). A cache of each
# process's own would keep a session another process ended, so not then.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
# Subdomains and the browsers' preload list commit a whole domain to HTTPS for
# a long time: only when the operator asks.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# check --deploy warns about the two above; leaving them off is the safe default.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# Load balancers probe, and Prometheus scrapes, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$", r"^metrics$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy and Permissions-Policy on every response
# (settings_parts/headers.py).
CONTENT_SECURITY_POLICY = headers.CONTENT_SECURITY_POLICY
PERMISSIONS_POLICY = headers.PERMISSIONS_POLICY
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs (ops/logging.py): one JSON object a line in production, text under
# DEBUG; every line written during a request, or a task it queued, carries the
# request's id (X-Request-ID).
HELPDESK_LOG_FORMAT = env_str("HELPDESK_LOG_FORMAT", "text" if DEBUG else "json")
if HELPDESK_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(
        f"HELPDESK_LOG_FORMAT must be json or text; got {HELPDESK_LOG_FORMAT!r}"
    )
LOGGING = logging_config(
    json_lines=HELPDESK_LOG_FORMAT == "json", level=env_str("LOG_LEVEL", "INFO")
)

# Prometheus at /metrics (ops/metrics.py): for these networks (the client address
# as HELPDESK_PROXY_COUNT reads it), or anyone with this bearer token.
HELPDESK_METRICS_TOKEN = env_str("HELPDESK_METRICS_TOKEN")
HELPDESK_METRICS_ALLOWED_NETWORKS = env_list(
    "HELPDESK_METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"]
)
for _network in HELPDESK_METRICS_ALLOWED_NETWORKS:
    try:
        ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"HELPDESK_METRICS_ALLOWED_NETWORKS: {_network!r} is not an address or network"
        ) from None
# Request counters live in each web process; prometheus-client's multiprocess
# mode keeps them in files here so that a scrape adds up every gunicorn worker
# (gunicorn.conf.py empties it at start). Set before prometheus_client is imported.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "prometheus"))
os.environ["PROMETHEUS_MULTIPROC_DIR"] = PROMETHEUS_MULTIPROC_DIR
Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
# Fewer latency buckets than django-prometheus's 17: every view has each of them.
PROMETHEUS_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))
