import pytest
from celery import current_app


@pytest.fixture
def empty_queues():
    """Empty every queue of the shared test broker, before and after the test (the
    broker outlives tests; Celery's own purge forgets queues it routed to only)."""

    from ops.metrics import queue_names

    def empty() -> None:
        with current_app.connection_for_write() as connection:
            for name in queue_names():
                connection.default_channel.queue_purge(name)

    empty()
    yield empty
    empty()
