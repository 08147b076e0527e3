"""`make run`'s worker consumes every queue the tasks are routed to."""

from django.conf import settings

from helpdesk.serve import commands


def test_the_embedded_worker_consumes_every_routed_queue():
    worker = commands()["worker"]

    queues = set(worker[worker.index("--queues") + 1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= queues
    assert "--beat" in worker
