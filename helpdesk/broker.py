"""The embedded broker: kombu's filesystem transport, made safe across processes.

``filesystem://`` is the default broker (no server to install). Kombu's own
channel has two faults that kill the demo's worker:

* a publisher creates the message file, then locks and writes it; a consumer
  that lists the folder in between moves and reads an empty file, and
  ``JSONDecodeError`` stops the worker (beat sending three tasks at once was
  enough);
* a publisher killed before it wrote leaves that empty file behind for good,
  so every worker started afterwards dies on it.

Here a message is written under a name no consumer looks at and renamed into
place when complete (``os.replace`` is atomic within a folder); a consumer
claims a file by renaming it into the processed folder (one rename wins), and a
file that still cannot be read is set aside in ``unreadable/`` with a log line
instead of stopping the worker. Lost tasks are not a risk we add: every task is
backed by a row that the sweepers queue again.

We keep this transport rather than kombu's SQLAlchemy one, which would add
SQLAlchemy and row locks on SQLite for the same job; files under ``var/``
stay easy to look at. Production uses Redis.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from queue import Empty
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):  # type: ignore[override]
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
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
