"""The IMAP poller against a real Dovecot on loopback, over TLS."""

import dataclasses
import imaplib
import ssl

import pytest

from inbound.imap import mailbox_poll, mailboxes_poll
from inbound.models import InboundEmail, SupportAddress
from inbound.services import email_ingest
from tests.inbound import corpus
from tests.inbound.mailbox import deliver, uids
from tickets.models import Priority, Ticket

pytestmark = pytest.mark.imap


@pytest.fixture(autouse=True)
def addresses(db, category):
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)
    SupportAddress.objects.create(email=corpus.HIGH, priority=Priority.HIGH)


def test_the_poller_takes_each_message_once_and_marks_it_seen(imap_server, bob):
    duplicate = corpus.plain(message_id="<dup-1@mail.example>")
    deliver(imap_server, duplicate, duplicate, corpus.auto_reply(), corpus.latin1())

    assert mailbox_poll(box=imap_server) == 4

    assert Ticket.objects.count() == 2
    assert InboundEmail.objects.count() == 3
    assert set(InboundEmail.objects.values_list("source", flat=True)) == {"imap"}
    assert uids(imap_server, "UNSEEN") == []
    assert mailbox_poll(box=imap_server) == 0
    assert Ticket.objects.count() == 2


def test_with_a_done_folder_handled_messages_are_moved(imap_server, bob):
    box = dataclasses.replace(imap_server, done_folder="Handled")
    deliver(box, corpus.plain(), corpus.html_only())

    assert mailbox_poll(box=box) == 2

    assert uids(box, "ALL") == []
    assert len(uids(box, "ALL", folder="Handled")) == 2
    assert Ticket.objects.count() == 2


def test_a_crash_after_storing_but_before_marking_doubles_nothing(imap_server, bob):
    raw = corpus.plain()
    deliver(imap_server, raw)
    email_ingest(raw=raw)  # the first poll stored and handled it, then died before \\Seen

    assert mailbox_poll(box=imap_server) == 1

    assert Ticket.objects.count() == 1
    assert uids(imap_server, "UNSEEN") == []


def test_a_wrong_password_stores_nothing(imap_server, bob):
    deliver(imap_server, corpus.plain())

    with pytest.raises(imaplib.IMAP4.error):
        mailbox_poll(box=dataclasses.replace(imap_server, password="wrong"))

    assert not InboundEmail.objects.exists()


def test_an_untrusted_certificate_is_refused(imap_server, bob):
    deliver(imap_server, corpus.plain())

    with pytest.raises(ssl.SSLCertVerificationError):
        mailbox_poll(box=dataclasses.replace(imap_server, ca_file=""))

    assert not InboundEmail.objects.exists()


def test_without_a_configured_host_the_poller_does_nothing(db, settings):
    settings.HELPDESK_IMAP_HOST = ""

    assert mailbox_poll() == 0


def url_of(box, **query) -> str:
    from urllib.parse import quote, urlencode

    params = urlencode({"ca": box.ca_file, **query})
    return f"imaps://{box.user}:{quote(box.password, safe='')}@{box.host}:{box.port}/INBOX?{params}"


def test_several_mailboxes_are_polled_and_a_dedicated_one_names_its_address(
    imap_server, bob, settings
):
    high_box = dataclasses.replace(imap_server, user="high")
    deliver(imap_server, corpus.plain(subject="Normal one"))
    # Sent to help@ but delivered to the high-priority mailbox (a Bcc, or an alias).
    deliver(high_box, corpus.plain(subject="Urgent one"))
    settings.HELPDESK_IMAP_HOST = ""
    settings.HELPDESK_IMAP_URLS = [
        url_of(imap_server),
        url_of(high_box, recipient=corpus.HIGH, done="Handled"),
    ]

    results = mailboxes_poll()

    assert [taken for _, taken in results] == [1, 1]
    assert Ticket.objects.get(subject="Normal one").priority == Priority.NORMAL
    assert Ticket.objects.get(subject="Urgent one").priority == Priority.HIGH
    assert len(uids(high_box, "ALL", folder="Handled")) == 1


def test_a_failing_mailbox_does_not_stop_the_others(imap_server, bob, settings):
    deliver(imap_server, corpus.plain())
    settings.HELPDESK_IMAP_HOST = ""
    broken = dataclasses.replace(imap_server, password="wrong")
    settings.HELPDESK_IMAP_URLS = [url_of(broken), url_of(imap_server)]

    results = mailboxes_poll()

    assert results[0][1].startswith("failed")
    assert results[1][1] == 1
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("url", ["https://host/", "imaps:///INBOX", "pop3://user:pw@host/"])
def test_a_malformed_mailbox_url_is_refused_by_name(url, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.HELPDESK_IMAP_URLS = [url]

    with pytest.raises(ImproperlyConfigured, match="imaps://user:password@host/folder"):
        mailboxes_poll()
