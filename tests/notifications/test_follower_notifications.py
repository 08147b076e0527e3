"""Followers hear of a ticket (issue 18): a customer follower as the requester
does, an agent follower as the assignee does; each person once, never the
actor, never an internal note for customers, never another organisation."""

import pytest
from django.core import mail

from accounts.models import User
from notifications import services as notify
from notifications.models import EmailOptOut, EmailState, Notification
from tests.helpers import PASSWORD
from tests.notifications.helpers import (
    CUSTOMERS_OF_BOBS_TICKET,
    deliver,
    emailed,
    start_clean,
    told,
)
from tickets import services
from tickets.models import TicketEvent, TicketFollower
from tickets.workflow import Action


@pytest.fixture
def dave(acme):
    """A member of Acme who follows Bob's ticket."""
    return User.objects.create_user(
        "dave@acme.example", PASSWORD, full_name="Dave Doe", role="member", organization=acme
    )


@pytest.fixture
def scene(alice, bob, carol, dave, agent, agent2, support_admin, make_ticket):
    """Bob's ticket, which Sam (agent) works on; Dave and Robin (agent2) follow it."""
    ticket = make_ticket(bob, subject="Printer on fire")
    services.ticket_take(ticket=ticket, agent=agent)
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    services.ticket_follow(actor=agent2, ticket=ticket, user=agent2)
    start_clean()
    return ticket


def test_a_customer_follower_hears_of_a_support_reply_once(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="We sent a fire engine.")
    deliver()

    assert told() == dict.fromkeys(
        CUSTOMERS_OF_BOBS_TICKET | {"dave@acme.example"}, "support_reply"
    )
    assert emailed() == sorted(CUSTOMERS_OF_BOBS_TICKET | {"dave@acme.example"})


def test_a_follower_who_also_took_part_is_told_once(scene, agent, dave):
    services.ticket_reply(ticket=scene, author=dave, body="Mine too.")
    start_clean()

    services.ticket_reply(ticket=scene, author=agent, body="Fixed.")
    deliver()

    assert Notification.objects.filter(recipient=dave).count() == 1
    assert emailed().count("dave@acme.example") == 1


def test_customer_followers_never_hear_of_internal_notes(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Customer is grumpy.", internal=True)
    deliver()

    assert Notification.objects.filter(recipient__organization__isnull=False).count() == 0
    assert emailed() == []


def test_an_agent_follower_hears_of_customer_replies_as_the_assignee_does(scene, bob):
    services.ticket_reply(ticket=scene, author=bob, body="Still burning.")
    deliver()

    assert told() == {
        "agent@support.example": "customer_reply",
        "agent2@support.example": "customer_reply",
    }


def test_the_email_tells_the_follower_why_they_hear_of_it(scene, bob):
    services.ticket_reply(ticket=scene, author=bob, body="Still burning.")
    deliver()

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert (
        f"Bob Brandt of Acme replied to ticket #{scene.pk}, assigned to you."
        in (bodies["agent@support.example"])
    )
    assert (
        f"Bob Brandt of Acme replied to ticket #{scene.pk}, which you follow."
        in (bodies["agent2@support.example"])
    )


def test_an_agent_follower_hears_of_a_reopening(scene, agent, bob):
    services.ticket_close(ticket=scene, actor=agent)
    start_clean()

    services.ticket_reopen(ticket=scene, actor=bob, body="It is back.")
    deliver()

    assert told() == {"agent@support.example": "reopened", "agent2@support.example": "reopened"}


def test_an_agent_follower_who_is_the_assignee_is_told_once(scene, bob, agent):
    services.ticket_follow(actor=agent, ticket=scene, user=agent)
    start_clean()

    services.ticket_reply(ticket=scene, author=bob, body="Still burning.")
    deliver()

    assert Notification.objects.filter(recipient=agent).count() == 1


def test_the_actor_is_never_told_of_their_own_act(scene, dave, agent2):
    services.ticket_reply(ticket=scene, author=dave, body="Mine too.")
    deliver()

    assert "dave@acme.example" not in told()
    start_clean()
    services.ticket_change_status(ticket=scene, actor=agent2, action=Action.WAIT)
    deliver()
    assert "agent2@support.example" not in told()
    assert told()["dave@acme.example"] == "waiting"


def test_a_follower_who_turned_the_kind_off_gets_no_email(scene, agent, dave):
    EmailOptOut.objects.create(user=dave, kind="support_reply")

    services.ticket_reply(ticket=scene, author=agent, body="Fixed.")
    deliver()

    assert Notification.objects.get(recipient=dave).email_state == EmailState.OFF
    assert "dave@acme.example" not in emailed()


def test_inactive_followers_hear_nothing(scene, agent, dave):
    dave.is_active = False
    dave.save()

    services.ticket_reply(ticket=scene, author=agent, body="Fixed.")
    deliver()

    assert "dave@acme.example" not in told()


def test_a_follower_who_moved_to_another_organisation_hears_nothing(scene, agent, dave, globex):
    dave.organization = globex
    dave.save()

    services.ticket_reply(ticket=scene, author=agent, body="Fixed.")
    deliver()

    assert "dave@acme.example" not in told()
    assert "dave@acme.example" not in emailed()


def test_a_follower_row_of_another_organisation_never_reaches_them(scene, agent, carol):
    # Defence in depth: a row written around the service (a bad import) still
    # reaches nobody outside the ticket's organisation.
    TicketFollower.objects.create(ticket=scene, user=carol, organization_id=scene.organization_id)

    services.ticket_reply(ticket=scene, author=agent, body="Fixed.")
    deliver()

    assert "carol@globex.example" not in told()
    assert "carol@globex.example" not in emailed()


def test_following_itself_tells_nobody(alice, bob, dave, agent, make_ticket):
    ticket = make_ticket(bob)
    start_clean()

    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)
    deliver()

    assert told() == {}


# An unfollow between the act and the send (issue 18, after the review)


def write_rows() -> None:
    """The first half of the outbox: events into rows, no email sent yet."""
    for event_id in TicketEvent.objects.filter(notified_at__isnull=True).values_list(
        "pk", flat=True
    ):
        notify.notifications_for_event(event_id=event_id)


def test_a_follower_who_unfollows_before_the_email_goes_gets_no_email(scene, agent, dave):
    # Given a support reply whose rows are written, emails not yet sent
    services.ticket_reply(ticket=scene, author=agent, body="We sent a fire engine.")
    write_rows()
    assert Notification.objects.get(recipient=dave).email_state == EmailState.PENDING

    # When Dave stops following, and then the outbox sends
    services.ticket_unfollow(actor=dave, ticket=scene, user=dave)
    deliver()

    # Then the requester and the admin get theirs, once; Dave's is skipped
    assert emailed() == sorted(CUSTOMERS_OF_BOBS_TICKET)
    skipped = Notification.objects.get(recipient=dave)
    assert (skipped.email_state, skipped.email_error) == (
        EmailState.SKIPPED,
        "The recipient no longer follows the ticket.",
    )


def test_an_agent_follower_who_unfollows_before_the_email_goes_gets_no_email(scene, bob, agent2):
    services.ticket_reply(ticket=scene, author=bob, body="Still burning.")
    write_rows()

    services.ticket_unfollow(actor=agent2, ticket=scene, user=agent2)
    deliver()

    assert emailed() == ["agent@support.example"]
    assert Notification.objects.get(recipient=agent2).email_state == EmailState.SKIPPED


def test_a_follower_who_also_took_part_still_gets_the_email_after_unfollowing(scene, agent, dave):
    # Dave wrote on the ticket: he hears of it as one who took part, follower or not
    services.ticket_reply(ticket=scene, author=dave, body="Mine too.")
    start_clean()
    services.ticket_reply(ticket=scene, author=agent, body="Fixed.")
    write_rows()

    services.ticket_unfollow(actor=dave, ticket=scene, user=dave)
    deliver()

    assert emailed() == sorted(CUSTOMERS_OF_BOBS_TICKET | {"dave@acme.example"})
