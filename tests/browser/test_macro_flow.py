"""Issue 18's judged flow: an agent picks a macro by keyboard in the reply box,
sees what it will do, sends, and the ticket waits on the customer with the
macro's tag and message."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD
from tickets import services
from tickets.models import Message, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_applies_a_macro_picked_by_keyboard(
    page, log_in_to, alice, agent, support_admin, make_ticket
):
    ticket = make_ticket(alice, subject="Backups fail every night")
    services.macro_create(
        actor=support_admin, shared=True, title="Apologise", body="Sorry, {{ agent.first_name }}"
    )
    services.macro_create(
        actor=support_admin,
        shared=True,
        title="Ask for logs",
        body="Hello {{ requester.first_name }},\n\nPlease attach the logs of #{{ ticket.number }}.",
        status_action="wait",
        tags="needs-logs",
    )

    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(ticket.get_absolute_url())
    page.locator("h1").click()  # focus on the page, outside any field

    # m opens the picker; typing a title's first letters picks it.
    page.keyboard.press("m")
    picker = page.get_by_label("Macro", exact=True)
    expect(picker).to_be_focused()
    page.keyboard.type("Ask")
    expect(picker).to_have_value(re.compile(r"\d+"))

    preview = page.locator("[data-macro-preview]")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Status: Waiting for customer")
    expect(preview).to_contain_text("Add tags: needs-logs")
    body = page.locator("#id_body")
    expect(body).to_have_value(
        f"Hello Alice,\n\nPlease attach the logs of #{ticket.pk}.", timeout=5_000
    )
    expect(page.get_by_label("Submit as")).to_have_value("waiting_for_customer")

    body.fill(body.input_value() + "\nThank you!")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.get_by_text("Macro applied: Ask for logs.")).to_be_visible()
    expect(page.locator(".meta .badge")).to_have_text("Waiting for customer")
    expect(page.locator("#tags .tag")).to_have_text(["needs-logs"])
    after = Ticket.objects.get(pk=ticket.pk)
    assert after.status == Status.WAITING
    assert list(after.tags.values_list("name", flat=True)) == ["needs-logs"]
    message = Message.objects.get(ticket=ticket)
    assert message.body.replace("\r\n", "\n") == (
        f"Hello Alice,\n\nPlease attach the logs of #{ticket.pk}.\nThank you!"
    )
    assert not message.is_internal
