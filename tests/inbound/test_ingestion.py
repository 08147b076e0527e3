"""Mail in: each message of the corpus lands exactly where the rules say."""

import io
import logging
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import PinCheck
from accounts.pins import pin_set
from inbound.models import AutoReply, InboundEmail, SupportAddress
from inbound.services import email_ingest, email_process
from notifications.emails import build_email
from notifications.models import Notification
from notifications.services import notifications_for_event
from outbox.threads import reply_address
from tests.inbound import corpus
from tickets import services
from tickets.models import Category, Channel, Message, Priority, Status, Ticket, TicketEvent

State = InboundEmail.State


@pytest.fixture(autouse=True)
def addresses(db, category):
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)
    SupportAddress.objects.create(email=corpus.HIGH, priority=Priority.HIGH)


def ingest(raw: bytes, **kwargs) -> InboundEmail:
    return email_ingest(raw=raw, **kwargs)


def sender_check(ticket) -> str:
    return TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.SENDER).to_value


# New tickets


def test_a_plain_message_from_a_customer_opens_a_ticket(bob):
    inbound = ingest(corpus.plain())

    ticket = Ticket.objects.get()
    assert inbound.state == State.TICKET
    assert inbound.ticket == ticket
    assert (ticket.subject, ticket.description) == ("Printer on fire", "It is on fire.")
    assert ticket.requester == bob
    assert ticket.organization == bob.organization
    assert ticket.channel == Channel.EMAIL
    assert ticket.priority == Priority.NORMAL
    assert ticket.status == Status.OPEN
    assert sender_check(ticket) == "not verified"


def test_the_high_priority_address_opens_high_priority_tickets_of_its_category(bob, billing):
    SupportAddress.objects.filter(email=corpus.HIGH).update(category=billing)

    ingest(corpus.plain(to=f"Support <{corpus.HIGH}>"))

    ticket = Ticket.objects.get()
    assert ticket.priority == Priority.HIGH
    assert ticket.category == billing


def test_html_only_mail_becomes_safe_text(bob):
    ingest(corpus.html_only())

    description = Ticket.objects.get().description
    assert "Invoice 4711 is wrong." in description
    assert "<" not in description
    assert "alert(" not in description


def test_accepted_files_are_kept_and_refused_ones_are_listed_back(bob, deliver_outbox):
    raw = corpus.with_attachments(
        ["screenshot.png", "notes.txt", "setup.exe"], contents={"setup.exe": b"MZ\x90\x00binary"}
    )

    ingest(raw)

    ticket = Ticket.objects.get()
    assert sorted(ticket.attachments.values_list("name", flat=True)) == [
        "notes.txt",
        "screenshot.png",
    ]
    reply = AutoReply.objects.get()
    assert reply.kind == AutoReply.Kind.REFUSED_FILES
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bob@acme.example"]
    assert "setup.exe" in mail.outbox[0].body
    assert "screenshot.png" not in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-replied"
    assert deliver_outbox() == 0  # never twice


def test_a_forwarded_message_keeps_what_was_forwarded(bob):
    ingest(corpus.forwarded())

    ticket = Ticket.objects.get()
    assert ticket.subject == "Fwd: CRITICAL: db-2 disk 95%"
    assert "Disk usage on db-2 is 95%." in ticket.description


def test_non_utf8_bodies_and_encoded_subjects_are_decoded(bob):
    ingest(corpus.latin1())

    ticket = Ticket.objects.get()
    assert ticket.subject == "Störung in Köln"
    assert ticket.description == "Grüße aus Köln: der Server antwortet nicht."


def test_encoded_names_and_unicode_subjects(bob):
    ingest(corpus.encoded_sender_name())

    ticket = Ticket.objects.get()
    assert ticket.requester == bob
    assert ticket.subject == "Ünïcödé subject ✓"


def test_a_base64_body_is_decoded(bob):
    ingest(corpus.base64_body())

    assert Ticket.objects.get().description == "Zeile mit Umlaut: äöü"


# PINs


def test_the_template_with_the_senders_own_pin_verifies_and_the_pin_is_masked_everywhere(
    bob, caplog
):
    pin_set(user=bob, pin="480213")
    caplog.set_level(logging.DEBUG)

    inbound = ingest(corpus.with_pin())

    ticket = Ticket.objects.get()
    assert sender_check(ticket) == "verified"
    assert "User PIN: ••••••" in ticket.description
    assert "480213" not in ticket.description
    assert b"480213" not in bytes(inbound.raw)
    assert all("480213" not in (e.from_value + e.to_value) for e in TicketEvent.objects.all())
    assert "480213" not in caplog.text
    assert PinCheck.objects.get().agent is None


def test_a_wrong_pin_is_not_verified(bob):
    pin_set(user=bob, pin="480213")

    ingest(corpus.with_pin(pin="111999"))

    assert sender_check(Ticket.objects.get()) == "not verified"
    assert "111999" not in Ticket.objects.get().description


def test_someone_elses_valid_pin_does_not_verify_the_sender(alice, bob):
    pin_set(user=alice, pin="480213")

    ingest(corpus.with_pin(username=alice.email, sender=bob.email))

    assert sender_check(Ticket.objects.get()) == "not verified"


# Replies


@pytest.fixture
def bobs_ticket(bob, agent, make_ticket):
    ticket = make_ticket(bob, "Printer on fire")
    services.ticket_reply(ticket=ticket, author=agent, body="Please try a restart.")
    return ticket


def notification_message_id(ticket) -> str:
    event = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.REPLIED).last()
    notifications_for_event(event_id=event.pk)
    notification = Notification.objects.get(event=event, recipient__email="bob@acme.example")
    return f"<notification-{notification.pk}@helpdesk.example>"


def test_a_gmail_reply_threads_by_in_reply_to_and_loses_the_quote(bob, bobs_ticket):
    inbound = ingest(corpus.gmail_reply(bobs_ticket.pk, notification_message_id(bobs_ticket)))

    message = Message.objects.filter(ticket=bobs_ticket).last()
    assert inbound.state == State.REPLY
    assert message.author == bob
    assert message.body == "Thanks, the restart fixed it!"
    assert Ticket.objects.count() == 1


def test_an_outlook_reply_threads_by_the_reply_address(bob, bobs_ticket):
    inbound = ingest(corpus.outlook_reply(reply_address(bobs_ticket.pk)))

    message = Message.objects.filter(ticket=bobs_ticket).last()
    assert inbound.state == State.REPLY
    assert message.body.startswith("It happened again this morning.")
    assert "Please try a restart" not in message.body


def test_a_forged_reply_address_threads_nowhere(bob, bobs_ticket):
    forged = reply_address(bobs_ticket.pk).replace(
        f"+t{bobs_ticket.pk}.", f"+t{bobs_ticket.pk + 1}."
    )

    ingest(corpus.outlook_reply(forged))

    assert Message.objects.filter(ticket=bobs_ticket).count() == 1
    assert Ticket.objects.count() == 2  # a new ticket of bob's, not a post elsewhere


def test_a_spoofed_reply_from_another_organisation_is_quarantined(carol, bobs_ticket):
    inbound = ingest(corpus.outlook_reply(reply_address(bobs_ticket.pk), sender=carol.email))

    assert inbound.state == State.QUARANTINED
    assert "not of its organisation" in inbound.reason
    assert Message.objects.filter(ticket=bobs_ticket).count() == 1
    assert AutoReply.objects.count() == 0


def test_a_colleague_of_the_same_organisation_may_reply(alice, bobs_ticket):
    inbound = ingest(corpus.outlook_reply(reply_address(bobs_ticket.pk), sender=alice.email))

    assert inbound.state == State.REPLY
    assert Message.objects.filter(ticket=bobs_ticket).last().author == alice


def test_a_reply_to_a_closed_ticket_reopens_it_under_the_reopen_policy(bob, bobs_ticket):
    services.ticket_close(ticket=bobs_ticket, actor=bob)

    inbound = ingest(corpus.outlook_reply(reply_address(bobs_ticket.pk)))

    bobs_ticket.refresh_from_db()
    assert bobs_ticket.status == Status.OPEN
    assert inbound.state == State.REPLY
    assert "reopened" in inbound.reason


def test_a_reply_to_a_closed_ticket_opens_a_follow_up_under_that_policy(carol, make_ticket):
    ticket = make_ticket(carol)
    services.ticket_close(ticket=ticket, actor=carol)

    inbound = ingest(corpus.outlook_reply(reply_address(ticket.pk), sender=carol.email))

    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert inbound.state == State.TICKET
    assert inbound.ticket == follow_up
    assert follow_up.description.startswith("It happened again this morning.")


# Machines, loops, strangers, floods, duplicates


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (corpus.auto_reply(), "Auto-Submitted"),
        (corpus.bounce(), "bounce"),
        (corpus.list_mail(), "Precedence"),
        (corpus.plain(sender="Helpdesk <support@helpdesk.example>"), "loop"),
        (corpus.plain(sender=corpus.HIGH), "loop"),
    ],
)
def test_automatic_mail_and_our_own_mail_are_ignored_and_never_answered(raw, why, bob):
    inbound = ingest(raw)

    assert inbound.state == State.IGNORED
    assert why in inbound.reason
    assert not Ticket.objects.exists()
    assert not AutoReply.objects.exists()


def test_an_unknown_sender_is_quarantined_and_answered_once_a_day(db, deliver_outbox):
    first = ingest(corpus.plain(sender="stranger@example.org"))
    second = ingest(corpus.plain(sender="stranger@example.org", subject="Again"))

    assert first.state == second.state == State.QUARANTINED
    assert not Ticket.objects.exists()
    assert AutoReply.objects.filter(kind=AutoReply.Kind.STRANGER).count() == 1
    deliver_outbox()
    assert [m.to for m in mail.outbox] == [["stranger@example.org"]]
    assert "could not match your address" in mail.outbox[0].body


def test_a_deactivated_users_mail_is_treated_as_a_strangers(bob):
    bob.is_active = False
    bob.save()

    assert ingest(corpus.plain()).state == State.QUARANTINED


def test_too_many_tickets_from_one_sender_are_quarantined(bob, settings):
    settings.HELPDESK_EMAIL_TICKETS_PER_HOUR = 2
    states = [ingest(corpus.plain(subject=f"Flood {n}")).state for n in range(3)]

    assert states == [State.TICKET, State.TICKET, State.QUARANTINED]
    assert Ticket.objects.count() == 2


def test_the_same_message_delivered_twice_gives_one_result(bob):
    raw = corpus.plain(message_id="<same-1@mail.example>")

    first = ingest(raw)
    second = ingest(raw)

    assert first.pk == second.pk
    assert Ticket.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_a_message_without_message_id_is_deduplicated_by_content(bob):
    raw = corpus.plain().replace(b"Message-ID:", b"X-Old-Message-ID:")

    ingest(raw)
    ingest(raw)

    assert Ticket.objects.count() == 1


def test_a_failure_is_kept_visible_and_can_be_retried(bob):
    Category.objects.update(is_active=False)

    inbound = ingest(corpus.plain())

    assert inbound.state == State.FAILED
    assert "No active ticket type" in inbound.error
    assert bytes(inbound.raw)  # kept for the retry
    Category.objects.update(is_active=True)
    assert email_process(inbound_id=inbound.pk) == State.TICKET
    assert Ticket.objects.count() == 1


def test_a_handled_message_is_never_handled_again(bob):
    inbound = ingest(corpus.plain())

    assert email_process(inbound_id=inbound.pk) is None
    assert Ticket.objects.count() == 1


# The MTA pipe


def test_ingest_email_reads_a_file(bob, tmp_path):
    path = tmp_path / "message.eml"
    path.write_bytes(corpus.plain())
    out = io.StringIO()

    call_command("ingest_email", str(path), stdout=out)

    assert "Opened a ticket" in out.getvalue()
    assert Ticket.objects.count() == 1


def test_ingest_email_reads_standard_input(bob, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(corpus.latin1())))

    call_command("ingest_email", "-", stdout=io.StringIO())

    assert Ticket.objects.get().subject == "Störung in Köln"


def test_ingest_email_refuses_an_empty_message(db, tmp_path):
    path = tmp_path / "empty.eml"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match="empty"):
        call_command("ingest_email", str(path))


# Quarantine, for support admins


def test_a_support_admin_turns_a_quarantined_message_into_a_ticket(login, support_admin, bob):
    inbound = ingest(corpus.plain(sender="bob.private@example.org"))
    admin = login(support_admin)
    url = reverse("admin:inbound_inboundemail_to_ticket", args=[inbound.pk])

    refused = admin.post(url, {"organization": "GLOBEX", "requester": bob.email})
    assert "No active organisation" in refused.content.decode()
    admin.post(url, {"organization": "acme", "requester": bob.email})

    ticket = Ticket.objects.get()
    assert ticket.requester == bob
    assert ticket.subject == "Printer on fire"
    inbound.refresh_from_db()
    assert inbound.state == State.TICKET


def test_a_support_admin_discards_a_quarantined_message(login, support_admin, db):
    inbound = ingest(corpus.plain(sender="spam@example.org"))

    login(support_admin).post(
        reverse("admin:inbound_inboundemail_changelist"),
        {"action": "discard", "_selected_action": [inbound.pk]},
    )

    inbound.refresh_from_db()
    assert inbound.state == State.DISCARDED


def test_customers_and_agents_never_reach_the_received_mail(login, alice, agent, db):
    inbound = ingest(corpus.plain(sender="stranger@example.org"))
    url = reverse("admin:inbound_inboundemail_change", args=[inbound.pk])

    assert login(alice).get(url).status_code == 302
    assert login(agent).get(url).status_code == 302


def test_a_reply_to_a_solved_ticket_sends_it_back_to_support(bob, agent, bobs_ticket):
    services.ticket_change_status(ticket=bobs_ticket, actor=agent, action="solve")

    ingest(corpus.outlook_reply(reply_address(bobs_ticket.pk)))

    bobs_ticket.refresh_from_db()
    assert bobs_ticket.status == Status.OPEN  # back to the queue, as the lifecycle says


def test_a_message_forwarded_as_an_attachment_keeps_the_text_and_lists_the_eml_back(bob):
    inner = corpus.plain(sender="alerts@acme.example", subject="CRITICAL")
    outer = EmailMessage()
    outer["From"] = "bob@acme.example"
    outer["To"] = corpus.SUPPORT
    outer["Subject"] = "Fwd: CRITICAL"
    outer["Message-ID"] = "<fwd-attached@mail.example>"
    outer.set_content("See the attached alert.\n")
    outer.add_attachment(message_from_bytes(inner, policy=policy.default))

    ingest(outer.as_bytes())

    ticket = Ticket.objects.get()
    assert ticket.description == "See the attached alert."
    assert not ticket.attachments.exists()
    assert "forwarded-1.eml" in AutoReply.objects.get().body


def test_the_sender_is_told_the_ticket_number_and_how_to_reply(bob, agent):
    inbound = ingest(corpus.plain())
    created = TicketEvent.objects.get(ticket=inbound.ticket, kind=TicketEvent.Kind.CREATED)

    notifications_for_event(event_id=created.pk)

    received = Notification.objects.get(recipient=bob)
    assert received.kind == "received"
    assert Notification.objects.filter(recipient=agent, kind="new_ticket").exists()

    email = build_email(received)
    assert f"it is ticket #{inbound.ticket.pk}" in email.body
    assert email.reply_to == [reply_address(inbound.ticket.pk)]
    # It answers the customer's own email, so their mail client threads the two.
    assert email.extra_headers["In-Reply-To"] == inbound.message_id
    assert email.extra_headers["References"] == (
        f"{inbound.message_id} <ticket-{inbound.ticket.pk}@helpdesk.example>"
    )


def test_agents_see_the_sender_check_on_the_ticket_and_customers_do_not(login, bob, agent):
    inbound = ingest(corpus.plain())
    url = reverse("tickets:detail", args=[inbound.ticket.pk])

    assert "email sender not verified" in login(agent).get(url).content.decode()
    assert "sender not verified" not in login(bob).get(url).content.decode()


def test_a_support_admin_retries_failed_messages_from_the_admin(login, support_admin, bob):
    Category.objects.update(is_active=False)
    inbound = ingest(corpus.plain())
    Category.objects.update(is_active=True)

    login(support_admin).post(
        reverse("admin:inbound_inboundemail_changelist"),
        {"action": "retry", "_selected_action": [inbound.pk]},
    )

    inbound.refresh_from_db()
    assert inbound.state == State.TICKET
    assert inbound.error == ""


def test_naming_someone_elses_username_in_the_template_never_counts_against_them(
    carol, bob, settings
):
    settings.HELPDESK_EMAIL_TICKETS_PER_HOUR = 100
    pin_set(user=bob, pin="480913")

    for n in range(6):
        email_ingest(
            raw=corpus.with_pin(
                alias="ACME", username="bob@acme.example", pin=f"11111{n}", sender=carol.email
            )
        )

    assert not PinCheck.objects.filter(user=bob).exists()  # support can still verify bob
