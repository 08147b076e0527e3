"""Who hears of what: every event kind, its exact recipients, and nobody else."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from notifications import services as notify
from notifications.models import CUSTOMER_KINDS, EmailOptOut, EmailState, Notification
from tests.helpers import PASSWORD
from tests.notifications.helpers import (
    CUSTOMERS_OF_BOBS_TICKET,
    deliver,
    emailed,
    start_clean,
    told,
)
from tickets import services
from tickets.models import Status, Ticket, TicketEvent
from tickets.workflow import Action


@pytest.fixture
def dave(acme):
    """A member of Acme who takes no part in the tickets below."""
    return User.objects.create_user(
        "dave@acme.example", PASSWORD, full_name="Dave Doe", role="member", organization=acme
    )


@pytest.fixture
def scene(alice, bob, carol, dave, agent, agent2, support_admin, make_ticket):
    """Bob's ticket, which Sam (agent) works on; Alice is Acme's admin."""
    ticket = make_ticket(bob, subject="Printer on fire")
    services.ticket_take(ticket=ticket, agent=agent)
    start_clean()
    return ticket


def test_a_public_support_reply_tells_the_requester_and_the_admins(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="We sent a fire engine.")
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "support_reply")
    assert emailed() == sorted(CUSTOMERS_OF_BOBS_TICKET)


def test_everyone_of_the_organisation_who_took_part_is_told(scene, agent, dave):
    services.ticket_reply(ticket=scene, author=dave, body="Same printer here.")
    start_clean()

    services.ticket_reply(ticket=scene, author=agent, body="Fixed for both of you.")
    deliver()

    assert set(told()) == CUSTOMERS_OF_BOBS_TICKET | {"dave@acme.example"}


def test_support_asking_the_customer_tells_them_it_waits(scene, agent):
    services.ticket_change_status(ticket=scene, actor=agent, action=Action.WAIT)
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "waiting")


def test_a_reply_submitted_as_waiting_makes_one_notification_not_two(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Which model?", submit_as=Status.WAITING)
    deliver()

    # Named for what asks the customer most (the question), quoting the reply.
    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "waiting")
    assert len(mail.outbox) == 2
    assert "Status: Waiting for customer" in mail.outbox[0].body
    assert "Which model?" in mail.outbox[0].body


def test_a_ticket_support_opens_tells_the_customer_and_the_admins(
    agent, bob, acme, alice, agent2, make_ticket
):
    make_ticket(agent, organization=acme, requester=bob, subject="We will reboot your server")
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "opened_for_you")


def test_support_closing_a_ticket_tells_the_customers(scene, agent):
    services.ticket_close(ticket=scene, actor=agent)
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "closed")


def test_the_automatic_close_tells_the_customers(scene, agent):
    services.ticket_change_status(ticket=scene, actor=agent, action=Action.SOLVE)
    start_clean()
    Ticket.objects.filter(pk=scene.pk).update(solved_at=timezone.now() - timedelta(hours=80))

    services.tickets_auto_close_due()
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "closed")
    assert "closed automatically" in mail.outbox[0].body


def test_a_customer_closing_their_own_ticket_tells_nobody(scene, bob):
    services.ticket_close(ticket=scene, actor=bob)
    deliver()

    assert told() == {}
    assert mail.outbox == []


def test_an_internal_note_tells_nobody(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Toner is a fire risk", internal=True)
    deliver()

    assert told() == {}
    assert mail.outbox == []


def test_a_new_ticket_tells_the_agents(alice, agent, agent2, support_admin, make_ticket):
    make_ticket(alice, subject="New problem")
    deliver()

    assert told() == {"agent@support.example": "new_ticket", "agent2@support.example": "new_ticket"}


def test_a_customer_reply_tells_the_assignee_only(scene, alice):
    services.ticket_reply(ticket=scene, author=alice, body="Any news?")
    deliver()

    assert told() == {"agent@support.example": "customer_reply"}


def test_a_customer_reply_on_an_unassigned_ticket_tells_nobody(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    start_clean()

    services.ticket_reply(ticket=ticket, author=alice, body="Hello?")
    deliver()

    assert told() == {}


def test_a_reopening_tells_the_assignee_once(scene, bob):
    services.ticket_close(ticket=scene, actor=bob)
    start_clean()

    services.ticket_reopen(ticket=scene, actor=bob, body="It is burning again")
    deliver()

    assert told() == {"agent@support.example": "reopened"}
    assert len(mail.outbox) == 1
    assert "It is burning again" in mail.outbox[0].body


def test_reopening_an_unassigned_ticket_tells_every_agent_but_the_actor(
    alice, agent, agent2, make_ticket
):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)
    start_clean()

    services.ticket_reopen(ticket=ticket, actor=agent, body="Reopening for the customer")
    deliver()

    # The other agent hears of the reopening; the customer of support's message.
    assert told() == {"agent2@support.example": "reopened", "alice@acme.example": "support_reply"}


def test_the_actor_is_never_told_of_their_own_act(scene, alice, agent):
    services.ticket_reply(ticket=scene, author=alice, body="I am the admin and I write")
    start_clean()

    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    services.ticket_close(ticket=scene, actor=alice)
    deliver()

    assert "agent@support.example" not in told()
    assert (
        Notification.objects.filter(recipient__email="alice@acme.example", kind="closed").count()
        == 0
    )


def test_deactivated_people_are_not_told(scene, agent, alice):
    alice.is_active = False
    alice.save()

    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    deliver()

    assert set(told()) == {"bob@acme.example"}


def test_another_organisation_hears_nothing_of_it(scene, agent, carol):
    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    services.ticket_change_status(ticket=scene, actor=agent, action=Action.WAIT)
    services.ticket_close(ticket=scene, actor=agent)
    deliver()

    assert not Notification.objects.filter(recipient=carol).exists()
    assert "carol@globex.example" not in emailed()


def test_a_turned_off_kind_of_email_still_notifies_in_app(scene, agent, bob):
    notify.email_preferences_set(user=bob, enabled=set(CUSTOMER_KINDS) - {"support_reply"})

    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "support_reply")
    assert emailed() == ["alice@acme.example"]
    assert Notification.objects.get(recipient=bob).email_state == EmailState.OFF
    assert (
        EmailOptOut.objects.filter(user=bob).values_list("kind", flat=True).get() == "support_reply"
    )


def test_an_event_is_turned_into_notifications_once(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    event = TicketEvent.objects.filter(kind="replied").get()

    first = notify.notifications_for_event(event_id=event.pk)
    again = notify.notifications_for_event(event_id=event.pk)

    assert len(first) == 2
    assert again == []
    assert Notification.objects.count() == 2


def test_an_email_is_sent_once_however_often_its_task_runs(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    event = TicketEvent.objects.filter(kind="replied").get()
    first, _ = notify.notifications_for_event(event_id=event.pk)

    outcomes = [notify.notification_send_email(notification_id=first) for _ in range(3)]

    assert outcomes == ["sent", "skipped", "skipped"]
    assert len(mail.outbox) == 1


def test_an_email_the_smtp_server_never_takes_ends_failed_after_the_limit(scene, agent, settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    settings.HELPDESK_EMAIL_MAX_ATTEMPTS = 3
    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    event = TicketEvent.objects.get(kind="replied")
    pk = notify.notifications_for_event(event_id=event.pk)[0]

    outcomes = []
    for minutes in (0, 5, 60):  # each attempt once its backoff is over
        later = timezone.now() + timedelta(minutes=minutes)
        outcomes.append(notify.notification_send_email(notification_id=pk, now=later))

    notification = Notification.objects.get(pk=pk)
    assert outcomes == ["retry", "retry", "failed"]
    assert (notification.email_state, notification.email_attempts) == (EmailState.FAILED, 3)
    assert "refused" in notification.email_error.lower()
    assert (
        notify.notification_send_email(notification_id=pk, now=later + timedelta(days=1))
        == "skipped"
    )


def test_a_retry_waits_for_its_backoff(scene, agent, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    services.ticket_reply(ticket=scene, author=agent, body="Answer")
    pk = notify.notifications_for_event(event_id=TicketEvent.objects.get(kind="replied").pk)[0]

    assert notify.notification_send_email(notification_id=pk) == "retry"
    assert notify.notification_send_email(notification_id=pk) == "skipped"  # not due yet
    assert Notification.objects.get(pk=pk).email_next_attempt_at > timezone.now()
