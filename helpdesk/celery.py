"""The Celery application: tasks are discovered in each app's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")

# The filesystem transport (the embedded default) needs its folders to exist
# before either the web process or the worker touches the broker.
for _folder in ("data_folder_in", "data_folder_out", "processed_folder"):
    _path = (app.conf.broker_transport_options or {}).get(_folder)
    if _path:
        os.makedirs(_path, exist_ok=True)
app.autodiscover_tasks()
