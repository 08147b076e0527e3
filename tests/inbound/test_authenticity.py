"""Mail is believed only as far as it is authenticated (issue 12, part 1).

Forged mail as an agent, or from a customer's domain that fails DMARC, never
posts as its claimed sender: it is quarantined with the reason.
"""

import base64

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail

from inbound import authenticity
from inbound.models import AutoReply, InboundEmail, SupportAddress
from inbound.replies import STRANGER_SUBJECT
from inbound.services import email_ingest
from outbox.threads import reply_address
from tests.inbound import corpus
from tickets import services
from tickets.models import Message, Priority, Ticket

State = InboundEmail.State
OUR_MTA = "mx.helpdesk.example"


@pytest.fixture(autouse=True)
def addresses(db, category):
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)


@pytest.fixture
def bobs_ticket(bob, agent, make_ticket):
    ticket = make_ticket(bob, "Printer on fire")
    services.ticket_reply(ticket=ticket, author=agent, body="Please try a restart.")
    return ticket


def with_results(raw: bytes, *results: str) -> bytes:
    """The message as our MTA hands it over, with its Authentication-Results on top."""
    headers = b"".join(f"Authentication-Results: {value}\r\n".encode() for value in results)
    return headers + raw


def messages_on(ticket) -> list[Message]:
    return list(Message.objects.filter(ticket=ticket).order_by("pk"))


# Forged support staff


def test_forged_mail_from_an_agent_never_posts_as_the_agent(agent, bobs_ticket):
    before = messages_on(bobs_ticket)

    forged = corpus.plain(sender="Agent@Support.Example", subject=f"Re: [#{bobs_ticket.pk}]")
    inbound = email_ingest(raw=forged)

    assert inbound.state == State.QUARANTINED
    assert "support" in inbound.reason
    assert messages_on(bobs_ticket) == before
    assert not AutoReply.objects.exists()


def test_agent_mail_needs_the_setting_even_with_aligned_dkim(agent, bobs_ticket, settings):
    settings.HELPDESK_EMAIL_AUTHSERV_IDS = [OUR_MTA]
    raw = with_results(
        corpus.outlook_reply(reply_address(bobs_ticket.pk), sender=agent.email),
        f"{OUR_MTA}; dkim=pass header.d=support.example; dmarc=pass header.from=support.example",
    )

    inbound = email_ingest(raw=raw)

    assert inbound.state == State.QUARANTINED
    assert "turned off" in inbound.reason


def test_agent_mail_with_aligned_dkim_from_our_mta_posts_where_enabled(
    agent, bobs_ticket, settings
):
    settings.HELPDESK_EMAIL_AUTHSERV_IDS = [OUR_MTA]
    settings.HELPDESK_EMAIL_AGENT_REPLIES = True
    raw = with_results(
        corpus.outlook_reply(reply_address(bobs_ticket.pk), sender=agent.email),
        f"{OUR_MTA}; dkim=pass header.d=support.example header.s=mail",
    )

    inbound = email_ingest(raw=raw)

    assert inbound.state == State.REPLY
    message = messages_on(bobs_ticket)[-1]
    assert message.author == agent
    assert not message.is_internal


@pytest.mark.parametrize(
    ("why", "results"),
    [
        ("a header written by the sender", "forger.example; dkim=pass header.d=support.example"),
        ("dkim of another domain", f"{OUR_MTA}; dkim=pass header.d=attacker.example"),
        ("a look-alike parent", f"{OUR_MTA}; dkim=pass header.d=port.example"),
        ("a bare top-level domain", f"{OUR_MTA}; dkim=pass header.d=example"),
        ("dkim that failed", f"{OUR_MTA}; dkim=fail header.d=support.example"),
        ("no results at all", None),
    ],
)
def test_agent_mail_without_trusted_aligned_dkim_is_quarantined(
    why, results, agent, bobs_ticket, settings
):
    settings.HELPDESK_EMAIL_AUTHSERV_IDS = [OUR_MTA]
    settings.HELPDESK_EMAIL_AGENT_REPLIES = True
    raw = corpus.outlook_reply(reply_address(bobs_ticket.pk), sender=agent.email)
    if results:
        raw = with_results(raw, results)
    before = messages_on(bobs_ticket)

    inbound = email_ingest(raw=raw)

    assert inbound.state == State.QUARANTINED, why
    assert "DKIM" in inbound.reason
    assert messages_on(bobs_ticket) == before


def test_mail_from_our_own_domain_that_is_no_user_is_quarantined_without_an_answer(db):
    inbound = email_ingest(raw=corpus.plain(sender="billing@helpdesk.example"))

    assert inbound.state == State.QUARANTINED
    assert not Ticket.objects.exists()
    assert not AutoReply.objects.exists()


# Customers' domains that fail DMARC


def test_a_customer_from_that_fails_dmarc_is_quarantined_on_their_own_ticket(bob, bobs_ticket):
    raw = with_results(
        corpus.outlook_reply(reply_address(bobs_ticket.pk)),
        "mx.elsewhere.example; dmarc=fail (p=reject) header.from=acme.example",
    )
    before = messages_on(bobs_ticket)

    inbound = email_ingest(raw=raw)

    assert inbound.state == State.QUARANTINED
    assert "dmarc=fail" in inbound.reason
    assert messages_on(bobs_ticket) == before


def test_a_new_request_that_fails_dmarc_opens_nothing_and_answers_nobody(bob):
    raw = with_results(corpus.plain(), f"{OUR_MTA}; spf=fail; dmarc=fail header.from=acme.example")

    inbound = email_ingest(raw=raw)

    assert inbound.state == State.QUARANTINED
    assert not Ticket.objects.exists()
    assert not AutoReply.objects.exists()


def test_dmarc_failing_for_another_domain_says_nothing_of_this_from(bob):
    raw = with_results(corpus.plain(), f"{OUR_MTA}; dmarc=fail header.from=other.example")

    assert email_ingest(raw=raw).state == State.TICKET


def test_a_desk_that_requires_authentication_quarantines_mail_without_it(bob, settings):
    settings.HELPDESK_EMAIL_AUTHSERV_IDS = [OUR_MTA]
    settings.HELPDESK_EMAIL_REQUIRE_AUTH = True

    bare = email_ingest(raw=corpus.plain(subject="No results"))
    foreign_pass = email_ingest(
        raw=with_results(
            corpus.plain(subject="Forged pass"),
            "forger.example; dmarc=pass header.from=acme.example",
        )
    )
    passed = email_ingest(
        raw=with_results(
            corpus.plain(subject="Real"), f"{OUR_MTA}; dmarc=pass header.from=acme.example"
        )
    )

    assert bare.state == foreign_pass.state == State.QUARANTINED
    assert "requires DMARC or DKIM" in bare.reason
    assert passed.state == State.TICKET
    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Real"]


# Our own DKIM check (dkimpy), for an MTA that adds no results


@pytest.fixture(scope="module")
def dkim_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.fixture
def dns(dkim_key, monkeypatch):
    """The DNS is the world outside: serve our test key for mail._domainkey.support.example."""
    records = {b"mail._domainkey.support.example.": dkim_key[1]}
    monkeypatch.setattr(authenticity, "dns_lookup", lambda name, timeout=5: records.get(name))


def signed(raw: bytes, private_key: bytes, domain: bytes = b"support.example") -> bytes:
    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    signature = dkim.sign(raw, b"mail", domain, private_key, include_headers=[b"from", b"subject"])
    return signature + raw


def test_our_own_dkim_check_lets_a_signed_agent_reply_post(
    agent, bobs_ticket, settings, dns, dkim_key
):
    settings.HELPDESK_EMAIL_VERIFY_DKIM = True
    settings.HELPDESK_EMAIL_AGENT_REPLIES = True
    raw = signed(
        corpus.outlook_reply(reply_address(bobs_ticket.pk), sender=agent.email), dkim_key[0]
    )

    inbound = email_ingest(raw=raw)

    assert inbound.state == State.REPLY
    assert messages_on(bobs_ticket)[-1].author == agent


def test_our_own_dkim_check_refuses_a_signed_message_changed_on_the_way(
    agent, bobs_ticket, settings, dns, dkim_key
):
    settings.HELPDESK_EMAIL_VERIFY_DKIM = True
    settings.HELPDESK_EMAIL_AGENT_REPLIES = True
    raw = signed(
        corpus.outlook_reply(reply_address(bobs_ticket.pk), sender=agent.email), dkim_key[0]
    )
    tampered = raw.replace(b"RE: Printer on fire", b"RE: Wire the money")

    inbound = email_ingest(raw=tampered)

    assert inbound.state == State.QUARANTINED
    assert "DKIM" in inbound.reason


# The stranger's auto-reply


def test_a_strangers_answer_carries_none_of_the_attackers_text(db, deliver_outbox):
    email_ingest(
        raw=corpus.plain(
            sender="victim@example.org",
            subject="URGENT: reset your password at http://evil.example",
            body="Click http://evil.example now",
        )
    )
    deliver_outbox()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == STRANGER_SUBJECT
    assert "evil.example" not in sent.subject + sent.body


# A From that two readers could read differently is never believed


@pytest.mark.parametrize(
    "from_header",
    [
        b"From: bob@acme.example <attacker@evil.example>\r\n",  # address in the display name
        b"From: =?utf-8?b?Ym9iQGFjbWUuZXhhbXBsZQ==?=\r\n",  # only an encoded word
        b"From: bob@acme.example, attacker@evil.example\r\n",  # two mailboxes
        b"From: bob@acme.example\r\nFrom: attacker@evil.example\r\n",  # two headers
    ],
)
def test_a_from_that_can_be_read_two_ways_is_quarantined(from_header, bob, bobs_ticket):
    raw = (
        from_header
        + (
            f"To: {reply_address(bobs_ticket.pk)}\r\nSubject: Re: [#{bobs_ticket.pk}]\r\n"
            "Authentication-Results: mx.helpdesk.example; dmarc=pass header.from=evil.example\r\n"
            "Message-ID: <trick@evil.example>\r\n\r\nWire the money to this account.\r\n"
        ).encode()
    )
    before = messages_on(bobs_ticket)

    inbound = email_ingest(raw=raw)

    assert inbound.state == State.QUARANTINED
    assert "Unreadable sender" in inbound.reason
    assert messages_on(bobs_ticket) == before
    assert not AutoReply.objects.exists()


def test_a_display_name_and_an_address_read_as_the_address(bob):
    inbound = email_ingest(raw=corpus.plain(sender='"Bob Brandt" <bob@acme.example>'))

    assert inbound.state == State.TICKET
    assert inbound.sender == "bob@acme.example"
