"""POST /api/v1/tickets/<n>/merge/ (issue 18): support merges one ticket into
another of the same organisation; every refusal names its rule and changes nothing."""

import pytest

from tickets import services
from tickets.models import Message, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(bob, agent, make_ticket):
    ticket = make_ticket(bob, "Printer on fire again")
    services.ticket_reply(ticket=ticket, author=agent, body="Unplug it, please.")
    return ticket


@pytest.fixture
def target(alice, make_ticket):
    return make_ticket(alice, "Printer on fire")


def merge(client, ticket, body):
    return client.post(f"/api/v1/tickets/{ticket.pk}/merge/", body, format="json")


def test_support_merges_and_gets_the_closed_source_pointing_at_the_target(
    api, agent, source, target
):
    response = merge(api(agent), source, {"into": target.pk, "comment": "Duplicate."})

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["merged_into"]) == (
        source.pk,
        "closed",
        target.pk,
    )
    assert body["actions"] == []
    assert Message.objects.filter(ticket=target, merged_from=source).count() == 2
    shown = api(agent).get(f"/api/v1/tickets/{target.pk}/").json()
    assert (shown["merged_into"], shown["status"]) == (None, "open")


def test_the_targets_messages_say_which_ticket_they_came_from(api, agent, bob, source, target):
    services.ticket_merge(ticket=source, into=target.pk, actor=agent, comment="Dup.")

    rows = api(bob).get(f"/api/v1/tickets/{target.pk}/messages/").json()["results"]

    assert [(row["body"], row["merged_from"]) for row in rows] == [
        ("It stopped answering at 09:00.", source.pk),  # the source's request
        ("Unplug it, please.", source.pk),
    ]  # the merge's internal note is support's only


def test_customers_see_the_pointer_of_their_organisations_merged_ticket(
    api, agent, bob, source, target
):
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    row = api(bob).get(f"/api/v1/tickets/{source.pk}/").json()

    assert row["merged_into"] == target.pk
    listed = {
        t["number"]: t["merged_into"] for t in api(bob).get("/api/v1/tickets/").json()["results"]
    }
    assert listed == {source.pk: target.pk, target.pk: None}


@pytest.mark.parametrize(
    ("into", "rule"),
    [
        ("self", "A ticket can't be merged into itself."),
        ("missing", "There is no ticket #"),
        ("globex", "belongs to another organisation; tickets merge only within one organisation."),
    ],
)
def test_a_refused_target_is_400_on_into_naming_the_rule(
    into, rule, api, agent, carol, source, target, make_ticket
):
    number = {
        "self": source.pk,
        "missing": target.pk + 100,
        "globex": make_ticket(carol, "Globex printer").pk,
    }[into]

    response = merge(api(agent), source, {"into": number})

    assert response.status_code == 400
    assert rule in response.json()["into"][0]
    assert Ticket.objects.get(pk=source.pk).merged_into_id is None
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.MERGED).exists()


def test_bad_input_names_the_field(api, agent, source):
    for body in ({}, {"into": "seven"}, {"into": 0}):
        response = merge(api(agent), source, body)
        assert response.status_code == 400
        assert list(response.json()) == ["into"]


def test_merging_a_merged_source_again_is_409(api, agent, alice, source, target, make_ticket):
    third = make_ticket(alice, "Printer smoke")
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    response = merge(api(agent), source, {"into": third.pk})

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"This ticket was already merged into #{target.pk}.",
        "code": "invalid_transition",
    }


def test_a_merged_source_refuses_reopening_through_the_api(api, agent, bob, source, target):
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    response = api(bob).post(
        f"/api/v1/tickets/{source.pk}/reopen/", {"body": "Still smoking."}, format="json"
    )

    assert response.status_code == 409
    assert "merged into" in response.json()["detail"]
    assert Ticket.objects.get(pk=source.pk).status == Status.CLOSED


def test_customers_get_403_and_another_organisation_cannot_even_see_it(
    api, bob, carol, source, target
):
    assert merge(api(bob), source, {"into": target.pk}).status_code == 403
    assert merge(api(carol), source, {"into": target.pk}).status_code == 403
    assert api(carol).get(f"/api/v1/tickets/{source.pk}/").status_code == 404
    assert Ticket.objects.get(pk=source.pk).merged_into_id is None


def test_the_schema_documents_the_merge_and_the_pointer(api, agent):
    schema = api(agent).get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/tickets/{number}/merge/"]["post"]
    assert operation["operationId"] == "tickets_merge"
    assert "same organisation" in operation["description"]
    assert "merged_into" in schema["components"]["schemas"]["TicketDetail"]["properties"]
