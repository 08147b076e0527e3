"""The portal's key flow in a real browser: create, reply, close, archive, reopen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import expect_ready, expect_waiting_for
from tests.helpers import PASSWORD
from tickets.models import Message, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_creates_replies_closes_finds_in_archive_and_reopens(log_in, alice, category):
    page = log_in(alice.email, PASSWORD)

    # No tickets yet: the Tickets page shows the creation form (seed 002).
    expect(page.get_by_text("You have no tickets yet")).to_be_visible()
    page.goto("/tickets/new/")
    create = page.get_by_role("button", name="Create ticket")
    expect_waiting_for(create, "Subject", "Description")
    page.select_option("#id_category", "technical")
    page.fill("#id_subject", "VPN tunnel keeps dropping")
    expect_waiting_for(create, "Description")
    assert not Ticket.objects.exists()
    page.fill("#id_description", "The tunnel to Frankfurt drops every 10 minutes.")
    expect_ready(create)
    create.click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.get_by_role("heading", name="VPN tunnel keeps dropping")).to_be_visible()

    # Reply.
    send = page.get_by_role("button", name="Send", exact=True)
    expect_waiting_for(send, "Reply")
    page.fill("#id_body", "It also drops on the backup line.")
    send.click()
    expect(
        page.locator(".message").filter(has_text="It also drops on the backup line.")
    ).to_be_visible()
    assert Message.objects.get().body == "It also drops on the backup line."

    # Close, through the confirmation dialog.
    page.get_by_role("link", name="Close ticket").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close ticket").click()
    expect(page.get_by_text("was closed and moved to the Archive")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED

    # Gone from Tickets, found in the Archive.
    page.goto("/tickets/")
    expect(page.get_by_role("link", name="VPN tunnel keeps dropping")).to_have_count(0)
    page.get_by_role("tab", name="Archive").click()
    page.get_by_role("link", name="VPN tunnel keeps dropping").click()

    # Reopen: the button waits until there is a message.
    page.get_by_role("link", name="Reopen ticket").click()
    expect(page.locator("#id_reopen_body")).to_be_focused()
    reopen = page.get_by_role("button", name="Send and reopen")
    expect(reopen).to_be_visible()
    expect_waiting_for(reopen, "Reply")
    page.fill("#id_reopen_body", "It is dropping again since this morning.")
    expect_ready(reopen)
    reopen.click()

    expect(page.get_by_text(f"Ticket #{ticket.pk} was reopened.")).to_be_visible()
    expect(page.locator(".meta .badge")).to_have_text("Open")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_another_organisations_user_sees_none_of_it_in_the_browser(
    log_in, alice, carol, make_ticket
):
    ticket = make_ticket(alice, subject="Acme only")

    page = log_in(carol.email, PASSWORD)
    expect(page.get_by_text("Acme only")).to_have_count(0)
    response = page.goto(f"/tickets/{ticket.pk}/")

    assert response.status == 404
    expect(page.get_by_text("Acme only")).to_have_count(0)
