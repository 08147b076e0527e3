"""The embedded broker: kombu's filesystem transport, made safe across processes.

``filesystem://`` is the default broker (no server to install). Kombu's own
channel has two faults that kill the demo's worker:

* a publisher creates the message file, then locks and writes it; a consumer
  that lists the folder in between moves and reads an empty file, and
  ``JSONDecodeError`` stops the worker (beat sending three tasks at once was
  enough);
* a publisher killed before it wrote leaves that empty file behind for good,
  so every worker started afterwards dies on it;
* the exchange tables in the control folder (which queues a message goes to)
  have the same gap: the first process to bind creates the file, then locks
  it, so a second process starting at the same moment reads it empty and
  fails with ``JSONDecodeError``; and because kombu keeps the bindings it
  has seen in one state shared by the whole process, a second thread skips
  the file altogether and publishes into a table that is not there yet, so
  its messages are dropped as undeliverable.

Here a message is written under a name no consumer looks at and renamed into
place when complete (``os.replace`` is atomic within a folder); a consumer
claims a file by renaming it into the processed folder (one rename wins), and a
file that still cannot be read is set aside in ``unreadable/`` with a log line
instead of stopping the worker. An exchange table is changed under a lock
file of its own and replaced whole, so readers never see it half-written.
Lost tasks are not a risk we add: every task is
backed by a row that the sweepers queue again.

We keep this transport rather than kombu's SQLAlchemy one, which would add
SQLAlchemy and row locks on SQLite for the same job; files under ``var/``
stay easy to look at. Production uses Redis.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import uuid
from collections.abc import Iterator
from queue import Empty
from time import monotonic_ns

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    # --- exchange tables -------------------------------------------------

    def get_table(self, exchange):
        return [filesystem.exchange_queue_t(*row) for row in self._read_table(exchange)]

    def queue_bind(self, queue, exchange=None, routing_key="", arguments=None, **kwargs):
        super().queue_bind(queue, exchange, routing_key, arguments, **kwargs)
        # Kombu skips the file when its in-memory state already has the
        # binding, but that state is shared by every connection in the
        # process: the thread that recorded it may still be writing the file,
        # and a message published now would be routed nowhere. Binding is
        # idempotent under the lock, so make sure of it here.
        exchange = exchange or "amq.direct"
        meta = self.typeof(exchange).prepare_bind(queue, exchange, routing_key, arguments)
        self._queue_bind(exchange, *meta)

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange):
            rows = [filesystem.exchange_queue_t(*r) for r in self._read_table(exchange)]
            if row not in rows:
                self._write_table(exchange, [row, *rows])

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        # The grandparent drops the in-memory state; kombu's own version
        # would rewrite the file in place.
        super(filesystem.Channel, self)._delete(
            queue, exchange, routing_key, pattern, *args, **kwargs
        )
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange):
            rows = [filesystem.exchange_queue_t(*r) for r in self._read_table(exchange)]
            if row in rows:
                rows.remove(row)
                self._write_table(exchange, rows)

    @contextlib.contextmanager
    def _table_lock(self, exchange) -> Iterator[None]:
        table = self._exchange_file(exchange)
        table.parent.mkdir(parents=True, exist_ok=True)
        with open(table.with_name(f".{table.name}.lock"), "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _read_table(self, exchange) -> list:
        table = self._exchange_file(exchange)
        try:
            rows = loads(bytes_to_str(table.read_bytes()))
        except FileNotFoundError:
            return []
        except ValueError:
            # Left empty or cut by kombu's own transport (an older run) or a
            # crash: the bindings are declared again by whoever uses them.
            logger.warning("Broker exchange table %s is unreadable; starting it afresh", table)
            return []
        except OSError as error:
            raise filesystem.ChannelError(f"Cannot read {table}") from error
        return rows if isinstance(rows, list) else []

    def _write_table(self, exchange, rows: list) -> None:
        table = self._exchange_file(exchange)
        partial = table.with_name(f".{table.name}.{uuid.uuid4().hex}.part")
        try:
            partial.write_bytes(str_to_bytes(dumps(rows)))
            os.replace(partial, table)
        except OSError as error:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise filesystem.ChannelError(f"Cannot write {table}") from error

    # --- messages --------------------------------------------------------

    def _put(self, queue, payload, **kwargs):  # type: ignore[override]
        # Consumers take files in name order: nanoseconds, zero-padded, keep the
        # order of publishing (kombu's milliseconds let two messages of the same
        # millisecond swap, ordered by their random suffix).
        name = f"{monotonic_ns():020d}_{uuid.uuid4()}.{queue}.msg"
        # A leading dot and a trailing suffix: `_get` never matches a half-written file.
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, os.path.join(self.data_folder_out, name))
        except OSError as error:
            raise filesystem.ChannelError(f"Cannot add {name!r} to the queue folder") from error

    def _get(self, queue, timeout=None):
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(self.processed_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except OSError:
                continue  # another consumer took it first
            try:
                with open(claimed, "rb") as file:
                    message = loads(bytes_to_str(file.read()))
            except (OSError, ValueError) as error:
                self._set_aside(claimed, error)
                continue
            if not self.store_processed:
                os.remove(claimed)
            return message
        raise Empty()

    def _set_aside(self, path: str, error: Exception) -> None:
        folder = os.path.join(os.path.dirname(self.processed_folder), "unreadable")
        os.makedirs(folder, exist_ok=True)
        with contextlib.suppress(OSError):
            os.replace(path, os.path.join(folder, os.path.basename(path)))
        logger.error("Broker message %s is unreadable and was set aside: %s", path, error)


class Transport(filesystem.Transport):
    Channel = Channel


# `filesystem://` in CELERY_BROKER_URL means this transport from here on.
TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
