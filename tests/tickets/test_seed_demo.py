"""The demo data behind `make run`."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organization, User
from tests.conftest import can_log_in
from tickets.models import Status, Ticket


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


def test_the_demo_history_notifies_nobody(db, settings):
    from tickets.models import TicketEvent

    settings.DEBUG = True
    call_command("seed_demo")

    assert not TicketEvent.objects.filter(notified_at__isnull=True).exists()
