"""A cache that goes away never turns an API call into a 500 (issue 12, part 6).

A real Redis server holds the throttle counts (``redis_cache`` in conftest.py);
the test stops it mid-way.
"""

from tickets.models import Ticket


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
