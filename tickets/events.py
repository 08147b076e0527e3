"""Recording ticket events: the history, and the outbox notifications read.

Every event is written here, in the transaction of the change it records,
and a task carrying its id is queued once that transaction commits. The task
is named, not imported: tickets never import notifications. If the broker
is down the event simply waits, unprocessed (``notified_at`` empty), until
the notifications sweeper finds it.

Every event written by one service call shares an act id (``TicketEvent.act``):
a reply submitted as Solved is one act of a REPLIED and a STATUS event, and
notifications, email quoting and the history group by it. A service opens
the act with ``@one_act`` (or ``with act():``); a service it calls joins the
act already open. An event recorded outside any act is an act of its own.

An act is also one transaction, and before it commits the service-level
clocks of every ticket it moved are replayed (``tickets.sla``): due times
change with the change that moved them, or not at all.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import partial, wraps
from typing import ParamSpec, TypeVar

from celery import current_app
from django.db import transaction

from tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

PROCESS_EVENT_TASK = "notifications.process_event"

_history_only: ContextVar[bool] = ContextVar("ticket_events_history_only", default=False)
_current_act: ContextVar[uuid.UUID | None] = ContextVar("ticket_events_act", default=None)
# The tickets whose clocks the current act must replay before it commits.
_clocks_moved: ContextVar[set[int] | None] = ContextVar("ticket_events_clocks", default=None)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def act() -> Iterator[uuid.UUID]:
    """Record every event inside the block as one act; yields its id.

    Inside an act already open (a service calling another) it joins that act.
    """
    current = _current_act.get()
    if current is not None:
        yield current
        return
    new = uuid.uuid4()
    moved: set[int] = set()
    token = _current_act.set(new)
    moved_token = _clocks_moved.set(moved)
    try:
        with transaction.atomic():
            yield new
            _replay_clocks(moved)
    finally:
        _current_act.reset(token)
        _clocks_moved.reset(moved_token)


def one_act(service: Callable[P, R]) -> Callable[P, R]:
    """A service whose call is one act: every event it records shares an act id."""

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with act():
            return service(*args, **kwargs)

    return wrapper


@contextmanager
def history_only() -> Iterator[None]:
    """Record events inside the block as past history: nobody is notified.

    For loading demo or imported tickets, whose history happened "before".
    """
    token = _history_only.set(True)
    try:
        yield
    finally:
        _history_only.reset(token)


def record_event(ticket: Ticket, *, actor, kind: str, now: datetime, **fields) -> TicketEvent:
    quiet = _history_only.get()
    event = TicketEvent.objects.create(
        ticket=ticket,
        organization_id=ticket.organization_id,
        actor=actor,
        kind=kind,
        act=_current_act.get() or uuid.uuid4(),
        created_at=now,
        notified_at=now if quiet else None,
        **fields,
    )
    if not quiet:
        transaction.on_commit(partial(_publish, event.pk), robust=True)
    if _moves_clocks(event):
        moved = _clocks_moved.get()
        if moved is None:
            _replay_clocks({ticket.pk})
        else:
            moved.add(ticket.pk)
    return event


def _moves_clocks(event: TicketEvent) -> bool:
    """Whether ``event`` can change a service-level clock (``tickets.sla.clocks``)."""
    Kind = TicketEvent.Kind
    if event.is_internal:
        return False
    if event.kind == Kind.STATUS:
        # The automatic close ends nothing that solving did not already end.
        return (event.from_value, event.to_value) != ("solved", "closed")
    return event.kind in (Kind.CREATED, Kind.REPLIED, Kind.PRIORITY, Kind.REMINDED)


def _replay_clocks(ticket_ids: set[int]) -> None:
    from tickets.sla.refresh import sla_refresh  # the clocks read the events: import late

    for ticket_id in sorted(ticket_ids):
        sla_refresh(ticket_id)


def _publish(event_id: int) -> None:
    try:
        current_app.send_task(PROCESS_EVENT_TASK, args=[event_id])
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper delivers it later
        logger.warning("Could not queue event %s; the sweeper will pick it up.", event_id)
