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
    start = threading.Barrier(publishers)

    def publish(index: int) -> None:
        try:
            with Connection("filesystem://", transport_options=options) as connection:
                start.wait()  # all declare the queue at once, as processes starting together do
                queue = connection.SimpleQueue("burst")
                for n in range(per_publisher):
                    queue.put({"n": index * per_publisher + n})
                queue.close()
        except BaseException as error:  # noqa: BLE001 - reported below, with the thread's failure
            errors.append(error)

    def consume(index: int) -> None:
        try:
            results[index] = drain(options, "burst", until=total, timeout=3)
        except BaseException as error:  # noqa: BLE001 - reported below, with the thread's failure
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


def test_queues_declared_at_once_on_a_fresh_folder_are_all_bound(options):
    # A worker and the web processes starting together all declare their
    # queues on the same exchange; kombu's own table was read empty mid-write.
    from kombu import Exchange, Queue

    exchange = Exchange("tasks", type="direct")
    count = 20
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def declare(index: int) -> None:
        try:
            with Connection("filesystem://", transport_options=options) as connection:
                barrier.wait()
                Queue(f"q{index}", exchange, routing_key=f"q{index}")(
                    connection.default_channel
                ).declare()
        except BaseException as error:  # noqa: BLE001 - reported below, with the thread's failure
            errors.append(error)

    threads = [threading.Thread(target=declare, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    # No binding lost to another writer: a message to each queue arrives there.
    with Connection("filesystem://", transport_options=options) as connection:
        producer = connection.Producer()
        for index in range(count):
            producer.publish({"n": index}, exchange=exchange, routing_key=f"q{index}")
    for index in range(count):
        assert drain(options, f"q{index}", until=1, timeout=1) == [{"n": index}]


def test_an_exchange_table_left_empty_is_started_afresh(options, tmp_path):
    (tmp_path / "control" / "tasks.exchange").write_bytes(b"")

    with Connection("filesystem://", transport_options=options) as connection:
        queue = connection.SimpleQueue("tasks")
        queue.put({"n": 1})
        queue.close()

    assert drain(options, "tasks", until=1, timeout=1) == [{"n": 1}]


def test_messages_of_one_publisher_arrive_in_the_order_sent(options):
    # Many fall within one millisecond: the order must not depend on chance.
    with Connection("filesystem://", transport_options=options) as connection:
        queue = connection.SimpleQueue("ordered")
        for n in range(200):
            queue.put({"n": n})
        queue.close()

    assert drain(options, "ordered", until=200, timeout=1) == [{"n": n} for n in range(200)]
