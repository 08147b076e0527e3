"""Reading configuration from the environment, strictly.

Every setting of the project comes from an environment variable with a default
that runs the embedded stack (SQLite, filesystem broker, file email). Secrets
may also come from a file named by ``<NAME>_FILE`` (Docker and Kubernetes
secrets).
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        with open(file_path, encoding="utf-8") as handle:
            return handle.read().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated; ``<NAME>_FILE`` may name a file with one item a line (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    raw: str | None
    if file_path:
        with open(file_path, encoding="utf-8") as handle:
            raw = handle.read().replace("\n", ",")
    else:
        raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
