"""With a shared cache, sessions are read from it; an ended session ends everywhere."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def shared_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    yield
    cache.clear()


def test_a_page_reads_its_session_from_the_cache_not_the_database(shared_cache, alice):
    browser = Client()
    browser.post(reverse("login"), {"username": alice.email, "password": PASSWORD})

    with CaptureQueriesContext(connection) as queries:
        page = browser.get(reverse("tickets:list"))

    assert page.status_code == 200
    assert alice.full_name in page.content.decode()
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)


def test_logging_out_ends_the_session_for_every_process(shared_cache, alice):
    # Two clients with one cookie stand for two web processes sharing the cache.
    first = Client()
    first.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    second = Client()
    second.cookies = first.cookies
    assert second.get(reverse("tickets:list")).status_code == 200

    first.post(reverse("logout"))

    again = second.get(reverse("tickets:list"))
    assert again.status_code == 302
    assert reverse("login") in again["Location"]
