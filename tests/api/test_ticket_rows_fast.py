"""The API's ticket rows are written out by hand for speed (issue 15); they
must say exactly what the declared fields say, to customers and to support,
for tickets in every shape a desk has."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from tickets import services
from tickets.api.serializers import TicketSerializer
from tickets.api.views.base import ticket_rows
from tickets.models import Ticket
from tickets.workflow import Action


@pytest.fixture
def desk(alice, bob, agent, make_ticket):
    """Open and unassigned; assigned with a tag, a support reply and a reference;
    solved and rated; closed; one a customer has not yet seen the reply to."""
    make_ticket(alice, "Printer jammed")
    tagged = make_ticket(bob, 'Invoice <b>"wrong"</b> & late', internal_reference="PO-7")
    services.ticket_assign(ticket=tagged, actor=agent, assignee=agent)
    services.ticket_tag(
        ticket=Ticket.objects.get(pk=tagged.pk), actor=agent, add=["vip", "billing"]
    )
    services.ticket_reply(ticket=Ticket.objects.get(pk=tagged.pk), author=agent, body="On it.")
    solved = make_ticket(alice, "VPN drops")
    services.ticket_take(ticket=solved, agent=agent)
    services.ticket_change_status(ticket=solved, actor=agent, action=Action.SOLVE)
    services.ticket_rate(ticket=solved, rater=alice, score="bad", comment="Slow")
    closed = make_ticket(bob, "Old question")
    services.ticket_close(ticket=closed, actor=bob)


def _declared(ticket, context) -> dict:
    """What DRF's declared fields give for ``ticket``, bypassing the hand-written rows."""
    return serializers.Serializer.to_representation(TicketSerializer(context=context), ticket)


@pytest.mark.parametrize("who", ["alice", "agent"])
def test_each_row_says_what_the_declared_fields_say(who, request, desk, rf):
    viewer = request.getfixturevalue(who)
    web_request = rf.get("/api/v1/tickets/")
    web_request.user = viewer
    context = {"request": web_request}
    rows = list(ticket_rows(Ticket.objects.visible_to(viewer), viewer).order_by("pk"))
    assert len(rows) == 4

    fast = TicketSerializer(rows, many=True, context=context).data
    assert [dict(row) for row in fast] == [_declared(ticket, context) for ticket in rows]
    # The shapes differ by viewer, as the declared fields decide.
    tags = [row["tags"] for row in fast]
    assert tags == ([None] * 4 if who == "alice" else [[], ["billing", "vip"], [], []])
    assert fast[2]["satisfaction"]["score"] == "bad"
