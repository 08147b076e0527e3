"""Logging in and out, resetting a password, and who may log in at all."""

import re
import time

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from tests.helpers import PASSWORD, can_log_in


def test_a_customer_logs_in_with_email_and_lands_on_the_tickets(client, alice):
    response = client.post(
        reverse("login"), {"username": "Alice@Acme.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:list")
    assert client.get(reverse("tickets:list")).context["user"] == alice


def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(login, alice):
    client = login(alice)

    client.post(reverse("logout"))

    assert client.get(reverse("tickets:list")).status_code == 302


def test_a_password_reset_email_leads_to_a_new_password(client, alice, deliver_outbox):
    client.post(reverse("password_reset"), {"email": alice.email})

    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"},
    )

    assert can_log_in(client, alice.email, "brand-new-pass-42")


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)

    assert mail.outbox == []
    assert "If an account uses that address" in response.content.decode()


def test_a_reset_takes_the_same_floor_of_time_for_a_known_and_an_unknown_address(
    client, alice, settings
):
    # A real account renders and queues an email: a few milliseconds more,
    # enough to tell from outside which addresses have accounts. Both answers
    # wait for the floor, and are the same redirect.
    settings.HELPDESK_PASSWORD_RESET_MIN_MS = 250
    answers = {}
    for email in (alice.email, "nobody@acme.example"):
        started = time.monotonic()
        response = client.post(reverse("password_reset"), {"email": email})
        answers[email] = (time.monotonic() - started, response.status_code, response["Location"])

    for elapsed, status, location in answers.values():
        assert elapsed >= 0.25
        assert (status, location) == (302, reverse("password_reset_done"))


def test_nobody_of_a_deactivated_organisation_can_log_in(client, alice, acme):
    acme.is_active = False
    acme.save()

    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivating_an_organisation_ends_its_sessions(login, alice, acme):
    client = login(alice)
    acme.is_active = False
    acme.save()

    assert client.get(reverse("tickets:list")).status_code == 302


def test_customers_need_an_organisation_and_staff_have_none(acme, db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create(
            [User(email="x@example.com", full_name="X", role=User.Role.MEMBER)]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create(
            [User(email="y@example.com", full_name="Y", role=User.Role.AGENT, organization=acme)]
        )


def test_only_support_admins_reach_the_django_admin(login, alice, agent, support_admin):
    assert login(alice).get("/admin/").status_code == 302
    assert login(agent).get("/admin/").status_code == 302
    assert login(support_admin).get("/admin/").status_code == 200


def test_the_admin_login_is_ours_and_a_customer_is_not_bounced(client, alice, support_admin):
    assert client.get("/admin/login/?next=/admin/").status_code == 200

    client.post("/admin/login/?next=/admin/", {"username": alice.email, "password": PASSWORD})
    page = client.get("/admin/", follow=True)

    assert page.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert page.status_code == 200

    client.logout()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": support_admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
