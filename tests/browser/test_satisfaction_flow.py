"""Issue 19: the requester rates a solved ticket from the emailed link, in one click."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.helpers import PASSWORD
from tests.notifications.helpers import deliver, start_clean
from tickets import services
from tickets.models import SatisfactionRating, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATE_LINK = re.compile(r"https?://[^/\s]+(/tickets/rate/[^\s/]+/)")


def test_the_emailed_good_link_rates_in_one_click_and_takes_a_comment(
    browser, page, live_server, log_in_to, alice, agent, make_ticket
):
    ticket = make_ticket(alice, "Mailbox full")
    start_clean()
    services.ticket_reply(
        ticket=ticket, author=agent, body="Quota raised.", submit_as=Status.SOLVED
    )
    deliver()
    [solved_email] = [m for m in mail.outbox if m.to == [alice.email]]
    good, bad = RATE_LINK.findall(solved_email.body)

    # A mail scanner opens links without running scripts: nothing is recorded.
    scanner = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    scanner.new_page().goto(bad)
    scanner.close()
    assert not SatisfactionRating.objects.exists()

    # Alice, not logged in, clicks Good in her email: one click rates.
    page.goto(good)
    expect(page.get_by_text("Thank you: your rating was saved. Your rating: Good.")).to_be_visible()
    assert SatisfactionRating.objects.get().score == "good"

    page.get_by_label("Comment (optional)").fill("Fast and friendly")
    page.get_by_role("button", name="Update rating").click()
    expect(page.get_by_text("Your rating: Good.")).to_be_visible()
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment) == ("good", "Fast and friendly")

    # Opening the link again changes nothing and shows the rating, fine on a phone.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(good)
    expect(page.get_by_text("Your rating: Good.")).to_be_visible()
    expect(page.get_by_label("Comment (optional)")).to_have_value("Fast and friendly")
    assert SatisfactionRating.objects.count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # Support sees it on the ticket.
    page.context.clear_cookies()
    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(ticket.get_absolute_url())
    rated = page.locator("#satisfaction")
    expect(rated).to_contain_text("Good")
    expect(rated).to_contain_text("Fast and friendly")
    expect(page.locator("#history-title + ol")).to_contain_text("rated the support Good")
