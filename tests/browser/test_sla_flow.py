"""Service levels in a real browser (issue 17): an agent sorts the queue by
due time, opens the most urgent ticket, replies, and sees its first-response
target met; the customer sees when support aims to reply."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.helpers import PASSWORD
from tests.tickets.sla_helpers import age, around_the_clock
from tickets.models import Priority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_sorts_by_due_answers_the_most_urgent_and_meets_its_target(
    page, log_in_to, alice, carol, agent, make_ticket
):
    around_the_clock()
    make_ticket(carol, "Invoice question", priority=Priority.LOW)
    urgent = age(
        make_ticket(alice, "Checkout is down", priority=Priority.URGENT), timedelta(minutes=25)
    )
    make_ticket(alice, "Slow dashboard", priority=Priority.NORMAL)

    # The customer is told when support aims to answer, in their time.
    log_in_to(alice.email, PASSWORD)
    page.goto(urgent.get_absolute_url())
    expect(page.locator("[data-reply-due]")).to_contain_text("We aim to reply by")
    page.context.clear_cookies()

    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(reverse("agent:queue", args=["active"]))
    page.get_by_role("link", name=re.compile(r"^Due")).click()
    expect(page).to_have_url(re.compile(r"sort=due"))
    first = page.locator("table.queue tbody tr").first
    expect(first).to_contain_text("Checkout is down")
    expect(first.locator("time.due")).to_have_text(re.compile(r"^in [45] min$"))
    expect(page.locator('[data-view-count="breaching"]')).to_have_text("1")

    first.get_by_role("link", name=re.compile("Checkout is down")).click()
    expect(page).to_have_url(re.compile(rf"/tickets/{urgent.pk}/$"))
    panel = page.get_by_role("region", name="Service level")
    expect(panel.locator('[data-sla-target="at_risk"]')).to_contain_text("First response")
    page.fill("#id_body", "We are rolling back the deploy now.")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(panel.locator('[data-sla-target="met"]')).to_contain_text("First response")
