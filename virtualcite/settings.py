"""Django settings, mapped from the environment by `virtualcite.config` (see the README's table)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
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
REDIS_URL = CONFIG.redis_url

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "virtualcite",
    "chat",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTHENTICATION_BACKENDS = ["virtualcite.auth.NoDemoLoginInProductionBackend"]
LOGIN_URL = "login"

# Anonymous visitors never get a session; staff sessions live in the database.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

if REDIS_URL:
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    # The pub/sub layer: a chat message crosses Redis without ever resting in a key.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{
                "address": REDIS_URL,
                # A Redis restart leaves pooled sockets dead: retry on a fresh one for about
                # three seconds (a restart's usual length) before the socket sees an error.
                "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=10),
                "retry_on_error": [RedisConnectionError, RedisTimeoutError],
                "health_check_interval": 15,
            }]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "virtualcite.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's request logger prints the request line on errors; it carries no address, but
    # keep it at WARNING so routine 404s do not fill the log.
    "loggers": {"django.request": {"level": "ERROR"}},
}
