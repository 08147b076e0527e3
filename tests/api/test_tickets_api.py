"""Tickets, messages, actions, categories and files through REST API v1."""

import pytest
from django.core.files.storage import default_storage
from django.utils.dateparse import parse_datetime

from notifications.models import Notification
from notifications.services import notifications_for_event
from tests.attachments.files import PNG, upload
from tickets import services
from tickets.models import Attachment, Category, Message, Priority, Status, Ticket, TicketEvent


def numbers(response) -> list[int]:
    return [row["number"] for row in response.json()["results"]]


# Listing


def test_a_customer_lists_only_their_organisations_tickets(api, alice, bob, carol, make_ticket):
    mine = make_ticket(alice, "Mine")
    colleague = make_ticket(bob, "Bob's")
    make_ticket(carol, "Globex's")

    response = api(alice).get("/api/v1/tickets/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert set(numbers(response)) == {mine.pk, colleague.pk}
    assert body["next"] is None
    assert body["previous"] is None


def test_a_ticket_has_every_documented_field(api, alice, agent, make_ticket):
    ticket = make_ticket(alice, internal_reference="PO-7", product="Storage", resource="vol-9")
    services.ticket_take(ticket=ticket, agent=agent)

    row = api(alice).get("/api/v1/tickets/").json()["results"][0]

    assert row == {
        "number": ticket.pk,
        "subject": "Server is down",
        "description": "It stopped answering at 09:00.",
        "status": "in_progress",
        "priority": "normal",
        "category": {"slug": "technical", "name": "Technical issue"},
        "organization": {"alias": "ACME", "name": "Acme"},
        "requester": {"email": "alice@acme.example", "name": "Alice Anders"},
        "assignee": {"email": None, "name": "Sam Support"},  # staff addresses stay inside
        "internal_reference": "PO-7",
        "product": "Storage",
        "resource": "vol-9",
        "follow_up_of": None,
        "merged_into": None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "solved_at": None,
        "closed_at": None,
        # Support answered nothing yet: the first reply is owed, when the policy says.
        "first_response_due": row["first_response_due"],
        "next_response_due": None,
        "resolution_due": None,  # support's business, as is the state
        "sla_state": None,
        "tags": None,  # support's own words for grouping
        "satisfaction": None,  # the requester's rating once solved (issue 19)
        "unread": False,
    }
    ticket.refresh_from_db()
    assert ticket.first_response_due is not None
    assert parse_datetime(row["first_response_due"]) == ticket.first_response_due


def test_filters_by_status_category_priority_and_archive(api, alice, agent, make_ticket, billing):
    urgent = make_ticket(alice, "Urgent", priority=Priority.URGENT)
    bill = make_ticket(alice, "Invoice", category=billing)
    closed = make_ticket(alice, "Old")
    services.ticket_close(ticket=closed, actor=alice)
    waiting = make_ticket(alice, "Waiting")
    services.ticket_change_status(ticket=waiting, actor=agent, action="wait")
    client = api(alice)

    assert set(numbers(client.get("/api/v1/tickets/?status=open"))) == {urgent.pk, bill.pk}
    assert set(numbers(client.get("/api/v1/tickets/?status=closed,waiting_for_customer"))) == {
        closed.pk,
        waiting.pk,
    }
    assert numbers(client.get("/api/v1/tickets/?category=billing")) == [bill.pk]
    assert numbers(client.get("/api/v1/tickets/?priority=urgent")) == [urgent.pk]
    assert numbers(client.get("/api/v1/tickets/?archived=true")) == [closed.pk]
    assert closed.pk not in numbers(client.get("/api/v1/tickets/?archived=false"))


def test_search_finds_public_text_but_customers_never_match_internal_notes(
    api, alice, agent, make_ticket
):
    ticket = make_ticket(alice, "Printer jam")
    services.ticket_reply(ticket=ticket, author=agent, body="secret zebra", internal=True)

    assert numbers(api(alice).get("/api/v1/tickets/?search=printer")) == [ticket.pk]
    assert numbers(api(alice).get("/api/v1/tickets/?search=zebra")) == []
    assert numbers(api(agent).get("/api/v1/tickets/?search=zebra")) == [ticket.pk]


def test_staff_filter_by_organisation_and_assignee(api, alice, carol, agent, make_ticket):
    acme_ticket = make_ticket(alice)
    globex_ticket = make_ticket(carol)
    services.ticket_take(ticket=globex_ticket, agent=agent)
    client = api(agent)

    assert numbers(client.get("/api/v1/tickets/?organization=acme")) == [acme_ticket.pk]
    assert numbers(client.get("/api/v1/tickets/?assignee=none")) == [acme_ticket.pk]
    assert numbers(client.get(f"/api/v1/tickets/?assignee={agent.email}")) == [globex_ticket.pk]


def test_customers_cannot_filter_by_organisation_or_assignee(api, alice, carol, make_ticket):
    make_ticket(carol)

    response = api(alice).get("/api/v1/tickets/?organization=GLOBEX")

    assert response.status_code == 400
    assert response.json() == {"organization": ["Only support staff can filter by this."]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=done", "status"),
        ("priority=critical", "priority"),
        ("ordering=subject", "ordering"),
        ("archived=maybe", "archived"),
    ],
)
def test_a_bad_filter_names_the_field_and_the_rule(query, field, api, alice):
    response = api(alice).get(f"/api/v1/tickets/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_ordering_and_pagination(api, alice, make_ticket):
    tickets = [make_ticket(alice, f"T{i}", priority=Priority.LOW + i % 4) for i in range(7)]
    client = api(alice)

    assert numbers(client.get("/api/v1/tickets/?ordering=created_at")) == [t.pk for t in tickets]
    assert numbers(client.get("/api/v1/tickets/")) == [t.pk for t in reversed(tickets)]
    assert (
        client.get("/api/v1/tickets/?ordering=-priority").json()["results"][0]["priority"]
        == "urgent"
    )
    page = client.get("/api/v1/tickets/?page_size=3&page=2").json()
    assert page["count"] == 7
    assert len(page["results"]) == 3
    assert "page=3" in page["next"]
    assert "page_size=3" in page["next"]
    assert client.get("/api/v1/tickets/?page=9").status_code == 404


def test_page_size_is_capped_at_100(api, alice, make_ticket):
    for i in range(3):
        make_ticket(alice, f"T{i}")

    response = api(alice).get("/api/v1/tickets/?page_size=5000")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_unread_shows_a_reply_the_customer_has_not_seen(api, login, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=agent, body="Try a restart.")

    assert api(alice).get("/api/v1/tickets/").json()["results"][0]["unread"] is True
    login(alice).get(ticket.get_absolute_url())
    assert api(alice).get("/api/v1/tickets/").json()["results"][0]["unread"] is False


# Opening


def test_a_customer_opens_a_ticket(api, alice, category):
    response = api(alice).post(
        "/api/v1/tickets/",
        {
            "category": "technical",
            "subject": "Disk full",
            "description": "db-2 at 95%",
            "priority": "high",
            "internal_reference": "MON-1",
            "resource": "db-2",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(pk=body["number"])
    assert body["status"] == "open"
    assert body["priority"] == "high"
    assert ticket.organization == alice.organization
    assert ticket.requester == alice
    assert ticket.channel == "api"
    assert ticket.resource == "db-2"


def test_a_ticket_with_files_by_multipart(api, alice, category):
    response = api(alice).post(
        "/api/v1/tickets/",
        {
            "category": "technical",
            "subject": "Screenshot",
            "description": "See attached",
            "files": [upload("screenshot.png"), upload("notes.txt")],
        },
        format="multipart",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["number"])
    assert sorted(ticket.attachments.values_list("name", flat=True)) == [
        "notes.txt",
        "screenshot.png",
    ]


def test_a_refused_file_opens_nothing_and_stores_nothing(api, alice, category):
    before = (
        set(default_storage.listdir("attachments")[0])
        if default_storage.exists("attachments")
        else set()
    )

    response = api(alice).post(
        "/api/v1/tickets/",
        {
            "category": "technical",
            "subject": "Bad file",
            "description": "x",
            "files": [upload("screenshot.png"), upload("notes.txt", PNG[:4] + b"\x00\x00")],
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert "files" in response.json()
    assert "notes.txt" in response.json()["files"][0]
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    after = (
        set(default_storage.listdir("attachments")[0])
        if default_storage.exists("attachments")
        else set()
    )
    assert after == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subject": "x", "description": "y"}, "category"),
        ({"category": "nope", "subject": "x", "description": "y"}, "category"),
        ({"category": "technical", "description": "y"}, "subject"),
        ({"category": "technical", "subject": "   ", "description": "y"}, "subject"),
        ({"category": "technical", "subject": "x", "description": ""}, "description"),
        ({"category": "technical", "subject": "x" * 300, "description": "y"}, "subject"),
        ({"category": "technical", "subject": "x", "description": "y", "priority": 9}, "priority"),
        (
            {"category": "technical", "subject": "x", "description": "y", "organization": "GLOBEX"},
            "organization",
        ),
    ],
)
def test_opening_errors_name_the_field(payload, field, api, alice, category):
    response = api(alice).post("/api/v1/tickets/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Ticket.objects.exists()


def test_support_opens_a_ticket_for_a_customer_and_it_waits_for_them(api, agent, bob, category):
    response = api(agent).post(
        "/api/v1/tickets/",
        {
            "category": "technical",
            "subject": "Your renewal",
            "description": "Please confirm.",
            "organization": "acme",
            "requester": bob.email,
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "waiting_for_customer"
    assert response.json()["requester"]["email"] == bob.email


def test_support_must_name_a_requester_of_that_organisation(api, agent, alice, carol, category):
    response = api(agent).post(
        "/api/v1/tickets/",
        {
            "category": "technical",
            "subject": "x",
            "description": "y",
            "organization": "ACME",
            "requester": carol.email,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"requester": ["No user of that organisation has that email."]}


# Changing


def test_a_customer_sets_the_internal_reference(api, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(alice).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"internal_reference": "PO-42"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["internal_reference"] == "PO-42"


def test_status_is_not_writable_and_the_error_names_the_actions(api, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(alice).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"status": "closed"}, format="json"
    )

    assert response.status_code == 400
    assert "/close/" in response.json()["status"][0]
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_customers_cannot_change_support_fields(api, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(alice).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"priority": "urgent"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"priority": ["priority cannot be changed by customers."]}


def test_staff_change_priority_category_and_assignee_together(
    api, alice, agent, agent2, make_ticket, billing
):
    ticket = make_ticket(alice)

    response = api(agent).patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"priority": "urgent", "category": "billing", "assignee": agent2.email},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["priority"], body["category"]["slug"], body["assignee"]["email"]) == (
        "urgent",
        "billing",
        agent2.email,
    )


def test_a_bad_change_applies_none_of_the_changes(api, alice, agent, make_ticket):
    ticket = make_ticket(alice)

    response = api(agent).patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"priority": "urgent", "assignee": alice.email},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"assignee": ["No active support staff has that email."]}
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


# Messages


def test_messages_hide_internal_notes_from_customers(api, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=agent, body="Public answer")
    services.ticket_reply(ticket=ticket, author=agent, body="Internal thought", internal=True)

    customer = api(alice).get(f"/api/v1/tickets/{ticket.pk}/messages/").json()
    staff = api(agent).get(f"/api/v1/tickets/{ticket.pk}/messages/").json()

    assert [m["body"] for m in customer["results"]] == ["Public answer"]
    assert [(m["body"], m["internal"]) for m in staff["results"]] == [
        ("Public answer", False),
        ("Internal thought", True),
    ]


def test_a_reply_with_a_file_and_its_download(api, alice, make_ticket):
    ticket = make_ticket(alice)
    client = api(alice)

    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "Logs attached", "files": [upload("logs.zip")]},
        format="multipart",
    )

    assert response.status_code == 201
    attachment = response.json()["attachments"][0]
    assert attachment["name"] == "logs.zip"
    assert attachment["content_type"] == "application/zip"
    download = client.get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == upload("logs.zip").read()
    assert 'filename="logs.zip"' in download["Content-Disposition"]


def test_support_replies_submitting_the_ticket_as_solved(api, alice, agent, make_ticket):
    ticket = make_ticket(alice)

    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "Fixed.", "status": "solved"},
        format="json",
    )

    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_support_adds_an_internal_note_the_customer_never_sees(api, alice, agent, make_ticket):
    ticket = make_ticket(alice)

    api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "Looks like the March bug", "internal": True},
        format="json",
    )

    assert Message.objects.get().is_internal
    assert api(alice).get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["count"] == 0


@pytest.mark.parametrize("field", ["internal", "status"])
def test_customers_cannot_post_notes_or_choose_a_status(field, api, alice, make_ticket):
    ticket = make_ticket(alice)
    value = True if field == "internal" else "solved"

    response = api(alice).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "x", field: value}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {field: ["Only support staff can set this."]}
    assert not Message.objects.exists()


def test_a_message_to_a_closed_ticket_is_409_and_says_to_reopen(api, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    response = api(alice).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "One more thing"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "ticket_closed"
    assert "reopen" in response.json()["detail"]
    assert not Message.objects.exists()


def test_an_empty_message_names_the_body(api, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(alice).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": " "}, format="json"
    )

    assert response.status_code == 400
    assert "body" in response.json()


# Actions


def test_a_customer_closes_and_reopens_under_the_reopen_policy(api, alice, make_ticket):
    ticket = make_ticket(alice)
    client = api(alice)

    closed = client.post(f"/api/v1/tickets/{ticket.pk}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None

    missing_body = client.post(f"/api/v1/tickets/{ticket.pk}/reopen/", {}, format="json")
    assert missing_body.status_code == 400
    assert "body" in missing_body.json()

    reopened = client.post(
        f"/api/v1/tickets/{ticket.pk}/reopen/", {"body": "It is back"}, format="json"
    )
    assert reopened.status_code == 200
    assert reopened.json()["number"] == ticket.pk
    assert reopened.json()["status"] == "open"


def test_reopening_under_the_follow_up_policy_creates_a_linked_ticket(api, carol, make_ticket):
    ticket = make_ticket(carol)
    services.ticket_close(ticket=ticket, actor=carol)

    response = api(carol).post(
        f"/api/v1/tickets/{ticket.pk}/reopen/", {"body": "Again"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["follow_up_of"] == ticket.pk
    assert response.json()["number"] != ticket.pk
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_reopening_an_active_ticket_is_a_conflict(api, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(alice).post(f"/api/v1/tickets/{ticket.pk}/reopen/", {"body": "x"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_support_takes_assigns_waits_and_solves(api, alice, agent, agent2, make_ticket):
    ticket = make_ticket(alice)
    client = api(agent)
    url = f"/api/v1/tickets/{ticket.pk}"

    assert client.post(f"{url}/take/").json()["assignee"]["email"] == agent.email
    assigned = client.post(f"{url}/assign/", {"assignee": agent2.email}, format="json")
    assert assigned.json()["assignee"]["email"] == agent2.email
    assert client.post(f"{url}/wait/").json()["status"] == "waiting_for_customer"
    solved = client.post(f"{url}/solve/").json()
    assert solved["status"] == "solved"
    assert solved["solved_at"] is not None
    unassigned = client.post(f"{url}/assign/", {"assignee": None}, format="json")
    assert unassigned.json()["assignee"] is None
    client.post(f"{url}/close/")
    refused = client.post(f"{url}/assign/", {"assignee": agent.email}, format="json")
    assert refused.status_code == 409  # a closed ticket is not edited
    assert refused.json()["code"] == "invalid_transition"


def test_a_refused_transition_is_409_and_changes_nothing(api, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/solve/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": response.json()["detail"],
        "code": "invalid_transition",
    }
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


@pytest.mark.parametrize("action", ["take", "assign", "wait", "solve"])
def test_customers_get_403_from_support_actions(action, api, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(alice).post(f"/api/v1/tickets/{ticket.pk}/{action}/", {}, format="json")

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.assignee is None


# Categories and me


def test_categories_lists_the_active_ones(api, alice, category, billing):
    Category.objects.create(name="Retired", slug="retired", is_active=False)

    response = api(alice).get("/api/v1/categories/")

    assert [c["slug"] for c in response.json()] == ["technical", "billing"]


def test_me_tells_a_customer_their_organisation_and_counts(api, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_change_status(ticket=ticket, actor=agent, action="wait")
    for event in TicketEvent.objects.all():
        notifications_for_event(event_id=event.pk)  # what the worker does

    me = api(alice).get("/api/v1/me/").json()

    assert me["organization"] == {"alias": "ACME", "name": "Acme", "support_tier": "enterprise"}
    assert me["role"] == "admin"
    assert me["waiting_for_customer_count"] == 1
    assert me["unread_count"] == Notification.objects.filter(recipient=alice, read_at=None).count()
    assert me["unread_count"] >= 1  # at least "waiting for you"


def test_me_for_staff_has_no_organisation(api, agent):
    me = api(agent).get("/api/v1/me/").json()

    assert me["organization"] is None
    assert me["role"] == "agent"


def test_customers_see_support_by_name_never_by_email(api, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_take(ticket=ticket, agent=agent)
    services.ticket_reply(ticket=ticket, author=agent, body="Looking into it.")

    as_customer = api(alice)
    detail = as_customer.get(f"/api/v1/tickets/{ticket.pk}/").json()
    listed = as_customer.get("/api/v1/tickets/").json()["results"][0]
    messages = as_customer.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]
    staff_view = api(agent).get(f"/api/v1/tickets/{ticket.pk}/").json()

    assert detail["assignee"] == {"email": None, "name": "Sam Support"}
    assert listed["assignee"] == {"email": None, "name": "Sam Support"}
    assert messages[-1]["author"] == {"email": None, "name": "Sam Support"}
    assert detail["requester"]["email"] == "alice@acme.example"
    assert staff_view["assignee"]["email"] == "agent@support.example"


def test_a_customer_cannot_find_a_ticket_by_a_support_engineers_address(
    api, alice, agent, make_ticket
):
    ticket = make_ticket(alice, "Printer on fire")
    services.ticket_reply(ticket=ticket, author=agent, body="Looking into it.")

    client = api(alice)
    by_address = client.get("/api/v1/tickets/", {"search": "agent@support.example"}).json()
    by_part = client.get("/api/v1/tickets/", {"search": "support.example"}).json()
    by_name = client.get("/api/v1/tickets/", {"search": "Sam Support"}).json()

    assert by_address["results"] == by_part["results"] == []
    assert [row["number"] for row in by_name["results"]] == [ticket.pk]
