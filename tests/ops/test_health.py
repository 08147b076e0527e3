"""Probes tell an orchestrator the truth about each part, within seconds."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta

import pytest
from celery import Celery, current_app
from django.utils import timezone

from ops.models import Heartbeat
from ops.services import heartbeat_record
from tests.workers import Worker, wait_for, worker_env

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_a_login(client):
    response = client.get("/healthz/live")
    assert (response.status_code, response.content) == (200, b"ok")


def test_ready_when_every_part_answers_and_a_worker_reported(client):
    heartbeat_record()
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"},
    }


def test_not_ready_before_any_worker_reported(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "failing: no worker has reported yet"


def test_not_ready_when_the_worker_heartbeat_is_old(client, settings):
    settings.HELPDESK_HEARTBEAT_MAX_AGE_SECONDS = 60
    Heartbeat.objects.create(name="worker", beat_at=timezone.now() - timedelta(seconds=61))
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("failing: the last worker heartbeat")


def test_not_ready_within_seconds_when_the_broker_is_down(client):
    heartbeat_record()
    real = current_app._get_current_object()
    down = Celery("broker-down", set_as_current=False)
    # broker_url alone would lose to the CELERY_BROKER_URL environment variable.
    down.conf.broker_url = down.conf.broker_write_url = "redis://127.0.0.1:1/0"
    down.conf.broker_connection_timeout = 1
    down.set_current()
    try:
        started = time.monotonic()
        response = client.get("/healthz/ready")
        elapsed = time.monotonic() - started
    finally:
        real.set_current()
        down.close()
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"].startswith("failing:")
    assert (checks["database"], checks["cache"], checks["worker"]) == ("ok", "ok", "ok")
    assert elapsed < 10


def test_not_ready_when_the_cache_is_down(client, settings):
    heartbeat_record()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("failing:")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_running_worker_makes_the_desk_ready(client):
    current_app.control.purge()
    assert client.get("/healthz/ready").status_code == 503
    worker = Worker(worker_env(smtp_port=1))
    worker.start()
    try:
        current_app.send_task("ops.heartbeat")  # what beat sends every 30 seconds
        wait_for(lambda: Heartbeat.objects.exists(), what="the worker's heartbeat")
    finally:
        worker.stop()
    assert client.get("/healthz/ready").status_code == 200


def test_probes_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    heartbeat_record()
    for path in ("/healthz", "/healthz/live", "/healthz/ready"):
        assert client.get(path).status_code == 200, path


def test_the_health_command_fails_on_an_old_heartbeat_and_passes_on_a_fresh_one():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="not ready: worker"):
        call_command("health", part=["worker"])
    heartbeat_record()
    call_command("health", part=["worker", "database"])


class RedisServer:
    """A Redis of the test's own on a free port, to stop and start for real."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    def start(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        wait_for(lambda: _answers(redis.Redis(port=self.port)), what="redis-server")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _answers(client) -> bool:
    try:
        return client.ping()
    except Exception:  # noqa: BLE001 - any failure to reach Redis means "not running here"
        return False


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_readiness_fails_when_redis_stops_and_recovers_when_it_returns(client, settings):
    redis_server = RedisServer()
    redis_server.start()
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    real = current_app._get_current_object()
    app = Celery("private-redis", set_as_current=False)
    app.conf.broker_url = app.conf.broker_write_url = url
    app.conf.broker_connection_timeout = 1
    app.set_current()
    heartbeat_record()
    try:
        assert client.get("/healthz/ready").status_code == 200

        redis_server.stop()
        started = time.monotonic()
        down = client.get("/healthz/ready")
        took = time.monotonic() - started
        checks = down.json()["checks"]
        assert down.status_code == 503
        assert checks["cache"].startswith("failing:")
        assert checks["broker"].startswith("failing:")
        assert checks["database"] == "ok"
        assert took < 10

        redis_server.start()
        wait_for(lambda: client.get("/healthz/ready").status_code == 200, timeout=20,
                 what="readiness after Redis returned")  # fmt: skip
    finally:
        real.set_current()
        app.close()
        if redis_server.process.poll() is None:
            redis_server.stop()
