"""Django settings, mapped from the environment by `virtualcite.config` (see the README's table)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from virtualcite.config import ConfigError, load_config

try:
    CONFIG = load_config(os.environ)
except ConfigError as error:
    # One clear line, not a traceback: the operator reads what to fix and nothing else.
    raise SystemExit(f"virtualcite: configuration error: {error}") from None

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = CONFIG.data_dir

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
# Where the shared Redis is (a URL, or Sentinel), or None for the in-memory default: the one
# switch every Redis user reads (virtualcite/redis_target.py builds their clients).
REDIS = CONFIG.redis
TRUSTED_PROXIES = CONFIG.trusted_proxies
OPERATOR_TOKEN = CONFIG.operator_token
MAX_SOCKETS_PER_CLIENT = CONFIG.max_sockets_per_client
SNAPSHOT_SECONDS = CONFIG.snapshot_seconds
DRAIN_SECONDS = CONFIG.drain_seconds
METRICS_ALLOWED_NETWORKS = CONFIG.metrics_allowed_networks

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "channels",
    "virtualcite",
    "virtualcite.figures",
    "virtualcite.staffing",
    "chat",
    "rooms",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "virtualcite.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "virtualcite.urls"
ASGI_APPLICATION = "virtualcite.asgi.application"

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
                "virtualcite.context_processors.language_links",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out username before any password is checked, for
# the staff login page and the admin's alike (both call `authenticate` with the request).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "virtualcite.auth.NoDemoLoginInProductionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"

# Login throttling (django-axes), by username only: the charter forbids keeping a client's
# address, so the address is never read (AXES_CLIENT_IP_CALLABLE) and no attempt is written to
# the database (the cache handler; with Redis configured the cache is shared by every process).
# Five wrong passwords lock that username for 15 minutes; a right one resets the count.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "virtualcite.auth.no_client_address"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "virtualcite.auth.locked_out_response"
AXES_VERBOSE = False  # its log lines name the lockout parameters only (the username, masked)
AXES_ENABLE_ADMIN = False  # the cache handler keeps no rows for the admin to show
# axes.W006 asks to lock out by address too: deliberately not (the charter, above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Anonymous visitors never get a session; staff sessions live in the database.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # In production TLS ends at the reverse proxy, which says so in X-Forwarded-Proto; that
    # header only reaches Django from a TRUSTED_PROXIES peer (virtualcite/proxy.py strips it
    # from anyone else), so a client cannot claim https by writing it itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # One year, Django's deployment checklist value; sent on https responses only. Not for
    # subdomains: the Cité's other sites are not ours to pin.
    SECURE_HSTS_SECONDS = 365 * 24 * 3600

# Content-Security-Policy (django-csp): everything from this origin, nothing inline. The one
# inline block, the poles' colours (data edited in the admin), carries the response's nonce.
# `connect-src 'self'` covers the page's own ws:// or wss:// origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # data: for the empty favicon of base.html
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    },
}

LANGUAGE_CODE = CONFIG.language_code
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "virtualcite" / "locale"]
TIME_ZONE = CONFIG.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# In DEBUG nothing is collected (whitenoise reads the apps' folders), so there is no root.
STATIC_ROOT = None if DEBUG else DATA_DIR / "static"
# In DEBUG whitenoise serves straight from the apps' folders, so `make run` needs no collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

if REDIS:
    from virtualcite.redis_target import cache_settings, channel_layer_host

    # The pub/sub layer: a chat message crosses Redis without ever resting in a key
    # (channels_redis's, publishes batched: virtualcite/realtime/relay_layer.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "virtualcite.realtime.relay_layer.RelayPubSubChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(REDIS)]},
        }
    }
    # Shared by every process, so the login throttle counts attempts across all of them.
    CACHES = {"default": cache_settings(REDIS)}
else:
    # Channels' in-memory layer, its expiry sweep once a second (memory_layer.py says why).
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "virtualcite.realtime.memory_layer.EmbeddedChannelLayer"}
    }
    # axes.W001 warns that a per-process cache miscounts across processes: without Redis
    # the service is one process (docs/architecture.md), so Django's local cache counts right.
    SILENCED_SYSTEM_CHECKS.append("axes.W001")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "virtualcite.logs.JsonFormatter"}},
    # Daphne's own lines name the client's address (at DEBUG on every request): masked here.
    "filters": {"no_client_address": {"()": "virtualcite.logs.NoClientAddress"},
                # The request's or the socket's log id on every line logged handling it.
                "log_context": {"()": "virtualcite.logs.LogContext"},
                "probe_answers": {"()": "virtualcite.logs.ProbeAnswers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                             "filters": ["no_client_address", "log_context",
                                         "probe_answers"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's request logger prints the request line on errors; it carries no address, but
    # keep it at WARNING so routine 404s do not fill the log.
    "loggers": {"django.request": {"level": "ERROR"}},
}
