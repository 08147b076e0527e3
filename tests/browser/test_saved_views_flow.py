"""Issue 18: an agent filters the queue, saves it as a view by keyboard alone and
finds it beside the queue's views with its count, on a desktop and on a 390px
phone; the page that renames and deletes views fits the phone too."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import page_width, serious_violations
from tests.helpers import PASSWORD
from tickets.models import Priority, SavedView

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits(page) -> None:
    width = page_width(page)
    assert width["scroll"] <= width["inner"], width


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_agent_saves_a_filtered_queue_by_keyboard(
    viewport, page, log_in_to, alice, carol, agent, make_ticket
):
    make_ticket(alice, "Database down", priority=Priority.URGENT)
    make_ticket(carol, "Mail bouncing", priority=Priority.URGENT)
    make_ticket(alice, "Question about invoices", priority=Priority.LOW)
    if viewport:
        page.set_viewport_size(viewport)

    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(reverse("agent:queue", args=["active"]) + "?priority=4")
    summary = page.locator("summary", has_text="Save this view")
    summary.focus()
    page.keyboard.press("Enter")
    name = page.get_by_label("Name")
    name.focus()
    page.keyboard.type("Urgent, everyone")
    page.keyboard.press("Enter")

    expect(page.get_by_text("View “Urgent, everyone” saved.")).to_be_visible()
    saved = page.get_by_role("navigation", name="Queue views")
    link = saved.get_by_role("link", name="Urgent, everyone")
    expect(link).to_have_attribute("aria-current", "page")
    expect(link.locator(".count")).to_have_text("2")
    # The built-in view it narrows is not the current page as well.
    expect(saved.locator("[aria-current]")).to_have_count(1)
    assert SavedView.objects.get().query == "priority=4"
    fits(page)

    page.goto(reverse("agent:saved_views"))
    expect(page.get_by_role("heading", name="Saved views", level=1)).to_be_visible()
    fits(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Delete Urgent, everyone").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("View deleted.")).to_be_visible()
    assert not SavedView.objects.exists()
