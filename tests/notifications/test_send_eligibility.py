"""Sending re-checks who may still receive an email, and a 5xx ends it (issue 12, parts 4 and 9).

A real SMTP server on loopback answers; the outbox is driven through its services.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from notifications import services as notify
from notifications.models import EmailState, Notification
from tickets import services
from tickets.models import TicketEvent


@pytest.fixture
def agents_reply(bob, alice, agent, make_ticket):
    """An agent's public reply on bob's ticket, its emails (bob's and alice's) written."""
    ticket = make_ticket(bob, "VPN drops every hour")
    services.ticket_reply(ticket=ticket, author=agent, body="Which client version do you run?")
    event = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.REPLIED).last()
    notify.notifications_for_event(event_id=event.pk)
    return Notification.objects.filter(event=event)


def send_all(rows, *, later: timedelta = timedelta()) -> dict[str, str]:
    now = timezone.now() + later
    return {
        n.recipient.email: notify.notification_send_email(notification_id=n.pk, now=now)
        for n in rows.select_related("recipient")
    }


def state_of(rows, email: str) -> Notification:
    return rows.get(recipient__email=email)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("deactivated", "deactivated"),
        ("moved", "no longer a user of the ticket's organisation"),
        ("organisation deactivated", "organisation is deactivated"),
    ],
)
def test_an_email_held_up_by_the_smtp_server_skips_who_may_no_longer_receive_it(
    change, reason, agents_reply, smtp_backend, bob, globex
):
    smtp_backend.refuse_next = 2  # 451 for both emails
    assert send_all(agents_reply) == {"bob@acme.example": "retry", "alice@acme.example": "retry"}

    if change == "deactivated":
        User.objects.filter(pk=bob.pk).update(is_active=False)
    elif change == "moved":
        User.objects.filter(pk=bob.pk).update(organization=globex)
    else:
        bob.organization.is_active = False
        bob.organization.save()

    outcomes = send_all(agents_reply, later=timedelta(hours=1))

    assert outcomes["bob@acme.example"] == "ineligible"
    bobs = state_of(agents_reply, "bob@acme.example")
    assert bobs.email_state == EmailState.SKIPPED
    assert reason in bobs.email_error
    assert "bob@acme.example" not in smtp_backend.recipients()
    if change != "organisation deactivated":
        assert smtp_backend.recipients() == ["alice@acme.example"]


def test_a_moved_customer_no_longer_sees_the_old_organisations_notifications(
    agents_reply, bob, globex
):
    assert Notification.objects.visible_to(bob).count() == 1

    User.objects.filter(pk=bob.pk).update(organization=globex)
    bob.refresh_from_db()

    assert Notification.objects.visible_to(bob).count() == 0


def test_a_permanent_refusal_ends_failed_at_once(agents_reply, smtp_backend):
    smtp_backend.refuse_next = 1
    smtp_backend.refusal = "550 5.1.1 No such user"

    outcomes = send_all(agents_reply.filter(recipient__email="bob@acme.example"))

    assert outcomes == {"bob@acme.example": "failed"}
    bobs = state_of(agents_reply, "bob@acme.example")
    assert bobs.email_state == EmailState.FAILED
    assert bobs.email_attempts == 1
    assert "No such user" in bobs.email_error


def test_a_temporary_refusal_waits_and_then_goes_out_once(agents_reply, smtp_backend):
    smtp_backend.refuse_next = 1
    bobs = agents_reply.filter(recipient__email="bob@acme.example")

    assert send_all(bobs) == {"bob@acme.example": "retry"}
    assert send_all(bobs) == {"bob@acme.example": "skipped"}  # not due yet
    assert send_all(bobs, later=timedelta(hours=1)) == {"bob@acme.example": "sent"}
    assert send_all(bobs, later=timedelta(hours=2)) == {"bob@acme.example": "skipped"}
    assert smtp_backend.recipients() == ["bob@acme.example"]
