"""Production settings are safe, and configuration errors are loud."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 64 + "production-like-secret-key-for-the-check",
    "ALLOWED_HOSTS": "helpdesk.example.com",
    "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
}


def manage(*args, env):
    dropped = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean["HELPDESK_VAR_DIR"] = os.environ.get("HELPDESK_VAR_DIR", "/tmp/helpdesk-check")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_is_fatal_outside_debug():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_is_refused():
    result = manage("check", env={**PRODUCTION, "DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_secrets_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("file-secret-" + "0123456789abcdef" * 4 + "\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    env["SECRET_KEY_FILE"] = str(secret)

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr


def test_production_requires_two_factor_for_staff_and_debug_does_not():
    show = "from django.conf import settings; print(settings.HELPDESK_REQUIRE_2FA_FOR_STAFF)"

    production = manage("shell", "-c", show, env=PRODUCTION)
    development = manage("shell", "-c", show, env={**PRODUCTION, "DEBUG": "1"})

    assert production.stdout.strip().splitlines()[-1] == "True", production.stderr
    assert development.stdout.strip().splitlines()[-1] == "False", development.stderr


def test_a_list_can_come_from_a_file_one_item_a_line(tmp_path, monkeypatch):
    from helpdesk.env import env_list

    secrets = tmp_path / "mailboxes"
    secrets.write_text("imaps://a:p%2C1@h/INBOX\nimaps://b:p2@h/INBOX\n")
    monkeypatch.setenv("HELPDESK_IMAP_URLS_FILE", str(secrets))

    assert env_list("HELPDESK_IMAP_URLS", []) == [
        "imaps://a:p%2C1@h/INBOX",
        "imaps://b:p2@h/INBOX",
    ]
