"""The embedded broker (filesystem://) survives what killed the demo's worker."""

from __future__ import annotations

import threading
from queue import Empty

import pytest
from kombu import Connection

import helpdesk.broker  # noqa: F401  (as the Celery app does: filesystem:// is ours)


@pytest.fixture
def options(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
        "polling_interval": 0.01,
    }


def drain(options, queue_name: str, *, until: int, timeout: float = 20) -> list:
    received = []
    with Connection("filesystem://", transport_options=options) as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            while len(received) < until:
                message = queue.get(timeout=timeout)
                received.append(message.payload)
                message.ack()
        except Empty:
            pass
        queue.close()
    return received


def test_a_message_file_left_empty_by_a_killed_publisher_is_set_aside(options, tmp_path):
    with Connection("filesystem://", transport_options=options) as connection:
        queue = connection.SimpleQueue("tasks")
        queue.put({"n": 1})
        # A publisher killed between creating its file and writing it (kombu's
        # own transport creates the file first) leaves this behind.
        (tmp_path / "queue" / "1_dead.tasks.msg").write_bytes(b"")
        (tmp_path / "queue" / "2_cut.tasks.msg").write_bytes(b'{"body": "ey')
        queue.put({"n": 2})
        queue.close()

    assert drain(options, "tasks", until=3, timeout=1) == [{"n": 1}, {"n": 2}]
    assert sorted(path.name for path in (tmp_path / "unreadable").iterdir()) == [
        "1_dead.tasks.msg",
        "2_cut.tasks.msg",
    ]
    assert list((tmp_path / "queue").iterdir()) == []


def test_messages_published_while_consumers_read_all_arrive_once(options):
    publishers, per_publisher, consumers = 4, 150, 2
    total = publishers * per_publisher
    results: list[list] = [[] for _ in range(consumers)]
    errors: list[BaseException] = []

    def publish(index: int) -> None:
        try:
            with Connection("filesystem://", transport_options=options) as connection:
                queue = connection.SimpleQueue("burst")
                for n in range(per_publisher):
                    queue.put({"n": index * per_publisher + n})
                queue.close()
        except BaseException as error:  # reported below, with the thread's failure
            errors.append(error)

    def consume(index: int) -> None:
        try:
            results[index] = drain(options, "burst", until=total, timeout=3)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=consume, args=(i,)) for i in range(consumers)]
    threads += [threading.Thread(target=publish, args=(i,)) for i in range(publishers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    received = sorted(payload["n"] for result in results for payload in result)
    assert received == list(range(total))  # none lost, none twice
