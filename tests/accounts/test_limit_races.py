"""Twenty guesses at once get no more tries than five in a row (issue 12, parts 2 and 3).

Each request runs in its own thread with its own PostgreSQL connection, all
released at one instant. The hasher below is PBKDF2 (as in production, with
fewer rounds) and notes every comparison it makes, in order, so the tests
count what was really evaluated.
"""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

from accounts.models import PinCheck
from accounts.pins import pin_set
from tests.concurrency import run_together
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RIGHT_PIN = "480913"
LIMIT = 5


class CountingHasher(PBKDF2PasswordHasher):
    """PBKDF2 that records each comparison's outcome: the evaluations, in order."""

    iterations = 60_000
    lock = threading.Lock()
    outcomes: ClassVar[list[bool]] = []

    def verify(self, password, encoded):
        matched = super().verify(password, encoded)
        with self.lock:
            self.outcomes.append(matched)
        return matched


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.outcomes = []
    return CountingHasher


def failures_before_a_success(outcomes: list[bool]) -> int:
    """The longest run of failures that ended in a success (it must stay below the limit)."""
    run = longest = 0
    for matched in outcomes:
        if matched:
            longest = max(longest, run)
            run = 0
        else:
            run += 1
    return longest


# Caller verification (seed 000's PIN)


def verify_call(agent, pin: str):
    def job():
        client = Client()
        client.force_login(agent)
        client.post(
            "/agent/verify-caller/", {"alias": "acme", "email": "bob@acme.example", "pin": pin}
        )
        return pin

    return job


def test_twenty_wrong_pins_at_once_are_compared_five_times(agent, bob, counting_hasher):
    pin_set(user=bob, pin=RIGHT_PIN)
    counting_hasher.outcomes = []

    run_together(*[verify_call(agent, f"{100000 + n:06d}") for n in range(20)])

    evaluated = PinCheck.objects.filter(user=bob, locked_out=False)
    assert evaluated.count() == LIMIT
    assert PinCheck.objects.filter(user=bob).count() == 20
    assert not PinCheck.objects.filter(verified=True).exists()
    # and the right PIN is now refused too
    verify_call(agent, RIGHT_PIN)()
    assert not PinCheck.objects.filter(verified=True).exists()


@pytest.mark.parametrize("burst", range(3))
def test_the_right_pin_in_a_burst_of_wrong_ones_passes_only_within_the_limit(
    burst, agent, bob, counting_hasher
):
    pin_set(user=bob, pin=RIGHT_PIN)
    jobs = [verify_call(agent, f"{200000 + n:06d}") for n in range(19)]
    jobs.insert(burst * 7, verify_call(agent, RIGHT_PIN))

    run_together(*jobs)

    checks = list(PinCheck.objects.filter(user=bob).order_by("pk"))
    wrong_ones_compared = [c for c in checks if not c.locked_out and not c.verified]
    assert len(wrong_ones_compared) <= LIMIT
    for check in checks:
        if check.verified:
            earlier_failures = [c for c in checks if c.pk < check.pk and not c.verified]
            assert len(earlier_failures) < LIMIT


# Logins (django-axes)


def login_job(
    password: str,
    path: str = "/accounts/login/",
    username: str = "bob@acme.example",
    address: str = "203.0.113.7",
):
    def job():
        client = Client(REMOTE_ADDR=address)
        response = client.post(path, {"username": username, "password": password})
        return "_auth_user_id" in client.session, response.status_code

    return job


def test_twenty_wrong_passwords_at_once_are_compared_five_times(bob, counting_hasher):
    counting_hasher.outcomes = []

    results = run_together(*[login_job(f"wrong-{n}") for n in range(20)])

    assert not any(logged_in for logged_in, _ in results)
    assert counting_hasher.outcomes == [False] * LIMIT
    # every try is still on record for support admins
    assert AccessAttempt.objects.get(username="bob@acme.example").failures_since_start == 20
    # locked: even the right password is refused now
    logged_in, status = login_job(PASSWORD)()
    assert (logged_in, status) == (False, 429)


def test_forty_guesses_from_forty_addresses_at_once_stop_at_the_account_ceiling(
    bob, counting_hasher, settings
):
    # One guess from each address: no address reaches its own limit, and the
    # account's ceiling (thirty) holds under the burst as it does in a row.
    counting_hasher.outcomes = []
    ceiling = settings.HELPDESK_LOGIN_ACCOUNT_MAX_FAILURES

    results = run_together(*[login_job(f"wrong-{n}", address=f"198.51.100.{n}") for n in range(40)])

    assert not any(logged_in for logged_in, _ in results)
    assert counting_hasher.outcomes == [False] * ceiling
    logged_in, status = login_job(PASSWORD, address="192.0.2.77")()
    assert (logged_in, status) == (False, 429)


@pytest.mark.parametrize("burst", range(3))
def test_the_right_password_in_a_burst_passes_only_within_the_limit(burst, bob, counting_hasher):
    counting_hasher.outcomes = []
    jobs = [login_job(f"wrong-{n}") for n in range(19)]
    jobs.insert(burst * 9, login_job(PASSWORD))

    results = run_together(*jobs)

    outcomes = counting_hasher.outcomes
    assert failures_before_a_success(outcomes) < LIMIT
    # a success resets the count (AXES_RESET_ON_SUCCESS), so at most five
    # failures on each side of it were ever compared
    assert outcomes.count(False) <= 2 * LIMIT
    assert sum(1 for logged_in, _ in results if logged_in) == outcomes.count(True) <= 1


def test_the_admin_login_holds_the_same_limit(support_admin, counting_hasher):
    counting_hasher.outcomes = []
    jobs = [login_job(f"wrong-{n}", "/admin/login/", "admin@support.example") for n in range(19)]
    jobs.append(login_job(PASSWORD, "/admin/login/", "admin@support.example"))

    results = run_together(*jobs)

    assert failures_before_a_success(counting_hasher.outcomes) < LIMIT
    assert counting_hasher.outcomes.count(False) <= 2 * LIMIT
    assert sum(1 for logged_in, _ in results if logged_in) <= 1


def test_twenty_wrong_passwords_on_the_pin_form_at_once_are_compared_five_times(
    bob, counting_hasher
):
    """A stolen session cannot guess the password on the PIN form any faster."""
    sessions = []
    for _ in range(20):
        client = Client(REMOTE_ADDR="203.0.113.7")
        client.force_login(bob)
        sessions.append(client)
    counting_hasher.outcomes = []

    def guess(client, password):
        def job():
            form = {"password": password, "pin": "730195", "pin_again": "730195"}
            return client.post("/accounts/profile/", form).status_code

        return job

    statuses = run_together(*[guess(c, f"wrong-{n}") for n, c in enumerate(sessions)])

    assert counting_hasher.outcomes == [False] * LIMIT
    assert sorted(set(statuses)) == [400, 429]
    bob.refresh_from_db()
    assert bob.support_pin == ""
    # the account is paused: the right password is refused here and at login
    assert guess(sessions[0], PASSWORD)() == 429
    assert login_job(PASSWORD)() == (False, 429)


# Password reset emails (a cap per address, counted in the outbox)


def test_twenty_password_resets_at_once_send_no_more_than_the_cap(bob, settings):
    from outbox.models import OutboundEmail, Purpose

    settings.HELPDESK_PASSWORD_RESETS_PER_CLIENT_HOUR = 1000

    def reset(n):
        def job():
            client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
            return client.post("/accounts/password_reset/", {"email": "bob@acme.example"})

        return job

    answers = run_together(*[reset(n) for n in range(20)])

    assert all(answer.status_code == 302 for answer in answers)
    sent = OutboundEmail.objects.filter(purpose=Purpose.PASSWORD_RESET, to="bob@acme.example")
    assert sent.count() == settings.HELPDESK_PASSWORD_RESETS_PER_HOUR
