"""The customer portal as a customer uses it, through real requests."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.models import Message, Priority, Status, Ticket, TicketEvent
from tickets.workflow import Action

LIST = reverse("tickets:list")
ARCHIVE = reverse("tickets:archive")
CREATE = reverse("tickets:create")


def numbers(response) -> list[int]:
    return [ticket.pk for ticket in response.context["tickets"]]


def age(ticket, *, created_days: int, updated_days: int) -> None:
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=now - timedelta(days=created_days), updated_at=now - timedelta(days=updated_days)
    )


# --- Tickets and Archive -----------------------------------------------------------


def test_pages_need_a_login(client, alice, make_ticket):
    ticket = make_ticket(alice)
    for url in [LIST, ARCHIVE, CREATE, ticket.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_tickets_tab_lists_active_tickets_newest_update_first(
    login, alice, bob, agent, make_ticket
):
    older = make_ticket(alice, subject="Older")
    newer = make_ticket(bob, subject="Newer")
    closed = make_ticket(alice, subject="Done")
    services.ticket_close(ticket=closed, actor=alice)
    age(older, created_days=5, updated_days=1)
    age(newer, created_days=3, updated_days=2)

    response = login(alice).get(LIST)

    assert response.status_code == 200
    assert numbers(response) == [older.pk, newer.pk]
    html = response.content.decode()
    assert "Older" in html
    assert "Bob Brandt" in html
    assert "Technical issue" in html
    assert "Done" not in html


def test_the_archive_tab_lists_solved_and_closed_tickets_only(login, alice, agent, make_ticket):
    # Seed 002: "all tickets already solved and closed".
    active = make_ticket(alice, subject="Still going")
    closed = make_ticket(alice, subject="All done")
    services.ticket_close(ticket=closed, actor=alice)
    solved = make_ticket(alice, subject="Fixed")
    services.ticket_change_status(ticket=solved, actor=agent, action=Action.SOLVE)

    response = login(alice).get(ARCHIVE)

    assert numbers(response) == [solved.pk, closed.pk]
    assert active.pk not in numbers(response)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-updated", ["b", "a", "c"]),
        ("updated", ["c", "a", "b"]),
        ("-created", ["c", "b", "a"]),
        ("created", ["a", "b", "c"]),
    ],
)
def test_tickets_sort_by_updated_or_created_in_both_directions(
    sort, expected, login, alice, make_ticket
):
    tickets = {name: make_ticket(alice, subject=name) for name in "abc"}
    age(tickets["a"], created_days=9, updated_days=2)
    age(tickets["b"], created_days=8, updated_days=1)
    age(tickets["c"], created_days=7, updated_days=3)

    response = login(alice).get(LIST, {"sort": sort})

    assert numbers(response) == [tickets[name].pk for name in expected]


def test_the_sorted_column_shows_an_arrow_and_flips_on_click(login, alice, make_ticket):
    make_ticket(alice)

    html = login(alice).get(LIST, {"sort": "created"}).content.decode()

    assert "Created ↑" in html
    assert "?sort=-created" in html  # clicking again sorts newest first
    assert "Updated </a>" in html  # no arrow on the other column


def test_tickets_filter_by_category(login, alice, make_ticket, billing):
    technical = make_ticket(alice, subject="Broken")
    invoice = make_ticket(alice, subject="Invoice", category=billing)

    response = login(alice).get(LIST, {"category": "billing"})

    assert numbers(response) == [invoice.pk]
    assert technical.pk not in numbers(response)


@pytest.mark.parametrize(
    "query",
    ["kubernetes", "KUBERNETES nodes", "rollback", "Bob Brandt", "bob@acme.example", "PO-7781"],
)
def test_search_finds_subject_description_public_messages_author_and_reference(
    query, login, alice, bob, agent, make_ticket
):
    wanted = make_ticket(
        bob,
        subject="Kubernetes nodes stuck",
        description="Nodes stay NotReady.",
        internal_reference="PO-7781",
    )
    services.ticket_reply(ticket=wanted, author=agent, body="We did a rollback of the CNI.")
    make_ticket(alice, subject="Invoice question", description="VAT is wrong")

    response = login(alice).get(LIST, {"q": query})

    assert numbers(response) == [wanted.pk]


def test_search_finds_a_ticket_by_its_number(login, alice, make_ticket):
    make_ticket(alice, subject="One")
    wanted = make_ticket(alice, subject="Two")

    response = login(alice).get(LIST, {"q": f"#{wanted.pk}"})

    assert numbers(response) == [wanted.pk]


def test_search_never_matches_internal_notes(login, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=agent, body="customer-is-grumpy", internal=True)

    response = login(alice).get(LIST, {"q": "customer-is-grumpy"})

    assert numbers(response) == []
    assert "No ticket matches your search." in response.content.decode()


def test_rebuilding_search_text_drops_what_older_rules_kept(
    login, alice, bob, agent, make_ticket, django_assert_max_num_queries
):
    # Search text written before staff addresses were left out still holds
    # them; the rebuild command rewrites every ticket's text by today's rules.
    answered = make_ticket(alice, subject="Printer jams")
    services.ticket_reply(ticket=answered, author=agent, body="Try the rear tray.")
    services.ticket_reply(ticket=answered, author=bob, body="Same here on floor 2.")
    quiet = make_ticket(bob, subject="VPN drops")
    Ticket.objects.update(search_document=f"old text {agent.email}")
    customer = login(alice)
    assert sorted(numbers(customer.get(LIST, {"q": agent.email}))) == [answered.pk, quiet.pk]

    # Two batches of one (tickets, messages, update) and the empty end.
    with django_assert_max_num_queries(7):
        call_command("rebuild_search_documents", batch=1, stdout=io.StringIO())

    assert numbers(customer.get(LIST, {"q": agent.email})) == []
    assert numbers(customer.get(LIST, {"q": "rear tray"})) == [answered.pk]
    assert numbers(customer.get(LIST, {"q": "floor"})) == [answered.pk]
    assert numbers(customer.get(LIST, {"q": "VPN"})) == [quiet.pk]


def test_the_archive_has_the_same_search(login, alice, make_ticket):
    closed = make_ticket(alice, subject="Firewall rule request")
    services.ticket_close(ticket=closed, actor=alice)
    make_ticket(alice, subject="Firewall is fine")

    response = login(alice).get(ARCHIVE, {"q": "firewall"})

    assert numbers(response) == [closed.pk]


def test_lists_are_paginated(login, alice, make_ticket, settings):
    settings.HELPDESK_PAGE_SIZE = 3
    made = [make_ticket(alice, subject=f"T{i}") for i in range(7)]

    first = login(alice).get(LIST)
    last = login(alice).get(LIST, {"page": 3})

    assert len(numbers(first)) == 3
    assert numbers(last) == [made[0].pk]
    assert "Page 1 of 3" in first.content.decode()


def test_someone_with_no_tickets_sees_the_creation_form(login, alice, category):
    response = login(alice).get(LIST)

    html = response.content.decode()
    assert "You have no tickets yet" in html
    assert 'action="/tickets/new/"' in html


def test_the_creation_form_is_not_shown_once_the_organisation_has_tickets(
    login, alice, bob, make_ticket
):
    ticket = make_ticket(bob)
    services.ticket_close(ticket=ticket, actor=bob)

    html = login(alice).get(LIST).content.decode()

    assert "You have no tickets yet" not in html
    assert "No active tickets" in html


@pytest.mark.parametrize("url", [LIST, ARCHIVE])
def test_list_pages_run_a_fixed_number_of_queries(
    url, login, alice, bob, make_ticket, django_assert_max_num_queries, settings
):
    settings.HELPDESK_PAGE_SIZE = 50
    client = login(alice)
    for i in range(3):
        ticket = make_ticket(bob if i % 2 else alice, subject=f"Quota {i}")
        if url == ARCHIVE:
            services.ticket_close(ticket=ticket, actor=alice)
    with django_assert_max_num_queries(8):  # incl. the nav counters, Sales and Billing
        few = client.get(url, {"q": "quota"})
    for i in range(30):
        ticket = make_ticket(bob if i % 2 else alice, subject=f"Many {i}")
        if url == ARCHIVE:
            services.ticket_close(ticket=ticket, actor=alice)

    with django_assert_max_num_queries(8):  # incl. the nav counters, Sales and Billing
        many = client.get(url)

    assert len(numbers(few)) == 3
    assert len(numbers(many)) == 33


# --- Creating a ticket ---------------------------------------------------------------


def test_a_customer_creates_a_ticket(login, alice, category):
    response = login(alice).post(
        CREATE,
        {
            "category": "technical",
            "subject": "  Database is slow  ",
            "description": "Queries take 10 s since Monday.",
            "priority": Priority.HIGH,
            "internal_reference": "OPS-12",
        },
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert (ticket.subject, ticket.priority, ticket.internal_reference) == (
        "Database is slow",
        Priority.HIGH,
        "OPS-12",
    )
    assert (ticket.status, ticket.requester, ticket.organization) == (
        Status.OPEN,
        alice,
        alice.organization,
    )


def test_priority_is_normal_unless_chosen(login, alice, category):
    form = login(alice).get(CREATE).context["form"]

    assert form["priority"].value() == Priority.NORMAL


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"subject": ""}, "subject", "Subject is required."),
        ({"subject": "   "}, "subject", "Subject is required."),
        ({"description": ""}, "description", "Description is required."),
        ({"subject": "x" * 201}, "subject", "Subject can be at most 200 characters (it has 201)."),
        ({"category": "no-such-type"}, "category", "Choose one of the listed ticket types."),
        ({"category": ""}, "category", "Ticket type is required."),
        ({"internal_reference": "r" * 101}, "internal_reference", "at most 100 characters"),
    ],
)
def test_creating_refuses_bad_input_naming_the_field(data, field, message, login, alice, category):
    valid = {"category": "technical", "subject": "Hello", "description": "World", "priority": 2}

    response = login(alice).post(CREATE, {**valid, **data})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message.split("(")[0] in response.content.decode()
    assert Ticket.objects.count() == 0


def test_an_inactive_category_cannot_be_chosen(login, alice, category):
    category.is_active = False
    category.save()

    response = login(alice).post(
        CREATE, {"category": "technical", "subject": "S", "description": "D", "priority": 2}
    )

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_the_context_link_prefills_the_form_and_keeps_the_product(login, alice, category):
    client = login(alice)

    page = client.get(
        CREATE, {"category": "technical", "product": "Kubernetes", "resource": "k8s-42"}
    )
    html = page.content.decode()
    assert 'value="technical" selected' in html
    assert "Opened from <strong>Kubernetes</strong>" in html
    form = page.context["form"]
    client.post(
        CREATE,
        {
            "category": form["category"].value(),
            "subject": "Scale the cluster",
            "description": "Up to 20 nodes",
            "priority": 2,
            "product": form["product"].value(),
            "resource": form["resource"].value(),
        },
    )

    ticket = Ticket.objects.get()
    assert (ticket.product, ticket.resource, ticket.category.slug) == (
        "Kubernetes",
        "k8s-42",
        "technical",
    )


def test_the_create_button_is_disabled_until_subject_and_description_are_filled(
    login, alice, category
):
    html = login(alice).get(CREATE).content.decode()

    assert 'data-require-filled="id_subject id_description"' in html


# --- A ticket's page ------------------------------------------------------------------


def test_the_ticket_page_shows_the_request_the_conversation_and_the_information(
    login, alice, bob, agent, make_ticket
):
    ticket = make_ticket(bob, subject="Disk full", description="**/var** is at 100%")
    services.ticket_take(ticket=ticket, agent=agent)
    services.ticket_reply(ticket=ticket, author=agent, body="Cleaning up old logs.")
    services.ticket_reply(ticket=ticket, author=agent, body="secret-internal-words", internal=True)

    response = login(alice).get(ticket.get_absolute_url())

    html = response.content.decode()
    assert "<strong>/var</strong> is at 100%" in html
    assert "Cleaning up old logs." in html
    assert "secret-internal-words" not in html
    assert "Sam Support" in html  # assignee, and the reply's author
    assert "Bob Brandt" in html
    assert "changed the status from Open to In progress" in html
    assert "added an internal note" not in html


def test_user_markdown_is_sanitised(login, alice, make_ticket):
    ticket = make_ticket(
        alice,
        description="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html


def test_one_messages_link_definitions_do_not_carry_into_the_next(login, alice, make_ticket):
    # The Markdown converter is reused between texts: nothing of one may leak.
    ticket = make_ticket(alice, description="See [the log][log].\n\n[log]: https://evil.example/x")
    services.ticket_reply(ticket=ticket, author=alice, body="Any news on [the log][log]?")

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert html.count('href="https://evil.example/x"') == 1
    assert "Any news on [the log][log]?" in html


def test_a_customer_replies(login, alice, bob, make_ticket):
    ticket = make_ticket(bob)

    response = login(alice).post(
        reverse("tickets:reply", args=[ticket.pk]), {"body": "Same here on our side."}
    )

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/#message-{message.pk}"
    assert (message.author, message.body, message.is_internal) == (
        alice,
        "Same here on our side.",
        False,
    )


def test_an_empty_reply_is_refused_with_a_message(login, alice, make_ticket):
    ticket = make_ticket(alice)

    response = login(alice).post(reverse("tickets:reply", args=[ticket.pk]), {"body": "  "})

    assert response.status_code == 400
    assert "Message is required." in response.content.decode()
    assert Message.objects.count() == 0


def test_a_reply_sent_after_the_ticket_closed_reopens_it(login, alice, make_ticket):
    # Seed 001: Send on a closed ticket changes it back to waiting for support.
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    response = login(alice).post(
        reverse("tickets:reply", args=[ticket.pk]), {"body": "hello again"}, follow=True
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert Message.objects.get().body == "hello again"
    assert f"Ticket #{ticket.pk} was reopened." in response.content.decode()


def test_a_reply_sent_after_the_ticket_closed_opens_a_follow_up_under_that_policy(
    login, carol, make_ticket
):
    ticket = make_ticket(carol)
    services.ticket_close(ticket=ticket, actor=carol)

    login(carol).post(reverse("tickets:reply", args=[ticket.pk]), {"body": "one more thing"})

    ticket.refresh_from_db()
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert ticket.status == Status.CLOSED
    assert (follow_up.status, follow_up.description) == (Status.OPEN, "one more thing")


def test_closing_asks_for_confirmation_first(login, alice, make_ticket):
    ticket = make_ticket(alice)
    url = reverse("tickets:close", args=[ticket.pk])

    confirm = login(alice).get(url)
    assert "Close ticket #" in confirm.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN

    login(alice).post(url)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_a_closed_ticket_shows_reopen_and_no_reply_box(login, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert "Reopen ticket" in html
    assert "Send and reopen" in html
    assert reverse("tickets:reply", args=[ticket.pk]) not in html
    assert 'data-require-filled="id_reopen_body"' in html


def test_a_customer_reopens_a_ticket_with_a_message(login, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    response = login(alice).post(
        reverse("tickets:reopen", args=[ticket.pk]), {"body": "It is back."}, follow=True
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert f"Ticket #{ticket.pk} was reopened." in response.content.decode()


def test_reopening_with_an_empty_message_is_refused(login, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    response = login(alice).post(reverse("tickets:reopen", args=[ticket.pk]), {"body": ""})

    assert response.status_code == 400
    assert "Message is required." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_under_the_follow_up_policy_both_tickets_show_the_link(login, carol, make_ticket):
    ticket = make_ticket(carol, subject="Mail bounces")
    services.ticket_close(ticket=ticket, actor=carol)
    client = login(carol)

    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Send as a follow-up" in page
    response = client.post(
        reverse("tickets:reopen", args=[ticket.pk]), {"body": "Bounces again."}, follow=True
    )

    follow_up = Ticket.objects.get(follow_up_of=ticket)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == follow_up.get_absolute_url()
    assert f'This is a follow-up of <a href="{ticket.get_absolute_url()}">#{ticket.pk}' in html
    original = client.get(ticket.get_absolute_url()).content.decode()
    assert f'Follow-up ticket: <a href="{follow_up.get_absolute_url()}">#{follow_up.pk}' in original


def test_customers_edit_the_internal_reference(login, alice, bob, make_ticket):
    ticket = make_ticket(bob)

    login(alice).post(
        reverse("tickets:reference", args=[ticket.pk]), {"internal_reference": "PO-9"}
    )

    ticket.refresh_from_db()
    assert ticket.internal_reference == "PO-9"
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.actor, event.to_value) == ("reference", alice, "PO-9")


def test_a_solved_ticket_says_when_it_will_close(login, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    ticket.refresh_from_db()
    deadline = ticket.solved_at + timedelta(hours=72)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert "This ticket is solved and closes <time" in html
    assert deadline.strftime("%Y-%m-%dT%H:%M:%S") in html


def test_the_ticket_page_runs_a_fixed_number_of_queries(
    login, alice, agent, make_ticket, django_assert_max_num_queries
):
    ticket = make_ticket(alice)
    client = login(alice)
    for i in range(12):
        services.ticket_reply(ticket=ticket, author=agent if i % 2 else alice, body=f"m{i}")

    # incl. the read mark (check, then write), nav, files, and the followers (issue 18)
    with django_assert_max_num_queries(12):
        response = client.get(ticket.get_absolute_url())

    assert response.status_code == 200


def test_a_closed_ticket_offers_its_message_box_at_once(login, alice, make_ticket):
    # Seed 001: on a closed ticket the Reply box itself is the way back.
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert '<section id="reopen" class="card reply">' in html
    assert 'href="#reopen" data-reveal="reopen"' in html


def test_without_javascript_close_ticket_leads_to_a_confirmation_page(login, alice, make_ticket):
    ticket = make_ticket(alice)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert f'href="{reverse("tickets:close", args=[ticket.pk])}" data-dialog="close-dialog"' in html


def test_viewing_a_ticket_again_writes_nothing_until_it_changes(login, alice, agent, make_ticket):
    from tickets.models import TicketRead

    ticket = make_ticket(alice)
    client = login(alice)
    client.get(ticket.get_absolute_url())
    first = TicketRead.objects.get(user=alice, ticket=ticket).seen_at

    client.get(ticket.get_absolute_url())
    assert TicketRead.objects.get(user=alice, ticket=ticket).seen_at == first

    services.ticket_reply(ticket=ticket, author=agent, body="Any news?")
    client.get(ticket.get_absolute_url())
    assert TicketRead.objects.get(user=alice, ticket=ticket).seen_at > first
