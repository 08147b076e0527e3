"""The API's macros (issue 18): support staff list, create, change and apply
them; customers are refused like on every staff-only endpoint and learn
nothing; another agent's personal macro does not exist; a read-only token
may list but not apply."""

import pytest

from accounts.tokens import token_create
from tickets import services
from tickets.models import Macro, Message, Priority, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(alice, make_ticket):
    return make_ticket(alice, "Printer offline")


@pytest.fixture
def waits(support_admin):
    return services.macro_create(
        actor=support_admin,
        shared=True,
        title="Ask for logs",
        body="Hi {{ requester.first_name }}, logs for #{{ ticket.number }} please.",
        status_action="wait",
        tags="needs-logs",
    )


def test_an_agent_creates_changes_and_deletes_a_personal_macro(api, agent, agent2, billing):
    client = api(agent)

    created = client.post(
        "/api/v1/macros/",
        {
            "title": "Refund",
            "body": "Refund for {{ organization.alias }}.",
            "status_action": "solve",
            "priority": "high",
            "category": "billing",
            "tags": ["Refund"],
            "assignee": "agent2@support.example",
        },
        format="json",
    )

    assert created.status_code == 201
    body = created.json()
    assert {key: body[key] for key in body if key not in ("id", "created_at", "updated_at")} == {
        "title": "Refund",
        "body": "Refund for {{ organization.alias }}.",
        "shared": False,
        "owner": "agent@support.example",
        "status_action": "solve",
        "priority": "high",
        "category": "billing",
        "tags": ["refund"],
        "assignee": "agent2@support.example",
        "usage_count": 0,
        "can_manage": True,
    }
    url = f"/api/v1/macros/{body['id']}/"
    changed = client.patch(url, {"assignee": "me", "priority": None}, format="json")
    assert (changed.json()["assignee"], changed.json()["priority"]) == ("me", None)
    assert client.delete(url).status_code == 204
    assert not Macro.objects.exists()


def test_bad_input_is_refused_naming_the_field(api, agent):
    answer = api(agent).post(
        "/api/v1/macros/",
        {"title": "Typo", "body": "Hi {{ requester.email }}", "shared": True},
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json() == {
        "shared": ["Only support admins can share a macro."],
    }
    answer = api(agent).post(
        "/api/v1/macros/", {"title": "Typo", "body": "Hi {{ requester.email }}"}, format="json"
    )
    assert answer.json() == {
        "body": ["Unknown placeholder: {{ requester.email }}. See the list of placeholders."]
    }
    assert not Macro.objects.exists()


def test_shared_macros_are_changed_by_support_admins_only(api, agent, support_admin, waits):
    url = f"/api/v1/macros/{waits.pk}/"
    assert api(agent).get(url).json()["can_manage"] is False
    assert api(agent).patch(url, {"title": "Mine"}, format="json").status_code == 403
    assert api(agent).delete(url).status_code == 403
    assert Macro.objects.get(pk=waits.pk).title == "Ask for logs"

    answer = api(support_admin).patch(url, {"title": "Logs"}, format="json")
    assert (answer.status_code, answer.json()["title"]) == (200, "Logs")


def test_another_agent_s_personal_macro_does_not_exist(api, agent, agent2, ticket):
    theirs = services.macro_create(actor=agent2, title="Theirs", status_action="solve")
    client = api(agent)

    assert client.get("/api/v1/macros/").json()["results"] == []
    for method in ("get", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/macros/{theirs.pk}/").status_code == 404
    applied = client.post(f"/api/v1/tickets/{ticket.pk}/macros/{theirs.pk}/apply/")
    assert applied.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_applying_answers_the_ticket_with_every_action_done(api, agent, ticket, waits):
    answer = api(agent).post(f"/api/v1/tickets/{ticket.pk}/macros/{waits.pk}/apply/")

    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["tags"]) == (
        "waiting_for_customer",
        ["needs-logs"],
    )
    assert Message.objects.get(ticket=ticket).body == (f"Hi Alice, logs for #{ticket.pk} please.")


def test_applying_with_a_body_and_as_a_note(api, agent, ticket, waits):
    api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/macros/{waits.pk}/apply/",
        {"body": "Asked by phone.", "internal": True},
        format="json",
    )

    message = Message.objects.get(ticket=ticket)
    assert (message.body, message.is_internal) == ("Asked by phone.", True)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING


def test_a_refused_move_answers_409_and_changes_nothing(api, agent, alice, ticket, waits):
    services.ticket_close(ticket=ticket, actor=alice)

    answer = api(agent).post(f"/api/v1/tickets/{ticket.pk}/macros/{waits.pk}/apply/")

    assert answer.status_code == 409
    assert answer.json() == {
        "detail": "You can't wait on a ticket that is closed.",
        "code": "invalid_transition",
    }
    assert not Message.objects.filter(ticket=ticket).exists()
    assert list(Ticket.objects.get(pk=ticket.pk).tags.all()) == []


def test_customers_are_refused_everywhere_and_change_nothing(api, alice, carol, ticket, waits):
    for customer in (alice, carol):
        client = api(customer)
        for method, url in (
            ("get", "/api/v1/macros/"),
            ("post", "/api/v1/macros/"),
            ("get", f"/api/v1/macros/{waits.pk}/"),
            ("patch", f"/api/v1/macros/{waits.pk}/"),
            ("delete", f"/api/v1/macros/{waits.pk}/"),
            ("post", f"/api/v1/tickets/{ticket.pk}/macros/{waits.pk}/apply/"),
        ):
            answer = getattr(client, method)(url, {"title": "x"}, format="json")
            assert answer.status_code == 403, url
            assert "Ask for logs" not in answer.content.decode()
    assert Macro.objects.get(pk=waits.pk).title == "Ask for logs"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_read_only_token_lists_but_does_not_apply(agent, ticket, waits):
    from rest_framework.test import APIClient

    _, key = token_create(user=agent, name="read", scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.get("/api/v1/macros/").status_code == 200
    refused = client.post(f"/api/v1/tickets/{ticket.pk}/macros/{waits.pk}/apply/")
    assert (refused.status_code, refused.json()["code"]) == (403, "token_read_only")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


@pytest.mark.parametrize("size", [2, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    size, api, agent, support_admin, billing, django_assert_max_num_queries
):
    for number in range(size):
        services.macro_create(
            actor=support_admin if number % 2 else agent,
            shared=bool(number % 2),
            title=f"Macro {number:02}",
            category=billing,
            priority=Priority.HIGH,
            assignee=support_admin,
            tags="a b",
        )
    client = api(agent)

    with django_assert_max_num_queries(6):
        answer = client.get("/api/v1/macros/", {"page_size": 100})

    assert answer.json()["count"] == size
    assert answer.json()["results"][0]["category"] == "billing"
