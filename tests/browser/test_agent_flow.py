"""Support's key flow in a real browser: from the queue to a reply submitted as Solved."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD
from tickets.models import Message, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_takes_a_ticket_and_replies_submitting_it_as_solved(
    page, log_in_to, alice, agent, make_ticket
):
    ticket = make_ticket(alice, subject="Backups fail every night")

    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    row = page.locator("tr.unseen").filter(has_text="Backups fail every night")
    expect(row).to_be_visible()
    expect(page.locator('[data-view-count="unassigned"]')).to_have_text("1")

    # The keyboard works the queue: j moves to the row, x selects it, o opens it.
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(row.locator('input[name="ticket"]')).to_be_checked()
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))

    page.get_by_role("button", name="Take").click()
    expect(page.locator(".meta .badge")).to_have_text("In progress")

    # An internal note hides "submit as"; a public reply shows it again.
    page.get_by_label("Internal note").check()
    expect(page.get_by_label("Submit as")).to_be_hidden()
    page.get_by_label("Public reply").check()
    page.fill("#id_body", "The backup target was full; we extended it. Please confirm.")
    page.get_by_label("Submit as").select_option("solved")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.locator(".meta .badge")).to_have_text("Solved")
    expect(page.get_by_text("changed the status from In progress to Solved")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    message = Message.objects.get(ticket=ticket)
    assert not message.is_internal

    # The customer sees the answer and when the ticket will close.
    page.context.clear_cookies()
    log_in_to(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    expect(page.get_by_text("The backup target was full")).to_be_visible()
    expect(page.get_by_text("This ticket is solved and closes in 2 days")).to_be_visible()
