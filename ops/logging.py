"""Log lines an operator can follow: one request id from the web request to its tasks.

Every request gets an id (``ops.middleware.RequestIdMiddleware``); while the
request runs it sits in a context variable, so every log line written then
carries it, whoever writes it (Django, django-axes, our services). A task
published meanwhile carries it in a message header, and the worker puts it
back in the context variable while the task runs, so the worker's lines for
that task carry the same id (and the task's own id and name).

In production the lines are JSON, one object a line (python-json-logger, a
stdlib ``logging.Formatter``: everything here logs through ``logging``, so
nothing else changes); under DEBUG they stay human-readable text.

This module is imported by ``helpdesk/celery.py`` before the settings: it must
stay light (no models, no prometheus_client).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from celery import current_task
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# The message header a task carries the id in (Celery turns custom message
# headers into attributes of ``task.request``).
HEADER = "request_id"

# An id we did not make is kept only if it is short and harmless in a log
# line, a header and a shell: a UUID, nginx's $request_id, a proxy's token.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def safe_request_id(value: object) -> str | None:
    """``value`` if it is a safe short token, else None."""
    if isinstance(value, str) and SAFE_ID.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(request_id: str | None) -> Token:
    """Make ``request_id`` the current one; undo with :func:`unbind_request_id`."""
    return _request_id.set(request_id)


def unbind_request_id(token: Token) -> None:
    try:
        _request_id.reset(token)
    except ValueError:  # set in another context (a thread that ended): forget it
        _request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (and, in a worker, ``task_id`` and ``task_name``) to
    every record a handler emits, when there is one. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _request_id.get()
        if request_id is None:
            # django.request logs a 4xx a view returned after the middleware
            # chain has finished; the request it passes still knows its id.
            request_id = getattr(getattr(record, "request", None), "request_id", None)
        if request_id is not None:
            record.request_id = request_id
        task = current_task
        if task and not getattr(task.request, "called_directly", True):
            record.task_id = task.request.id
            record.task_name = task.name
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time, level, logger, message, request_id, and any
    ``extra`` fields. The ``request`` object Django passes as an extra is left
    out: its repr holds the query string, which may hold what users typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "taskName"])
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """ISO 8601 in UTC, to the millisecond."""
        moment = datetime.fromtimestamp(record.created, tz=UTC)
        return moment.isoformat(timespec="milliseconds")


class AccessLogFields(logging.Filter):
    """gunicorn's access line (``gunicorn.conf.py``) as fields: method, path (without
    the query string), status, bytes, duration_ms and the request id the app
    returned in ``X-Request-ID``. gunicorn logs it after the response, outside the
    request, so the id comes from the response header."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, Mapping) else {}
        if atoms:
            record.method = atoms.get("m")
            record.path = atoms.get("U")
            record.status = _number(atoms.get("s"))
            record.bytes = _number(atoms.get("B"))
            record.duration_ms = _number(atoms.get("M"))
            record.request_id = safe_request_id(atoms.get("{x-request-id}o"))
        return True


def _number(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


# Human-readable lines (DEBUG): the request id in brackets, "-" outside a request.
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "message", "request_id"]


def logging_config(*, json_lines: bool, level: str) -> dict[str, Any]:
    """The ``LOGGING`` dictionary of the settings: one console handler, JSON or text."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "ops.logging.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "ops.logging.JsonFormatter", "fmt": JSON_FIELDS},
            "text": {
                "()": "logging.Formatter",
                "fmt": TEXT_FORMAT,
                "defaults": {"request_id": "-"},
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json" if json_lines else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }


def configure_worker_logging(**_kwargs: Any) -> None:
    """Celery's ``setup_logging`` receiver: workers and beat log exactly as the
    web does (Celery leaves logging alone when this signal has a receiver, so
    ``--loglevel`` gives way to ``LOG_LEVEL``)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


# Celery signal receivers (connected in ops/apps.py): the id crosses the broker.


def add_request_id_header(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    """``before_task_publish``: a task published during a request (or during a
    task that came from one) carries the request's id."""
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


_task_tokens: dict[str, Token] = {}


def bind_task_request_id(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    """``task_prerun``: the task runs under the id its message carries."""
    request = getattr(task, "request", None)
    carried = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER
    )
    request_id = safe_request_id(carried) or _request_id.get()
    if task_id:
        _task_tokens[task_id] = _request_id.set(request_id)


def unbind_task_request_id(task_id: str | None = None, **_kwargs: Any) -> None:
    """``task_postrun``: back to what was current before the task."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        unbind_request_id(token)
