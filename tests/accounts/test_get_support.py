"""Seed 000's "how do I get support": ways in by tier and plan, and the email template."""

import re

import pytest
from django.urls import reverse

from accounts.models import SupportContact
from inbound.models import SupportAddress
from tickets.models import Priority

GET_SUPPORT = reverse("get_support")


def mailto_addresses(html: str) -> list[str]:
    return re.findall(r'href="mailto:([^"]+)"', html)


@pytest.fixture
def contacts(db):
    SupportAddress.objects.create(email="help@support.example", priority=Priority.NORMAL)
    SupportAddress.objects.create(email="high@support.example", priority=Priority.HIGH)
    SupportContact.objects.create(kind="email", label="Incidents", value="help@support.example")
    SupportContact.objects.create(kind="email", label="High priority", value="high@support.example")
    SupportContact.objects.create(
        kind="phone", label="USA", value="+1 425 321 0338", minimum_tier="professional"
    )
    SupportContact.objects.create(
        kind="chat", label="Chat", value="https://chat.support.example", minimum_tier="professional"
    )
    SupportContact.objects.create(
        kind="phone", label="Hotline", value="+1 800 000 0000", minimum_tier="enterprise"
    )


@pytest.fixture
def managed_services(db):
    """Seed 000's exception: Managed Services customers' own addresses and phones."""
    for email in ("incident@support.example", "request@support.example"):
        SupportAddress.objects.create(email=email, priority=Priority.NORMAL)
    SupportContact.objects.create(
        kind="email", label="Incidents", value="incident@support.example", service_plan="managed"
    )
    SupportContact.objects.create(
        kind="email", label="Requests", value="request@support.example", service_plan="managed"
    )
    SupportContact.objects.create(
        kind="phone", label="US", value="888.638.6771", service_plan="managed"
    )
    SupportContact.objects.create(
        kind="phone", label="Singapore", value="+65.6305.8099", service_plan="managed"
    )


def test_an_enterprise_customer_sees_email_chat_and_phone(login, alice, contacts):
    html = login(alice).get(GET_SUPPORT).content.decode()

    for value in [
        "help@support.example",
        "high@support.example",
        "+1 425 321 0338",
        "https://chat.support.example",
        "+1 800 000 0000",
    ]:
        assert value in html
    assert 'href="tel:+14253210338"' in html


def test_a_standard_customer_sees_email_only(login, carol, contacts):
    html = login(carol).get(GET_SUPPORT).content.decode()

    assert "help@support.example" in html
    assert "+1 425 321 0338" not in html
    assert "chat.support.example" not in html
    assert "Chat and phone support come with the Professional and Enterprise tiers." in html


def test_only_addresses_the_email_channel_routes_are_listed(login, alice, contacts):
    # Given a contact whose address has no support address, and one whose address is off
    SupportContact.objects.create(kind="email", label="Old", value="old@support.example")
    SupportAddress.objects.create(email="paused@support.example", is_active=False)
    SupportContact.objects.create(kind="email", label="Paused", value="paused@support.example")

    html = login(alice).get(GET_SUPPORT).content.decode()

    assert sorted(mailto_addresses(html)) == ["help@support.example", "high@support.example"]
    assert set(mailto_addresses(html)) <= set(
        SupportAddress.objects.filter(is_active=True).values_list("email", flat=True)
    )


def test_each_address_says_the_priority_its_mail_opens(login, alice, contacts):
    html = login(alice).get(GET_SUPPORT).content.decode()

    row = r"{}</a>\s*</td><td[^>]*>Opens {} priority tickets"
    assert re.search(row.format(r"high@support\.example", "High"), html)
    assert re.search(row.format(r"help@support\.example", "Normal"), html)


def test_a_managed_services_customer_also_sees_the_managed_services_contacts(
    login, alice, acme, contacts, managed_services
):
    acme.service_plan = "managed"
    acme.save()

    html = login(alice).get(GET_SUPPORT).content.decode()

    assert "with <strong>Managed Services</strong>" in html
    managed = html.split('<h2 id="managed-services">Managed Services</h2>')[1].split("</section>")[
        0
    ]
    assert mailto_addresses(managed) == ["incident@support.example", "request@support.example"]
    assert "888.638.6771" in managed
    assert 'href="tel:+6563058099"' in managed
    assert "help@support.example" in html  # the ordinary ways in stay


def test_a_cloud_customer_does_not_see_the_managed_services_contacts(
    login, alice, contacts, managed_services
):
    html = login(alice).get(GET_SUPPORT).content.decode()

    assert "incident@support.example" not in html
    assert "888.638.6771" not in html
    assert 'id="managed-services"' not in html


def test_sales_and_billing_contacts_have_their_own_section(login, carol, contacts):
    SupportContact.objects.create(
        kind="phone", topic="sales", label="Sales team", value="+1 425 321 0300"
    )
    SupportContact.objects.create(
        kind="email", topic="billing", label="Invoices", value="invoices@billing.example"
    )

    html = login(carol).get(GET_SUPPORT).content.decode()

    section = html.split('<h2 id="sales-and-billing">Sales and billing</h2>')[1]
    assert section.index("<h3>Sales</h3>") < section.index("+1 425 321 0300")
    assert section.index("<h3>Billing</h3>") < section.index("invoices@billing.example")


def test_a_web_contact_is_linked_only_with_a_web_address(login, alice, contacts):
    SupportContact.objects.create(kind="web", label="Status", value="javascript:alert(1)")

    html = login(alice).get(GET_SUPPORT).content.decode()

    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_the_template_is_filled_with_the_alias_and_username_never_a_pin(login, alice, contacts):
    from accounts.pins import pin_set

    pin_set(user=alice, pin="730195")
    html = login(alice).get(GET_SUPPORT).content.decode()

    assert "Account Alias: ACME\nUsername: alice@acme.example\nUser PIN: (your support PIN)" in html
    assert "730195" not in html


def test_support_staff_get_404(login, agent):
    assert login(agent).get(GET_SUPPORT).status_code == 404
