"""Issue 18's collision rule in the API, opted into with ``seen``: a public
reply sent after someone else's newer public message is not sent (409
``messages_added`` with what was added); without ``seen`` nothing changes."""

import pytest

from tickets import services
from tickets.models import Message

pytestmark = pytest.mark.django_db


def test_a_reply_over_a_newer_message_answers_409_with_what_was_added(
    api, agent, alice, make_ticket
):
    ticket = make_ticket(alice)
    first = services.ticket_reply(ticket=ticket, author=agent, body="Any news?").message
    added = services.ticket_reply(ticket=ticket, author=alice, body="Yes: it works.").message

    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "Restart it.", "seen": first.pk},
        format="json",
    )

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "messages_added"
    assert [(m["id"], m["author"]["name"], m["body"]) for m in body["added"]] == [
        (added.pk, "Alice Anders", "Yes: it works.")
    ]
    assert Message.objects.filter(body="Restart it.").count() == 0


def test_sending_again_with_the_newest_seen_sends_once(api, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    added = services.ticket_reply(ticket=ticket, author=alice, body="Yes: it works.").message
    client = api(agent)
    url = f"/api/v1/tickets/{ticket.pk}/messages/"
    held = client.post(url, {"body": "Restart it.", "seen": 0}, format="json")

    sent = client.post(url, {"body": "Restart it.", "seen": added.pk}, format="json")

    assert (held.status_code, sent.status_code) == (409, 201)
    assert Message.objects.filter(body="Restart it.").count() == 1


def test_without_seen_a_reply_is_sent_as_before(api, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=alice, body="Yes: it works.")

    sent = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Restart it."}, format="json"
    )

    assert sent.status_code == 201


def test_a_customer_is_told_only_of_public_messages(api, agent, alice, bob, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=agent, body="secret", internal=True)
    reply = services.ticket_reply(ticket=ticket, author=agent, body="We are on it.").message

    response = api(bob).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Me too", "seen": 0}, format="json"
    )

    assert response.status_code == 409
    assert [m["id"] for m in response.json()["added"]] == [reply.pk]
    assert "secret" not in response.content.decode()


def test_an_internal_note_is_never_held(api, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=alice, body="Yes: it works.")

    sent = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "note", "internal": True, "seen": 0},
        format="json",
    )

    assert sent.status_code == 201


def test_another_organisation_gets_404_and_nothing_is_sent(api, carol, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=alice, body="Private words.")

    response = api(carol).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Hi", "seen": 0}, format="json"
    )

    assert response.status_code == 404
    assert "Private words." not in response.content.decode()
    assert Message.objects.filter(body="Hi").count() == 0


@pytest.mark.parametrize(
    ("seen", "rule"),
    [
        (-1, "Ensure this value is greater than or equal to 0."),
        ("x", "A valid integer is required."),
        (2**63, "Ensure this value is less than or equal to 9223372036854775807."),
    ],
)
def test_a_bad_seen_names_the_field_and_the_rule(seen, rule, api, agent, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Hi", "seen": seen}, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"seen": [rule]})
    assert Message.objects.filter(body="Hi").count() == 0
