"""Tickets waiting for their customer (issue 17): a reminder after the
policy's business days, then an automatic solve, each once per wait and
told to the customers through the outbox; configurable per tier or contract."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.emails import build_email
from notifications.models import Kind, Notification
from notifications.services import notifications_for_event
from tests.concurrency import run_together
from tests.tickets.sla_helpers import around_the_clock
from tickets import services
from tickets.models import SlaPolicy, Status, Ticket, TicketEvent
from tickets.sla.hours import Hours, day_minutes, interval
from tickets.sla.waiting import waiting_nudges_due

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture
def waiting(alice, agent, make_ticket):
    """Acme (enterprise, 24×7): remind after 2 days of waiting, solve after 5."""
    around_the_clock()
    SlaPolicy.objects.filter(tier="enterprise").update(
        waiting_reminder_days=2, waiting_solve_days=5
    )
    ticket = make_ticket(alice, "Backups fail")
    services.ticket_reply(
        ticket=ticket, author=agent, body="Which server?", submit_as="waiting_for_customer"
    )
    return Ticket.objects.get(pk=ticket.pk)


def told(kind: str) -> list[Notification]:
    for event in TicketEvent.objects.filter(notified_at__isnull=True):
        notifications_for_event(event_id=event.pk)
    return list(Notification.objects.filter(kind=kind).select_related("recipient"))


def test_waiting_sets_when_the_reminder_and_the_solve_fall_due(waiting):
    assert waiting.waiting_since is not None
    assert waiting.waiting_remind_at == waiting.waiting_since + 2 * DAY
    assert waiting.waiting_solve_at == waiting.waiting_since + 5 * DAY


def test_the_customer_is_reminded_once_then_the_ticket_is_solved(waiting, alice):
    since = waiting.waiting_since
    TicketEvent.objects.update(notified_at=since)  # the scene is set: nobody told yet

    assert waiting_nudges_due(now=since + DAY) == (0, 0)
    assert waiting_nudges_due(now=since + 2 * DAY + timedelta(minutes=1)) == (1, 0)
    assert waiting_nudges_due(now=since + 3 * DAY) == (0, 0)
    reminders = told(Kind.WAITING_REMINDER)
    assert [n.recipient for n in reminders] == [alice]
    assert "still waiting for your answer" in build_email(reminders[0]).body

    assert waiting_nudges_due(now=since + 5 * DAY) == (0, 1)
    ticket = Ticket.objects.get(pk=waiting.pk)
    assert ticket.status == Status.SOLVED
    event = TicketEvent.objects.get(ticket=ticket, kind="status", to_value=Status.SOLVED)
    assert event.actor is None
    solved = told(Kind.SOLVED)
    assert [n.recipient for n in solved] == [alice]
    assert "it waited for your answer and none came" in build_email(solved[0]).body


def test_an_answer_in_time_cancels_the_reminder_and_a_new_wait_starts_afresh(waiting, alice, agent):
    services.ticket_reply(ticket=waiting, author=alice, body="web-1")
    ticket = Ticket.objects.get(pk=waiting.pk)
    assert (ticket.waiting_since, ticket.waiting_remind_at, ticket.waiting_solve_at) == (None,) * 3
    assert waiting_nudges_due(now=waiting.waiting_since + 30 * DAY) == (0, 0)

    services.ticket_change_status(ticket=ticket, actor=agent, action="wait")
    again = Ticket.objects.get(pk=waiting.pk)
    assert again.waiting_remind_at == again.waiting_since + 2 * DAY


def test_without_a_configured_reminder_nothing_is_due(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_change_status(ticket=ticket, actor=agent, action="wait")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.waiting_since is not None
    assert (ticket.waiting_remind_at, ticket.waiting_solve_at) == (None, None)


def test_a_business_day_is_an_average_working_day_of_the_calendar():
    from datetime import time
    from zoneinfo import ZoneInfo

    office = Hours(
        zone=ZoneInfo("UTC"),
        weekly={day: [interval(time(9), time(17))] for day in range(5)},
    )
    assert day_minutes(office) == 480
    assert day_minutes(Hours.around_the_clock()) == 1440


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_sweeps_at_once_remind_once_and_solve_once(waiting, alice, make_ticket, agent):
    reminded = make_ticket(alice, "Printer jams")
    services.ticket_reply(
        ticket=reminded, author=agent, body="Which tray?", submit_as="waiting_for_customer"
    )
    reminded = Ticket.objects.get(pk=reminded.pk)
    # ``waiting`` is due to be solved, ``reminded`` only to be reminded.
    Ticket.objects.filter(pk=waiting.pk).update(
        waiting_since=waiting.waiting_since - 6 * DAY,
        waiting_remind_at=None,
        waiting_solve_at=waiting.waiting_since - DAY,
    )
    now = reminded.waiting_since + 2 * DAY + timedelta(minutes=1)

    results = run_together(*[lambda: waiting_nudges_due(now=now)] * 20)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r for r, _ in results) == 1
    assert sum(s for _, s in results) == 1
    assert TicketEvent.objects.filter(ticket=reminded, kind=TicketEvent.Kind.REMINDED).count() == 1
    assert not TicketEvent.objects.filter(ticket=waiting, kind=TicketEvent.Kind.REMINDED).exists()
    solves = TicketEvent.objects.filter(ticket=waiting, kind="status", to_value=Status.SOLVED)
    assert solves.count() == 1
    assert Ticket.objects.get(pk=waiting.pk).status == Status.SOLVED
    assert Ticket.objects.get(pk=reminded.pk).status == Status.WAITING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_customer_answering_while_the_sweeps_solve_is_never_left_solved(waiting, alice):
    Ticket.objects.filter(pk=waiting.pk).update(
        waiting_solve_at=waiting.waiting_since - DAY, waiting_remind_at=None
    )
    now = timezone.now()

    def answer():
        return services.ticket_reply(
            ticket=Ticket.objects.get(pk=waiting.pk), author=alice, body="It is web-1."
        )

    results = run_together(answer, *[lambda: waiting_nudges_due(now=now)] * 10)

    assert not [r for r in results if isinstance(r, Exception)], results
    ticket = Ticket.objects.get(pk=waiting.pk)
    # Whichever came first, the customer's answer is kept once and leaves the
    # ticket with support: either the solve never happened, or the answer reopened it.
    assert ticket.messages.filter(author=alice, body="It is web-1.").count() == 1
    assert ticket.status == Status.OPEN
    solves = TicketEvent.objects.filter(ticket=ticket, kind="status", to_value=Status.SOLVED)
    assert solves.count() <= 1
    assert (ticket.waiting_since, ticket.waiting_solve_at) == (None, None)
