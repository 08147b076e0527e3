"""A cache that goes away never turns an API call into a 500 (issue 12, part 6).

A real Redis server holds the throttle counts; the test stops it mid-way.
"""

import shutil
import socket
import subprocess
import time

import pytest

from tickets.models import Ticket

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_cache(settings, tmp_path):
    if REDIS is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield server
    server.kill()
    server.wait()


def test_the_api_answers_with_the_cache_stopped(api, alice, category, redis_cache):
    client = api(alice)
    assert client.get("/api/v1/tickets/").status_code == 200  # counted in Redis

    redis_cache.terminate()
    redis_cache.wait(10)

    listed = client.get("/api/v1/tickets/")
    opened = client.post(
        "/api/v1/tickets/",
        {"category": "technical", "subject": "Disk full", "description": "db-2 at 95%"},
        format="json",
    )

    assert listed.status_code == 200
    assert opened.status_code == 201
    assert Ticket.objects.filter(subject="Disk full").count() == 1
