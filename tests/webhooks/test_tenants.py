"""Customer-owned hooks hear only what their customers may see (issue 21)."""

from __future__ import annotations

import json

from tickets import services as tickets
from tickets.models import TicketEvent
from webhooks.models import WebhookDelivery
from webhooks.services import delivery_send, hook_create

EVERYTHING = [
    "ticket.created",
    "message.added",
    "ticket.status_changed",
    "ticket.assigned",
    "ticket.solved",
    "ticket.closed",
]


def deliver_all() -> None:
    for pk in list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True)):
        delivery_send(delivery_id=pk)


def test_a_customer_hook_never_receives_internal_notes_or_another_organisations_events(
    receiver, alice, carol, agent, make_ticket, process_events
):
    hook_create(actor=alice, url=receiver.url, event_types=EVERYTHING)
    ours = make_ticket(alice, subject="Acme printer")
    theirs = make_ticket(carol, subject="Globex secret project")
    tickets.ticket_reply(ticket=theirs, author=agent, body="Globex answer")
    tickets.ticket_reply(
        ticket=ours, author=agent, body="Internal: customer is rude", internal=True
    )
    tickets.ticket_reply(ticket=ours, author=agent, body="We are on it.")
    tickets.ticket_assign(ticket=ours, actor=agent, assignee=agent)
    process_events()
    deliver_all()

    bodies = [body.decode() for body in receiver.bodies()]
    everything = "\n".join(bodies)
    assert "Globex" not in everything
    assert "Internal: customer is rude" not in everything
    assert '"internal":true' not in everything
    assert agent.email not in everything  # support staff are known by name only
    received = sorted((json.loads(b)["type"], json.loads(b)["ticket"]["number"]) for b in bodies)
    assert received == sorted(
        [
            ("ticket.created", ours.pk),
            ("message.added", ours.pk),
            ("ticket.assigned", ours.pk),
        ]
        + [
            ("ticket.status_changed", ours.pk)
            for _ in TicketEvent.objects.filter(
                ticket=ours, kind=TicketEvent.Kind.STATUS, is_internal=False
            )
        ]
    )


def test_a_support_hook_for_one_organisation_hears_only_that_one(
    receiver, support_admin, alice, carol, acme, make_ticket, process_events
):
    hook_create(
        actor=support_admin, url=receiver.url, event_types=["ticket.created"], organization=acme
    )
    mine = make_ticket(alice)
    make_ticket(carol)
    process_events()
    deliver_all()
    assert [json.loads(b)["ticket"]["number"] for b in receiver.bodies()] == [mine.pk]


def test_a_support_hook_for_every_organisation_hears_both(
    receiver, support_admin, alice, carol, make_ticket, process_events
):
    hook_create(actor=support_admin, url=receiver.url, event_types=["ticket.created"])
    make_ticket(alice)
    make_ticket(carol)
    process_events()
    deliver_all()
    assert len(receiver.received) == 2


def test_a_missed_target_reaches_support_hooks_and_never_customer_hooks(
    receiver, support_admin, alice, make_ticket, process_events
):
    from datetime import timedelta

    from django.utils import timezone

    from tickets.sla.alerts import sla_alerts_due

    hook_create(actor=support_admin, url=receiver.url, event_types=["sla.breached"])
    hook_create(actor=alice, url=receiver.url + "&customer=1", event_types=EVERYTHING)
    ticket = make_ticket(alice)
    process_events()
    WebhookDelivery.objects.all().delete()  # the customer hook's ticket.created
    _, breached = sla_alerts_due(now=timezone.now() + timedelta(days=60))
    assert breached >= 1
    process_events()
    deliver_all()

    bodies = [json.loads(body) for body in receiver.bodies()]
    assert {body["type"] for body in bodies} == {"sla.breached"}
    assert len(bodies) == breached
    assert all(body["ticket"]["number"] == ticket.pk for body in bodies)
    assert WebhookDelivery.objects.filter(webhook__customer_owned=True).count() == 0
