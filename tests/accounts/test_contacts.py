"""Contacts are data: Sales and Billing shortcuts on the ticket list (seed 001),
and support admins set organisations' service plans and the contacts (issue 13, item 8)."""

import re

import pytest
from django.urls import reverse

from accounts.models import Organization, SupportContact
from inbound.models import SupportAddress

LIST, ARCHIVE = reverse("tickets:list"), reverse("tickets:archive")


def shortcuts_of(html: str) -> str:
    found = re.search(r'<aside class="shortcuts"[^>]*>(.*?)</aside>', html, re.S)
    return found[1] if found else ""


@pytest.fixture
def sales_and_billing(db):
    SupportContact.objects.create(
        kind="phone", topic="sales", label="Sales team", value="+1 (425) 321-0300"
    )
    SupportContact.objects.create(
        kind="email", topic="billing", label="Invoices", value="billing@support.example"
    )
    SupportContact.objects.create(
        kind="phone",
        topic="billing",
        label="Account manager",
        value="+1 (425) 321-0399",
        minimum_tier="enterprise",
    )
    SupportContact.objects.create(
        kind="email",
        topic="sales",
        label="Managed sales",
        value="msp@sales.example",
        service_plan="managed",
    )
    # A support address is a way in to support, not a shortcut.
    SupportAddress.objects.create(email="help@support.example")
    SupportContact.objects.create(kind="email", label="Support", value="help@support.example")


@pytest.mark.parametrize("url", [LIST, ARCHIVE])
def test_the_ticket_list_has_shortcuts_to_the_sales_and_billing_contacts(
    url, login, alice, make_ticket, sales_and_billing
):
    make_ticket(alice)

    shortcuts = shortcuts_of(login(alice).get(url).content.decode())

    assert shortcuts.index("<strong>Sales</strong>") < shortcuts.index("<strong>Billing</strong>")
    assert 'href="tel:+14253210300">+1 (425) 321-0300</a>' in shortcuts
    assert 'href="mailto:billing@support.example">billing@support.example</a>' in shortcuts
    assert "+1 (425) 321-0399" in shortcuts  # Acme is on the enterprise tier
    assert "help@support.example" not in shortcuts


def test_the_shortcuts_follow_the_organisations_tier_and_plan(
    login, carol, acme, alice, sales_and_billing
):
    carols = shortcuts_of(login(carol).get(LIST).content.decode())
    assert "billing@support.example" in carols
    assert "+1 (425) 321-0399" not in carols  # Globex is on the standard tier
    assert "msp@sales.example" not in carols

    acme.service_plan = Organization.ServicePlan.MANAGED
    acme.save()
    alices = shortcuts_of(login(alice).get(LIST).content.decode())
    assert "msp@sales.example" in alices


def test_no_shortcuts_when_there_are_no_sales_or_billing_contacts(login, alice):
    assert '<aside class="shortcuts"' not in login(alice).get(LIST).content.decode()


def test_a_support_admin_sets_an_organisations_service_plan(login, support_admin, acme):
    url = reverse("admin:accounts_organization_change", args=[acme.pk])
    client = login(support_admin)
    assert 'name="service_plan"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "name": "Acme",
            "alias": "ACME",
            "support_tier": "enterprise",
            "service_plan": "managed",
            "reply_policy": "reopen",
            "is_active": "on",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.service_plan == "managed"


def contact_form(**fields) -> dict:
    return {
        "kind": "email",
        "topic": "support",
        "label": "Incidents",
        "value": "incident@support.example",
        "minimum_tier": "standard",
        "service_plan": "managed",
        "notes": "",
        "order": "0",
        **fields,
    }


def test_the_admin_refuses_a_support_email_the_email_channel_does_not_route(login, support_admin):
    response = login(support_admin).post(
        reverse("admin:accounts_supportcontact_add"), contact_form()
    )

    assert response.status_code == 200
    assert "incident@support.example is not an active support address" in (
        response.content.decode()
    )
    assert SupportContact.objects.count() == 0


def test_the_admin_adds_a_support_email_the_email_channel_routes(login, support_admin):
    SupportAddress.objects.create(email="incident@support.example")

    response = login(support_admin).post(
        reverse("admin:accounts_supportcontact_add"), contact_form(value="Incident@Support.example")
    )

    assert response.status_code == 302
    contact = SupportContact.objects.get()
    assert (contact.value, contact.service_plan) == ("incident@support.example", "managed")


def test_agents_and_customers_cannot_edit_contacts(login, agent, alice):
    url = reverse("admin:accounts_supportcontact_add")

    assert login(agent).post(url, contact_form()).status_code == 302
    assert login(alice).post(url, contact_form()).status_code == 302
    assert SupportContact.objects.count() == 0
