"""Seed 000's "how do I get support": ways in by tier, and the email template."""

import pytest
from django.urls import reverse

from accounts.models import SupportContact


@pytest.fixture
def contacts(db):
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


def test_an_enterprise_customer_sees_email_chat_and_phone(login, alice, contacts):
    html = login(alice).get(reverse("get_support")).content.decode()

    for value in [
        "help@support.example",
        "high@support.example",
        "+1 425 321 0338",
        "https://chat.support.example",
        "+1 800 000 0000",
    ]:
        assert value in html


def test_a_standard_customer_sees_email_only(login, carol, contacts):
    html = login(carol).get(reverse("get_support")).content.decode()

    assert "help@support.example" in html
    assert "+1 425 321 0338" not in html and "chat.support.example" not in html
    assert "Chat and phone support come with the Professional and Enterprise tiers." in html


def test_the_template_is_filled_with_the_alias_and_username_never_a_pin(login, alice, contacts):
    from accounts.pins import pin_set

    pin_set(user=alice, pin="730195")
    html = login(alice).get(reverse("get_support")).content.decode()

    assert "Account Alias: ACME\nUsername: alice@acme.example\nUser PIN: (your support PIN)" in html
    assert "730195" not in html


def test_support_staff_get_404(login, agent):
    assert login(agent).get(reverse("get_support")).status_code == 404
