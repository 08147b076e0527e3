"""The demo data behind `make run`."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Organization, User
from inbound.models import SupportAddress
from inbound.services import email_ingest
from tests.helpers import can_log_in
from tests.inbound import corpus
from tickets.models import Macro, Priority, Status, Ticket


def test_demo_data_is_refused_with_debug_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")

    assert User.objects.count() == 0


def test_demo_data_loads_once_and_again_changes_nothing(db, settings, client):
    settings.DEBUG = True

    call_command("seed_demo")
    counts = (User.objects.count(), Organization.objects.count(), Ticket.objects.count())
    call_command("seed_demo")

    assert counts == (User.objects.count(), Organization.objects.count(), Ticket.objects.count())
    assert counts[1:] == (2, 40)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    acme = Organization.objects.get(alias="ACME")
    globex = Organization.objects.get(alias="GLOBEX")
    assert (acme.support_tier, acme.reply_policy) == ("enterprise", "reopen")
    assert (globex.support_tier, globex.reply_policy) == ("standard", "follow_up")
    assert can_log_in(client, "alice@acme.example", "demo-password")
    assert User.objects.get(email="admin@support.example").role == "support_admin"
    # Three shared macros (issue 18), made once.
    macros = Macro.objects.filter(owner=None).order_by("title")
    assert [(m.title, m.status_action, m.tags) for m in macros] == [
        ("Ask for logs", "wait", "needs-logs"),
        ("Billing handover", "", "billing"),
        ("Solved: please confirm", "solve", ""),
    ]
    assert macros.get(title="Billing handover").category.slug == "billing"


def test_the_demo_history_notifies_nobody(db, settings):
    from tickets.models import TicketEvent

    settings.DEBUG = True
    call_command("seed_demo")

    assert not TicketEvent.objects.filter(notified_at__isnull=True).exists()


def support_addresses_on(html: str) -> set[str]:
    """The support email addresses a Get support page shows (not Sales and Billing)."""
    support_part = html.split('id="sales-and-billing"')[0].split('aria-label="Email template"')[0]
    return set(re.findall(r'href="mailto:([^"]+)"', support_part))


def test_the_demo_routes_every_support_address_get_support_shows(db, settings, login):
    """Issue 13, item 3: help@ and high@ as the page says (high@ opens High tickets)."""
    settings.DEBUG = True
    call_command("seed_demo")
    alice = User.objects.get(email="alice@acme.example")
    carol = User.objects.get(email="carol@globex.example")

    shown = set()
    for user in (alice, carol):
        shown |= support_addresses_on(login(user).get(reverse("get_support")).content.decode())
    for address in ("high@support.example", "help@support.example"):
        email_ingest(raw=corpus.plain(sender=alice.email, to=address, subject=f"To {address}"))

    routed = dict(SupportAddress.objects.filter(is_active=True).values_list("email", "priority"))
    assert {"help@support.example", "high@support.example"} <= shown <= set(routed)
    assert (routed["help@support.example"], routed["high@support.example"]) == (
        Priority.NORMAL,
        Priority.HIGH,
    )
    by_mail = Ticket.objects.filter(subject__startswith="To ")
    assert dict(by_mail.values_list("subject", "priority")) == {
        "To high@support.example": Priority.HIGH,
        "To help@support.example": Priority.NORMAL,
    }


def test_the_demo_gives_each_organisation_the_ways_in_of_its_tier_and_plan(db, settings, login):
    """Issue 13, item 8: seed 000's six regional phones and its Managed Services exception."""
    settings.DEBUG = True
    call_command("seed_demo")
    acme = Organization.objects.get(alias="ACME")
    phones = ["+1 (425) 321-0338", "+44 20 0333 0338", "+852 58032338"]
    phones += ["+61 7 4410 3380", "+65 3158 9575", "+81-3-4540-3776"]
    managed = ["incident@support.example", "request@support.example", "888.638.6771"]
    managed += ["+44.118.322.6100", "+65.6305.8099"]

    alices = login(User.objects.get(email="alice@acme.example")).get(reverse("get_support"))
    carols = login(User.objects.get(email="carol@globex.example")).get(reverse("get_support"))

    assert acme.service_plan == "managed"
    assert all(value in alices.content.decode() for value in phones + managed)
    assert not any(value in carols.content.decode() for value in phones + managed)
    for html in (alices.content.decode(), carols.content.decode()):
        assert "billing@support.example" in html
        assert "+1 (425) 321-0300" in html
