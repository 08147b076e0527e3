"""Login security: lockout after failed logins (django-axes), password rules,
session expiry, and TOTP two-factor authentication (django-otp)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import PASSWORD, can_log_in


def fail_logins(client, email, times, address="10.0.0.1"):
    for _ in range(times):
        client.post(reverse("login"), {"username": email, "password": "wrong"}, REMOTE_ADDR=address)


def test_the_sixth_login_after_five_failures_is_refused_even_with_the_right_password(client, alice):
    fail_logins(client, alice.email, 5)

    response = client.post(
        reverse("login"),
        {"username": alice.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_still_let_the_right_password_in_and_reset_the_count(client, alice):
    fail_logins(client, alice.email, 4)

    assert can_log_in(client, alice.email, REMOTE_ADDR="10.0.0.1")
    assert not AccessAttempt.objects.filter(username=alice.email).exists()


def test_the_lockout_is_per_account_and_address_so_a_stranger_cannot_lock_alice_out(
    client, alice, bob
):
    fail_logins(client, "ALICE@acme.example ", 5, address="10.6.6.6")

    assert not can_log_in(client, alice.email, REMOTE_ADDR="10.6.6.6")
    assert can_log_in(client, alice.email, REMOTE_ADDR="192.0.2.10")
    client.logout()
    assert can_log_in(client, bob.email, REMOTE_ADDR="10.6.6.6")


def test_guessing_from_many_addresses_pauses_the_account_everywhere(client, alice, bob, settings):
    # Four guesses from each of many addresses: no address reaches its own
    # limit of five, but together they reach the account's ceiling.
    assert settings.HELPDESK_LOGIN_ACCOUNT_MAX_FAILURES == 30
    for n in range(7):
        fail_logins(client, alice.email, 4, address=f"198.51.100.{n}")
    fail_logins(client, alice.email, 1, address="198.51.100.99")  # 29: one guess left
    assert AccessAttempt.objects.filter(username=alice.email).count() == 8
    fail_logins(client, alice.email, 1, address="198.51.100.98")

    response = client.post(
        reverse("login"),
        {"username": alice.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.8",
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Other accounts are untouched, and the pause ends with the cool-off.
    assert can_log_in(client, bob.email, REMOTE_ADDR="198.51.100.1")
    client.logout()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert can_log_in(client, alice.email, REMOTE_ADDR="203.0.113.8")


def test_one_guess_short_of_the_ceiling_the_owner_still_logs_in(client, alice):
    for n in range(7):
        fail_logins(client, alice.email, 4, address=f"198.51.100.{n}")
    fail_logins(client, alice.email, 1, address="198.51.100.99")

    assert can_log_in(client, alice.email, REMOTE_ADDR="203.0.113.8")


def test_the_lockout_ends_after_the_cool_off(client, alice):
    fail_logins(client, alice.email, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert can_log_in(client, alice.email, REMOTE_ADDR="10.0.0.1")


def test_a_support_admin_sees_and_lifts_lockouts_in_the_admin(client, login, alice, support_admin):
    fail_logins(client, alice.email, 5)
    admin = login(support_admin)

    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert alice.email in listing.content.decode()
    attempt = AccessAttempt.objects.get()
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert can_log_in(client, alice.email, REMOTE_ADDR="10.0.0.1")


def test_weak_passwords_are_refused_with_the_rule(alice):
    with pytest.raises(ValidationError, match="too short"):
        validate_password("abc12", alice)
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password123", alice)
    with pytest.raises(ValidationError, match="entirely numeric"):
        validate_password("8362910475", alice)


def test_sessions_expire_after_twelve_hours_by_default(client, alice, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    can_log_in(client, alice.email)

    assert client.session.get_expiry_age() == 12 * 60 * 60


# Two-factor authentication


def code(device, steps_ahead=0):
    """What the user's authenticator app shows now (or a step later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def enable_two_factor(client) -> TOTPDevice:
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=page.context["user"], confirmed=False)
    assert page.context["secret"] in page.content.decode()
    client.post(reverse("two_factor_setup"), {"code": code(device)})
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_customer_turns_on_two_factor_and_the_next_login_asks_for_a_code(client, alice):
    can_log_in(client, alice.email)
    device = enable_two_factor(client)
    client.post(reverse("logout"))

    can_log_in(client, alice.email)
    blocked = client.get(reverse("tickets:list"))
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("two_factor_verify"))

    wrong = client.post(reverse("two_factor_verify"), {"code": "000000", "next": "/tickets/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("tickets:list")).status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the app user waited out django-otp's short throttle
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(
        reverse("two_factor_verify"), {"code": code(device, 1), "next": "/tickets/"}
    )
    assert right.status_code == 302
    assert right["Location"] == "/tickets/"
    assert client.get(reverse("tickets:list")).status_code == 200


def test_a_wrong_code_throttles_the_next_try_even_if_it_is_right(client, alice):
    can_log_in(client, alice.email)
    device = enable_two_factor(client)
    client.post(reverse("logout"))
    can_log_in(client, alice.email)

    client.post(reverse("two_factor_verify"), {"code": "000000"})
    response = client.post(reverse("two_factor_verify"), {"code": code(device, 1)})

    assert response.status_code == 400
    assert "Wait" in response.content.decode()
    assert client.get(reverse("tickets:list")).status_code == 302


def test_a_code_cannot_be_used_twice(client, alice):
    can_log_in(client, alice.email)
    device = enable_two_factor(client)
    used = code(device)
    client.post(reverse("logout"))
    can_log_in(client, alice.email)

    response = client.post(reverse("two_factor_verify"), {"code": used})

    assert response.status_code == 400


def test_an_unverified_session_cannot_reach_the_admin(client, support_admin):
    can_log_in(client, support_admin.email)
    enable_two_factor(client)
    client.post(reverse("logout"))
    can_log_in(client, support_admin.email)

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_staff_must_set_up_two_factor_when_the_setting_requires_it(client, agent, settings):
    settings.HELPDESK_REQUIRE_2FA_FOR_STAFF = True
    can_log_in(client, agent.email)

    response = client.get(reverse("agent:queue", kwargs={"view": "unassigned"}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    setup = client.get(reverse("two_factor_setup"))
    assert "Support staff must use two-factor authentication" in setup.content.decode()

    enable_two_factor(client)
    assert client.get(reverse("agent:queue", kwargs={"view": "unassigned"})).status_code == 200
    refused = client.post(reverse("two_factor_setup"), {"code": "123456"})
    assert "Support staff must keep" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=agent, confirmed=True).exists()


def test_customers_are_not_made_to_set_up_two_factor(client, alice, settings):
    settings.HELPDESK_REQUIRE_2FA_FOR_STAFF = True
    can_log_in(client, alice.email)

    assert client.get(reverse("tickets:list")).status_code == 200


def test_a_customer_turns_two_factor_off_with_a_current_code(client, alice):
    can_log_in(client, alice.email)
    device = enable_two_factor(client)

    wrong = client.post(reverse("two_factor_setup"), {"code": "12345"})
    assert "6 digits" in wrong.content.decode()
    client.post(reverse("two_factor_setup"), {"code": code(device, 1)})

    assert not TOTPDevice.objects.filter(user=alice).exists()
    client.post(reverse("logout"))
    can_log_in(client, alice.email)
    assert client.get(reverse("tickets:list")).status_code == 200


def test_the_verify_page_never_redirects_off_site(client, alice):
    can_log_in(client, alice.email)
    device = enable_two_factor(client)
    client.post(reverse("logout"))
    can_log_in(client, alice.email)

    response = client.post(
        reverse("two_factor_verify"), {"code": code(device, 1), "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("tickets:list")


def test_the_profile_says_whether_two_factor_is_on(client, alice):
    can_log_in(client, alice.email)
    assert "<strong>Off</strong>" in client.get(reverse("profile")).content.decode()

    enable_two_factor(client)

    assert "<strong>On</strong>" in client.get(reverse("profile")).content.decode()


def test_a_support_admin_removes_a_lost_authenticator_in_the_admin(
    client, login, alice, support_admin
):
    can_log_in(client, alice.email)
    device = enable_two_factor(client)
    client.post(reverse("logout"))
    admin = login(support_admin)

    admin.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )

    can_log_in(client, alice.email)
    assert client.get(reverse("tickets:list")).status_code == 200


def test_behind_a_trusted_proxy_the_lockout_counts_the_forwarded_client(client, alice, settings):
    settings.HELPDESK_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": alice.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
        )

    assert not can_log_in(
        client, alice.email, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert can_log_in(
        client, alice.email, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
