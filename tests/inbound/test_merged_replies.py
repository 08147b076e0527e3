"""Email replies to a merged ticket's threads land in the ticket it was merged
into (issue 18: threading follows the merge), through the real ingestion path."""

import pytest

from inbound.models import InboundEmail, SupportAddress
from inbound.services import email_ingest
from notifications.models import Notification
from notifications.services import notifications_for_event
from outbox.threads import reply_address
from tests.inbound import corpus
from tickets import services
from tickets.models import Message, Priority, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
State = InboundEmail.State


@pytest.fixture(autouse=True)
def addresses(db, category):
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)


@pytest.fixture
def source(bob, agent, make_ticket):
    ticket = make_ticket(bob, "Printer on fire")
    services.ticket_reply(ticket=ticket, author=agent, body="Please try a restart.")
    return ticket


@pytest.fixture
def target(alice, make_ticket):
    return make_ticket(alice, "Printer smoking")


def notification_message_id(ticket) -> str:
    event = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.REPLIED).last()
    notifications_for_event(event_id=event.pk)
    notification = Notification.objects.get(event=event, recipient__email="bob@acme.example")
    return f"<notification-{notification.pk}@helpdesk.example>"


def landed(target) -> Message:
    return Message.objects.filter(ticket=target, merged_from__isnull=True, is_internal=False).last()


def test_a_reply_to_the_merged_tickets_notification_lands_in_the_target(bob, agent, source, target):
    message_id = notification_message_id(source)
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    inbound = email_ingest(raw=corpus.gmail_reply(source.pk, message_id))

    assert inbound.state == State.REPLY
    assert inbound.ticket_id == target.pk
    message = landed(target)
    assert (message.author, message.body) == (bob, "Thanks, the restart fixed it!")
    source = Ticket.objects.get(pk=source.pk)
    assert (source.status, Message.objects.filter(ticket=source).count()) == (Status.CLOSED, 0)
    assert Ticket.objects.count() == 2  # no follow-up, no reopening


def test_a_reply_to_the_merged_tickets_reply_address_lands_in_the_target(
    bob, agent, source, target
):
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    inbound = email_ingest(raw=corpus.outlook_reply(reply_address(source.pk)))

    assert inbound.state == State.REPLY
    assert inbound.ticket_id == target.pk
    assert landed(target).body.startswith("It happened again this morning.")


def test_a_subject_naming_the_merged_ticket_lands_in_the_target(bob, agent, source, target):
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    inbound = email_ingest(
        raw=corpus.plain(subject=f"Re: [#{source.pk}] Printer on fire", body="Still smoking.")
    )

    assert inbound.ticket_id == target.pk
    assert landed(target).body == "Still smoking."


def test_threading_follows_a_chain_of_merges(bob, agent, alice, source, target, make_ticket):
    third = make_ticket(alice, "Printer gone")
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)
    services.ticket_merge(ticket=target, into=third.pk, actor=agent)

    inbound = email_ingest(raw=corpus.outlook_reply(reply_address(source.pk)))

    assert inbound.ticket_id == third.pk


def test_another_organisation_replying_to_the_merged_thread_is_still_quarantined(
    carol, agent, source, target
):
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    inbound = email_ingest(raw=corpus.outlook_reply(reply_address(source.pk), sender=carol.email))

    assert inbound.state == State.QUARANTINED
    assert f"Reply to #{target.pk} from an address that is not of its organisation." == (
        inbound.reason
    )
    assert landed(target) is None
