"""Seed 002's Archive: "all tickets already solved and closed"; the Tickets tab
holds the ones still being worked. A solved ticket still takes a reply, which
brings it back."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tickets import services
from tickets.counters import counts_by_status
from tickets.models import Status, Ticket
from tickets.workflow import Action

LIST = reverse("tickets:list")
ARCHIVE = reverse("tickets:archive")


def numbers(response) -> list[int]:
    return [ticket.pk for ticket in response.context["tickets"]]


@pytest.fixture
def solved(alice, agent, make_ticket) -> Ticket:
    ticket = make_ticket(alice, subject="Fixed by support")
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    ticket.refresh_from_db()
    return ticket


def test_a_solved_ticket_leaves_the_tickets_tab_for_the_archive(login, alice, solved, make_ticket):
    working = make_ticket(alice, subject="Still being worked")
    client = login(alice)

    tickets = client.get(LIST)
    archive = client.get(ARCHIVE)

    assert numbers(tickets) == [working.pk]
    assert numbers(archive) == [solved.pk]


@pytest.mark.parametrize(
    "status", [Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.SOLVED, Status.CLOSED]
)
def test_every_status_is_on_exactly_one_tab(status, login, alice, agent, make_ticket):
    ticket = make_ticket(alice)
    action = {
        Status.IN_PROGRESS: Action.RESUME,
        Status.WAITING: Action.WAIT,
        Status.SOLVED: Action.SOLVE,
    }.get(status)
    if action:
        services.ticket_change_status(ticket=ticket, actor=agent, action=action)
    elif status == Status.CLOSED:
        services.ticket_close(ticket=ticket, actor=alice)
    client = login(alice)

    on_tickets = ticket.pk in numbers(client.get(LIST))
    on_archive = ticket.pk in numbers(client.get(ARCHIVE))

    assert (on_tickets, on_archive) == (
        status not in (Status.SOLVED, Status.CLOSED),
        status in (Status.SOLVED, Status.CLOSED),
    )


def test_the_archive_shows_when_a_solved_ticket_will_close_and_when_a_closed_one_closed(
    login, alice, solved, make_ticket
):
    closed = make_ticket(alice, subject="Closed by us")
    services.ticket_close(ticket=closed, actor=alice)
    closed.refresh_from_db()
    deadline = solved.solved_at + timedelta(hours=72)

    html = login(alice).get(ARCHIVE).content.decode()

    assert "<th>Closed</th>" in html
    assert f'closes</span> <time datetime="{deadline.isoformat()}" title=' in html
    assert f'<td class="closing"><time datetime="{closed.closed_at.isoformat()}">' in html


def test_the_tickets_tab_has_no_closing_column(login, alice, make_ticket):
    make_ticket(alice)

    html = login(alice).get(LIST).content.decode()

    assert "<th>Closed</th>" not in html


def test_a_reply_to_a_solved_ticket_in_the_archive_brings_it_back(login, alice, solved):
    client = login(alice)

    client.post(reverse("tickets:reply", args=[solved.pk]), {"body": "Still broken, sorry."})

    solved.refresh_from_db()
    assert (solved.status, solved.solved_at) == (Status.OPEN, None)
    assert numbers(client.get(LIST)) == [solved.pk]
    assert numbers(client.get(ARCHIVE)) == []


def test_a_solved_tickets_page_offers_the_reply_box_and_leads_back_to_the_archive(
    login, alice, solved
):
    html = login(alice).get(solved.get_absolute_url()).content.decode()

    assert f'<a href="{ARCHIVE}">Archive</a> / #{solved.pk}' in html
    assert f'action="{reverse("tickets:reply", args=[solved.pk])}"' in html
    assert "This ticket is solved and closes <time" in html


def test_the_archive_counts_solved_tickets_on_its_pages(login, alice, agent, make_ticket, settings):
    settings.HELPDESK_PAGE_SIZE = 2
    for i in range(3):
        ticket = make_ticket(alice, subject=f"Done {i}")
        services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)

    html = login(alice).get(ARCHIVE).content.decode()

    assert "Page 1 of 2 · 3 tickets" in html


def test_the_waiting_badge_and_counters_are_unchanged_by_the_split(
    login, alice, agent, solved, make_ticket
):
    waiting = make_ticket(alice, subject="Need your logs")
    services.ticket_change_status(ticket=waiting, actor=agent, action=Action.WAIT)

    html = login(alice).get(ARCHIVE).content.decode()

    assert '<span class="pill warn" data-nav="waiting"' in html
    assert counts_by_status(alice.organization_id)[Status.SOLVED] == 1
    assert counts_by_status(alice.organization_id)[Status.WAITING] == 1


def test_another_organisations_archive_never_shows_a_solved_ticket(login, carol, solved):
    response = login(carol).get(ARCHIVE, {"q": "Fixed"})

    assert numbers(response) == []
    assert "Fixed by support" not in response.content.decode()


def test_the_api_archived_filter_matches_the_two_tabs(api, alice, solved, make_ticket):
    working = make_ticket(alice, subject="Working")
    closed = make_ticket(alice, subject="Closed")
    services.ticket_close(ticket=closed, actor=alice)
    client = api(alice)

    def listed(archived: str) -> set[int]:
        response = client.get("/api/v1/tickets/", {"archived": archived})
        return {row["number"] for row in response.json()["results"]}

    assert listed("true") == {solved.pk, closed.pk}
    assert listed("false") == {working.pk}
