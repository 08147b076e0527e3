"""Issue 19: the requester rates a solved ticket from the emailed link, in one click."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.helpers import PASSWORD
from tests.notifications.helpers import deliver, start_clean
from tickets import services
from tickets.models import SatisfactionRating, Status, Ticket
from tickets.workflow import Action

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


def _link(body: str, label: str) -> str:
    """The path of the link the text email labels ``label`` ("Good: https://…")."""
    [url] = re.findall(rf"^{label}: (\S+)$", body, re.M)
    return RATE_LINK.fullmatch(url).group(1)


def test_on_a_phone_the_emailed_bad_link_changes_the_rating_takes_a_comment_by_keyboard(
    page, log_in_to, alice, agent, support_admin, make_ticket
):
    """Given a solved notice emailed to Alice, she opens Good, then Bad (she meant
    Bad), comments from the keyboard and opens the link again; support sees Bad
    with her comment, the dashboard counts it, and once closed it is fixed."""
    ticket = make_ticket(alice, "VPN drops every hour")
    start_clean()
    services.ticket_reply(
        ticket=ticket, author=agent, body="Lease time fixed.", submit_as=Status.SOLVED
    )
    deliver()  # the real outbox: event, notification, email through the test backend
    [solved_email] = [m for m in mail.outbox if m.to == [alice.email]]
    good, bad = _link(solved_email.body, "Good"), _link(solved_email.body, "Bad")
    assert good != bad
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto(good)
    expect(page.get_by_text("Your rating: Good.")).to_be_visible()
    page.goto(bad)  # one click changes it: the rating is the requester's until it closes
    expect(page.get_by_text("Thank you: your rating was saved. Your rating: Bad.")).to_be_visible()
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == ["bad"]

    # The comment from the keyboard: type, Tab to the button, Enter.
    page.get_by_label("Comment (optional)").focus()
    page.keyboard.type("Took three days")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Update rating")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your rating was saved. Your rating: Bad.")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    # Safe to open twice: the same rating, the comment kept, still one row.
    page.goto(bad)
    expect(page.get_by_text("Your rating: Bad.")).to_be_visible()
    expect(page.get_by_label("Comment (optional)")).to_have_value("Took three days")
    assert list(SatisfactionRating.objects.values_list("score", "comment")) == [
        ("bad", "Took three days")
    ]

    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(ticket.get_absolute_url())
    rated = page.locator("#satisfaction")
    expect(rated.locator('[data-rating="bad"]')).to_contain_text("Bad")
    expect(rated).to_contain_text("Took three days")

    page.context.clear_cookies()
    log_in_to(support_admin.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto("/agent/reports/")
    expect(page.locator('[data-figure="csat"]')).to_contain_text("1 rating")

    # Closed, the link shows the rating and no longer changes it.
    services.ticket_change_status(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=alice, action=Action.CLOSE
    )
    page.context.clear_cookies()
    page.goto(good)
    expect(
        page.get_by_text("The ticket is closed: the rating can no longer change.")
    ).to_be_visible()
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == ["bad"]
