"""The Celery application: tasks are discovered in each app's ``tasks.py``."""

import os

from celery import Celery, signals

from helpdesk import broker  # noqa: F401  (registers the safe filesystem:// transport)
from ops.logging import configure_worker_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Workers and beat log as the web does (JSON in production, with the request id
# of the request that queued the task); Celery configures nothing itself then.
signals.setup_logging.connect(configure_worker_logging, dispatch_uid="ops.worker_logging")
