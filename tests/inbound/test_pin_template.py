"""Seed 000's email template is recognised as the seed prints it, as the Get
support page gives it out, and as people retype it (issue 13, item 2)."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import PinCheck
from accounts.pins import pin_set
from inbound.models import InboundEmail, SupportAddress
from inbound.parsing import pin_masked, pin_template
from inbound.services import email_ingest
from tests.inbound import corpus
from tickets.models import Priority, Ticket, TicketEvent

PIN = "480213"

# Seed 000, "Email Support", step 1: the template exactly as the seed prints it
# (its four-space indentation included), one value after each label.
SEED_TEMPLATE = (
    "    Account Alias: ACME\n"
    "    Control Portal Username: bob@acme.example\n"
    f"    User PIN: {PIN}\n"
    "    Data Center: FRA-1\n"
    "    Servers, Systems or Services Affected: db-2\n"
    "    Detailed Description of the Request/Problem: the disk is full\n"
    "    Dates/Time (if applicable): since 03:12 UTC\n"
)

# The same seed lines with nothing filled in, as a customer might send them by mistake.
SEED_TEMPLATE_UNFILLED = (
    "    Account Alias:\n"
    "    Control Portal Username:\n"
    "    User PIN:\n"
    "    Data Center:\n"
    "    Servers, Systems or Services Affected:\n"
    "    Detailed Description of the Request/Problem:\n"
    "    Dates/Time (if applicable):\n"
)


@pytest.fixture(autouse=True)
def addresses(db, category):
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)


def sender_check(ticket) -> str:
    return TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.SENDER).to_value


def send(body: str, sender: str = "bob@acme.example") -> InboundEmail:
    return email_ingest(raw=corpus.plain(sender=sender, subject="Disk full", body=body))


def test_the_seeds_template_verbatim_verifies_the_sender_and_masks_the_pin(bob):
    pin_set(user=bob, pin=PIN)

    inbound = send(SEED_TEMPLATE)

    ticket = Ticket.objects.get()
    assert sender_check(ticket) == "verified"
    assert inbound.reason == f"Opened #{ticket.pk} (sender verified by PIN)."
    assert "    User PIN: ••••••\n" in ticket.description + "\n"
    assert "    Control Portal Username: bob@acme.example" in ticket.description
    assert PIN not in ticket.description
    assert PIN.encode() not in bytes(inbound.raw)
    check = PinCheck.objects.get()
    assert (check.alias, check.email, check.verified) == ("ACME", "bob@acme.example", True)


def test_the_seeds_template_with_a_wrong_pin_is_not_verified(bob):
    pin_set(user=bob, pin=PIN)

    send(SEED_TEMPLATE.replace(PIN, "111999"))

    assert sender_check(Ticket.objects.get()) == "not verified"
    assert PinCheck.objects.get().verified is False


def test_the_seeds_template_sent_unfilled_is_no_pin_try(bob):
    pin_set(user=bob, pin=PIN)

    send(SEED_TEMPLATE_UNFILLED)

    assert sender_check(Ticket.objects.get()) == "not verified"
    assert PinCheck.objects.count() == 0


def test_the_template_the_get_support_page_gives_out_verifies_once_the_pin_is_filled_in(login, bob):
    pin_set(user=bob, pin=PIN)
    page = login(bob).get(reverse("get_support")).content.decode()
    given = html.unescape(re.search(r'<pre id="support-template">(.*?)</pre>', page, re.S)[1])

    send(given.replace("(your support PIN)", PIN))

    assert sender_check(Ticket.objects.get()) == "verified"


def test_the_get_support_template_sent_back_unfilled_counts_no_try(login, bob):
    pin_set(user=bob, pin=PIN)
    page = login(bob).get(reverse("get_support")).content.decode()
    given = html.unescape(re.search(r'<pre id="support-template">(.*?)</pre>', page, re.S)[1])

    send(given)

    assert sender_check(Ticket.objects.get()) == "not verified"
    assert PinCheck.objects.count() == 0
    assert "User PIN: ••••••" in Ticket.objects.get().description


@pytest.mark.parametrize(
    "text",
    [
        # the seed's labels in other cases and spacing
        "account alias: ACME\ncontrol portal username: bob@acme.example\nuser pin: 480213",
        "ACCOUNT ALIAS : ACME\nCONTROL PORTAL USERNAME : bob@acme.example\nUSER PIN : 480213",
        "Account Alias:ACME\nControl Portal Username:bob@acme.example\nUser PIN:480213",
        "\tAccount  Alias:\tACME\n\tControl  Portal  Username:\tbob@acme.example\n\tUser  PIN:\t480213",
        # no colon
        "Account Alias ACME\nControl Portal Username bob@acme.example\nUser PIN 480213",
        # the Get support page's labels, and other common ones
        "Account Alias: ACME\nUsername: bob@acme.example\nUser PIN: 480213",
        "Alias: ACME\nUser name: bob@acme.example\nPIN: 480213",
        "Account-Alias = ACME\nPortal User-Name = bob@acme.example\nSupport PIN = 480213",
        # bold, bullets, a quoted copy, no-break spaces and a mailto link from HTML mail
        "**Account Alias:** ACME\n**Control Portal Username:** bob@acme.example\n**User PIN:** 480213",
        "- Account Alias: ACME\n- Control Portal Username: <bob@acme.example>\n- User PIN: 480213",
        "> Account Alias:\u00a0ACME\n> Control Portal Username:\u00a0mailto:bob@acme.example\n"
        "> User PIN:\u00a0480213",
    ],
)
def test_common_variants_of_the_template_are_read_and_their_pin_masked(text):
    found = pin_template(text)

    assert found is not None
    assert (found.alias.upper(), found.username, found.pin) == ("ACME", "bob@acme.example", PIN)
    assert PIN not in pin_masked(text)


def test_an_html_only_email_with_the_template_in_a_table_verifies(bob):
    from email.message import EmailMessage

    pin_set(user=bob, pin=PIN)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = bob.email, corpus.SUPPORT, "Disk full"
    message["Message-ID"] = "<html-template-1@mail.example>"
    message.set_content(
        "<table><tr><td><b>Account Alias:</b></td><td>ACME</td></tr>"
        "<tr><td>Control Portal Username:</td>"
        '<td><a href="mailto:bob@acme.example">bob@acme.example</a></td></tr>'
        f"<tr><td>User PIN:</td><td>{PIN}</td></tr></table>",
        subtype="html",
    )

    email_ingest(raw=message.as_bytes())

    assert sender_check(Ticket.objects.get()) == "verified"
    assert PIN not in Ticket.objects.get().description


@pytest.mark.parametrize(
    "text",
    [
        "Our account alias is ACME and the username is wrong.\nPIN please?",
        "Username is bob\nAlias problems\nPinned servers: 3",
    ],
)
def test_prose_that_mentions_the_labels_is_no_template(text):
    assert pin_template(text) is None
