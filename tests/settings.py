"""The test run: helpdesk.settings as it is, with a key and a faster hasher.

Only what a test run needs differs; everything else (database, broker) still
comes from the environment, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# A folder of the run's own, removed when the run ends (tests/conftest.py);
# worker processes the tests start are handed the same folder.
TEST_VAR_DIR_IS_OURS = "HELPDESK_VAR_DIR" not in os.environ
if TEST_VAR_DIR_IS_OURS:
    os.environ["HELPDESK_VAR_DIR"] = tempfile.mkdtemp(prefix="helpdesk-test-")

from helpdesk.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests speak plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing

# A real Celery worker process (tests/notifications/test_delivery.py) must see
# the test database: on SQLite that means a file, not memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# Staff log in without a second factor unless a test turns the requirement on.
HELPDESK_REQUIRE_2FA_FOR_STAFF = False
# Password reset requests answer at once (a test turns the time floor on).
HELPDESK_PASSWORD_RESET_MIN_MS = 0
