"""The Django admin shows tickets but never changes them: writes go through the services."""

import pytest
from django.urls import reverse

from tickets.models import Priority, Ticket, TicketEvent

EDITABLE_ELSEWHERE = ["subject", "description", "category", "priority", "internal_reference"]


@pytest.fixture
def ticket(make_ticket, alice):
    return make_ticket(alice, subject="Printer on fire", internal_reference="PO-1")


def test_a_support_admin_sees_a_ticket_with_no_field_to_edit(login, support_admin, ticket):
    response = login(support_admin).get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Printer on fire" in html
    for field in EDITABLE_ELSEWHERE:
        assert f'name="{field}"' not in html
    assert 'name="_save"' not in html


def test_the_admin_cannot_write_a_tickets_fields_and_nothing_changes(
    login, support_admin, ticket, billing
):
    before = Ticket.objects.values().get(pk=ticket.pk)
    events = TicketEvent.objects.count()

    response = login(support_admin).post(
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        {
            "subject": "Renamed behind the lifecycle's back",
            "description": "Rewritten",
            "category": billing.pk,
            "priority": Priority.URGENT,
            "internal_reference": "PO-2",
            "_save": "Save",
        },
    )

    assert response.status_code == 403
    assert Ticket.objects.values().get(pk=ticket.pk) == before
    assert TicketEvent.objects.count() == events
