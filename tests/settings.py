"""Settings for the test suite: the real settings, with a throwaway data directory.

The machine's own Redis is never used by accident: tests that need Redis start their own
server (tests/redis_server.py) and pass its URL explicitly.
"""

import os
import tempfile

os.environ.pop("REDIS_URL", None)
os.environ.pop("REDIS_SENTINELS", None)
os.environ.pop("REDIS_SENTINEL_MASTER", None)
os.environ.pop("REDIS_PASSWORD", None)
os.environ.pop("REDIS_SENTINEL_PASSWORD", None)
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 50)
os.environ.setdefault("VIRTUALCITE_DATA_DIR", tempfile.mkdtemp(prefix="virtualcite-test-"))

from virtualcite.settings import *  # noqa: F403
from virtualcite.settings import STORAGES

# No collectstatic in tests: serve assets from the apps' folders, as in DEBUG.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
# Each database_sync_to_async call closes its connection, so no thread of the test run still
# holds the PostgreSQL test database when pytest-django drops it.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
