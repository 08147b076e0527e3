"""gunicorn reads this file from the working directory, however it is started
(the image, docker-compose, the CI smoke); command-line options still win.

Request metrics (ops/metrics.py) live in per-process files of
prometheus-client's multiprocess mode; the files of an earlier server run go
before the new workers start (helpdesk/metrics_files.py).
"""

import os

from helpdesk.metrics_files import metrics_files_clear

# Threaded workers: a sync worker busy with one response cannot tell the master
# it is alive, so a streamed download longer than the 30 s timeout (a CSV
# export of every ticket runs for minutes at a million) was killed mid-file.
# A gthread worker keeps beating while a thread streams, and serves the
# worker's other threads meanwhile. GUNICORN_THREADS sets how many (4).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Nor does a thread have a timeout of its own: a runaway query would hold the
# thread and its database connection for ever. The web server's statements
# stop after 30 s (helpdesk/settings.py); DATABASE_STATEMENT_TIMEOUT_SECONDS
# in the environment says otherwise, 0 leaving it to the server.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_SECONDS", "30")


def on_starting(server):
    """In the master, before any worker exists: start the counts afresh."""
    metrics_files_clear()


def _json_logs() -> bool:
    """As helpdesk/settings.py decides: HELPDESK_LOG_FORMAT, else JSON unless DEBUG."""
    chosen = os.environ.get("HELPDESK_LOG_FORMAT", "").strip().lower()
    if chosen:
        return chosen == "json"
    return os.environ.get("DEBUG", "").strip().lower() not in ("1", "true", "yes", "on")


if _json_logs():
    # gunicorn's own lines as JSON too, like the app's (ops/logging.py): one
    # object a line on stdout and stderr. The access line's fields, request id
    # included, are read from gunicorn's atoms by ops.logging.AccessLogFields.
    access_log_format = "%(m)s %(U)s %(s)s"
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"access": {"()": "ops.logging.AccessLogFields"}},
        "formatters": {
            "json": {
                "()": "ops.logging.JsonFormatter",
                "fmt": ["asctime", "levelname", "name", "message"],
            }
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["access"],
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }
