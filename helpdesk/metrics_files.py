"""The folder of prometheus-client's multiprocess files, and starting it afresh.

Request metrics (ops/metrics.py) live in per-process files. The files of an
earlier server run must go before the new processes start (prometheus-client
asks for this): otherwise every restart leaves a set behind, each added to
every scrape. gunicorn (gunicorn.conf.py) and ``make run`` (helpdesk/serve.py)
both clear it at start. No Django here: gunicorn's master reads this before
any settings exist.
"""

from __future__ import annotations

import os
from pathlib import Path


def metrics_dir() -> Path:
    """The folder helpdesk/settings.py uses (the same variables, the same default)."""
    explicit = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if explicit:
        return Path(explicit)
    var = os.environ.get("HELPDESK_VAR_DIR") or Path(__file__).resolve().parent.parent / "var"
    return Path(var) / "prometheus"


def metrics_files_clear() -> int:
    """Remove an earlier run's files; returns how many went."""
    folder = metrics_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stale = list(folder.glob("*.db"))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
