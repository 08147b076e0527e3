"""The clocks of one ticket, replayed from its history (DESIGN.md, "Service levels").

* **First response** starts when the customer opens the ticket and stops at
  support's first public reply. A ticket support opened for a customer (it
  starts Waiting for customer) owes none.
* **Next response** starts at a customer's public message once support has
  answered, unless one is already running, and stops at support's next
  public reply.
* **Resolution** runs while the ticket is Open or In progress and pauses
  while it is Waiting for customer or Solved; it is met when the ticket is
  solved (for good when it closes) and resumes if the customer writes back.
* Solving or closing a ticket answers every response clock still running.

The replay always uses the targets that apply now, from the first event on:
raising a ticket's priority makes it owe its first response sooner counted
from its creation, not from the change. A pure function of its inputs: no
database, so the arithmetic is tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tickets.models import SlaClock, Status, TicketEvent
from tickets.sla import hours as business
from tickets.sla.policies import Targets

RUNNING = frozenset({Status.OPEN, Status.IN_PROGRESS})
STOPPING = frozenset({Status.SOLVED, Status.CLOSED})
Kind = SlaClock.Kind


@dataclass(frozen=True)
class Step:
    """One event of the history, as the clocks see it."""

    kind: str  # TicketEvent.Kind
    at: datetime
    by_support: bool
    to_value: str = ""


@dataclass
class Clock:
    kind: str
    seq: int
    started_at: datetime
    due_at: datetime | None
    met_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.met_at is None


@dataclass
class _Resolution:
    clock: Clock
    minutes: int
    used: float = 0.0  # working minutes spent in earlier running stretches
    since: datetime | None = None  # when the current running stretch began


def replay(steps: Iterable[Step], targets: Targets) -> list[Clock]:
    """Every clock the history in ``steps`` (oldest first) owes under ``targets``."""
    ordered = list(steps)
    if not ordered or ordered[0].kind != TicketEvent.Kind.CREATED:
        return []
    history = _Replay(ordered[0], targets)
    for step in ordered[1:]:
        if step.kind == TicketEvent.Kind.REPLIED:
            history.replied(step)
        elif step.kind == TicketEvent.Kind.STATUS:
            history.moved(step)
    return history.finish()


class _Replay:
    """The clocks as they stand after each step of one ticket's history."""

    def __init__(self, opening: Step, targets: Targets) -> None:
        self.targets = targets
        self.hours = targets.hours
        self.status = opening.to_value or Status.OPEN
        self.clocks: list[Clock] = []
        self.first: Clock | None = None
        if targets.first_response is not None and not opening.by_support:
            due = business.add(self.hours, opening.at, targets.first_response)
            self.first = Clock(Kind.FIRST_RESPONSE, 0, opening.at, due)
            self.clocks.append(self.first)
        self.answered = opening.by_support  # support has spoken publicly at least once
        self.waiting: Clock | None = None  # the running next-response clock
        self.next_seq = 0
        self.resolution: _Resolution | None = None
        if targets.resolution is not None:
            clock = Clock(Kind.RESOLUTION, 0, opening.at, None)
            self.resolution = _Resolution(clock, targets.resolution)
            self.clocks.append(clock)
            if self.status in RUNNING:
                self.resolution.since = opening.at

    def _answer(self, at: datetime) -> None:
        for clock in (self.first, self.waiting):
            if clock is not None and clock.running:
                clock.met_at = at
        self.waiting = None

    def replied(self, step: Step) -> None:
        if step.by_support:
            self.answered = True
            self._answer(step.at)
        elif self.answered and self.waiting is None and self.targets.next_response is not None:
            due = business.add(self.hours, step.at, self.targets.next_response)
            self.waiting = Clock(Kind.NEXT_RESPONSE, self.next_seq, step.at, due)
            self.next_seq += 1
            self.clocks.append(self.waiting)

    def moved(self, step: Step) -> None:
        if step.to_value in STOPPING:
            self._answer(step.at)
        if self.resolution is not None:
            _move(self.resolution, self.hours, self.status, step.to_value, step.at)
        self.status = step.to_value

    def finish(self) -> list[Clock]:
        resolution = self.resolution
        if resolution is not None and resolution.since is not None:
            # Running now: due when the minutes left run out.
            left = resolution.minutes - resolution.used
            resolution.clock.due_at = business.add(self.hours, resolution.since, left)
        return self.clocks


def _move(resolution: _Resolution, hours: business.Hours, old: str, new: str, at: datetime) -> None:
    clock = resolution.clock
    if old in RUNNING and new not in RUNNING and resolution.since is not None:
        left = resolution.minutes - resolution.used
        # The due time as it stood when the clock stopped: a solve is judged by it.
        clock.due_at = business.add(hours, resolution.since, left)
        resolution.used += business.between(hours, resolution.since, at)
        resolution.since = None
        if new in STOPPING:
            clock.met_at = at
        else:
            clock.due_at = None  # paused: nothing falls due while the customer has it
    elif new in RUNNING and old not in RUNNING:
        resolution.since = at
        clock.met_at = None
        clock.due_at = None
    elif new in STOPPING and clock.met_at is None:
        # Solved or closed while paused: met as it stands.
        clock.met_at = at
        clock.due_at = business.add(hours, at, resolution.minutes - resolution.used)
