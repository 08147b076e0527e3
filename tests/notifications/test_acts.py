"""Events know their act (issue 16): one service call is one act, whatever the clock says.

Every event one service call writes shares an act id; notifications, email
quoting and the ticket's history group by it. Two acts recorded in the same
instant (two calls given the same ``now``, or two requests within one clock
tick) stay two acts: grouping by timestamps merged them.
"""

import pytest
from django.core import mail

from notifications.models import Notification
from tests.notifications.helpers import CUSTOMERS_OF_BOBS_TICKET, deliver, start_clean
from tickets import services
from tickets.models import Message, Priority, Status, TicketEvent


@pytest.fixture
def scene(alice, bob, agent, make_ticket):
    """Bob's ticket, which Sam (agent) works on; Alice is Acme's admin."""
    ticket = make_ticket(bob, subject="Printer on fire")
    services.ticket_take(ticket=ticket, agent=agent)
    start_clean()
    return ticket


def kinds_told() -> dict[str, set[str]]:
    """Every kind each person was told of (a person may get several notifications)."""
    heard: dict[str, set[str]] = {}
    for notification in Notification.objects.select_related("recipient"):
        heard.setdefault(notification.recipient.email, set()).add(notification.kind)
    return heard


def email_saying(address: str, text: str) -> str:
    """The one email to ``address`` whose body says ``text``."""
    [body] = [m.body for m in mail.outbox if m.to == [address] and text in m.body]
    return body


def test_a_reply_submitted_as_solved_writes_two_events_of_one_act(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Done.", submit_as=Status.SOLVED)

    reply, solved = TicketEvent.objects.filter(ticket=scene).order_by("-pk")[:2][::-1]
    assert (reply.kind, solved.kind) == ("replied", "status")
    assert reply.act is not None
    assert solved.act == reply.act
    # The act that took the ticket earlier is another one.
    assert TicketEvent.objects.filter(ticket=scene).exclude(act=reply.act).count() == 3
    assert set(TicketEvent.objects.filter(ticket=scene, act=reply.act)) == {reply, solved}


def test_every_event_of_one_service_call_shares_its_act_and_the_next_call_gets_another(
    bob, agent, agent2, make_ticket, billing
):
    ticket = make_ticket(bob)

    services.ticket_update(
        ticket=ticket,
        actor=agent,
        priority=Priority.HIGH,
        category=billing,
        assignee=agent2,
    )
    services.ticket_set_priority(ticket=ticket, actor=agent, priority=Priority.LOW)

    update_acts = set(
        TicketEvent.objects.filter(ticket=ticket)
        .exclude(kind="created")
        .order_by("pk")
        .values_list("act", flat=True)[:4]
    )
    last = TicketEvent.objects.filter(ticket=ticket).latest("pk")
    assert len(update_acts) == 1  # priority, type, assignee and the move into progress
    assert last.act not in update_acts


def test_two_acts_of_support_in_the_same_instant_are_told_as_two(scene, agent, agent2):
    now = TicketEvent.objects.latest("pk").created_at.replace(microsecond=0)

    services.ticket_set_priority(ticket=scene, actor=agent, priority=Priority.URGENT, now=now)
    services.ticket_assign(ticket=scene, actor=agent, assignee=agent2, now=now)
    deliver()

    assert TicketEvent.objects.filter(created_at=now).count() == 2
    assert kinds_told() == {person: {"priority", "assignee"} for person in CUSTOMERS_OF_BOBS_TICKET}
    assert len(mail.outbox) == 4
    priority_email = email_saying("bob@acme.example", "Priority: Normal → Urgent")
    assignee_email = email_saying("bob@acme.example", "Assignee: Sam Support → Robin Responder")
    assert "Assignee:" not in priority_email
    assert "Priority:" not in assignee_email


def test_a_reply_and_a_separate_change_in_the_same_instant_are_quoted_apart(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="New toner installed.")
    replied_at = Message.objects.get(ticket=scene).created_at

    services.ticket_set_priority(
        ticket=scene, actor=agent, priority=Priority.URGENT, now=replied_at
    )
    deliver()

    assert kinds_told() == {
        person: {"support_reply", "priority"} for person in CUSTOMERS_OF_BOBS_TICKET
    }
    assert len(mail.outbox) == 4
    reply_email = email_saying("bob@acme.example", "New toner installed.")
    priority_email = email_saying("bob@acme.example", "Priority: Normal → Urgent")
    assert "Priority:" not in reply_email
    assert "New toner installed." not in priority_email


def test_a_customer_reply_in_the_instant_of_their_reopening_still_reaches_the_assignee(scene, bob):
    services.ticket_close(ticket=scene, actor=bob)
    start_clean()
    services.ticket_reopen(ticket=scene, actor=bob, body="It is burning again")
    services.ticket_reply(ticket=scene, author=bob, body="And the fax too")
    # The second reply is its own act, even when the clock gives it the same instant.
    reopened_at = Message.objects.get(body="It is burning again").created_at
    Message.objects.filter(body="And the fax too").update(created_at=reopened_at)
    TicketEvent.objects.filter(message__body="And the fax too").update(created_at=reopened_at)
    deliver()

    assert kinds_told() == {"agent@support.example": {"reopened", "customer_reply"}}
    assert len(mail.outbox) == 2
    reopened = email_saying("agent@support.example", "It is burning again")
    assert "And the fax too" not in reopened
    assert "It is burning again" not in email_saying("agent@support.example", "And the fax too")


def test_the_history_shows_one_line_per_act(login, scene, agent, alice):
    services.ticket_reply(
        ticket=scene, author=agent, body="New toner installed.", submit_as=Status.SOLVED
    )

    html = login(alice).get(scene.get_absolute_url()).content.decode()

    assert "replied and changed the status from In progress to Solved" in html
    taken = "assigned the ticket to Sam Support and changed the status from Open to In progress"
    assert taken in html
