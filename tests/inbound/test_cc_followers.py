"""Copied colleagues follow the ticket (issue 18): the To and Cc addresses that
are active users of the ticket's organisation, on a new ticket and on a
reply; every other address is ignored, and a hostile header cannot crash it."""

import pytest

from accounts.models import User
from inbound.models import InboundEmail, SupportAddress
from inbound.parsing import MAX_COPIED, parse
from inbound.services import email_ingest
from outbox.threads import reply_address
from tests.helpers import PASSWORD
from tests.inbound import corpus
from tickets import services
from tickets.models import Priority, Ticket, TicketFollower

State = InboundEmail.State


@pytest.fixture(autouse=True)
def addresses(db, category):
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)


OUR_MTA = "mx.helpdesk.example"


@pytest.fixture(autouse=True)
def trusted_mta(settings):
    settings.HELPDESK_EMAIL_AUTHSERV_IDS = [OUR_MTA]


def ingest(*, raw: bytes) -> InboundEmail:
    """The message as our MTA hands it over: its From's domain passed DMARC."""
    sender = parse(raw).sender
    domain = sender.rpartition("@")[2]
    result = f"Authentication-Results: {OUR_MTA}; dmarc=pass header.from={domain}\r\n"
    return email_ingest(raw=result.encode() + raw)


def member(organization, email: str, **fields) -> User:
    return User.objects.create_user(
        email,
        PASSWORD,
        full_name=email.split("@")[0].title(),
        role=User.Role.MEMBER,
        organization=organization,
        **fields,
    )


def followers_of(ticket) -> list[str]:
    return sorted(
        TicketFollower.objects.filter(ticket=ticket).values_list("user__email", flat=True)
    )


def test_copied_colleagues_follow_a_new_ticket(bob, alice, carol, agent, acme):
    member(acme, "dave@acme.example")
    gone = member(acme, "erin@acme.example")
    gone.is_active = False
    gone.save()

    inbound = ingest(
        raw=corpus.plain(
            to=f"Support <{corpus.SUPPORT}>, Dave <DAVE@acme.example>",
            Cc="alice@acme.example, carol@globex.example, agent@support.example, "
            "erin@acme.example, stranger@acme.example, bob@acme.example",
        )
    )

    ticket = Ticket.objects.get()
    assert inbound.state == State.TICKET
    # Never another organisation, support staff, the inactive, a stranger or the sender.
    assert followers_of(ticket) == ["alice@acme.example", "dave@acme.example"]
    assert not User.objects.filter(email="stranger@acme.example").exists()


def test_copied_colleagues_follow_on_a_reply(bob, agent, acme, make_ticket):
    ticket = make_ticket(bob, "Printer on fire")
    services.ticket_reply(ticket=ticket, author=agent, body="Please try a restart.")
    member(acme, "dave@acme.example")

    inbound = ingest(
        raw=corpus.plain(
            to=reply_address(ticket.pk),
            subject="Re: Printer on fire",
            body="Still burning.\n",
            Cc="Dave <dave@acme.example>",
        )
    )

    assert inbound.state == State.REPLY
    assert followers_of(ticket) == ["dave@acme.example"]


def test_a_copy_from_another_organisation_adds_nobody(carol, globex, acme):
    member(acme, "dave@acme.example")

    ingest(raw=corpus.plain(sender="carol@globex.example", Cc="dave@acme.example"))

    assert TicketFollower.objects.count() == 0


def test_a_huge_cc_list_is_read_only_so_far(bob, acme):
    people = [member(acme, f"p{n}@acme.example") for n in range(MAX_COPIED + 10)]
    cc = ", ".join(person.email for person in reversed(people))

    inbound = ingest(raw=corpus.plain(Cc=cc))

    assert inbound.state == State.TICKET
    # At most the cap of a ticket, of the first addresses read.
    assert TicketFollower.objects.count() == 20
    assert len(parse(corpus.plain(Cc=cc)).copied) == MAX_COPIED


def test_forged_and_malformed_copy_headers_do_not_crash(bob, acme):
    member(acme, "dave@acme.example")
    raw = (
        b"From: bob@acme.example\r\n"
        b"To: help@helpdesk.example\r\n"
        b'Cc: =?utf-8?b?!!notbase64?= <dave@acme.example>, "unterminated <x@y\r\n'
        b"Cc: =?x-unknown?q?=FF=FE?=, <<<>>>, @@@, dave@acme.example\r\n"
        b"To: " + b"x" * 200_000 + b"@acme.example, " + b"<a@b>," * 20_000 + b"\r\n"
        b"Subject: Printer\r\n"
        b"Message-ID: <forged-cc@mail.example>\r\n"
        b"\r\n"
        b"It is on fire.\r\n"
    )

    inbound = ingest(raw=raw)

    assert inbound.state == State.TICKET
    assert followers_of(Ticket.objects.get()) in ([], ["dave@acme.example"])


def test_mail_that_may_not_be_from_its_sender_subscribes_nobody(bob, acme):
    """The desk lets unauthenticated mail post (HELPDESK_EMAIL_REQUIRE_AUTH off),
    but a forged From must not sign colleagues up to a ticket's emails."""
    dave = member(acme, "dave@acme.example")

    inbound = email_ingest(raw=corpus.plain(Cc="dave@acme.example"))

    assert inbound.state == State.TICKET
    assert not TicketFollower.objects.filter(user=dave).exists()


def test_a_copied_address_matches_whatever_its_case_was_stored_in(bob, acme):
    dave = member(acme, "dave@acme.example")
    User.objects.filter(pk=dave.pk).update(email="Dave@Acme.example")  # as the admin form keeps it

    inbound = ingest(raw=corpus.plain(Cc="dave@acme.example"))

    assert TicketFollower.objects.filter(ticket=inbound.ticket, user=dave).exists()
