"""Organisation-level tokens: a customer admin's integrations act as the
organisation's integration user, within the organisation, and say so."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.integrations import integration_token_create, integration_user_for
from accounts.models import ApiToken, User
from notifications.models import Notification
from outbox.models import OutboundEmail
from tests.concurrency import run_together
from tests.helpers import PASSWORD, can_log_in
from tickets import services
from tickets.models import Ticket, TicketEvent


def create_on_page(client, **fields) -> tuple[int, str]:
    data = {"name": "CRM", "scope": "write", "expires_in_days": "90", **fields}
    response = client.post(reverse("organization_token_create"), data)
    key = re.search(r"data-token-key>([^<]+)<", response.content.decode())
    return response.status_code, key.group(1) if key else ""


def as_script(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_a_customer_admin_makes_a_token_that_acts_as_the_organisation(
    alice, bob, carol, agent, category, make_ticket, login
):
    status, key = create_on_page(login(alice))
    assert status == 200
    assert key

    make_ticket(carol, subject="Globex only")
    created = as_script(key).post(
        "/api/v1/tickets/",
        {"category": "technical", "subject": "Monitor: disk full", "description": "db-2 at 95%"},
        content_type="application/json",
    )

    assert created.status_code == 201
    ticket = Ticket.objects.get(pk=created.json()["number"])
    integration = ticket.requester
    assert (integration.is_integration, integration.organization) == (True, alice.organization)
    assert integration.full_name == "Acme (integration)"
    listed = as_script(key).get("/api/v1/tickets/").json()["results"]
    assert [t["subject"] for t in listed] == ["Monitor: disk full"]
    # History names it as the integration, on the customers' page too.
    opened = TicketEvent.objects.get(ticket=ticket, kind="created")
    assert opened.actor == integration
    page = login(bob).get(ticket.get_absolute_url()).content.decode()
    assert "Acme (integration)" in page


def test_the_integration_gets_no_email_and_cannot_sign_in(alice, agent, category, login):
    _, key = create_on_page(login(alice))
    number = (
        as_script(key)
        .post(
            "/api/v1/tickets/",
            {"category": "technical", "subject": "From the CRM", "description": "x"},
            content_type="application/json",
        )
        .json()["number"]
    )
    integration = User.objects.get(is_integration=True)

    services.ticket_reply(ticket=Ticket.objects.get(pk=number), author=agent, body="On it.")

    assert not Notification.objects.filter(recipient=integration).exists()
    assert not OutboundEmail.objects.filter(recipient=integration).exists()
    integration.set_password(PASSWORD)
    integration.save()
    assert not can_log_in(Client(), integration.email)


def test_the_organisation_page_lists_its_tokens_not_the_integration_among_people(alice, login):
    client = login(alice)
    create_on_page(client, name="Status page", scope="read")

    page = client.get(reverse("organization")).content.decode()

    assert "Status page" in page
    assert "Acme (integration)" not in page.split('id="integration-tokens-heading"')[0]


def test_a_read_only_integration_token_cannot_write(alice, category, login):
    _, key = create_on_page(login(alice), scope="read")

    refused = as_script(key).post(
        "/api/v1/tickets/",
        {"category": "technical", "subject": "x", "description": "y"},
        content_type="application/json",
    )

    assert refused.status_code == 403
    assert not Ticket.objects.exists()


def test_form_errors_name_the_field(alice, login):
    status, key = create_on_page(login(alice), name="", expires_in_days="12")
    assert status == 400
    assert key == ""
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["bob", "carol", "agent"])
def test_nobody_else_makes_or_revokes_an_organisations_tokens(who, alice, request, login):
    token, _key = integration_token_create(admin=alice, name="CRM")
    other = login(request.getfixturevalue(who))

    assert other.post(reverse("organization_token_revoke", args=[token.pk])).status_code == 404
    if who != "carol":  # Carol's page makes Globex's own tokens
        status, key = create_on_page(other)
        assert status == 404
        assert key == ""
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_admin_revokes_and_the_script_is_refused(alice, login):
    client = login(alice)
    _, key = create_on_page(client)
    token = ApiToken.objects.get()

    assert client.post(reverse("organization_token_revoke", args=[token.pk])).status_code == 302
    assert as_script(key).get("/api/v1/tickets/").status_code == 401


def test_support_admins_see_integration_tokens_with_the_others(alice, support_admin, login):
    integration_token_create(admin=alice, name="CRM hook")

    page = login(support_admin).get(reverse("api_tokens_all")).content.decode()

    assert "CRM hook" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_first_tokens_at_once_make_one_integration_user(alice):
    results = run_together(
        *[lambda i=i: integration_token_create(admin=alice, name=f"t{i}") for i in range(21)]
    )

    made = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(made), len(refused)) == (20, 1), results
    assert User.objects.filter(is_integration=True).count() == 1
    assert integration_user_for(alice.organization).api_tokens.count() == 20
