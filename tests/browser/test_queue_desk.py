"""The dense queue of issue 20 in a real browser: at 1366x900 twenty rows and
every column fit without sideways scrolling, and the keyboard moves real focus
from row to row (a roving tab stop), announced, down to a bulk action."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from accounts.preferences import QUEUE_COLUMNS
from tests.helpers import PASSWORD
from tickets import services
from tickets.models import Priority, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LANDING = "**/agent/queue/unassigned/"


@pytest.fixture
def busy_desk(alice, carol, agent, agent2, make_ticket):
    # Numbers as a desk a few years old has them: seven digits wide.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
                "GREATEST(1000000, (SELECT COALESCE(MAX(id), 0) FROM tickets_ticket)))"
            )
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = 'tickets_ticket'")
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) "
                "SELECT 'tickets_ticket', MAX(1000000, COALESCE(MAX(id), 0)) FROM tickets_ticket"
            )
    tickets = []
    for i in range(30):
        ticket = make_ticket(
            alice if i % 2 else carol,
            subject=f"Checkout fails for every customer in the EU region number {i} after the deploy",
            priority=Priority.HIGH if i % 3 else Priority.NORMAL,
        )
        if i % 4 == 0:
            services.ticket_take(ticket=ticket, agent=agent2)
        tickets.append(ticket)
    assert tickets[0].pk >= 1_000_000
    return tickets


def visible_rows(page) -> int:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("table.queue tbody tr")).filter((row) => {
            const box = row.getBoundingClientRect();
            return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
        }).length"""
    )


def test_at_1366_by_900_twenty_single_line_rows_and_every_column_fit(
    page, log_in_to, agent, busy_desk
):
    page.set_viewport_size(DESKTOP)
    log_in_to(agent.email, PASSWORD, landing=LANDING)
    # Every optional column on, the widest the queue gets.
    page.get_by_text("Columns", exact=True).click()
    for label in QUEUE_COLUMNS.values():
        page.locator(".columns-form").get_by_label(str(label), exact=True).check()
    page.get_by_role("button", name="Save columns").click()

    page.goto(reverse("agent:queue", args=["active"]))

    assert visible_rows(page) >= 20
    sizes = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                   box: document.querySelector(".table-scroll").scrollWidth,
                   boxWidth: document.querySelector(".table-scroll").clientWidth,
                   heights: Array.from(document.querySelectorAll("table.queue tbody tr"))
                       .map((row) => row.getBoundingClientRect().height)})"""
    )
    assert sizes["scroll"] <= sizes["inner"]
    assert sizes["box"] <= sizes["boxWidth"]  # no column scrolled off to the right
    assert max(sizes["heights"]) < 40  # one line each
    head = page.locator("table.queue thead")
    for label in QUEUE_COLUMNS.values():
        expect(head.get_by_text(str(label))).to_be_visible()
    # The exact time of a relative age is one hover away.
    updated = page.locator("table.queue tbody tr").first.locator("time").last
    expect(updated).to_have_attribute("title", re.compile(r"\d{4}, \d\d:\d\d$"))


def test_on_a_phone_the_queue_is_cards_and_fits(page, log_in_to, agent, busy_desk):
    page.set_viewport_size(PHONE)
    log_in_to(agent.email, PASSWORD, landing=LANDING)

    page.goto(reverse("agent:queue", args=["active"]))

    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    expect(page.get_by_role("button", name="Menu")).to_be_visible()


def test_j_and_k_move_focus_between_rows_and_announce_the_row(page, log_in_to, agent, busy_desk):
    page.set_viewport_size(DESKTOP)
    log_in_to(agent.email, PASSWORD, landing=LANDING)
    page.goto(reverse("agent:queue", args=["active"]))
    rows = page.locator("table.queue tbody tr")

    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(2)).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(rows.nth(2)).to_be_focused()

    total = rows.count()
    expect(page.locator("[data-queue-announce]")).to_have_text(
        re.compile(rf"^Row 3 of {total}: #\d+ ")
    )
    # One tab stop for all rows: the focused row, the others out of the Tab order.
    assert rows.nth(2).get_attribute("tabindex") == "0"
    assert rows.nth(1).get_attribute("tabindex") == "-1"


def test_a_french_agent_hears_the_row_and_its_selection_in_french(
    page, log_in_to, agent, busy_desk
):
    agent.language = "fr"
    agent.save(update_fields=["language"])
    page.set_viewport_size(DESKTOP)
    log_in_to(agent.email, PASSWORD, landing=LANDING)
    page.goto(reverse("agent:queue", args=["active"]))
    rows = page.locator("table.queue tbody tr")

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")

    total = rows.count()
    announce = page.locator("[data-queue-announce]")
    expect(announce).to_have_text(re.compile(r"^#\d+ .*, sélectionnée$"))
    page.keyboard.press("j")
    expect(announce).to_have_text(re.compile(rf"^Ligne 3 sur {total} : #\d+ "))


def test_a_bulk_action_by_keyboard_alone(page, log_in_to, agent, busy_desk):
    page.set_viewport_size(DESKTOP)
    log_in_to(agent.email, PASSWORD, landing=LANDING)
    page.goto(reverse("agent:queue", args=["active"]) + "?sort=created")
    first, second = busy_desk[0], busy_desk[1]

    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    # Back up to the bulk bar with Shift+Tab, choose "Mark waiting", apply.
    action = page.get_by_label("Bulk action")
    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        if action.evaluate("element => element === document.activeElement"):
            break
    expect(action).to_be_focused()
    action.select_option("wait")  # a native select: choosing is the browser's own keyboard UI
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.get_by_role("button", name="Apply").evaluate(
            "element => element === document.activeElement"
        ):
            break
    page.keyboard.press("Enter")

    expect(page.locator(".flash")).to_contain_text(f"#{first.pk}, #{second.pk}")
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == Status.WAITING


def _row_box(page, ticket):
    return page.get_by_role("checkbox", name=f"Select #{ticket.pk}", exact=True)


def test_the_selection_survives_a_bulk_action_error(page, log_in_to, agent, agent2, busy_desk):
    """An error sends the agent back to the same queue with the same rows
    checked and the same choices, so nothing has to be picked again."""
    page.set_viewport_size(DESKTOP)
    log_in_to(agent.email, PASSWORD, landing=LANDING)
    queue = reverse("agent:queue", args=["active"]) + "?sort=created"
    page.goto(queue)
    first, second, third = busy_desk[1], busy_desk[2], busy_desk[3]
    held, free = busy_desk[4], busy_desk[5]  # the first is agent2's
    for ticket in (first, second):
        _row_box(page, ticket).check()

    # "Assign to…" without an agent: refused, the two rows stay checked.
    page.get_by_label("Bulk action").select_option("assign")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash-error")).to_have_text("Choose the agent to assign the tickets to.")
    expect(page.locator(".flash-info")).to_have_text("The 2 tickets stay selected.")
    assert page.url.endswith(queue)
    expect(_row_box(page, first)).to_be_checked()
    expect(_row_box(page, second)).to_be_checked()
    expect(_row_box(page, third)).not_to_be_checked()
    expect(page.get_by_label("Bulk action")).to_have_value("assign")

    # Now with the agent: done, and the next visit starts with nothing checked.
    page.get_by_label("Assign to", exact=True).select_option(str(agent2.pk))
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash-success")).to_contain_text(f"#{first.pk}, #{second.pk}")
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.assignee == agent2
    expect(page.locator('input[name="ticket"]:checked')).to_have_count(0)

    # A partial failure: the done row is cleared, the skipped one stays checked.
    for ticket in (held, free):
        _row_box(page, ticket).check()
    page.get_by_label("Bulk action").select_option("take")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash-error")).to_contain_text(f"#{held.pk} was skipped")
    expect(page.locator(".flash-info")).to_have_text("The ticket stays selected.")
    expect(_row_box(page, held)).to_be_checked()
    expect(_row_box(page, free)).not_to_be_checked()
    expect(page.locator('input[name="ticket"]:checked')).to_have_count(1)
    page.reload()
    expect(page.locator('input[name="ticket"]:checked')).to_have_count(0)
