"""Issue 18: a customer adds a colleague as a follower and an agent follows a
ticket, by keyboard alone, on a desktop and on a 390px phone."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.helpers import page_width, serious_violations
from tests.helpers import PASSWORD
from tickets.models import TicketFollower

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits(page) -> None:
    width = page_width(page)
    assert width["scroll"] <= width["inner"], width


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_customer_adds_and_removes_a_colleague_by_keyboard(
    viewport, page, log_in_to, acme, bob, make_ticket
):
    User.objects.create_user(
        "dave@acme.example", PASSWORD, full_name="Dave Doe", role="member", organization=acme
    )
    ticket = make_ticket(bob, "Printer on fire")
    if viewport:
        page.set_viewport_size(viewport)

    log_in_to(bob.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    menu = page.get_by_label("Add a follower")
    menu.focus()
    page.keyboard.type("Dave")
    expect(menu).to_have_value(str(User.objects.get(email="dave@acme.example").pk))
    page.keyboard.press("Tab")
    expect(page.locator("#followers .follower-add button")).to_be_focused()
    if viewport:
        fits(page)
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/tickets/{ticket.pk}/#followers")
    expect(page.get_by_text("Dave Doe follows this ticket now.")).to_be_visible()
    remove = page.get_by_role("button", name="Remove Dave Doe from the followers")
    expect(remove).to_be_visible()
    if viewport:
        fits(page)
    assert serious_violations(page) == []
    remove.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Dave Doe no longer follows this ticket.")).to_be_visible()
    assert not TicketFollower.objects.exists()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_agent_follows_and_unfollows_by_keyboard(
    viewport, page, log_in_to, bob, agent, make_ticket
):
    ticket = make_ticket(bob, "Printer on fire")
    if viewport:
        page.set_viewport_size(viewport)

    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(ticket.get_absolute_url())
    follow = page.get_by_role("button", name="Follow", exact=True)
    follow.focus()
    page.keyboard.press("Enter")

    unfollow = page.get_by_role("button", name="Unfollow", exact=True)
    expect(unfollow).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#followers .follower-list")).to_contain_text("Sam Support")
    if viewport:
        fits(page)
    assert serious_violations(page) == []
    unfollow.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="Follow", exact=True)).to_be_visible()
    assert not TicketFollower.objects.exists()
