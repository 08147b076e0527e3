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
    clean["HELPDESK_VAR_DIR"] = os.environ["HELPDESK_VAR_DIR"]  # the run's own (tests/settings.py)
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
    assert result.stderr.startswith("Configuration error: SECRET_KEY must be set")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_hsts_covers_only_this_host_unless_the_operator_opts_in():
    show = (
        "from django.conf import settings as s;"
        " print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    default = manage("shell", "-c", show, env=PRODUCTION)
    opted_in = manage(
        "shell",
        "-c",
        show,
        env={**PRODUCTION, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1"},
    )

    assert default.stdout.splitlines()[-1] == "31536000 False False", default.stderr
    assert opted_in.stdout.splitlines()[-1] == "31536000 True True", opted_in.stderr


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


def test_the_installed_package_holds_every_app_of_ours():
    import tomllib

    from django.conf import settings
    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found = set(find_packages(str(ROOT), **config["tool"]["setuptools"]["packages"]["find"]))
    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}

    assert ours
    assert ours <= found
    assert not {name for name in found if name.split(".")[0] in ("tests", "bench")}


def test_email_links_follow_the_address_make_run_serves_unless_site_url_is_set():
    show = "from django.conf import settings; print(settings.SITE_URL)"
    served = manage("shell", "-c", show, env={**PRODUCTION, "HELPDESK_ADDRESS": "0.0.0.0:9000"})
    named = manage(
        "shell",
        "-c",
        show,
        env={**PRODUCTION, "HELPDESK_ADDRESS": "0.0.0.0:9000", "SITE_URL": "https://help.example/"},
    )

    assert served.stdout.splitlines()[-1] == "http://0.0.0.0:9000", served.stderr
    assert named.stdout.splitlines()[-1] == "https://help.example", named.stderr
