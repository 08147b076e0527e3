"""Every email goes through one claimed, retried, swept outbox (issue 12).

Invitations, PIN resets, password resets and auto-replies are rows of
``outbox.OutboundEmail``; a real SMTP server on loopback answers.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts import members
from accounts.models import User
from accounts.pins import pin_reset
from inbound.services import email_ingest
from outbox.models import OutboundEmail, Purpose, State
from outbox.services import outbound_retry, outbound_send, outbound_sweep
from tests.inbound import corpus

ROOT = Path(__file__).resolve().parents[2]


def send(email: OutboundEmail, *, later: timedelta = timedelta()) -> str:
    return outbound_send(email_id=email.pk, now=timezone.now() + later)


def test_an_invitation_held_up_by_the_smtp_server_goes_out_once_it_answers(alice, smtp_backend):
    smtp_backend.refuse_next = 1
    members.member_invite(admin=alice, email="dana@acme.example", full_name="Dana Diaz")
    email = OutboundEmail.objects.get(purpose=Purpose.INVITATION)

    assert send(email) == "retry"
    assert send(email) == "skipped"  # not due yet
    assert send(email, later=timedelta(hours=1)) == "sent"
    assert send(email, later=timedelta(hours=2)) == "skipped"

    assert smtp_backend.recipients() == ["dana@acme.example"]
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 2)
    assert email.message_id.encode() in smtp_backend.accepted[0][1]


def _ask_password_reset(client) -> str:
    client.post(reverse("password_reset"), {"email": "alice@acme.example"})
    return "alice@acme.example"


def _write_as_a_stranger(client) -> str:
    email_ingest(raw=corpus.plain(sender="stranger@example.org", subject="Hello?"))
    return "stranger@example.org"


@pytest.mark.parametrize(
    ("cause", "purpose"),
    [(_ask_password_reset, Purpose.PASSWORD_RESET), (_write_as_a_stranger, Purpose.AUTO_REPLY)],
    ids=["password reset", "auto-reply"],
)
def test_an_smtp_outage_delays_an_email_but_never_loses_nor_doubles_it(
    client, alice, smtp_backend, cause, purpose
):
    smtp_backend.refuse_next = 2
    address = cause(client)
    email = OutboundEmail.objects.get(purpose=purpose)

    assert send(email) == "retry"
    assert send(email, later=timedelta(hours=1)) == "retry"
    assert outbound_sweep(now=timezone.now() + timedelta(hours=2)) == 1
    assert send(email, later=timedelta(hours=2)) == "sent"
    assert send(email, later=timedelta(hours=3)) == "skipped"
    assert outbound_sweep(now=timezone.now() + timedelta(hours=3)) == 0

    assert smtp_backend.recipients() == [address]
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 3)
    assert smtp_backend.message_ids() == [email.message_id]


def test_a_pin_reset_for_a_user_deactivated_meanwhile_is_skipped(alice, bob, smtp_backend):
    smtp_backend.refuse_next = 1
    pin_reset(user=bob)
    email = OutboundEmail.objects.get(purpose=Purpose.PIN_RESET)
    assert send(email) == "retry"

    members.member_set_active(admin=alice, user=bob, active=False)

    assert send(email, later=timedelta(hours=1)) == "ineligible"
    email.refresh_from_db()
    assert email.state == State.SKIPPED
    assert "deactivated" in email.error
    assert smtp_backend.recipients() == []


def test_a_permanent_refusal_fails_at_once_and_an_admin_can_send_it_again(bob, smtp_backend):
    smtp_backend.refuse_next = 1
    smtp_backend.refusal = "550 5.1.1 Mailbox unavailable"
    pin_reset(user=bob)
    email = OutboundEmail.objects.get()

    assert send(email) == "failed"
    assert outbound_retry(email_ids=[email.pk]) == 1
    assert send(email) == "sent"
    assert smtp_backend.recipients() == ["bob@acme.example"]


def test_the_sweeper_requeues_what_the_broker_never_got_and_what_a_dead_worker_held(bob, settings):
    settings.HELPDESK_OUTBOX_GRACE_SECONDS = 0
    pin_reset(user=bob)  # its on-commit queueing never ran (no commit in this test)
    stuck = OutboundEmail.objects.get()
    OutboundEmail.objects.create(
        purpose=Purpose.AUTO_REPLY,
        to="x@example.org",
        subject="s",
        body="b",
        message_id="<m@x>",
        state=State.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
    )

    assert outbound_sweep(now=timezone.now() + timedelta(seconds=1)) == 2
    assert stuck.state == State.PENDING


# Password resets, through the outbox and throttled


def test_password_resets_for_one_address_stop_after_the_hourly_limit(client, alice, settings):
    settings.HELPDESK_PASSWORD_RESETS_PER_HOUR = 3
    cache.clear()

    pages = [
        client.post(reverse("password_reset"), {"email": alice.email}, follow=True)
        for _ in range(5)
    ]

    assert OutboundEmail.objects.filter(purpose=Purpose.PASSWORD_RESET).count() == 3
    # the page says the same every time, so it never tells how many went out
    assert all("If an account uses that address" in page.content.decode() for page in pages)


def test_one_client_asking_for_many_addresses_is_refused_past_its_limit(client, acme, settings):
    settings.HELPDESK_PASSWORD_RESETS_PER_CLIENT_HOUR = 4
    cache.clear()
    for n in range(6):
        User.objects.create_user(
            f"user{n}@acme.example",
            "x-password-123",
            full_name=f"U{n}",
            role=User.Role.MEMBER,
            organization=acme,
        )

    answers = [
        client.post(reverse("password_reset"), {"email": f"user{n}@acme.example"}).status_code
        for n in range(6)
    ]

    assert answers == [302, 302, 302, 302, 429, 429]
    assert OutboundEmail.objects.filter(purpose=Purpose.PASSWORD_RESET).count() == 4


@pytest.mark.parametrize("package", ["accounts", "tickets", "notifications", "inbound", "helpdesk"])
def test_no_app_sends_mail_around_the_outbox(package):
    """The one door for mail: only outbox/ and the notification sender call .send()."""
    allowed = {ROOT / "notifications" / "services.py"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / package).rglob("*.py")
        if path not in allowed
        and re.search(
            r"(?<!def )\bsend_mail\(|\bsend_mass_mail\(|\bmail_admins\(|\.send\(\)",
            path.read_text(),
        )
    ]
    assert offenders == []
