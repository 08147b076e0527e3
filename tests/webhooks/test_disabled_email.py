"""Who hears that a hook was disabled: its owner while they still manage it,
else the people who do now; never another organisation's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from outbox.models import OutboundEmail, Purpose
from webhooks.models import Webhook, WebhookDelivery
from webhooks.services import delivery_send, hook_create


@pytest.fixture
def failing(settings, receiver, make_ticket, process_events, bob):
    """Disable ``hook`` through one failed delivery of a new Acme ticket; ``meanwhile``
    runs between the delivery's writing and its sending. Returns who was emailed."""
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 1
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = 0

    def fail(hook: Webhook, meanwhile=lambda: None) -> list[str]:
        receiver.answers = [500] * 5
        make_ticket(bob)
        process_events()
        meanwhile()
        for pk in WebhookDelivery.objects.values_list("pk", flat=True):
            delivery_send(delivery_id=pk, now=timezone.now() + timedelta(seconds=1))
        hook.refresh_from_db()
        assert not hook.is_active
        return sorted(
            OutboundEmail.objects.filter(purpose=Purpose.WEBHOOK_DISABLED).values_list(
                "to", flat=True
            )
        )

    return fail


def _person(email, role, organization=None, *, active=True) -> User:
    return User.objects.create_user(
        email, None, full_name=email, role=role, organization=organization, is_active=active
    )


def _change(user: User, **fields):
    def change() -> None:
        for name, value in fields.items():
            setattr(user, name, value)
        user.save()

    return change


@pytest.fixture
def acme_admins(acme, carol):
    """Two more active Acme admins, an inactive one, and Globex's carol (never told)."""
    _person("dana@acme.example", User.Role.ADMIN, acme)
    _person("erin@acme.example", User.Role.ADMIN, acme)
    _person("gone@acme.example", User.Role.ADMIN, acme, active=False)
    _person("mo@acme.example", User.Role.MEMBER, acme)


def test_an_owner_who_is_still_an_admin_alone_is_told(failing, receiver, alice, acme_admins):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["ticket.created"])
    assert failing(hook) == ["alice@acme.example"]


@pytest.mark.parametrize(
    "change", [{"role": User.Role.MEMBER}, {"is_active": False}], ids=["demoted", "deactivated"]
)
def test_an_owner_who_no_longer_manages_it_is_not_told_the_organisations_admins_are(
    failing, receiver, alice, acme_admins, change
):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["ticket.created"])
    told = failing(hook, meanwhile=_change(alice, **change))
    assert told == ["dana@acme.example", "erin@acme.example"]


def test_a_customer_hook_whose_owner_moved_to_another_organisation_tells_the_old_ones_admins(
    failing, receiver, alice, acme_admins, globex
):
    hook, _ = hook_create(actor=alice, url=receiver.url, event_types=["ticket.created"])
    told = failing(hook, meanwhile=_change(alice, organization=globex))
    assert told == ["dana@acme.example", "erin@acme.example"]


def test_a_support_hook_whose_owner_was_demoted_tells_the_active_support_admins(
    failing, receiver, support_admin, acme_admins, agent
):
    other = _person("second@support.example", User.Role.SUPPORT_ADMIN)
    _person("retired@support.example", User.Role.SUPPORT_ADMIN, active=False)
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    told = failing(hook, meanwhile=_change(support_admin, role=User.Role.AGENT))
    assert told == [other.email]


def test_a_support_hook_whose_owner_is_still_a_support_admin_tells_them_alone(
    failing, receiver, support_admin, acme_admins
):
    _person("second@support.example", User.Role.SUPPORT_ADMIN)
    hook, _ = hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    assert failing(hook) == [support_admin.email]
