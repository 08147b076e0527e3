"""The Celery application: tasks are discovered in each app's ``tasks.py``."""

import os

from celery import Celery

from helpdesk import broker  # noqa: F401  (registers the safe filesystem:// transport)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
