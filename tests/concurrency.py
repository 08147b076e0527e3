"""Firing work at one instant from many threads, each with its own database connection."""

from __future__ import annotations

import threading

from django.db import close_old_connections, connection


def run_together(*jobs, timeout: float = 60):
    """Start every job at the same instant, each in its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a job hung: a lock was never released"
    close_old_connections()
    return results
