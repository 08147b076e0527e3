"""Support PINs (seed 000): rules, storage, verification, lockout, and the log."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PinChange, PinCheck, User
from accounts.pins import pin_lockout_clear, pin_reset, pin_set, pin_verify
from outbox.models import OutboundEmail
from tests.helpers import PASSWORD
from tickets.models import TicketEvent

GOOD_PIN = "730195"


@pytest.mark.parametrize(
    ("pin", "rule"),
    [
        ("12a456", "A PIN has digits only."),
        ("٣٣٤٥٦٧", "A PIN has digits only."),  # Arabic-Indic digits are digits, but not ours
        ("73019", "A PIN has 6 to 8 digits (this one has 5)."),
        ("730195821", "A PIN has 6 to 8 digits (this one has 9)."),
        ("777777", "A PIN cannot be one digit repeated."),
        ("123456", "A PIN cannot be a run of digits like 123456."),
        ("87654321", "A PIN cannot be a run of digits like 123456."),
    ],
)
def test_a_pin_must_follow_the_rules(pin, rule, alice):
    with pytest.raises(ValidationError) as refused:
        pin_set(user=alice, pin=pin)

    assert refused.value.message_dict == {"pin": [rule]}
    alice.refresh_from_db()
    assert alice.support_pin == ""


def test_a_pin_is_stored_hashed_and_never_in_clear(alice, agent, make_ticket, caplog):
    caplog.set_level("DEBUG")
    ticket = make_ticket(alice)

    pin_set(user=alice, pin=GOOD_PIN)
    pin_verify(agent=agent, alias="ACME", email=alice.email, pin=GOOD_PIN, ticket=ticket)

    alice.refresh_from_db()
    assert alice.support_pin.startswith("md5$")  # the test hasher; PBKDF2 in production
    assert GOOD_PIN not in alice.support_pin
    with connection.cursor() as cursor:
        for table in [
            "accounts_user",
            "accounts_pincheck",
            "tickets_ticketevent",
            "tickets_message",
        ]:
            cursor.execute(f"SELECT * FROM {table}")  # fixed table names
            assert GOOD_PIN not in repr(cursor.fetchall()), table
    assert GOOD_PIN not in caplog.text
    assert all(GOOD_PIN not in message.body for message in mail.outbox)


def test_the_profile_page_sets_a_pin_and_says_when_it_changed(login, alice):
    client = login(alice)

    response = client.post(
        reverse("profile"),
        {"password": PASSWORD, "pin": GOOD_PIN, "pin_again": GOOD_PIN},
        follow=True,
    )

    html = response.content.decode()
    assert "Your support PIN is saved." in html
    assert "Your PIN was last changed on" in html
    assert GOOD_PIN not in html
    alice.refresh_from_db()
    assert alice.support_pin
    assert alice.support_pin_set_at is not None


def test_setting_a_pin_asks_for_the_password_and_a_wrong_one_changes_nothing(login, alice):
    response = login(alice).post(
        reverse("profile"), {"password": "not-her-password", "pin": GOOD_PIN, "pin_again": GOOD_PIN}
    )

    assert response.status_code == 400
    assert "Your password is not correct." in response.content.decode()
    alice.refresh_from_db()
    assert alice.support_pin == ""
    assert not PinChange.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_every_pin_change_is_recorded_and_the_user_is_told(
    login, alice, support_admin, deliver_outbox
):
    client = login(alice)
    for pin in (GOOD_PIN, "583920"):
        client.post(reverse("profile"), {"password": PASSWORD, "pin": pin, "pin_again": pin})
    pin_reset(user=alice, actor=support_admin)

    changes = list(PinChange.objects.order_by("pk").values_list("kind", "actor__email"))
    assert changes == [
        ("set", "alice@acme.example"),
        ("changed", "alice@acme.example"),
        ("reset", "admin@support.example"),
    ]
    assert deliver_outbox() == 3
    assert [m.subject for m in mail.outbox] == [
        "Your support PIN was set",
        "Your support PIN was changed",
        "Your support PIN was reset",
    ]
    assert all(pin not in m.body for m in mail.outbox for pin in (GOOD_PIN, "583920"))


def test_the_profile_page_names_the_rule_a_pin_breaks(login, alice):
    response = login(alice).post(reverse("profile"), {"pin": "111111", "pin_again": "111111"})

    assert response.status_code == 400
    assert "A PIN cannot be one digit repeated." in response.content.decode()


def test_the_two_pins_must_match(login, alice):
    response = login(alice).post(reverse("profile"), {"pin": GOOD_PIN, "pin_again": "730196"})

    assert "The two PINs differ." in response.content.decode()


# --- Verification ---------------------------------------------------------------------------


@pytest.fixture
def alice_has_a_pin(alice):
    pin_set(user=alice, pin=GOOD_PIN)
    return alice


def test_the_right_alias_email_and_pin_verify(agent, alice_has_a_pin):
    assert pin_verify(agent=agent, alias="acme", email="ALICE@acme.example", pin=GOOD_PIN) is True
    check = PinCheck.objects.get()
    assert (check.agent, check.user, check.verified) == (agent, alice_has_a_pin, True)


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how often a PIN is checked against a hash."""

    algorithm = "md5"
    verifications = 0

    def verify(self, password, encoded):
        CountingHasher.verifications += 1
        return super().verify(password, encoded)


@pytest.mark.parametrize(
    ("alias", "email", "pin"),
    [
        ("GLOBEX", "alice@acme.example", GOOD_PIN),  # wrong alias
        ("ACME", "nobody@acme.example", GOOD_PIN),  # wrong email
        ("ACME", "alice@acme.example", "730196"),  # wrong PIN
        ("ACME", "bob@acme.example", GOOD_PIN),  # a user without a PIN
    ],
)
def test_a_wrong_alias_email_or_pin_are_indistinguishable(
    alias, email, pin, login, agent, bob, alice_has_a_pin, settings
):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_pins.CountingHasher"]
    CountingHasher.verifications = 0

    response = login(agent).post(
        reverse("agent:verify_caller"), {"alias": alias, "email": email, "pin": pin}, follow=True
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Not verified."]
    assert CountingHasher.verifications == 1  # the same work whatever was wrong
    assert PinCheck.objects.get().verified is False


def test_the_sixth_try_within_the_window_is_refused_even_with_the_right_pin(agent, alice_has_a_pin):
    for _ in range(5):
        assert (
            pin_verify(agent=agent, alias="ACME", email=alice_has_a_pin.email, pin="000001")
            is False
        )

    assert pin_verify(agent=agent, alias="ACME", email=alice_has_a_pin.email, pin=GOOD_PIN) is False
    assert PinCheck.objects.filter(locked_out=True).count() == 1


def test_the_lockout_ends_after_the_window(agent, alice_has_a_pin):
    for _ in range(5):
        pin_verify(agent=agent, alias="ACME", email=alice_has_a_pin.email, pin="000001")
    PinCheck.objects.update(created_at=timezone.now() - timedelta(minutes=16))

    assert pin_verify(agent=agent, alias="ACME", email=alice_has_a_pin.email, pin=GOOD_PIN) is True


def test_a_support_admin_clears_a_lockout(agent, alice_has_a_pin):
    for _ in range(5):
        pin_verify(agent=agent, alias="ACME", email=alice_has_a_pin.email, pin="000001")

    pin_lockout_clear(user=alice_has_a_pin)

    assert pin_verify(agent=agent, alias="ACME", email=alice_has_a_pin.email, pin=GOOD_PIN) is True


def test_a_support_admin_resets_a_pin_and_the_user_is_emailed(
    alice_has_a_pin, agent, deliver_outbox
):
    pin_reset(user=alice_has_a_pin)
    assert deliver_outbox() == 2  # the PIN set by the fixture, then the reset

    alice_has_a_pin.refresh_from_db()
    assert alice_has_a_pin.support_pin == ""
    assert pin_verify(agent=agent, alias="ACME", email=alice_has_a_pin.email, pin=GOOD_PIN) is False
    assert mail.outbox[-1].to == [alice_has_a_pin.email]
    assert "set a new one" in mail.outbox[-1].body


def test_a_verified_caller_can_be_recorded_on_the_ticket_for_support_only(
    login, agent, alice_has_a_pin, make_ticket
):
    ticket = make_ticket(alice_has_a_pin)

    login(agent).post(
        reverse("agent:verify_caller"),
        {
            "alias": "ACME",
            "email": "alice@acme.example",
            "pin": GOOD_PIN,
            "ticket": ticket.pk,
            "record": "on",
        },
    )

    event = TicketEvent.objects.get(ticket=ticket, kind="verified")
    assert (event.actor, event.is_internal) == (agent, True)
    assert (
        "verified the caller by PIN" in login(agent).get(ticket.get_absolute_url()).content.decode()
    )
    assert (
        "verified the caller"
        not in login(alice_has_a_pin).get(ticket.get_absolute_url()).content.decode()
    )


def test_customers_get_404_from_verification(login, alice, bob):
    pin_set(user=bob, pin=GOOD_PIN)

    response = login(alice).post(
        reverse("agent:verify_caller"),
        {"alias": "ACME", "email": "bob@acme.example", "pin": GOOD_PIN},
    )

    assert response.status_code == 404
    assert PinCheck.objects.count() == 0


def test_an_unknown_ticket_number_on_verification_is_a_404_and_records_nothing(
    login, agent, alice_has_a_pin
):
    # Staff see every organisation; a missing ticket number is a 404 and records nothing.
    response = login(agent).post(
        reverse("agent:verify_caller"),
        {
            "alias": "ACME",
            "email": "alice@acme.example",
            "pin": GOOD_PIN,
            "ticket": 999999,
            "record": "on",
        },
    )

    assert response.status_code == 404
    assert PinCheck.objects.count() == 0


def test_support_admins_see_every_try_in_the_log(login, support_admin, agent, alice_has_a_pin):
    pin_verify(agent=agent, alias="ACME", email="alice@acme.example", pin="999999")

    html = login(support_admin).get(reverse("admin:accounts_pincheck_changelist")).content.decode()

    assert "alice@acme.example" in html
    assert login(agent).get(reverse("admin:accounts_pincheck_changelist")).status_code == 302


def test_staff_have_no_pin(agent):
    with pytest.raises(ValidationError):
        pin_set(user=agent, pin=GOOD_PIN)
    assert User.objects.get(pk=agent.pk).support_pin == ""


def test_wrong_passwords_on_the_pin_form_count_toward_the_login_lockout(login, alice):
    session = login(alice)
    form = {"password": "not-her-password", "pin": GOOD_PIN, "pin_again": GOOD_PIN}
    for _ in range(4):
        response = session.post(reverse("profile"), form)
        assert "Your password is not correct." in response.content.decode()

    # The fifth wrong one pauses the account, as on the login page: the form
    # then refuses even the right password ...
    assert session.post(reverse("profile"), form).status_code == 429
    assert session.post(reverse("profile"), {**form, "password": PASSWORD}).status_code == 429
    alice.refresh_from_db()
    assert alice.support_pin == ""
    # ... and so does the login page, from the same address.
    login_page = Client().post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert login_page.status_code == 429
